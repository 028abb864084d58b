"""Bring a question and a clause to the same written form before they are compared.

People type full-width letters, traditional characters, colloquial words and the odd typo;
the documents use simplified characters and administrative terms. Normalising both sides the
same way lets exact-term matching (BM25) work on what people actually write.
"""
from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from pathlib import Path

import yaml
import zhconv

COLLOQUIAL_FILE = Path(__file__).resolve().parent / "colloquial.yml"


def normalize(text: str) -> str:
    """Full-width → half-width, traditional → simplified, lower-case Latin, single spaces."""
    text = unicodedata.normalize("NFKC", text)
    text = zhconv.convert(text, "zh-cn")
    text = text.lower()
    # "报 送 单 位（盖 章）": spaces between Chinese characters are layout, not word breaks
    text = re.sub(r"(?<=[\u4e00-\u9fff（）])\s+(?=[\u4e00-\u9fff（）()])", "", text)
    return re.sub(r"\s+", " ", text).strip()


@lru_cache(maxsize=1)
def colloquial_terms() -> list[tuple[str, str]]:
    """(what people write, the document's term), longest written form first."""
    table = yaml.safe_load(COLLOQUIAL_FILE.read_text(encoding="utf-8"))
    pairs = [(normalize(said), normalize(term)) for term, saids in table.items() for said in saids]
    return sorted(pairs, key=lambda pair: -len(pair[0]))


def expand(question: str) -> str:
    """The normalised question followed by the document's terms for the colloquial words in it."""
    text = normalize(question)
    added = []
    for said, term in colloquial_terms():
        if said in text and term not in text and term not in added:
            added.append(term)
    return " ".join([text] + added)
