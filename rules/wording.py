"""Small pieces of the decision's wording shared by both programmes."""
from __future__ import annotations

from typing import Optional

_DIGITS = "零一二三四五六七八九"


def cite(rule: dict, detail: Optional[str] = None) -> dict:
    """A citation of a rule's clause, with its verbatim text (and what the facts say)."""
    item = {"clause_id": rule["clause_id"], "text": rule["text"]}
    if detail:
        item["detail"] = detail
    return item


def chinese_number(n: int) -> str:
    """1 -> 一, 10 -> 十, 13 -> 十三, 20 -> 二十 (the benefits' numbering, 1–99)."""
    tens, ones = divmod(n, 10)
    head = "" if tens == 0 else ("十" if tens == 1 else _DIGITS[tens] + "十")
    return head + (_DIGITS[ones] if ones or not head else "")


def bare(text: str) -> str:
    """Clause text without its closing punctuation, to quote inside a sentence."""
    return text.rstrip("。；;，、 ")


def joined(items) -> str:
    return "、".join(items)


def next_question(rules: dict, pending) -> str:
    """The explanation of needs_more_info: how much is still unknown, and the first question."""
    first = rules["facts"][pending.missing[0]]["ask"]
    count = len(pending.missing)
    more = f"还需了解{count}项情况，" if count > 1 else ""
    return f"目前还不能确定，{more}请先确认：{first}"
