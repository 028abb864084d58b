"""The gateway in front of the running Rasa and action server (the `stack` fixture), over HTTP
exactly as a browser or API client reaches it."""
from __future__ import annotations

import uuid

import httpx2 as httpx
import pytest

from gateway.replies import citations_in
from knowledge import clause_by_id

pytestmark = pytest.mark.stack


@pytest.fixture(scope="module")
def http(stack):
    with httpx.Client(base_url=stack.gateway_url, timeout=60, trust_env=False) as client:
        yield client


def new_session(http) -> dict:
    """A conversation's id and the token that opens it, as the widget gets them."""
    response = http.post("/api/session", json={})
    assert response.status_code == 200, response.text
    return response.json()


def chat(http, session: dict, message: str) -> list[dict]:
    response = http.post("/api/chat", json={"sender": session["sender"], "message": message},
                         headers={"X-Session-Token": session["token"]})
    assert response.status_code == 200, response.text
    return response.json()


def test_healthz_is_green_with_all_three_services(http):
    response = http.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "services": {
        "gateway": "ok", "rasa": "ok", "action_server": "ok",
        "retrieval": "ok (the gateway's index)", "store": "ok",
        "supervisor": "ok"}}


def test_chat_relays_to_rasa_and_brings_back_a_verbatim_citation(http):
    replies = chat(http, new_session(http), "英才卡申领要提交哪些材料？")
    assert any(r.get("text") for r in replies)
    citations = [c for r in replies for c in citations_in(r.get("custom"))]
    assert citations, replies
    for clause in citations:  # the clause, or the verbatim part of it a criterion covers
        assert clause["text"] and clause["text"] in clause_by_id(clause["clause_id"])["text"]


def test_history_gives_the_conversation_back_in_order(http):
    session = new_session(http)
    chat(http, session, "你好")
    chat(http, session, "钻石卡有哪些待遇？")
    response = http.get(f"/api/chat/{session['sender']}/history",
                        headers={"X-Session-Token": session["token"]})
    assert response.status_code == 200
    turns = response.json()
    said = [t["text"] for t in turns if t["sender"] == "user"]
    assert said == ["你好", "钻石卡有哪些待遇？"]
    assert turns[-1]["sender"] == "bot"


def test_unknown_conversation_has_an_empty_history(http):
    session = new_session(http)
    response = http.get(f"/api/chat/{session['sender']}/history",
                        headers={"X-Session-Token": session["token"]})
    assert response.status_code == 200 and response.json() == []


def test_a_question_outside_the_documents_is_refused_with_the_hotline(http):
    replies = chat(http, new_session(http), "公积金贷款利率是多少")
    text = "\n".join(r.get("text") or "" for r in replies)
    assert "35912660" in text, text


def test_someone_elses_conversation_is_not_readable_by_its_id(http, stack):
    """A stored WeChat conversation, and a widget conversation whose id leaked, stay closed
    to whoever does not hold its token."""
    openid = f"oLeak{uuid.uuid4().hex[:10]}"
    rasa = httpx.post(f"{stack.settings.rasa_url}/webhooks/rest/webhook", timeout=60,
                      json={"sender": f"wx_{openid}", "message": "我的手机号是多少都行"})
    assert rasa.status_code == 200
    owner = new_session(http)
    chat(http, owner, "你好")
    other = new_session(http)
    for sender in (f"wx_{openid}", owner["sender"]):
        for headers in ({}, {"X-Session-Token": other["token"]}):
            response = http.get(f"/api/chat/{sender}/history", headers=headers)
            assert response.status_code in (401, 403), response.text
            assert "手机号" not in response.text and "你好" not in response.text


def test_a_client_naming_its_own_id_starts_a_new_conversation_and_only_that(http):
    """The JSON API's {sender, message} starts a conversation no one has yet; the token that
    continues it comes back in X-Session-Token, and without it the id continues nothing."""
    sender = f"api-{uuid.uuid4().hex[:12]}"
    first = http.post("/api/chat", json={"sender": sender, "message": "你好"})
    assert first.status_code == 200 and first.json(), first.text
    token = first.headers["X-Session-Token"]
    again = http.post("/api/chat", json={"sender": sender, "message": "英才卡有哪几种"})
    assert again.status_code == 401 and "会话令牌" in again.json()["detail"]
    assert chat(http, {"sender": sender, "token": token}, "英才卡有哪几种")
    owner = new_session(http)
    chat(http, owner, "你好")
    taken = http.post("/api/chat", json={"sender": owner["sender"], "message": "继续"})
    assert taken.status_code == 401


def test_rasas_http_api_answers_only_with_the_gateways_token(stack):
    """Trackers and the model are behind the token; the REST channel stays open on loopback."""
    base = stack.settings.rasa_url
    with httpx.Client(base_url=base, timeout=30, trust_env=False) as rasa:
        assert rasa.get("/conversations/someone/tracker").status_code == 401
        assert rasa.get("/status").status_code == 401
        assert rasa.get("/conversations/someone/tracker",
                        params={"token": "guessed"}).status_code == 401
        token = {"token": stack.settings.rasa_api_token()}
        assert rasa.get("/status", params=token).status_code == 200
        assert rasa.put("/model", params={"token": "guessed"}, json={}).status_code == 401
        assert rasa.post("/webhooks/rest/webhook",
                         json={"sender": uuid.uuid4().hex, "message": "你好"}).status_code == 200
