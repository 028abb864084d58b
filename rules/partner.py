"""广东省智能制造生态合作伙伴: whether and how an organisation can join, decided from
knowledge/rules/partner.yml.

Order of the decision: already on the list → no need to apply; any direct-recognition
qualification → direct recognition; otherwise 遴选加入, which needs the basic conditions and
the chosen domain's conditions of 附件1 (basic condition 4 is derived from the latter).
"""
from __future__ import annotations

from . import conditions
from .logic import Verdict, all_of, any_of, known, unknown
from .wording import bare, cite, joined, next_question

PROGRAM = "partner"


def list_criteria(rules: dict) -> list:
    def rows(group, criteria):
        return [{"id": c["id"], "group": group, "clause_id": c["clause_id"], "text": c["text"]}
                for c in criteria]

    listed = rows("direct", rules["direct"]["criteria"]) + rows("basic", rules["basic"]["criteria"])
    for domain in rules["domains"]:
        for part in _parts(domain):
            listed += rows(domain["name"], part["criteria"])
    return listed


def group_questions(rules: dict) -> dict:
    questions = {"direct": rules["direct"]["ask"], "basic": rules["basic"]["ask"]}
    questions.update({d["name"]: d["ask"] for d in rules["domains"]})
    return questions


def evaluate(rules: dict, facts: dict, affirmed: frozenset) -> dict:
    if facts.get("already_partner") is True:
        return _decision(facts, "already_partner", reasons=[cite(rules["already_partner"])],
                         explanation="贵单位已入选第一、二、三批合作伙伴名单，无需重复申报。")
    direct = [c for c in rules["direct"]["criteria"] if c["id"] in affirmed]
    if direct:
        return _decision(facts, "direct_recognition",
                         reasons=[cite(c, "已取得该资质") for c in direct],
                         explanation=_explain_direct(direct, facts))
    return _selection(rules, facts, affirmed)


def _selection(rules: dict, facts: dict, affirmed: frozenset) -> dict:
    """遴选加入: basic conditions 1–3 affirmed, and the domain's conditions (= basic 4)."""
    basic = rules["basic"]
    reasons, unmet = [], []
    for criterion in basic["criteria"]:
        _sort(criterion["id"] in affirmed, cite(criterion), reasons, unmet)

    if facts.get("domain") is None:
        domain = _Judged(unknown("domain"))
    else:
        domain = _judge_domain(_domain_rules(rules, facts["domain"]), rules["facts"], facts, affirmed)
    reasons += domain.reasons
    unmet += domain.unmet
    shortfalls = list(unmet)  # what the explanation names: not the derived condition 4
    if domain.verdict.value is not None:  # basic condition 4, derived from the domain's
        said = f"{'已满足' if domain.verdict.value else '未满足'}{facts['domain']}领域的具体要求"
        _sort(domain.verdict.value, cite(basic["domain_requirement"], said), reasons, unmet)

    basic_met = all(c["id"] in affirmed for c in basic["criteria"])
    overall = all_of([domain.verdict, known(basic_met)])
    if overall.value is True:
        outcome, explanation = "eligible", _explain_eligible(facts, domain)
    elif overall.value is False:
        outcome, explanation = "not_eligible", _explain_not_eligible(shortfalls)
    else:
        outcome, explanation = "needs_more_info", next_question(rules, overall)
    return _decision(facts, outcome, reasons=reasons, unmet=unmet, review=domain.review,
                     missing=list(overall.missing), explanation=explanation)


class _Judged:
    """A domain (or one alternative of it) judged: verdict and the citations behind it."""

    def __init__(self, verdict: Verdict, reasons=(), unmet=(), review=()):
        self.verdict, self.reasons, self.unmet, self.review = verdict, list(reasons), list(unmet), list(review)


def _judge_domain(domain: dict, specs: dict, facts: dict, affirmed: frozenset) -> _Judged:
    if "alternatives" not in domain:
        return _judge_part(domain, specs, facts, affirmed)
    # 智能制造人才: each kind of unit has its own clause; judge the applicant's kind(s).
    alternatives = domain["alternatives"]
    kind = facts.get("unit_type")
    if kind is not None:
        chosen = [a for a in alternatives if a["unit_type"] == kind]
    else:
        chosen = [a for a in alternatives
                  if any(facts.get(c["fact"]) is not None for c in a["conditions"])]
    if not chosen:
        # Kind unknown and no figure hints at it: any kind could still qualify.
        judged = [_judge_part(a, specs, facts, affirmed) for a in alternatives]
        return _Judged(any_of(all_of([unknown("unit_type"), j.verdict]) for j in judged))
    judged = [_judge_part(a, specs, facts, affirmed) for a in chosen]
    merged = _Judged(any_of(j.verdict for j in judged))
    for part in judged:
        merged.reasons += part.reasons
        merged.unmet += part.unmet
        merged.review += part.review
    return merged


def _judge_part(part: dict, specs: dict, facts: dict, affirmed: frozenset) -> _Judged:
    """Yes/no criteria, numeric conditions and review items of one domain (or alternative)."""
    verdicts, reasons, unmet = [], [], []
    for criterion in part["criteria"]:
        met = criterion["id"] in affirmed
        verdicts.append(known(met))
        _sort(met, cite(criterion), reasons, unmet)
    for condition in part.get("conditions", []):
        verdict = conditions.check(condition, facts)
        verdicts.append(verdict)
        if verdict.value is not None:
            value = facts[condition["fact"]]
            said = conditions.detail(condition, specs[condition["fact"]]["label"], value)
            _sort(verdict.value, cite(condition, said), reasons, unmet)
    review = [cite(item) for item in part.get("review", [])]
    return _Judged(all_of(verdicts), reasons, unmet, review)


def _sort(met: bool, item: dict, reasons: list, unmet: list) -> None:
    """File a citation as a reason or an unmet condition; criteria get a plain detail."""
    item.setdefault("detail", "已确认符合" if met else "未确认符合")
    (reasons if met else unmet).append(item)


def _parts(domain: dict) -> list:
    return domain.get("alternatives", [domain])


def _domain_rules(rules: dict, name: str) -> dict:
    return next(d for d in rules["domains"] if d["name"] == name)


def _decision(facts, outcome, reasons=(), unmet=(), review=(), missing=(), explanation=""):
    return {"program": PROGRAM, "outcome": outcome, "domain": facts.get("domain"),
            "reasons": list(reasons), "unmet": list(unmet), "review": list(review),
            "benefits": [], "missing": list(missing), "explanation": explanation}


# --- explanations: one or two sentences a hotline agent reads aloud -------------------------

def _explain_direct(direct: list, facts: dict) -> str:
    names = joined(f"“{bare(c['text'])}”" for c in direct)
    sentence = f"贵单位已取得{names}资质，符合直接认定条件，可按直接认定方式申报。"
    if facts.get("already_partner") is None:
        sentence += "如已入选第一、二、三批合作伙伴名单，则无需重复申报。"
    return sentence


def _explain_eligible(facts: dict, domain: _Judged) -> str:
    sentence = f"按所填情况，贵单位符合{facts['domain']}领域遴选加入的基本条件和具体要求，可以申报。"
    if domain.review:
        sentence += f"另有{len(domain.review)}项定性条件（如“{bare(domain.review[0]['text'])}”）由评审专家认定。"
    return sentence


def _explain_not_eligible(unmet: list) -> str:
    if not unmet:
        return "按所填情况，贵单位暂不符合遴选加入条件。"
    first = unmet[0]
    said = f"未确认“{bare(first['text'])}”" if first["detail"] == "未确认符合" else first["detail"]
    more = f"等{len(unmet)}项" if len(unmet) > 1 else ""
    return f"按所填情况，贵单位暂不符合遴选加入条件：{said}{more}。"
