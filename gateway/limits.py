"""The gateway's doors: the request-size limit and the body checks (ASGI middleware), the
client's address behind configured proxies, and rate limits in shared windows."""
from __future__ import annotations

import ipaddress
import json

from gateway.shared_state import LocalState, SharedState

MAX_JSON_DEPTH = 32  # the deepest request of the API nests 3 levels


class BodySizeLimit:
    """Read the whole body before the application does and refuse, with a clear message:
    a body over `max_bytes` (413, whether it declares a Content-Length or is sent chunked),
    and a JSON body that is not UTF-8 or nests deeper than MAX_JSON_DEPTH (400)."""

    def __init__(self, app, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        headers = dict(scope.get("headers") or [])
        declared = headers.get(b"content-length")
        if declared is not None:
            try:
                too_large = int(declared) > self.max_bytes
            except ValueError:
                return await _reply(send, 400, "Content-Length 无效 (invalid Content-Length)")
            if too_large:
                return await _reply(send, 413, self._message())

        chunks, received, more = [], 0, True
        while more:
            message = await receive()
            if message["type"] != "http.request":  # the client went away
                return
            chunk = message.get("body", b"")
            received += len(chunk)
            if received > self.max_bytes:
                return await _reply(send, 413, self._message())
            chunks.append(chunk)
            more = message.get("more_body", False)
        body = b"".join(chunks)
        if b"json" in headers.get(b"content-type", b"") and body:
            problem = json_problem(body)
            if problem:
                return await _reply(send, 400, problem)

        replayed = False

        async def replay():
            nonlocal replayed
            if replayed:
                return await receive()  # http.disconnect, when it comes
            replayed = True
            return {"type": "http.request", "body": body, "more_body": False}

        await self.app(scope, replay, send)

    def _message(self) -> str:
        return f"请求内容过大（上限 {self.max_bytes} 字节） (request body too large)"


def json_problem(body: bytes) -> str | None:
    """Why a JSON body cannot be read, in Chinese; None when it can be handed to the parser."""
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        return "请求体不是合法的 UTF-8 文本 (body is not valid UTF-8)"
    if text.count("[") + text.count("{") > MAX_JSON_DEPTH and _depth(text) > MAX_JSON_DEPTH:
        return f"JSON 嵌套过深，最多 {MAX_JSON_DEPTH} 层 (JSON nested too deeply)"
    return None


def _depth(text: str) -> int:
    """The deepest nesting of brackets outside strings."""
    depth = deepest = 0
    in_string = escaped = False
    for char in text:
        if in_string:
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == '"':
                in_string = False
        elif char == '"':
            in_string = True
        elif char in "[{":
            depth += 1
            deepest = max(deepest, depth)
        elif char in "]}":
            depth -= 1
    return deepest


async def _reply(send, status: int, detail: str) -> None:
    body = json.dumps({"detail": detail}, ensure_ascii=False).encode()
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", b"application/json; charset=utf-8"),
                            (b"content-length", str(len(body)).encode())]})
    await send({"type": "http.response.body", "body": body})


def proxy_networks(setting: str) -> tuple:
    """TRUSTED_PROXIES ("10.0.0.5, 192.168.0.0/24") as networks; empty: trust none."""
    networks = []
    for item in setting.replace(";", ",").split(","):
        if item.strip():
            try:
                networks.append(ipaddress.ip_network(item.strip(), strict=False))
            except ValueError as exc:
                raise SystemExit(f"configuration error: TRUSTED_PROXIES: {item.strip()!r} is "
                                 "not an address or network") from exc
    return tuple(networks)


def _trusted(address: str, proxies: tuple) -> bool:
    try:
        ip = ipaddress.ip_address(address.strip())
    except ValueError:
        return False
    return any(ip in network for network in proxies)


def client_address(peer: str, forwarded_for: str | None, proxies: tuple) -> str:
    """The client's address: the peer's, unless the peer is a configured proxy; then the
    right-most X-Forwarded-For entry that is not itself a configured proxy (entries further
    left were written by the client and prove nothing)."""
    if not forwarded_for or not _trusted(peer, proxies):
        return peer
    hops = [hop.strip() for hop in forwarded_for.split(",") if hop.strip()]
    for hop in reversed(hops):
        if not _trusted(hop, proxies):
            return hop
    return hops[0] if hops else peer


class RateLimiter:
    """At most `per_minute` requests in any minute and `burst` in any burst window (the time
    the per-minute rate takes to allow `burst` requests), per key, counted in shared state so
    every gateway worker applies the same limit."""

    def __init__(self, per_minute: int, burst: int, state: SharedState | None = None) -> None:
        self.per_minute = max(per_minute, 1)
        self.burst = max(burst, 1)
        self.burst_window_s = 60.0 * self.burst / self.per_minute
        self.state = state or LocalState()

    def allow(self, key: str) -> bool:
        in_burst = self.state.hit(f"rate:burst:{key}", self.burst_window_s)
        in_minute = self.state.hit(f"rate:minute:{key}", 60.0)
        return in_burst <= self.burst and in_minute <= self.per_minute

    def retry_after(self) -> int:
        return max(1, int(60 / self.per_minute))
