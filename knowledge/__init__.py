"""The knowledge base: the two policy documents as clauses that answers quote verbatim."""
from __future__ import annotations

from functools import lru_cache

from knowledge.parser import parse
from knowledge.sources import SOURCES, Source, squash

__all__ = ["SOURCES", "Source", "load_clauses", "clause_by_id", "squash"]


@lru_cache(maxsize=1)
def _clauses() -> tuple[dict, ...]:
    return tuple(clause for source in SOURCES for clause in parse(source).clauses)


def load_clauses() -> list[dict]:
    """Every clause of both documents, in document order (copies: callers may annotate them)."""
    return [dict(clause) for clause in _clauses()]


@lru_cache(maxsize=1)
def _index() -> dict[str, dict]:
    return {clause["clause_id"]: clause for clause in _clauses()}


def clause_by_id(clause_id: str) -> dict | None:
    clause = _index().get(clause_id)
    return dict(clause) if clause else None
