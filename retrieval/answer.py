"""The answer a person reads: the best clause quoted verbatim, with where it stands and whom to call.

Nothing here composes policy in its own words. An answer is the clause itself, named by document
and section; a refusal says the documents do not settle the question and gives the number the
documents themselves list for the topic.
"""
from __future__ import annotations

from knowledge import clause_by_id
from retrieval.normalize import normalize
from retrieval.text_features import document_hint

# Where the documents say whom to ask. The talent guide lists a hotline for applications; the
# partner guide lists no phone number, only that the 地市工信部门 review applications first.
TALENT_HOTLINE_CLAUSE = "talent.contact.p1"
PARTNER_CONTACT_CLAUSE = "partner.process.2"


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


def hotline_text(topic: str) -> tuple[str, list[dict]]:
    talent, partner = clause_by_id(TALENT_HOTLINE_CLAUSE), clause_by_id(PARTNER_CONTACT_CLAUSE)
    talent_contact = talent["contacts"][0]
    lines, cited = [], []
    if topic in ("talent", "both"):
        lines.append(f"云聚英才卡相关问题请致电{talent_contact['office']}：{talent_contact['phone']}。")
        cited.append(citation(talent))
    if topic in ("partner", "both"):
        lines.append("智能制造生态合作伙伴申报相关问题请向所在地市工信部门咨询（申报指南未列出咨询电话）。")
        cited.append(citation(partner))
    return "".join(lines), cited


def compose(result: dict) -> dict:
    """Turn a search result (contract section 2) into {answer, answerable, citations}."""
    question, hits = result["question"], result["hits"]
    if result["answerable"] and hits:
        best = clause_by_id(hits[0]["clause_id"])
        answer = (f"根据《{best['doc_title']}》（{best['path']}）：“{best['text']}”"
                  + contact_line(best))
        return {"answer": answer, "answerable": True,
                "citations": [citation(clause_by_id(hit["clause_id"])) for hit in hits[:3]]}
    hotline, cited = hotline_text(topic_of(question))
    answer = ("抱歉，《白云区云聚英才卡申领及服务指南》和《广东省智能制造生态合作伙伴（2024年）申报指南》"
              "中没有能回答这个问题的条款，我不能替文件作答。" + hotline)
    return {"answer": answer, "answerable": False, "citations": cited}


def ask(question: str) -> dict:
    """Answer one question; raises retrieval.search.QuestionError for empty or over-long input."""
    from retrieval.search import get_searcher

    return compose(get_searcher().search(question, k=5))
