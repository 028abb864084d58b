"""The gateway's JSON API and pages through FastAPI's TestClient, in process.

These need retrieval and the rules engine but not Rasa; the endpoints that relay to Rasa are
tested against the running stack in test_gateway_stack.py.
"""
from __future__ import annotations

import json

import pytest
from fastapi.testclient import TestClient

from gateway.app import create_app
from gateway.settings import Settings
from knowledge import clause_by_id

# Nothing listens here: what Rasa being down looks like to the gateway.
NO_RASA = Settings().with_(rasa_url="http://127.0.0.1:9", action_server_url="http://127.0.0.1:9",
                           rasa_timeout_s=2.0)


@pytest.fixture(scope="module")
def client():
    with TestClient(create_app(NO_RASA)) as test_client:
        yield test_client


# -- pages -------------------------------------------------------------------------------
def test_widget_page_is_chinese_and_loads_its_script(client):
    page = client.get("/")
    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    assert '<html lang="zh-CN">' in page.text
    assert '<label for="input"' in page.text  # the message box has a label
    assert "/static/chat.js" in page.text
    script = client.get("/static/chat.js")
    assert script.status_code == 200 and "/api/chat" in script.text


def test_console_page_focuses_the_search_box_and_cannot_be_framed(client):
    page = client.get("/console")
    assert page.status_code == 200
    assert 'id="q"' in page.text and "autofocus" in page.text
    assert page.headers["x-frame-options"] == "DENY"


def test_embed_script_opens_the_widget_in_an_iframe(client):
    script = client.get("/static/widget.js")
    assert script.status_code == 200
    assert "iframe" in script.text and "/?embed=1" in script.text


# -- /api/ask --------------------------------------------------------------------------------
def test_ask_quotes_the_clause_verbatim(client):
    response = client.post("/api/ask", json={"question": "具有博士学位的人可以申领哪种英才卡？"})
    assert response.status_code == 200
    body = response.json()
    assert body["answerable"] is True
    assert body["citations"], body
    best = body["citations"][0]
    source = clause_by_id(best["clause_id"])
    assert source is not None and best["text"] == source["text"]
    assert source["text"] in body["answer"]
    assert any(c["clause_id"] == "talent.eligibility.gold.6" for c in body["citations"])


def test_ask_outside_the_documents_is_refused_with_the_hotline(client):
    body = client.post("/api/ask", json={"question": "公积金贷款利率是多少"}).json()
    assert body["answerable"] is False and body["status"] == "not_covered"
    assert "35912660" in body["answer"]


@pytest.mark.parametrize("question, status, answerable", [
    ("金卡持卡人能享受免费法律咨询吗", "answered", True),
    ("人才卡什么时候能申请？交了之后多久能批下来？", "partial", True),
    ("浙江省的智能制造示范工厂怎么申报", "not_covered", False),
])
def test_ask_says_the_answers_state(client, question, status, answerable):
    body = client.post("/api/ask", json={"question": question}).json()
    assert (body["status"], body["answerable"]) == (status, answerable)
    assert body["citations"] or status == "not_covered"


@pytest.mark.parametrize("payload, fragment", [
    ({"question": ""}, "不能为空"),
    ({"question": "   "}, "不能为空"),
    ({"question": "？？？"}, "没有看懂"),
    ({"question": "问" * 501}, "过长"),
    ({}, "缺少字段"),
    ({"question": 42}, "question"),
])
def test_ask_bad_input_is_a_clear_422(client, payload, fragment):
    response = client.post("/api/ask", json=payload)
    assert response.status_code == 422
    assert fragment in response.json()["detail"]


def test_malformed_json_is_a_clear_4xx(client):
    response = client.post("/api/ask", content=b'{"question": ',
                           headers={"content-type": "application/json"})
    assert response.status_code == 422
    assert "JSON" in response.json()["detail"]


def test_oversized_body_is_refused_before_it_is_read(client):
    big = json.dumps({"question": "问" * 40_000}).encode()
    response = client.post("/api/ask", content=big, headers={"content-type": "application/json"})
    assert response.status_code == 413
    assert "过大" in response.json()["detail"]


def test_unknown_path_and_method_are_4xx_in_chinese(client):
    assert client.get("/api/nothing").status_code == 404
    response = client.get("/api/ask")
    assert response.status_code == 405 and "不支持" in response.json()["detail"]


# -- /api/search (console) -----------------------------------------------------------------
def test_search_gives_hits_with_contacts_highlights_and_a_suggestion(client):
    response = client.get("/api/search", params={"q": "英才卡申领咨询电话是多少", "k": 3})
    assert response.status_code == 200
    body = response.json()
    assert 1 <= len(body["hits"]) <= 3
    assert body["suggestion"] and "\n" not in body["suggestion"]
    for hit in body["hits"]:
        assert hit["text"] == clause_by_id(hit["clause_id"])["text"]
        for word in hit["highlights"]:
            assert word in hit["text"] and word in "英才卡申领咨询电话是多少"
    talent_hits = [h for h in body["hits"] if h["clause_id"].startswith("talent.")]
    assert any(c["phone"] for h in talent_hits for c in h["contacts"])


def test_search_bad_k_is_422(client):
    assert client.get("/api/search", params={"q": "金卡", "k": 0}).status_code == 422
    assert client.get("/api/search", params={"q": " "}).status_code == 422


# -- rules -----------------------------------------------------------------------------------
def test_criteria_as_the_rules_command_prints_them(client):
    from rules import criteria

    for program in ("talent-card", "partner"):
        response = client.get(f"/api/programs/{program}/criteria")
        assert response.status_code == 200
        assert response.json() == criteria(program)


def test_evaluate_gives_the_gold_card_with_its_clause(client):
    response = client.post("/api/programs/talent-card/evaluate",
                           json={"facts": {"employer_in_baiyun": True}, "criteria": ["gold.phd"]})
    assert response.status_code == 200
    decision = response.json()
    assert decision["outcome"] == "eligible" and decision["tier"] == "gold"
    assert any(r["clause_id"] == "talent.eligibility.gold.6" for r in decision["reasons"])
    assert len(decision["benefits"]) == 10


def test_facts_describe_the_form(client):
    body = client.get("/api/programs/partner/facts").json()
    names = [f["name"] for f in body["facts"]]
    assert names[0] == "already_partner" and "rd_team_size" in names
    domain = next(f for f in body["facts"] if f["name"] == "domain")
    assert "智能制造装备" in domain["choices"]
    assert "basic" in body["groups"]


@pytest.mark.parametrize("path, body, status, fragment", [
    ("/api/programs/nope/criteria", None, 404, "未知的项目"),
    ("/api/programs/nope/evaluate", {"facts": {}}, 404, "未知的项目"),
    ("/api/programs/partner/evaluate", {"facts": {"rd_team_size": -3}}, 400, "负数"),
    ("/api/programs/partner/evaluate", {"criteria": ["no.such"]}, 400, "未知的条件编号"),
    ("/api/programs/talent-card/evaluate", {"facts": {"employer_in_baiyun": "yes"}}, 400, "true"),
    ("/api/programs/partner/evaluate", {"facts": [1, 2]}, 422, "facts"),
])
def test_rules_bad_input_is_a_clear_4xx(client, path, body, status, fragment):
    response = client.get(path) if body is None else client.post(path, json=body)
    assert response.status_code == status
    assert fragment in response.json()["detail"]


# -- chat relay when Rasa is down -------------------------------------------------------------
def test_chat_without_rasa_is_503_with_a_message(client):
    session = client.post("/api/session", json={}).json()
    response = client.post("/api/chat", json={"sender": session["sender"], "message": "你好"},
                           headers={"X-Session-Token": session["token"]})
    assert response.status_code == 503
    assert "暂时不可用" in response.json()["detail"]


def test_chat_rejects_a_bad_sender_id(client):
    response = client.post("/api/chat", json={"sender": "../../etc", "message": "你好"})
    assert response.status_code == 422 and "sender" in response.json()["detail"]


def test_healthz_is_503_and_says_what_is_missing_when_rasa_is_down(client):
    response = client.get("/healthz")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "unavailable"
    assert body["services"]["rasa"].startswith("unreachable")
    assert body["services"]["action_server"].startswith("unreachable")


# -- rate limit ------------------------------------------------------------------------------
def test_rate_limit_per_client_gives_429_with_retry_after():
    tight = NO_RASA.with_(rate_limit_per_minute=6, rate_limit_burst=2)
    with TestClient(create_app(tight)) as limited:
        statuses = [limited.post("/api/programs/partner/evaluate", json={}).status_code
                    for _ in range(4)]
        assert statuses[:2] == [200, 200]
        assert statuses[2:] == [429, 429]
        refused = limited.post("/api/programs/partner/evaluate", json={})
        assert refused.headers["retry-after"] == "10"
        assert "频繁" in refused.json()["detail"]


def test_openapi_documents_every_endpoint_of_the_contract(client):
    paths = client.get("/openapi.json").json()["paths"]
    for path in ("/api/ask", "/api/programs/{program}/criteria",
                 "/api/programs/{program}/evaluate", "/api/chat", "/wechat", "/healthz"):
        assert path in paths, path


def test_an_internal_fault_gives_a_plain_500_without_a_trace(monkeypatch):
    """Fault injection: a bug deep inside must reach the user as one sentence, never as a
    stack trace or the exception's text."""
    from gateway import knowledge_service

    def broken(program):
        raise RuntimeError("secret internal detail")

    monkeypatch.setattr(knowledge_service, "program_criteria", broken)
    with TestClient(create_app(NO_RASA), raise_server_exceptions=False) as faulty:
        response = faulty.get("/api/programs/partner/criteria")
    assert response.status_code == 500
    assert response.json() == {"detail": "服务器内部错误，请稍后再试 (internal error)"}
    assert "secret" not in response.text and "Traceback" not in response.text


@pytest.mark.parametrize("sender", [".", "..", ".hidden"])
def test_a_sender_id_that_is_a_path_segment_is_refused(client, sender):
    response = client.post("/api/chat", json={"sender": sender, "message": "你好"})
    assert response.status_code == 422 and "sender" in response.json()["detail"]
