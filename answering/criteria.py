"""Which card each title or standing named in a question leads to, from the 英才卡's criteria.

"我是省级孵化平台负责人，我朋友是国家级孵化平台负责人，我俩能办一样的卡不" names two criteria of
two tiers; "广州市劳动模范和省五一劳动奖章谁的卡高" two phrases of one criterion. Each phrase is
placed under the criterion it affirms (the rule file's phrases, as the dialogue reads them), the
criterion quoted, and the tiers compared. A person's own standing needs the employer precondition
too, which is said once.
"""
from __future__ import annotations

from answering.answer import Answer, source
from retrieval.question import Question
from rules.data import load_rules

# The rule files' phrase scanner, shared with the dialogue (a denial such as 不是博士 is seen).
from actions.lexicon import find


def _tiers() -> dict[str, dict]:
    return {tier["id"]: tier for tier in load_rules("talent-card")["tiers"]}


def _criteria() -> dict[str, dict]:
    return {c["id"]: c for tier in load_rules("talent-card")["tiers"] for c in tier["criteria"]}


def cards_for_titles(question: Question) -> Answer | None:
    """Two or more titles compared, or each title's card asked: each placed under its criterion."""
    if question.document == "partner" or question.benefits or question.amounts:
        return None
    if not question.asks_any("difference", "which_card"):
        return None
    named = [m for m in find("talent_title", question.normalized) if not m.negated]
    if len(named) < 2:
        return None
    tiers, criteria = _tiers(), _criteria()
    order = list(tiers)  # highest tier first, as in the rule file
    answer = Answer()
    placed: list[str] = []
    for match in named:
        criterion = criteria[match.value]
        tier = match.value.split(".")[0]
        placed.append(tier)
        said = question.text[match.start:match.end] if len(question.text) == len(question.normalized) \
            else match.text  # as the person wrote it (A类, not the folded a类)
        answer.say(f"「{said}」属于{tiers[tier]['name']}的申领条件“{criterion['text'].rstrip('。')}”。",
                   criterion["clause_id"])
    distinct = list(dict.fromkeys(placed))
    if len(distinct) == 1:
        both = "两者" if len(named) == 2 else "这几项"
        answer.say(f"{both}对应的都是{tiers[distinct[0]]['name']}，办的卡一样。")
    else:
        ranked = sorted(distinct, key=order.index)
        answer.say("对应的卡不同：" + "高于".join(tiers[t]["name"] for t in ranked) + "。")
    answer.say(f"条款见{source(answer.cited[0])}。")
    return employer_precondition(answer)


def employer_precondition(answer: Answer) -> Answer:
    """The one condition every card needs besides its criteria."""
    precondition = load_rules("talent-card")["precondition"]["clause_id"]
    return answer.say("申领还须所在单位在白云区注册或纳税（或为本辖区内教学、医疗、科研机构）。", precondition)
