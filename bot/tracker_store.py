"""The conversation store: Rasa's SQL tracker store, configured from the environment.

Rasa's endpoints.yml can read ${VAR} but has no defaults, and the servers are started without
any variables set. This class supplies the defaults: SQLite in data/rasa_tracker.db (relative
to the project root, where Rasa runs). A deployment sets, for PostgreSQL for example:
TRACKER_DIALECT=postgresql TRACKER_HOST=db.example TRACKER_PORT=5432 TRACKER_DB=rasa
TRACKER_USER=rasa TRACKER_PASSWORD=... (psycopg2 is in the Rasa environment).
Loaded by Rasa (endpoints.yml: type: bot.tracker_store.EnvSQLTrackerStore); not an action.
"""
from __future__ import annotations

import os
from typing import Any

from rasa.core.tracker_store import SQLTrackerStore

DEFAULT_SQLITE_FILE = os.path.join("data", "rasa_tracker.db")


def settings(env=os.environ) -> dict:
    """The SQLTrackerStore arguments for this environment."""
    dialect = env.get("TRACKER_DIALECT", "sqlite")
    if dialect == "sqlite":
        return {"dialect": "sqlite", "db": env.get("TRACKER_DB", DEFAULT_SQLITE_FILE)}
    port = env.get("TRACKER_PORT")
    return {"dialect": dialect, "host": env.get("TRACKER_HOST", "localhost"),
            "port": int(port) if port else None, "db": env.get("TRACKER_DB", "rasa"),
            "username": env.get("TRACKER_USER"), "password": env.get("TRACKER_PASSWORD")}


class EnvSQLTrackerStore(SQLTrackerStore):
    def __init__(self, domain=None, event_broker=None, host=None, **kwargs: Any) -> None:
        config = settings()
        if config["dialect"] == "sqlite":
            os.makedirs(os.path.dirname(config["db"]) or ".", exist_ok=True)
        super().__init__(domain=domain, event_broker=event_broker, **config)
