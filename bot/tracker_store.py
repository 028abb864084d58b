"""The conversation store: Rasa's SQL tracker store, configured from the environment, with
personal data masked before anything is written.

Rasa's endpoints.yml can read ${VAR} but has no defaults, and the servers are started without
any variables set. This class supplies the defaults: SQLite in data/rasa_tracker.db (relative
to the project root, where Rasa runs). A deployment sets, for PostgreSQL for example:
TRACKER_DIALECT=postgresql TRACKER_HOST=db.example TRACKER_PORT=5432 TRACKER_DB=rasa
TRACKER_USER=rasa TRACKER_PASSWORD=... (psycopg2 is in the Rasa environment). The variables
are read by gateway.conversation_db, which the gateway uses to open the same database.

Every event is saved masked (gateway.privacy): user and bot texts, parse data (entities),
slots, payloads — an ID-card, mobile or bank-card number or an e-mail address a user typed
never reaches the database, whichever channel it came through. The dialogue itself is not
affected: NLU and the actions of the current turn have already seen the message.
Loaded by Rasa (endpoints.yml: type: bot.tracker_store.EnvSQLTrackerStore); not an action.

Failing loudly. Rasa wraps every tracker store in a FailSafeTrackerStore that, on any error,
logs a line and carries on in memory: the user gets a normal reply, the turn is never stored
and the next turn is read against a state that was not kept. This store therefore records
each failure of the current turn (`turn_failures`, a context variable the REST channel of
bot/channels.py opens per request) so the channel can answer 503 instead of the replies; a
retrieve that failed also blocks the save of that turn (a fresh tracker saved over a stored
conversation would corrupt it). At start-up a write probe runs and Rasa refuses to start when
the store cannot be written, instead of falling back to memory.
"""
from __future__ import annotations

import contextvars
import copy
import logging
import os
import sys
import time
from collections import deque
from typing import Any

from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.events import Event
from rasa.shared.core.trackers import DialogueStateTracker

from gateway.conversation_db import DEFAULT_SQLITE_FILE, settings
from gateway.privacy import install_log_masking, mask_data

__all__ = ["DEFAULT_SQLITE_FILE", "EnvSQLTrackerStore", "StoreFailure", "masked_event",
           "settings", "start_turn", "turn_failures"]

log = logging.getLogger(__name__)
# The sender_id column of Rasa's events table is VARCHAR(255).
MAX_SENDER_CHARS = 255
# The probe's conversation id: never a real user's (those come through the gateway's pattern).
PROBE_SENDER = "__store_probe__"

_failures: contextvars.ContextVar[list | None] = contextvars.ContextVar("store_failures",
                                                                        default=None)


class StoreFailure(RuntimeError):
    """The conversation store could not keep or read this turn."""


def start_turn() -> list[str]:
    """Open the failure record of one request; the store appends a short reason per failure."""
    record: list[str] = []
    _failures.set(record)
    return record


def turn_failures() -> list[str]:
    return _failures.get() or []


def _record(reason: str) -> None:
    record = _failures.get()
    if record is not None:
        record.append(reason)


def check_sender(sender_id: str) -> None:
    """A NUL byte makes psycopg2 raise ValueError, which Rasa's session_scope takes for a
    missing schema and answers by exiting the whole server; an id longer than the column
    fails the insert. Both are refused here, before the database sees them."""
    if "\x00" in sender_id:
        raise StoreFailure("sender id contains a NUL byte")
    if len(sender_id) > MAX_SENDER_CHARS:
        raise StoreFailure(f"sender id longer than {MAX_SENDER_CHARS} characters")


def masked_event(event: Event) -> Event:
    """The event with every personal number and address in it replaced (itself when there
    is none): rebuilt from its masked dictionary form, the form Rasa stores."""
    data = event.as_dict()
    masked = mask_data(data)
    return event if masked == data else Event.from_parameters(masked)


def masked_tracker(tracker: DialogueStateTracker) -> DialogueStateTracker:
    """A shallow copy whose events are masked; the store reads nothing else but the id."""
    copied = copy.copy(tracker)
    copied.events = deque((masked_event(e) for e in tracker.events), maxlen=tracker.events.maxlen)
    return copied


def refuse_to_start(reason: str) -> None:
    """Exit Rasa with a clear message (SystemExit passes Rasa's fallbacks, which catch only
    Exception); the supervisor restarts it with back-off and /healthz names the store."""
    message = f"对话库不可用，Rasa 拒绝启动（不会改用内存存储）: {reason}"
    log.critical(message)
    print(message, file=sys.stderr, flush=True)
    sys.exit(3)


class EnvSQLTrackerStore(SQLTrackerStore):
    def __init__(self, domain=None, event_broker=None, host=None, **kwargs: Any) -> None:
        config = settings()
        if config["dialect"] == "sqlite":
            os.makedirs(os.path.dirname(config["db"]) or ".", exist_ok=True)
        else:
            self._wait_for_database(config)
        super().__init__(domain=domain, event_broker=event_broker, **config)
        if config["dialect"] != "sqlite":
            self._check_connections_before_use()
        install_log_masking("rasa", "sanic.root", "sanic.error")  # Rasa's own log lines too
        self._probe_write()

    def _wait_for_database(self, config: dict, patience_s: float = 20.0) -> None:
        """SQLTrackerStore retries a database that is down forever; give it `patience_s`,
        then refuse to start."""
        import sqlalchemy as sa

        url = self.get_db_url(config["dialect"], config.get("host"), config.get("port"),
                              config["db"], config.get("username"), config.get("password"))
        timeout = {"connect_timeout": 5} if config["dialect"].startswith("postgresql") else {}
        engine = sa.create_engine(url, connect_args=timeout)
        deadline = time.monotonic() + patience_s
        try:
            while True:
                try:
                    with engine.connect():
                        return
                except sa.exc.SQLAlchemyError as exc:
                    if time.monotonic() > deadline:
                        refuse_to_start(f"{type(exc).__name__}: {str(exc).splitlines()[0]}")
                    time.sleep(2)
        finally:
            engine.dispose()

    def _check_connections_before_use(self) -> None:
        """After the database restarts, every pooled connection is dead: without a ping the
        next turns fail (loudly) until the pool has been worked through."""
        import sqlalchemy as sa
        from rasa.core.tracker_store import create_engine_kwargs

        url = self.engine.url
        self.engine.dispose()
        self.engine = sa.create_engine(url, pool_pre_ping=True, **create_engine_kwargs(url))
        self.sessionmaker = sa.orm.session.sessionmaker(bind=self.engine)

    def _probe_write(self) -> None:
        """Write and delete one row: a read-only or locked database fails here, at start-up."""
        import sqlalchemy as sa

        try:
            with self.session_scope() as session:
                session.add(self.SQLEvent(sender_id=PROBE_SENDER, type_name="probe",
                                          timestamp=time.time(), data="{}"))
                session.flush()
                session.query(self.SQLEvent).filter(
                    self.SQLEvent.sender_id == PROBE_SENDER).delete()
                session.commit()
        except sa.exc.SQLAlchemyError as exc:
            refuse_to_start(f"{type(exc).__name__}: {str(exc).splitlines()[0]}")

    def _failed(self, what: str, exc: Exception) -> StoreFailure:
        reason = f"{what} {type(exc).__name__}"
        log.error("conversation store %s failed for one conversation: %s", what, exc)
        _record(reason)
        return exc if isinstance(exc, StoreFailure) else StoreFailure(reason)

    async def retrieve(self, sender_id: str) -> DialogueStateTracker | None:
        try:
            check_sender(sender_id)
            return await super().retrieve(sender_id)
        except Exception as exc:  # noqa: BLE001 - every store error fails the turn
            raise self._failed("read", exc) from exc

    async def retrieve_full_tracker(self, sender_id: str) -> DialogueStateTracker | None:
        try:
            check_sender(sender_id)
            return await super().retrieve_full_tracker(sender_id)
        except Exception as exc:  # noqa: BLE001
            raise self._failed("read", exc) from exc

    async def save(self, tracker: DialogueStateTracker) -> None:
        if turn_failures():
            # The state was not read: saving would write a fresh tracker's events after a
            # stored conversation's.
            raise StoreFailure("not saved: the conversation could not be read")
        try:
            check_sender(tracker.sender_id)
            await super().save(masked_tracker(tracker))
        except Exception as exc:  # noqa: BLE001
            raise self._failed("write", exc) from exc
