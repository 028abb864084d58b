"""The dev sets are answered as they were before serving moved to ONNX Runtime alone and
questions were batched: the same status, answerable flag and cited clause ids for every answer,
the same ranked clause ids and answerable flag for every search (tests/answers_baseline.py
recorded tests/data/answers_baseline.json from the PyTorch-loaded encoder)."""
from __future__ import annotations

import json
from concurrent.futures import ThreadPoolExecutor

import pytest

from tests.answers_baseline import DATA, snapshot

BASELINE = json.loads((DATA / "answers_baseline.json").read_text(encoding="utf-8"))


@pytest.mark.parametrize("expected", BASELINE, ids=[case["question"] for case in BASELINE])
def test_answer_is_unchanged(expected):
    assert snapshot(expected["question"]) == expected


def test_answers_asked_at_once_are_unchanged():
    """Twenty questions at once share encoder batches; each still gets its own answer."""
    cases = BASELINE[:20]
    with ThreadPoolExecutor(max_workers=len(cases)) as pool:
        got = list(pool.map(lambda case: snapshot(case["question"]), cases))
    assert got == cases
