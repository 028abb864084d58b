"""gateway/shared_state.py in process and on a real redis-server (the `redis_url` fixture),
and what it is for: two gateway workers sharing one rate limit and one WeChat de-duplication."""
from __future__ import annotations

import time

import pytest
from fastapi.testclient import TestClient

from gateway.app import create_app
from gateway.settings import Settings

NO_RASA = Settings().with_(rasa_url="http://127.0.0.1:9", action_server_url="http://127.0.0.1:9",
                           rasa_timeout_s=1.0)


@pytest.fixture(params=["local", "redis"])
def state(request):
    from gateway.shared_state import LocalState, RedisState

    if request.param == "local":
        return LocalState()
    return RedisState(request.getfixturevalue("redis_url"))


def unique(name: str) -> str:
    return f"{name}-{time.time_ns()}"


def at_window_start(window_s: float) -> None:
    """Wait until a fresh window has just begun, so a test's hits all fall in one."""
    time.sleep(window_s - time.time() % window_s + 0.01)


def test_hits_are_counted_per_key_in_a_sliding_window(state):
    key, other = unique("k"), unique("o")
    at_window_start(1.0)
    assert [state.hit(key, 1.0) for _ in range(3)] == [1, 2, 3]
    assert state.hit(other, 1.0) == 1
    time.sleep(1.0 - time.time() % 1.0 + 0.5)  # half-way through the next window
    assert 2.3 < state.hit(key, 1.0) < 2.7  # 1 now + about half of the 3 before
    time.sleep(2.0)
    assert state.hit(key, 1.0) == 1  # the earlier ones are out of the window


def test_no_burst_slips_through_at_a_windows_edge(state):
    key = unique("edge")
    time.sleep(1.0 - time.time() % 1.0 - 0.02)  # just before the edge
    counts = [state.hit(key, 1.0) for _ in range(2)]
    time.sleep(0.05)  # just after it
    counts.append(state.hit(key, 1.0))
    assert counts[-1] > 2.8  # the two of the window before still count


def test_first_seen_once_within_the_time_to_live(state):
    key = unique("msg")
    assert state.first_seen(key, 1.0) is True
    assert state.first_seen(key, 1.0) is False
    time.sleep(1.2)
    assert state.first_seen(key, 1.0) is True


def test_two_workers_on_one_redis_see_the_same_state(redis_url):
    from gateway.shared_state import RedisState

    first, second = RedisState(redis_url), RedisState(redis_url)
    key = unique("shared")
    counts = (first.hit(key, 2.0), second.hit(key, 2.0), first.hit(key, 2.0))
    assert [round(count) for count in counts] == [1, 2, 3]
    assert first.first_seen(key, 60) and not second.first_seen(key, 60)


def test_redis_down_is_an_error_not_a_guess():
    from gateway.shared_state import RedisState, SharedStateUnavailable

    gone = RedisState("redis://127.0.0.1:9/0", timeout_s=0.5)
    with pytest.raises(SharedStateUnavailable):
        gone.hit("k", 60)
    with pytest.raises(SharedStateUnavailable):
        gone.first_seen("k", 60)


def test_redis_down_gives_a_clear_503_at_the_gateway():
    with TestClient(create_app(NO_RASA.with_(redis_url="redis://127.0.0.1:9/0"))) as client:
        response = client.post("/api/programs/partner/evaluate", json={})
    assert response.status_code == 503 and "暂时不可用" in response.json()["detail"]


def test_two_gateway_workers_share_one_rate_limit(redis_url):
    settings = NO_RASA.with_(redis_url=redis_url, rate_limit_per_minute=60, rate_limit_burst=3)
    with TestClient(create_app(settings)) as one, TestClient(create_app(settings)) as two:
        statuses = [worker.post("/api/programs/partner/evaluate", json={}).status_code
                    for worker in (one, two, one, two, one)]
    assert statuses == [200, 200, 200, 429, 429]


def test_a_wechat_message_reaching_two_workers_goes_to_the_bot_once(redis_url, monkeypatch):
    """WeChat retries a slow message; the retry may reach another worker, which must not ask
    the bot a second time."""
    from test_wechat import TOKEN, WeChatServer

    asked = []

    async def bot(self, sender, message):
        asked.append(sender)
        return [{"text": "答复"}]

    from gateway.rasa_client import RasaClient
    monkeypatch.setattr(RasaClient, "send", bot)
    settings = NO_RASA.with_(redis_url=redis_url, wechat_token=TOKEN)
    wechat = WeChatServer()
    xml = wechat.text_xml("金卡有哪些待遇？", wechat.next_id(), user=unique("oTwo"))
    with TestClient(create_app(settings)) as one, TestClient(create_app(settings)) as two:
        first = one.post("/wechat", params=wechat.query(), content=xml.encode())
        retry = two.post("/wechat", params=wechat.query(), content=xml.encode())
    assert first.status_code == retry.status_code == 200
    assert "答复" in first.text and retry.text == "success"
    assert len(asked) == 1
