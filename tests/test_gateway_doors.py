"""The gateway's doors, in process (no Rasa): a conversation opens only with the token the
gateway issued for it; rate limits follow the session or the real client, not ids a client
chooses nor a shared proxy; bad input at every door is a clear Chinese 4xx."""
from __future__ import annotations

import json
import os
import stat

import pytest
from fastapi.testclient import TestClient

from gateway.app import create_app
from gateway.settings import Settings

NO_RASA = Settings().with_(rasa_url="http://127.0.0.1:9", action_server_url="http://127.0.0.1:9",
                           rasa_timeout_s=1.0)
UNAVAILABLE = 503  # the door let the request through to Rasa, which is not there


@pytest.fixture(scope="module")
def client():
    with TestClient(create_app(NO_RASA)) as test_client:
        yield test_client


def new_session(client, kind: str = "widget") -> dict:
    response = client.post("/api/session", json={"kind": kind})
    assert response.status_code == 200, response.text
    return response.json()


def chat(client, session: dict, token: str | None = None, sender: str | None = None):
    token = session["token"] if token is None else token
    return client.post("/api/chat", json={"sender": sender or session["sender"], "message": "你好"},
                       headers={"X-Session-Token": token} if token else {})


# -- sessions -----------------------------------------------------------------------------------
def test_a_session_opens_its_own_conversation_and_no_other(client):
    mine, theirs = new_session(client), new_session(client)
    assert mine["sender"].startswith("web-") and mine["sender"] != theirs["sender"]
    assert chat(client, mine).status_code == UNAVAILABLE
    stolen = chat(client, mine, token=theirs["token"])
    assert stolen.status_code == 403 and "不符" in stolen.json()["detail"]
    forged = chat(client, mine, token=mine["sender"] + ".AAAA")
    assert forged.status_code == 403


def test_history_needs_the_conversations_token(client):
    mine, theirs = new_session(client), new_session(client)
    url = f"/api/chat/{mine['sender']}/history"
    assert client.get(url).status_code == 401
    assert client.get(url, headers={"X-Session-Token": theirs["token"]}).status_code == 403
    own = client.get(url, headers={"X-Session-Token": mine["token"]})
    assert own.status_code == UNAVAILABLE


def test_wechat_conversations_are_never_readable_or_writable_over_http(client):
    anyone = new_session(client)
    for token in ("", anyone["token"]):
        headers = {"X-Session-Token": token} if token else {}
        read = client.get("/api/chat/wx_oUserOpenId123/history", headers=headers)
        write = client.post("/api/chat", json={"sender": "wx_oUserOpenId123", "message": "你好"},
                            headers=headers)
        for response in (read, write):
            assert response.status_code == 403 and "微信" in response.json()["detail"]


def test_feedback_is_given_only_in_the_name_of_ones_own_session(client):
    mine, theirs = new_session(client, "console"), new_session(client, "console")
    assert mine["sender"].startswith("console-")
    body = {"sender": mine["sender"], "source": "console", "helpful": True, "question": "x"}
    assert client.post("/api/feedback", json=body).status_code == 401
    assert client.post("/api/feedback", json=body,
                       headers={"X-Session-Token": theirs["token"]}).status_code == 403


def test_the_signing_key_is_made_once_and_readable_by_the_owner_only(tmp_path):
    settings = Settings().with_(session_secret_file=str(tmp_path / "session-secret"))
    key = settings.session_key()
    mode = stat.S_IMODE(os.stat(tmp_path / "session-secret").st_mode)
    assert len(key) >= 32 and mode == 0o600
    assert settings.session_key() == key
    # tokens from one gateway worker open the conversation at another (same key on disk)
    with TestClient(create_app(NO_RASA.with_(session_secret_file=str(tmp_path / "session-secret")))) as one, \
         TestClient(create_app(NO_RASA.with_(session_secret_file=str(tmp_path / "session-secret")))) as two:
        assert chat(two, new_session(one)).status_code == UNAVAILABLE
        with TestClient(create_app(NO_RASA.with_(session_secret="another-key"))) as other:
            assert chat(other, new_session(one)).status_code == 403


# -- limits -------------------------------------------------------------------------------------
TIGHT = NO_RASA.with_(rate_limit_per_minute=60, rate_limit_burst=3)


def evaluate(client, session: dict | None = None, forwarded: str | None = None) -> int:
    headers = {}
    if session:
        headers["X-Session-Token"] = session["token"]
    if forwarded:
        headers["X-Forwarded-For"] = forwarded
    return client.post("/api/programs/partner/evaluate", json={}, headers=headers).status_code


def test_users_behind_one_address_each_have_their_own_limit():
    """All users of an office behind one NAT or proxy share its address: with sessions the
    limit is each user's, not the office's."""
    with TestClient(create_app(TIGHT)) as shared:
        alice, bob = new_session(shared), new_session(shared)
        assert [evaluate(shared, alice) for _ in range(4)] == [200, 200, 200, 429]
        assert [evaluate(shared, bob) for _ in range(3)] == [200, 200, 200]
        carol = new_session(shared)
        # someone else sending carol's id without her token is refused, and spends nothing of hers
        assert {chat(shared, carol, token=bob["token"]).status_code for _ in range(3)} == {403}
        assert [chat(shared, carol).status_code for _ in range(4)] == [UNAVAILABLE] * 3 + [429]


def test_rotating_conversations_does_not_escape_the_limit():
    """New conversations are counted per client address: a client cannot mint ids to get
    fresh buckets, nor drain another user's bucket with that user's id."""
    with TestClient(create_app(TIGHT)) as limited:
        statuses = [limited.post("/api/session", json={}).status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]


def test_x_forwarded_for_is_believed_only_from_a_configured_proxy():
    proxy = ("10.0.0.5", 40000)
    with TestClient(create_app(TIGHT), client=proxy) as untrusted:
        spoofed = [evaluate(untrusted, forwarded=f"203.0.113.{i}") for i in range(4)]
    assert spoofed == [200, 200, 200, 429]  # rotating the header changes nothing
    with TestClient(create_app(TIGHT.with_(trusted_proxies="10.0.0.0/24")), client=proxy) as behind:
        first = [evaluate(behind, forwarded="198.51.100.7") for _ in range(4)]
        second = [evaluate(behind, forwarded="1.2.3.4, 198.51.100.8") for _ in range(3)]
    assert first == [200, 200, 200, 429] and second == [200, 200, 200]


@pytest.mark.parametrize("peer, header, trusted, expected", [
    ("10.0.0.5", "198.51.100.7", "", "10.0.0.5"),
    ("10.0.0.5", "198.51.100.7", "10.0.0.5", "198.51.100.7"),
    ("10.0.0.5", "6.6.6.6, 198.51.100.7", "10.0.0.5", "198.51.100.7"),  # left part is the client's
    ("10.0.0.5", "198.51.100.7, 10.0.0.9", "10.0.0.0/24", "198.51.100.7"),  # two proxies
    ("127.0.0.1", "198.51.100.7", "", "127.0.0.1"),  # loopback is no proxy unless configured
])
def test_client_address(peer, header, trusted, expected):
    from gateway.limits import client_address, proxy_networks

    assert client_address(peer, header, proxy_networks(trusted)) == expected


# -- bad input ----------------------------------------------------------------------------------
def post_raw(client, path: str, body: bytes | object, **headers):
    return client.post(path, content=body, headers={"content-type": "application/json", **headers})


@pytest.mark.parametrize("program, fact", [("partner", "invention_patents"),
                                           ("partner", "avg_revenue_wan"),
                                           ("talent-card", "district_tax_wan")])
def test_a_huge_number_in_evaluate_is_a_clear_400(client, program, fact):
    body = json.dumps({"facts": {fact: 10**400}})
    response = post_raw(client, f"/api/programs/{program}/evaluate", body.encode())
    assert response.status_code == 400 and "过大" in response.json()["detail"]


def test_a_number_too_long_to_parse_is_a_chinese_400(client):
    response = post_raw(client, "/api/programs/partner/evaluate",
                        b'{"facts": {"rd_team_size": ' + b"9" * 5000 + b"}}")
    assert response.status_code == 400 and "无法解析" in response.json()["detail"]


def test_a_chunked_body_over_the_limit_is_413_without_content_length():
    with TestClient(create_app(NO_RASA.with_(max_body_bytes=4096))) as small:
        chunks = (b'{"question": "' + b"x" * 1024 if i == 0 else b"x" * 1024 for i in range(8))
        response = small.post("/api/ask", content=chunks,
                              headers={"content-type": "application/json"})
    assert response.status_code == 413 and "过大" in response.json()["detail"]


@pytest.mark.parametrize("path", ["/api/ask", "/api/programs/partner/evaluate", "/api/session"])
def test_deep_json_is_a_clear_400(client, path):
    response = post_raw(client, path, b"[" * 20000 + b"]" * 20000)
    assert response.status_code == 400 and "嵌套过深" in response.json()["detail"]


@pytest.mark.parametrize("path", ["/api/ask", "/api/chat", "/api/feedback"])
def test_invalid_utf8_is_a_clear_400(client, path):
    response = post_raw(client, path, b'{"question": "\xff\xfe", "message": "\xc3("}')
    assert response.status_code == 400 and "UTF-8" in response.json()["detail"]


@pytest.mark.parametrize("sender", ["web-\x00abc", "web-" + "a" * 300])
def test_sender_ids_with_nul_or_over_the_column_size_are_422(client, sender):
    for response in (client.post("/api/chat", json={"sender": sender, "message": "你好"}),
                     client.post("/api/feedback", json={"sender": sender, "helpful": True})):
        assert response.status_code == 422 and "sender" in response.json()["detail"]
