"""The answering module: one question in, one cited answer out, for every door (the Rasa
actions, /api/ask and the hotline console).

A question is read once (retrieval.question.read). Another place's scheme is refused at once
(scope.outside). Then the composers that the documents' structure and the rules decide answer
what they can: one core composer (tier × benefit, bounds, comparisons …) and the further things
asked at once (materials, phones, where). A property no clause states is said to be not covered,
after whatever else is settled. What no composer answers goes to retrieval (retrieved.answer):
the best clause quoted, or "not covered" with whom to call; a place named as where a company or
person is comes first, read against its clause. Every answer is {answer, status, answerable,
citations}; see answer.py for the three states.
"""
from __future__ import annotations

from answering import benefits, bounds, criteria, durations, retrieved, scope, sections
from answering.answer import ANSWERED, PARTIAL, STATUSES, Answer
from retrieval.question import Question, read
from retrieval.searcher import QuestionError, check_question

__all__ = ["ask", "QuestionError", "STATUSES"]

# Composers the documents' structure and the rules decide, most specific first: the first that
# answers gives the answer's core.
CORE = (
    benefits.tier_benefit,
    benefits.compare_tiers_on_benefit,
    benefits.compare_tiers,
    benefits.tier_benefit_list,
    benefits.benefit_holders,
    benefits.benefit_details,
    sections.domain_list,
    sections.selection_or_direct,
    sections.compare_domains,
    sections.direct_check,
    criteria.cards_for_titles,
    bounds.stated_percentage,
    durations.answer,
    bounds.answer,
    bounds.thresholds,
    scope.mentioned_only,
)
# Composers for the further things a question may ask at once (the materials, whom to call,
# where): each adds what the core has not already cited.
ALSO = (
    sections.lists,
    sections.contact,
    sections.when_and_where,
    sections.reviewer,
)


def _joined(parts: list[Answer]) -> Answer | None:
    joined = None
    for part in parts:
        if joined is None:
            joined = Answer(status=part.status, sentences=list(part.sentences), cited=list(part.cited))
        elif not set(part.cited) <= set(joined.cited):
            joined.sentences += part.sentences
            joined.cite(*part.cited)
            if part.status != ANSWERED and joined.status == ANSWERED:
                joined.status = part.status
    return joined


def _structural(question: Question) -> Answer | None:
    for compose in CORE:
        core = compose(question)
        if core is not None:
            break
    if core is not None and compose is scope.mentioned_only:
        return core  # "优粤卡怎么申请" asks about that scheme: our card's procedure is not its answer
    also = [a for a in (compose(question) for compose in ALSO) if a is not None]
    return _joined(([core] if core else []) + also)


def ask(text: str, context: str | None = None) -> dict:
    """Answer one question; raises QuestionError (a Chinese message) for empty or over-long input.
    `context`: the document a conversation is about, for a question that names neither."""
    question = read(check_question(text), context)
    outside = scope.outside(question)
    if outside is not None:
        return outside.as_dict()
    settled = _structural(question)
    unsettled = scope.unsettled(question)
    located = scope.located(question)
    if unsettled is not None:
        # never after a retrieved clause, which would be about something else
        parts = [p for p in (settled, located) if p is not None]
        if not parts:
            return unsettled.as_dict()
        both = _joined(parts)
        # what is not settled is always said, even when its office is already cited
        both.sentences += [s for s in unsettled.sentences if s not in both.sentences]
        both.cite(*unsettled.cited)
        both.status = PARTIAL
        return both.as_dict()
    if settled is not None:
        return _joined([p for p in (located, settled) if p is not None]).as_dict()
    found = retrieved.answer(question)
    if located is None:
        return found
    if found["answerable"] and found["citations"][0]["clause_id"] not in located.cited:
        located.sentences.append(found["answer"])
        located.cite(*(c["clause_id"] for c in found["citations"]))
    return located.as_dict()
