"""Retention: what users said and their feedback are deleted N days after they said it.

    .venv/bin/python -m gateway.retention --days 180 [--dry-run]

deletes every stored event (user and bot messages, slots, form state) and every feedback row
older than N days from the conversation store (default: RETENTION_DAYS, 180). The gateway
runs the same deletion a minute after it starts and then every six hours (`retention_job`), so `make
run` keeps the store within the limit without a cron entry. RETENTION_DAYS=0 keeps everything.

A conversation is one session per day (domain.yml), so deleting by event age never cuts an
active dialogue: what is older than a day belongs to a session that has already ended.
SQLite overwrites what it deletes (secure_delete), so the text is gone from the file too.
"""
from __future__ import annotations

import argparse
import asyncio
import json
import logging
import sys
import time

from gateway.conversation_db import ConversationDB, StoreUnavailable

log = logging.getLogger("gateway.retention")

DAY_S = 86400
EVERY_S = 6 * 3600
# The first round waits until the services have settled (Rasa is loading its model then).
FIRST_AFTER_S = 60


def delete_older_than(db: ConversationDB, days: int, now: float | None = None,
                      dry_run: bool = False) -> dict:
    """{conversations, events, feedback}: how many were (or, dry run, would be) deleted."""
    if days < 1:
        raise ValueError("days must be at least 1")
    cutoff = (time.time() if now is None else now) - days * DAY_S
    result = {"cutoff": cutoff, "conversations": 0, "events": 0, "feedback": 0}
    db.ensure_feedback_table()
    tables = (["events"] if db.has_table("events") else []) + ["feedback"]
    with db.connection() as connection:
        cursor = connection.cursor()
        if db.dialect == "sqlite":
            cursor.execute("PRAGMA secure_delete = ON")
        if "events" in tables:
            cursor.execute(db.sql("SELECT COUNT(DISTINCT sender_id) FROM events "
                                  "WHERE timestamp < ?"), (cutoff,))
            result["conversations"] = int(cursor.fetchone()[0])
        for table in tables:
            verb = "SELECT COUNT(*) FROM" if dry_run else "DELETE FROM"
            cursor.execute(db.sql(f"{verb} {table} WHERE timestamp < ?"), (cutoff,))
            result[table] = int(cursor.fetchone()[0]) if dry_run else cursor.rowcount
    return result


async def retention_job(db: ConversationDB, days: int, every_s: float = EVERY_S,
                        first_after_s: float = FIRST_AFTER_S) -> None:
    """Delete what is due a minute after the start and then every `every_s` seconds, until
    cancelled."""
    if days < 1:
        log.info("retention off (RETENTION_DAYS=%s): conversations are kept", days)
        return
    await asyncio.sleep(first_after_s)
    while True:
        try:
            result = await asyncio.to_thread(delete_older_than, db, days)
            if result["events"] or result["feedback"]:
                log.info("retention: deleted %d events of %d conversations and %d feedback "
                         "older than %d days", result["events"], result["conversations"],
                         result["feedback"], days)
        except StoreUnavailable as exc:
            log.error("retention could not run: %s", exc)
        except Exception:  # noqa: BLE001 - the next round tries again; the gateway stays up
            log.exception("retention failed")
        await asyncio.sleep(every_s)


def main(argv: list[str] | None = None) -> int:
    from gateway.settings import Settings

    parser = argparse.ArgumentParser(prog="python -m gateway.retention",
                                     description="删除超过保存期限的对话记录和反馈")
    parser.add_argument("--days", type=int, default=Settings.from_env().retention_days,
                        help="保存天数 N：删除 N 天前的记录（默认 RETENTION_DAYS）")
    parser.add_argument("--dry-run", action="store_true", help="只统计，不删除")
    args = parser.parse_args(argv)
    if args.days < 1:
        print("保存天数必须至少为 1 天 (--days must be at least 1)", file=sys.stderr)
        return 2
    try:
        result = delete_older_than(ConversationDB(), args.days, dry_run=args.dry_run)
    except StoreUnavailable as exc:
        print(f"无法删除：{exc}", file=sys.stderr)
        return 1
    print(json.dumps({"days": args.days, "dry_run": args.dry_run, **result}, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
