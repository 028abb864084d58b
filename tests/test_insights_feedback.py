"""Feedback is attached to the reply it rates, found in the stored conversation, and kept
once per person and reply. Over a SQLite `events` table with Rasa's columns and event shapes
(the real store is exercised against the running stack in test_privacy_stack.py)."""
from __future__ import annotations

import json
import sqlite3

import pytest

from gateway.conversation_db import ConversationDB
from gateway.feedback import FeedbackError, FeedbackRequest, FeedbackStore, keyword_rating

RASA_EVENTS = """CREATE TABLE events (id INTEGER PRIMARY KEY, sender_id VARCHAR(255) NOT NULL,
    type_name VARCHAR(255) NOT NULL, timestamp FLOAT, intent_name VARCHAR(255),
    action_name VARCHAR(255), data TEXT)"""
ANSWER = "钻石卡持卡人可享受以下（一）至（十三）条……"


@pytest.fixture
def store(tmp_path):
    path = tmp_path / "tracker.db"
    events = [
        ("user", {"event": "user", "text": "钻石卡有哪些待遇"}),
        ("bot", {"event": "bot", "text": ANSWER, "data": {"custom": {
            "type": "answer", "status": "answered", "answerable": True,
            "citations": [{"clause_id": "talent.benefits.p1"}]}}}),
        ("user", {"event": "user", "text": "我是博士，单位在白云区"}),
        ("bot", {"event": "bot", "text": "评估结果：您可以申领云聚英才金卡。", "data": {"custom": {
            "type": "decision", "program": "talent-card", "outcome": "eligible", "tier": "gold",
            "tier_name": "金卡", "citations": [{"clause_id": "talent.eligibility.gold.6"}]}}}),
        ("bot", {"event": "bot", "text": "请问还有什么可以帮您？", "data": {}}),
    ]
    with sqlite3.connect(path) as connection:
        connection.execute(RASA_EVENTS)
        connection.executemany(
            "INSERT INTO events (sender_id, type_name, timestamp, data) VALUES (?, ?, ?, ?)",
            [("web-1", kind, 1_790_000_000 + i, json.dumps(data)) for i, (kind, data) in
             enumerate(events)])
    return FeedbackStore(ConversationDB({"dialect": "sqlite", "db": str(path)}))


def test_the_latest_answer_or_decision_is_rated_with_what_the_bot_said(store):
    store.rate_reply("web-1", helpful=False, comment="我想知道具体金额")
    (row,) = store.db.feedback()
    assert row | {"id": 0, "timestamp": 0} == {
        "id": 0, "timestamp": 0, "sender_id": "web-1", "channel": "web", "kind": "decision",
        "helpful": False, "comment": "我想知道具体金额", "question": "我是博士，单位在白云区",
        "answer": "评估结果：您可以申领云聚英才金卡。", "status": None,
        "clause_ids": ["talent.eligibility.gold.6"], "program": "talent-card",
        "outcome": "eligible", "tier": "金卡", "event_id": 4}


def test_a_reply_named_by_its_text_is_rated_once_per_person(store):
    first = store.record(FeedbackRequest(sender="web-1", helpful=True, answer=ANSWER))
    again = store.record(FeedbackRequest(sender="web-1", helpful=False, answer=ANSWER,
                                         comment="没有列出全部"))
    assert first == again
    (row,) = store.db.feedback()
    assert (row["kind"], row["helpful"], row["comment"], row["question"], row["status"],
            row["clause_ids"]) == ("answer", False, "没有列出全部", "钻石卡有哪些待遇", "answered",
                                   ["talent.benefits.p1"])
    store.record(FeedbackRequest(sender="web-1", helpful=True, answer=ANSWER))
    (row,) = store.db.feedback()
    assert row["helpful"] is True and row["comment"] == "没有列出全部"  # no comment keeps it


def test_nothing_to_rate_is_a_clear_error(store):
    with pytest.raises(FeedbackError, match="找不到要评价的回答"):
        store.rate_reply("web-unknown", helpful=True)
    with pytest.raises(FeedbackError, match="找不到要评价的回答"):
        store.record(FeedbackRequest(sender="web-1", helpful=True, answer="助手没说过这句话"))


@pytest.mark.parametrize("text,rating", [
    ("有帮助", (True, "")), ("没帮助", (False, "")), ("没有帮助", (False, "")),
    ("没帮助 材料清单没说清楚", (False, "材料清单没说清楚")), ("没帮助：太长了", (False, "太长了")),
    (" 有帮助！谢谢 ", (True, "谢谢")),
    ("有帮助吗", None), ("博士有帮助吗", None), ("这个回答没帮助我", None), ("是", None),
])
def test_wechat_reply_keywords(text, rating):
    assert keyword_rating(text) == rating
