"""Rasa's REST channel (POST /webhooks/rest/webhook), failing loudly when the conversation
store did not keep the turn.

Rasa computes a turn's replies before it saves the turn, and its fail-safe store wrapper turns
a store error into a log line: the stock channel then answers 200 with normal replies for a
turn that was never stored. Here every request opens a failure record (bot.tracker_store) and a
turn with a store failure is answered 503 with a clear message instead of its replies, so the
gateway can tell the user and nothing is dropped silently.
Loaded by Rasa (credentials.yml: bot.channels.StrictRestInput); not an action.
"""
from __future__ import annotations

from typing import Any, Awaitable, Callable

from rasa.core.channels.channel import UserMessage
from rasa.core.channels.rest import RestInput
from sanic import Blueprint, response

from bot.tracker_store import start_turn, turn_failures

STORE_ERROR = "store_unavailable"
STORE_MESSAGE = "对话记录暂时无法保存，这条消息没有处理，请稍后再发一次。"


class StrictRestInput(RestInput):
    @classmethod
    def name(cls) -> str:
        return "rest"  # the same address as Rasa's own REST channel

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        webhook = super().blueprint(on_new_message)

        @webhook.middleware("request")
        async def open_failure_record(request):
            start_turn()

        @webhook.middleware("response")
        async def refuse_unstored_turn(request, original):
            failures = turn_failures()
            if failures:
                return response.json({"error": STORE_ERROR, "message": STORE_MESSAGE,
                                      "reasons": failures}, status=503)
            return original

        return webhook
