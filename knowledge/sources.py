"""The two source documents: where they are and what they are called."""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

SOURCES_DIR = Path(__file__).resolve().parent / "sources"

BOOKMARK = re.compile(r"\[bookmark: [^\]]*\]")


@dataclass(frozen=True)
class Source:
    doc_id: str
    title: str
    filename: str

    @property
    def path(self) -> Path:
        return SOURCES_DIR / self.filename

    def read_lines(self) -> list[str]:
        return self.path.read_text(encoding="utf-8").splitlines()


SOURCES = (
    Source("talent", "白云区云聚英才卡申领及服务指南", "talent-card-guide.txt"),
    Source("partner", "广东省智能制造生态合作伙伴（2024年）申报指南", "partner-guide-2024.txt"),
)


def strip_markers(line: str) -> str:
    """The export's `[bookmark: _Toc…]` anchors are not part of the text anyone reads."""
    return BOOKMARK.sub("", line)


def squash(text: str) -> str:
    """Text with markers and all white space removed: the form in which clauses are verbatim."""
    return re.sub(r"\s+", "", strip_markers(text))
