"""Rasa's tracker store keeps no personal number: every event is masked before it is saved,
user and bot texts, entities in the parse data, slots and payloads alike, and the masked
conversation still loads. Runs Rasa's real SQLTrackerStore in the Rasa environment."""
from __future__ import annotations

import json
import os
import sqlite3
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RASA_PYTHON = ROOT / ".venv-rasa" / "bin" / "python"
ID, PHONE, CARD, MAIL = "440106199003071234", "13812345678", "6222021234567890", "zhang.san@example.com"
TYPED = f"我的身份证{ID}，手机{PHONE}，银行卡{CARD}，邮箱{MAIL}，能办英才卡吗"

SCRIPT = """
import asyncio, json, sys
from bot.tracker_store import EnvSQLTrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import BotUttered, SlotSet, UserUttered, ActionExecuted
from rasa.shared.core.trackers import DialogueStateTracker

typed, phone = sys.argv[1], sys.argv[2]
store = EnvSQLTrackerStore(domain=Domain.empty())
parse = {"text": typed, "intent": {"name": "ask_question", "confidence": 0.9},
         "entities": [{"entity": "phone", "value": phone, "start": 8, "end": 19}]}
events = [ActionExecuted("action_listen"),
          UserUttered(typed, parse["intent"], parse["entities"], parse),
          BotUttered("您提到的号码 " + phone + " 已记录。预约电话：13560135683（翁先生）",
                     {"custom": {"type": "answer", "answerable": False, "question": typed}}),
          SlotSet("contact", phone)]
tracker = DialogueStateTracker.from_events("pii", events)
asyncio.run(store.save(tracker))
# the next turn saves the whole tracker again: only the new events are added, masked
tracker.update(UserUttered("第二句 " + phone))
asyncio.run(store.save(tracker))
kept = asyncio.run(EnvSQLTrackerStore(domain=Domain.empty()).retrieve("pii"))
print(json.dumps({"texts": [e.text for e in kept.events if getattr(e, "text", None)],
                  "count": len(kept.events)}, ensure_ascii=False))
"""


def test_every_event_is_stored_masked_and_loads_again(tmp_path):
    database = tmp_path / "tracker.db"
    env = {**{k: v for k, v in os.environ.items() if not k.startswith("TRACKER_")},
           "PYTHONPATH": str(ROOT), "TRACKER_DB": str(database)}
    run = subprocess.run([str(RASA_PYTHON), "-c", SCRIPT, TYPED, PHONE], cwd=tmp_path, env=env,
                         capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stderr[-3000:]
    loaded = json.loads(run.stdout.strip().splitlines()[-1])

    with sqlite3.connect(database) as connection:
        rows = [json.loads(data) for (data,) in
                connection.execute("SELECT data FROM events WHERE sender_id = 'pii' ORDER BY id")]
        raw = connection.execute("SELECT group_concat(data, ' ') || group_concat(coalesce("
                                 "intent_name, ''), ' ') FROM events").fetchone()[0]
    assert len(rows) == loaded["count"] == 5  # nothing stored twice
    for secret in (ID, PHONE, CARD, MAIL):
        assert secret not in raw
    user = rows[1]
    assert user["text"] == "我的身份证[身份证号]，手机[手机号]，银行卡[银行卡号]，邮箱[邮箱]，能办英才卡吗"
    assert user["parse_data"]["text"] == user["text"]
    assert user["parse_data"]["entities"][0]["value"] == "[手机号]"
    assert user["parse_data"]["intent"]["name"] == "ask_question"  # the rest is kept as it was
    bot = rows[2]
    assert bot["text"] == "您提到的号码 [手机号] 已记录。预约电话：13560135683（翁先生）"
    assert bot["data"]["custom"]["question"] == user["text"]
    assert rows[3] == {**rows[3], "event": "slot", "name": "contact", "value": "[手机号]"}
    assert rows[4]["text"] == "第二句 [手机号]"
    assert loaded["texts"][-1] == "第二句 [手机号]"
