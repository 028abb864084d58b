"""Phrase lists shared by the NLU model and the actions, from the rule data.

Each criterion of knowledge/rules/*.yml lists the `phrases` that affirm it (银卡 2's parts have
their own words), each 合作伙伴 domain the phrases that name it: the one source. The action
server scans each message with them, so a title or domain is recognised even where the
statistical model misses it, and a negation ("我不是博士") is seen.

Three files are derived from them (tests check they are up to date):
  python -m actions.lexicon synonyms ENTITY > nlu/lexicon/ENTITY.yml  (Rasa synonyms: the
      model maps an entity it finds to the same ids)
  python -m actions.lexicon jieba   > knowledge/jieba/rasa_terms.txt   (jieba user dictionary,
      so entity boundaries fall on jieba word boundaries)
  python -m actions.lexicon lookups > nlu/lookups.yml   (Rasa lookup tables: regex features)
"""
from __future__ import annotations

import re
import sys
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Dict, Iterable, List, Optional, Sequence, Tuple

from rules.data import load_rules

from actions.message import negated
from actions.numbers import normalise

LEXICON_DIR = Path(__file__).resolve().parent.parent / "nlu" / "lexicon"
_MEANING = {
    "talent_title": "what a person says about themselves, mapped to the 云聚英才卡 criterion it affirms",
    "qualification": "the nine qualifications that bring 直接认定 as a 广东省智能制造生态合作伙伴",
    "domain": "the eight domains of 附件1, mapped to the names the rules engine takes as `domain`",
}
ENTITIES = ("talent_title", "qualification", "domain")

# A phrase right after one of these is a lesser title that merely contains it: 副教授, 副主任医师.
LESSER_PREFIXES = ("副",)


@dataclass(frozen=True)
class Match:
    entity: str
    value: str  # the canonical id (criterion id, domain name)
    text: str  # as written in the message
    start: int
    end: int
    negated: bool


# What each entity's phrases are listed under in the rule data, and what they map to.
_SOURCES = {
    "talent_title": ("talent-card", "criteria"),
    "qualification": ("partner", "direct"),
    "domain": ("partner", "domains"),
}


def _listed(entity: str) -> List[Tuple[str, List[str]]]:
    """(canonical id, phrases) in rule-file order."""
    program, where = _SOURCES[entity]
    rules = load_rules(program)
    if where == "criteria":
        items = [c for tier in rules["tiers"] for c in tier["criteria"]]
        return [(c["id"], c["phrases"]) for c in items if c.get("phrases")]
    if where == "direct":
        return [(c["id"], c["phrases"]) for c in rules["direct"]["criteria"] if c.get("phrases")]
    return [(d["name"], d["phrases"]) for d in rules["domains"] if d.get("phrases")]


@lru_cache(maxsize=None)
def synonyms(entity: str) -> Dict[str, str]:
    """{phrase: canonical id} for one entity."""
    return {phrase: canonical for canonical, phrases in _listed(entity) for phrase in phrases}


@lru_cache(maxsize=None)
def _patterns(entity: str) -> List[Tuple[re.Pattern, str, str]]:
    # Longest phrases first, so "博士后" wins over "博士" and "软件著作权" is not "软件".
    phrases = sorted(synonyms(entity).items(), key=lambda item: -len(item[0]))
    return [(re.compile(re.escape(p), re.IGNORECASE), p, v) for p, v in phrases]


def find(entity: str, text: str, masked: Iterable[Tuple[int, int]] = ()) -> List[Match]:
    """Non-overlapping phrase matches of one entity, longest first, in text order."""
    taken = list(masked)
    found: List[Match] = []
    for pattern, _phrase, value in _patterns(entity):
        for hit in pattern.finditer(text):
            start, end = hit.span()
            if any(start < e and s < end for s, e in taken):
                continue
            if text[max(0, start - 1):start] in LESSER_PREFIXES:
                taken.append((start, end))
                continue
            taken.append((start, end))
            found.append(Match(entity, value, hit.group(0), start, end, negated(text, start, end)))
    found.sort(key=lambda m: m.start)
    return found


def with_entities(found: List[Match], entities: Sequence[dict], entity: str, text: str) -> List[Match]:
    """Add the NLU model's entities of one kind that the phrase scan did not see (the model
    can find a phrase written in a way the lists lack; its value is then mapped by the same
    synonyms). Overlaps keep the scan's reading."""
    known = set(synonyms(entity).values())
    merged = list(found)
    for item in entities:
        start, end, value = item.get("start"), item.get("end"), item.get("value")
        if item.get("entity") != entity or value not in known or start is None or end is None:
            continue
        if item.get("said") is not None:
            # the model's offsets are the raw message's; the text read here is normalised (…
            # becomes ...) and may have parts blanked out (another person's clauses)
            start, end = _placed(text, normalise(item["said"]), start)
            if start is None:
                continue
        if end > len(text) or any(start < m.end and m.start < end for m in merged):
            continue
        merged.append(Match(entity, value, text[start:end], start, end, negated(text, start, end)))
    return sorted(merged, key=lambda m: m.start)


def _placed(text: str, said: str, near: int) -> Tuple[Optional[int], Optional[int]]:
    """Where `said` stands in `text`, the occurrence nearest `near`; (None, None) if nowhere."""
    starts = [m.start() for m in re.finditer(re.escape(said), text)] if said else []
    if not starts:
        return None, None
    start = min(starts, key=lambda s: abs(s - near))
    return start, start + len(said)


def all_phrases() -> List[str]:
    return sorted({p for entity in ENTITIES for p in synonyms(entity)}, key=lambda p: (len(p), p))


def jieba_dictionary() -> str:
    """The phrases as jieba user-dictionary lines (word, frequency, tag)."""
    lines = [f"{p} 50000 nz" for p in all_phrases() if " " not in p and len(p) > 1]
    return "\n".join(lines) + "\n"


def lookup_tables() -> str:
    """The phrases of each entity as Rasa lookup tables (nlu/lookups.yml)."""
    lines = ['version: "3.1"',
             "# Derived from nlu/lexicon/*.yml by `python -m actions.lexicon lookups`: do not edit.",
             "# Lookup tables feed the RegexFeaturizer: a known title or domain is a feature.",
             "nlu:"]
    for entity in ENTITIES:
        lines += [f"- lookup: {entity}", "  examples: |"]
        lines += [f"    - {phrase}" for phrase in sorted(synonyms(entity), key=lambda p: (len(p), p))]
    return "\n".join(lines) + "\n"


def synonym_file(entity: str) -> str:
    """nlu/lexicon/<entity>.yml: the entity's phrases as Rasa synonyms."""
    lines = ['version: "3.1"',
             f"# Entity `{entity}`: {_MEANING[entity]}.",
             "# Derived from knowledge/rules/*.yml (`phrases`) by `python -m actions.lexicon synonyms "
             f"{entity}`: do not edit.",
             "nlu:"]
    for canonical, phrases in _listed(entity):
        lines += [f"- synonym: {canonical}", "  examples: |"] + [f"    - {p}" for p in phrases]
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    if sys.argv[1:] == ["jieba"]:
        sys.stdout.write(jieba_dictionary())
    elif sys.argv[1:] == ["lookups"]:
        sys.stdout.write(lookup_tables())
    elif len(sys.argv) == 3 and sys.argv[1] == "synonyms" and sys.argv[2] in ENTITIES:
        sys.stdout.write(synonym_file(sys.argv[2]))
    else:
        sys.exit("usage: python -m actions.lexicon jieba|lookups|synonyms ENTITY")
