"""Start, watch and stop the three processes of the assistant: action server, Rasa, gateway.

Used by `make run` (through gateway/run.py) and by the test suite's `stack` fixture, so the
tests exercise exactly what a user starts. A service that already answers on its port is
reused and left running at the end; only processes started here are stopped here.
"""
from __future__ import annotations

import ctypes
import os
import re
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable
from urllib.parse import urlparse

from gateway.privacy import copy_masked
from gateway.settings import Settings

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


class StackError(RuntimeError):
    """A service could not be started or did not become healthy."""


def http_ok(url: str, timeout: float = 2.0) -> bool:
    """True when GET url answers 2xx."""
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

    @property
    def log_path(self) -> Path:
        return LOG_DIR / f"{self.name}.log"

    def healthy(self) -> bool:
        return http_ok(self.health_url)

    def port_taken(self) -> bool:
        """Something listens on the service's port (healthy or not)."""
        import socket

        parsed = urlparse(self.health_url)
        with socket.socket() as sock:
            sock.settimeout(0.5)
            return sock.connect_ex((parsed.hostname, parsed.port)) == 0

    def start(self) -> None:
        LOG_DIR.mkdir(parents=True, exist_ok=True)
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
        """SIGTERM to the service's process group, SIGKILL if it lingers."""
        if self.process is None or self.process.poll() is not None:
            return
        try:
            os.killpg(self.process.pid, signal.SIGTERM)
            self.process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=5)
        except ProcessLookupError:
            pass


def rasa_model_present() -> bool:
    models = ROOT / "models"
    return models.is_dir() and any(models.glob("*.tar.gz"))


def endpoints_file(settings: Settings) -> Path:
    """endpoints.yml with the action server's address from the settings, so that a second
    stack on other ports (or a test run beside `make run`) reaches its own action server."""
    text = (ROOT / "endpoints.yml").read_text(encoding="utf-8")
    text = re.sub(r'(action_endpoint:\s*\n\s*url:\s*)"[^"]*"',
                  lambda m: f'{m.group(1)}"{settings.action_server_url}/webhook"', text)
    path = ROOT / "data" / f"endpoints-{urlparse(settings.rasa_url).port or 5005}.yml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def build_services(settings: Settings) -> list[Service]:
    """The three services with the commands of the contract (section 5)."""
    rasa = urlparse(settings.rasa_url)
    actions = urlparse(settings.action_server_url)
    venv_python = str(ROOT / ".venv-serve" / "bin" / "python")  # serving: no torch, no test tools
    return [
        Service(
            name="actions",
            command=[venv_python, "-m", "rasa_sdk", "--actions", "actions",
                     "--port", str(actions.port or 5055)],
            health_url=f"{settings.action_server_url}/health",
            # Answers come from the gateway, which holds the one copy of the model and index.
            env={"SANIC_HOST": actions.hostname or "127.0.0.1",
                 "POLICY_KNOWLEDGE_URL": f"http://{settings.host}:{settings.port}"},
        ),
        Service(
            name="rasa",
            # The HTTP API (trackers, model) needs the token only the gateway is given; the
            # REST channel stays open on loopback.
            command=[str(ROOT / ".venv-rasa" / "bin" / "rasa"), "run", "--enable-api",
                     "--auth-token", settings.rasa_api_token(),
                     "--port", str(rasa.port or 5005), "--interface", rasa.hostname or "127.0.0.1",
                     "--endpoints", str(endpoints_file(settings)),
                     "--credentials", "credentials.yml", "--model", "models"],
            health_url=f"{settings.rasa_url}/",
        ),
        Service(
            name="gateway",
            # --ws none: uvicorn's websockets support does not import with the websockets 10
            # that rasa-sdk needs, and the gateway serves no websocket.
            command=[venv_python, "-m", "uvicorn", "gateway.app:app", "--host", settings.host,
                     "--port", str(settings.port), "--ws", "none", "--no-access-log"],
            health_url=f"http://{settings.host}:{settings.port}/livez",
        ),
    ]


class Stack:
    """The running assistant. `start()` returns when /healthz is green; `stop()` ends what it
    started, gateway first (it stops taking requests), then Rasa, then the action server."""

    def __init__(self, settings: Settings | None = None,
                 progress: Callable[[str], None] = print) -> None:
        self.settings = settings or Settings.from_env()
        self.services = build_services(self.settings)
        self.progress = progress

    @property
    def gateway_url(self) -> str:
        return f"http://{self.settings.host}:{self.settings.port}"

    def stack_healthy(self) -> bool:
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


def stop_on_signals() -> None:
    """Ctrl-C (SIGINT) and SIGTERM both raise KeyboardInterrupt, which stops the stack.
    SIGINT is set explicitly: when whoever started us ignored it (a shell's background job,
    some CI runners), Python would leave it ignored."""
    def on_term(signum, frame):
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, on_term)
    signal.signal(signal.SIGINT, signal.default_int_handler)


def main_loop(stack: Stack) -> None:
    """Block until Ctrl-C / SIGTERM or until a child dies, then stop everything."""
    try:
        while True:
            for service in stack.services:
                code = service.exited()
                if code is not None:
                    print(f"{service.name} stopped unexpectedly (status {code}); last log lines:\n"
                          + service.log_tail(), file=sys.stderr)
                    raise SystemExit(1)
            time.sleep(1)
    except KeyboardInterrupt:
        print("\nstopping …", flush=True)
    finally:
        stack.stop()
