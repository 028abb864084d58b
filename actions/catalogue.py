"""The fact catalogue: what the dialogue knows about each fact, read from the rule data.

knowledge/rules/*.yml is the one source: each fact's label, question (`ask`), example answer,
unit, counters and the words that name it; the numeric conditions give the bounds that
matter for it. Nothing here lists a fact by hand (tests/test_catalogue.py checks domain.yml
against it).
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Dict, List, Tuple

from rules import fact_specs
from rules.data import load_rules, numeric_conditions

PROGRAMS = ("talent-card", "partner")


@dataclass(frozen=True)
class Fact:
    name: str
    program: str
    type: str  # bool, choice, number (万元), int (a count) or ratio
    label: str
    ask: str
    example: str
    unit: str = ""
    words: Tuple[str, ...] = ()  # words that name the fact in a message ("研发团队", "营收")
    counters: Tuple[str, ...] = ()  # units a count of it takes ("人", "项")
    not_words: Tuple[str, ...] = ()  # words that say a yes/no fact does not hold ("普通员工")
    lesser_words: Tuple[str, ...] = ()  # look like `words` but do not name it ("副总经理")
    unsettled_words: Tuple[str, ...] = ()  # look like `words` but leave it open ("创始人之一")
    elsewhere: Tuple[str, ...] = ()  # places that deny it (employer_in_baiyun)
    qualifier: Tuple[str, ...] = ()  # what a figure must be said of to count (高新技术企业)
    share_of: str = ""  # a ratio that may be said as a count of this whole ("32人，其中20人本科以上")
    choice_words: Tuple[Tuple[str, Tuple[str, ...]], ...] = ()  # (choice, the words it is said with)

    @property
    def kind(self) -> str:
        """How a figure for it is read: money (万元), count or ratio; "" when not a figure."""
        if self.type == "number":
            return "money"
        return {"int": "count", "ratio": "ratio"}.get(self.type, "")


@lru_cache(maxsize=None)
def facts(program: str) -> Dict[str, Fact]:
    """The programme's facts in the order a dialogue asks them."""
    return {name: Fact(name=name, program=program, type=spec["type"], label=spec["label"],
                       ask=spec["ask"], example=spec.get("example", ""), unit=spec.get("unit", ""),
                       words=tuple(spec.get("words", ())), counters=tuple(spec.get("counters", ())),
                       not_words=tuple(spec.get("not_words", ())),
                       lesser_words=tuple(spec.get("lesser_words", ())),
                       unsettled_words=tuple(spec.get("unsettled_words", ())),
                       elsewhere=tuple(spec.get("elsewhere", ())),
                       qualifier=tuple(spec.get("qualifier", ())),
                       share_of=spec.get("share_of", ""),
                       choice_words=tuple((c, tuple(w)) for c, w in spec.get("choice_words", {}).items()))
            for name, spec in fact_specs(program).items()}


def figures(program: str) -> List[Fact]:
    return [f for f in facts(program).values() if f.kind]


def _criteria(node) -> List[dict]:
    """Every criterion (a rule with an `id`) anywhere in a rule file."""
    found = []
    if isinstance(node, dict):
        if "id" in node and "clause_id" in node:
            found.append(node)
        for value in node.values():
            found += _criteria(value)
    elif isinstance(node, list):
        for value in node:
            found += _criteria(value)
    return found


@lru_cache(maxsize=None)
def criterion_words(program: str) -> Dict[str, Tuple[Tuple[str, ...], Tuple[str, ...]]]:
    """{criterion id: (the words that name it, the words whose denial affirms it)} for the
    yes/no criteria a message can state in passing ("没有失信", "设有研发机构")."""
    return {c["id"]: (tuple(c["words"]), tuple(c.get("met_when_denied", ())))
            for c in _criteria(load_rules(program)) if c.get("words")}


@lru_cache(maxsize=None)
def criterion_denied_by(program: str) -> Dict[str, Tuple[str, ...]]:
    """{criterion id: words that say it is not met} ("还在建设中" for 项目已经建成)."""
    return {c["id"]: tuple(c["denied_by"]) for c in _criteria(load_rules(program)) if c.get("denied_by")}


@lru_cache(maxsize=None)
def criterion_also_met_by(program: str) -> Dict[str, Tuple[str, ...]]:
    """{criterion id: words that affirm it even beside a denial of its name} ("正在建设")."""
    return {c["id"]: tuple(c["also_met_by"]) for c in _criteria(load_rules(program)) if c.get("also_met_by")}


def conditions(program: str) -> Tuple[dict, ...]:
    return tuple(condition for _, _, condition in numeric_conditions(program))


def conditions_of(program: str, fact: str) -> List[dict]:
    """The numeric conditions on one fact: the bounds that matter when a figure is a range."""
    return [c for c in conditions(program) if c["fact"] == fact]


def facts_of_domain(domain: str) -> List[str]:
    """The figures a 合作伙伴 domain's conditions use (all alternatives of 智能制造人才)."""
    return list(dict.fromkeys(condition["fact"] for owner, _, condition
                              in numeric_conditions("partner") if owner == domain))


def example(program: str, fact: str) -> str:
    spec = facts(program).get(fact)
    return spec.example if spec else ""


def label(program: str, fact: str) -> str:
    spec = facts(program).get(fact)
    return spec.label if spec else fact
