"""The HTTP gateway: web chat widget, hotline console, JSON API, WeChat endpoint (contract §4).

Run: `.venv/bin/python -m uvicorn gateway.app:app --ws none` (or `make run` for everything).
"""
from __future__ import annotations

import asyncio
import logging
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI, Header, HTTPException, Path as PathParam, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import FileResponse, JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.routing import Match

from gateway import knowledge_service as knowledge
from gateway.conversation_db import ConversationDB
from gateway.feedback import FeedbackStore, feedback_router
from gateway.health import is_ok, store_state, supervisor_state
from gateway.internal import internal_router
from gateway.limits import BodySizeLimit, RateLimiter, client_address, proxy_networks
from gateway.privacy import install_log_masking
from gateway.retention import retention_job
from gateway.models import (
    AskRequest, AskResponse, BotMessage, ChatRequest, Criterion, Decision, ErrorBody,
    EvaluateRequest, Health, HistoryItem, ProgramFacts, MAX_MESSAGE_CHARS, NOT_BLANK, SENDER_PATTERN,
    SearchResponse, SessionRequest, SessionResponse,
)
from gateway.rasa_client import RasaClient, RasaUnavailable
from gateway.sessions import HEADER, WECHAT_PREFIX, SessionError, Sessions
from gateway.settings import Settings, supervisor_status_file
from gateway.shared_state import SharedStateUnavailable, shared_state
from gateway.staff import StaffAuth, staff_router
from gateway.wechat import WeChatEndpoint, WeChatRequestError, wechat_router

log = logging.getLogger("gateway")
# uvicorn configures only its own loggers; give the gateway's a format with the time.
logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
logging.getLogger("httpx2").setLevel(logging.WARNING)  # one line per relayed request is noise
install_log_masking("uvicorn", "uvicorn.error")  # no personal number in a log line
STATIC = Path(__file__).resolve().parent / "static"

ERRORS = {
    400: {"model": ErrorBody, "description": "bad input"},
    404: {"model": ErrorBody, "description": "not found (an unknown programme)"},
    413: {"model": ErrorBody, "description": "request too large"},
    422: {"model": ErrorBody, "description": "invalid request"},
    429: {"model": ErrorBody, "description": "too many requests from this session or client"},
    503: {"model": ErrorBody, "description": "the shared limits (Redis) are not available"},
}
SESSION_ERRORS = {
    401: {"model": ErrorBody, "description": "no session token (X-Session-Token)"},
    403: {"model": ErrorBody, "description": "the token is not this conversation's, or the "
                                             "conversation is a WeChat one"},
}
# FastAPI's words when the body cannot be read at all (e.g. a number of thousands of digits).
UNREADABLE_BODY = "There was an error parsing the body"

RASA_ERRORS = {503: {"model": ErrorBody, "description": "the bot is not available"},
               504: {"model": ErrorBody, "description": "the bot did not answer in time"}}


def _error(status: int, detail: str, headers: dict | None = None) -> JSONResponse:
    return JSONResponse({"detail": detail}, status_code=status, headers=headers)


def _validation_message(exc: RequestValidationError) -> str:
    """One clear sentence (Chinese, then English) for the first problem found."""
    for err in exc.errors():
        kind = err.get("type", "")
        field = ".".join(str(p) for p in err.get("loc", ())[1:]) or "body"
        if kind == "json_invalid":
            return "请求体不是合法的 JSON (malformed JSON)"
        if kind == "missing":
            return f"缺少字段 {field} (missing field)"
        if kind == "string_too_long":
            limit = (err.get("ctx") or {}).get("max_length")
            return f"{field} 过长，最多 {limit} 个字 ({field} too long)"
        if kind in ("string_too_short", "string_pattern_mismatch") and field in (
                "question", "message", "q"):
            return f"{field} 不能为空 ({field} must not be empty)"
        if kind == "string_pattern_mismatch" and field == "sender":
            return "sender 只能由字母、数字和 _.:- 组成，最长 64 个字符 (invalid sender id)"
        return f"{field} 无效：{err.get('msg', '')} (invalid {field})"
    return "请求无效 (invalid request)"


def _allowed_methods(app: FastAPI, request: Request) -> list[str]:
    """Every method some route offers for this path (Starlette names only the first route's,
    and /wechat has one route for GET and one for POST)."""
    methods: set[str] = set()
    for route in app.router.routes:
        match, _ = route.matches({**request.scope, "method": "GET"})
        if match != Match.NONE and getattr(route, "methods", None):
            methods |= route.methods
    return sorted(methods)


SESSION_HEADER = Header(None, alias=HEADER, max_length=200,
                        description="the token POST /api/session gave for this conversation")


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or Settings.from_env()
    rasa = RasaClient(settings)
    state = shared_state(settings.redis_url)
    limiter = RateLimiter(settings.rate_limit_per_minute, settings.rate_limit_burst, state)
    sessions = Sessions(settings.session_key())
    proxies = proxy_networks(settings.trusted_proxies)
    conversations = ConversationDB()
    feedback = FeedbackStore(conversations)
    wechat = WeChatEndpoint(settings, rasa, limiter, feedback, state)

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        # Load retrieval in the background: the gateway answers /livez at once, /healthz
        # turns green when the index is loaded.
        app.state.warm_up = asyncio.create_task(asyncio.to_thread(knowledge.warm_up))
        retention = asyncio.create_task(retention_job(conversations, settings.retention_days))
        yield
        retention.cancel()
        await rasa.aclose()

    app = FastAPI(
        title="政策助手 gateway",
        version="1.0",
        description="Answers about 白云区云聚英才卡 and 广东省智能制造生态合作伙伴, each citing the "
                    "clause of the source document; eligibility decided by the rules engine.",
        lifespan=lifespan,
    )
    app.state.settings = settings
    app.state.rasa = rasa
    app.add_middleware(BodySizeLimit, max_bytes=settings.max_body_bytes)

    # -- errors: a clear message, never a stack trace ------------------------------------
    @app.exception_handler(RequestValidationError)
    async def on_validation_error(request: Request, exc: RequestValidationError):
        return _error(422, _validation_message(exc))

    @app.exception_handler(StarletteHTTPException)
    async def on_http_error(request: Request, exc: StarletteHTTPException):
        detail = exc.detail if isinstance(exc.detail, str) else str(exc.detail)
        headers = getattr(exc, "headers", None)
        if exc.status_code == 404 and detail == "Not Found":
            detail = "没有这个地址 (not found)"
        elif exc.status_code == 400 and detail == UNREADABLE_BODY:
            detail = "请求体无法解析（数字过长或格式错误） (the body cannot be parsed)"
        elif exc.status_code == 405:
            detail = "不支持该请求方法 (method not allowed)"
            headers = {"Allow": ", ".join(_allowed_methods(app, request))}
        return _error(exc.status_code, detail, headers)

    @app.exception_handler(WeChatRequestError)
    async def on_wechat_error(request: Request, exc: WeChatRequestError):
        log.warning("WeChat request refused (%s): %s", exc.status, exc.detail)
        return _error(exc.status, exc.detail)

    @app.exception_handler(SessionError)
    async def on_session_error(request: Request, exc: SessionError):
        return _error(exc.status, exc.detail)

    @app.exception_handler(SharedStateUnavailable)
    async def on_shared_state_down(request: Request, exc: SharedStateUnavailable):
        log.error("shared state unavailable on %s: %s", request.url.path, exc)
        return _error(503, "服务暂时不可用（限流存储无法访问），请稍后再试 (shared state unavailable)")

    @app.exception_handler(Exception)
    async def on_unexpected(request: Request, exc: Exception):
        log.exception("unexpected error on %s %s", request.method, request.url.path)
        return _error(500, "服务器内部错误，请稍后再试 (internal error)")

    @app.middleware("http")
    async def security_headers(request: Request, call_next):
        response = await call_next(request)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        if request.url.path == "/console":
            response.headers.setdefault("X-Frame-Options", "DENY")
        return response

    def limit(key: str) -> None:
        if not limiter.allow(key):
            raise HTTPException(429, "请求过于频繁，请稍后再试 (rate limit exceeded)",
                                headers={"Retry-After": str(limiter.retry_after())})

    def address_key(request: Request) -> str:
        peer = request.client.host if request.client else "unknown"
        return f"ip:{client_address(peer, request.headers.get('x-forwarded-for'), proxies)}"

    def client_key(request: Request) -> str:
        """The session when the request carries a valid token, else the client's address."""
        sender = sessions.sender_of(request.headers.get(HEADER))
        return f"session:{sender}" if sender else address_key(request)

    # -- pages ---------------------------------------------------------------------------
    @app.get("/", include_in_schema=False)
    async def widget_page():
        return FileResponse(STATIC / "index.html", media_type="text/html; charset=utf-8")

    @app.get("/console", include_in_schema=False)
    async def console_page():
        return FileResponse(STATIC / "console.html", media_type="text/html; charset=utf-8")

    app.mount("/static", StaticFiles(directory=STATIC), name="static")

    # -- health --------------------------------------------------------------------------
    @app.get("/livez", tags=["health"], summary="the gateway process answers")
    async def livez() -> dict:
        return {"status": "ok"}

    @app.get("/healthz", tags=["health"], response_model=Health,
             responses={503: {"model": Health, "description": "a service is not ready"}},
             summary="200 when the gateway (index loaded), every Rasa replica (model loaded), "
                     "the action server (retrieval loaded) and the store (a write) answer")
    async def healthz():
        if knowledge.retry_due():
            app.state.warm_up = asyncio.create_task(asyncio.to_thread(knowledge.warm_up))
        services = {"gateway": knowledge.status()}
        services.update(await rasa.health())
        services["store"] = await store_state(conversations, settings.health_timeout_s + 1)
        services["supervisor"] = supervisor_state(supervisor_status_file(settings))
        healthy = all(is_ok(state) for state in services.values())
        body = {"status": "ok" if healthy else "unavailable", "services": services}
        return JSONResponse(body, status_code=200 if healthy else 503)

    # -- answers -------------------------------------------------------------------------
    async def answering(function, *args):
        """Run a retrieval call in a worker thread; its refusal of a question is a 422."""
        from retrieval.searcher import QuestionError

        try:
            return await run_in_threadpool(function, *args)
        except QuestionError as exc:
            raise HTTPException(422, str(exc)) from exc

    @app.post("/api/ask", tags=["answers"], response_model=AskResponse, responses=ERRORS,
              summary="answer a question, quoting the clause it comes from")
    async def api_ask(body: AskRequest, request: Request):
        limit(client_key(request))
        return await answering(knowledge.answer, body.question.strip())

    @app.get("/api/search", tags=["answers"], response_model=SearchResponse, responses=ERRORS,
             summary="hotline console: the top clauses for a question, with contacts, "
                     "highlights and a one-line suggested answer")
    async def api_search(request: Request,
                         q: str = Query(min_length=1, max_length=MAX_MESSAGE_CHARS,
                                        pattern=NOT_BLANK, description="the caller's question"),
                         k: int = Query(5, ge=1, le=10)):
        limit(client_key(request))
        return await answering(knowledge.console_search, q.strip(), k)

    # -- rules ---------------------------------------------------------------------------
    def known_program(program: str) -> str:
        if program not in knowledge.PROGRAMS:
            raise HTTPException(404, f"未知的项目 {program!r}，可选：talent-card、partner "
                                     "(unknown program)")
        return program

    program_param = PathParam(description="talent-card or partner",
                              examples=["talent-card"])

    @app.get("/api/programs/{program}/criteria", tags=["eligibility"],
             response_model=list[Criterion], responses=ERRORS,
             summary="the criteria a person can affirm, as `python -m rules criteria`")
    async def api_criteria(program: str = program_param):
        return await run_in_threadpool(knowledge.program_criteria, known_program(program))

    @app.get("/api/programs/{program}/facts", tags=["eligibility"], response_model=ProgramFacts,
             responses=ERRORS,
             summary="the facts a decision can use (type, label, unit, the question to ask) "
                     "and a question per criteria group, for forms")
    async def api_facts(program: str = program_param):
        return await run_in_threadpool(knowledge.program_facts, known_program(program))

    @app.post("/api/programs/{program}/evaluate", tags=["eligibility"],
              response_model=Decision, responses=ERRORS,
              summary="a decision with cited clauses, as `python -m rules evaluate`")
    async def api_evaluate(body: EvaluateRequest, request: Request,
                           program: str = program_param):
        from rules import RulesInputError

        known_program(program)
        limit(client_key(request))
        try:
            return await run_in_threadpool(knowledge.program_evaluate, program, body.facts,
                                           body.criteria)
        except RulesInputError as exc:
            raise HTTPException(400, f"输入有误：{exc}") from exc

    # -- sessions and chat (relay to Rasa) ---------------------------------------------------
    @app.post("/api/session", tags=["chat"], response_model=SessionResponse, responses=ERRORS,
              summary="start a conversation: its sender id and the token that opens it "
                      "(send it as X-Session-Token)")
    async def api_session(request: Request, body: SessionRequest | None = None):
        limit(f"new-session:{address_key(request)}")
        return sessions.issue(body.kind if body else "widget")

    @app.post("/api/chat", tags=["chat"], response_model=list[BotMessage],
              response_model_exclude_none=True,  # as Rasa sends them: no null fields
              responses={**ERRORS, **SESSION_ERRORS, **RASA_ERRORS},
              summary="send one message of a conversation; the bot's replies, relayed from "
                      "Rasa (citations as `custom` payloads)")
    async def api_chat(body: ChatRequest, request: Request, response: Response,
                       session_token: str | None = SESSION_HEADER):
        try:
            if session_token is None and not body.sender.startswith(WECHAT_PREFIX) \
                    and not await rasa.history(body.sender):
                limit(address_key(request))  # new ids are free to make, not to flood with
                response.headers[HEADER] = sessions.token_for(body.sender)
            else:
                sessions.check(body.sender, session_token)
            limit(f"session:{body.sender}")
            return await rasa.send(body.sender, body.message.strip())
        except RasaUnavailable as exc:
            log.error("chat relay failed: %s", exc)
            if exc.timed_out:
                raise HTTPException(504, "助手回答超时，请稍后再试 (the bot timed out)") from exc
            raise HTTPException(503, exc.detail) from exc

    @app.get("/api/chat/{sender}/history", tags=["chat"], response_model=list[HistoryItem],
             response_model_exclude_none=True,
             responses={**ERRORS, **SESSION_ERRORS, **RASA_ERRORS},
             summary="the conversation so far (from Rasa's tracker store), for the widget "
                     "after a page reload")
    async def api_history(sender: str = PathParam(pattern=SENDER_PATTERN),
                          session_token: str | None = SESSION_HEADER):
        sessions.check(sender, session_token)
        limit(f"session:{sender}")
        try:
            return await rasa.history(sender)
        except RasaUnavailable as exc:
            log.error("history relay failed: %s", exc)
            raise HTTPException(503, "助手暂时不可用，请稍后再试 (the bot is unavailable)") from exc

    app.include_router(wechat_router(wechat))
    app.include_router(internal_router())
    app.include_router(feedback_router(feedback, limiter, sessions))
    app.include_router(staff_router(StaffAuth(settings.staff_token), conversations))
    return app


app = create_app()
