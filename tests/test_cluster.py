"""The cluster mode on real engines (`make cluster`, gateway/cluster.py): PostgreSQL from the
Debian package as the tracker store, Redis as Rasa's lock store, two Rasa replicas, two
gateway workers, one action server — each turn sent to the next replica, so the turns of one
conversation land on both.

Under mixed load from 20 clients every turn answered must be in the store exactly once, in the
order sent, and the guided forms must reach their decision across the replicas; a replica
killed mid-load loses no turn; the store stopped gives clear errors and a red /healthz, never a
normal reply for a turn that was not kept; restarted, the service resumes.

Ports (beside the `stack` fixture's): gateway GATEWAY_PORT+1, replicas RASA_URL's port +2 and
+3, action server +4; PostgreSQL and Redis on CLUSTER_PG_PORT / CLUSTER_REDIS_PORT, else free ports.
"""
from __future__ import annotations

import json
import os
import signal
import time
import urllib.error
import urllib.request
import uuid
from collections import defaultdict
from urllib.parse import urlparse

import pytest

from bench.chat_load import UNLIMITED, Load, health, post_chat
from bench.gateway import free_port
from gateway.cluster import Cluster, ClusterConfig
from gateway.conversation_db import ConversationDB
from gateway.settings import Settings
from gateway.supervisor import StackError, Watcher

pytestmark = pytest.mark.cluster

REQUESTS = 1000


@pytest.fixture(scope="module")
def cluster():
    saved = {name: os.environ.get(name) for name in UNLIMITED}
    os.environ.update(UNLIMITED)  # inherited by the cluster's gateway workers
    base = Settings.from_env()
    rasa = urlparse(base.rasa_url)
    settings = base.with_(port=base.port + 1,
                          action_server_url=f"http://127.0.0.1:{rasa.port + 4}")
    config = ClusterConfig(rasa_urls=[f"http://127.0.0.1:{rasa.port + 2}",
                                      f"http://127.0.0.1:{rasa.port + 3}"],
                           # free ports unless given: a server left by anything else on the
                           # machine must not stop the cluster from starting
                           pg_port=int(os.environ.get("CLUSTER_PG_PORT") or free_port()),
                           redis_port=int(os.environ.get("CLUSTER_REDIS_PORT") or free_port()))
    running = Cluster(settings, config, progress=lambda line: print(f"[cluster] {line}", flush=True))
    try:
        running.start(timeout=300)
    except StackError as exc:
        running.stop()
        pytest.fail(f"the cluster did not start: {exc}", pytrace=False)
    with Watcher(running):
        yield running
    running.stop()
    for name, value in saved.items():
        if value is None:
            os.environ.pop(name, None)
        else:
            os.environ[name] = value


def stored_user_turns(senders) -> dict[str, list[str]]:
    """Every user turn the store holds for these conversations, in order."""
    db = ConversationDB()  # the cluster's TRACKER_* settings, set by the fixture below
    turns: dict[str, list[str]] = defaultdict(list)
    for row in db.events(types=("user",)):
        if row.sender_id in senders:
            turns[row.sender_id].append(row.data.get("text"))
    return turns


@pytest.fixture(autouse=True)
def cluster_store_env(cluster, monkeypatch):
    for name, value in cluster.config.tracker_env().items():
        monkeypatch.setenv(name, value)


def assert_every_turn_kept_once(load: Load, late: dict[str, str] | None = None) -> None:
    """Each conversation's stored user turns are exactly the turns answered, in order; a turn
    that timed out (`late`, the last of its conversation) may have been kept after the client
    was told, never twice."""
    late = late or {}
    senders = set(load.kept) | set(late)
    stored = stored_user_turns(senders)

    def matches(sender: str) -> bool:
        sent, kept = load.kept.get(sender, []), stored.get(sender, [])
        return kept == sent or (sender in late and kept == sent + [late[sender]])

    lost_or_doubled = {sender: (load.kept.get(sender, []), stored.get(sender, []))
                       for sender in senders if not matches(sender)}
    assert not lost_or_doubled, list(lost_or_doubled.items())[:5]


# -- the acceptance runs ---------------------------------------------------------------------------
def test_mixed_load_from_20_clients_loses_and_doubles_nothing(cluster):
    status, body = health(cluster.gateway_url)
    assert status == 200, body
    load = Load(cluster.gateway_url, REQUESTS)
    began = time.monotonic()
    load.run()
    elapsed = time.monotonic() - began
    print(f"\n{load.sent} requests in {elapsed:.0f} s ({load.sent / elapsed:.1f}/s), "
          f"{load.forms_decided} forms decided")
    assert load.sent == REQUESTS
    assert load.errors == []
    assert_every_turn_kept_once(load)
    # Each form took several turns, sent to the replicas in turn: it reached its decision.
    assert load.forms_decided >= 20 and load.forms_undecided == []


def test_a_replica_killed_mid_load_loses_no_turn(cluster):
    load = Load(cluster.gateway_url, 300)
    victim = cluster.service("rasa-2")

    def kill_one_replica():
        time.sleep(5)
        os.killpg(victim.process.pid, signal.SIGKILL)

    load.run(during=kill_one_replica)
    # The turns in flight on the killed replica go to the other one. While the replica
    # restarts (its model load takes both cores) a turn may be too slow: the user is told so,
    # clearly; nothing else fails.
    unclear = [error for error in load.errors
               if error[1] != 504 or "超时" not in error[2].get("detail", "")]
    # (A bound on those, about 1% of the load: measured 3–6 on a fresh clone sharing 2 cores.)
    assert unclear == [] and len(load.errors) <= 10, load.errors
    assert_every_turn_kept_once(load, late={sender: message for sender, _, _, message
                                            in load.errors})
    # The supervisor brings it back.
    deadline = time.monotonic() + 240
    while not victim.healthy():
        assert time.monotonic() < deadline, "the killed replica was not restarted"
        time.sleep(2)
    assert victim.restarts >= 1


def test_the_store_stopped_is_a_clear_error_and_red_health_then_it_resumes(cluster):
    url = cluster.gateway_url
    sender = f"store-{uuid.uuid4().hex[:8]}"
    assert post_chat(url, sender, "金卡有哪些待遇")[0] == 200
    store = cluster.service("postgres")
    store.held = True
    store.stop()
    try:
        status, body = post_chat(url, sender, "银卡的申领条件是什么")
        assert status == 503 and "无法保存" in body["detail"], body
        status, body = health(url)
        assert status == 503 and body["services"]["store"].startswith("write failed"), body
    finally:
        store.held = False
        store.start()
    deadline = time.monotonic() + 60
    while True:
        status, replies = post_chat(url, sender, "英才卡在哪里申领")
        if status == 200:
            break
        assert status == 503 and "无法保存" in replies["detail"], replies
        assert time.monotonic() < deadline, "the service did not resume"
        time.sleep(1)
    assert health(url)[0] == 200
    # Kept: the turn before the stop and the one after; the refused one is not in the store.
    assert stored_user_turns({sender})[sender] == ["金卡有哪些待遇", "英才卡在哪里申领"]


def test_a_nul_byte_in_a_sender_id_does_not_stop_rasa_on_postgresql(cluster):
    """psycopg2 refuses the NUL with ValueError, which Rasa's store took for a missing schema
    and answered by exiting the whole server. The gateway refuses such ids at its door; a
    replica asked directly must refuse the turn and stay up."""
    replica = cluster.service("rasa-1")
    body = json.dumps({"sender": "widget-a\u0000b", "message": "你好"}).encode()
    request = urllib.request.Request(f"{cluster.config.rasa_urls[0]}/webhooks/rest/webhook",
                                     data=body, headers={"Content-Type": "application/json"})
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(request, timeout=60)
    assert refused.value.code == 503
    assert json.loads(refused.value.read())["error"] == "store_unavailable"
    time.sleep(2)
    assert replica.exited() is None and replica.healthy()
