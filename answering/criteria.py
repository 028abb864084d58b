"""Which card each title or standing named in a question leads to, from the 英才卡's criteria.

"我是省级孵化平台负责人，我朋友是国家级孵化平台负责人，我俩能办一样的卡不" names two criteria of
two tiers; "广州市劳动模范和省五一劳动奖章谁的卡高" two phrases of one criterion. Each phrase is
placed under the criterion it affirms (the rule file's phrases, as the dialogue reads them), the
criterion quoted, and the tiers compared. A person's own standing needs the employer precondition
too, which is said once.
"""
from __future__ import annotations

import re

from answering.answer import Answer, source
from answering.benefits import tiers as card_tiers
from retrieval.question import Question
from rules.data import load_rules

# The rule files' phrase scanner, shared with the dialogue (a denial such as 不是博士 is seen).
from actions.lexicon import find
from actions.talent_reader import KEY_ENTERPRISE, MANAGER

# A manager, not the head, of a 总部 or 四上 enterprise (talent.eligibility.gold.12).
KEY_MANAGER = "gold.key_enterprise_manager"


def _criteria() -> dict[str, dict]:
    return {c["id"]: c for tier in load_rules("talent-card")["tiers"] for c in tier["criteria"]}


# "全国、省级、市级劳模有区别吗", "工作许可证A类和B类分别对应什么卡": one noun shared by several
# levels or classes, each of which may be a criterion of its own.
LEVEL = r"(?:全国|国家级|国家|省级|省|市级|市|区级|区|[A-Da-d]类)"
ENUMERATION = re.compile(rf"({LEVEL}(?:(?:[、，,和与及跟]|以及){LEVEL})+)")
NOUN_AFTER = re.compile(r"[\u4e00-\u9fff]{2,10}?(?=[，,。？?！!；;]|分别|有区别|有什么|有啥|能办|能申|可以|对应|一样|的卡|$)")


def _mentions(text: str) -> list[tuple[str, str]]:
    """(as said, criterion id) of each title named, enumerations spelt out one by one (criterion
    id None where a level spelt out names no criterion)."""
    found = [(m.text + _manager_after(text, m.end), _as_manager(m, text))
             for m in find("talent_title", text) if not m.negated]
    found += [extra for extra in _classes_and_degrees(text) if extra[1] not in {c for _, c in found}]
    for listed in ENUMERATION.finditer(text):
        levels = re.findall(LEVEL, listed.group(1))
        after = NOUN_AFTER.match(text, listed.end())
        before = re.split(r"[，,。？?！!；;]", text[:listed.start()])
        nouns = [after.group(0)] if after else []
        nouns += [before[-1] or (before[-2] if len(before) > 1 else "")]
        for noun in (n for n in nouns if n):
            spelt = []
            for level in levels:
                hits = find("talent_title", level + noun) or find("talent_title", noun + level)
                spelt.append((hits[0].text, hits[0].value) if hits else (level + noun, None))
            if sum(1 for _, value in spelt if value) >= 2:
                return spelt
    return found


# The degrees by their bare names: the criteria they belong to say what else each needs (a
# 硕士 needs a 双一流 or top-500 school), which the answer quotes.
DEGREES = (("博士", "gold.phd"), ("硕士", "silver.masters"))


def _classes_and_degrees(text: str) -> list[tuple[str, str]]:
    """"工作许可证有的是A类，有的是B类": each class said apart from the permit; "博士和硕士": each
    degree compared by its bare name."""
    extra = []
    if "工作许可" in text:
        for letter in dict.fromkeys(l.upper() for l in re.findall(r"(?<![A-Za-z])([ABab])\s*类", text)):
            hits = find("talent_title", f"工作许可证{letter}类")
            if hits:
                extra.append((f"{letter}类工作许可证", hits[0].value))
    compared = [(word, criterion) for word, criterion in DEGREES if word in text]
    return extra + (compared if len(compared) == 2 else [])


def _manager_after(text: str, end: int) -> str:
    """"…的副总", "…中层": a manager's post said right after an enterprise named."""
    start = end + 1 if text[end:end + 1] == "的" else end
    hit = MANAGER.match(text, start)
    return text[end:hit.end()] if hit else ""


def _as_manager(match, text: str) -> str:
    """An enterprise's head criterion said of its manager is the managers' criterion (金卡 12)."""
    if match.value.endswith("_head") and KEY_ENTERPRISE.search(match.text) and _manager_after(text, match.end):
        return KEY_MANAGER
    return match.value


def cards_for_titles(question: Question) -> Answer | None:
    """Two or more titles compared, or each title's card asked: each placed under its criterion."""
    if question.document == "partner" or question.benefits or question.amounts:
        return None
    if not question.asks_any("difference", "which_card"):
        return None
    named = _mentions(question.normalized)
    if len(named) < 2:
        return None
    tiers, criteria = card_tiers(), _criteria()
    order = list(tiers)  # highest tier first, as in the rule file
    answer = Answer()
    placed: list[str] = []
    for said, criterion_id in named:
        said = said.replace("a类", "A类").replace("b类", "B类")  # folded by normalisation
        if criterion_id is None:
            answer.say(f"「{said}」：我没有在申领条件中找到与之对应的一条，请以原文为准或致电咨询。")
            continue
        criterion = criteria[criterion_id]
        tier = criterion_id.split(".")[0]
        placed.append(tier)
        answer.say(f"「{said}」属于{tiers[tier]['name']}的申领条件“{criterion['text'].rstrip('。')}”。",
                   criterion["clause_id"])
    distinct = list(dict.fromkeys(placed))
    if len(distinct) == 1:
        both = "两者" if len(placed) == 2 else "这几项"
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
