"""白云区云聚英才卡: which card a person may apply for, decided from knowledge/rules/talent-card.yml.

The employer precondition must hold; then the highest tier met wins. A tier is met when the
person affirms one of its criteria, or, for an enterprise's 主要负责人, when one of the
enterprise's figures passes that tier's bound.
"""
from __future__ import annotations

from . import conditions
from .logic import Verdict, all_of, any_of, known
from .wording import bare, chinese_number, cite, joined, next_question

PROGRAM = "talent-card"


def list_criteria(rules: dict) -> list:
    return [{"id": c["id"], "group": tier["id"], "clause_id": c["clause_id"], "text": c["text"]}
            for tier in rules["tiers"] for c in tier["criteria"]]


def group_questions(rules: dict) -> dict:
    return {tier["id"]: tier["ask"] for tier in rules["tiers"]}


def evaluate(rules: dict, facts: dict, affirmed: frozenset) -> dict:
    employer = conditions.fact_is_true(rules["precondition"]["fact"], facts)
    labels = {name: spec["label"] for name, spec in rules["facts"].items()}
    tiers = [_judge_tier(tier, facts, affirmed, labels) for tier in rules["tiers"]]
    overall = all_of([employer, any_of(t.verdict for t in tiers)])
    best = next((t for t in tiers if t.verdict.value is True), None)

    if employer.value is False:
        return _decision("not_eligible", None,
                         unmet=[cite(rules["precondition"], "所在单位不符合该条件")],
                         explanation=_explain_outside(rules))
    if overall.value is True:
        higher = tiers[:tiers.index(best)]
        raise_tier = any_of(t.verdict for t in higher)
        return _decision("eligible", best,
                         reasons=[_employer_reason(rules)] + best.met,
                         unmet=_failed(higher),
                         benefits=_benefits(rules, best.tier),
                         missing=list(raise_tier.missing),
                         explanation=_explain_eligible(rules, best, raise_tier))
    if overall.value is None:
        reasons = ([_employer_reason(rules)] if employer.value else []) + (best.met if best else [])
        return _decision("needs_more_info", None, reasons=reasons,
                         unmet=_failed(tiers), missing=list(overall.missing),
                         explanation=_explain_missing(rules, overall, best))
    return _decision("not_eligible", None,
                     reasons=[_employer_reason(rules)] if employer.value else [],
                     unmet=_failed(tiers), review=[cite(rules["other_route"])],
                     explanation=_explain_nothing_met(rules))


class _TierResult:
    """One tier judged: its verdict, what met it, and which figures fell short of it."""

    def __init__(self, tier: dict, verdict: Verdict, met: list, failed: list):
        self.tier, self.verdict, self.met, self.failed = tier, verdict, met, failed


def _judge_tier(tier: dict, facts: dict, affirmed: frozenset, labels: dict) -> _TierResult:
    verdicts, met, failed = [], [], []
    for criterion in tier["criteria"]:
        is_affirmed = criterion["id"] in affirmed
        verdicts.append(known(is_affirmed))
        if is_affirmed:
            met.append(cite(criterion, "本人确认符合"))
    for condition in tier["conditions"]:
        verdict = conditions.check(condition, facts)
        verdicts.append(verdict)
        value = facts.get(condition["fact"])
        if value is None or facts.get(condition.get("requires")) is False:
            continue  # a figure of someone who is not the enterprise's head says nothing
        said = conditions.detail(condition, labels[condition["fact"]], value)
        if verdict.value is True:
            met.append(cite(condition, said))
        elif verdict.value is False:
            failed.append((condition["fact"], cite(condition, said)))
    return _TierResult(tier, any_of(verdicts), met, failed)


def _failed(tiers: list) -> list:
    """The figures that fell short, each only at the lowest tier judged: a tax of 300万 that
    misses the silver card's 超过500万 need not also be reported against gold and diamond."""
    lowest = {}
    for result in tiers:  # highest tier first: lower tiers overwrite
        for fact, item in result.failed:
            lowest[fact] = item
    return list(lowest.values())


def _benefits(rules: dict, tier: dict) -> list:
    upto = tier["benefits_up_to"]
    listed = []
    for benefit in rules["benefits"][:upto]:
        item = {"number": benefit["number"], "title": benefit["title"],
                "clause_id": benefit["clause_id"], "text": benefit["text"]}
        if benefit.get("note_when_with", upto + 1) <= upto:
            item["note"] = benefit["note"]
        listed.append(item)
    return listed


def _employer_reason(rules: dict) -> dict:
    return cite(rules["precondition"], "所在单位符合该条件")


def _decision(outcome, best, reasons=(), unmet=(), review=(), benefits=(), missing=(),
              explanation=""):
    return {"program": PROGRAM, "outcome": outcome,
            "tier": best.tier["id"] if best else None,
            "tier_name": best.tier["name"] if best else None,
            "reasons": list(reasons), "unmet": list(unmet), "review": list(review),
            "benefits": list(benefits), "missing": list(missing), "explanation": explanation}


# --- explanations: one or two sentences a hotline agent reads aloud -------------------------

def _explain_eligible(rules: dict, best: _TierResult, raise_tier: Verdict) -> str:
    tier = best.tier
    because = bare(best.met[0]["text"])
    sentence = (f"您符合{tier['name']}申领条件（{because}），"
                f"可享受（一）至（{chinese_number(tier['benefits_up_to'])}）项待遇")
    if tier["benefits_up_to"] >= 11:
        sentence += "，其中（十）工会服务与（十一）定期体检服务二选一"
    sentence += "。"
    if "enterprise_head" in raise_tier.missing:
        sentence += "如您是企业主要负责人，还可提供企业的区库年税收、营收或累计投资额，看能否申领更高等级的卡。"
    elif raise_tier.missing:
        sentence += f"如能提供{_labels(rules, raise_tier.missing)}，还可看能否申领更高等级的卡。"
    return sentence


def _explain_missing(rules: dict, overall: Verdict, best) -> str:
    sentence = next_question(rules, overall)
    if best is not None:
        sentence += f"如所在单位符合条件，按您所述可申领{best.tier['name']}。"
    return sentence


def _explain_outside(rules: dict) -> str:
    return ("云聚英才卡要求申领人所在单位在白云区注册或纳税，或为本辖区内教学、医疗、科研机构；"
            f"您所在单位不符合，暂不能申领。如有疑问请致电{rules['hotline']['phone']}咨询。")


def _explain_nothing_met(rules: dict) -> str:
    return ("按您提供的情况，暂不符合钻石卡、金卡、银卡的申领条件；"
            "对白云区有突出贡献的人才，可经区人才工作领导小组认定后一事一议，"
            f"详情请致电{rules['hotline']['phone']}咨询。")


def _labels(rules: dict, facts) -> str:
    return joined(rules["facts"][f]["label"] for f in facts)
