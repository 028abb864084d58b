"""The staff page's report: every table of gateway.insights and the gap groups, for a period,
from the conversation store; and any of its tables as CSV."""
from __future__ import annotations

import csv
import io
import time

from gateway import insights
from gateway.conversation_db import ConversationDB
from gateway.gaps import gap_groups, gaps_table

DAY_S = 86400
TABLES = ("daily", "status", "gaps", "funnel", "questions", "endings", "outcomes",
          "feedback_daily", "unhelpful")


def build(db: ConversationDB, days: int, now: float | None = None) -> dict:
    now = time.time() if now is None else now
    since = now - days * DAY_S
    events = db.events(since)
    questions, assessments = insights.read_conversations(events, now)
    feedback = db.feedback(since)
    groups = gap_groups(questions)
    return {
        "days": days,
        "generated_at": insights.day_of(now),
        "totals": insights.totals(questions, assessments, feedback,
                                  conversations=len({e.sender_id for e in events})),
        "gaps": groups,
        "tables": {
            "daily": insights.daily_questions(questions),
            "status": insights.status_shares(questions),
            "gaps": gaps_table(groups),
            "funnel": insights.funnel(assessments),
            "questions": insights.question_reach(assessments),
            "endings": insights.endings(assessments),
            "outcomes": insights.outcomes(assessments),
            "feedback_daily": insights.feedback_daily(feedback),
            "unhelpful": insights.unhelpful_answers(feedback),
        },
    }


def as_csv(table: dict) -> str:
    """UTF-8 CSV with a byte-order mark, so that Excel opens the Chinese headers correctly."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(table["columns"])
    writer.writerows([[_cell(value) for value in row] for row in table["rows"]])
    return "\ufeff" + out.getvalue()


def _cell(value):
    """A text a user typed that starts like a formula (=, +, -, @) is kept as text: a
    spreadsheet would otherwise run it."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value
