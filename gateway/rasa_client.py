"""Talking to Rasa's REST channel and HTTP API, and checking the services are up.

With several Rasa replicas (RASA_URLS, cluster mode) each message goes to the next replica in
turn, so the turns of one conversation land on different replicas (they share the tracker
store and Rasa's Redis lock store); a replica that does not take the connection, or dies
before answering, is skipped and the message goes to the next one.
"""
from __future__ import annotations

import asyncio
import itertools
import logging
from typing import Any
from urllib.parse import quote

import httpx2 as httpx  # starlette's TestClient uses the same client library

from gateway.health import retrieval_state
from gateway.privacy import mask
from gateway.settings import Settings

log = logging.getLogger("gateway.rasa")


UNAVAILABLE = "助手暂时不可用，请稍后再试 (the bot is unavailable)"
# Rasa answers [] when a turn produced nothing: the action server down or crashing, no model
# loaded, the index not loaded. A user must never see nothing.
NO_REPLY = ("助手这次没有给出回答（服务出现故障，已记录），请稍后再试；急事请拨打 12345 "
            "政务服务便民热线。 (the bot produced no reply)")
# bot/channels.py answers 503 with this error when the conversation store did not keep a turn.
STORE_ERROR = "store_unavailable"
STORE_FAILED = ("对话记录暂时无法保存，这条消息没有处理，请稍后再发一次。 "
                "(the conversation store is unavailable; the message was not processed)")


class RasaUnavailable(Exception):
    """Rasa did not answer (down, still loading, or too slow), or answered a turn it could not
    keep or could not reply to; `detail` is the message for the user."""

    def __init__(self, message: str, timed_out: bool = False, detail: str = UNAVAILABLE) -> None:
        super().__init__(message)
        self.timed_out = timed_out
        self.detail = detail


class RasaClient:
    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.replicas = settings.rasa_replicas()
        self._turn = itertools.count()
        self._http: httpx.AsyncClient | None = None
        self._loop: asyncio.AbstractEventLoop | None = None

    @property
    def http(self) -> httpx.AsyncClient:
        # Created on first use inside the running event loop (its connections belong to that
        # loop: a test client that runs each request in a new loop gets a new one).
        loop = asyncio.get_running_loop()
        if self._http is None or self._loop is not loop:
            self._loop = loop
            self._http = httpx.AsyncClient(
                timeout=self.settings.rasa_timeout_s,
                limits=httpx.Limits(max_connections=50, max_keepalive_connections=20),
                trust_env=False,  # loopback: never through a proxy from the environment
            )
        return self._http

    async def aclose(self) -> None:
        if self._http is not None:
            await self._http.aclose()
            self._http = None

    def _in_turn(self) -> list[str]:
        """The replicas, starting with the next one in turn."""
        first = next(self._turn) % len(self.replicas)
        return self.replicas[first:] + self.replicas[:first]

    async def send(self, sender: str, message: str) -> list[dict[str, Any]]:
        """The bot's replies to one user message (Rasa REST channel)."""
        # Personal numbers never reach Rasa from the gateway's doors (widget, WeChat).
        body = {"sender": sender, "message": mask(message)}
        failure: RasaUnavailable | None = None
        for replica in self._in_turn():
            try:
                response = await self.http.post(f"{replica}/webhooks/rest/webhook", json=body)
                break
            except httpx.TimeoutException as exc:
                if await self._answers(replica):
                    # Still working on the turn: sending it again could double it.
                    raise RasaUnavailable("Rasa did not answer in time", timed_out=True) from exc
                # It died while the message waited (a turn is saved only once complete).
                log.warning("Rasa replica %s died while answering, trying the next", replica)
                failure = RasaUnavailable("Rasa did not answer in time", timed_out=True)
            except (httpx.ConnectError, httpx.RemoteProtocolError, httpx.ReadError) as exc:
                # Refused, or the replica died before it answered (it saves a turn only after
                # the turn is complete): the next replica takes the message.
                log.warning("Rasa replica %s failed (%s), trying the next", replica,
                            type(exc).__name__)
                failure = RasaUnavailable(f"Rasa unreachable: {type(exc).__name__}")
            except httpx.HTTPError as exc:
                raise RasaUnavailable(f"Rasa unreachable: {type(exc).__name__}") from exc
        else:
            raise failure or RasaUnavailable("no Rasa replica configured")
        if response.status_code == 503 and _error_of(response) == STORE_ERROR:
            raise RasaUnavailable("the conversation store did not keep the turn",
                                  detail=STORE_FAILED)
        if response.status_code != 200:
            raise RasaUnavailable(f"Rasa answered HTTP {response.status_code}")
        try:
            replies = response.json()
        except ValueError as exc:
            raise RasaUnavailable("Rasa answered something that is not JSON") from exc
        if not isinstance(replies, list):
            raise RasaUnavailable("Rasa answered an unexpected shape")
        replies = [reply for reply in replies if isinstance(reply, dict)]
        if not replies:
            raise RasaUnavailable("Rasa answered no reply ([])", detail=NO_REPLY)
        return replies

    async def _answers(self, replica: str) -> bool:
        """False only when the replica refuses connections (its process is gone); a slow
        answer under load is a live replica, whose turn must not be sent twice."""
        try:
            await self.http.get(f"{replica}/", timeout=self.settings.health_timeout_s)
        except httpx.ConnectError:
            return False
        except httpx.HTTPError:
            pass
        return True

    async def history(self, sender: str) -> list[dict[str, Any]]:
        """The conversation so far, from Rasa's tracker store: user and bot turns in order.
        A button the user clicked shows as the button's title, not its /intent payload."""
        path = f"/conversations/{quote(sender, safe='')}/tracker"
        params = {"include_events": "AFTER_RESTART", "token": self.settings.rasa_api_token()}
        failure: Exception | None = None
        for replica in self._in_turn():  # any replica reads the shared store; a dead one is skipped
            try:
                response = await self.http.get(replica + path, params=params)
                break
            except httpx.HTTPError as exc:
                failure = exc
        else:
            name = type(failure).__name__ if failure else "no Rasa replica configured"
            raise RasaUnavailable(f"Rasa unreachable: {name}")
        if response.status_code != 200:
            raise RasaUnavailable(f"Rasa answered HTTP {response.status_code}")
        return turns_from_events(response.json().get("events") or [])

    async def health(self) -> dict[str, str]:
        """'ok' or a short reason, for Rasa (every replica: a model loaded), the action server
        and its retrieval."""
        timeout = self.settings.health_timeout_s

        async def probe(url: str, check) -> str:
            try:
                response = await self.http.get(url, timeout=timeout)
            except httpx.HTTPError as exc:
                return f"unreachable ({type(exc).__name__})"
            if response.status_code != 200:
                return f"HTTP {response.status_code}"
            try:
                return check(response.json())
            except ValueError:
                return "unexpected answer"

        def rasa_check(body: dict) -> str:
            return "ok" if isinstance(body, dict) and body.get("model_file") else "no model loaded"

        def actions_check(body: dict) -> str:
            return "ok" if isinstance(body, dict) and body.get("status") == "ok" else "not ready"

        token = self.settings.rasa_api_token()
        *replicas, actions, retrieval = await asyncio.gather(
            *(probe(f"{url}/status?token={token}", rasa_check) for url in self.replicas),
            probe(f"{self.settings.action_server_url}/health", actions_check),
            retrieval_state(self.http, self.settings),
        )
        if len(replicas) == 1 or all(state == "ok" for state in replicas):
            rasa = replicas[0]
        else:
            rasa = "; ".join(f"{url}: {state}" for url, state in zip(self.replicas, replicas))
        return {"rasa": rasa, "action_server": actions, "retrieval": retrieval}


def _error_of(response: httpx.Response) -> str | None:
    try:
        body = response.json()
    except ValueError:
        return None
    return body.get("error") if isinstance(body, dict) else None


def turns_from_events(events: list[dict[str, Any]]) -> list[dict[str, Any]]:
    turns: list[dict[str, Any]] = []
    payload_titles: dict[str, str] = {}
    for event in events:
        kind = event.get("event")
        if kind == "user":
            text = event.get("text") or ""
            turns.append({"sender": "user", "text": payload_titles.get(text, text)})
        elif kind == "bot":
            data = event.get("data") or {}
            turn = {"sender": "bot", "text": event.get("text")}
            if data.get("buttons"):
                turn["buttons"] = data["buttons"]
                payload_titles = {b.get("payload"): b.get("title") for b in data["buttons"]
                                  if isinstance(b, dict)}
            if data.get("custom") is not None:
                turn["custom"] = data["custom"]
            turns.append(turn)
    return turns
