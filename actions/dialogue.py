"""What the two assessment forms ask next, and the decision they end with.

The rules engine decides; this module only turns the form's slots into the engine's facts and
criteria (contract section 3) and picks the next question:

- 云聚英才卡: the person's titles first (an open question: a tier needs a named criterion to
  cite), then the facts in the order of the engine's `missing`, until a card is established or
  ruled out. Someone who says they head the enterprise is asked its figures first (titles
  last), and each of them while a higher card is still possible.
- 合作伙伴: the domain and its figures in the order of `missing` (judged as if the yes/no
  conditions held, so only figures that still matter are asked), then the yes/no conditions
  (基本遴选条件 and the domain's own) in one numbered question; the nine direct-recognition
  qualifications are asked only when the selection route fails.

Facts the person says they do not know (`skipped_facts`) are not asked again; the decision
then says what is still open.
"""
from __future__ import annotations

from typing import Dict, List, Optional

from rules import criteria as rule_criteria
from rules import evaluate, questions

from actions import catalogue
from actions.talent_reader import compound_met, next_part

TALENT = "talent-card"
PARTNER = "partner"

TALENT_FACTS = ("employer_in_baiyun", "enterprise_head", "district_tax_wan",
                "hightech_revenue_wan", "district_investment_wan")
TALENT_SLOTS = ("talent_titles", "talent_head_titles", "criterion_parts") + TALENT_FACTS
# The enterprise's figures, asked of its 主要负责人.
HEAD_FIGURES = ("district_tax_wan", "hightech_revenue_wan", "district_investment_wan")
PARTNER_FACTS = ("already_partner", "domain", "unit_type", "invention_patents",
                 "software_copyrights", "rd_team_size", "avg_revenue_wan", "gd_cases_3y",
                 "staff_count", "qualified_staff_ratio", "financial_products",
                 "service_cases_3y", "partner_enterprises", "co_built_programs")
PARTNER_SLOTS = PARTNER_FACTS + ("direct_qualifications", "partner_conditions")
SHARED_SLOTS = ("skipped_facts", "unclear_answers", "pending_clarification", "approximate_facts")

# Questions that are not a single fact of the rules (their wording lives here).
TITLES_QUESTION = ("请告诉我您的学历学位、专业技术资格、获奖或人才称号（可以一次说多个），例如："
                   "“我是博士”“我有正高级职称”“我获得过省级技能大赛优秀奖”。"
                   "如果都没有，请回答“没有”。")
# Examples for the questions that are not a single fact of the rules (the facts' own examples
# are in the rule data: actions/catalogue.py).
EXAMPLES = {
    "talent_titles": "“我是博士”或“我有正高级职称”；都没有请回答“没有”",
    "criterion_parts": "“是”或“不是”",
    "direct_qualifications": "“第1项”，都没有请回答“没有”",
    "partner_conditions": "“都满足”或“第2条做不到”",
}


def slot_names(program: str) -> tuple:
    return TALENT_SLOTS if program == TALENT else PARTNER_SLOTS


def _skipped(slots: dict) -> List[str]:
    return list(slots.get("skipped_facts") or [])


def facts_of(program: str, slots: dict) -> dict:
    """The rules engine's facts: the known fact slots of this programme."""
    names = TALENT_FACTS if program == TALENT else PARTNER_FACTS
    return {name: slots[name] for name in names if slots.get(name) is not None}


# --- 云聚英才卡 ----------------------------------------------------------------------------

def talent_criteria(slots: dict) -> List[str]:
    affirmed = list(slots.get("talent_titles") or [])
    affirmed += [cid for cid, said in (slots.get("criterion_parts") or {}).items()
                 if compound_met(cid, said) and cid not in affirmed]
    if slots.get("enterprise_head") is True:
        affirmed += [t for t in slots.get("talent_head_titles") or [] if t not in affirmed]
    return affirmed


def next_talent_question(slots: dict) -> Optional[str]:
    skipped = _skipped(slots)
    titles_open = slots.get("talent_titles") is None and "talent_titles" not in skipped
    decision = decide_talent(slots)
    if decision["outcome"] == "eligible":
        # The first card established ends it, except for someone who said they head the
        # enterprise: the firm's other figures (营收, 投资额) may still raise the tier.
        if slots.get("enterprise_head") is True and decision.get("tier") != "diamond":
            return next((fact for fact in decision["missing"]
                         if fact in HEAD_FIGURES and fact not in skipped), None)
        return None
    if slots.get("employer_in_baiyun") is False:
        return None  # the precondition fails: no title or figure can change the decision
    # A criterion of several parts, partly stated: its other parts, one by one.
    if next_part(slots.get("criterion_parts")) and "criterion_parts" not in skipped:
        return "criterion_parts"
    # Titles first (a tier needs a named criterion to cite); but someone who said they head
    # the enterprise is asked its figures first (区库税收, 营收, 投资), the titles after them.
    if titles_open and slots.get("enterprise_head") is not True:
        return "talent_titles"
    if slots.get("talent_head_titles") and slots.get("enterprise_head") is None \
            and "enterprise_head" not in skipped:
        return "enterprise_head"
    if decision["outcome"] == "needs_more_info":
        fact = next((fact for fact in decision["missing"] if fact not in skipped), None)
        if fact:
            return fact
    return "talent_titles" if titles_open else None


def decide_talent(slots: dict) -> dict:
    return evaluate(TALENT, facts_of(TALENT, slots), talent_criteria(slots))


# --- 合作伙伴 -----------------------------------------------------------------------------

def _criteria_by_group() -> Dict[str, List[str]]:
    groups: Dict[str, List[str]] = {}
    for criterion in rule_criteria(PARTNER):
        groups.setdefault(criterion["group"], []).append(criterion["id"])
    return groups


def condition_ids(slots: dict) -> List[str]:
    """The yes/no conditions that apply: the basic ones and the chosen domain's (for
    智能制造人才, those of the applicant's kind of unit)."""
    groups = _criteria_by_group()
    ids = list(groups["basic"])
    domain = slots.get("domain")
    if domain:
        own = groups.get(domain, [])
        if domain == "智能制造人才":
            prefix = {"院校": "talent.college_", "企业": "talent.enterprise_"}.get(slots.get("unit_type"))
            own = [cid for cid in own if prefix and cid.startswith(prefix)]
        ids += own
    return ids


def open_conditions(slots: dict) -> List[str]:
    """Conditions not yet answered, in the numbering the conditions question shows."""
    known = slots.get("partner_conditions") or {}
    return [cid for cid in condition_ids(slots) if cid not in known]


def unasked_conditions(program: str, slots: dict) -> List[tuple]:
    """(clause id, text) of the yes/no conditions that apply but were never answered (the
    figures ended the assessment first)."""
    if program != PARTNER:
        return []
    known = {c["id"]: (c["clause_id"], c["text"]) for c in rule_criteria(PARTNER)}
    return [known[cid] for cid in open_conditions(slots)]


def direct_ids() -> List[str]:
    return _criteria_by_group()["direct"]


def partner_criteria(slots: dict, optimistic: bool = False) -> List[str]:
    """Affirmed criteria; `optimistic` also counts unanswered yes/no conditions as met, to see
    which figures still matter before asking the conditions themselves."""
    known = slots.get("partner_conditions") or {}
    affirmed = [cid for cid, met in known.items() if met]
    affirmed += list(slots.get("direct_qualifications") or [])
    if optimistic:
        affirmed += [cid for cid in condition_ids(slots) if cid not in known]
    return list(dict.fromkeys(affirmed))


def next_partner_question(slots: dict) -> Optional[str]:
    if slots.get("already_partner") is True or slots.get("direct_qualifications"):
        return None
    skipped = _skipped(slots)
    facts = facts_of(PARTNER, slots)
    if slots.get("domain") == "智能制造人才" and not slots.get("unit_type") \
            and "unit_type" not in skipped:
        return "unit_type"  # each kind of unit has its own clause of 附件1 六
    hopeful = evaluate(PARTNER, facts, partner_criteria(slots, optimistic=True))
    if hopeful["outcome"] == "needs_more_info":
        fact = next((f for f in hopeful["missing"] if f not in skipped), None)
        if fact:
            return fact
    if hopeful["outcome"] == "not_eligible":
        # The figures already rule out 遴选加入: only direct recognition is left to ask.
        return "direct_qualifications" if slots.get("direct_qualifications") is None \
            and "direct_qualifications" not in skipped else None
    if slots.get("domain") and open_conditions(slots) and "partner_conditions" not in skipped:
        return "partner_conditions"
    actual = evaluate(PARTNER, facts, partner_criteria(slots))
    if actual["outcome"] == "not_eligible" and slots.get("direct_qualifications") is None \
            and "direct_qualifications" not in skipped:
        return "direct_qualifications"
    return None


def decide_partner(slots: dict) -> dict:
    return evaluate(PARTNER, facts_of(PARTNER, slots), partner_criteria(slots))


# --- shared -------------------------------------------------------------------------------

def next_question(program: str, slots: dict) -> Optional[str]:
    return next_talent_question(slots) if program == TALENT else next_partner_question(slots)


def decide(program: str, slots: dict) -> dict:
    return decide_talent(slots) if program == TALENT else decide_partner(slots)


def question_text(program: str, slot: str, slots: dict) -> str:
    """The question for one slot: the rules' own wording for facts, numbered lists for the
    yes/no conditions and the direct-recognition qualifications."""
    if slot == "talent_titles":
        return TITLES_QUESTION
    if slot == "partner_conditions":
        return conditions_question(slots)
    if slot == "direct_qualifications":
        return direct_question()
    if slot == "criterion_parts":
        found = next_part(slots.get("criterion_parts"))
        return found[1]["ask"] if found else TITLES_QUESTION
    return questions(program)["facts"][slot]


def conditions_question(slots: dict) -> str:
    texts = {c["id"]: c["text"] for c in rule_criteria(PARTNER)}
    listed = open_conditions(slots)
    lines = [f"{i}. {texts[cid]}" for i, cid in enumerate(listed, 1)]
    return ("请确认贵单位是否满足以下条件（都做到了请回答“都满足”；有做不到的，请告诉我序号，例如“第2条做不到”）：\n"
            + "\n".join(lines))


def direct_question() -> str:
    texts = {c["id"]: c["text"] for c in rule_criteria(PARTNER)}
    lines = [f"{i}. {texts[cid]}" for i, cid in enumerate(direct_ids(), 1)]
    # a question, not a decision: it says what direct recognition takes, never that it applies
    return ("按目前的情况，贵单位暂不满足遴选加入的条件。另一种方式是直接认定，须已取得以下资质之一，"
            "请问贵单位有吗？（请回答序号，例如“第1项”；都没有请回答“没有”）\n" + "\n".join(lines))


def example(program: str, slot: str) -> str:
    return EXAMPLES.get(slot) or catalogue.example(program, slot)


def reask_text(program: str, slot: str) -> str:
    found = example(program, slot)
    return f"抱歉，我没能从您的回答中读出所需信息。请换个说法，例如：{found}。" if found \
        else "抱歉，我没能从您的回答中读出所需信息，请换个说法。"


def fact_label(program: str, fact: str) -> str:
    return catalogue.label(program, fact)


SLOT_LABELS = {"talent_titles": "学历学位、职称或人才称号", "criterion_parts": "多项条件中的一项",
               "direct_qualifications": "直接认定资质", "partner_conditions": "基本遴选条件和领域条件"}


def slot_label(program: str, slot: str) -> str:
    """What a slot asks about, in words (a fact's label, or the question's topic)."""
    return SLOT_LABELS.get(slot) or catalogue.label(program, slot)
