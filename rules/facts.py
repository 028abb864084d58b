"""Checking the facts and criteria a caller gives against the programme's declarations.

Facts arrive as JSON values. A fact given as null counts as not given (unknown). Anything
else of the wrong type or out of range is refused with a Chinese message, never guessed at:
a string "true" is not a bool, a bool is not a number, a count is never negative and a
ratio never above 1, no number beyond MAX_FACT_VALUE.
"""
from __future__ import annotations

import math
from typing import Iterable

from .errors import RulesInputError

# Far above any real count or amount (10¹²万元 is 10¹⁶ yuan), far below what a float can hold:
# a larger number is a typing error or an attack, and would overflow the wording of a decision.
MAX_FACT_VALUE = 10**12


def check_facts(specs: dict, facts) -> dict:
    """The given facts, checked and normalised (ints for counts); unknown ones left out."""
    if facts is None:
        return {}
    if not isinstance(facts, dict):
        raise RulesInputError("facts 应为 JSON 对象，例如 {\"employer_in_baiyun\": true}")
    checked = {}
    for name, value in facts.items():
        if name not in specs:
            known = "、".join(specs)
            raise RulesInputError(f"未知的事实：{name!r}（可用：{known}）")
        if value is not None:
            checked[name] = _check_value(name, specs[name], value)
    return checked


def check_criteria(known_ids: Iterable[str], criteria) -> frozenset:
    """The affirmed criterion ids, each checked to exist."""
    if criteria is None:
        return frozenset()
    if not isinstance(criteria, list):
        raise RulesInputError("criteria 应为条件编号的 JSON 数组，例如 [\"gold.phd\"]")
    known_ids = set(known_ids)
    for criterion in criteria:
        if not isinstance(criterion, str):
            raise RulesInputError(f"条件编号应为字符串，收到：{criterion!r}")
        if criterion not in known_ids:
            raise RulesInputError(
                f"未知的条件编号：{criterion!r}（可用 `python -m rules criteria` 查看全部条件）")
    return frozenset(criteria)


def _check_value(name: str, spec: dict, value):
    kind = spec["type"]
    if kind == "bool":
        if not isinstance(value, bool):
            raise RulesInputError(f"事实 {name} 应为 true 或 false，收到：{value!r}")
        return value
    if kind == "choice":
        if value not in spec["choices"]:
            choices = "、".join(spec["choices"])
            raise RulesInputError(f"事实 {name} 应为以下之一：{choices}；收到：{value!r}")
        return value
    number = _non_negative_number(name, value)
    if kind == "int":
        if number != int(number):
            raise RulesInputError(f"事实 {name} 应为整数（个数），收到：{value!r}")
        return int(number)
    if kind == "ratio" and number > 1:
        raise RulesInputError(f"事实 {name} 是比例，应在 0 到 1 之间（如 0.6 表示60%），收到：{value!r}")
    return number


def _non_negative_number(name: str, value):
    # bool is a subclass of int in Python: refuse it explicitly.
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise RulesInputError(f"事实 {name} 应为数字，收到：{value!r}")
    if isinstance(value, float) and not math.isfinite(value):
        raise RulesInputError(f"事实 {name} 应为有限的数字，收到：{value!r}")
    if value < 0:
        raise RulesInputError(f"事实 {name} 不能为负数，收到：{value!r}")
    if value > MAX_FACT_VALUE:
        raise RulesInputError(f"事实 {name} 的数值过大（上限一万亿），"
                              f"收到一个 {len(str(int(value)))} 位的数")
    return value
