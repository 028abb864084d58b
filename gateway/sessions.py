"""Session tokens: a conversation over HTTP belongs to whoever holds the token the gateway
issued when it started.

`POST /api/session` makes a new conversation id and its token, `<sender>.<HMAC-SHA256 of the
sender under the server's key>`; the widget and the console keep both and send the token in
the `X-Session-Token` header. Without the key nobody can make a token for an id they did not
get, so a guessed or leaked conversation id alone reads and continues nothing. WeChat
conversations (`wx_…`) are never issued, so never readable or writable over HTTP.

A client that names its own id (`POST /api/chat {sender, message}`, as the JSON API has always
allowed) may start a conversation that does not exist yet; the token that continues it comes
back in the `X-Session-Token` response header. Continuing an existing one needs its token.
"""
from __future__ import annotations

import base64
import hashlib
import hmac
import secrets

HEADER = "X-Session-Token"
KINDS = {"widget": "web", "console": "console"}  # who asks → the prefix of its ids
WECHAT_PREFIX = "wx_"


class SessionError(Exception):
    """A request without a valid token for its conversation; the message is Chinese."""

    def __init__(self, status: int, detail: str) -> None:
        super().__init__(detail)
        self.status = status
        self.detail = detail


class Sessions:
    def __init__(self, key: bytes) -> None:
        self._key = key

    def _mac(self, sender: str) -> str:
        digest = hmac.new(self._key, b"session:" + sender.encode(), hashlib.sha256).digest()
        return base64.urlsafe_b64encode(digest).decode().rstrip("=")

    def issue(self, kind: str = "widget") -> dict:
        sender = f"{KINDS[kind]}-{secrets.token_hex(12)}"
        return {"sender": sender, "token": self.token_for(sender)}

    def token_for(self, sender: str) -> str:
        return f"{sender}.{self._mac(sender)}"

    def sender_of(self, token: str | None) -> str | None:
        """The conversation a token was issued for; None when it is not a token of ours."""
        sender, dot, mac = (token or "").rpartition(".")
        if not dot or not sender or sender.startswith(WECHAT_PREFIX):
            return None
        return sender if hmac.compare_digest(mac, self._mac(sender)) else None

    def check(self, sender: str, token: str | None) -> None:
        """Raise SessionError unless `token` was issued for `sender`."""
        if sender.startswith(WECHAT_PREFIX):
            raise SessionError(403, "微信中的对话不能通过网页读取或继续 (WeChat conversations are "
                                    "not available over HTTP)")
        if not token:
            raise SessionError(401, f"缺少会话令牌（{HEADER}）：请刷新页面开始新的对话 "
                                    "(session token required)")
        if self.sender_of(token) != sender:
            raise SessionError(403, "会话令牌与对话不符：请刷新页面开始新的对话 "
                                    "(invalid session token for this conversation)")
