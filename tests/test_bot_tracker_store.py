"""Conversations are kept in SQL: SQLite under data/ by default, another database by the
TRACKER_* variables. Runs in the Rasa environment, where the tracker store lives."""
import json
import os
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RASA_PYTHON = ROOT / ".venv-rasa" / "bin" / "python"

SCRIPT = """
import json, sys
from bot.tracker_store import EnvSQLTrackerStore, settings
from rasa.shared.core.domain import Domain
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.shared.core.events import UserUttered
config = settings()
result = {"settings": config}
if config["dialect"] == "sqlite":
    store = EnvSQLTrackerStore(domain=Domain.empty())
    tracker = DialogueStateTracker.from_events("kept", [UserUttered("你好")])
    import asyncio
    asyncio.run(store.save(tracker))
    again = EnvSQLTrackerStore(domain=Domain.empty())   # as after a restart
    kept = asyncio.run(again.retrieve("kept"))
    result["kept"] = [e.text for e in kept.events if isinstance(e, UserUttered)]
print(json.dumps(result, ensure_ascii=False))
"""


def run_in_rasa_env(env: dict, cwd: Path) -> dict:
    """The script's result, run in `cwd` with only the given TRACKER_* variables set."""
    base = {k: v for k, v in os.environ.items() if not k.startswith("TRACKER_")}
    output = subprocess.run([str(RASA_PYTHON), "-c", SCRIPT], cwd=cwd, capture_output=True, text=True,
                            env={**base, "PYTHONPATH": str(ROOT), **env}, timeout=300, check=True)
    return json.loads(output.stdout.strip().splitlines()[-1])


def test_sqlite_by_default_and_kept_across_a_restart(tmp_path):
    result = run_in_rasa_env({}, tmp_path)
    assert result["settings"] == {"dialect": "sqlite", "db": "data/rasa_tracker.db"}
    assert result["kept"] == ["你好"]
    assert (tmp_path / "data" / "rasa_tracker.db").exists()


def test_postgresql_from_the_environment(tmp_path):
    env = {"TRACKER_DIALECT": "postgresql", "TRACKER_HOST": "db.internal", "TRACKER_PORT": "5433",
           "TRACKER_DB": "rasa", "TRACKER_USER": "bot", "TRACKER_PASSWORD": "secret"}
    result = run_in_rasa_env(env, tmp_path)
    assert result["settings"] == {"dialect": "postgresql", "host": "db.internal", "port": 5433,
                                  "db": "rasa", "username": "bot", "password": "secret"}
