"""Everything the documents' structure does not decide: the best clause found by retrieval,
quoted verbatim (retrieval/answer.py), or a plain "not covered" when no clause answers.

When the clause found is one of a tier's criteria, the tier it belongs to is said too (a clause
"广东省人才优粤卡持有人。" alone does not tell the reader that it is a 钻石卡 criterion).
"""
from __future__ import annotations

from answering.answer import ANSWERED, BOTH_DOCUMENTS, NOT_COVERED, Answer, citation
from answering.scope import tier_of
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
        reply["answer"] += (f"该条是{tier['name']}的申领条件之一（“{tier['intro']['text']}”），"
                            "申领人所在单位还须在白云区注册或纳税。")
        if intro not in {c["clause_id"] for c in reply["citations"]}:
            reply["citations"].append(citation(intro))
    return reply
