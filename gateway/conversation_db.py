"""The conversation store's database, as the gateway sees it: Rasa's `events` table (read for
the staff page, pruned by retention) and the `feedback` table kept beside it.

Rasa's SQL tracker store (bot/tracker_store.py) and the gateway open the same database from
the same TRACKER_* variables, defined once here: SQLite in data/rasa_tracker.db by default,
PostgreSQL (or another dialect Rasa supports) when TRACKER_DIALECT says so. Standard library
only (the Rasa environment imports `settings`); PostgreSQL needs psycopg2 in the gateway's
environment as well.
"""
from __future__ import annotations

import json
import os
import sqlite3
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterator

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_SQLITE_FILE = os.path.join("data", "rasa_tracker.db")


def settings(env=os.environ) -> dict:
    """The SQLTrackerStore arguments for this environment (Rasa runs in the project root, so
    a relative SQLite path is relative to it)."""
    dialect = env.get("TRACKER_DIALECT", "sqlite")
    if dialect == "sqlite":
        return {"dialect": "sqlite", "db": env.get("TRACKER_DB", DEFAULT_SQLITE_FILE)}
    port = env.get("TRACKER_PORT")
    return {"dialect": dialect, "host": env.get("TRACKER_HOST", "localhost"),
            "port": int(port) if port else None, "db": env.get("TRACKER_DB", "rasa"),
            "username": env.get("TRACKER_USER"), "password": env.get("TRACKER_PASSWORD")}


class StoreUnavailable(RuntimeError):
    """The database cannot be opened; the message is for staff (Chinese)."""


@dataclass
class EventRow:
    id: int
    sender_id: str
    type_name: str
    timestamp: float
    data: dict


FEEDBACK_COLUMNS = ("sender_id", "timestamp", "channel", "kind", "helpful", "comment", "question",
                    "answer", "status", "clause_ids", "program", "outcome", "tier", "event_id")
_FEEDBACK_DDL = """CREATE TABLE IF NOT EXISTS feedback (
    id {id_column},
    sender_id VARCHAR(255) NOT NULL,
    timestamp {float_type} NOT NULL,
    channel VARCHAR(32) NOT NULL,
    kind VARCHAR(32) NOT NULL,
    helpful SMALLINT NOT NULL,
    comment TEXT, question TEXT, answer TEXT, status VARCHAR(32), clause_ids TEXT,
    program VARCHAR(32), outcome VARCHAR(32), tier VARCHAR(32), event_id BIGINT)"""
# The event types the staff page reads; the rest (action, user_featurization…) only make the
# read slower.
READ_TYPES = ("user", "bot", "active_loop", "slot")


class ConversationDB:
    def __init__(self, config: dict | None = None) -> None:
        self.config = config or settings()
        self.dialect = self.config["dialect"]
        self._feedback_ready = False

    # -- connection ---------------------------------------------------------------------------
    def _open(self):
        if self.dialect == "sqlite":
            path = Path(self.config["db"])
            path = path if path.is_absolute() else ROOT / path
            path.parent.mkdir(parents=True, exist_ok=True)
            # Rasa writes to the same file: wait for its lock rather than fail.
            return sqlite3.connect(path, timeout=15)
        if self.dialect == "postgresql":
            try:
                import psycopg2
            except ImportError as exc:
                raise StoreUnavailable("网关环境缺少 psycopg2，无法读取 PostgreSQL 对话库") from exc
            try:
                return psycopg2.connect(host=self.config["host"], port=self.config["port"],
                                        dbname=self.config["db"], user=self.config["username"],
                                        password=self.config["password"], connect_timeout=10)
            except psycopg2.Error as exc:
                raise StoreUnavailable(f"无法连接对话库：{type(exc).__name__}") from exc
        raise StoreUnavailable(f"不支持的对话库类型 TRACKER_DIALECT={self.dialect}")

    @contextmanager
    def connection(self) -> Iterator[Any]:
        try:
            connection = self._open()
        except sqlite3.Error as exc:
            raise StoreUnavailable(f"无法打开对话库：{exc}") from exc
        try:
            yield connection
            connection.commit()
        except BaseException:
            connection.rollback()
            raise
        finally:
            connection.close()

    def sql(self, statement: str) -> str:
        """Statements are written with ? placeholders (sqlite3); psycopg2 wants %s."""
        return statement if self.dialect == "sqlite" else statement.replace("?", "%s")

    def execute(self, statement: str, params: tuple = ()) -> int:
        with self.connection() as connection:
            cursor = connection.cursor()
            cursor.execute(self.sql(statement), params)
            return cursor.rowcount

    def query(self, statement: str, params: tuple = ()) -> list[tuple]:
        with self.connection() as connection:
            cursor = connection.cursor()
            cursor.execute(self.sql(statement), params)
            return cursor.fetchall()

    def has_table(self, name: str) -> bool:
        if self.dialect == "sqlite":
            rows = self.query("SELECT name FROM sqlite_master WHERE type = 'table' AND name = ?",
                              (name,))
        else:
            rows = self.query("SELECT table_name FROM information_schema.tables "
                              "WHERE table_name = ?", (name,))
        return bool(rows)

    # -- Rasa's events ------------------------------------------------------------------------
    def events(self, since: float = 0.0, sender_id: str | None = None,
               types: tuple[str, ...] = READ_TYPES) -> list[EventRow]:
        """Events from `since` on (seconds since the epoch), by conversation, in order."""
        if not self.has_table("events"):
            return []  # Rasa has not stored a conversation yet
        marks = ", ".join("?" for _ in types)
        statement = (f"SELECT id, sender_id, type_name, timestamp, data FROM events "
                     f"WHERE timestamp >= ? AND type_name IN ({marks})")
        params: tuple = (since, *types)
        if sender_id is not None:
            statement += " AND sender_id = ?"
            params += (sender_id,)
        rows = self.query(statement + " ORDER BY sender_id, id", params)
        return [EventRow(id, sender, kind, stamp or 0.0, _json(data))
                for id, sender, kind, stamp, data in rows]

    # -- feedback -----------------------------------------------------------------------------
    def ensure_feedback_table(self) -> None:
        if self._feedback_ready:
            return
        sqlite = self.dialect == "sqlite"
        ddl = _FEEDBACK_DDL.format(
            id_column="INTEGER PRIMARY KEY AUTOINCREMENT" if sqlite else "SERIAL PRIMARY KEY",
            float_type="FLOAT" if sqlite else "DOUBLE PRECISION")
        with self.connection() as connection:
            cursor = connection.cursor()
            cursor.execute(ddl)
            cursor.execute("CREATE INDEX IF NOT EXISTS feedback_timestamp ON feedback (timestamp)")
            cursor.execute("CREATE INDEX IF NOT EXISTS feedback_sender ON feedback (sender_id)")
        self._feedback_ready = True

    def add_feedback(self, row: dict) -> int:
        self.ensure_feedback_table()
        values = tuple(row.get(column) for column in FEEDBACK_COLUMNS)
        marks = ", ".join("?" for _ in FEEDBACK_COLUMNS)
        statement = f"INSERT INTO feedback ({', '.join(FEEDBACK_COLUMNS)}) VALUES ({marks})"
        with self.connection() as connection:
            cursor = connection.cursor()
            if self.dialect == "sqlite":
                cursor.execute(statement, values)
                return int(cursor.lastrowid)
            cursor.execute(self.sql(statement) + " RETURNING id", values)
            return int(cursor.fetchone()[0])

    def rate_event(self, row: dict) -> int:
        """Feedback on a stored reply: one rating per person and reply, so a second click or
        keyword changes the first (a new comment replaces the old one, no comment keeps it)."""
        self.ensure_feedback_table()
        found = self.query("SELECT id FROM feedback WHERE sender_id = ? AND event_id = ?",
                           (row["sender_id"], row["event_id"]))
        if not found:
            return self.add_feedback(row)
        self.execute("UPDATE feedback SET helpful = ?, timestamp = ?, "
                     "comment = COALESCE(?, comment) WHERE id = ?",
                     (row["helpful"], row["timestamp"], row.get("comment"), found[0][0]))
        return int(found[0][0])

    def feedback(self, since: float = 0.0) -> list[dict]:
        self.ensure_feedback_table()
        rows = self.query(f"SELECT id, {', '.join(FEEDBACK_COLUMNS)} FROM feedback "
                          "WHERE timestamp >= ? ORDER BY timestamp, id", (since,))
        found = []
        for row in rows:
            item = dict(zip(("id", *FEEDBACK_COLUMNS), row))
            item["helpful"] = bool(item["helpful"])
            item["clause_ids"] = _json(item["clause_ids"]) or []
            found.append(item)
        return found


def _json(text: Any) -> Any:
    if not text:
        return {}
    try:
        return json.loads(text)
    except (TypeError, ValueError):
        return {}
