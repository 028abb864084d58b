"""Answers for the action server: the gateway holds the one copy of the embedding model and
index, and the action server asks it here instead of loading its own (POLICY_KNOWLEDGE_URL).

Loopback callers only, outside the public schema, and not rate-limited per client: every chat
turn of every user arrives from the one action server, and /api/chat already limits each
conversation. A question retrieval refuses (empty, too long) is a 422 with its Chinese message.
"""
from __future__ import annotations

from typing import Literal, Optional

from fastapi import APIRouter, HTTPException, Query, Request
from pydantic import BaseModel
from starlette.concurrency import run_in_threadpool

from gateway import knowledge_service as knowledge

LOOPBACK = ("127.", "::1", "localhost")


class InternalQuestion(BaseModel):
    question: str
    context: Optional[Literal["talent", "partner"]] = None  # the assessment it was asked in


def internal_router() -> APIRouter:
    router = APIRouter(prefix="/internal", include_in_schema=False)

    def loopback_only(request: Request) -> None:
        host = request.client.host if request.client else ""
        # A request relayed by a proxy on this machine has a loopback peer too, but came
        # from outside: proxies say so in these headers.
        relayed = any(name in request.headers for name in ("x-forwarded-for", "forwarded"))
        if relayed or not host.startswith(LOOPBACK):
            raise HTTPException(403, "仅限本机服务调用 (loopback only)")

    async def run(function, *args):
        from retrieval.searcher import QuestionError

        try:
            return await run_in_threadpool(function, *args)
        except QuestionError as exc:
            raise HTTPException(422, str(exc)) from exc

    @router.get("/status")
    async def internal_status(request: Request):
        loopback_only(request)
        return {"retrieval": knowledge.status()}

    @router.post("/ask")
    async def internal_ask(body: InternalQuestion, request: Request):
        loopback_only(request)
        return await run(knowledge.answer, body.question, body.context)

    @router.get("/search")
    async def internal_search(request: Request, q: str, k: int = Query(5, ge=1, le=20)):
        loopback_only(request)
        return await run(knowledge.search, q, k)

    return router
