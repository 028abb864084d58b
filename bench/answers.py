"""`make bench` (answers): answer quality of the answering module, dev set beside the sets written
by independent writers, and the answer states on the retrieval sets.

A case holds when every `must_cite` phrase is in some citation's text (white space ignored),
every `must_say` pattern matches the answer, no `must_not_say` pattern does, and `answerable` is
as expected (unless null): the rule the sets state in their headers.
"""
from __future__ import annotations

import re
import sys
from collections import Counter
from pathlib import Path

import yaml

from knowledge import squash
from retrieval.evaluation import load_set

DATA = Path(__file__).resolve().parent.parent / "tests" / "data"
ANSWER_SETS = [("dev", DATA / "answers_dev.yml"),
               ("tuning, writer 1", DATA / "tuning" / "answers_writer_a.yml"),
               ("tuning, writer 8", DATA / "tuning" / "answers_writer_b.yml"),
               ("tuning, writer 10", DATA / "tuning" / "answers_writer_c.yml"),
               ("tuning, writer 11", DATA / "tuning" / "answers_writer_d.yml"),
               ("tuning, writer 14", DATA / "tuning" / "answers_writer_i.yml"),
               ("tuning, writer 19", DATA / "tuning" / "answers_writer_l.yml"),
               ("tuning, writer 26", DATA / "tuning" / "answers_writer_m.yml"),
               ("tuning, writer 28", DATA / "tuning" / "answers_writer_n.yml"),
               ("independent, writer 9", DATA / "independent" / "answers_check.yml"),
               ("independent, writer 18", DATA / "independent" / "answers_check6.yml"),
               ("independent, writer 21", DATA / "independent" / "answers_check7.yml"),
               ("independent, writer 31", DATA / "independent" / "answers_check9.yml")]
STATE_SETS = [("dev", DATA / "qa_dev.yml"), ("independent, writer 2", DATA / "independent" / "qa_check.yml")]


def holds(case: dict, reply: dict) -> bool:
    texts = [squash(c.get("text", "")) for c in reply["citations"]]
    return (all(any(squash(p) in t for t in texts) for p in case.get("must_cite") or [])
            and all(re.search(rx, reply["answer"]) for rx in case.get("must_say") or [])
            and not any(re.search(rx, reply["answer"]) for rx in case.get("must_not_say") or [])
            and (case.get("answerable") is None or reply["answerable"] is case["answerable"]))


def main() -> int:
    from answering import ask

    print("answers (answering.ask, in process)")
    for name, path in ANSWER_SETS:
        cases = yaml.safe_load(path.read_text(encoding="utf-8"))["questions"]
        good, kinds, totals = 0, Counter(), Counter()
        for case in cases:
            ok = holds(case, ask(case["q"]))
            good += ok
            kinds[case["kind"]] += ok
            totals[case["kind"]] += 1
        by_kind = ", ".join(f"{k} {kinds[k]}/{totals[k]}" for k in sorted(totals))
        print(f"  {name:<24} {good}/{len(cases)} = {good / len(cases):.2f}  ({by_kind})")
    print("answer states on the retrieval sets (unsettled questions refused or partial; "
          "answerable ones answered or partial)")
    for name, path in STATE_SETS:
        cases, unsettled = load_set(path)
        refused = sum(ask(q)["status"] != "answered" for q in unsettled)
        accepted = sum(ask(c["q"])["answerable"] for c in cases)
        print(f"  {name:<24} refused or partial {refused}/{len(unsettled)} = "
              f"{refused / len(unsettled):.3f}; accepted {accepted}/{len(cases)} = "
              f"{accepted / len(cases):.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
