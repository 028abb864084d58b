"""`make bench` (bot): how well the assistant understands and how fast it answers.

- intent accuracy of the trained model on held-out paraphrases (tests/nlu/heldout.yml, never
  trained on), on a random 80/20 split of the training data (a model trained on the 80 %), and
  in 5-fold cross-validation;
- start to first answer: the action server and Rasa started fresh (on spare ports), until the
  first REST reply to a question answered by retrieval;
- REST round trip p50/p95 for a retrieval question on the warm servers.

Rasa runs from .venv-rasa (`rasa` commands), the action server from .venv, as `make run` does.
Figures go to standard output and to build/bench/bot.json.
"""
from __future__ import annotations

import json
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
import uuid
from pathlib import Path

from bench.conversations import rest_sender, run_sets

ROOT = Path(__file__).resolve().parent.parent
RASA = ROOT / ".venv-rasa" / "bin" / "rasa"
PYTHON = ROOT / ".venv" / "bin" / "python"
MODEL = ROOT / "models" / "bot.tar.gz"
HELDOUT = ROOT / "tests" / "nlu" / "heldout.yml"
# Utterances by a writer who saw only the documents and the intents' descriptions.
INDEPENDENT = ROOT / "tests" / "data" / "independent" / "nlu_check.yml"
WORK = ROOT / "build" / "bench" / "bot"
QUESTION = "钻石卡能享受哪些待遇"
ROUND_TRIPS = 40
ENV = {**os.environ, "RASA_TELEMETRY_ENABLED": "false", "TF_CPP_MIN_LOG_LEVEL": "2",
       "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1", "TOKENIZERS_PARALLELISM": "false"}


def rasa(*args: str, log: Path) -> None:
    with open(log, "w") as out:
        subprocess.run([str(RASA), *args], cwd=ROOT, env=ENV, stdout=out, stderr=subprocess.STDOUT,
                       check=True)


def intent_accuracy(report_dir: Path) -> dict:
    report = json.loads((report_dir / "intent_report.json").read_text())
    return {"accuracy": round(report["accuracy"], 3),
            "macro_f1": round(report["macro avg"]["f1-score"], 3),
            "examples": int(report["macro avg"]["support"])}


def heldout(path: Path = HELDOUT, name: str = "heldout") -> dict:
    out = WORK / name
    rasa("test", "nlu", "--nlu", str(path), "--model", str(MODEL), "--out", str(out),
         log=WORK / f"{name}.log")
    return intent_accuracy(out)


def random_split() -> dict:
    split = WORK / "split"
    rasa("data", "split", "nlu", "--nlu", "nlu", "--training-fraction", "0.8", "--random-seed", "7",
         "--out", str(split), log=WORK / "split.log")
    train = next(split.glob("training_data.*"))
    test = next(split.glob("test_data.*"))
    rasa("train", "nlu", "--nlu", str(train), "--config", "config.yml", "--out", str(split / "models"),
         "--fixed-model-name", "split", log=WORK / "split-train.log")
    rasa("test", "nlu", "--nlu", str(test), "--model", str(split / "models" / "split.tar.gz"),
         "--out", str(split / "results"), log=WORK / "split-test.log")
    return intent_accuracy(split / "results")


def cross_validation(folds: int = 5) -> dict:
    log = WORK / "cross-validation.log"
    rasa("test", "nlu", "--nlu", "nlu", "--config", "config.yml", "--cross-validation",
         "--folds", str(folds), "--out", str(WORK / "cross-validation"), log=log)
    # Rasa logs the mean (std) of each metric over the folds, for train and test.
    text = log.read_text(errors="replace")
    intent_part = text[text.find("Intent evaluation results"):]
    found = re.search(r"test Accuracy:\s*([\d.]+)\s*\(([\d.]+)\)", intent_part)
    f1 = re.search(r"test F1-score:\s*([\d.]+)\s*\(([\d.]+)\)", intent_part)
    return {"folds": folds, "accuracy": float(found.group(1)), "accuracy_std": float(found.group(2)),
            "f1": float(f1.group(1)) if f1 else None}


# --- serving -------------------------------------------------------------------------------

def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def post(url: str, sender: str, message: str, timeout: float = 60) -> list:
    body = json.dumps({"sender": sender, "message": message}).encode()
    request = urllib.request.Request(url, data=body, headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=timeout) as response:
        return json.loads(response.read())


def serving() -> dict:
    rasa_port, action_port = free_port(), free_port()
    endpoints = WORK / "endpoints.yml"
    endpoints.write_text(f'action_endpoint:\n  url: "http://127.0.0.1:{action_port}/webhook"\n'
                         "tracker_store:\n  type: bot.tracker_store.EnvSQLTrackerStore\n")
    env = {**ENV, "SANIC_HOST": "127.0.0.1", "TRACKER_DB": str(WORK / "tracker.db")}
    started = time.perf_counter()
    processes = [
        subprocess.Popen([str(PYTHON), "-m", "rasa_sdk", "--actions", "actions", "--port", str(action_port)],
                         cwd=ROOT, env=env, stdout=open(WORK / "actions.log", "w"),
                         stderr=subprocess.STDOUT, start_new_session=True),
        subprocess.Popen([str(RASA), "run", "--enable-api", "--port", str(rasa_port), "--interface",
                          "127.0.0.1", "--endpoints", str(endpoints), "--credentials", "credentials.yml",
                          "--model", "models"], cwd=ROOT, env=env, stdout=open(WORK / "rasa.log", "w"),
                         stderr=subprocess.STDOUT, start_new_session=True),
    ]
    url = f"http://127.0.0.1:{rasa_port}/webhooks/rest/webhook"
    try:
        first = first_answer(url, processes, started)
        conversations = run_sets(rest_sender(url))
        timings = []
        for _ in range(ROUND_TRIPS):
            begin = time.perf_counter()
            post(url, "bench-" + uuid.uuid4().hex[:8], QUESTION)
            timings.append(time.perf_counter() - begin)
        timings.sort()
        return {"start_to_first_answer_s": round(first, 1),
                "round_trip_p50_ms": round(1000 * statistics.median(timings)),
                "round_trip_p95_ms": round(1000 * timings[int(0.95 * (len(timings) - 1))]),
                "round_trips": len(timings), "conversations": conversations}
    finally:
        for process in processes:  # only the two processes started above
            try:
                os.killpg(process.pid, signal.SIGTERM)
                process.wait(timeout=20)
            except (ProcessLookupError, subprocess.TimeoutExpired):
                os.killpg(process.pid, signal.SIGKILL)


def first_answer(url: str, processes: list, started: float, limit: float = 300) -> float:
    """Seconds from start until a question gets an answer that went through retrieval."""
    while time.perf_counter() - started < limit:
        if any(p.poll() is not None for p in processes):
            raise RuntimeError(f"a server exited; see {WORK}/rasa.log and actions.log")
        try:
            replies = post(url, "bench-first", QUESTION, timeout=30)
            if any(r.get("custom", {}).get("type") == "answer" for r in replies):
                return time.perf_counter() - started
        except OSError:
            pass
        time.sleep(0.25)
    raise RuntimeError(f"no answer within {limit} s")


def main() -> int:
    if not MODEL.exists():
        print("no model: run `make rasa-model` first", file=sys.stderr)
        return 1
    shutil.rmtree(WORK, ignore_errors=True)
    WORK.mkdir(parents=True)
    figures = {"heldout_paraphrases": heldout(),
               "independent_writer": heldout(INDEPENDENT, "independent"),
               "random_split_80_20": random_split(),
               "cross_validation": cross_validation(), "serving": serving()}
    print("bot (Rasa NLU and REST)")
    for name in ("heldout_paraphrases", "independent_writer", "random_split_80_20"):
        f = figures[name]
        print(f"  intent accuracy, {name.replace('_', ' ')}: {f['accuracy']:.3f} "
              f"(macro F1 {f['macro_f1']:.3f}, {f['examples']} examples)")
    cv = figures["cross_validation"]
    print(f"  intent accuracy, {cv['folds']}-fold cross-validation: {cv['accuracy']:.3f} ± {cv['accuracy_std']:.3f}")
    s = figures["serving"]
    print(f"  start to first answer: {s['start_to_first_answer_s']} s (goal ≤ 30 s)")
    print(f"  REST round trip, retrieval question: p50 {s['round_trip_p50_ms']} ms, "
          f"p95 {s['round_trip_p95_ms']} ms ({s['round_trips']} requests)")
    for name, c in s["conversations"].items():
        print(f"  conversations, {name}: {c['passed']}/{c['total']} pass "
              f"({c['with_a_rejected_reply']} with a reply the set rejects)")
    (WORK.parent / "bot.json").write_text(json.dumps(figures, ensure_ascii=False, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
