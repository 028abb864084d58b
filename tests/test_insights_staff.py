"""The staff page's door: closed without a configured token, a sign-in with it, and the data
(JSON and CSV) only for a signed-in member of staff. In process, over an empty store."""
from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from gateway.app import create_app
from gateway.settings import Settings
from gateway.staff import COOKIE, SESSION_S, StaffAuth

TOKEN = "staff-token-for-tests-7c1e"
NO_RASA = Settings().with_(rasa_url="http://127.0.0.1:9", action_server_url="http://127.0.0.1:9",
                           rasa_timeout_s=2.0, retention_days=0)


@pytest.fixture
def store(tmp_path, monkeypatch):
    monkeypatch.setenv("TRACKER_DIALECT", "sqlite")
    monkeypatch.setenv("TRACKER_DB", str(tmp_path / "tracker.db"))
    return tmp_path / "tracker.db"


def client_for(token: str) -> TestClient:
    return TestClient(create_app(NO_RASA.with_(staff_token=token)), follow_redirects=False)


@pytest.mark.parametrize("token", ["", "short"])
def test_without_a_configured_token_the_page_and_its_data_refuse(store, token):
    with client_for(token) as client:
        page = client.get("/insights")
        assert page.status_code == 503
        assert "员工数据页未启用" in page.text and "STAFF_TOKEN" in page.text
        assert '<form method="post" action="/insights/login" hidden>' in page.text
        assert '<html lang="zh-CN">' in page.text
        data = client.get("/insights/api/report", headers={"Authorization": f"Bearer {token}"})
        assert data.status_code == 503 and "STAFF_TOKEN" in data.json()["detail"]
        assert client.post("/insights/login", data={"token": token}).status_code == 503


def test_the_page_asks_for_sign_in_and_a_wrong_token_is_refused(store):
    with client_for(TOKEN) as client:
        page = client.get("/insights")
        assert page.status_code == 401 and 'type="password"' in page.text and "员工登录" in page.text
        assert client.get("/insights/api/report").status_code == 401
        assert client.get("/insights/api/daily.csv").status_code == 401
        wrong = client.post("/insights/login", data={"token": TOKEN + "x"})
        assert wrong.status_code == 401 and "口令不正确" in wrong.text
        assert COOKIE not in wrong.cookies
        client.cookies.set(COOKIE, f"9999999999.{'0' * 64}")
        assert client.get("/insights/api/report").status_code == 401  # a forged session


def test_sign_in_gives_a_session_for_the_page_the_report_and_the_csv(store):
    with client_for(TOKEN) as client:
        signed = client.post("/insights/login", data={"token": TOKEN})
        assert signed.status_code == 303 and signed.headers["location"] == "/insights"
        cookie = signed.headers["set-cookie"]
        assert "HttpOnly" in cookie and "SameSite=strict" in cookie and "Path=/insights" in cookie
        page = client.get("/insights")
        assert page.status_code == 200 and "/static/vendor/echarts/echarts.min.js" in page.text
        assert page.headers["x-frame-options"] == "DENY"
        report = client.get("/insights/api/report?days=7")
        assert report.status_code == 200
        body = report.json()
        assert body["days"] == 7 and body["totals"]["questions"] == 0 and body["gaps"] == []
        csv = client.get("/insights/api/daily.csv?days=7")
        assert csv.status_code == 200 and csv.headers["content-type"].startswith("text/csv")
        assert csv.text.startswith("\ufeff日期,提问数,已回答,部分回答,未覆盖")
        assert "attachment" in csv.headers["content-disposition"]
        assert client.get("/insights/api/nothing.csv").status_code == 404
        assert client.get("/insights/api/report?days=0").status_code == 422
        client.post("/insights/logout")
        assert client.get("/insights/api/report").status_code == 401


def test_a_script_may_send_the_token_as_a_bearer_header(store):
    with client_for(TOKEN) as client:
        ok = client.get("/insights/api/status.csv", headers={"Authorization": f"Bearer {TOKEN}"})
        assert ok.status_code == 200
        bad = client.get("/insights/api/status.csv", headers={"Authorization": "Bearer nope"})
        assert bad.status_code == 401


def test_a_session_ends_when_it_expires_or_the_token_changes():
    auth = StaffAuth(TOKEN)
    session = auth.new_session(now=1000.0)
    assert auth.valid_session(session, now=1000.0 + SESSION_S - 1)
    assert not auth.valid_session(session, now=1000.0 + SESSION_S + 1)
    assert not StaffAuth(TOKEN + "-rotated").valid_session(session, now=1000.0)
    expires, _, signature = session.partition(".")
    assert not auth.valid_session(f"{int(expires) + 3600}.{signature}", now=1000.0)


def test_sign_in_attempts_are_limited(store):
    with client_for(TOKEN) as client:
        codes = [client.post("/insights/login", data={"token": "wrong"}).status_code
                 for _ in range(8)]
        assert codes[:5] == [401] * 5 and 429 in codes
        assert "尝试次数过多" in client.post("/insights/login", data={"token": TOKEN}).text
