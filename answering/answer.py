"""The shape of an answer and the two kinds of sentence it may hold: a verbatim quote of a
clause, or a sentence filled from rule data. Each sentence adds the clauses it rests on.

    status: answered      the documents settle the question
            partial       they settle part of it: what they say, what they do not, whom to call
            not_covered   they do not: what is not covered, whom to call
"""
from __future__ import annotations

from dataclasses import dataclass, field

from knowledge import clause_by_id
from knowledge.contacts import contact_lines

ANSWERED, PARTIAL, NOT_COVERED = "answered", "partial", "not_covered"
STATUSES = (ANSWERED, PARTIAL, NOT_COVERED)
CITATION_KEYS = ("clause_id", "doc_id", "doc_title", "path", "text", "contacts")
BOTH_DOCUMENTS = "《白云区云聚英才卡申领及服务指南》和《广东省智能制造生态合作伙伴（2024年）申报指南》"


def clause(clause_id: str) -> dict:
    found = clause_by_id(clause_id)
    if found is None:  # a rule file naming a clause the parser does not produce is a bug
        raise KeyError(f"no clause {clause_id}")
    return found


def quote(clause_id: str) -> str:
    """“verbatim text”"""
    return f"“{clause(clause_id)['text']}”"


def source(clause_id: str) -> str:
    """《document》（section path）"""
    found = clause(clause_id)
    return f"《{found['doc_title']}》（{found['path']}）"


def citation(clause_id: str) -> dict:
    found = clause(clause_id)
    return {key: found[key] for key in CITATION_KEYS if key in found}


@dataclass
class Answer:
    status: str = ANSWERED
    sentences: list[str] = field(default_factory=list)
    cited: list[str] = field(default_factory=list)

    def say(self, sentence: str, *clause_ids: str) -> "Answer":
        """A sentence filled from rule data, resting on these clauses."""
        self.sentences.append(sentence)
        self.cite(*clause_ids)
        return self

    def quote(self, clause_id: str, lead: str = "") -> "Answer":
        """The clause verbatim, named by document and section."""
        return self.say(f"{lead}根据{source(clause_id)}：{quote(clause_id)}。", clause_id)

    def cite(self, *clause_ids: str) -> "Answer":
        for clause_id in clause_ids:
            if clause_id not in self.cited:
                self.cited.append(clause_id)
        return self

    def refer(self, topic: str) -> "Answer":
        """Whom to call: the numbers the documents list for talent, partner or both."""
        text, cited = contact_lines(topic)
        return self.say(text, *cited)

    def as_dict(self) -> dict:
        return {"answer": "".join(self.sentences), "status": self.status,
                "answerable": self.status != NOT_COVERED,
                "citations": [citation(clause_id) for clause_id in self.cited]}
