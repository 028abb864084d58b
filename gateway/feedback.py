"""Feedback on answers and decisions (有帮助 / 没帮助, an optional comment), kept in the
conversation store's database beside the conversation it rates.

- The web widget rates a reply of its conversation: the reply is looked up among the
  conversation's stored events, so what is kept (question, answer, status, cited clauses,
  decision) is what the bot really said, not what a client claims it said.
- The hotline console has no conversation with the bot: it sends the question it searched
  (or the decision it got) and the clauses it was shown; clause ids are checked.
- WeChat users reply with a keyword (`有帮助`, `没帮助 意见…`): see `keyword_rating`.
Every text is masked (gateway.privacy) before it is stored.
"""
from __future__ import annotations

import json
import logging
import re
import time
from typing import Literal

from fastapi import APIRouter, Header, HTTPException
from pydantic import BaseModel, Field
from starlette.concurrency import run_in_threadpool

from gateway.conversation_db import ConversationDB, EventRow, StoreUnavailable
from gateway.insights import OUTCOMES, status_of
from gateway.limits import RateLimiter
from gateway.models import SENDER_PATTERN, ErrorBody
from gateway.privacy import mask
from gateway.sessions import HEADER, Sessions

log = logging.getLogger("gateway.feedback")

MAX_COMMENT_CHARS = 300
THANKS = "感谢您的反馈！"
RATEABLE = ("answer", "refusal", "decision")
# A WeChat reply that rates the previous answer: the keyword, then optionally a comment.
_KEYWORD = re.compile(r"^\s*(有帮助|没帮助|没有帮助)(?:[\s，,：:。.!！-]+(.*))?$", re.S)


class FeedbackRequest(BaseModel):
    sender: str = Field(pattern=SENDER_PATTERN, description="the conversation (widget) or the "
                                                             "console session")
    helpful: bool = Field(description="true: 有帮助, false: 没帮助")
    comment: str | None = Field(None, max_length=MAX_COMMENT_CHARS)
    source: Literal["widget", "console"] = "widget"
    answer: str | None = Field(None, max_length=5000,
                               description="widget: the text of the reply rated (the latest "
                                           "answer when absent); console: the suggested answer")
    question: str | None = Field(None, max_length=500, description="console: the question searched")
    clause_ids: list[str] = Field(default_factory=list, max_length=20,
                                  description="console: the clauses shown")
    program: Literal["talent-card", "partner"] | None = Field(
        None, description="console: the programme of a decision rated")
    outcome: Literal[tuple(OUTCOMES)] | None = Field(None, description="console: its outcome")
    tier: str | None = Field(None, max_length=20, description="console: the decision's tier")


class FeedbackReceipt(BaseModel):
    id: int
    message: str


class FeedbackError(LookupError):
    """What the feedback rates is not there (no such answer, an unknown clause); the message
    is for the person (Chinese)."""


def _dumps(value) -> str:
    return json.dumps(value, ensure_ascii=False)


def keyword_rating(text: str) -> tuple[bool, str] | None:
    """(helpful, comment) when a WeChat message is a rating, else None."""
    match = _KEYWORD.match(text or "")
    if not match:
        return None
    return match.group(1) == "有帮助", (match.group(2) or "").strip()


def _payload(event: EventRow) -> dict:
    custom = (event.data.get("data") or {}).get("custom")
    return custom if isinstance(custom, dict) else {}


def rateable_payload(payload: object) -> bool:
    """A bot payload that answers a question or gives a decision (a form question, a hand-off
    or small talk is not rated)."""
    return isinstance(payload, dict) and (payload.get("type") in RATEABLE
                                          or status_of(payload) is not None)


class FeedbackStore:
    def __init__(self, db: ConversationDB | None = None) -> None:
        self.db = db or ConversationDB()

    def rate_reply(self, sender: str, helpful: bool, comment: str = "", answer: str | None = None,
                   channel: str = "web") -> int:
        """Rate one reply of a stored conversation: the one whose text is `answer`, else the
        latest that answers a question or gives a decision."""
        events = self.db.events(sender_id=sender, types=("user", "bot"))
        wanted = mask(answer.strip()) if answer and answer.strip() else None
        target = None
        for event in reversed(events):
            if event.type_name != "bot" or not rateable_payload(_payload(event)):
                continue
            if wanted is None or (event.data.get("text") or "").strip() == wanted:
                target = event
                break
        if target is None:
            raise FeedbackError("找不到要评价的回答：请先提问，再评价助手的回答。")
        question = next((e.data.get("text") for e in reversed(events)
                         if e.type_name == "user" and e.id < target.id), None)
        payload = _payload(target)
        decision = payload.get("type") == "decision"
        return self.db.rate_event({
            "sender_id": sender, "timestamp": time.time(), "channel": channel,
            "kind": "decision" if decision else "answer", "helpful": int(helpful),
            "comment": mask(comment.strip()) or None, "question": question,
            "answer": target.data.get("text"), "status": status_of(payload),
            "clause_ids": _dumps([c.get("clause_id") for c in payload.get("citations") or []
                                 if isinstance(c, dict) and c.get("clause_id")]),
            "program": payload.get("program") if decision else None,
            "outcome": payload.get("outcome") if decision else None,
            "tier": payload.get("tier_name") if decision else None,
            "event_id": target.id})

    def rate_console(self, request: FeedbackRequest) -> int:
        """A hotline agent rates a search (question + suggested answer) or a decision."""
        from knowledge import clause_by_id

        unknown = [c for c in request.clause_ids if clause_by_id(c) is None]
        if unknown:
            raise FeedbackError(f"未知的条款编号：{'、'.join(unknown[:3])}")
        decision = request.program is not None
        return self.db.add_feedback({
            "sender_id": request.sender, "timestamp": time.time(), "channel": "console",
            "kind": "decision" if decision else "search", "helpful": int(request.helpful),
            "comment": mask((request.comment or "").strip()) or None,
            "question": mask((request.question or "").strip()) or None,
            "answer": mask((request.answer or "").strip()) or None, "status": None,
            "clause_ids": _dumps(request.clause_ids), "program": request.program,
            "outcome": request.outcome, "tier": request.tier if decision else None,
            "event_id": None})

    def record(self, request: FeedbackRequest) -> int:
        if request.source == "console":
            return self.rate_console(request)
        return self.rate_reply(request.sender, request.helpful, request.comment or "",
                               request.answer)


RESPONSES = {
    400: {"model": ErrorBody, "description": "the body is not JSON"},
    404: {"model": ErrorBody, "description": "no such answer in the conversation, or an unknown "
                                             "clause"},
    413: {"model": ErrorBody, "description": "request too large"},
    422: {"model": ErrorBody, "description": "invalid request"},
    401: {"model": ErrorBody, "description": "no session token (X-Session-Token)"},
    403: {"model": ErrorBody, "description": "the token is not this conversation's"},
    429: {"model": ErrorBody, "description": "too many requests from this session"},
    503: {"model": ErrorBody, "description": "the conversation store is not available"},
}


def feedback_router(store: FeedbackStore, limiter: RateLimiter, sessions: Sessions) -> APIRouter:
    router = APIRouter(tags=["feedback"])

    @router.post("/api/feedback", response_model=FeedbackReceipt,
                 responses=RESPONSES,
                 summary="有帮助 / 没帮助 (and an optional comment) on a reply of a conversation, "
                         "a console search or a decision; kept with the conversation")
    async def post_feedback(body: FeedbackRequest,
                            session_token: str | None = Header(None, alias=HEADER, max_length=200)):
        # Only the holder of the conversation (widget) or console session rates in its name.
        sessions.check(body.sender, session_token)
        if not limiter.allow(f"feedback:{body.sender}"):
            raise HTTPException(429, "反馈过于频繁，请稍后再试 (rate limit exceeded)")
        try:
            feedback_id = await run_in_threadpool(store.record, body)
        except FeedbackError as exc:
            raise HTTPException(404, str(exc)) from exc
        except StoreUnavailable as exc:
            log.error("feedback not stored: %s", exc)
            raise HTTPException(503, "反馈暂时无法保存，请稍后再试") from exc
        return {"id": feedback_id, "message": THANKS}

    return router
