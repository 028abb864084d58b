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
"""
from __future__ import annotations

import copy
import os
from collections import deque
from typing import Any

from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.events import Event
from rasa.shared.core.trackers import DialogueStateTracker

from gateway.conversation_db import DEFAULT_SQLITE_FILE, settings
from gateway.privacy import install_log_masking, mask_data

__all__ = ["DEFAULT_SQLITE_FILE", "EnvSQLTrackerStore", "masked_event", "settings"]


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


class EnvSQLTrackerStore(SQLTrackerStore):
    def __init__(self, domain=None, event_broker=None, host=None, **kwargs: Any) -> None:
        config = settings()
        if config["dialect"] == "sqlite":
            os.makedirs(os.path.dirname(config["db"]) or ".", exist_ok=True)
        super().__init__(domain=domain, event_broker=event_broker, **config)
        install_log_masking("rasa", "sanic.root", "sanic.error")  # Rasa's own log lines too

    async def save(self, tracker: DialogueStateTracker) -> None:
        await super().save(masked_tracker(tracker))
