"""Personal data out of everything the assistant keeps: 身份证号, 手机号, 银行卡号 and e-mail
addresses are replaced by a placeholder ("[手机号]") before a message, a feedback comment or a
log line is stored.

Used in three places: Rasa's tracker store (bot/tracker_store.py masks every event before it
is saved), the gateway (messages relayed to Rasa, feedback, its own log records) and the
supervisor (every service's log file). Standard library only: the Rasa environment imports it.

Numbers the policy documents themselves publish (an office's mobile number for appointments)
are not a user's personal data and stay readable, so a stored answer still says whom to call.
"""
from __future__ import annotations

import logging
import re
from functools import lru_cache
from pathlib import Path
from typing import Any, BinaryIO

SOURCES_DIR = Path(__file__).resolve().parent.parent / "knowledge" / "sources"

# Full-width digits and letters (１３８…, ＠) typed with a Chinese input method count too. The
# patterns run on a copy with them made half-width, character for character, so every match
# has the same position in the original text.
_HALF_WIDTH = str.maketrans({chr(code): chr(code - 0xFEE0) for code in range(0xFF01, 0xFF5F)})
_SEP = r"[ \-]?"  # people group long numbers with a space or a hyphen
# A figure written with 元 right after it is an amount (营收13800000000元), not a phone or card
# number. Only 元, and only right after: "13812345678 万一打不通" is still a phone number.
_NOT_AN_AMOUNT = r"(?![0-9元])"

# Order matters: an ID number is also 18 digits, so it is tried before the bank card.
PATTERNS: list[tuple[str, re.Pattern]] = [
    ("邮箱", re.compile(r"[A-Za-z0-9._%+\-]+@[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)*\.[A-Za-z]{2,}")),
    # 18 digits: region (6), birth date (8: 18xx/19xx/20xx, month, day), sequence (3), check
    # digit or X; 15 digits for the older cards. The check digit is not verified: a mistyped
    # ID number is still someone's ID number.
    ("身份证号", re.compile(
        r"(?<![0-9])[1-9]\d{5}" + _SEP + r"(?:18|19|20)\d{2}(?:0[1-9]|1[0-2])"
        r"(?:0[1-9]|[12]\d|3[01])" + _SEP + r"\d{3}[0-9Xx](?![0-9])"
        r"|(?<![0-9])[1-9]\d{7}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])\d{3}(?![0-9])")),
    # Mainland mobile numbers, with or without +86, grouped 3-4-4 or not.
    ("手机号", re.compile(
        r"(?<![0-9])(?:(?:\+|00)?86" + _SEP + r")?1[3-9]\d" + _SEP + r"\d{4}" + _SEP
        + r"\d{4}" + _NOT_AN_AMOUNT)),
    # Bank cards: 16 to 19 digits, in groups or not.
    ("银行卡号", re.compile(r"(?<![0-9])\d(?:" + _SEP + r"\d){15,18}" + _NOT_AN_AMOUNT)),
]
KINDS = tuple(kind for kind, _ in PATTERNS)


def placeholder(kind: str) -> str:
    return f"[{kind}]"


@lru_cache(maxsize=1)
def published_numbers() -> frozenset[str]:
    """Digits of every phone-like number printed in the two policy documents."""
    found: set[str] = set()
    for source in sorted(SOURCES_DIR.glob("*.txt")):
        text = source.read_text(encoding="utf-8").translate(_HALF_WIDTH)
        for _, pattern in PATTERNS:
            found.update(_digits(match.group()) for match in pattern.finditer(text))
    return frozenset(found)


def _digits(text: str) -> str:
    return re.sub(r"\D", "", text)


def mask(text: str) -> str:
    """The text with every ID-card, mobile, bank-card number and e-mail address replaced."""
    if not text or not isinstance(text, str):
        return text
    plain = text.translate(_HALF_WIDTH)
    if not any(ch.isdigit() or ch == "@" for ch in plain):
        return text  # the common case: nothing that could match
    spans: list[tuple[int, int, str]] = []
    for kind, pattern in PATTERNS:
        for match in pattern.finditer(plain):
            start, end = match.span()
            if any(start < taken_end and taken_start < end for taken_start, taken_end, _ in spans):
                continue  # already inside an earlier kind's match
            if kind != "邮箱" and _digits(match.group()) in published_numbers():
                continue
            spans.append((start, end, kind))
    for start, end, kind in sorted(spans, reverse=True):
        text = text[:start] + placeholder(kind) + text[end:]
    return text


def mask_data(value: Any) -> Any:
    """Every string inside a JSON-like value masked (dict keys are names, left alone)."""
    if isinstance(value, str):
        return mask(value)
    if isinstance(value, dict):
        return {key: mask_data(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [mask_data(item) for item in value]
    return value


# --- logs --------------------------------------------------------------------------------------

class MaskingFilter(logging.Filter):
    """Masks a record's message (arguments merged in) and its exception text before any
    handler formats it."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        masked = mask(message)
        if masked != message:
            record.msg, record.args = masked, None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = mask(record.exc_text)
        return True


def install_log_masking(*logger_names: str) -> None:
    """Add the filter to every handler of the root logger and of the named loggers (uvicorn
    has handlers of its own), once."""
    for name in ("", *logger_names):
        for handler in logging.getLogger(name).handlers:
            if not any(isinstance(f, MaskingFilter) for f in handler.filters):
                handler.addFilter(MaskingFilter())


def copy_masked(stream: BinaryIO, path: Path) -> None:
    """Copy a child process's output to its log file line by line, masked (the supervisor
    runs this in a thread per service, so no service writes its log file directly)."""
    with stream, open(path, "ab") as log:
        for line in iter(stream.readline, b""):
            log.write(mask(line.decode("utf-8", errors="replace")).encode("utf-8"))
            log.flush()
