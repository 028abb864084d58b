"""Whole conversations held with a running bot through Rasa's REST channel, and judged.

The sets (tests/data/dialogues_dev.yml, tests/data/tuning/, tests/data/independent/) describe
each conversation in their own header's format: `say` first, then `script` turns; after each,
the bot's last text is answered with the first `answers` entry whose regex key matches it (a
list is used in turn, its last entry repeating), at most `max_turns` times, until the bot's
text matches `until` (default 评估结果: a decision). `expect` / `reject` regexes are checked on
all the bot's text, `first_expect` / `first_reject` on the first turn's, a script turn's own on
what followed it. A conversation whose reject pattern matches is counted apart: it is where a
wrong card or 符合 would show.
"""
from __future__ import annotations

import json
import re
import urllib.request
import uuid
from pathlib import Path
from typing import Callable

import yaml

DATA = Path(__file__).resolve().parent.parent / "tests" / "data"
SETS = [("dev", DATA / "dialogues_dev.yml"),
        ("tuning, writer 15", DATA / "tuning" / "dialogues_writer_g.yml"),
        ("tuning, writer 17", DATA / "tuning" / "dialogues_writer_j.yml"),
        ("tuning, writer 20", DATA / "tuning" / "dialogues_writer_m.yml"),
        ("tuning, writer 22", DATA / "tuning" / "dialogues_writer_n.yml"),
        ("tuning, writer 23", DATA / "tuning" / "dialogues_writer_o.yml"),
        ("tuning, writer 24", DATA / "tuning" / "dialogues_writer_p.yml"),
        ("tuning, writer 25", DATA / "tuning" / "dialogues_writer_q.yml"),
        ("tuning, writer 27", DATA / "tuning" / "dialogues_writer_r.yml"),
        ("tuning, writer 29", DATA / "tuning" / "dialogues_writer_s.yml"),
        ("tuning, writer 30", DATA / "tuning" / "dialogues_writer_t.yml"),
        ("independent, writer 4", DATA / "independent" / "dialogues_check.yml")]


def rest_sender(url: str) -> Callable[[str, str], list]:
    def send(sender: str, message: str) -> list:
        body = json.dumps({"sender": sender, "message": message}).encode()
        request = urllib.request.Request(url, data=body, headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(request, timeout=60) as response:
            return json.loads(response.read())
    return send


def _reply_to(answers: dict, used: dict, texts: list, payloads: list) -> str | None:
    last = texts[-1] if texts else (payloads[-1] if payloads else "")
    for key, value in (answers or {}).items():
        if re.search(key, last):
            if isinstance(value, list):
                used[key] = used.get(key, 0) + 1
                return value[min(used[key], len(value)) - 1]
            return value
    return None


def hold(send: Callable[[str, str], list], conversation: dict) -> tuple[list[str], list[str]]:
    """(missing expectations, matched rejections) of one conversation."""
    sender = "bench-" + uuid.uuid4().hex[:8]
    until = conversation.get("until", "评估结果")
    steps = [{"say": conversation["say"], "expect": conversation.get("first_expect", []),
              "reject": conversation.get("first_reject", [])}]
    steps += [s if isinstance(s, dict) else {"say": s} for s in conversation.get("script", [])]
    budget, used, everything, missing, rejected = conversation.get("max_turns", 0), {}, [], [], []
    for step in steps:
        said = []
        message = step["say"]
        while message is not None:
            replies = send(sender, message)
            texts = [r["text"] for r in replies if r.get("text")]
            payloads = [json.dumps(r["custom"], ensure_ascii=False) for r in replies if r.get("custom")]
            said += texts
            message = None
            if budget > 0 and not re.search(until, "\n".join(texts)):
                message = _reply_to(conversation.get("answers"), used, texts, payloads)
                budget -= message is not None
        joined = "\n".join(said)
        missing += [p for p in step.get("expect", []) if not re.search(p, joined)]
        rejected += [p for p in step.get("reject", []) if re.search(p, joined)]
        everything += said
    text = "\n".join(everything)
    missing += [p for p in conversation.get("expect", []) if not re.search(p, text)]
    rejected += [p for p in conversation.get("reject", []) if re.search(p, text)]
    return missing, rejected


def run_sets(send: Callable[[str, str], list]) -> dict:
    figures = {}
    for name, path in SETS:
        conversations = yaml.safe_load(path.read_text(encoding="utf-8"))["dialogues"]
        passed = rejected = 0
        for conversation in conversations:
            try:
                missing, wrong = hold(send, conversation)
            except OSError:  # a server that stopped answering fails the conversation
                missing, wrong = ["no answer"], []
            passed += not missing and not wrong
            rejected += bool(wrong)
        figures[name] = {"passed": passed, "total": len(conversations), "with_a_rejected_reply": rejected}
    return figures
