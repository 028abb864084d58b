"""`make bench` (gateway): /api/ask latency p50/p95 and errors under 20 concurrent clients on
loopback.

A gateway process of its own is started on a free port (the same command `make run` uses, via
gateway.supervisor), with the per-client rate limit lifted: all 20 clients come from 127.0.0.1,
and the limit is not what is being measured. /api/ask needs neither Rasa nor the action
server. The load is bounded in count and time and stops by itself.
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

import httpx2 as httpx
import yaml

from gateway.settings import Settings
from gateway.supervisor import ROOT, build_services

CLIENTS = int(os.environ.get("BENCH_CLIENTS", "20"))
REQUESTS = int(os.environ.get("BENCH_REQUESTS", "300"))
TIME_LIMIT_S = float(os.environ.get("BENCH_TIME_LIMIT_S", "240"))
DEV_SET = ROOT / "tests" / "data" / "qa_dev.yml"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


async def load(base_url: str, questions: list[str], clients: int,
               requests: int) -> tuple[list[float], list[str], float]:
    """`clients` workers share `requests` questions; each waits for its answer before the next."""
    latencies: list[float] = []
    errors: list[str] = []
    queue = itertools.islice(itertools.cycle(questions), requests)
    deadline = time.monotonic() + TIME_LIMIT_S
    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)

    async with httpx.AsyncClient(base_url=base_url, timeout=60, limits=limits,
                                 trust_env=False) as client:
        async def worker() -> None:
            for question in queue:
                if time.monotonic() > deadline:
                    return
                started = time.perf_counter()
                try:
                    response = await client.post("/api/ask", json={"question": question})
                    ok = response.status_code == 200 and "answer" in response.json()
                    if not ok:
                        errors.append(f"HTTP {response.status_code}")
                except (httpx.HTTPError, ValueError) as exc:
                    errors.append(type(exc).__name__)
                    continue
                latencies.append((time.perf_counter() - started) * 1000)

        began = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(clients)))
        return latencies, errors, time.perf_counter() - began


def main() -> int:
    questions = [case["q"] for case in yaml.safe_load(DEV_SET.read_text())["cases"]]
    port = free_port()
    settings = Settings.from_env().with_(port=port)
    gateway = next(s for s in build_services(settings) if s.name == "gateway")
    gateway.name = "gateway-bench"
    gateway.env = {"RATE_LIMIT_PER_MINUTE": "1000000", "RATE_LIMIT_BURST": "1000000"}
    gateway.start()
    try:
        base_url = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 120
        while not gateway.healthy():
            if gateway.exited() is not None or time.monotonic() > deadline:
                print("gateway did not start:\n" + gateway.log_tail(), file=sys.stderr)
                return 1
            time.sleep(0.3)
        started = time.perf_counter()
        warm = httpx.post(f"{base_url}/api/ask", json={"question": questions[0]}, timeout=300,
                          trust_env=False)
        warm.raise_for_status()
        first = time.perf_counter() - started

        alone, alone_errors, _ = asyncio.run(load(base_url, questions, 1, 40))
        latencies, errors, wall = asyncio.run(load(base_url, questions, CLIENTS, REQUESTS))
        errors += alone_errors
    finally:
        gateway.stop()

    done = len(latencies)
    figures = {
        "clients": CLIENTS, "requests": done + len(errors), "errors": len(errors),
        "p50_ms": round(statistics.median(latencies), 1) if latencies else None,
        "p95_ms": round(percentile(latencies, 0.95), 1) if latencies else None,
        "max_ms": round(max(latencies), 1) if latencies else None,
        "throughput_rps": round(done / wall, 1) if wall else None,
        "first_request_s": round(first, 1),
        "single_client_p50_ms": round(statistics.median(alone), 1) if alone else None,
        "ask_concurrency": int(os.environ.get("ASK_CONCURRENCY", "1")),
    }
    print(f"gateway /api/ask, {CLIENTS} concurrent clients on loopback: "
          f"{figures['requests']} requests, errors {figures['errors']}, "
          f"p50 {figures['p50_ms']} ms, p95 {figures['p95_ms']} ms, max {figures['max_ms']} ms, "
          f"{figures['throughput_rps']} req/s; one client alone: p50 "
          f"{figures['single_client_p50_ms']} ms; first request (loading the index): "
          f"{figures['first_request_s']} s")
    if errors:
        print("  errors: " + ", ".join(sorted(set(errors))))
    out = ROOT / "results" / "bench-gateway.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps(figures, ensure_ascii=False, indent=1) + "\n")
    return 0 if not errors else 1


if __name__ == "__main__":
    sys.exit(main())
