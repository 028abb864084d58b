"""The answer a person reads: the best clause quoted verbatim, with where it stands and whom to call.

Nothing here composes policy in its own words. An answer is the clause itself, named by document
and section; a refusal says the documents do not settle the question and gives the number the
documents themselves list for the topic.
"""
from __future__ import annotations

import re
from collections import Counter

from knowledge import clause_by_id, load_clauses
from knowledge.contacts import contact_lines
from knowledge.parser import PATH_SEPARATOR
from retrieval.normalize import normalize
from retrieval.text_features import document_hint

def citation(clause: dict) -> dict:
    keys = ("clause_id", "doc_id", "doc_title", "path", "text", "contacts")
    return {key: clause[key] for key in keys if key in clause}


def contact_line(clause: dict) -> str:
    contacts = clause.get("contacts") or []
    if not contacts:
        return ""
    listed = "；".join(f"{c['office']}，电话{c['phone']}" for c in contacts)
    return f"如需进一步咨询：{listed}。"


def topic_of(question: str) -> str:
    """talent, partner or both: which document's contacts a refusal should give."""
    return document_hint(normalize(question)) or "both"


def parent_id(clause_id: str) -> str:
    return clause_id.rsplit(".", 1)[0]


# Questions about a whole list ("有哪些", "要什么材料", "申请条件") rather than one entry of it.
LIST_QUESTION = re.compile(r"哪些|条件|材料|包括|清单|都有|有什么|流程|步骤|要求")


def list_of(question: str, best: dict, hits: list[dict]) -> list[list[dict]]:
    """What to quote, as groups of clauses that stand together in the document.

    "落户要带什么材料" is answered by all five 提供材料 items, not by the one clause that ranks
    first; so for a question about a list, when several top hits are items of one list, the
    whole list is quoted (after the best clause, if that is not one of its items).
    """
    clauses = load_clauses()
    if best["text"].endswith("："):
        # "申报单位需已取得以下资质条件之一：" introduces the items that follow it
        container = parent_id(best["clause_id"])
        return [[best] + [c for c in clauses
                          if parent_id(c["clause_id"]) == container and c["kind"] == "item"]]
    if not LIST_QUESTION.search(question):
        return [[best]]
    items = [clause_by_id(hit["clause_id"]) for hit in hits[:5]]
    parents = Counter(parent_id(c["clause_id"]) for c in items if c["kind"] == "item")
    if not parents:
        return [[best]]
    parent, count = parents.most_common(1)[0]
    if count < 2:
        return [[best]]
    family = [c for c in clauses if parent_id(c["clause_id"]) == parent]
    listed = [c for c in family if c["kind"] == "intro"] + [c for c in family if c["kind"] == "item"]
    if best["kind"] == "item" and parent_id(best["clause_id"]) == parent:
        return [listed]
    return [[best], listed]


def quote(clauses: list[dict]) -> str:
    first = clauses[0]
    if len(clauses) == 1:
        return f"根据《{first['doc_title']}》（{first['path']}）：“{first['text']}”"
    if first["kind"] == "item":
        section, lead = first["path"].rsplit(PATH_SEPARATOR, 1)[0], ""
    else:
        section, lead, clauses = first["path"], f"“{first['text']}”", clauses[1:]
    items = "".join(f"{c['path'].rsplit(PATH_SEPARATOR, 1)[1]}．“{c['text']}”" for c in clauses)
    return f"根据《{first['doc_title']}》（{section}）：{lead}{items}"


def compose(result: dict) -> dict:
    """Turn a search result (contract section 2) into {answer, answerable, citations}."""
    question, hits = result["question"], result["hits"]
    if result["answerable"] and hits:
        best = clause_by_id(hits[0]["clause_id"])
        groups = list_of(question, best, hits)
        cited = [c for group in groups for c in group]
        cited += [clause_by_id(hit["clause_id"]) for hit in hits[1:3]]
        unique = list({c["clause_id"]: c for c in cited}.values())
        answer = "另，".join(quote(group) for group in groups) + contact_line(best)
        return {"answer": answer, "answerable": True,
                "citations": [citation(clause) for clause in unique]}
    hotline, cited_ids = contact_lines(topic_of(question))
    cited = [citation(clause_by_id(clause_id)) for clause_id in cited_ids]
    answer = ("抱歉，《白云区云聚英才卡申领及服务指南》和《广东省智能制造生态合作伙伴（2024年）申报指南》"
              "中没有能回答这个问题的条款，我不能替文件作答。" + hotline)
    return {"answer": answer, "answerable": False, "citations": cited}


def ask(question: str) -> dict:
    """Answer one question; raises retrieval.searcher.QuestionError for empty or over-long input."""
    from retrieval.searcher import get_searcher

    return compose(get_searcher().search(question, k=5))
