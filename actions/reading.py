"""What one message said, and the small text helpers the programmes' readers share."""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Dict, Iterable, List, Optional, Sequence, Tuple


@dataclass
class Reading:
    """What one message said: slot values, plus follow-ups for what could not be taken."""

    slots: Dict[str, object] = field(default_factory=dict)
    problems: List[str] = field(default_factory=list)  # questions back about figures
    problem_slots: List[str] = field(default_factory=list)  # the fact each problem was for
    approximate: Dict[str, str] = field(default_factory=dict)  # fact -> the range as written
    # fact -> (low, high, the range as written, its question back): a range that straddles a
    # bound, which the form may still take when neither end would change the decision.
    straddles: Dict[str, Tuple[float, float, str, str]] = field(default_factory=dict)
    clarify: List[str] = field(default_factory=list)  # questions to ask back
    pending: Optional[str] = None  # the noun a clarifying question asked about

    def take_straddle(self, fact: str) -> None:
        """Take a straddling range after all (its low end stands for it), dropping its question."""
        low, _high, said, question = self.straddles.pop(fact)
        self.problems.remove(question)
        self.problem_slots.remove(fact)
        self.slots[fact] = low
        self.approximate[fact] = said

    @property
    def understood(self) -> bool:
        return bool(self.slots or self.problems or self.clarify)


def find_words(text: str, words: Sequence[str]) -> List[Tuple[int, int, str]]:
    """Non-overlapping occurrences of the words, longest first, in text order."""
    found: List[Tuple[int, int, str]] = []
    for word in sorted(words, key=len, reverse=True):
        for hit in re.finditer(re.escape(word), text):
            if not any(s < hit.end() and hit.start() < e for s, e, _ in found):
                found.append((hit.start(), hit.end(), word))
    return sorted(found)


def mask(text: str, spans: Iterable[Tuple[int, int]]) -> str:
    """Blank out spans (same length, so offsets stay valid)."""
    chars = list(text)
    for start, end in spans:
        for i in range(start, end):
            chars[i] = "□"
    return "".join(chars)


def merge(old, new: Iterable[str]) -> List[str]:
    merged = list(old or [])
    merged += [item for item in new if item not in merged]
    return merged
