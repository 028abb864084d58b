"""`make bench` (the running stack): in one run, side by side, for /api/ask and for chat turns
(/api/chat through Rasa and the action server): one client alone (p50/p95, req/s) and 20
concurrent clients (p50/p95, req/s), the ratio of the two throughputs; the resident memory of
each service and their total; start to ready.

A stack of its own is started on free ports (the same supervisor as `make run`), with the
per-client rate limit lifted: all clients come from 127.0.0.1, and the limit is not what is
measured. Each chat client is its own conversation, asking the dev set's questions in turn.
The load is bounded in count and time and stops by itself.
"""
from __future__ import annotations

import asyncio
import itertools
import json
import os
import socket
import statistics
import sys
import time
import uuid
from urllib.parse import urlparse

import httpx2 as httpx
import yaml

from bench.processes import pid_on_port, rss_mb
from gateway.settings import Settings
from gateway.supervisor import ROOT, Stack, StackError

CLIENTS = int(os.environ.get("BENCH_CLIENTS", "20"))
ASK_REQUESTS = int(os.environ.get("BENCH_REQUESTS", "400"))
CHAT_REQUESTS = int(os.environ.get("BENCH_CHAT_REQUESTS", "200"))
TIME_LIMIT_S = float(os.environ.get("BENCH_TIME_LIMIT_S", "180"))
DEV_SET = ROOT / "tests" / "data" / "qa_dev.yml"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


async def load(base_url: str, kind: str, questions: list[str], clients: int,
               requests: int) -> dict:
    """`clients` workers share `requests` questions; each waits for its answer before the next."""
    latencies: list[float] = []
    errors: list[str] = []
    queue = itertools.islice(itertools.cycle(questions), requests)
    deadline = time.monotonic() + TIME_LIMIT_S
    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)

    async with httpx.AsyncClient(base_url=base_url, timeout=60, limits=limits,
                                 trust_env=False) as client:
        async def worker() -> None:
            # Its own conversation: the first turn names a new id and gets the token that
            # continues it (X-Session-Token).
            sender = f"bench-{uuid.uuid4().hex[:12]}"
            headers: dict[str, str] = {}
            for question in queue:
                if time.monotonic() > deadline:
                    return
                started = time.perf_counter()
                try:
                    if kind == "ask":
                        response = await client.post("/api/ask", json={"question": question})
                        ok = response.status_code == 200 and "answer" in response.json()
                    else:
                        response = await client.post("/api/chat", json={"sender": sender,
                                                                        "message": question},
                                                     headers=headers)
                        ok = response.status_code == 200 and bool(response.json())
                        if response.headers.get("X-Session-Token"):
                            headers["X-Session-Token"] = response.headers["X-Session-Token"]
                    if not ok:
                        errors.append(f"HTTP {response.status_code}")
                        continue
                except (httpx.HTTPError, ValueError) as exc:
                    errors.append(type(exc).__name__)
                    continue
                latencies.append((time.perf_counter() - started) * 1000)

        began = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(clients)))
        wall = time.perf_counter() - began
    return {"clients": clients, "done": len(latencies), "errors": errors,
            "p50_ms": round(statistics.median(latencies), 1) if latencies else None,
            "p95_ms": round(percentile(latencies, 0.95), 1) if latencies else None,
            "rps": round(len(latencies) / wall, 1) if wall else None}


def memory(settings: Settings) -> dict:
    urls = {"gateway": f"http://{settings.host}:{settings.port}",
            "actions": settings.action_server_url, "rasa": settings.rasa_url}
    out = {}
    for name, url in urls.items():
        pid = pid_on_port(urlparse(url).port)
        out[name] = round(rss_mb(pid)) if pid else None
    out["total"] = sum(v for v in out.values() if v)
    return out


def main() -> int:
    questions = [case["q"] for case in yaml.safe_load(DEV_SET.read_text())["cases"]]
    # The services read their addresses from the environment, as under `make run`.
    os.environ.update(RATE_LIMIT_PER_MINUTE="1000000", RATE_LIMIT_BURST="1000000",
                      GATEWAY_PORT=str(free_port()), RASA_URL=f"http://127.0.0.1:{free_port()}",
                      ACTION_SERVER_URL=f"http://127.0.0.1:{free_port()}")
    settings = Settings.from_env()
    stack = Stack(settings, progress=lambda line: None)
    began = time.perf_counter()
    try:
        stack.start()
    except StackError as exc:
        print(f"bench: the stack did not start: {exc}", file=sys.stderr)
        return 1
    ready_s = time.perf_counter() - began
    try:
        url = stack.gateway_url
        runs = {}
        for kind, total in (("ask", ASK_REQUESTS), ("chat", CHAT_REQUESTS)):
            asyncio.run(load(url, kind, questions[:3], 1, 3))            # warm
            runs[kind] = (asyncio.run(load(url, kind, questions, 1, total // 5)),
                          asyncio.run(load(url, kind, questions, CLIENTS, total)))
        rss = memory(settings)
    finally:
        stack.stop()

    print(f"stack (gateway, Rasa, action server): start to ready {ready_s:.1f} s")
    print(f"{'':10}{'1 client p50/p95 ms':>22}{'req/s':>8}{f'{CLIENTS} clients p50/p95 ms':>24}"
          f"{'req/s':>8}{'ratio':>7}{'errors':>8}")
    for kind, (alone, many) in runs.items():
        ratio = round(many["rps"] / alone["rps"], 2) if alone["rps"] and many["rps"] else None
        errors = len(alone["errors"]) + len(many["errors"])
        label = "/api/ask" if kind == "ask" else "chat turn"
        print(f"{label:10}{alone['p50_ms']:>13} / {alone['p95_ms']:<6}{alone['rps']:>8}"
              f"{many['p50_ms']:>15} / {many['p95_ms']:<6}{many['rps']:>8}{ratio:>7}{errors:>8}")
        runs[kind] = {"single": alone, "concurrent": many, "ratio": ratio}
    print("resident memory (MB): " + ", ".join(f"{k} {v}" for k, v in rss.items()))
    out = ROOT / "results" / "bench-gateway.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps({"ready_s": round(ready_s, 1), "runs": runs, "rss_mb": rss},
                              ensure_ascii=False, indent=1) + "\n")
    failed = any(r["single"]["errors"] or r["concurrent"]["errors"] for r in runs.values())
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
