"""State the gateway's workers share: a counter in a sliding time window (rate limits) and
"first seen" with a time to live (WeChat MsgId de-duplication, nonce memory).

With REDIS_URL set both live in Redis, so every gateway worker sees the same counts and the
same messages; without it they live in this process (`make run` runs one gateway worker).
"""
from __future__ import annotations

import threading
import time
from typing import Protocol


class SharedStateUnavailable(Exception):
    """Redis did not answer: the caller refuses the request rather than guess."""


class SharedState(Protocol):
    def hit(self, key: str, window_s: float) -> float:
        """Count one event for `key`; how many there were in the last `window_s` seconds,
        this one included (estimated from the current fixed window and the previous one,
        weighted by how much of it still lies in the last `window_s`: no burst slips through
        at a window's edge)."""

    def first_seen(self, key: str, ttl_s: float) -> bool:
        """True the first time `key` is seen within `ttl_s` seconds, False after that."""


def _windows(key: str, window_s: float, now: float) -> tuple[str, str, float]:
    """The current window's key, the previous one's, and the previous one's weight."""
    number, into = divmod(now, window_s)
    return f"{key}@{int(number)}", f"{key}@{int(number) - 1}", 1.0 - into / window_s


class LocalState:
    """One process's memory. Entries past their time are swept when the table grows."""

    SWEEP_AT = 50_000

    def __init__(self) -> None:
        self._entries: dict[str, tuple[int, float]] = {}  # key → (count, expires at)
        self._lock = threading.Lock()

    def _bump(self, key: str, ttl_s: float, now: float) -> int:
        count, expires = self._entries.get(key, (0, 0.0))
        if expires <= now:
            count, expires = 0, now + ttl_s
        self._entries[key] = (count + 1, expires)
        if len(self._entries) > self.SWEEP_AT:
            self._entries = {k: v for k, v in self._entries.items() if v[1] > now}
        return count + 1

    def hit(self, key: str, window_s: float) -> float:
        now = time.time()
        current, previous, weight = _windows(key, window_s, now)
        with self._lock:
            count = self._bump(current, 2 * window_s, now)
            before, expires = self._entries.get(previous, (0, 0.0))
            return count + (before * weight if expires > now else 0.0)

    def first_seen(self, key: str, ttl_s: float) -> bool:
        now = time.time()
        with self._lock:
            return self._bump(key, ttl_s, now) == 1


class RedisState:
    """The same two primitives on a Redis server (INCR + EXPIRE, SET NX EX)."""

    PREFIX = "policy-assistant:"

    def __init__(self, url: str, timeout_s: float = 1.0) -> None:
        import redis

        self._errors = (redis.RedisError, OSError)
        self._redis = redis.Redis.from_url(url, socket_timeout=timeout_s,
                                           socket_connect_timeout=timeout_s)

    def hit(self, key: str, window_s: float) -> float:
        current, previous, weight = _windows(self.PREFIX + key, window_s, time.time())
        try:
            with self._redis.pipeline() as pipe:
                count, _, before = (pipe.incr(current).expire(current, int(2 * window_s) + 1)
                                    .get(previous).execute())
        except self._errors as exc:
            raise SharedStateUnavailable(f"Redis: {type(exc).__name__}") from exc
        return int(count) + int(before or 0) * weight

    def first_seen(self, key: str, ttl_s: float) -> bool:
        try:
            return bool(self._redis.set(self.PREFIX + key, 1, nx=True,
                                        ex=max(1, int(ttl_s + 0.999))))
        except self._errors as exc:
            raise SharedStateUnavailable(f"Redis: {type(exc).__name__}") from exc


def shared_state(redis_url: str) -> SharedState:
    return RedisState(redis_url) if redis_url else LocalState()
