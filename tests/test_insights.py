"""What the staff page counts, from events shaped as Rasa's tracker store keeps them.

The conversations below are written out by hand, event by event, as the bot produces them;
the expected counts are read off them, not computed by the code under test.
"""
from __future__ import annotations

from datetime import datetime

from gateway.conversation_db import EventRow
from gateway.insights import (CHINA_TIME, daily_questions, endings, feedback_daily, funnel,
                              outcomes, question_reach, read_conversations, status_shares,
                              unhelpful_answers)
from gateway.report import as_csv

DAY1 = datetime(2026, 11, 2, 9, 0, tzinfo=CHINA_TIME).timestamp()
DAY2 = datetime(2026, 11, 3, 23, 30, tzinfo=CHINA_TIME).timestamp()  # 15:30 UTC: still the 3rd
NOW = DAY2 + 7200


class Conversation:
    def __init__(self, sender: str, start: float):
        self.sender, self.clock, self.events = sender, start, []

    def _add(self, kind: str, data: dict) -> "Conversation":
        self.clock += 5
        self.events.append(EventRow(len(self.events) + 1, self.sender, kind, self.clock,
                                    {"event": kind, "timestamp": self.clock, **data}))
        return self

    def user(self, text):
        return self._add("user", {"text": text, "parse_data": {"intent": {"name": "ask"}}})

    def bot(self, text, custom=None):
        return self._add("bot", {"text": text, "data": {"custom": custom}})

    def form(self, name):
        return self._add("active_loop", {"name": name})

    def ask(self, program, slot):
        return self.bot(f"请问{slot}？", {"type": "question", "program": program, "slot": slot})


def answer(answerable, status=None):
    payload = {"type": "answer", "answerable": answerable, "citations": []}
    if status:
        payload["status"] = status
    return payload


def conversations():
    a = (Conversation("web-a", DAY1)
         .user("博士能办什么卡").bot("金卡……", answer(True))
         .user("停车费能报销吗").bot("抱歉……", {"type": "refusal", "answerable": False})
         .user("英才卡有效期多久").bot("文件规定了……未规定……", answer(True, "partial")))
    b = (Conversation("web-b", DAY2)
         .user("你好").bot("您好！")                               # no payload: not a question
         .user("/greet").bot("您好！", answer(True))                # a button payload, not typed
         .user("钻石卡有哪些待遇").bot("钻石卡……", answer(True, "answered"))
         .user("再说一遍").bot("钻石卡……", answer(False, "not_covered")))
    # talent card: three questions, then a decision (gold)
    c = (Conversation("web-c", DAY2).user("我能办哪种卡").form("talent_card_form")
         .ask("talent-card", "talent_titles").user("博士")
         .ask("talent-card", "employer_in_baiyun").user("是")
         .ask("talent-card", "enterprise_head").user("不是")
         .form(None).bot("评估结果：金卡", {"type": "decision", "program": "talent-card",
                                        "outcome": "eligible", "tier": "gold", "tier_name": "金卡"}))
    # partner: two questions, then nothing more (long ago: left)
    d = (Conversation("web-d", DAY1).user("我们能申报合作伙伴吗").form("partner_form")
         .ask("partner", "already_partner").user("没有")
         .ask("partner", "domain").user("关键软件"))
    # partner: one question, then the person stops (the form is deactivated, no decision)
    e = (Conversation("web-e", DAY1).user("申报合作伙伴").form("partner_form")
         .ask("partner", "already_partner").user("算了不问了").form(None).bot("好的，已停止评估。")
         .user("谢谢"))
    # partner, not eligible, domain 关键软件
    f = (Conversation("web-f", DAY2).user("申报合作伙伴").form("partner_form")
         .ask("partner", "already_partner").user("否")
         .form(None).bot("暂不符合", {"type": "decision", "program": "partner",
                                    "outcome": "not_eligible", "domain": "关键软件"}))
    # talent card, asked one question just now: still in progress
    g = (Conversation("web-g", NOW - 60).user("能办英才卡吗").form("talent_card_form")
         .ask("talent-card", "talent_titles"))
    return [e for conv in (a, b, c, d, e, f, g) for e in conv.events]


def read():
    return read_conversations(conversations(), now=NOW)


def test_questions_are_the_messages_answered_from_the_documents():
    questions, _ = read()
    assert [(q.sender, q.text, q.status) for q in questions] == [
        ("web-a", "博士能办什么卡", "answered"),
        ("web-a", "停车费能报销吗", "not_covered"),      # answerable false, no status
        ("web-a", "英才卡有效期多久", "partial"),         # status wins over answerable
        ("web-b", "钻石卡有哪些待遇", "answered"),
        ("web-b", "再说一遍", "not_covered"),
    ]


def test_questions_per_day_in_china_time_and_the_shares():
    questions, _ = read()
    assert daily_questions(questions) == {
        "columns": ["日期", "提问数", "已回答", "部分回答", "未覆盖"],
        "rows": [["2026-11-02", 3, 1, 1, 1], ["2026-11-03", 2, 1, 0, 1]]}
    assert status_shares(questions)["rows"] == [["已回答", 2, 0.4], ["部分回答", 1, 0.2],
                                                ["未覆盖", 2, 0.4]]


def test_the_funnel_counts_how_far_each_assessment_got():
    _, runs = read()
    assert funnel(runs)["rows"] == [
        ["云聚英才卡", "开始评估", 2], ["云聚英才卡", "答到第1个问题", 2],
        ["云聚英才卡", "答到第2个问题", 1], ["云聚英才卡", "答到第3个问题", 1],
        ["云聚英才卡", "得出结论", 1],
        ["智能制造生态合作伙伴", "开始评估", 3], ["智能制造生态合作伙伴", "答到第1个问题", 3],
        ["智能制造生态合作伙伴", "答到第2个问题", 1], ["智能制造生态合作伙伴", "得出结论", 1]]


def test_where_people_leave_and_how_assessments_end():
    _, runs = read()
    reach = {(row[0], row[1]): (row[2], row[3]) for row in question_reach(runs)["rows"]}
    assert reach[("智能制造生态合作伙伴", "已入选第一、二、三批合作伙伴名单")] == (3, 1)  # e stopped there
    assert reach[("智能制造生态合作伙伴", "申报领域")] == (1, 1)  # d left there
    assert reach[("云聚英才卡", "人才称号、学历或职称")] == (2, 0)  # g is still answering
    assert sorted(endings(runs)["rows"]) == sorted([
        ["云聚英才卡", "得出结论", 1], ["云聚英才卡", "进行中", 1],
        ["智能制造生态合作伙伴", "得出结论", 1], ["智能制造生态合作伙伴", "中途停止或转到其他话题", 1],
        ["智能制造生态合作伙伴", "未答完即离开", 1]])


def test_outcomes_by_tier_and_domain():
    _, runs = read()
    assert outcomes(runs)["rows"] == [["智能制造生态合作伙伴", "关键软件", "暂不符合", 1],
                                      ["云聚英才卡", "金卡", "符合条件", 1]]


FEEDBACK = [
    {"timestamp": DAY1, "helpful": False, "kind": "answer", "answer": "抱歉，这个问题不在……",
     "question": "停车费能报销吗", "comment": "没说清楚", "clause_ids": ["talent.contact.p1"]},
    {"timestamp": DAY2, "helpful": False, "kind": "answer", "answer": "抱歉，这个问题不在……",
     "question": "食堂在哪", "comment": None, "clause_ids": []},
    {"timestamp": DAY2, "helpful": True, "kind": "answer", "answer": "抱歉，这个问题不在……",
     "question": "食堂在哪", "comment": "还行", "clause_ids": []},
    {"timestamp": DAY2, "helpful": False, "kind": "decision", "program": "talent-card",
     "outcome": "not_eligible", "tier": None, "answer": "暂不符合", "question": None,
     "comment": "我明明是博士", "clause_ids": []},
    {"timestamp": DAY2, "helpful": True, "kind": "answer", "answer": "金卡……", "question": "博士",
     "comment": None, "clause_ids": ["talent.eligibility.gold.6"]},
]


def test_feedback_per_day_and_the_answers_most_often_unhelpful():
    assert feedback_daily(FEEDBACK)["rows"] == [["2026-11-02", 0, 1], ["2026-11-03", 2, 2]]
    rows = unhelpful_answers(FEEDBACK)["rows"]
    assert rows == [
        ["抱歉，这个问题不在……", 2, 1, "食堂在哪；停车费能报销吗", "没说清楚", "talent.contact.p1"],
        ["评估结论：云聚英才卡 暂不符合", 1, 0, "", "我明明是博士", ""]]


def test_csv_has_a_byte_order_mark_and_keeps_formulas_as_text():
    text = as_csv({"columns": ["问题", "次数"], "rows": [["=HYPERLINK(\"x\")", 2], ["正常", 1]]})
    assert text.startswith("\ufeff问题,次数\r\n")
    assert "'=HYPERLINK" in text and "正常,1" in text
