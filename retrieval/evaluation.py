"""Retrieval quality on a question set in the qa_dev.yml format (used by `make bench` and tests).

A case is found at rank r when the r-th cited clause text contains one of its `expect` phrases,
white space ignored (the rule stated in the set's header).
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import yaml

from knowledge import squash

DEV_SET = Path(__file__).resolve().parent.parent / "tests" / "data" / "qa_dev.yml"
# The questions the reranker and the answerability model are fitted on (never the dev set).
TUNING_SET = Path(__file__).resolve().parent / "tuning_questions.yml"
DEPTH = 10


@dataclass
class Figures:
    mode: str
    recall_at_1: float
    recall_at_5: float
    mrr: float
    refused: float        # share of unanswerable questions refused
    accepted: float       # share of answerable questions accepted
    misses: list[str]


def load_set(path: Path = DEV_SET) -> tuple[list[dict], list[str]]:
    data = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    return data["cases"], data.get("unanswerable", [])


def answers(case: dict, text: str) -> bool:
    """Whether a clause text contains one of the case's `expect` phrases, white space ignored."""
    squashed = squash(text)
    return any(squash(str(phrase)) in squashed for phrase in case["expect"])


def rank_of(case: dict, hits: list[dict]) -> int | None:
    for rank, hit in enumerate(hits, start=1):
        if answers(case, hit["text"]):
            return rank
    return None


def evaluate(searcher, mode: str = "fusion", path: Path = DEV_SET) -> Figures:
    cases, unanswerable = load_set(path)
    ranks, accepted, misses = [], 0, []
    for case in cases:
        result = searcher.search(case["q"], k=DEPTH, mode=mode)
        rank = rank_of(case, result["hits"])
        ranks.append(rank)
        accepted += result["answerable"]
        if rank != 1:
            misses.append(f"{case['q']} → rank {rank}: {result['hits'][0]['text'][:40]}")
    refused = sum(not searcher.search(q, k=DEPTH, mode=mode)["answerable"] for q in unanswerable)
    n = len(cases)
    return Figures(
        mode=mode,
        recall_at_1=sum(r == 1 for r in ranks) / n,
        recall_at_5=sum(r is not None and r <= 5 for r in ranks) / n,
        mrr=sum(1 / r for r in ranks if r) / n,
        refused=refused / len(unanswerable) if unanswerable else 1.0,
        accepted=accepted / n,
        misses=misses,
    )
