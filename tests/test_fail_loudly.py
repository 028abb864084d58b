"""Failing loudly, on a single stack's parts: a conversation store that cannot keep a turn, an
empty reply from Rasa, a service that dies. None of these may look like a normal answer.

The store tests run in the Rasa environment (where the tracker store lives) against a real
SQLite file held locked by another connection, as a busy or stuck database would hold it.
"""
from __future__ import annotations

import json
import os
import socket
import sqlite3
import subprocess
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from gateway.settings import Settings
from gateway.supervisor import Service, Stack

ROOT = Path(__file__).resolve().parent.parent
RASA_PYTHON = ROOT / ".venv-rasa" / "bin" / "python"


def run_in_rasa_env(script: str, cwd: Path) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith("TRACKER_")}
    return subprocess.run([str(RASA_PYTHON), "-c", script], cwd=cwd, capture_output=True,
                          text=True, env={**env, "PYTHONPATH": str(ROOT)}, timeout=300)


def locked_store(tmp_path: Path) -> sqlite3.Connection:
    """The store's SQLite file, created, then held under an exclusive lock."""
    (tmp_path / "data").mkdir()
    lock = sqlite3.connect(tmp_path / "data" / "rasa_tracker.db")
    lock.execute("CREATE TABLE IF NOT EXISTS events (id INTEGER PRIMARY KEY)")
    lock.commit()
    lock.execute("BEGIN EXCLUSIVE")
    return lock


# -- the tracker store ----------------------------------------------------------------------------
def test_rasa_refuses_to_start_on_a_store_it_cannot_write(tmp_path):
    lock = locked_store(tmp_path)
    try:
        result = run_in_rasa_env(
            "from bot.tracker_store import EnvSQLTrackerStore\n"
            "from rasa.shared.core.domain import Domain\n"
            "EnvSQLTrackerStore(domain=Domain.empty())\n"
            "print('started')\n", tmp_path)
    finally:
        lock.close()
    assert "started" not in result.stdout
    assert result.returncode != 0
    assert "对话库不可用" in result.stderr and "拒绝启动" in result.stderr


STORE_SCRIPT = """
import asyncio, json, sqlite3
from bot.tracker_store import EnvSQLTrackerStore, StoreFailure, start_turn
from rasa.shared.core.domain import Domain
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.shared.core.events import UserUttered

store = EnvSQLTrackerStore(domain=Domain.empty())
result = {}

def attempt(name, coroutine):
    record = start_turn()
    try:
        asyncio.run(coroutine)
        result[name] = {"raised": False, "record": record}
    except StoreFailure as exc:
        result[name] = {"raised": True, "record": record}

attempt("nul", store.retrieve("widget-a\\x00b"))
attempt("long", store.retrieve("w" * 300))
attempt("fine", store.save(DialogueStateTracker.from_events("kept", [UserUttered("你好")])))
lock = sqlite3.connect("data/rasa_tracker.db")
lock.execute("BEGIN EXCLUSIVE")
attempt("locked", store.save(DialogueStateTracker.from_events("lost", [UserUttered("金卡")])))
lock.rollback()
kept = asyncio.run(store.retrieve("kept"))
result["kept"] = [e.text for e in kept.events if isinstance(e, UserUttered)]
print(json.dumps(result))
"""


def test_a_store_error_fails_the_turn_and_a_nul_sender_id_is_refused_not_fatal(tmp_path):
    result = run_in_rasa_env(STORE_SCRIPT, tmp_path)
    assert result.returncode == 0, result.stderr[-2000:]
    outcome = json.loads(result.stdout.strip().splitlines()[-1])
    # A NUL byte (fatal to Rasa on PostgreSQL) and an id over the column's 255 characters are
    # refused as a failed turn; the process goes on.
    assert outcome["nul"]["raised"] and outcome["nul"]["record"]
    assert outcome["long"]["raised"] and outcome["long"]["record"]
    assert outcome["fine"] == {"raised": False, "record": []}
    # A write the database refused is a failure of this turn, recorded for the channel.
    assert outcome["locked"]["raised"] and outcome["locked"]["record"] == ["write OperationalError"]
    assert outcome["kept"] == ["你好"]


# -- the gateway ---------------------------------------------------------------------------------
def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class FixedAnswer(BaseHTTPRequestHandler):
    """Answers every POST with the server's `reply`: what Rasa sends when a turn produced
    nothing ([]), or when the store did not keep it."""

    def do_POST(self):  # noqa: N802 - http.server's name
        status, body = self.server.reply
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args):
        pass


@pytest.fixture
def answering_rasa():
    server = ThreadingHTTPServer(("127.0.0.1", free_port()), FixedAnswer)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield server
    server.shutdown()


def gateway_client(rasa_port: int) -> TestClient:
    from gateway.app import create_app

    return TestClient(create_app(Settings(rasa_url=f"http://127.0.0.1:{rasa_port}",
                                          action_server_url=f"http://127.0.0.1:{free_port()}",
                                          port=free_port())))


def chat_in_new_session(client: TestClient):
    session = client.post("/api/session", json={}).json()
    return client.post("/api/chat", json={"sender": session["sender"], "message": "你好"},
                       headers={"X-Session-Token": session["token"]})


def test_an_empty_reply_from_rasa_is_a_clear_error_never_an_empty_list(answering_rasa):
    answering_rasa.reply = (200, [])
    with gateway_client(answering_rasa.server_address[1]) as client:
        response = chat_in_new_session(client)
    assert response.status_code == 503
    assert "没有给出回答" in response.json()["detail"]


def test_a_turn_the_store_did_not_keep_is_said_so(answering_rasa):
    answering_rasa.reply = (503, {"error": "store_unavailable", "message": "…"})
    with gateway_client(answering_rasa.server_address[1]) as client:
        response = chat_in_new_session(client)
    assert response.status_code == 503
    assert "无法保存" in response.json()["detail"]


def test_healthz_is_red_when_the_store_cannot_be_written(tmp_path, monkeypatch, answering_rasa):
    lock = locked_store(tmp_path)
    monkeypatch.setenv("TRACKER_DB", str(tmp_path / "data" / "rasa_tracker.db"))
    try:
        with gateway_client(answering_rasa.server_address[1]) as client:
            response = client.get("/healthz")
    finally:
        lock.close()
    assert response.status_code == 503
    store = response.json()["services"]["store"]
    assert store.startswith("write failed"), store


def test_healthz_reports_the_store_green_when_it_takes_a_write(tmp_path, monkeypatch,
                                                                answering_rasa):
    monkeypatch.setenv("TRACKER_DB", str(tmp_path / "store.db"))
    with gateway_client(answering_rasa.server_address[1]) as client:
        services = client.get("/healthz").json()["services"]
    assert services["store"] == "ok"
    with sqlite3.connect(tmp_path / "store.db") as db:
        assert db.execute("SELECT COUNT(*) FROM health_probe").fetchone() == (1,)


# -- the supervisor ------------------------------------------------------------------------------
def test_a_service_that_dies_is_restarted_with_back_off_and_health_says_so(tmp_path):
    from gateway.health import supervisor_state
    from gateway.settings import supervisor_status_file
    from gateway.supervisor import Watcher

    port = free_port()
    settings = Settings(port=free_port())
    service = Service(name="probe-server", health_url=f"http://127.0.0.1:{port}/",
                      command=[sys.executable, "-m", "http.server", str(port),
                               "--bind", "127.0.0.1", "--directory", str(tmp_path)])
    stack = Stack(settings, progress=lambda line: None, services=[service])
    stack.start(timeout=30)
    try:
        with Watcher(stack):
            first = service.process.pid
            service.process.kill()
            deadline = time.monotonic() + 20
            while not (service.restarts == 1 and service.healthy()):
                assert time.monotonic() < deadline, "not restarted"
                time.sleep(0.2)
            assert service.process.pid != first
            assert supervisor_state(supervisor_status_file(settings)) == \
                "ok (restarted: probe-server 1×)"
            # Dying again at once waits longer: the back-off grows.
            service.process.kill()
            time.sleep(1.5)
            assert service.restarts == 1
            assert supervisor_state(supervisor_status_file(settings)).startswith("restarting:")
            deadline = time.monotonic() + 20
            while service.restarts < 2:
                assert time.monotonic() < deadline, "not restarted a second time"
                time.sleep(0.2)
    finally:
        stack.stop()
        supervisor_status_file(settings).unlink(missing_ok=True)


# -- the action server's retrieval, held by the gateway -------------------------------------------

def test_the_action_servers_retrieval_is_red_while_the_gateway_it_asks_cannot_answer(monkeypatch):
    """Under `make run` the action server asks the gateway for answers: its health is the
    gateway's index, not an "ok" of its own."""
    from actions.answering import retrieval_state
    from gateway.supervisor import gateway_service

    monkeypatch.setenv("POLICY_KNOWLEDGE_URL", f"http://127.0.0.1:{free_port()}")
    assert retrieval_state().startswith("the gateway holding the index does not answer")

    settings = Settings(port=free_port())
    gateway = gateway_service(settings, env={"POLICY_EMBEDDING_MODEL": "/nonexistent/model"})
    gateway.name = "gateway-without-model"  # its own log file
    monkeypatch.setenv("POLICY_KNOWLEDGE_URL", f"http://127.0.0.1:{settings.port}")
    gateway.start()
    try:
        deadline = time.monotonic() + 60
        while (state := retrieval_state()).startswith("the gateway holding the index does not"):
            assert gateway.exited() is None, gateway.log_tail()
            assert time.monotonic() < deadline, state
            time.sleep(0.3)
        deadline = time.monotonic() + 60
        while "failed to load" not in state:  # loading first, then the failure
            assert state.startswith("the gateway's index: "), state
            assert time.monotonic() < deadline, state
            time.sleep(0.3)
            state = retrieval_state()
    finally:
        gateway.stop()
