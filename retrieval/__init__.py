"""Cited retrieval over the two policy documents.

`search(question, k)` returns the contract's object {question, answerable, hits}. The model and
index load once per process, on first use (imports stay light until then).
"""
from __future__ import annotations


def search(question: str, k: int = 5) -> dict:
    from retrieval.searcher import get_searcher

    return get_searcher().search(question, k=k)


__all__ = ["search"]
