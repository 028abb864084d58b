"""The answering module: one question in, one cited answer out, for every door (the Rasa
actions, /api/ask and the hotline console).

A question is read once (question.read). Then the composers that the documents' structure and
the rules decide are tried in turn, each answering only questions of its kind; the first that
answers wins. What none of them answers goes to retrieval (retrieved.answer): the best clause
quoted, or "not covered" with whom to call. Every answer is {answer, status, answerable,
citations}; see answer.py for the three states.
"""
from __future__ import annotations

from answering import benefits, bounds, retrieved, scope, sections
from answering.answer import PARTIAL, STATUSES, Answer
from retrieval.question import Question, read
from retrieval.searcher import QuestionError, check_question

__all__ = ["ask", "QuestionError", "STATUSES"]

# The composers the documents' structure and the rules decide, most specific first.
STRUCTURAL = (
    benefits.tier_benefit,
    benefits.compare_tiers,
    benefits.tier_benefit_list,
    benefits.benefit_holders,
    bounds.answer,
    bounds.thresholds,
    scope.mentioned_only,
    sections.lists,
    sections.contact,
    sections.when_and_where,
)


def _structural(question: Question) -> Answer | None:
    for compose in STRUCTURAL:
        composed = compose(question)
        if composed is not None:
            return composed
    return None


def _joined(first: Answer, second: Answer, status: str) -> Answer:
    return Answer(status=status, sentences=first.sentences + second.sentences,
                  cited=first.cited + [c for c in second.cited if c not in first.cited])


def ask(text: str) -> dict:
    """Answer one question; raises QuestionError (a Chinese message) for empty or over-long input."""
    question = read(check_question(text))
    # Another place's scheme is never answered with our clauses.
    outside = scope.outside(question)
    if outside is not None:
        return outside.as_dict()
    # A property no clause states: said plainly, after whatever else the documents do settle
    # (never after a retrieved clause, which would be about something else).
    unsettled = scope.unsettled(question)
    if unsettled is not None:
        settled = _structural(question) or scope.located(question)
        if settled is None:
            return unsettled.as_dict()
        return _joined(settled, unsettled, PARTIAL).as_dict()
    composed = _structural(question)
    if composed is not None:
        return composed.as_dict()
    # Where a company or person is, read against its clause, then what retrieval finds.
    located = scope.located(question)
    found = retrieved.answer(question)
    if located is None:
        return found
    if found["answerable"] and found["citations"][0]["clause_id"] not in located.cited:
        located.sentences.append(found["answer"])
        located.cited += [c["clause_id"] for c in found["citations"] if c["clause_id"] not in located.cited]
    return located.as_dict()
