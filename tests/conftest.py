"""Shared fixtures.

`stack`: the running assistant (action server, Rasa, gateway), started once per test session
by the same supervisor `make run` uses (gateway/supervisor.py), or reused when it is already
up; stopped at the end if this session started it. Tests that need it are marked
`@pytest.mark.stack` (select them with `-m stack`, leave them out with `-m "not stack"`).
`redis_url`: a redis-server of this test session's own, for the shared gateway state.

`make test` runs the tests in two processes (pytest-xdist, `--dist loadgroup`): everything that
starts servers on the stack's ports — the stack itself, the browser, the stacks the fail-loudly
and gateway-parts tests start — runs in one of them, one after another, as before; the
in-process tests share the other. The cluster tests run afterwards, in a pytest of their own.
"""
from __future__ import annotations

from pathlib import Path

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


SERVER_MARKS = {"stack", "browser", "cluster"}
SERVER_FILES = {"test_fail_loudly.py", "test_gateway_parts.py"}


@pytest.hookimpl(tryfirst=True)   # before xdist reads the groups from the markers
def pytest_collection_modifyitems(config, items):
    for item in items:
        if SERVER_MARKS & {mark.name for mark in item.iter_markers()} or item.path.name in SERVER_FILES:
            item.add_marker(pytest.mark.xdist_group("servers"))


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


@pytest.fixture(scope="session")
def redis_url(tmp_path_factory):
    """A real redis-server (Debian package; `make setup` installs it) on a free port, its
    files in a temporary directory, stopped at the end."""
    import shutil
    import socket
    import subprocess
    import time

    import redis

    binary = shutil.which("redis-server") or "/usr/bin/redis-server"
    if not Path(binary).exists():
        pytest.fail("redis-server is not installed (make setup installs Debian's redis-server)",
                    pytrace=False)
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    directory = tmp_path_factory.mktemp("redis")
    server = subprocess.Popen(
        [binary, "--port", str(port), "--bind", "127.0.0.1", "--dir", str(directory),
         "--save", "", "--appendonly", "no", "--daemonize", "no"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"redis://127.0.0.1:{port}/0"
    deadline = time.monotonic() + 10
    while True:
        try:
            redis.Redis.from_url(url).ping()
            break
        except redis.ConnectionError:
            if time.monotonic() > deadline or server.poll() is not None:
                server.kill()
                pytest.fail("redis-server did not start", pytrace=False)
            time.sleep(0.05)
    yield url
    server.terminate()
    server.wait(timeout=10)
