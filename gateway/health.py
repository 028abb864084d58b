"""/healthz: every service the assistant needs, each with its own state.

- gateway: retrieval loaded in this process;
- rasa: every replica answers with a model loaded;
- action_server: answers, and `retrieval`: its index loaded (actions/status.py);
- store: a write probe on the conversation store (a read-only, locked or stopped database is
  red here, not only when a user's turn fails);
- supervisor: the services it restarted and any it is restarting now (gateway/supervisor.py).

A state is "ok", "ok (…)" for information that does not make the stack unhealthy, or a short
reason.
"""
from __future__ import annotations

import asyncio
import json
import time
from pathlib import Path

import httpx2 as httpx

from gateway.conversation_db import ConversationDB
from gateway.settings import Settings

PROBE_DDL = "CREATE TABLE IF NOT EXISTS health_probe (id INTEGER PRIMARY KEY, checked_at FLOAT)"
PROBE_WRITE = ("INSERT INTO health_probe (id, checked_at) VALUES (1, ?) "
               "ON CONFLICT (id) DO UPDATE SET checked_at = excluded.checked_at")
STATUS_ACTION = "action_service_status"  # actions/status.py


def is_ok(state: str) -> bool:
    return state == "ok" or state.startswith("ok (")


def probe_store(db: ConversationDB) -> str:
    """Write one row in the store's own database: the write Rasa does each turn."""
    try:
        with db.connection() as connection:
            cursor = connection.cursor()
            cursor.execute(PROBE_DDL)
            cursor.execute(db.sql(PROBE_WRITE), (time.time(),))
        return "ok"
    except Exception as exc:  # noqa: BLE001 - any failure is the store's state, in words
        return f"write failed ({type(exc).__name__}: {str(exc).splitlines()[0][:120]})"


async def store_state(db: ConversationDB, timeout: float) -> str:
    try:
        return await asyncio.wait_for(asyncio.to_thread(probe_store, db), timeout)
    except asyncio.TimeoutError:
        return f"write failed (no answer within {timeout:.0f} s)"


async def retrieval_state(http: httpx.AsyncClient, settings: Settings) -> str:
    """Ask the action server itself whether its index loaded."""
    tracker = {"sender_id": "__health__", "slots": {}, "latest_message": {}, "events": [],
               "paused": False, "followup_action": None, "active_loop": {},
               "latest_action_name": None}
    body = {"next_action": STATUS_ACTION, "sender_id": "__health__", "tracker": tracker,
            "domain": {}, "version": "3.6"}
    try:
        response = await http.post(f"{settings.action_server_url}/webhook", json=body,
                                   timeout=settings.health_timeout_s)
        reply = response.json()["responses"][0]["custom"]["retrieval"]
    except httpx.HTTPError as exc:
        return f"unreachable ({type(exc).__name__})"
    except (ValueError, KeyError, IndexError, TypeError):
        return "unknown (the action server does not report it)"
    return str(reply)


def supervisor_state(status_file: Path) -> str:
    """From the supervisor's status file: red while a service is being restarted, "ok (…)"
    with the restarts so far, "ok" when nothing was restarted or no supervisor runs."""
    try:
        services = json.loads(status_file.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return "ok"
    down = [f"{name} down (exit status {info.get('last_exit')}), restart "
            f"{info.get('restarts', 0) + 1}"
            f" in {max(0, (info.get('restart_at') or 0) - time.time()):.0f} s"
            for name, info in services.items() if info.get("state") == "restarting"]
    if down:
        return "restarting: " + "; ".join(down)
    restarted = [f"{name} {info['restarts']}×" for name, info in services.items()
                 if info.get("restarts")]
    return f"ok (restarted: {', '.join(restarted)})" if restarted else "ok"
