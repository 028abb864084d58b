"""Talking to Rasa's REST channel and HTTP API, and checking the services are up."""
from __future__ import annotations

import asyncio
import logging
from typing import Any
from urllib.parse import quote

import httpx2 as httpx  # starlette's TestClient uses the same client library

from gateway.privacy import mask
from gateway.settings import Settings

log = logging.getLogger("gateway.rasa")


class RasaUnavailable(Exception):
    """Rasa did not answer (down, still loading, or too slow)."""

    def __init__(self, message: str, timed_out: bool = False) -> None:
        super().__init__(message)
        self.timed_out = timed_out


class RasaClient:
    def __init__(self, settings: Settings) -> None:
        self.settings = settings
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

    async def send(self, sender: str, message: str) -> list[dict[str, Any]]:
        """The bot's replies to one user message (Rasa REST channel)."""
        url = f"{self.settings.rasa_url}/webhooks/rest/webhook"
        try:
            # Personal numbers never reach Rasa from the gateway's doors (widget, WeChat).
            response = await self.http.post(url, json={"sender": sender, "message": mask(message)})
        except httpx.TimeoutException as exc:
            raise RasaUnavailable("Rasa did not answer in time", timed_out=True) from exc
        except httpx.HTTPError as exc:
            raise RasaUnavailable(f"Rasa unreachable: {type(exc).__name__}") from exc
        if response.status_code != 200:
            raise RasaUnavailable(f"Rasa answered HTTP {response.status_code}")
        try:
            replies = response.json()
        except ValueError as exc:
            raise RasaUnavailable("Rasa answered something that is not JSON") from exc
        if not isinstance(replies, list):
            raise RasaUnavailable("Rasa answered an unexpected shape")
        return [reply for reply in replies if isinstance(reply, dict)]

    async def history(self, sender: str) -> list[dict[str, Any]]:
        """The conversation so far, from Rasa's tracker store: user and bot turns in order.
        A button the user clicked shows as the button's title, not its /intent payload."""
        url = f"{self.settings.rasa_url}/conversations/{quote(sender, safe='')}/tracker"
        try:
            response = await self.http.get(url, params={"include_events": "AFTER_RESTART",
                                                        "token": self.settings.rasa_api_token()})
        except httpx.HTTPError as exc:
            raise RasaUnavailable(f"Rasa unreachable: {type(exc).__name__}") from exc
        if response.status_code != 200:
            raise RasaUnavailable(f"Rasa answered HTTP {response.status_code}")
        return turns_from_events(response.json().get("events") or [])

    async def health(self) -> dict[str, str]:
        """'ok' or a short reason, for Rasa (model loaded) and the action server."""
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

        rasa, actions = await asyncio.gather(
            probe(f"{self.settings.rasa_url}/status?token={self.settings.rasa_api_token()}",
                  rasa_check),
            probe(f"{self.settings.action_server_url}/health", actions_check),
        )
        return {"rasa": rasa, "action_server": actions}


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
