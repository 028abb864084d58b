"""Retention deletes what is older than N days, events and feedback, and nothing else; the
conversations it leaves still load in Rasa. The store is made by Rasa's own tracker store."""
from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from gateway.conversation_db import ConversationDB

ROOT = Path(__file__).resolve().parent.parent
RASA_PYTHON = ROOT / ".venv-rasa" / "bin" / "python"
DAY = 86400
NOW = time.time()

MAKE_STORE = """
import asyncio, sys
from bot.tracker_store import EnvSQLTrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, BotUttered, SessionStarted, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

now = float(sys.argv[1])
def turn(text, at):
    return [ActionExecuted("action_session_start", timestamp=at), SessionStarted(timestamp=at),
            ActionExecuted("action_listen", timestamp=at), UserUttered(text, timestamp=at + 1),
            BotUttered("好的", timestamp=at + 2)]
store = EnvSQLTrackerStore(domain=Domain.empty())
conversations = {"old": turn("两百天前的问题", now - 200 * 86400),
                 "recent": turn("十天前的问题", now - 10 * 86400),
                 "mixed": turn("半年多以前", now - 190 * 86400) + turn("昨天又来了", now - 86400)}
for sender, events in conversations.items():
    asyncio.run(store.save(DialogueStateTracker.from_events(sender, events)))
"""
LOAD = """
import asyncio, json
from bot.tracker_store import EnvSQLTrackerStore
from rasa.shared.core.domain import Domain
tracker = asyncio.run(EnvSQLTrackerStore(domain=Domain.empty()).retrieve("mixed"))
print(json.dumps([e.text for e in tracker.events if getattr(e, "text", None)], ensure_ascii=False))
"""


@pytest.fixture
def store(tmp_path):
    database = tmp_path / "tracker.db"
    env = {**{k: v for k, v in os.environ.items() if not k.startswith("TRACKER_")},
           "PYTHONPATH": str(ROOT), "TRACKER_DB": str(database)}
    made = subprocess.run([str(RASA_PYTHON), "-c", MAKE_STORE, str(NOW)], cwd=tmp_path, env=env,
                          capture_output=True, text=True, timeout=300)
    assert made.returncode == 0, made.stderr[-3000:]
    db = ConversationDB({"dialect": "sqlite", "db": str(database)})
    for sender, age_days in (("old", 200), ("recent", 10), ("console-1", 181), ("console-2", 179)):
        db.add_feedback({"sender_id": sender, "timestamp": NOW - age_days * DAY, "channel": "web",
                         "kind": "answer", "helpful": 0, "comment": f"{age_days}天前"})
    return database, env


def counts(database: Path) -> dict:
    with sqlite3.connect(database) as connection:
        events = dict(connection.execute("SELECT sender_id, COUNT(*) FROM events GROUP BY sender_id"))
        feedback = [c for (c,) in connection.execute("SELECT comment FROM feedback ORDER BY id")]
    return {"events": events, "feedback": feedback}


def retention(env: dict, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "gateway.retention", *args], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=120)


def test_what_is_older_than_n_days_is_deleted_and_nothing_else(store):
    database, env = store
    assert counts(database) == {"events": {"old": 5, "recent": 5, "mixed": 10},
                                "feedback": ["200天前", "10天前", "181天前", "179天前"]}
    dry = retention(env, "--days", "180", "--dry-run")
    assert dry.returncode == 0, dry.stderr
    assert json.loads(dry.stdout) == {**json.loads(dry.stdout), "dry_run": True, "events": 10,
                                      "conversations": 2, "feedback": 2}
    assert counts(database)["events"] == {"old": 5, "recent": 5, "mixed": 10}  # nothing deleted

    done = retention(env, "--days", "180")
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["events"] == 10 and json.loads(done.stdout)["feedback"] == 2
    assert counts(database) == {"events": {"recent": 5, "mixed": 5}, "feedback": ["10天前", "179天前"]}
    with sqlite3.connect(database) as connection:
        texts = " ".join(d for (d,) in connection.execute("SELECT data FROM events"))
    assert "\\u4e24\\u767e" not in texts and "两百" not in texts  # 两百天前的问题 is gone

    loaded = subprocess.run([str(RASA_PYTHON), "-c", LOAD], cwd=database.parent, env=env,
                            capture_output=True, text=True, timeout=300)
    assert loaded.returncode == 0, loaded.stderr[-3000:]
    assert json.loads(loaded.stdout.strip().splitlines()[-1]) == ["昨天又来了", "好的"]

    again = retention(env, "--days", "180")
    assert json.loads(again.stdout)["events"] == 0  # nothing more is due


def test_a_retention_of_less_than_a_day_is_refused(store):
    database, env = store
    refused = retention(env, "--days", "0")
    assert refused.returncode == 2 and "至少为 1 天" in refused.stderr
    assert counts(database)["events"] == {"old": 5, "recent": 5, "mixed": 10}


def test_the_gateway_job_deletes_what_is_due_and_keeps_running(store):
    import asyncio

    from gateway.retention import retention_job

    database, _ = store
    db = ConversationDB({"dialect": "sqlite", "db": str(database)})

    async def one_round():
        job = asyncio.create_task(retention_job(db, 180, every_s=3600, first_after_s=0))
        await asyncio.sleep(2)
        assert not job.done()  # waiting for the next round
        job.cancel()

    asyncio.run(one_round())
    assert counts(database) == {"events": {"recent": 5, "mixed": 5}, "feedback": ["10天前", "179天前"]}
