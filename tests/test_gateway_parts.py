"""The gateway's small parts on their own: reply formatting, limits, retry cache, history,
and the supervisor's start/stop of a real process."""
from __future__ import annotations

import asyncio
import os
import signal
import socket
import subprocess
import sys
import time

import pytest

from gateway.limits import RateLimiter
from gateway.rasa_client import turns_from_events
from gateway.replies import citations_in, replies_as_text, truncate_utf8
from gateway.settings import Settings
from gateway.supervisor import ROOT, build_services, http_ok
from gateway.wechat import AnswerCache

CLAUSE = {"clause_id": "talent.eligibility.gold.6", "doc_title": "白云区云聚英才卡申领及服务指南",
          "path": "一、申领白云区云聚英才卡 › 2、申领条件 › （二）金卡 › 6",
          "text": "具有国内外研究生学历并有博士以上学位的人员。"}


def test_citations_are_found_in_every_shape_the_bot_may_send():
    assert citations_in(CLAUSE) == [CLAUSE]
    assert citations_in([CLAUSE, {"x": 1}]) == [CLAUSE]
    assert citations_in({"type": "answer", "citations": [CLAUSE, CLAUSE]}) == [CLAUSE, CLAUSE]
    assert citations_in({"citation": CLAUSE}) == [CLAUSE]
    assert citations_in("text") == [] and citations_in(None) == []


def test_wechat_text_names_the_source_and_quotes_only_what_is_not_quoted_yet():
    quoted = replies_as_text([{"text": "可申领金卡：“具有国内外研究生学历并有博士以上学位的人员。”"},
                              {"custom": {"citations": [CLAUSE]}}])
    assert "出处：《白云区云聚英才卡申领及服务指南》一、申领白云区云聚英才卡" in quoted
    assert quoted.count(CLAUSE["text"]) == 1
    bare = replies_as_text([{"text": "请看原文"}, {"custom": CLAUSE}])
    assert bare.count(CLAUSE["text"]) == 1
    choices = replies_as_text([{"text": "您是哪类？", "buttons": [
        {"title": "是", "payload": "/affirm"}, {"title": "否", "payload": "/deny"}]}])
    assert choices.endswith("可直接回复：是 / 否")
    form = replies_as_text([{"text": "您是所在企业的主要负责人吗？"},
                            {"custom": {"type": "question", "program": "talent-card",
                                        "slot": "enterprise_head"}}])
    assert form.endswith("可直接回复：是 / 否")
    amount = replies_as_text([{"text": "区库年税收是多少万元？"},
                              {"custom": {"type": "question", "program": "talent-card",
                                          "slot": "district_tax_wan"}}])
    assert "可直接回复" not in amount


def test_truncation_keeps_whole_characters_within_the_byte_limit():
    text = "政策" * 1000
    cut = truncate_utf8(text, 2000)
    assert len(cut.encode()) <= 2000 and cut.endswith("…")
    assert cut[:-1] == text[:len(cut) - 1]
    assert truncate_utf8("短", 2000) == "短"


def test_rate_limiter_allows_a_burst_then_again_once_it_is_out_of_the_window():
    limiter = RateLimiter(per_minute=600, burst=3)  # 3 in any 0.3 s
    assert [limiter.allow("a") for _ in range(4)] == [True, True, True, False]
    assert limiter.allow("b")  # counted per key
    time.sleep(0.65)
    assert limiter.allow("a")


def test_answer_cache_gives_a_retry_the_first_computation():
    calls = []

    async def answer():
        calls.append(1)
        await asyncio.sleep(0.05)
        return "答复"

    async def scenario():
        cache = AnswerCache(ttl_s=60)
        first, retry1 = cache.get_or_start("id:1", answer)
        second, retry2 = cache.get_or_start("id:1", answer)
        other, _ = cache.get_or_start("id:2", answer)
        return (await first, await second, await other, retry1, retry2)

    assert asyncio.run(scenario()) == ("答复", "答复", "答复", False, True)
    assert len(calls) == 2


def test_history_shows_button_titles_not_payloads():
    events = [
        {"event": "action", "name": "action_session_start"},
        {"event": "user", "text": "我能办什么卡"},
        {"event": "bot", "text": "您在白云区工作吗？",
         "data": {"buttons": [{"title": "是", "payload": "/affirm"}], "custom": None}},
        {"event": "user", "text": "/affirm"},
        {"event": "bot", "text": None, "data": {"custom": {"citations": [CLAUSE]}}},
    ]
    turns = turns_from_events(events)
    assert [t["sender"] for t in turns] == ["user", "bot", "user", "bot"]
    assert turns[2]["text"] == "是"
    assert turns[1]["buttons"][0]["payload"] == "/affirm"
    assert turns[3]["custom"]["citations"][0] == CLAUSE


def test_settings_come_from_the_environment(monkeypatch):
    monkeypatch.setenv("GATEWAY_PORT", "8123")
    monkeypatch.setenv("RASA_URL", "http://127.0.0.1:6005/")
    monkeypatch.setenv("WECHAT_BUDGET_S", "3.5")
    settings = Settings.from_env()
    assert (settings.port, settings.rasa_url, settings.wechat_budget_s) == (
        8123, "http://127.0.0.1:6005", 3.5)
    monkeypatch.setenv("GATEWAY_PORT", "eighty")
    with pytest.raises(SystemExit, match="GATEWAY_PORT"):
        Settings.from_env()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_supervised_gateway_starts_and_stops_with_its_port_freed():
    port = free_port()
    gateway = next(s for s in build_services(Settings().with_(port=port)) if s.name == "gateway")
    gateway.name = "gateway-test"
    gateway.start()
    try:
        deadline = time.monotonic() + 60
        while not gateway.healthy():
            assert gateway.exited() is None, gateway.log_tail()
            assert time.monotonic() < deadline, "gateway did not answer /livez"
            time.sleep(0.2)
    finally:
        gateway.stop()
    assert gateway.exited() is not None
    assert not gateway.port_taken()


@pytest.mark.stack
def test_make_run_supervisor_stops_what_it_started_on_ctrl_c(stack):
    """`python -m gateway.run` with Rasa and the action server already up: it reuses them,
    starts a gateway, prints the addresses, and on SIGINT stops only its gateway."""
    port = free_port()
    env = {**os.environ, "GATEWAY_PORT": str(port), "PYTHONUNBUFFERED": "1"}
    run = subprocess.Popen([sys.executable, "-m", "gateway.run"], cwd=ROOT, env=env,
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    lines = []
    try:
        deadline = time.monotonic() + 180
        for line in run.stdout:
            lines.append(line)
            if "Ctrl-C stops all three" in line or time.monotonic() > deadline:
                break
        output = "".join(lines)
        assert f"http://127.0.0.1:{port}/console" in output, output
        assert "rasa: already running, reused" in output
        assert http_ok(f"http://127.0.0.1:{port}/healthz", timeout=10)
        run.send_signal(signal.SIGINT)
        assert run.wait(timeout=30) == 0
    finally:
        if run.poll() is None:
            run.kill()
    assert not http_ok(f"http://127.0.0.1:{port}/livez")
    assert http_ok(f"{stack.settings.rasa_url}/")  # reused, so left running
