"""Request and response shapes of the JSON API, as they appear in the OpenAPI schema."""
from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from gateway.settings import Settings

# The schema states the limits the endpoints enforce, so API clients (and schemathesis) see
# them; the value comes from the environment once, at import.
MAX_MESSAGE_CHARS = Settings.from_env().max_message_chars
# Not starting with a dot: "." and ".." are path segments in Rasa's URLs (/conversations/./tracker).
SENDER_PATTERN = r"^[A-Za-z0-9_:-][A-Za-z0-9_.:-]{0,63}$"
NOT_BLANK = r"\S"  # at least one visible character (JSON Schema patterns are searched)


class Contact(BaseModel):
    office: str
    phone: str


class Clause(BaseModel):
    """The unit of citation (contract section 1)."""
    model_config = ConfigDict(extra="allow")
    clause_id: str
    doc_id: str | None = None
    doc_title: str
    path: str
    text: str
    contacts: list[Contact] | None = None


class AskRequest(BaseModel):
    question: str = Field(min_length=1, max_length=MAX_MESSAGE_CHARS, pattern=NOT_BLANK,
                          description="at least one letter or digit (“？？？” is refused with 422)",
                          examples=["博士能申请哪种英才卡？"])


AnswerStatus = Literal["answered", "partial", "not_covered"]


class AskResponse(BaseModel):
    answer: str
    status: AnswerStatus = Field(description="answered: the documents settle it; partial: they "
                                 "settle part of it (the answer says what they do not and whom to "
                                 "call); not_covered: they do not (whom to call)")
    answerable: bool = Field(description="true for answered and partial")
    citations: list[Clause]


class SearchHit(BaseModel):
    clause_id: str
    doc_title: str
    path: str
    text: str
    score: float
    contacts: list[Contact] = Field(
        default_factory=list,
        description="咨询电话 of the office concerned: the clause's own, else its section's, "
                    "else the document's general one")
    highlights: list[str] = Field(
        default_factory=list, description="words of the question found in the clause text")


class SearchResponse(BaseModel):
    question: str
    answerable: bool
    status: AnswerStatus | None = Field(None, description="the state of the suggested answer")
    suggestion: str = Field(description="a one-line answer a hotline agent can read out")
    hits: list[SearchHit]


class Criterion(BaseModel):
    model_config = ConfigDict(extra="allow")
    id: str
    group: str
    clause_id: str
    text: str


class FactSpec(BaseModel):
    model_config = ConfigDict(extra="allow")
    name: str
    type: str = Field(description="bool, choice, int, number or ratio (0–1)")
    label: str
    ask: str = Field(description="the question a dialogue asks for this fact")
    unit: str | None = None
    choices: list[str] | None = None


class ProgramFacts(BaseModel):
    facts: list[FactSpec]
    groups: dict[str, str] = Field(description="criteria group → the question that asks it")


class EvaluateRequest(BaseModel):
    facts: dict[str, Any] = Field(default_factory=dict,
                                  examples=[{"employer_in_baiyun": True}])
    criteria: list[str] = Field(default_factory=list, max_length=200,
                                examples=[["gold.phd"]])


class CitedItem(BaseModel):
    model_config = ConfigDict(extra="allow")
    clause_id: str
    text: str


class Decision(BaseModel):
    """As `python -m rules evaluate` prints it (contract section 3)."""
    model_config = ConfigDict(extra="allow")
    program: str
    outcome: str
    tier: str | None = None
    tier_name: str | None = None
    reasons: list[CitedItem] = []
    unmet: list[CitedItem] = []
    review: list[CitedItem] = []
    benefits: list[CitedItem] = []
    missing: list[str] = []
    explanation: str = ""


class SessionRequest(BaseModel):
    kind: Literal["widget", "console"] = "widget"


class SessionResponse(BaseModel):
    sender: str = Field(description="the new conversation's id")
    token: str = Field(description="send it as the X-Session-Token header with every request "
                                   "about this conversation")


class ChatRequest(BaseModel):
    sender: str = Field(pattern=SENDER_PATTERN, examples=["web-3f2a9c"],
                        description="the conversation's id from POST /api/session; the widget "
                                    "keeps it and its token in local storage")
    message: str = Field(min_length=1, max_length=MAX_MESSAGE_CHARS, pattern=NOT_BLANK,
                         examples=["我是博士，能办什么卡？"])


class Button(BaseModel):
    model_config = ConfigDict(extra="allow")
    title: str
    payload: str


class _Turn(BaseModel):
    model_config = ConfigDict(extra="allow")
    text: str | None = None
    buttons: list[Button] | None = None
    custom: Any = Field(None, description="citations: a clause, a list of clauses, or "
                                          "{citation(s): …}; each with clause_id, doc_title, "
                                          "path, text")


class BotMessage(_Turn):
    """One reply of Rasa's REST channel."""
    recipient_id: str | None = None


class HistoryItem(_Turn):
    """One turn of a stored conversation (a clicked button shows as its title)."""
    sender: Literal["user", "bot"]


class Health(BaseModel):
    status: Literal["ok", "unavailable"]
    services: dict[str, str]


class ErrorBody(BaseModel):
    detail: str
