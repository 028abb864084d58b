"""Everything the documents' structure does not decide: the best clause found by retrieval,
quoted verbatim (retrieval/answer.py), or a plain "not covered" when no clause answers.

When the clause found is one of a tier's criteria, the tier it belongs to is said too (a clause
"广东省人才优粤卡持有人。" alone does not tell the reader that it is a 钻石卡 criterion).
"""
from __future__ import annotations

from answering.answer import ANSWERED, BOTH_DOCUMENTS, NOT_COVERED, PARTIAL, Answer, citation
from answering.scope import tier_of
from knowledge.contacts import contact_lines
from retrieval.answer import compose, topic_of
from retrieval.question import Question
from retrieval.searcher import get_searcher


def answer(question: Question) -> dict:
    result = get_searcher().search(question.text, k=5)
    if not result["answerable"] or not result["hits"]:
        refusal = Answer(status=NOT_COVERED)
        asked = question.text.rstrip("？?。!！ ")
        refusal.say(f"{BOTH_DOCUMENTS}中没有能回答“{asked}”的条款，文件未涉及这一问题，我不能替文件作答。")
        return refusal.refer(topic_of(question.text)).as_dict()
    reply = compose(result)
    reply["status"] = ANSWERED
    tier = tier_of(result["hits"][0]["clause_id"])
    if tier is not None:
        intro = tier["intro"]["clause_id"]
        # the tier's opening sentence is cited, not quoted: "…可申领云聚英才金卡" read in a
        # conversation sounds like a grant
        reply["answer"] += (f"该条是{tier['name']}的申领条件之一（须符合该档条件之一），"
                            "申领人所在单位还须在白云区注册或纳税。")
        if intro not in {c["clause_id"] for c in reply["citations"]}:
            reply["citations"].append(citation(intro))
        other = _other_district(question, result["hits"][0]["text"])
        if other:
            # 区级劳动模范 is the district's own title; another district's is not settled by it
            reply["status"] = PARTIAL
            reply["answer"] += (f"条款所说的区级称号、区级人才项目没有写明是否包括{other}评定的，文件对此未作明确规定，"
                                f"{contact_lines('talent')[0]}")
    return reply


def _other_district(question: Question, criterion: str) -> str | None:
    """番禺区的区级劳动模范: a Guangzhou district other than 白云区 beside a district-level criterion."""
    if not (criterion.startswith("区") or "区级" in criterion):
        return None
    others = [d for d in question.places.get("guangzhou_districts", []) if d != "白云"]
    return others[0] + "区" if others else None
