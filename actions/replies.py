"""The bot's replies: readable Chinese text plus a structured payload channels can render.

Every reply that rests on the documents carries its citations as a custom payload
{"type": ..., "citations": [{clause_id, doc_title, path, text}], ...}; on the REST channel it
arrives as a separate message {"recipient_id": ..., "custom": {...}} after the text.
Decision texts quote each clause verbatim and name the document and section.
"""
from __future__ import annotations

from typing import Dict, Iterable, List, Optional

from knowledge import clause_by_id, contacts
from knowledge.contacts import PARTNER_CONTACT_CLAUSE, TALENT_HOTLINE_CLAUSE

CITATION_KEYS = ("clause_id", "doc_title", "path", "text")
CN_NUMBERS = "一二三四五六七八九十"
PARTNER_APPLY_CLAUSE = "partner.process.1"
PARTNER_ALREADY_CLAUSE = "partner.apply.p1"
PARTNER_DOMAIN_REQUIREMENT_CLAUSE = "partner.apply.selection.4"
TALENT_APPLY_CLAUSE = "talent.procedure.p1"


def citation(clause_id: str, text: Optional[str] = None, **extra) -> dict:
    """A citation of one clause; `text` narrows it to the quoted part (verbatim, from the rules)."""
    clause = clause_by_id(clause_id) or {"clause_id": clause_id, "doc_title": "", "path": "", "text": ""}
    cited = {key: clause.get(key, "") for key in CITATION_KEYS}
    if text:
        cited["text"] = text
    cited.update({k: v for k, v in extra.items() if v})
    return cited


def cited_from(items: Iterable[dict]) -> List[dict]:
    """Citations for decision items ({clause_id, text, detail?}), keeping their detail."""
    return [citation(item["clause_id"], item.get("text"), detail=item.get("detail")) for item in items]


def source_of(clause_id: str) -> str:
    clause = clause_by_id(clause_id) or {}
    return f"《{clause.get('doc_title', '')}》{clause.get('path', '')}"


def chinese_number(n: int) -> str:
    if n <= 10:
        return CN_NUMBERS[n - 1]
    return "十" + CN_NUMBERS[n - 11]


def talent_hotline_line() -> str:
    return contacts.talent_line()


def partner_contact_line() -> str:
    return contacts.partner_line()


# --- decisions ------------------------------------------------------------------------------

def _quote_lines(items: Iterable[dict], with_detail: bool = True) -> List[str]:
    lines = []
    for item in items:
        detail = f"（{item['detail']}）" if with_detail and item.get("detail") else ""
        lines.append(f"· “{item['text']}”{detail}——{source_of(item['clause_id'])}")
    return lines


def _met_beside_a_refusal(items: Iterable[dict]) -> List[str]:
    """The conditions met, listed under a refusal. Basic condition 4 only restates the domain's
    own conditions and is left out; a condition whose own words say 符合…要求 is named by where
    it stands, not quoted, so that no line under "暂不符合" reads as "符合条件"."""
    lines = []
    for item in items:
        if item["clause_id"] == PARTNER_DOMAIN_REQUIREMENT_CLAUSE:
            continue
        if "符合" in item["text"]:
            lines.append(f"· {source_of(item['clause_id'])}所列的这一条（已满足）")
        else:
            lines += _quote_lines([item])
    return lines


def _still_open(decision: dict) -> List[str]:
    """What a needs_more_info decision still lacks, named by the rules' own labels."""
    from rules import fact_specs

    specs = fact_specs(decision["program"])
    labels = [specs[fact]["label"] for fact in decision["missing"] if fact in specs]
    if not labels:
        return [decision["explanation"]]
    return ["还需要了解：" + "；".join(labels) + "。了解后可以再来评估，我会从头问起。"]


def talent_decision_text(decision: dict) -> str:
    outcome = decision["outcome"]
    lines: List[str] = []
    if outcome == "eligible":
        tier_name = decision["tier_name"]
        lines.append(f"评估结果：您可以申领云聚英才{tier_name}。")
        lines.append("依据：")
        lines += _quote_lines(decision["reasons"], with_detail=False)
        benefits = decision["benefits"]
        lines.append(f"{tier_name}持卡人可享受以下{len(benefits)}项待遇（{source_of('talent.benefits.p1')}）：")
        for benefit in benefits:
            lines.append(f"（{chinese_number(benefit['number'])}）{benefit['title']}")
        lines.append("各项待遇的条款原文见引用。申领方式：登录“广东省政务服务网”或“白云区政策兑现服务平台”"
                     "搜索“云聚英才卡”进行网上申报（" + source_of(TALENT_APPLY_CLAUSE) + "）。")
        if decision["tier"] != "diamond":
            lines.append("如您还符合更高等级的条件（其他人才称号，或作为企业主要负责人的区库年税收、营收、累计投资额），"
                         "可以告诉我重新评估。")
        lines.append(talent_hotline_line())
    elif outcome == "not_eligible":
        lines.append("评估结果：按您提供的情况，暂不符合云聚英才卡的申领条件。")
        if decision["unmet"]:
            lines.append("未满足的条件：")
            lines += _quote_lines(decision["unmet"])
        lines.append(decision["explanation"])
        if "35912660" not in decision["explanation"]:
            lines.append(talent_hotline_line())
    else:
        lines.append("评估结果：目前还不能确定您能申领哪一类云聚英才卡。")
        lines += _still_open(decision)
        lines.append(talent_hotline_line())
    return "\n".join(lines)


def talent_decision_payload(decision: dict) -> dict:
    cited = cited_from(decision["reasons"]) + cited_from(decision["unmet"]) \
        + [citation(b["clause_id"], b["text"]) for b in decision["benefits"]]
    return {"type": "decision", "program": decision["program"], "outcome": decision["outcome"],
            "tier": decision.get("tier"), "tier_name": decision.get("tier_name"),
            "citations": cited, "missing": decision["missing"]}


def partner_decision_text(decision: dict, unasked: Iterable[tuple] = ()) -> str:
    """`unasked`: (clause id, text) of the yes/no conditions the dialogue never asked about
    (the figures had already ruled the application out): they are named as still to be
    confirmed, after the conditions that are not met."""
    outcome = decision["outcome"]
    lines: List[str] = []
    if outcome == "already_partner":
        lines.append("评估结果：贵单位已入选第一、二、三批合作伙伴名单，无需重复申报。")
        lines += _quote_lines(decision["reasons"], with_detail=False)
    elif outcome == "direct_recognition":
        lines.append("评估结果：贵单位符合直接认定条件，可按直接认定方式纳入广东省智能制造生态合作伙伴计划。")
        lines.append("依据：")
        lines += _quote_lines(decision["reasons"])
        lines.append(decision["explanation"])
    elif outcome == "eligible":
        domain = decision.get("domain") or ""
        lines.append(f"评估结果：按您提供的情况，贵单位符合{domain}领域遴选加入的条件，可以申报。")
        lines.append("已满足的条件：")
        lines += _quote_lines(decision["reasons"])
        if decision["review"]:
            lines.append("以下条件由评审专家认定（不影响申报，但请准备佐证材料）：")
            lines += _quote_lines(decision["review"], with_detail=False)
        lines.append(f"如贵单位已入选第一、二、三批合作伙伴名单，则无需重复申报（{source_of(PARTNER_ALREADY_CLAUSE)}）。")
    elif outcome == "not_eligible":
        lines.append("评估结果：按您提供的情况，贵单位暂不符合遴选加入的条件。")
        unasked = {tuple(item) for item in unasked}
        failed = [u for u in decision["unmet"] if (u["clause_id"], u["text"]) not in unasked]
        not_asked = [u for u in decision["unmet"] if (u["clause_id"], u["text"]) in unasked]
        if not failed:
            failed, not_asked = not_asked, []
        if len(failed) > 1:  # basic condition 4 only restates the domain's own, listed with it
            failed = [u for u in failed if u["clause_id"] != PARTNER_DOMAIN_REQUIREMENT_CLAUSE]
        if failed:
            lines.append("未满足的条件：")
            lines += _quote_lines(failed)
        if not_asked:
            lines.append("此外，以下条件尚未确认（申报时同样需要满足）：")
            lines += _quote_lines(not_asked, with_detail=False)
        met = _met_beside_a_refusal(decision["reasons"])
        if met:
            lines.append("已满足的条件：")
            lines += met
    else:
        lines.append("评估结果：目前还不能确定贵单位能否申报。")
        lines += _still_open(decision)
        met = _met_beside_a_refusal(decision["reasons"])
        if met:
            lines.append("已确认满足的条件：")
            lines += met
    if outcome in ("eligible", "direct_recognition"):
        lines.append(f"申报方式：通过登录广东省数字工信平台进行线上填报（{source_of(PARTNER_APPLY_CLAUSE)}）。")
    lines.append(partner_contact_line())
    return "\n".join(lines)


def partner_decision_payload(decision: dict) -> dict:
    cited = cited_from(decision["reasons"]) + cited_from(decision["unmet"]) + cited_from(decision["review"])
    return {"type": "decision", "program": decision["program"], "outcome": decision["outcome"],
            "domain": decision.get("domain"), "citations": cited, "missing": decision["missing"],
            "review": [c["clause_id"] for c in decision["review"]]}


def decision_reply(decision: dict, unasked: Iterable[tuple] = (), skipped: Iterable[str] = (),
                   approximate: Optional[Dict[str, str]] = None) -> tuple:
    """(text, payload) for a decision of either programme (`unasked`: see
    partner_decision_text). `skipped`: labels of the items the person chose to skip (unknown
    to the decision, and said so); `approximate`: {fact: the range as the person wrote it},
    quoted in place of the figure that stood for it."""
    decision = with_approximations(decision, approximate or {})
    if decision["program"] == "talent-card":
        text, payload = talent_decision_text(decision), talent_decision_payload(decision)
    else:
        text, payload = partner_decision_text(decision, unasked), partner_decision_payload(decision)
    skipped = list(skipped)
    if skipped:
        text += ("\n您跳过的项目未计入评估（按未知处理），如能补充可以再来评估："
                 + "；".join(skipped) + "。")
        payload["skipped"] = skipped
    return text, payload


def with_approximations(decision: dict, approximate: Dict[str, str]) -> dict:
    """The decision with each detail that rests on an approximate figure quoting the
    person's words ("研发技术团队“30多人”，要求不少于20人") instead of the figure behind it."""
    if not approximate:
        return decision
    from rules import fact_specs
    from rules.conditions import requirement

    from actions import catalogue

    program = decision["program"]
    by_text = {(c["clause_id"], c["text"]): c for c in catalogue.conditions(program)}
    specs = fact_specs(program)
    changed = dict(decision)
    for key in ("reasons", "unmet"):
        items = []
        for item in decision.get(key, []):
            condition = by_text.get((item["clause_id"], item["text"]))
            if condition and condition["fact"] in approximate and item.get("detail"):
                fact = condition["fact"]
                item = {**item, "detail": f"{specs[fact]['label']}“{approximate[fact]}”，要求{requirement(condition)}"}
            items.append(item)
        changed[key] = items
    return changed


# --- answers, refusals, hand-offs ----------------------------------------------------------

def answer_payload(result: dict) -> dict:
    """The payload of a retrieval answer (retrieval.answer.ask's result)."""
    citations = [{key: c.get(key, "") for key in CITATION_KEYS} for c in result.get("citations", [])]
    answerable = bool(result.get("answerable"))
    status = result.get("status") or ("answered" if answerable else "not_covered")
    return {"type": "answer", "status": status, "answerable": answerable, "citations": citations}


def contacts_text(contacts: List[Dict[str, str]]) -> str:
    return "；".join(f"{c['office']}，电话{c['phone']}" for c in contacts)
