"""What the staff page shows, computed from the stored conversations and feedback.

Everything is read from Rasa's events as the tracker store keeps them:
- a *question* is a user message the bot answered from the documents: the bot's reply carries
  a custom payload with `status` (answered / partial / not_covered) or, from replies made
  before `status` existed, `answerable` (true: answered, false: not covered);
- an *assessment* is one run of a guided form: it starts when the form becomes the active loop,
  reaches the questions whose payloads ({type: question, slot}) the bot sent, and ends with a
  decision payload, with the person stopping or switching, or with nothing more said.

Each table is {"columns": [...], "rows": [[...]]}: the page plots it and offers it as CSV.
"""
from __future__ import annotations

import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import Iterable

from gateway.conversation_db import EventRow

# Days are counted in China Standard Time (no daylight saving), where the service runs.
CHINA_TIME = timezone(timedelta(hours=8))
STATUSES = {"answered": "已回答", "partial": "部分回答", "not_covered": "未覆盖"}
UNSETTLED = ("partial", "not_covered")
FORMS = {"talent_card_form": "talent-card", "partner_form": "partner"}
PROGRAM_NAMES = {"talent-card": "云聚英才卡", "partner": "智能制造生态合作伙伴"}
OUTCOMES = {"eligible": "符合条件", "not_eligible": "暂不符合", "needs_more_info": "还需补充信息",
            "already_partner": "已是合作伙伴", "direct_recognition": "可直接认定"}
ENDINGS = {"decided": "得出结论", "stopped": "中途停止或转到其他话题", "left": "未答完即离开",
           "in_progress": "进行中"}
# A form whose last event is this recent may still be answered: not counted as left.
IN_PROGRESS_S = 30 * 60
# Slots that are not facts of the rules (their questions group several criteria).
SLOT_LABELS = {"talent_titles": "人才称号、学历或职称", "direct_qualifications": "直接认定资质",
               "partner_conditions": "所在领域的条件"}


@dataclass
class Question:
    sender: str
    timestamp: float
    text: str
    status: str
    event_id: int


@dataclass
class Assessment:
    sender: str
    program: str
    started: float
    asked: list[str] = field(default_factory=list)
    ending: str = "left"
    outcome: str | None = None
    group: str | None = None      # the tier (talent card) or the domain (partner)
    deactivated: bool = False
    last: float = 0.0


def day_of(timestamp: float) -> str:
    return datetime.fromtimestamp(timestamp, CHINA_TIME).strftime("%Y-%m-%d")


def status_of(payload: object) -> str | None:
    """The answer status a bot payload states, or None for replies that answer no question
    (form questions, decisions, hand-offs)."""
    if not isinstance(payload, dict):
        return None
    if payload.get("status") in STATUSES:
        return payload["status"]
    if isinstance(payload.get("answerable"), bool):
        return "answered" if payload["answerable"] else "not_covered"
    return None


def _custom(event: EventRow) -> object:
    return (event.data.get("data") or {}).get("custom")


# --- reading conversations ---------------------------------------------------------------------

def read_conversations(events: Iterable[EventRow], now: float | None = None
                       ) -> tuple[list[Question], list[Assessment]]:
    """Questions and assessments, from events ordered by conversation and id."""
    now = time.time() if now is None else now
    questions: list[Question] = []
    assessments: list[Assessment] = []
    by_sender: dict[str, list[EventRow]] = defaultdict(list)
    for event in events:
        by_sender[event.sender_id].append(event)
    for sender, conversation in by_sender.items():
        questions += _questions(sender, conversation)
        assessments += _assessments(sender, conversation, now)
    return questions, assessments


def _questions(sender: str, conversation: list[EventRow]) -> list[Question]:
    found, user = [], None
    for event in conversation:
        if event.type_name == "user":
            user = event
        elif event.type_name == "bot" and user is not None:
            status = status_of(_custom(event))
            text = (user.data.get("text") or "").strip()
            if status and text and not text.startswith("/"):
                found.append(Question(sender, user.timestamp, text, status, user.id))
                user = None  # one status per question: the first answer to it
    return found


def _assessments(sender: str, conversation: list[EventRow], now: float) -> list[Assessment]:
    runs: list[Assessment] = []
    current: Assessment | None = None

    def close(ending: str) -> None:
        nonlocal current
        if current is not None:
            current.ending = ending
            runs.append(current)
            current = None

    for event in conversation:
        kind, data = event.type_name, event.data
        if kind == "active_loop":
            program = FORMS.get(data.get("name") or "")
            if program:
                if current is not None and current.program != program:
                    close("stopped")  # switched to the other programme's form
                if current is None:
                    current = Assessment(sender, program, event.timestamp)
                current.deactivated = False
            elif current is not None:
                current.deactivated = True  # the decision, if any, comes next
        elif kind == "bot" and current is not None and isinstance(_custom(event), dict):
            payload = _custom(event)
            if payload.get("type") == "question" and payload.get("slot"):
                if payload["slot"] not in current.asked:
                    current.asked.append(payload["slot"])
            elif payload.get("type") == "decision":
                current.outcome = payload.get("outcome")
                current.group = payload.get("tier_name") or payload.get("domain")
                current.last = event.timestamp
                close("decided")
                continue
        elif kind == "user" and current is not None and current.deactivated:
            close("stopped")
        if current is not None:
            current.last = event.timestamp
    if current is not None:
        if current.deactivated:
            close("stopped")
        else:
            close("in_progress" if now - current.last < IN_PROGRESS_S else "left")
    return runs


# --- tables --------------------------------------------------------------------------------------

def table(columns: list[str], rows: list[list]) -> dict:
    return {"columns": columns, "rows": rows}


def daily_questions(questions: list[Question]) -> dict:
    counts: dict[str, Counter] = defaultdict(Counter)
    for question in questions:
        counts[day_of(question.timestamp)][question.status] += 1
    rows = [[day, sum(c.values()), *(c[s] for s in STATUSES)] for day, c in sorted(counts.items())]
    return table(["日期", "提问数", *STATUSES.values()], rows)


def status_shares(questions: list[Question]) -> dict:
    counts = Counter(q.status for q in questions)
    total = sum(counts.values())
    rows = [[label, counts[status], round(counts[status] / total, 4) if total else 0.0]
            for status, label in STATUSES.items()]
    return table(["答复情况", "提问数", "占比"], rows)


def _slot_label(program: str, slot: str) -> str:
    if slot in SLOT_LABELS:
        return SLOT_LABELS[slot]
    try:
        from rules import fact_specs

        return fact_specs(program).get(slot, {}).get("label") or slot
    except Exception:  # noqa: BLE001 - an unknown programme's slot keeps its name
        return slot


def funnel(assessments: list[Assessment]) -> dict:
    """Per programme: started, reached the 1st, 2nd … question, decided (each stage counts
    the runs that got at least that far)."""
    rows = []
    for program, name in PROGRAM_NAMES.items():
        runs = [a for a in assessments if a.program == program]
        if not runs:
            continue
        rows.append([name, "开始评估", len(runs)])
        for n in range(1, max(len(a.asked) for a in runs) + 1):
            rows.append([name, f"答到第{n}个问题", sum(len(a.asked) >= n for a in runs)])
        rows.append([name, "得出结论", sum(a.ending == "decided" for a in runs)])
    return table(["项目", "阶段", "人次"], rows)


def question_reach(assessments: list[Assessment]) -> dict:
    """Per question of each programme: how many runs it was asked in, and how many ended
    there without a decision (the person left or stopped at that question)."""
    reached: Counter = Counter()
    left_at: Counter = Counter()
    for run in assessments:
        for slot in run.asked:
            reached[(run.program, slot)] += 1
        if run.asked and run.ending in ("left", "stopped"):
            left_at[(run.program, run.asked[-1])] += 1
    rows = [[PROGRAM_NAMES.get(program, program), _slot_label(program, slot), count,
             left_at[(program, slot)]]
            for (program, slot), count in sorted(reached.items(), key=lambda kv: -kv[1])]
    return table(["项目", "问题", "问到的人次", "在此离开的人次"], rows)


def endings(assessments: list[Assessment]) -> dict:
    counts = Counter((a.program, a.ending) for a in assessments)
    rows = [[PROGRAM_NAMES[p], label, counts[(p, e)]]
            for p in PROGRAM_NAMES for e, label in ENDINGS.items() if counts[(p, e)]]
    return table(["项目", "结束方式", "人次"], rows)


def outcomes(assessments: list[Assessment]) -> dict:
    counts = Counter((a.program, a.group or "—", a.outcome) for a in assessments
                     if a.ending == "decided")
    rows = [[PROGRAM_NAMES.get(p, p), group, OUTCOMES.get(o, o or "—"), n]
            for (p, group, o), n in sorted(counts.items(), key=lambda kv: (kv[0][0], -kv[1]))]
    return table(["项目", "等级或领域", "结论", "人次"], rows)


def feedback_daily(feedback: list[dict]) -> dict:
    counts: dict[str, Counter] = defaultdict(Counter)
    for item in feedback:
        counts[day_of(item["timestamp"])][item["helpful"]] += 1
    rows = [[day, c[True], c[False]] for day, c in sorted(counts.items())]
    return table(["日期", "有帮助", "没帮助"], rows)


def _rated(item: dict) -> str:
    """What a feedback rates: the answer's text, or for a decision its programme and result."""
    if item["kind"] == "decision":
        parts = [PROGRAM_NAMES.get(item.get("program"), item.get("program") or ""),
                 OUTCOMES.get(item.get("outcome"), item.get("outcome") or ""), item.get("tier") or ""]
        return "评估结论：" + " ".join(p for p in parts if p)
    return (item.get("answer") or "").strip() or "（未记录回答）"


def unhelpful_answers(feedback: list[dict], limit: int = 20) -> dict:
    """The answers most often marked 没帮助, with their questions and comments, newest first."""
    groups: dict[str, dict] = {}
    for item in sorted(feedback, key=lambda f: -f["timestamp"]):
        key = _rated(item)
        group = groups.setdefault(key, {"no": 0, "yes": 0, "questions": [], "comments": [],
                                        "clauses": []})
        group["no" if not item["helpful"] else "yes"] += 1
        question, comment = item.get("question"), item.get("comment")
        if question and question not in group["questions"]:
            group["questions"].append(question)
        if comment and not item["helpful"] and comment not in group["comments"]:
            group["comments"].append(comment)
        for clause in item.get("clause_ids") or []:
            if clause not in group["clauses"]:
                group["clauses"].append(clause)
    ranked = sorted((kv for kv in groups.items() if kv[1]["no"]),
                    key=lambda kv: (-kv[1]["no"], kv[1]["yes"]))[:limit]
    rows = [[key[:300], g["no"], g["yes"], "；".join(g["questions"][:3]), "；".join(g["comments"][:5]),
             " ".join(g["clauses"][:3])] for key, g in ranked]
    return table(["回答", "没帮助", "有帮助", "问题示例", "意见", "引用条款"], rows)


def totals(questions: list[Question], assessments: list[Assessment], feedback: list[dict],
           conversations: int) -> dict:
    settled = sum(q.status == "answered" for q in questions)
    return {"conversations": conversations, "questions": len(questions),
            "answered_share": round(settled / len(questions), 4) if questions else None,
            "assessments": len(assessments),
            "decided": sum(a.ending == "decided" for a in assessments),
            "feedback": len(feedback),
            "unhelpful": sum(not f["helpful"] for f in feedback)}
