"""Turning Rasa's replies into plain text, for channels that show no cards (WeChat)."""
from __future__ import annotations

from typing import Any


def citations_in(custom: Any) -> list[dict]:
    """Citation payloads in a reply's `custom`: a clause itself, a list of clauses, or a dict
    holding them under `citation` / `citations` (the widget reads them the same way)."""
    if isinstance(custom, list):
        return [c for item in custom for c in citations_in(item)]
    if not isinstance(custom, dict):
        return []
    if isinstance(custom.get("clause_id"), str):
        return [custom]
    found: list[dict] = []
    for key in ("citation", "citations"):
        if key in custom:
            found.extend(citations_in(custom[key]))
    return found


def yes_no_question(custom: Any) -> bool:
    """A form question ({type: question, program, slot}) about a yes/no fact."""
    if not (isinstance(custom, dict) and custom.get("type") == "question"):
        return False
    try:
        from rules import fact_specs

        return fact_specs(custom.get("program")).get(custom.get("slot"), {}).get("type") == "bool"
    except Exception:  # noqa: BLE001 - an unknown programme just gets no hint
        return False


def replies_as_text(replies: list[dict]) -> str:
    """One message: the bot's texts, the choices it offers, and the source of each citation
    (the clause text too, unless the answer already quotes it)."""
    parts: list[str] = []
    for reply in replies:
        text = reply.get("text")
        if isinstance(text, str) and text.strip():
            parts.append(text.strip())
        buttons = [b.get("title") for b in reply.get("buttons") or []
                   if isinstance(b, dict) and isinstance(b.get("title"), str)]
        if buttons:
            parts.append("可直接回复：" + " / ".join(buttons))
        elif yes_no_question(reply.get("custom")):
            parts.append("可直接回复：是 / 否")
        for clause in citations_in(reply.get("custom")):
            source = f"出处：《{clause.get('doc_title', '')}》{clause.get('path', '')}"
            quoted = clause.get("text") or ""
            already = quoted and any(quoted in part for part in parts)
            parts.append(source if already or not quoted else f"{source}\n“{quoted}”")
    return "\n\n".join(parts)


def truncate_utf8(text: str, max_bytes: int, tail: str = "…") -> str:
    """Cut at a character boundary so the UTF-8 form fits in max_bytes."""
    if len(text.encode("utf-8")) <= max_bytes:
        return text
    budget = max_bytes - len(tail.encode("utf-8"))
    cut = text.encode("utf-8")[:budget].decode("utf-8", errors="ignore")
    return cut + tail
