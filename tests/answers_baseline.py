"""The answers on the dev sets as clause ids and states, to compare runs of different code.

    .venv/bin/python -m tests.answers_baseline > tests/data/answers_baseline.json

records what the current code answers; tests/test_answers_unchanged.py checks that the code
still answers the same (same status, answerable flag, cited clause ids, search hits). It was
first recorded with the PyTorch-backed encoder, and serving on ONNX Runtime alone with query
batching answered identically; since then it is re-recorded only when answering changes on
purpose, so its diff in the commit shows exactly which answers moved.
"""
from __future__ import annotations

import json
import sys
from pathlib import Path

import yaml

DATA = Path(__file__).resolve().parent / "data"
SETS = ("answers_dev.yml", "qa_dev.yml")


def questions() -> list[str]:
    found: list[str] = []
    for name in SETS:
        document = yaml.safe_load((DATA / name).read_text(encoding="utf-8"))
        cases = [c["q"] for c in document.get("questions") or document.get("cases") or []]
        for question in cases + list(document.get("unanswerable") or []):
            if question not in found:
                found.append(question)
    return found


def snapshot(question: str) -> dict:
    from answering import ask
    from retrieval import search

    answer = ask(question)
    hits = search(question, k=5)
    return {"question": question, "status": answer["status"],
            "answerable": answer["answerable"],
            "citations": [c["clause_id"] for c in answer["citations"]],
            "search_answerable": hits["answerable"],
            "search_hits": [h["clause_id"] for h in hits["hits"]]}


def main() -> int:
    json.dump([snapshot(q) for q in questions()], sys.stdout, ensure_ascii=False, indent=1)
    print()
    return 0


if __name__ == "__main__":
    sys.exit(main())
