"""Three-valued logic for conditions whose facts may not be known yet.

A Verdict is True (met), False (not met) or None (unknown). An unknown verdict knows which
unknown facts could settle it in its favour: its `ways`, each a set of facts that, learnt
favourable together, would make it true. Only the smallest ways count: a tax figure that
already passes needs just "是否企业主要负责人"; the revenue figure then adds nothing, since
any way through it also needs that same answer.

`missing` is the union of those smallest ways, in the order the facts were first met while
evaluating, which the rule files arrange to be the order a dialogue asks them. Asking the
first, re-evaluating, and asking again never loses a route: if an answer closes one way,
the next evaluation names the facts of the ways still open.
"""
from __future__ import annotations

from dataclasses import dataclass
from itertools import product
from typing import FrozenSet, Iterable, Optional, Tuple


@dataclass(frozen=True)
class Verdict:
    value: Optional[bool]
    ways: Tuple[FrozenSet[str], ...] = ()
    order: Tuple[str, ...] = ()  # every fact of `ways`, first-met first

    @property
    def missing(self) -> Tuple[str, ...]:
        needed = set().union(*self.ways)
        return tuple(f for f in self.order if f in needed)


MET = Verdict(True)
NOT_MET = Verdict(False)


def known(value: bool) -> Verdict:
    return MET if value else NOT_MET


def unknown(*facts: str) -> Verdict:
    return Verdict(None, (frozenset(facts),), tuple(facts))


def all_of(verdicts: Iterable[Verdict]) -> Verdict:
    """Met when every part is met; one part not met decides it."""
    return _combine(verdicts, deciding=False, ways_of=_together)


def any_of(verdicts: Iterable[Verdict]) -> Verdict:
    """Met when one part is met; not met when none can be."""
    return _combine(verdicts, deciding=True, ways_of=_either)


def _combine(verdicts: Iterable[Verdict], deciding: bool, ways_of) -> Verdict:
    verdicts = list(verdicts)
    if any(v.value is deciding for v in verdicts):
        return known(deciding)
    pending = [v for v in verdicts if v.value is None]
    if not pending:
        return known(not deciding)
    ways = ways_of(pending)
    smallest = tuple(w for w in ways if not any(other < w for other in ways))
    order = []
    for part in pending:
        order.extend(f for f in part.order if f not in order)
    return Verdict(None, smallest, tuple(order))


def _together(pending: list) -> set:
    """Every part must come true: one way through each, learnt together."""
    return {frozenset().union(*choice) for choice in product(*(v.ways for v in pending))}


def _either(pending: list) -> set:
    return {way for v in pending for way in v.ways}
