"""Start, watch and stop the three processes of the assistant: action server, Rasa, gateway.

Used by `make run` (through gateway/run.py), `make cluster` (gateway/cluster.py) and by the
test suite's `stack` fixture, so the tests exercise exactly what a user starts. A service that
already answers on its port is reused and left running at the end; only processes started
here are stopped here. A started service that dies is started again after a back-off (1, 2, 4
… 30 s; back to 1 s once it has run for a minute), and the restarts are written to
data/supervisor-<gateway port>.json, which /healthz reports.
"""
from __future__ import annotations

import ctypes
import json
import os
import re
import signal
import subprocess
import threading
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable
from urllib.parse import urlparse

from gateway.privacy import copy_masked
from gateway.settings import Settings, supervisor_status_file

ROOT = Path(__file__).resolve().parent.parent
LOG_DIR = ROOT / "data" / "logs"

# Nothing may reach a model hub or phone home at run time (the Makefile exports the same).
OFFLINE_ENV = {
    "HF_HUB_OFFLINE": "1",
    "TRANSFORMERS_OFFLINE": "1",
    "TOKENIZERS_PARALLELISM": "false",
    "RASA_TELEMETRY_ENABLED": "false",
    "TF_CPP_MIN_LOG_LEVEL": "2",
    "PYTHONDONTWRITEBYTECODE": "1",
}


# Seconds before the n-th restart in a row of a service that keeps dying.
BACKOFF_S = (1, 2, 4, 8, 16, 30)
# A service that ran this long before dying starts its back-off again from the first step.
STABLE_AFTER_S = 60.0


class StackError(RuntimeError):
    """A service could not be started or did not become healthy."""


def tcp_open(host: str, port: int, timeout: float = 0.5) -> bool:
    import socket

    with socket.socket() as sock:
        sock.settimeout(timeout)
        return sock.connect_ex((host, port)) == 0


def http_ok(url: str, timeout: float = 2.0) -> bool:
    """True when GET url answers 2xx; for a tcp:// address (a database), when it takes a
    connection."""
    if url.startswith("tcp://"):
        parsed = urlparse(url)
        return tcp_open(parsed.hostname, parsed.port, timeout)
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            return 200 <= response.status < 300
    except (urllib.error.URLError, OSError, ValueError):
        return False


def _die_with_parent() -> None:
    """Runs in the child before exec: its own process group (so Ctrl-C in the terminal reaches
    only the supervisor, which then stops the children in order) and SIGTERM when the
    supervisor dies, so no orphan keeps a port busy."""
    os.setsid()
    try:
        libc = ctypes.CDLL("libc.so.6", use_errno=True)
        libc.prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    except OSError:
        pass


@dataclass
class Service:
    name: str
    command: list[str]
    health_url: str
    env: dict[str, str] = field(default_factory=dict)
    process: subprocess.Popen | None = None
    reused: bool = False
    # Supervision: restarts so far, the last exit status, when the next restart is due;
    # `held` services (stopped on purpose, e.g. by a test) are not restarted.
    restarts: int = 0
    failures_in_row: int = 0
    last_exit: int | None = None
    restart_at: float | None = None
    started_at: float = 0.0
    held: bool = False
    stop_signal: int = signal.SIGTERM

    @property
    def log_path(self) -> Path:
        return LOG_DIR / f"{self.name}.log"

    def healthy(self) -> bool:
        return http_ok(self.health_url)

    def port_taken(self) -> bool:
        """Something listens on the service's port (healthy or not)."""
        parsed = urlparse(self.health_url)
        return tcp_open(parsed.hostname, parsed.port)

    def start(self) -> None:
        LOG_DIR.mkdir(parents=True, exist_ok=True)
        self.started_at = time.monotonic()
        with open(self.log_path, "ab") as log:
            log.write(f"\n=== {time.strftime('%F %T')} starting: {' '.join(self.command)}\n".encode())
        self.process = subprocess.Popen(
            self.command,
            cwd=ROOT,
            env={**os.environ, **OFFLINE_ENV, **self.env},
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            preexec_fn=_die_with_parent,
        )
        # The output reaches the log file only through the masking copy: no service's log
        # keeps an ID-card or phone number, whatever the service prints.
        threading.Thread(target=copy_masked, args=(self.process.stdout, self.log_path),
                         name=f"{self.name}-log", daemon=True).start()

    def exited(self) -> int | None:
        return None if self.process is None else self.process.poll()

    def log_tail(self, lines: int = 25) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return ""

    def stop(self, timeout: float = 20.0) -> None:
        """`stop_signal` (SIGTERM) to the service's process group, SIGKILL if it lingers."""
        if self.process is None or self.process.poll() is not None:
            return
        try:
            os.killpg(self.process.pid, self.stop_signal)
            self.process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=5)
        except ProcessLookupError:
            pass


def rasa_model_present() -> bool:
    models = ROOT / "models"
    return models.is_dir() and any(models.glob("*.tar.gz"))


def endpoints_file(settings: Settings, rasa_port: int | None = None,
                   extra: str = "") -> Path:
    """endpoints.yml with the action server's address from the settings, so that a second
    stack on other ports (or a test run beside `make run`) reaches its own action server;
    `extra` adds sections (the cluster's lock store)."""
    text = (ROOT / "endpoints.yml").read_text(encoding="utf-8")
    text = re.sub(r'(action_endpoint:\s*\n\s*url:\s*)"[^"]*"',
                  lambda m: f'{m.group(1)}"{settings.action_server_url}/webhook"', text)
    port = rasa_port or urlparse(settings.rasa_url).port or 5005
    path = ROOT / "data" / f"endpoints-{port}.yml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text + extra, encoding="utf-8")
    return path


def rasa_service(settings: Settings, url: str, name: str = "rasa", env: dict | None = None,
                 endpoints_extra: str = "") -> Service:
    """One Rasa server. The HTTP API (trackers, model) needs the token only the gateway is
    given; the REST channel stays open on loopback."""
    address = urlparse(url)
    port = address.port or 5005
    return Service(
        name=name,
        command=[str(ROOT / ".venv-rasa" / "bin" / "rasa"), "run", "--enable-api",
                 "--auth-token", settings.rasa_api_token(),
                 "--port", str(port), "--interface", address.hostname or "127.0.0.1",
                 "--endpoints", str(endpoints_file(settings, port, endpoints_extra)),
                 "--credentials", "credentials.yml", "--model", "models"],
        health_url=f"{url}/",
        env=env or {},
    )


def _local_address(host: str) -> str:
    """Where a process on this machine reaches a server bound to `host`."""
    return "127.0.0.1" if host in ("0.0.0.0", "::", "") else host


# Serving environment: no PyTorch, no test tools (mk/env.mk).
SERVE_PYTHON = str(ROOT / ".venv-serve" / "bin" / "python")


def actions_service(settings: Settings) -> Service:
    """The action server asks the gateway for answers (POLICY_KNOWLEDGE_URL): the gateway holds
    the one copy of the embedding model and index, so the action server's retrieval is ready
    when the gateway's is (actions/status.py reports that on /healthz)."""
    actions = urlparse(settings.action_server_url)
    return Service(
        name="actions",
        command=[SERVE_PYTHON, "-m", "rasa_sdk", "--actions", "actions",
                 "--port", str(actions.port or 5055)],
        health_url=f"{settings.action_server_url}/health",
        env={"SANIC_HOST": actions.hostname or "127.0.0.1",
             "POLICY_KNOWLEDGE_URL": f"http://{_local_address(settings.host)}:{settings.port}"},
    )


def gateway_service(settings: Settings, workers: int = 1, env: dict | None = None) -> Service:
    # --ws none: uvicorn's websockets support does not import with the websockets 10
    # that rasa-sdk needs, and the gateway serves no websocket. --no-proxy-headers: uvicorn
    # would believe X-Forwarded-For from any loopback client; the gateway trusts it only from
    # TRUSTED_PROXIES (gateway/limits.py).
    return Service(
        name="gateway",
        command=[SERVE_PYTHON, "-m", "uvicorn", "gateway.app:app", "--host", settings.host,
                 "--port", str(settings.port), "--ws", "none", "--no-access-log",
                 "--no-proxy-headers", "--workers", str(workers)],
        health_url=f"http://{settings.host}:{settings.port}/livez",
        # The gateway reads its settings from the environment: these may differ from the
        # caller's (a cluster beside a stack).
        env={"RASA_URL": settings.rasa_url, "ACTION_SERVER_URL": settings.action_server_url,
             **(env or {})},
    )


def build_services(settings: Settings) -> list[Service]:
    """The three services with the commands of the contract (section 5)."""
    return [actions_service(settings), rasa_service(settings, settings.rasa_url),
            gateway_service(settings)]


class Stack:
    """The running assistant. `start()` returns when /healthz is green; `stop()` ends what it
    started, gateway first (it stops taking requests), then Rasa, then the action server."""

    def __init__(self, settings: Settings | None = None,
                 progress: Callable[[str], None] = print,
                 services: list[Service] | None = None) -> None:
        self.settings = settings or Settings.from_env()
        self.services = services if services is not None else build_services(self.settings)
        self.progress = progress

    @property
    def gateway_url(self) -> str:
        return f"http://{self.settings.host}:{self.settings.port}"

    def stack_healthy(self) -> bool:
        if not any(service.name == "gateway" for service in self.services):
            return True  # the stores alone (cluster mode starts them first)
        return http_ok(f"{self.gateway_url}/healthz", timeout=self.settings.health_timeout_s + 3)

    def health_report(self) -> str:
        try:
            with urllib.request.urlopen(f"{self.gateway_url}/healthz", timeout=10) as response:
                return response.read().decode()
        except urllib.error.HTTPError as exc:  # 503 carries the services' states
            return exc.read().decode(errors="replace")
        except (urllib.error.URLError, OSError) as exc:
            return f"no answer ({exc})"

    def check_prerequisites(self) -> None:
        missing = [path for path in (ROOT / ".venv-serve" / "bin" / "python",
                                     ROOT / ".venv-rasa" / "bin" / "rasa") if not path.exists()]
        if missing:
            raise StackError("missing environment(s): " + ", ".join(map(str, missing))
                             + " — run `make setup` first")
        if not rasa_model_present():
            raise StackError("no trained Rasa model in models/ — run `make setup` "
                             "(it trains one) first")

    def start(self, timeout: float = 300.0) -> None:
        to_start = []
        for service in self.services:
            if service.healthy():
                service.reused = True
                self.progress(f"  {service.name}: already running, reused ({service.health_url})")
            elif service.port_taken():
                raise StackError(f"{service.name}: port of {service.health_url} is taken by "
                                 "something that does not answer as expected")
            else:
                to_start.append(service)
        if to_start:
            self.check_prerequisites()
        for service in to_start:
            self.progress(f"  {service.name}: starting (log: {service.log_path.relative_to(ROOT)})")
            service.start()
        try:
            self._wait(to_start, timeout)
        except BaseException:
            self.stop()
            raise

    def _wait(self, starting: list[Service], timeout: float) -> None:
        began = time.monotonic()
        pending = list(starting)
        last_report = 0.0
        while True:
            for service in list(pending):
                code = service.exited()
                if code is not None:
                    raise StackError(f"{service.name} exited with status {code}; last log lines:\n"
                                     + service.log_tail())
                if service.healthy():
                    pending.remove(service)
                    self.progress(f"  {service.name}: up after {time.monotonic() - began:.0f} s")
            if not pending and self.stack_healthy():
                return
            elapsed = time.monotonic() - began
            if elapsed > timeout:
                names = ", ".join(s.name for s in pending) or "/healthz"
                raise StackError(f"not healthy after {timeout:.0f} s: {names}\n"
                                 f"/healthz says: {self.health_report()}")
            if elapsed - last_report >= 10:
                last_report = elapsed
                waiting = ", ".join(s.name for s in pending) or "/healthz"
                hint = " (Rasa loads its model: 30–90 s)" if any(
                    s.name == "rasa" for s in pending) else ""
                self.progress(f"  … waiting for {waiting}{hint}: {elapsed:.0f} s")
            time.sleep(0.5)

    def stop(self) -> None:
        for service in reversed(self.services):
            if service.process is not None and not service.reused:
                service.stop()

    def service(self, name: str) -> Service:
        return next(s for s in self.services if s.name == name)

    def supervise_once(self) -> None:
        """Restart what died, after its back-off; record the states for /healthz."""
        now = time.monotonic()
        changed = False
        for service in self.services:
            if service.reused or service.held or service.process is None:
                continue
            code = service.exited()
            if code is None:
                continue
            if service.restart_at is None:
                if now - service.started_at > STABLE_AFTER_S:
                    service.failures_in_row = 0
                delay = BACKOFF_S[min(service.failures_in_row, len(BACKOFF_S) - 1)]
                service.last_exit, service.restart_at = code, now + delay
                self.progress(f"  {service.name} stopped (status {code}); restarting in "
                              f"{delay} s; last log lines:\n{service.log_tail(10)}")
                changed = True
            elif now >= service.restart_at:
                service.restarts += 1
                service.failures_in_row += 1
                service.restart_at = None
                self.progress(f"  {service.name}: restart {service.restarts}")
                service.start()
                changed = True
        if changed:
            self.write_status()

    def write_status(self) -> None:
        now_wall, now = time.time(), time.monotonic()
        states = {s.name: {"state": "restarting" if s.restart_at is not None else "running",
                           "restarts": s.restarts, "last_exit": s.last_exit,
                           "restart_at": now_wall + (s.restart_at - now) if s.restart_at else None}
                  for s in self.services if not s.reused}
        path = supervisor_status_file(self.settings)
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary = path.with_suffix(".tmp")
        temporary.write_text(json.dumps(states), encoding="utf-8")
        temporary.replace(path)


def stop_on_signals() -> None:
    """Ctrl-C (SIGINT) and SIGTERM both raise KeyboardInterrupt, which stops the stack.
    SIGINT is set explicitly: when whoever started us ignored it (a shell's background job,
    some CI runners), Python would leave it ignored."""
    def on_term(signum, frame):
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, on_term)
    signal.signal(signal.SIGINT, signal.default_int_handler)


def main_loop(stack: Stack) -> None:
    """Block until Ctrl-C / SIGTERM, restarting every service that dies; then stop them all."""
    stack.write_status()
    try:
        while True:
            stack.supervise_once()
            time.sleep(0.5)
    except KeyboardInterrupt:
        print("\nstopping …", flush=True)
    finally:
        stack.stop()
        supervisor_status_file(stack.settings).unlink(missing_ok=True)


class Watcher:
    """supervise_once() every half second in a thread: the supervision `main_loop` does, for
    a stack a test started."""

    def __init__(self, stack: Stack) -> None:
        self.stack = stack
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="supervisor", daemon=True)

    def _run(self) -> None:
        while not self._stop.wait(0.5):
            self.stack.supervise_once()

    def __enter__(self) -> "Watcher":
        self.stack.write_status()
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join(timeout=5)
