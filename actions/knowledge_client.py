"""Answers and clause search for the actions: from the gateway when POLICY_KNOWLEDGE_URL names
it (the action server under `make run`: one copy of the embedding model and index, in the
gateway), else in this process (the tests of actions on real trackers, a standalone server).
"""
from __future__ import annotations

import json
import os
import urllib.error
import urllib.parse
import urllib.request
from typing import Any, Dict

TIMEOUT_S = 10.0
# Well inside the gateway's own health probe of the action server (HEALTH_TIMEOUT_S, 2 s).
STATUS_TIMEOUT_S = 1.0


class QuestionRefused(ValueError):
    """Retrieval refuses the question (empty, too long): the message is for the user."""


class KnowledgeUnavailable(RuntimeError):
    """The gateway that holds the index did not answer."""


def knowledge_url() -> str | None:
    return os.environ.get("POLICY_KNOWLEDGE_URL", "").rstrip("/") or None


def ask(question: str, context: str | None = None) -> Dict[str, Any]:
    url = knowledge_url()
    if url is None:
        from answering import QuestionError, ask as ask_here

        try:
            return ask_here(question, context)
        except QuestionError as error:
            raise QuestionRefused(str(error)) from error
    body = json.dumps({"question": question, "context": context}, ensure_ascii=False).encode("utf-8")
    return _call(urllib.request.Request(f"{url}/internal/ask", data=body, method="POST",
                                        headers={"Content-Type": "application/json"}))


def search(question: str, k: int = 5) -> Dict[str, Any]:
    url = knowledge_url()
    if url is None:
        from retrieval import search as search_here

        return search_here(question, k=k)
    query = urllib.parse.urlencode({"q": question, "k": k})
    return _call(urllib.request.Request(f"{url}/internal/search?{query}"))


def gateway_state() -> str:
    """For the action server's health: "ok (…)" when the gateway it asks has loaded its index,
    else what the gateway is doing or why it cannot be asked."""
    try:
        state = _call(urllib.request.Request(f"{knowledge_url()}/internal/status"),
                      timeout=STATUS_TIMEOUT_S)["retrieval"]
    except KnowledgeUnavailable as error:
        return f"the gateway holding the index does not answer ({error})"
    except (KeyError, TypeError):
        return "the gateway holding the index does not report its state"
    return "ok (the gateway's index)" if state == "ok" else f"the gateway's index: {state}"


def _call(request: urllib.request.Request, timeout: float = TIMEOUT_S) -> Dict[str, Any]:
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return json.loads(response.read().decode("utf-8"))
    except urllib.error.HTTPError as error:
        if error.code == 422:
            raise QuestionRefused(json.loads(error.read().decode("utf-8"))["detail"]) from error
        raise KnowledgeUnavailable(f"{request.full_url}: HTTP {error.code}") from error
    except (urllib.error.URLError, OSError, ValueError) as error:
        raise KnowledgeUnavailable(f"{request.full_url}: {error}") from error
