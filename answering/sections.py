"""Answers that a section of the documents holds whole: a list of materials, the steps of a
procedure, the conditions of a tier or a domain, whom to call, when and where to apply.

The clause ids follow the documents' structure (knowledge/parser.py): the service guide's
benefit N is `talent.service.N`, with `.materials`, `.process`, `.notes`, `.contact` below it;
the partner domains are `partner.conditions.<key>`; so a section is the clauses under an id.
"""
from __future__ import annotations

from answering.answer import NOT_COVERED, PARTIAL, Answer, quote
from answering.benefits import label
from retrieval.question import Question
from knowledge import load_clauses
from rules.data import load_rules

# Application to the card itself (not to one of its services).
CARD_APPLICATION = ("talent.procedure.basic.", "talent.procedure.special.")
APPLY_WORDS = ("申领", "申请", "申报", "办卡", "办理", "报名", "提交", "递交")


def under(prefix: str, kinds: tuple[str, ...] = ("item", "paragraph", "intro")) -> list[dict]:
    """The clauses whose id starts with `prefix`, in document order."""
    return [c for c in load_clauses() if c["clause_id"].startswith(prefix) and c["kind"] in kinds]


def listing(answer: Answer, clauses: list[dict], lead: str) -> Answer:
    """Every clause of a list, verbatim and numbered as the document numbers it."""
    if not clauses:
        return answer
    first = clauses[0]
    section = first["path"].rsplit(" › ", 1)[0] if first["kind"] == "item" else first["path"]
    items = "；".join(f"{c['path'].rsplit(' › ', 1)[-1]}．{quote(c['clause_id'])}"
                      if c["kind"] == "item" else quote(c["clause_id"]) for c in clauses)
    return answer.say(f"{lead}根据《{first['doc_title']}》（{section}）：{items}。",
                      *(c["clause_id"] for c in clauses))


def _domain_key(name: str) -> str:
    return next(d["key"] for d in load_rules("partner")["domains"] if d["name"] == name)


def _about_application(question: Question) -> bool:
    return any(word in question.normalized for word in APPLY_WORDS)


def lists(question: Question) -> Answer | None:
    """Materials, steps or conditions asked as a whole."""
    answer = Answer()
    if "直接认定" in question.normalized and "遴选" in question.normalized:
        listing(answer, under("partner.apply.selection."), "遴选加入须同时满足基本遴选条件：")
        listing(answer, under("partner.apply.direct."), "直接认定须已取得以下资质之一：")
        answer.quote("partner.process.1", lead="两种方式的申报流程相同：")
    elif question.asks_any("materials"):
        if question.benefits and question.document != "partner":
            for number in question.benefits:
                listing(answer, under(f"talent.service.{number}.materials."),
                        f"{label(number)}需提供的材料：")
        elif question.document == "talent" or question.tiers:
            for prefix in CARD_APPLICATION:
                listing(answer, under(prefix), "")
        elif question.document == "partner" or question.domains:
            answer.quote("partner.process.1")
    elif question.asks_any("process") and not question.asks_any("conditions"):
        if question.benefits and question.document != "partner":
            for number in question.benefits:
                listing(answer, under(f"talent.service.{number}.process."),
                        f"{label(number)}的办理流程：")
        elif question.document == "partner" and not question.places.get("other_provinces"):
            listing(answer, under("partner.process."), "申报流程：")
        elif question.document == "talent" and not question.places.get("guangzhou_districts"):
            answer.quote("talent.procedure.p1")
    elif question.asks_any("conditions") and not question.amounts:
        if question.domains and question.document != "talent":
            for name in question.domains:
                listing(answer, under(f"partner.conditions.{_domain_key(name)}.", ("item",)),
                        f"{name}领域的遴选条件（附件1）：")
        elif len(set(question.tiers)) == 1 and not question.benefits:
            tier = question.tiers[0]
            listing(answer, under(f"talent.eligibility.{tier}."), "")
        elif "直接认定" in question.normalized:
            listing(answer, under("partner.apply.direct."), "")
        elif "基本" in question.normalized and question.document == "partner":
            listing(answer, under("partner.apply.selection."), "")
    return answer if answer.sentences else None


def contact(question: Question) -> Answer | None:
    """Whom to call: the phones of the benefit's own section, or of the application."""
    if not question.asks_any("phone"):
        return None
    answer = Answer()
    if question.benefits and question.document != "partner":
        for number in question.benefits:
            phones = [c for c in under(f"talent.service.{number}.") if "电话" in c["text"]]
            listing(answer, phones, f"{label(number)}：")
        return answer if answer.sentences else None
    if question.document == "talent":
        return answer.quote("talent.contact.p1", lead="云聚英才卡申领受理咨询电话：")
    if question.document == "partner":
        answer.status = PARTIAL
        return answer.refer("partner")
    return None


def when_and_where(question: Question) -> Answer | None:
    """When and where the card is applied for; where the partner application is filled in."""
    if question.benefits or question.tiers and question.asks_any("conditions"):
        return None
    if not _about_application(question) or question.amounts:
        return None
    answer = Answer()
    if question.document == "talent":
        if question.asks_any("time"):
            answer.quote("talent.time.p1", lead="申领时间：")
        if question.asks_any("place"):
            answer.quote("talent.procedure.p1")
            answer.quote("talent.contact.p1", lead="受理部门和地址：")
    elif question.document == "partner" and question.asks_any("place"):
        answer.quote("partner.process.1")
    elif question.document == "partner" and question.asks_any("time"):
        answer.status = NOT_COVERED
        answer.say("《广东省智能制造生态合作伙伴（2024年）申报指南》没有写明申报的起止时间或截止日期，"
                   "文件未涉及这一问题。")
        answer.refer("partner")
    return answer if answer.sentences else None
