"""Shared fixtures.

`stack`: the running assistant (action server, Rasa, gateway), started once per test session
by the same supervisor `make run` uses (gateway/supervisor.py), or reused when it is already
up; stopped at the end if this session started it. Tests that need it are marked
`@pytest.mark.stack` (select them with `-m stack`, leave them out with `-m "not stack"`).
"""
from __future__ import annotations

import pytest

from gateway.settings import Settings
from gateway.supervisor import Stack, StackError


def pytest_configure(config):
    config.addinivalue_line(
        "markers", "stack: needs the running action server, Rasa and gateway (the `stack` fixture)")
    config.addinivalue_line("markers", "browser: drives Debian's headless Chromium")
    config.addinivalue_line(
        "markers", "cluster: starts the cluster mode (PostgreSQL, Redis, two Rasa replicas, "
                   "two gateway workers) on ports beside the stack's")


@pytest.fixture(scope="session")
def stack():
    """The started stack; `stack.gateway_url`, `stack.settings.rasa_url` and
    `stack.settings.action_server_url` tell where it listens."""
    running = Stack(Settings.from_env(), progress=lambda line: print(f"[stack] {line}", flush=True))
    try:
        running.start(timeout=300)
    except StackError as exc:
        pytest.fail(f"the stack did not start: {exc}", pytrace=False)
    yield running
    running.stop()
