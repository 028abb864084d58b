"""The eligibility rules engine: deterministic decisions, each citing the clause it rests on.

    from rules import criteria, evaluate, RulesInputError
    criteria("talent-card")                      # what a person can affirm (contract §3)
    evaluate("partner", {"domain": "关键软件", "software_copyrights": 4}, ["basic.good_credit"])

The rules themselves are data, in knowledge/rules/*.yml; this package only interprets them.
Pure Python: nothing here imports Rasa or FastAPI.
"""
from __future__ import annotations

from . import partner, talent_card
from .data import PROGRAM_FILES, check_program, load_rules
from .errors import RulesInputError
from .facts import check_criteria, check_facts

__all__ = ["PROGRAMS", "RulesInputError", "criteria", "evaluate", "fact_specs", "questions"]

PROGRAMS = tuple(PROGRAM_FILES)
_ENGINES = {"talent-card": talent_card, "partner": partner}


def criteria(program: str) -> list:
    """The programme's criteria: [{id, group, clause_id, text}], in document order."""
    return _ENGINES[check_program(program)].list_criteria(load_rules(program))


def evaluate(program: str, facts: dict, criteria: list) -> dict:
    """A decision for these facts (absent = unknown) and affirmed criteria (absent = not met).

    Raises RulesInputError for an unknown programme, criterion or fact, or a fact of the wrong
    type or out of range.
    """
    engine = _ENGINES[check_program(program)]
    rules = load_rules(program)
    checked_facts = check_facts(rules["facts"], facts)
    known_ids = (c["id"] for c in engine.list_criteria(rules))
    affirmed = check_criteria(known_ids, criteria)
    return engine.evaluate(rules, checked_facts, affirmed)


def fact_specs(program: str) -> dict:
    """Each fact the programme uses: {name: {type, label, ask, unit?, choices?}}, in the order
    a dialogue asks them."""
    return {name: dict(spec) for name, spec in load_rules(check_program(program))["facts"].items()}


def questions(program: str) -> dict:
    """Short Chinese questions for the dialogue: {"facts": {fact: ask}, "groups": {group: ask}}.

    `missing` in a decision names facts; ask them with these texts, in that order. Criteria are
    affirmed by group (a tier of the talent card; basic, direct or a domain for the partner).
    """
    rules = load_rules(check_program(program))
    return {"facts": {name: spec["ask"] for name, spec in rules["facts"].items()},
            "groups": _ENGINES[program].group_questions(rules)}
