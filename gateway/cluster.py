"""Cluster mode, `make cluster`: the assistant on Rasa's own engines, on one machine.

- PostgreSQL as the tracker store (Rasa's SQL tracker store; bot/tracker_store.py refuses to
  start, and fails a turn, rather than fall back to memory), in a project-owned data directory
  (data/cluster/postgres, initdb/postgres from the Debian package; run as the `postgres` user
  when started as root, since PostgreSQL refuses to run as root);
- Redis (redis-server --dir data/cluster/redis) for Rasa's Redis lock store (a conversation's
  turns are processed one at a time whichever replica takes them) and for the gateway's
  shared counters (REDIS_URL: rate limits and WeChat de-duplication across workers);
- two Rasa replicas (RASA_URLS), each turn sent to the next one in turn by the gateway;
- one stateless action server; the gateway with two uvicorn workers.

Every process is supervised (restarted with back-off, gateway/supervisor.py). Settings, with
their defaults: RASA_URLS (RASA_URL and the port after it), CLUSTER_PG_PORT=55432,
CLUSTER_REDIS_PORT=6390, CLUSTER_GATEWAY_WORKERS=2. For real hosts, see deploy/.
"""
from __future__ import annotations

import glob
import os
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlparse

from gateway.settings import Settings, secret_on_disk
from gateway.supervisor import (
    ROOT, Service, Stack, StackError, actions_service, gateway_service, main_loop, rasa_service,
    stop_on_signals,
)

DATA = ROOT / "data" / "cluster"
DB_NAME = DB_USER = "rasa"
# A replica that died holding a conversation's lock blocks that conversation this long
# (Rasa's default is 60 s); a turn takes well under a second.
LOCK_LIFETIME_S = "10"


@dataclass
class ClusterConfig:
    rasa_urls: list[str]
    pg_port: int = 55432
    redis_port: int = 6390
    gateway_workers: int = 2
    data: Path = DATA
    password_file: Path = field(default=DATA / "postgres-password")

    @classmethod
    def from_env(cls, settings: Settings) -> "ClusterConfig":
        urls = [url.strip().rstrip("/") for url in os.environ.get("RASA_URLS", "").split(",")
                if url.strip()]
        if not urls:
            first = urlparse(settings.rasa_url)
            urls = [settings.rasa_url, f"{first.scheme}://{first.hostname}:{(first.port or 5005) + 1}"]
        return cls(rasa_urls=urls,
                   pg_port=int(os.environ.get("CLUSTER_PG_PORT", "55432")),
                   redis_port=int(os.environ.get("CLUSTER_REDIS_PORT", "6390")),
                   gateway_workers=int(os.environ.get("CLUSTER_GATEWAY_WORKERS", "2")))

    @property
    def pg_dir(self) -> Path:
        return self.data / "postgres"

    @property
    def socket_dir(self) -> Path:
        return self.data / "sockets"

    def password(self) -> str:
        return secret_on_disk(self.password_file)

    def tracker_env(self) -> dict[str, str]:
        """The TRACKER_* variables (gateway/conversation_db.py) of the cluster's store."""
        return {"TRACKER_DIALECT": "postgresql", "TRACKER_HOST": "127.0.0.1",
                "TRACKER_PORT": str(self.pg_port), "TRACKER_DB": DB_NAME,
                "TRACKER_USER": DB_USER, "TRACKER_PASSWORD": self.password()}

    def redis_url(self, db: int = 0) -> str:
        return f"redis://127.0.0.1:{self.redis_port}/{db}"

    def lock_store(self) -> str:
        return ("\n# Cluster mode: one lock per conversation for all replicas.\n"
                "lock_store:\n  type: redis\n  url: 127.0.0.1\n"
                f"  port: {self.redis_port}\n  db: 1\n  key_prefix: policy\n")


def pg_binary(name: str) -> str:
    found = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"))
    if not found:
        raise StackError("PostgreSQL is not installed: run `make cluster-setup` "
                         "(installs the Debian packages postgresql and redis-server)")
    return found[-1]


def as_db_owner(command: list[str]) -> list[str]:
    """PostgreSQL refuses to run as root: as root, run it as the Debian package's user."""
    return ["runuser", "-u", "postgres", "--", *command] if os.geteuid() == 0 else command


def prepare_postgres(config: ClusterConfig) -> None:
    """initdb once, in the project's data directory."""
    config.socket_dir.mkdir(parents=True, exist_ok=True)
    if os.geteuid() == 0:
        subprocess.run(["chown", "postgres:postgres", str(config.socket_dir)], check=True)
    if (config.pg_dir / "PG_VERSION").exists():
        return
    config.pg_dir.mkdir(parents=True, exist_ok=True)
    if os.geteuid() == 0:
        subprocess.run(["chown", "postgres:postgres", str(config.pg_dir)], check=True)
    subprocess.run(as_db_owner([pg_binary("initdb"), "-D", str(config.pg_dir), "-E", "UTF8",
                                "--locale", "C", "-A", "trust", "--username", "postgres"]),
                   check=True, stdout=subprocess.DEVNULL)
    # Local socket for the administrator only; TCP (what Rasa and the gateway use) needs
    # the password.
    (config.pg_dir / "pg_hba.conf").write_text(
        "local all postgres trust\nhost all all 127.0.0.1/32 scram-sha-256\n")


def ensure_database(config: ClusterConfig, patience_s: float = 60.0) -> None:
    """The role and the database, made once; the password is the one in data/cluster (given
    on standard input, never on a command line). PostgreSQL takes connections on its port a
    moment before it takes queries (recovery after a crash): wait for that."""
    psql = as_db_owner(["psql", "-h", str(config.socket_dir), "-p", str(config.pg_port),
                        "-U", "postgres", "-d", "postgres", "-v", "ON_ERROR_STOP=1", "-q", "-tA"])
    deadline = time.monotonic() + patience_s
    while subprocess.run(psql + ["-c", "SELECT 1"], capture_output=True).returncode != 0:
        if time.monotonic() > deadline:
            raise StackError("PostgreSQL does not answer queries; see data/logs/postgres.log")
        time.sleep(1)
    password = config.password().replace("'", "''")
    script = (f"DO $$BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '{DB_USER}') "
              f"THEN CREATE ROLE {DB_USER} LOGIN; END IF; END$$;\n"
              f"ALTER ROLE {DB_USER} PASSWORD '{password}';\n")
    subprocess.run(psql, input=script, text=True, check=True, capture_output=True)
    exists = subprocess.run(psql, input=f"SELECT 1 FROM pg_database WHERE datname = '{DB_NAME}';",
                            text=True, check=True, capture_output=True).stdout.strip()
    if not exists:
        subprocess.run(psql, input=f"CREATE DATABASE {DB_NAME} OWNER {DB_USER};", text=True,
                       check=True, capture_output=True)


def store_services(config: ClusterConfig) -> list[Service]:
    redis_dir = config.data / "redis"
    redis_dir.mkdir(parents=True, exist_ok=True)
    return [
        Service(name="postgres",
                command=as_db_owner([pg_binary("postgres"), "-D", str(config.pg_dir),
                                     "-p", str(config.pg_port), "-c", "listen_addresses=127.0.0.1",
                                     "-c", f"unix_socket_directories={config.socket_dir}",
                                     "-c", "max_connections=200"]),
                health_url=f"tcp://127.0.0.1:{config.pg_port}",
                # PostgreSQL's fast shutdown; SIGTERM waits for every client to leave.
                stop_signal=signal.SIGINT),
        Service(name="redis",
                command=["redis-server", "--port", str(config.redis_port), "--bind", "127.0.0.1",
                         "--dir", str(redis_dir), "--save", "", "--appendonly", "no"],
                health_url=f"tcp://127.0.0.1:{config.redis_port}"),
    ]


def app_services(settings: Settings, config: ClusterConfig) -> list[Service]:
    store = config.tracker_env()
    replicas = [rasa_service(settings, url, name=f"rasa-{number}",
                             env={**store, "TICKET_LOCK_LIFETIME": LOCK_LIFETIME_S},
                             endpoints_extra=config.lock_store())
                for number, url in enumerate(config.rasa_urls, start=1)]
    gateway = gateway_service(settings, workers=config.gateway_workers,
                              env={**store, "RASA_URLS": ",".join(config.rasa_urls),
                                   "REDIS_URL": config.redis_url()})
    return [actions_service(settings), *replicas, gateway]


class Cluster(Stack):
    """The stores first (and the database made), then the action server, the replicas and
    the gateway; stopped in the reverse order."""

    def __init__(self, settings: Settings, config: ClusterConfig, progress=print) -> None:
        self.config = config
        prepare_postgres(config)
        self.stores = store_services(config)
        settings = settings.with_(rasa_urls=",".join(config.rasa_urls))
        super().__init__(settings, progress, services=self.stores + app_services(settings, config))

    def start(self, timeout: float = 300.0) -> None:
        Stack(self.settings, self.progress, services=self.stores).start(timeout=60)
        try:
            ensure_database(self.config)
            Stack(self.settings, self.progress,
                  services=self.services[len(self.stores):]).start(timeout)
        except BaseException:
            self.stop()
            raise


def main() -> int:
    stop_on_signals()
    settings = Settings.from_env()
    config = ClusterConfig.from_env(settings)
    cluster = Cluster(settings, config, progress=lambda line: print(line, flush=True))
    print(f"starting the cluster: PostgreSQL :{config.pg_port}, Redis :{config.redis_port}, "
          f"Rasa {' '.join(config.rasa_urls)}, {config.gateway_workers} gateway workers …",
          flush=True)
    began = time.monotonic()
    try:
        cluster.start()
    except (StackError, subprocess.CalledProcessError) as exc:
        print(f"could not start: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
    print(f"\nready after {time.monotonic() - began:.0f} s — {cluster.gateway_url}/ "
          f"(health: {cluster.gateway_url}/healthz). Ctrl-C stops everything.", flush=True)
    main_loop(cluster)
    return 0


if __name__ == "__main__":
    sys.exit(main())
