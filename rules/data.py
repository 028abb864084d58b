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
