"""No ID-card, phone, bank-card number or e-mail address a user types is stored or logged, on
every way in: the widget's /api/chat, Rasa's REST channel directly, WeChat, and feedback
(widget, console, WeChat keyword). Against the running stack and its real tracker store."""
from __future__ import annotations

import json
import urllib.request
import uuid

import pytest
from fastapi.testclient import TestClient

from gateway.app import create_app
from gateway.conversation_db import ConversationDB
from gateway.supervisor import LOG_DIR
from tests.test_wechat import TOKEN, WeChatServer, post, reply_content

pytestmark = pytest.mark.stack

ID, PHONE, CARD, MAIL = "44010619850612345X", "13987654321", "6217002345678901234", "wang.wu@example.net"
SECRETS = (ID, PHONE, CARD, MAIL, ID.lower())
TYPED = f"身份证{ID}，手机{PHONE}，卡号{CARD}，邮箱{MAIL}。钻石卡有哪些待遇？"


def http_json(url: str, body: dict, token: str | None = None) -> tuple[int, object]:
    headers = {"Content-Type": "application/json"}
    if token:
        headers["X-Session-Token"] = token
    request = urllib.request.Request(url, data=json.dumps(body).encode(), headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=120) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as exc:
        return exc.code, json.loads(exc.read() or b"null")


def stored(sender: str) -> str:
    """Everything the store keeps of one conversation and its feedback, as readable text (Rasa
    writes event data with \\u escapes: they are read back as characters)."""
    db = ConversationDB()
    rows = db.query("SELECT type_name, intent_name, action_name, data FROM events "
                    "WHERE sender_id = ?", (sender,))
    events = [[kind, intent, action, json.loads(data)] for kind, intent, action, data in rows]
    feedback = db.query("SELECT * FROM feedback WHERE sender_id = ?", (sender,))
    return json.dumps([events, [list(row) for row in feedback]], ensure_ascii=False)


def assert_masked(text: str) -> None:
    for secret in SECRETS:
        assert secret not in text, secret


def new_session(stack, kind: str = "widget") -> tuple[str, str]:
    status, session = http_json(f"{stack.gateway_url}/api/session", {"kind": kind})
    assert status == 200
    return session["sender"], session["token"]


def test_the_widget_door_stores_and_logs_no_personal_number(stack):
    sender, token = new_session(stack)
    status, replies = http_json(f"{stack.gateway_url}/api/chat", {"sender": sender, "message": TYPED},
                                token)
    assert status == 200 and replies
    kept = stored(sender)
    assert "身份证[身份证号]，手机[手机号]，卡号[银行卡号]，邮箱[邮箱]" in kept
    assert_masked(kept)
    status, receipt = http_json(f"{stack.gateway_url}/api/feedback", {
        "sender": sender, "helpful": False, "comment": f"请回电{PHONE}或发邮件{MAIL}"}, token)
    assert status == 200 and receipt["message"] == "感谢您的反馈！"
    feedback = ConversationDB().query("SELECT comment, question FROM feedback WHERE id = ?",
                                      (receipt["id"],))[0]
    assert feedback[0] == "请回电[手机号]或发邮件[邮箱]"
    assert "[身份证号]" in feedback[1] and "钻石卡" in feedback[1]  # the question, masked
    assert_masked(stored(sender))


def test_rasa_rest_channel_directly_stores_no_personal_number(stack):
    sender = "rest-pii-" + uuid.uuid4().hex[:8]
    status, replies = http_json(f"{stack.settings.rasa_url}/webhooks/rest/webhook",
                                {"sender": sender, "message": TYPED})
    assert status == 200 and replies
    kept = stored(sender)
    assert kept.count("user") >= 1
    assert_masked(kept)


def test_wechat_messages_and_feedback_keywords_store_no_personal_number(stack):
    wechat = WeChatServer()
    user = "oPii" + uuid.uuid4().hex[:8]
    with TestClient(create_app(stack.settings.with_(wechat_token=TOKEN))) as client:
        answer = reply_content(post(client, wechat.query(), wechat.text_xml(
            "英才卡申领要提交哪些材料？", wechat.next_id(), user=user)).text, user)
        assert "有帮助" in answer  # the hint under an answer
        reply = post(client, wechat.query(), wechat.text_xml(
            TYPED, wechat.next_id(), user=user)).text
        assert reply_content(reply, user)
        thanks = post(client, wechat.query(), wechat.text_xml(
            f"没帮助 我的电话{PHONE}", wechat.next_id(), user=user)).text
        assert reply_content(thanks, user) == "感谢您的反馈！"
    kept = stored(f"wx_{user}")
    assert "我的电话[手机号]" in kept
    assert_masked(kept)


def test_console_feedback_is_stored_masked(stack):
    sender, token = new_session(stack, "console")
    status, receipt = http_json(f"{stack.gateway_url}/api/feedback", {
        "sender": sender, "source": "console", "helpful": False,
        "question": f"来电人{PHONE}问博士能办什么卡", "answer": "博士可申领金卡",
        "comment": f"来电人身份证{ID}", "clause_ids": ["talent.eligibility.gold.6"]}, token)
    assert status == 200
    row = ConversationDB().query("SELECT question, comment, kind, clause_ids FROM feedback "
                                 "WHERE id = ?", (receipt["id"],))[0]
    assert row == ("来电人[手机号]问博士能办什么卡", "来电人身份证[身份证号]", "search",
                   '["talent.eligibility.gold.6"]')
    status, body = http_json(f"{stack.gateway_url}/api/feedback", {
        "sender": sender, "source": "console", "helpful": True, "question": "x",
        "clause_ids": ["no.such.clause"]}, token)
    assert status == 404 and "未知的条款编号" in body["detail"]


def test_no_service_log_holds_a_personal_number(stack):
    """After the conversations above (this module's tests run in order), every log file the
    supervisor writes is clean."""
    logs = sorted(LOG_DIR.glob("*.log"))
    assert logs
    for path in logs:
        text = path.read_text(encoding="utf-8", errors="replace")
        assert_masked(text + text.encode().decode("unicode_escape", "ignore"))
