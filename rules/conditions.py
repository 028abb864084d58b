"""Numeric conditions of the rule files: deciding them from facts and saying why.

A condition in a rule file looks like
    {clause_id, text, fact, compare: ">=" | ">" | "between", bound, unit,
     inclusive: [lower, upper] (between only), requires: <bool fact> (optional)}
`requires` names a yes/no fact that must also hold (the talent card's enterprise figures
count only for the enterprise's 主要负责人).
"""
from __future__ import annotations

from .logic import Verdict, all_of, known, unknown


def check(condition: dict, facts: dict) -> Verdict:
    """Whether the condition holds for these facts (None when a fact it needs is unknown)."""
    parts = []
    if condition.get("requires"):
        parts.append(fact_is_true(condition["requires"], facts))
    value = facts.get(condition["fact"])
    parts.append(unknown(condition["fact"]) if value is None else known(satisfies(condition, value)))
    return all_of(parts)


def fact_is_true(name: str, facts: dict) -> Verdict:
    value = facts.get(name)
    return unknown(name) if value is None else known(value)


def satisfies(condition: dict, value) -> bool:
    compare, bound = condition["compare"], condition["bound"]
    if compare == ">=":
        return value >= bound
    if compare == ">":
        return value > bound
    if compare == "between":
        (lower, upper), (lower_in, upper_in) = bound, condition["inclusive"]
        above = value >= lower if lower_in else value > lower
        below = value <= upper if upper_in else value < upper
        return above and below
    raise ValueError(f"unknown comparison {compare!r} in rule for {condition['clause_id']}")


def requirement(condition: dict) -> str:
    """The bound in words, e.g. "超过1000万元", "5项（含）以上", "3亿元（含）至5亿元（不含）"."""
    unit, bound = condition["unit"], condition["bound"]
    if condition["compare"] == ">=":
        return f"{amount(bound, unit)}（含）以上"
    if condition["compare"] == ">":
        return f"超过{amount(bound, unit)}"
    (lower, upper), (lower_in, upper_in) = bound, condition["inclusive"]
    return (f"{amount(lower, unit)}{'（含）' if lower_in else '（不含）'}至"
            f"{amount(upper, unit)}{'（含）' if upper_in else '（不含）'}")


def detail(condition: dict, label: str, value) -> str:
    """What the facts say against what the clause asks, e.g. "发明专利4项，要求5项（含）以上"."""
    return f"{label}{amount(value, condition['unit'])}，要求{requirement(condition)}"


def amount(value, unit: str) -> str:
    """A figure as a person reads it: 800万元, 4.99亿元, 20人, 50%."""
    if unit == "ratio":
        return f"{_plain(value * 100)}%"
    if unit == "万元" and value >= 10000:
        return f"{_plain(value / 10000)}亿元"
    return f"{_plain(value)}{unit}"


def _plain(number) -> str:
    """1500 -> "1500", 4.99 -> "4.99", 0.1 + 0.2 -> "0.3" (no float noise)."""
    return f"{number:.6f}".rstrip("0").rstrip(".")
