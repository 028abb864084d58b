"""Loading the rule files (knowledge/rules/*.yml): the one place that reads them.

Each file is read once per process and shared; callers treat the result as read-only.
"""
from __future__ import annotations

import functools
from pathlib import Path

import yaml

from .errors import RulesInputError

RULES_DIR = Path(__file__).resolve().parent.parent / "knowledge" / "rules"

# Programme name (as on the command line and in the API) -> its rule file.
PROGRAM_FILES = {
    "talent-card": "talent-card.yml",
    "partner": "partner.yml",
}


def check_program(program: str) -> str:
    if program not in PROGRAM_FILES:
        known = "、".join(PROGRAM_FILES)
        raise RulesInputError(f"未知的项目：{program!r}（可选：{known}）")
    return program


@functools.lru_cache(maxsize=None)
def load_rules(program: str) -> dict:
    """The parsed rule file of a programme."""
    path = RULES_DIR / PROGRAM_FILES[check_program(program)]
    with path.open(encoding="utf-8") as handle:
        return yaml.safe_load(handle)


@functools.lru_cache(maxsize=None)
def numeric_conditions(program: str) -> tuple[tuple[str, str | None, dict], ...]:
    """Every numeric condition of a programme, as (owner, unit_type, condition).

    The owner is the 英才卡 tier or the 合作伙伴 domain whose criteria hold the condition; a
    domain whose conditions depend on the kind of unit (智能制造人才) holds them in alternatives,
    and unit_type says which (None everywhere else). Highest tier first, domains in file order.
    """
    rules = load_rules(program)
    found = []
    for owner in rules.get("tiers", []) + rules.get("domains", []):
        for condition in owner.get("conditions", []):
            found.append((owner["name"], None, condition))
        for alternative in owner.get("alternatives", []):
            for condition in alternative.get("conditions", []):
                found.append((owner["name"], alternative["unit_type"], condition))
    return tuple(found)
