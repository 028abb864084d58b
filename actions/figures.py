"""Figures in a message, each given to the fact it is about (the catalogue's words and units).

"七项发明专利，研发团队三十人，营收两千万" fills three facts; a bare "30" answers the question
just asked. A range or an approximation ("两三千万", "大约2亿", "三十多人") fills its fact when
every value it allows falls on the same side of every bound the rules set for that fact; when
it straddles one, the person is asked for a closer figure. Impossible values (negative
amounts, half a person, a ratio above 100%, a 400-digit number) are asked back, never taken.
"""
from __future__ import annotations

import dataclasses
import math
import re
from typing import List, Optional, Sequence, Tuple

from rules.conditions import amount, requirement, satisfies

from actions import catalogue
from actions.catalogue import Fact
from actions.message import clause_bounds
from actions.numbers import Quantity, find_quantities
from actions.reading import Reading, find_words

_CLAUSE_BREAK = re.compile(r"[，,。；;！!？?\n]")
# Farther than this from its naming word, a figure is not about that fact.
MAX_DISTANCE = 12


def _unit_fits(quantity: Quantity, fact: Fact) -> bool:
    if fact.kind == "money":
        return quantity.scale_given or quantity.unit.startswith(("元", "万", "亿", "块")) or not quantity.unit
    if fact.kind == "ratio":
        return quantity.percent or not quantity.unit
    return not quantity.unit or quantity.unit in fact.counters


def _candidates(quantity: Quantity, text: str, hits: List[Tuple[int, int, Fact]]) -> List[Tuple[int, Fact]]:
    """(distance, fact) for each fact named in the figure's clause whose unit it fits
    ("两所学校" is not a count of 专业点)."""
    breaks = [m.start() for m in _CLAUSE_BREAK.finditer(text)]

    def same_clause(a: int, b: int) -> bool:
        low, high = min(a, b), max(a, b)
        return not any(low <= pos < high for pos in breaks)

    found = []
    for start, end, fact in hits:
        if end <= quantity.start:
            anchor, distance = end, quantity.start - end
        elif start >= quantity.end:
            anchor, distance = start, start - quantity.end
        else:
            continue
        if same_clause(anchor, quantity.start) and distance <= MAX_DISTANCE and _unit_fits(quantity, fact):
            found.append((distance, fact))
    return found


def read_figures(text: str, figures: Sequence[Fact], requested: Optional[str], reading: Reading) -> None:
    """Give each figure in the message to a fact by its naming word, else to the asked fact."""
    hits: List[Tuple[int, int, Fact]] = []
    taken: List[Tuple[int, int]] = []
    pairs = sorted(((w, f) for f in figures for w in f.words), key=lambda p: -len(p[0]))
    for word, fact in pairs:
        for hit in re.finditer(re.escape(word), text):
            if any(s < hit.end() and hit.start() < e for s, e in taken):
                continue
            taken.append(hit.span())
            hits.append((hit.start(), hit.end(), fact))


    # Nearest pairs first, each figure and each fact used once: in "和两所学校合作办了3个订单班"
    # the 3 is the 订单班's, the 两所 no fact's.
    by_name = {f.name: f for f in figures}
    quantities = find_quantities(text)
    pairs = sorted(((distance, index, fact) for index, quantity in enumerate(quantities)
                    for distance, fact in _candidates(quantity, text, hits)), key=lambda p: (p[0], p[1]))
    used, given = set(), {}
    for _distance, index, fact in pairs:
        if index in used or fact.name in given:
            continue
        used.add(index)
        given[fact.name] = (index, fact)
    unassigned = [q for i, q in enumerate(quantities) if i not in used]
    for index, fact in given.values():
        take(_narrowed(text, quantities[index], fact, unassigned, given), fact, reading)

    # "没有发明专利" / "无软件著作权": a count of zero — unless the denial is itself denied ("不是没有
    # 专利，我们有7项") or a figure for it is said
    for start, _end, fact in hits:
        before = text[max(0, start - 6):start]
        if fact.kind == "count" and re.search(r"(没有|无|零|0)(任何)?$", before) \
                and not re.search(r"(不是|并非|并不是)(没有|没|无)(任何)?$", before) \
                and fact.name not in reading.problem_slots:
            reading.slots.setdefault(fact.name, 0)
    # "几乎没交什么税", "还没有营收": next to nothing, for the money fact just asked.
    nothing = _NEXT_TO_NOTHING.search(text)
    if requested in by_name and by_name[requested].kind == "money" and requested not in reading.slots \
            and not quantities and nothing:
        reading.slots[requested] = 0
        reading.approximate[requested] = nothing.group()
    # A bare answer to the question just asked: "30", "两千万", "30人", "-5"; not a figure its
    # clause gives to another fact ("营收大概三个亿" is no 区库年税收, even when 营收 is not asked).
    if requested in by_name and "省内" in by_name[requested].label:
        # "省外有十几个，广东省内只有4个": a figure said of elsewhere is not the 省内 count
        unassigned = [q for q in unassigned if not _ELSEWHERE.search(_clause_of(text, q))]
    if requested in by_name and requested not in reading.slots and len(unassigned) == 1 \
            and _unit_fits(unassigned[0], by_name[requested]) \
            and not _names_another(text, unassigned[0], by_name[requested]):
        take(unassigned[0], by_name[requested], reading)


_ELSEWHERE = re.compile(r"省外|外省|国外|境外|海外|全国其他|其他省")
# ("没多少" alone is not it: little, but how little is not said)
_NEXT_TO_NOTHING = re.compile(r"(?:几乎|基本上?)(?:没有?|无)(?:交|缴|纳|投)?(?:什么|多少|啥)|"
                              r"(?:没有?|无)(?:交|缴|纳|投)?(?:什么|啥)(?:税|钱|收入|营收|投资)|"
                              r"一分钱?都没|(?:还)?没有?(?:营收|收入|交税|纳税|缴税|投资)")


def _names_another(text: str, quantity: Quantity, fact: Fact) -> bool:
    clause = _clause_of(text, quantity)
    return any(w in clause for f in catalogue.figures(fact.program) if f.name != fact.name for w in f.words)


def _clause_of(text: str, quantity: Quantity) -> str:
    left, right = clause_bounds(text, quantity.start, quantity.end)
    return text[left:right]


def _narrowed(text: str, quantity: Quantity, fact: Fact, unassigned: List[Quantity], given: dict) -> Quantity:
    """An approximate figure with the bounds said beside it: "900万左右，肯定超过800万，不到一千万" is
    above 800万 and below 1000万. Only a one-sided figure naming no fact of its own narrows, and
    only when no other fact of the message takes figures of the same kind."""
    if quantity.low == quantity.high:
        return quantity
    bounds = [q for q in unassigned if not q.negative and (q.low == 0 or q.high == math.inf)
              and _unit_fits(q, fact) and not _names_another(text, q, fact)]
    if sum(f.kind == fact.kind for _, f in given.values()) != 1:
        # other figures of the kind in the message: only bounds in the figure's own part of it
        # ("累计投资大约20.5亿（…肯定超过20亿）；区库年税收三四百万")
        left, right = _part_bounds(text, quantity.start)
        bounds = [q for q in bounds if left <= q.start and q.end <= right]
    low = max([quantity.low] + [q.low for q in bounds])
    high = min([quantity.high] + [q.high for q in bounds])
    if not bounds or low > high:
        return quantity
    said = "，".join([quantity.said or quantity.text] + [q.said or q.text for q in bounds])
    return dataclasses.replace(quantity, low=low, high=high, said=said)


_PART_END = re.compile(r"[。；;！!？?\n]")


def _part_bounds(text: str, at: int) -> tuple:
    left = max((m.end() for m in _PART_END.finditer(text, 0, at)), default=0)
    end = _PART_END.search(text, at)
    return left, end.start() if end else len(text)


_PART_OF = re.compile(r"其中|里面|当中|之中|中间")


def read_shares(text: str, figures: Sequence[Fact], known: dict, reading: Reading) -> None:
    """A ratio said as a head count of its whole: "从业人员32人，其中本科以上的有20人" is 20/32.
    The part is a count after "其中" or the ratio's own words, other than the whole's figure."""
    by_name = {f.name: f for f in figures}
    for fact in figures:
        whole_fact = by_name.get(fact.share_of)
        if not whole_fact or fact.name in reading.slots or fact.name in reading.problem_slots:
            continue
        whole = reading.slots.get(whole_fact.name, known.get(whole_fact.name))
        if not isinstance(whole, (int, float)) or whole <= 0:
            continue
        marks = [m.end() for m in _PART_OF.finditer(text)] + [e for _s, e, _w in find_words(text, fact.words)]
        parts = {q.low for q in find_quantities(text)
                 if q.exact and q.unit in whole_fact.counters and q.low != whole
                 and any(0 <= q.start - mark <= MAX_DISTANCE for mark in marks)}
        if len(parts) != 1:
            continue
        part = parts.pop()
        if part > whole:
            reading.problems.append(f"{fact.label}不会超过全部{whole_fact.label}（您说{whole_fact.label}"
                                    f"{whole:g}{whole_fact.unit}，其中{part:g}{whole_fact.unit}）。"
                                    f"请核对后告诉我，例如：{fact.example}。")
            reading.problem_slots.append(fact.name)
            continue
        reading.slots[fact.name] = round(part / whole, 4)
        reading.approximate[fact.name] = f"{whole:g}{whole_fact.unit}中{part:g}{whole_fact.unit}"


def _in_unit(quantity: Quantity, fact: Fact) -> Optional[Tuple[float, float]]:
    if fact.kind == "money":
        return quantity.wan_range()
    if fact.kind == "ratio":
        return quantity.ratio_range()
    return quantity.count_range()


def impossible(quantity: Quantity, fact: Fact, low: float, high: float) -> Optional[str]:
    """Why a figure cannot be this fact's value (a question back), or None."""
    written = quantity.said or quantity.text
    if quantity.too_long:
        return f"您给的数字“{written[:20]}…”位数太多，不像是实际的{fact.label}。请核对后重新告诉我，例如：{fact.example}。"
    if quantity.garbled:
        return f"“{written}”不是一个能读懂的数。请告诉我实际的{fact.label}，例如：{fact.example}。"
    if quantity.negative:
        return f"{fact.label}不会是负数（您写的是“{written}”）。请告诉我实际的数，例如：{fact.example}。"
    if fact.kind == "count" and low == high and low != int(low):
        return f"{fact.label}应是整数，您说的是“{written}”。请告诉我实际的数，例如：{fact.example}。"
    if fact.kind == "ratio" and low > 1:
        return f"占比不会超过100%，您说的是“{written}”。请告诉我实际的占比，例如：{fact.example}。"
    # above 1000亿元 (1e7 万元) no district's tax, investment or a firm's revenue here is real
    if fact.kind == "money" and high != math.inf and high > 1e7:
        return f"“{written}”万元超出了常见的数额，请核对后重新告诉我{fact.label}，例如：{fact.example}。"
    return None


def straddled(program: str, fact: str, low: float, high: float) -> Optional[dict]:
    """The first condition on `fact` that some values of [low, high] meet and others do not."""
    for condition in catalogue.conditions_of(program, fact):
        bounds = condition["bound"] if isinstance(condition["bound"], list) else [condition["bound"]]
        if satisfies(condition, low) != satisfies(condition, high) or any(low < b < high for b in bounds):
            return condition
    return None


def take(quantity: Quantity, fact: Fact, reading: Reading) -> None:
    if fact.name in reading.slots:
        return
    found = _in_unit(quantity, fact)
    if found is None:
        return
    low, high = found
    problem = impossible(quantity, fact, low, high)
    if problem:
        reading.problems.append(problem)
        reading.problem_slots.append(fact.name)
        return
    if low == high:
        reading.slots[fact.name] = int(low) if fact.kind == "count" else round(low, 4)
        return
    condition = straddled(fact.program, fact.name, low, high)
    if condition is not None:
        bound = condition["bound"][0] if isinstance(condition["bound"], list) else condition["bound"]
        question = (f"您说的“{quantity.said}”可能在{amount(bound, condition['unit'])}上下，"
                    f"而条件是{fact.label}{requirement(condition)}，需要更准确的数。请告诉我大致准确的数，例如：{fact.example}。")
        reading.problems.append(question)
        reading.problem_slots.append(fact.name)
        reading.straddles[fact.name] = (math.ceil(low) if fact.kind == "count" else round(low, 4),
                                        high, quantity.said, question)
        return
    # Every value of the range decides alike: any one of them stands for it; the decision
    # quotes the person's own words (reading.approximate).
    value = math.ceil(low) if fact.kind == "count" else round(low, 4)
    reading.slots[fact.name] = value
    reading.approximate[fact.name] = quantity.said
