"""A load of mixed chat turns through the gateway: single questions, and guided forms answered
question by question until their decision. Used by the cluster's acceptance test
(tests/test_cluster.py) and by `make bench` (bench/cluster.py). Bounded in count; each client
waits for its answer before it sends the next turn.
"""
from __future__ import annotations

import http.client
import json
import random
import re
import threading
import time
import urllib.error
import urllib.request
import uuid
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor

CLIENTS = 20
QUESTIONS = ["金卡有哪些待遇", "英才卡在哪里申领", "智能制造生态合作伙伴的申报材料有哪些",
             "钻石卡持卡人可以享受法律顾问服务吗", "银卡的申领条件是什么", "合作伙伴申报的截止时间是什么时候"]
# A guided form: the opening, then the answer to each question the bot asks (by its words),
# until the decision. A 博士 employed in 白云区 holds 金卡 (talent.eligibility.gold.6).
FORM_OPENING = "我是博士，单位在白云区，能办英才卡吗"
FORM_ANSWERS = {"哪一级|级别": "没有", "区库年税收是多少": "不清楚", "年产值或营收是多少": "0",
                "累计投资额是多少": "不清楚", "主要负责人吗": "不是",
                "白云区注册或纳税的单位": "是的，在白云区注册", "学历学位": "没有别的了"}
GOLD = re.compile(r"(?<![不未])(?:可以|可|能够?|符合)(?:申领|申请|办理?|拿到?)?[^。\n，,；;]{0,10}金卡")
FORM_MAX_TURNS = 8


# The load's 20 clients all come from 127.0.0.1, where new conversations are limited per client
# address: the gateway under load is started with these (the limits are tested on their own, in
# tests/test_gateway_doors.py); they would only turn the load away.
UNLIMITED = {"RATE_LIMIT_PER_MINUTE": "1000000", "RATE_LIMIT_BURST": "1000000"}

# Each conversation's session token: its first turn names a new id and gets the token back.
TOKENS: dict[str, str] = {}


def post_chat(url: str, sender: str, message: str) -> tuple[int, object]:
    body = json.dumps({"sender": sender, "message": message}).encode()
    headers = {"Content-Type": "application/json"}
    if sender in TOKENS:
        headers["X-Session-Token"] = TOKENS[sender]
    request = urllib.request.Request(f"{url}/api/chat", data=body, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=120) as response:
            if response.headers.get("X-Session-Token"):
                TOKENS[sender] = response.headers["X-Session-Token"]
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as exc:
        return exc.code, json.loads(exc.read() or b"{}")
    except (OSError, http.client.HTTPException) as exc:  # no answer at all: an error too
        return 0, {"detail": f"{type(exc).__name__}: {exc}"}


def health(url: str) -> tuple[int, dict]:
    try:
        with urllib.request.urlopen(f"{url}/healthz", timeout=20) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as exc:
        return exc.code, json.loads(exc.read())


def bot_text(replies) -> str:
    return "\n".join(r.get("text") or "" for r in replies if isinstance(r, dict))


def next_form_answer(text: str) -> str | None:
    for pattern, answer in FORM_ANSWERS.items():
        if re.search(pattern, text):
            return answer
    return None


class Load:
    """The record of a load run: what each conversation was sent and answered."""

    def __init__(self, url: str, budget: int) -> None:
        self.url = url
        self.budget = budget
        self.lock = threading.Lock()
        self.sent = 0
        self.kept: dict[str, list[str]] = defaultdict(list)  # turns answered 200, in order
        self.errors: list[tuple[str, int, object, str]] = []  # and the message
        self.forms_decided = 0
        self.forms_undecided: list[str] = []
        self.latencies_ms: list[float] = []

    def take(self) -> bool:
        with self.lock:
            if self.sent >= self.budget:
                return False
            self.sent += 1
            return True

    def say(self, sender: str, message: str):
        started = time.perf_counter()
        status, body = post_chat(self.url, sender, message)
        with self.lock:
            self.latencies_ms.append((time.perf_counter() - started) * 1000)
            if status == 200:
                self.kept[sender].append(message)
            else:
                self.errors.append((sender, status, body, message))
        return body if status == 200 else None

    def question(self, client: int, rng: random.Random) -> None:
        if self.take():
            self.say(f"load-q-{client}-{uuid.uuid4().hex[:8]}", rng.choice(QUESTIONS))

    def form(self, client: int) -> None:
        sender = f"load-f-{client}-{uuid.uuid4().hex[:8]}"
        message = FORM_OPENING
        for _ in range(FORM_MAX_TURNS):
            if not self.take():
                return
            replies = self.say(sender, message)
            if replies is None:
                return
            text = bot_text(replies)
            if GOLD.search(text):
                with self.lock:
                    self.forms_decided += 1
                return
            message = next_form_answer(text)
            if message is None:
                break
        with self.lock:
            self.forms_undecided.append(sender)

    def client(self, number: int) -> None:
        rng = random.Random(number)
        while self.sent < self.budget:
            if rng.random() < 0.5:
                self.form(number)
            else:
                self.question(number, rng)

    def run(self, clients: int = CLIENTS, during=None) -> None:
        with ThreadPoolExecutor(clients) as pool:
            futures = [pool.submit(self.client, number) for number in range(clients)]
            if during is not None:
                during()
            for future in futures:
                future.result()
