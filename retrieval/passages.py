"""What of a clause is indexed: its text together with where it sits.

A clause like "白云区云聚英才卡。" (the first material for 落户服务) means nothing alone; with its
section path it answers "落户要带什么材料". So both rankers see the clause's nearest headings too,
and a sub-item sees the item it belongs to ("国内航班接送机服务" above "(1) 国内航班送机服务：…").
"""
from __future__ import annotations

from knowledge.parser import PATH_SEPARATOR

# Bump when the passage format changes, so saved indexes are rebuilt.
PASSAGE_FORMAT = "v2"

# Appendix titles repeat on every form row; the last headings say what the clause is about.
PATH_DEPTH = 3


def context(clause: dict) -> str:
    labels = [label for label in clause["path"].split(PATH_SEPARATOR) if label]
    return " ".join(labels[-PATH_DEPTH:])


def passages(clauses: list[dict]) -> list[str]:
    """One passage per clause, in clause order."""
    by_id = {clause["clause_id"]: clause for clause in clauses}
    result = []
    for clause in clauses:
        parent = by_id.get(clause["clause_id"].rsplit(".", 1)[0])
        lead = parent["text"] + " " if parent and parent["kind"] == "item" else ""
        result.append(f"{clause['doc_title']} {context(clause)}：{lead}{clause['text']}")
    return result
