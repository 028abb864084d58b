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


def chat(http, sender: str, message: str) -> list[dict]:
    response = http.post("/api/chat", json={"sender": sender, "message": message})
    assert response.status_code == 200, response.text
    return response.json()


def test_healthz_is_green_with_all_three_services(http):
    response = http.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "services": {
        "gateway": "ok", "rasa": "ok", "action_server": "ok", "retrieval": "ok", "store": "ok",
        "supervisor": "ok"}}


def test_chat_relays_to_rasa_and_brings_back_a_verbatim_citation(http):
    replies = chat(http, f"test-{uuid.uuid4().hex[:12]}", "博士可以申领哪种英才卡？")
    assert any(r.get("text") for r in replies)
    citations = [c for r in replies for c in citations_in(r.get("custom"))]
    assert citations, replies
    for clause in citations:  # the clause, or the verbatim part of it a criterion covers
        assert clause["text"] and clause["text"] in clause_by_id(clause["clause_id"])["text"]


def test_history_gives_the_conversation_back_in_order(http):
    sender = f"test-{uuid.uuid4().hex[:12]}"
    chat(http, sender, "你好")
    chat(http, sender, "钻石卡有哪些待遇？")
    response = http.get(f"/api/chat/{sender}/history")
    assert response.status_code == 200
    turns = response.json()
    said = [t["text"] for t in turns if t["sender"] == "user"]
    assert said == ["你好", "钻石卡有哪些待遇？"]
    assert turns[-1]["sender"] == "bot"


def test_unknown_conversation_has_an_empty_history(http):
    response = http.get(f"/api/chat/test-never-{uuid.uuid4().hex[:8]}/history")
    assert response.status_code == 200 and response.json() == []


def test_a_question_outside_the_documents_is_refused_with_the_hotline(http):
    replies = chat(http, f"test-{uuid.uuid4().hex[:12]}", "公积金贷款利率是多少")
    text = "\n".join(r.get("text") or "" for r in replies)
    assert "35912660" in text, text


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
