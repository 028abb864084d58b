"""`make bench` (cluster): chat throughput and latency of the cluster mode beside the single
stack, under the same mixed load (bench/chat_load.py: questions and guided forms from 20
clients).

The single stack (`make run`: SQLite, one Rasa, one gateway worker) and the cluster (`make
cluster`: PostgreSQL, Redis lock store, two Rasa replicas, two gateway workers) are started in
turn on free ports, with the per-sender rate limit as configured (no sender exceeds it), and
stopped after their run. BENCH_CHAT_REQUESTS (default 400) turns each.
"""
from __future__ import annotations

import os
import sys
import time

from bench.chat_load import UNLIMITED, Load
from bench.gateway import free_port, percentile
from gateway.cluster import Cluster, ClusterConfig
from gateway.settings import Settings
from gateway.supervisor import Stack, StackError

REQUESTS = int(os.environ.get("BENCH_CHAT_REQUESTS", "400"))


def measure(stack: Stack) -> dict:
    try:
        stack.start(timeout=400)
    except StackError as exc:
        stack.stop()
        return {"error": str(exc).splitlines()[0]}
    try:
        load = Load(stack.gateway_url, REQUESTS)
        began = time.monotonic()
        load.run()
        elapsed = time.monotonic() - began
    finally:
        stack.stop()
    return {"turns": load.sent, "errors": len(load.errors), "per_s": load.sent / elapsed,
            "p50": percentile(load.latencies_ms, 0.5), "p95": percentile(load.latencies_ms, 0.95)}


def main() -> int:
    os.environ.update(UNLIMITED)  # inherited by both gateways
    quiet = lambda line: None  # noqa: E731
    local = lambda port: f"http://127.0.0.1:{port}"  # noqa: E731
    single = Settings.from_env().with_(port=free_port(), rasa_url=local(free_port()),
                                       action_server_url=local(free_port()))
    clustered = Settings.from_env().with_(port=free_port(), action_server_url=local(free_port()))
    config = ClusterConfig.from_env(clustered)
    config.rasa_urls = [local(free_port()), local(free_port())]
    runs = {"single stack (SQLite, 1 Rasa, 1 worker)": Stack(single, quiet),
            "cluster (PostgreSQL, Redis, 2 Rasa, 2 workers)": Cluster(clustered, config, quiet)}
    print(f"chat turns through the gateway, 20 clients, {REQUESTS} turns each "
          "(questions and guided forms):")
    print(f"  {'':48} {'turns/s':>8} {'p50 ms':>8} {'p95 ms':>8} {'errors':>7}")
    for name, stack in runs.items():
        result = measure(stack)
        if "error" in result:
            print(f"  {name:48} did not start: {result['error']}")
            continue
        print(f"  {name:48} {result['per_s']:8.1f} {result['p50']:8.0f} {result['p95']:8.0f} "
              f"{result['errors']:7d}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
