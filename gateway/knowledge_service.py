"""The gateway's view of retrieval (answers, console search) and the rules engine.

Retrieval loads its embedding model and index once per process; `warm_up` does that at start
so /healthz turns green only when the first question is answered fast. Calls run in worker
threads, many at once: questions that reach the encoder together are encoded as one batch
(retrieval/batching.py), which is what lets concurrent clients share the two cores. The
semaphore (ASK_CONCURRENCY) only bounds how many are in flight.
"""
from __future__ import annotations

import logging
import os
import threading
import time

log = logging.getLogger("gateway.knowledge")

PROGRAMS = {"talent-card": "白云区云聚英才卡", "partner": "广东省智能制造生态合作伙伴"}

_slots = threading.BoundedSemaphore(int(os.environ.get("ASK_CONCURRENCY", "32")))
_warming = threading.Lock()
_state = {"status": "loading the index", "failed_at": None}
RETRY_AFTER_S = 10.0


def status() -> str:
    """'ok' once retrieval answers; otherwise what it is doing or why it failed."""
    return _state["status"]


def ready() -> bool:
    return _state["status"] == "ok"


def retry_due() -> bool:
    """A failed load is tried again (the index may have been rebuilt meanwhile)."""
    failed_at = _state["failed_at"]
    return failed_at is not None and time.monotonic() - failed_at > RETRY_AFTER_S


def warm_up() -> None:
    """Load the index and the model (and jieba's dictionary) before the first user does."""
    if not _warming.acquire(blocking=False):
        return  # another thread is loading it
    try:
        answer("云聚英才卡怎么申领")
        search("云聚英才卡怎么申领", k=1)
        _state.update(status="ok", failed_at=None)
        log.info("retrieval ready")
    except Exception as exc:  # noqa: BLE001 - reported through /healthz, never to a user
        _state.update(status=f"index failed to load ({type(exc).__name__}: {exc}); retrying",
                      failed_at=time.monotonic())
        log.exception("retrieval failed to load")
    finally:
        _warming.release()


def answer(question: str, context: str | None = None) -> dict:
    from answering import ask

    with _slots:
        return ask(question, context)


def search(question: str, k: int = 5) -> dict:
    from retrieval import search as retrieval_search

    with _slots:
        return retrieval_search(question, k=k)


def contacts_of(clause_id: str) -> list[dict]:
    from knowledge import clause_by_id

    clause = clause_by_id(clause_id) or {}
    return list(clause.get("contacts") or [])


def highlight_terms(question: str, text: str) -> list[str]:
    """Words of the question that occur in the clause text, longest first, so the console can
    mark them. jieba splits the question the way the retrieval's BM25 does."""
    import jieba

    words = {w.strip() for w in jieba.lcut_for_search(question)}
    # Single characters (的, 可, 卡…) would light up half the clause: words of two or more.
    found = [w for w in words if len(w) >= 2 and w in text]
    return sorted(found, key=lambda w: (-len(w), w))


def suggestion_line(reply: dict) -> str:
    """The first line of the answer a person reads, to read out on the phone."""
    for line in (reply.get("answer") or "").splitlines():
        if line.strip():
            return line.strip()
    return ""


def console_search(question: str, k: int = 5) -> dict:
    result = search(question, k=k)
    reply = answer(question)  # the same answer /api/ask and the chat give
    hits = []
    for hit in result.get("hits", []):
        hits.append({**hit,
                     "contacts": contacts_of(hit["clause_id"]),
                     "highlights": highlight_terms(question, hit.get("text", ""))})
    return {"question": result.get("question", question),
            "answerable": bool(reply.get("answerable")),
            "status": reply.get("status"),
            "suggestion": suggestion_line(reply),
            "hits": hits}


def program_criteria(program: str) -> list[dict]:
    from rules import criteria

    return criteria(program)


def program_evaluate(program: str, facts: dict, criteria_ids: list[str]) -> dict:
    from rules import evaluate

    return evaluate(program, facts, criteria_ids)


def program_facts(program: str) -> dict:
    from rules import fact_specs, questions

    facts = [{"name": name, **spec} for name, spec in fact_specs(program).items()]
    return {"facts": facts, "groups": questions(program)["groups"]}
