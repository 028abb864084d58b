"""The staff page `/insights`, behind a sign-in with the configured STAFF_TOKEN.

Never open by default: without a token (or with one shorter than MIN_TOKEN_CHARS) the page
and its data refuse with a Chinese message saying how to switch it on. A correct token gives
a session cookie (HttpOnly, SameSite=Strict, signed with the token, valid for one shift);
scripts may instead send `Authorization: Bearer <token>`. Changing the token ends every
session. Sign-in attempts are rate-limited per client address.
"""
from __future__ import annotations

import hashlib
import hmac
import logging
import threading
import time
from datetime import datetime
from pathlib import Path
from urllib.parse import parse_qs

from fastapi import APIRouter, HTTPException, Path as PathParam, Query, Request
from fastapi.responses import FileResponse, HTMLResponse, JSONResponse, RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from gateway import gaps, report
from gateway.conversation_db import ConversationDB, StoreUnavailable
from gateway.insights import CHINA_TIME
from gateway.limits import RateLimiter

log = logging.getLogger("gateway.staff")

STATIC = Path(__file__).resolve().parent / "static"
COOKIE = "staff_session"
SESSION_S = 10 * 3600  # one shift
MIN_TOKEN_CHARS = 12
NOT_CONFIGURED = ("员工数据页未启用：管理员需设置员工口令 STAFF_TOKEN（至少 12 个字符）后重启，"
                  "例如 STAFF_TOKEN=$(openssl rand -hex 16) make run")
SIGN_IN_NEEDED = "请先登录员工数据页 (staff sign-in required)"
WRONG_TOKEN = "口令不正确，请重新输入。"
NO_STORE_HEADERS = {"Cache-Control": "no-store", "X-Frame-Options": "DENY"}


class StaffAuth:
    def __init__(self, token: str) -> None:
        self.token = token or ""

    @property
    def configured(self) -> bool:
        return len(self.token) >= MIN_TOKEN_CHARS

    def _signature(self, expires: int) -> str:
        return hmac.new(self.token.encode(), f"staff-session:{expires}".encode(),
                        hashlib.sha256).hexdigest()

    def new_session(self, now: float | None = None) -> str:
        expires = int((time.time() if now is None else now) + SESSION_S)
        return f"{expires}.{self._signature(expires)}"

    def valid_session(self, value: str | None, now: float | None = None) -> bool:
        if not (self.configured and value and "." in value):
            return False
        expires, _, signature = value.partition(".")
        if not expires.isdigit() or int(expires) < (time.time() if now is None else now):
            return False
        return hmac.compare_digest(signature, self._signature(int(expires)))

    def valid_token(self, candidate: str) -> bool:
        return self.configured and hmac.compare_digest(candidate.encode(), self.token.encode())

    def signed_in(self, request: Request) -> bool:
        header = request.headers.get("authorization", "")
        if header.lower().startswith("bearer "):
            return self.valid_token(header[7:].strip())
        return self.valid_session(request.cookies.get(COOKIE))


def _door(status: int, message: str = "", closed: bool = False) -> HTMLResponse:
    """The sign-in page, or (closed) the page saying the staff page is not switched on; the
    message is plain text, escaped."""
    from html import escape

    html = (STATIC / "insights-signin.html").read_text(encoding="utf-8")
    for name, value in (("heading", "员工数据页未启用" if closed else "员工登录"),
                        ("form_hidden", "hidden" if closed else ""), ("message", escape(message))):
        html = html.replace("{{" + name + "}}", value)
    return HTMLResponse(html, status_code=status, headers=NO_STORE_HEADERS)


def staff_router(auth: StaffAuth, db: ConversationDB) -> APIRouter:
    router = APIRouter()
    sign_ins = RateLimiter(per_minute=10, burst=5)

    def require_staff(request: Request) -> None:
        if not auth.configured:
            raise HTTPException(503, NOT_CONFIGURED)
        if not auth.signed_in(request):
            raise HTTPException(401, SIGN_IN_NEEDED, headers={"WWW-Authenticate": "Bearer"})

    @router.get("/insights", include_in_schema=False)
    async def insights_page(request: Request):
        if not auth.configured:
            return _door(503, NOT_CONFIGURED, closed=True)
        if not auth.signed_in(request):
            # while the person types the token, get the gap report's model work done
            threading.Thread(target=gaps.prepare, name="gaps-prepare", daemon=True).start()
            return _door(401)
        return FileResponse(STATIC / "insights.html", media_type="text/html; charset=utf-8",
                            headers=NO_STORE_HEADERS)

    @router.post("/insights/login", include_in_schema=False)
    async def sign_in(request: Request):
        if not auth.configured:
            return _door(503, NOT_CONFIGURED, closed=True)
        client = request.client.host if request.client else "unknown"
        if not sign_ins.allow(f"staff:{client}"):
            return _door(429, "尝试次数过多，请一分钟后再试。")
        form = parse_qs((await request.body()).decode("utf-8", errors="replace"))
        token = (form.get("token") or [""])[0].strip()
        if not auth.valid_token(token):
            log.warning("staff sign-in refused from %s", client)
            return _door(401, WRONG_TOKEN)
        response = RedirectResponse("/insights", status_code=303)
        response.set_cookie(COOKIE, auth.new_session(), max_age=SESSION_S, path="/insights",
                            httponly=True, samesite="strict",
                            secure=request.url.scheme == "https")
        return response

    @router.post("/insights/logout", include_in_schema=False)
    async def sign_out():
        response = RedirectResponse("/insights", status_code=303)
        response.delete_cookie(COOKIE, path="/insights")
        return response

    async def built(request: Request, days: int) -> dict:
        require_staff(request)
        try:
            return await run_in_threadpool(report.build, db, days)
        except StoreUnavailable as exc:
            raise HTTPException(503, str(exc)) from exc

    days_param = Query(30, ge=1, le=3650, description="the last N days")

    # Staff-only: left out of the public API documentation (docs/gateway.md describes them).
    @router.get("/insights/api/report", include_in_schema=False, summary="staff: the whole report for the last N days "
                "(sign-in cookie or `Authorization: Bearer STAFF_TOKEN`)")
    async def report_json(request: Request, days: int = days_param):
        return JSONResponse(await built(request, days), headers=NO_STORE_HEADERS)

    @router.get("/insights/api/{name}.csv", include_in_schema=False,
                summary="staff: one table of the report as CSV",
                response_class=Response)
    async def report_csv(request: Request, days: int = days_param,
                         name: str = PathParam(description=", ".join(report.TABLES))):
        if name not in report.TABLES:
            raise HTTPException(404, f"没有这张表：{name}（可选：{'、'.join(report.TABLES)}）")
        body = report.as_csv((await built(request, days))["tables"][name])
        stamp = datetime.now(CHINA_TIME).strftime("%Y%m%d")
        return Response(body, media_type="text/csv; charset=utf-8", headers={
            **NO_STORE_HEADERS,
            "Content-Disposition": f'attachment; filename="{name}-{days}d-{stamp}.csv"'})

    return router
