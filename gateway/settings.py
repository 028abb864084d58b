"""Gateway configuration: environment variables with embedded defaults.

Everything runs on 127.0.0.1 out of the box; a deployment overrides what it needs, e.g.
    GATEWAY_PORT=8080 WECHAT_TOKEN=… WECHAT_AES_KEY=… WECHAT_APP_ID=wx… make run
"""
from __future__ import annotations

import os
import secrets
from dataclasses import dataclass, fields, replace
from pathlib import Path

# Only for a machine nobody outside can reach; `make run` warns when it is still in use.
DEV_WECHAT_TOKEN = "policy-assistant-dev-token"
ENV_NAMES = {"host": "GATEWAY_HOST", "port": "GATEWAY_PORT"}


@dataclass(frozen=True)
class Settings:
    host: str = "127.0.0.1"
    port: int = 8000
    rasa_url: str = "http://127.0.0.1:5005"
    # Cluster mode: the Rasa replicas, comma-separated; empty: RASA_URL alone.
    rasa_urls: str = ""
    # Rasa's HTTP API (trackers, model) answers only with this token; empty: one is made once
    # and kept in RASA_TOKEN_FILE, readable by the owner only (the gateway and the operator).
    rasa_token: str = ""
    rasa_token_file: str = "data/rasa-token"
    action_server_url: str = "http://127.0.0.1:5055"
    # /api/chat waits this long for Rasa; a guided-form turn runs the rules engine, an answer
    # turn runs retrieval in the action server, both well under a second once loaded.
    rasa_timeout_s: float = 30.0
    health_timeout_s: float = 2.0

    wechat_token: str = DEV_WECHAT_TOKEN
    wechat_aes_key: str = ""  # 43 characters (EncodingAESKey); empty: plain mode only
    wechat_app_id: str = ""
    # WeChat drops a passive reply that takes longer than 5 s and retries; keep a margin
    # for the network between WeChat and us.
    wechat_budget_s: float = 4.5
    wechat_dedup_ttl_s: float = 120.0
    # A signed request whose timestamp is further from now than this is refused (a replay of
    # an old capture); WeChat's own retries come within seconds. 0 turns the check off.
    wechat_max_skew_s: float = 300.0
    wechat_reply_max_bytes: int = 2000  # WeChat truncates text replies at 2048 bytes

    max_message_chars: int = 500
    max_body_bytes: int = 64 * 1024
    # per session (chat, feedback; ask, search and evaluate when they carry one), per WeChat
    # user, else per client address (starting a session, requests without one)
    rate_limit_per_minute: int = 60
    rate_limit_burst: int = 20
    # Addresses or networks of the reverse proxies in front of the gateway, comma-separated:
    # only from these is X-Forwarded-For believed. Empty: the peer's address is the client's.
    trusted_proxies: str = ""
    # Rate limits and WeChat de-duplication in Redis (shared by every gateway worker), e.g.
    # redis://127.0.0.1:6379/0; empty: in this process.
    redis_url: str = ""

    # The key that signs session tokens; empty: one is made once in SESSION_SECRET_FILE.
    session_secret: str = ""
    session_secret_file: str = "data/session-secret"

    # The staff page /insights: closed unless a token of 12 characters or more is set.
    staff_token: str = ""
    # Conversations and feedback are deleted this many days after they were stored; 0 keeps
    # them (see gateway/retention.py).
    retention_days: int = 180

    @classmethod
    def from_env(cls) -> "Settings":
        """Each setting from the environment variable of its name in capitals (GATEWAY_HOST,
        GATEWAY_PORT for the first two), else the default above."""
        values = {}
        for item in fields(cls):
            name = ENV_NAMES.get(item.name, item.name.upper())
            raw = os.environ.get(name, "").strip()
            if not raw:
                continue
            kind = type(item.default)
            try:
                values[item.name] = kind(raw) if kind is not str else raw
            except ValueError as exc:
                raise SystemExit(f"configuration error: {name}={raw!r} is not {kind.__name__}") from exc
            if item.name.endswith("_url"):
                values[item.name] = raw.rstrip("/")
        return cls(**values)

    def with_(self, **changes) -> "Settings":
        """A copy with some values changed (tests use it to shrink limits)."""
        return replace(self, **changes)

    def rasa_replicas(self) -> list[str]:
        listed = [url.strip().rstrip("/") for url in self.rasa_urls.split(",") if url.strip()]
        return listed or [self.rasa_url]

    def rasa_api_token(self) -> str:
        """The token for Rasa's HTTP API: the configured one, else the one kept on disk (made
        on first use). Rasa is started with it and only the gateway is given it."""
        return self.rasa_token or secret_on_disk(self.rasa_token_file)

    def session_key(self) -> bytes:
        """The key that signs the widget's and the console's session tokens."""
        return (self.session_secret or secret_on_disk(self.session_secret_file)).encode()

    def bound_to_loopback(self) -> bool:
        return self.host in LOOPBACK_HOSTS or self.host.startswith("127.")


LOOPBACK_HOSTS = ("127.0.0.1", "::1", "localhost")


def supervisor_status_file(settings: Settings) -> Path:
    """Where the supervisor of the stack on this gateway port records restarts (/healthz
    reads it)."""
    return Path(__file__).resolve().parent.parent / "data" / f"supervisor-{settings.port}.json"


def secret_on_disk(file: str | Path) -> str:
    """A random secret kept in `file` (relative to the project), readable by the owner only;
    made on first use, the same for every process after that."""
    path = Path(file)
    if not path.is_absolute():
        path = Path(__file__).resolve().parent.parent / path
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:  # another worker made it at the same moment
            pass
        else:
            with os.fdopen(descriptor, "w") as out:
                out.write(secrets.token_urlsafe(32))
    return path.read_text().strip()
