"""An amount in a question read against the rules' bounds, as the contract reads them.

以上、不少于 and （含） include the bound; 超过、超 without （含） exclude it. "近三年平均主营业务收入正好
1500万元算达到吗" meets "1500万元以上"; "区库年税收正好1000万够钻石卡吗" does not meet "超过1000万" but
meets the 金卡's "超过800万". The conditions, bounds and clauses are the rule files' own
(rules.conditions decides each one); this module only picks the conditions the question is about
and says the verdicts.
"""
from __future__ import annotations

import functools
import re

import cn2an

from answering.answer import Answer, source
from answering.criteria import employer_precondition
from knowledge import load_clauses
from retrieval.question import Amount, Question, vocabulary
from rules.conditions import amount as in_words, requirement, satisfies
from rules.data import load_rules, numeric_conditions

INCLUSION = {">=": "（“以上”“不少于”“（含）”都包括本数）", ">": "（“超过”“超”不包括本数本身）",
             "between": ""}


def _talent_conditions(fact: str) -> list[tuple[str, dict]]:
    """(tier name, condition) for this fact, highest tier first."""
    return [(tier, condition) for tier, _, condition in numeric_conditions("talent-card")
            if condition["fact"] == fact]


def _partner_conditions(fact: str, domains: tuple[str, ...]) -> list[tuple[str, dict]]:
    """(domain and kind of unit, condition) for this fact, in the domains asked about (all if none)."""
    return [(f"{domain}领域（{unit_type}）" if unit_type else f"{domain}领域", condition)
            for domain, unit_type, condition in numeric_conditions("partner")
            if condition["fact"] == fact and (not domains or domain in domains)]


def _label(programme: str, fact: str) -> str:
    return load_rules(programme)["facts"][fact]["label"]


def _fact_label(amount: Amount) -> str:
    return _label(amount.programme, amount.fact)


EPSILON = 1e-6
# The values a figure allows: 超过X → just above X and up; 不到X → up to just below X; X左右 → ±5%
# (people say “950万左右” of a figure they know to the nearest few per cent; 大概1000万 still
# straddles a bound of 1000万, so it is not decided).
SPREAD = 0.05


def span_of(amount: Amount) -> tuple[float, float]:
    if amount.relation == ">":
        return amount.value + EPSILON, float("inf")
    if amount.relation == ">=":
        return amount.value, float("inf")
    if amount.relation == "<":
        return 0.0, amount.value - EPSILON
    if amount.relation == "~":
        return amount.value * (1 - SPREAD), amount.value * (1 + SPREAD)
    return amount.value, amount.value


def decides(condition: dict, amount: Amount) -> bool | None:
    """Met, not met, or None when the values the figure allows lie on both sides of a bound."""
    low, high = span_of(amount)
    ends = {satisfies(condition, low), satisfies(condition, high)}
    bounds = condition["bound"] if isinstance(condition["bound"], list) else [condition["bound"]]
    if len(ends) == 1 and not any(low < b < high for b in bounds):
        return ends.pop()
    return None


def _said(amount: Amount, unit: str) -> str:
    figure = in_words(amount.value, unit)
    return {">": f"超过{figure}", ">=": f"{figure}以上", "<": f"不到{figure}",
            "~": f"约{figure}"}.get(amount.relation, figure)


def _verdict(answer: Answer, amount: Amount, where: str, condition: dict) -> bool | None:
    """One condition and whether the figure meets it: the verdict is the condition's, not the
    tier's or domain's (a card needs one of its criteria, a domain all of its conditions)."""
    met = decides(condition, amount)
    figure = f"{_fact_label(amount)}{_said(amount, condition['unit'])}"
    rule = (f"{where}的条件“{condition['text'].rstrip('。')}”要求{requirement(condition)}"
            f"{INCLUSION[condition['compare']]}")
    if met is None and amount.relation == "~" and not isinstance(condition["bound"], list):
        # 约1480万 against 1500万（含）以上: where the figure as said lies, and what the exact
        # one must be; no verdict, since the exact figure may lie on the other side
        side = ("低于这一界限" if amount.value < condition["bound"] else
                "高于这一界限" if amount.value > condition["bound"] else "正在这一界限上")
        answer.say(f"{rule}；{figure}{side}，但离界限很近，是否满足取决于准确数字：准确数字须为"
                   f"{requirement(condition)}才满足这一条，请按准确数字核对。", condition["clause_id"])
    elif met is None:
        answer.say(f"{rule}；{figure}是否满足这一条，取决于准确数字，请按准确数字核对。",
                   condition["clause_id"])
    else:
        answer.say(f"{rule}；{figure}{'满足' if met else '不满足'}这一条。", condition["clause_id"])
    return met


def _talent(answer: Answer, amount: Amount, question: Question) -> str | None:
    """Says the verdicts for one figure; returns the highest tier the figure reaches."""
    conditions = _talent_conditions(amount.fact)
    names = {tier["id"]: tier["name"] for tier in load_rules("talent-card")["tiers"]}
    asked = {names[t] for t in question.tiers}
    verdicts = [(name, c, decides(c, amount)) for name, c in conditions]
    sure = next(((name, c) for name, c, met in verdicts if met), None)
    # the tiers asked, the highest the figure surely reaches, and any above it it may reach
    shown = [(name, c) for name, c, met in verdicts
             if name in asked or (name, c) == sure or (met is None and (sure is None or
                                                       TIER_ORDER.index(name) < TIER_ORDER.index(sure[0])))]
    if not shown:  # none reached: the lowest bound says how far it is
        shown = conditions[-1:]
    best = sure
    for name, condition in shown:
        _verdict(answer, amount, name, condition)
    if best is None:
        answer.say("按这一数额，三类卡中这一项条件都不满足；可看是否符合其他申领条件。")
    if any(c.get("requires") == "enterprise_head" for _, c in shown):
        answer.say("这几项条件只适用于企业主要负责人。")
    return best[0] if best else None


def _partner(answer: Answer, amount: Amount, question: Question) -> list[bool | None]:
    """Says the verdicts for one figure; returns them (met, not met, undecided)."""
    conditions = _partner_conditions(amount.fact, question.domains)
    if not conditions:
        for domain in _without(amount.fact, question.domains):
            answer.say(f"{domain}领域的遴选条件没有{_fact_label(amount)}这一项要求。")
        return []
    grouped: dict[str, list[str]] = {}
    by_text = {}
    for where, condition in conditions:
        grouped.setdefault(condition["text"], []).append(where)
        by_text[condition["text"]] = condition
    verdicts = [_verdict(answer, amount, "、".join(places), by_text[text])
                for text, places in grouped.items()]
    for domain in _without(amount.fact, question.domains):
        answer.say(f"{domain}领域的遴选条件没有{_fact_label(amount)}这一项要求。")
    if not question.domains and len(load_rules("partner")["domains"]) > len(conditions):
        answer.say("其他领域的遴选条件没有这一项要求。")
    return verdicts


def _without(fact: str, domains: tuple[str, ...]) -> list[str]:
    """The domains named whose conditions set no bound on this fact."""
    having = {where.split("领域")[0] for where, _ in _partner_conditions(fact, domains)}
    return [d for d in domains if d not in having]


TIER_ORDER = ["钻石卡", "金卡", "银卡"]


def _summary(question: Question, reached: list[str | None], verdicts: list[bool | None]) -> str:
    """One sentence first when several figures are given: the card's criteria are alternatives
    (the highest tier any figure reaches), a partner domain's conditions all must hold."""
    if len(question.amounts) < 2:
        # the verdict first: "正好40亿…钻石卡还是金卡" is 金卡, the reasons follow
        if reached and reached[0] and (len(question.tiers) > 1 or question.asks_any("which_card")):
            return f"按这一数额，满足的是{reached[0]}的这一条件。"
        return ""
    if reached:
        tiers = [t for t in reached if t]
        if tiers:
            best = min(tiers, key=TIER_ORDER.index)
            return f"按您给的数字，其中一项已满足{best}的申领条件（各项条件满足其一即可）。"
        return "按您给的数字，这几项都不满足任何一类卡的这类条件。"
    if False in verdicts:
        return "按您给的数字，有一项不满足遴选条件（所列条件须同时满足）。"
    if verdicts and all(verdicts):
        return "按您给的数字，这几项都满足遴选条件中对应的要求。"
    return ""


def answer(question: Question) -> Answer | None:
    """Verdicts for the amounts the question gives, when it asks whether they suffice."""
    if not question.amounts:
        return None
    if not (question.asks_any("verdict", "conditions", "which_card") or question.tiers
            or question.domains):
        return None
    result = Answer()
    reached, verdicts = [], []
    for amount in question.amounts:
        if amount.value < 0:
            return None  # a negative figure is no amount to judge: let retrieval quote the rule
        if amount.programme == "talent-card":
            reached.append(_talent(result, amount, question))
        else:
            verdicts += _partner(result, amount, question)
    if not result.sentences:
        return None
    summary = _summary(question, reached, verdicts)
    if summary:
        result.sentences.insert(0, summary)
    result.say(f"条款见{source(result.cited[0])}。")
    if any(a.programme == "talent-card" for a in question.amounts):
        employer_precondition(result)
    else:
        basic = load_rules("partner")["basic"]["intro"]["clause_id"]
        result.say("申报还须同时满足基本遴选条件和该领域的其他条件。", basic)
    return result


def thresholds(question: Question) -> Answer | None:
    """按区库年税收，钻石、金、银卡门槛分别多少: each tier's (or domain's) bound for the fact named."""
    if question.amounts or not question.facts_named or question.asks_any("materials"):
        return None
    if not question.asks_any("conditions", "difference", "which_card"):
        return None
    answer = Answer()
    for programme, fact in question.facts_named:
        if programme == "talent-card":
            conditions = _talent_conditions(fact)
        else:
            conditions = _partner_conditions(fact, question.domains)
        for where, condition in conditions:
            answer.say(f"{where}：“{condition['text']}”（要求{requirement(condition)}）。",
                       condition["clause_id"])
        if programme == "partner":
            for domain in _without(fact, question.domains):
                answer.say(f"{domain}领域的遴选条件没有{_label(programme, fact)}这一项要求。")
    if not answer.sentences:
        return None
    answer.say("“以上”“不少于”“（含）”包括本数，“超过”“超”不包括本数。")
    if any(p == "talent-card" for p, _ in question.facts_named):
        answer.say("这些条件只适用于企业主要负责人。")
    return answer


# --- percentages the clauses state in their text ---------------------------------------------
# The 试点示范 要素条件 tables set a few shares in their rows ("生产工艺数据自动数采率90%以上",
# "…销售收入比重不低于20%"); they are requirements of a table's item, not facts the dialogue
# asks, so they are read from the clauses' text rather than the rule files.
_STATED = re.compile(r"(?P<metric>[^，,。；;：:、\s]{2,40}?)(?P<lead>不低于|不少于|达到|超过)?"
                     r"(?P<number>\d+(?:\.\d+)?)%(?P<tail>（含）以上|以上)?")
_ASKED_PERCENT = re.compile(r"(\d+(?:\.\d+)?)\s*[%％]|百分之([零一二两三四五六七八九十百]+)")
_SHARED = 3  # characters a question and a row's measure must share ("数采率", "电子商务")


@functools.lru_cache(maxsize=None)
def stated_percentages() -> tuple[dict, ...]:
    """Each share a clause's text sets: the measure, its condition (as rules.conditions reads
    one) and the clause."""
    ruled = {condition["clause_id"] for _, _, condition in numeric_conditions("partner")}
    found = []
    for clause in load_clauses():
        if not clause["clause_id"].startswith("partner.") or clause["clause_id"] in ruled:
            continue  # a rule file's condition is read by `answer` with its fact
        for hit in _STATED.finditer(clause["text"]):
            if not (hit.group("lead") or hit.group("tail")) or hit.group("lead") == "超过" and hit.group("tail"):
                continue
            compare = ">" if hit.group("lead") == "超过" else ">="
            metric = re.sub(r"^(其中|企业|实现|并且|且)", "", hit.group("metric"))
            found.append({"metric": metric, "clause_id": clause["clause_id"], "compare": compare,
                          "bound": float(hit.group("number")) / 100, "unit": "ratio",
                          "text": hit.group(0)})
    return tuple(found)


def _asked_percent(text: str) -> float | None:
    hit = _ASKED_PERCENT.search(text)
    if not hit:
        return None
    if hit.group(1):
        return float(hit.group(1)) / 100
    return cn2an.cn2an(hit.group(2), "smart") / 100


def _shares_measure(text: str, metric: str) -> bool:
    return any(metric[i:i + _SHARED] in text for i in range(len(metric) - _SHARED + 1))


def stated_percentage(question: Question) -> Answer | None:
    """"数采率做到89%，流程型试点示范这条过关吗": the row's share and the verdict."""
    if question.document == "talent" or not question.asks_any("verdict", "conditions"):
        return None
    value = _asked_percent(question.normalized)
    if value is None:
        return None
    text = question.normalized
    for name, aliases in vocabulary()["pilot_aliases"].items():
        for alias in aliases:
            text = text.replace(alias, name)
    rows = [row for row in stated_percentages() if _shares_measure(text, row["metric"])]
    if not rows:
        return None
    result = Answer()
    for row in rows:
        met = satisfies(row, value)
        result.say(f"“{row['text']}”要求{row['metric']}{requirement(row)}{INCLUSION[row['compare']]}；"
                   f"您说的{in_words(value, 'ratio')}{'满足' if met else '不满足'}这一条。", row["clause_id"])
    result.say(f"条款见{source(result.cited[0])}。")
    return result
