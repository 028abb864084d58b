"""A length of time in a question read against a duration a clause states.

The card guide sets three: 银卡 2's 企业"成立2年至5年", the labour contract's "有效期不少于6个月"
and the "连续3个月以上" of social insurance or income tax. They are read from the clauses' own
text (nothing is copied here), and a question is matched to one by the words around it
("社保才交了2个月" ↔ "个人参保证明"). "2年至5年" includes both ends, as the rule file and the
dialogue read it; a figure that itself spans an end ("五年多") is not decided.
"""
from __future__ import annotations

import functools
import re

import cn2an

from answering.answer import PARTIAL, Answer, clause, source
from knowledge import load_clauses
from retrieval.question import Question, vocabulary
from retrieval.tokenizer import tokenize

# In a clause: "不少于6个月", "3个月以上", "2年至5年".
_RANGE = re.compile(r"(?P<low>\d+)年至(?P<high>\d+)年")
_LEAST = re.compile(r"(?P<lead>不少于|不低于)?(?P<n>\d+)个?(?P<unit>个月|年)(?P<tail>以上)?")
# In a question: "2个月", "一年半", "半年", "3年多", "两个多月".
_ASKED = re.compile(r"(?P<n>[\d.]+|[一二两三四五六七八九十]+)?(?P<half>半)?(?:个)?(?P<more_before>多)?(?P<unit>年|月)"
                    r"(?P<more>半|多)?")
# Words around a duration that say nothing of what it measures.
_NEUTRAL = {"有效期", "有效", "效期", "以上", "不少于", "连续", "个人", "提供", "需要", "单位", "证明", "记录",
            "白云区", "白云", "区内", "企业", "产品", "技术", "核心", "具有", "处于", "或者", "用人", "用人单位",
            "签订", "所得"}
_WINDOW = 14  # characters either side of the duration that name what it measures


def _terms(window: str) -> set[str]:
    """The words around a duration, cut as retrieval cuts them (its jieba dictionary)."""
    return {w for w in tokenize(window) if len(w) >= 2 and w not in _NEUTRAL and not re.search(r"\d", w)}


@functools.lru_cache(maxsize=None)
def stated_durations() -> tuple[dict, ...]:
    """Each duration a talent clause states: its bounds in months (ends included), the words
    around it, and the phrase as written."""
    found = []
    for clause in load_clauses():
        if not clause["clause_id"].startswith("talent."):
            continue
        text = clause["text"]
        for hit in _RANGE.finditer(text):
            found.append({"clause_id": clause["clause_id"], "text": _segment(text, hit),
                          "low": int(hit.group("low")) * 12, "high": int(hit.group("high")) * 12, "terms": _terms(_around(text, hit))})
        for hit in _LEAST.finditer(text):
            if not (hit.group("lead") or hit.group("tail")) or _RANGE.search(text[max(0, hit.start() - 4):hit.end()]):
                continue
            months = int(hit.group("n")) * (12 if hit.group("unit") == "年" else 1)
            found.append({"clause_id": clause["clause_id"], "text": _segment(text, hit), "low": months,
                          "high": None, "terms": _terms(_around(text, hit))})
    return tuple(found)


def _segment(text: str, hit: re.Match) -> str:
    """The part of the clause, between its commas, that holds the duration (verbatim)."""
    left = max((m.end() for m in re.finditer(r"[，,；;。]", text[:hit.start()])), default=0)
    right = re.search(r"[，,；;。]", text[hit.end():])
    return text[left:hit.end() + right.start() if right else len(text)]


def _around(text: str, hit: re.Match) -> str:
    return text[max(0, hit.start() - _WINDOW):hit.start()] + text[hit.end():hit.end() + _WINDOW]


def _asked_all(text: str) -> list[tuple[re.Match, tuple[float, float]]]:
    """Each length of time a question gives, as a range of months ("3年多": 36–48)."""
    found = []
    for hit in _ASKED.finditer(text):
        if not (hit.group("n") or hit.group("half")):
            continue
        if hit.group("n") and not hit.group("unit") == "月" and text[hit.end():hit.end() + 1] in "份底初":
            continue  # 2024年底, 5月份: a date, not a length
        if hit.group("n"):
            number = float(hit.group("n")) if hit.group("n")[0].isdigit() else cn2an.cn2an(hit.group("n"), "smart")
        else:
            number = 0.0
        if hit.group("n") and hit.group("n")[0].isdigit() and number > 1900:
            continue  # a year
        if hit.group("half") or hit.group("more") == "半":
            number += 0.5
        scale = 12 if hit.group("unit") == "年" else 1
        months = number * scale
        more = hit.group("more") == "多" or hit.group("more_before")   # "3年多", "两个多月"
        # "两个多月" is more than two and less than three
        found.append((hit, (months, months + scale - 0.01) if more else (months, months)))
    return found


def _meets(row: dict, months: float) -> bool:
    if row["high"] is None:
        return months >= row["low"]
    return row["low"] <= months <= row["high"]


def _aliased(text: str) -> str:
    for word, meant in vocabulary()["duration_aliases"].items():
        text = text.replace(word, meant)
    return text


def _rows_about(text: str) -> list[dict]:
    return [row for row in stated_durations() if any(term in text for term in row["terms"])]


def _matched(question: Question) -> list[tuple[dict, tuple[float, float], str]]:
    """Each duration asked with the clause duration it is about: by the words of its own phrase when a
    question gives several ("签了6个月合同，社保交了2个月"), else by the whole question."""
    asked = _asked_all(question.normalized)
    if not asked:
        return []
    if len(asked) > 1:
        text, pairs = question.normalized, []
        for hit, months in asked:
            left = max((m.end() for m in re.finditer(r"[，,；;。？?！!]", text[:hit.start()])), default=0)
            right = re.search(r"[，,；;。？?！!]", text[hit.end():])
            rows = _rows_about(_aliased(text[left:hit.end() + right.start() if right else len(text)]))
            if len(rows) == 1 and all(rows[0] is not row for row, _, _ in pairs):
                pairs.append((rows[0], months, hit.group(0)))
        if pairs:
            return pairs
    rows = _rows_about(_aliased(question.normalized))
    return [(rows[0], asked[0][1], asked[0][0].group(0))] if len(rows) == 1 else []  # several: retrieval quotes


def answer(question: Question) -> Answer | None:
    """"海外本科，公司才成立一年半，能办银卡吗" → 不满足“成立2年至5年”."""
    if question.document == "partner" or question.unsettled:
        return None
    pairs = _matched(question)
    if not pairs:
        return None
    result = Answer()
    for row, asked, said in pairs:   # said as the person said it: "两个多月", "一年半"
        verdicts = {_meets(row, asked[0]), _meets(row, asked[1])}
        if verdicts == {True} or verdicts == {False}:
            met = verdicts.pop()
            result.say(f"条款要求“{row['text']}”；您说的{said}{'满足' if met else '不满足'}这一条。", row["clause_id"])
            if met and len(row["text"]) < len(clause(row["clause_id"])["text"]) - 2:
                result.say("该条款的其他要求也须同时满足。")
        else:
            result.status = PARTIAL
            result.say(f"条款要求“{row['text']}”；您说的{said}跨过了这一范围的端点，是否满足取决于准确的时间。",
                       row["clause_id"])
        result.say(f"条款见{source(row['clause_id'])}。")
    if result.status == PARTIAL:
        result.refer("talent")
    return result
