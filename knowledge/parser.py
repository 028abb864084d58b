"""Turns a source document into clauses, the units every answer cites.

The exported text keeps the document's numbering but not its layout: headings, list items,
paragraphs and table cells are all just lines. We rebuild the hierarchy from the numbering
styles the two documents use:

    一、 / 1、          section                      (level 1)
    （一） / （1）      sub-section or numbered item (level 2; a heading when it is short and
                       ends without 。；, an item otherwise)
    1． / 1.           item                         (level 3)
    (1)                sub-item                     (level 4)
    表1.1 …            a table in 附件1; tab-prefixed lines are table cells, one row per block
    附件1 / 附件2.1 …   an appendix of the partner guide

Numbering that the export broke (（1） for （一）, 三、 for 3、 inside 一、) is repaired in the
path labels only; clause text is always the source text, markers removed, outer space trimmed.
Clause ids come from the structure (section slugs and numbers), never from a running counter,
so adding a clause elsewhere cannot shift them.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from knowledge.sources import Source, strip_markers

PATH_SEPARATOR = " › "

CN_NUMERALS = "一二三四五六七八九十"
CN_SECTION = re.compile(r"^([一二三四五六七八九十]+)、\s*(.+)$")
AR_SECTION = re.compile(r"^(\d+)、\s*(.+)$")
FULLWIDTH_PAREN = re.compile(r"^（([一二三四五六七八九十]+|\d+)）\s*(.*)$")
HALFWIDTH_PAREN = re.compile(r"^\((\d+)\)\s*(.+)$")
ITEM = re.compile(r"^(\d+)[．.]\s*(.+)$")
TABLE_TITLE = re.compile(r"^表(\d+)\.(\d+)\s*(.+)$")
APPENDIX = re.compile(r"^附件(\d+(?:\.\d+)?)$")
APPENDIX_LIST = re.compile(r"^附件：\s*(\d+)[．.]\s*(.+)$")
NUMBER_CELL = re.compile(r"^(\d+|…)$")
CONTACT = re.compile(r"(?:服务承办部门：)?([^：，。]+?)[，。](?:地址：[^，]+，)?咨询电话：([\d\-（）()]+)")


def cn_to_int(numeral: str) -> int:
    """一 … 十九 (the documents go no higher than 十三)."""
    if numeral.isdigit():
        return int(numeral)
    if numeral == "十":
        return 10
    if numeral.startswith("十"):
        return 10 + CN_NUMERALS.index(numeral[1]) + 1
    if numeral.endswith("十"):
        return 10 * (CN_NUMERALS.index(numeral[0]) + 1)
    if "十" in numeral:
        tens, ones = numeral.split("十")
        return 10 * (CN_NUMERALS.index(tens) + 1) + CN_NUMERALS.index(ones) + 1
    return CN_NUMERALS.index(numeral) + 1


def int_to_cn(number: int) -> str:
    if number <= 10:
        return CN_NUMERALS[number - 1]
    if number < 20:
        return "十" + CN_NUMERALS[number - 11]
    tens, ones = divmod(number, 10)
    return CN_NUMERALS[tens - 1] + "十" + (CN_NUMERALS[ones - 1] if ones else "")


def is_heading_text(rest: str) -> bool:
    """（一）提供材料 is a heading; （一）在广东省内有固定的经营服务场所…。 is an item."""
    return rest.endswith("：") or (len(rest) <= 20 and not re.search(r"[。；;]$", rest))


def collapse_spaces(text: str) -> str:
    return re.sub(r"[ \t\u3000]+", " ", text).strip()


@dataclass
class Level:
    depth: int
    label: str      # as shown in the path, numbering repaired
    slug: str       # its part of the clause id ("" adds nothing)
    is_item: bool = False


@dataclass
class ParsedDocument:
    source: Source
    clauses: list[dict] = field(default_factory=list)
    # (line number, source text) of every heading line; headings live in clause paths.
    headings: list[tuple[int, str]] = field(default_factory=list)


class DocumentParser:
    """Walks the lines once, keeping a stack of open headings."""

    # Slugs for the sections people ask about by name; other sections are numbered.
    SECTION_SLUGS: dict[str, str] = {}
    SUBSECTION_SLUGS: dict[str, str] = {}

    def __init__(self, source: Source):
        self.source = source
        self.doc = ParsedDocument(source)
        self.stack: list[Level] = []
        self.counters: dict[str, int] = {}
        self.row_cells: list[str] = []
        self.row_lines: list[int] = []
        self.last_kind = ""
        self.in_table = False

    # ---- the walk -------------------------------------------------------------------------
    def parse(self) -> ParsedDocument:
        lines = [strip_markers(raw) for raw in self.source.read_lines()]
        number = 0
        while number < len(lines):
            block = []
            # A blank line ends a block; a tab-only or 　-only line is an empty table cell.
            while number < len(lines) and (lines[number].strip() or lines[number].startswith("\t")):
                block.append((number + 1, lines[number]))
                number += 1
            number += 1
            if block:
                self.parse_block(block, lines)
        self.flush_row()
        return self.doc

    def parse_block(self, block: list[tuple[int, str]], lines: list[str]) -> None:
        continuation = (self.last_kind == "row" and not block[0][1].startswith("\t")
                        and not self.is_structural(block[0][1].strip()))
        for line_no, raw in block:
            text = raw.strip()
            if not text:
                continue
            # Once a row has begun, the rest of its block is cells, tab or not (a note under a cell).
            if (raw.startswith("\t") or self.row_cells) and not self.is_structural(text):
                self.row_cells.append(text)
                self.row_lines.append(line_no)
                continue
            if continuation and not self.is_structural(text):
                self.extend_last_row(text, [line_no])
                continue
            self.flush_row()
            self.parse_line(line_no, text, lines)
        self.flush_row()

    def is_structural(self, text: str) -> bool:
        """Lines that open a heading, whatever cell they sit in."""
        if CN_SECTION.match(text) or TABLE_TITLE.match(text) or APPENDIX.match(text):
            return True
        paren = FULLWIDTH_PAREN.match(text)
        return bool(paren and is_heading_text(paren.group(2)))

    def parse_line(self, line_no: int, text: str, lines: list[str]) -> None:
        raise NotImplementedError

    # ---- headings ---------------------------------------------------------------------------
    def open_heading(self, depth: int, label: str, slug: str, line_no: int, text: str) -> None:
        self.stack = [level for level in self.stack if level.depth < depth]
        self.stack.append(Level(depth, label, slug))
        self.doc.headings.append((line_no, text))
        self.last_kind = "heading"

    def container_id(self) -> str:
        parts = [self.source.doc_id] + [level.slug for level in self.stack if level.slug]
        return ".".join(parts)

    def container_path(self) -> list[str]:
        return [level.label for level in self.stack if level.label]

    # ---- clauses ----------------------------------------------------------------------------
    def emit(self, clause_id: str, path: list[str], text: str, lines: list[int], kind: str) -> None:
        self.doc.clauses.append({
            "clause_id": clause_id,
            "doc_id": self.source.doc_id,
            "doc_title": self.source.title,
            "path": PATH_SEPARATOR.join(path),
            "text": text,
            "kind": kind,
            "lines": lines,
        })
        self.last_kind = "row" if kind == "row" else kind

    def emit_paragraph(self, line_no: int, text: str) -> None:
        # A paragraph after a list belongs to the heading above the list, not its last item.
        self.stack = [level for level in self.stack if not level.is_item]
        container = self.container_id()
        count = self.counters[container + "#p"] = self.counters.get(container + "#p", 0) + 1
        self.emit(f"{container}.p{count}", self.container_path(), text, [line_no], "paragraph")

    def emit_item(self, number: int, label: str, line_no: int, text: str) -> None:
        """A numbered item; it also opens a level so that its sub-items nest under it."""
        self.stack = [level for level in self.stack if level.depth < 3]
        self.emit(f"{self.container_id()}.{number}", self.container_path() + [label],
                  text, [line_no], "item")
        self.stack.append(Level(3, label, str(number), is_item=True))

    def emit_subitem(self, number: int, line_no: int, text: str) -> None:
        self.stack = [level for level in self.stack if level.depth < 4]
        self.emit(f"{self.container_id()}.{number}", self.container_path() + [f"({number})"],
                  text, [line_no], "item")

    def flush_row(self) -> None:
        cells, lines = self.row_cells, self.row_lines
        self.row_cells, self.row_lines = [], []
        cells = [cell for cell in (collapse_spaces(c) for c in cells) if cell]
        if not cells:
            return
        starts_options = cells[0].startswith("□")
        only_numbers = all(NUMBER_CELL.match(cell) for cell in cells)
        if self.last_kind == "row" and (starts_options or only_numbers):
            # Check-box options and the empty numbered lines of a form belong to the row above.
            self.extend_last_row(" ".join(cells), lines)
            return
        if self.in_table and cells[0] == "序号":
            self.doc.headings.extend((n, c) for n, c in zip(lines, cells))  # a column header
            return
        if self.in_table and len(cells) == 2 and cells[0].isdigit():
            self.stack = [level for level in self.stack if level.depth < 4]
            self.emit(f"{self.container_id()}.{cells[0]}", self.container_path() + [cells[0]],
                      cells[1], lines, "table_row")
            return
        container = self.container_id()
        count = self.counters[container + "#r"] = self.counters.get(container + "#r", 0) + 1
        self.emit(f"{container}.r{count}", self.container_path(), " ".join(cells), lines, "row")

    def extend_last_row(self, text: str, lines: list[int] | None = None) -> None:
        last = self.doc.clauses[-1]
        last["text"] = collapse_spaces(last["text"] + " " + text)
        last["lines"] = last["lines"] + (lines or [])
        self.last_kind = "row"


class TalentParser(DocumentParser):
    """白云区云聚英才卡: part 一 (申领) with sections 1、…6、, part 二 (服务指南) with 一、…十三、."""

    SECTION_SLUGS = {"适用范围": "scope", "申领条件": "eligibility", "相关待遇": "benefits",
                     "申领程序": "procedure", "申领时间": "time", "申领受理咨询电话": "contact"}
    SUBSECTION_SLUGS = {"其他情形": "other", "申领人基本申报材料": "basic",
                        "申领人专项申报材料": "special", "提供材料": "materials",
                        "办理流程": "process", "服务流程": "process", "注意事项": "notes",
                        "咨询电话": "contact", "提供服务": "services", "服务方式": "method",
                        "服务内容": "content"}
    TIERS = {"钻石卡": "diamond", "金卡": "gold", "银卡": "silver"}

    def __init__(self, source: Source):
        super().__init__(source)
        self.part = 0
        self.line_of_contacts: dict[str, int] = {}

    def parse_line(self, line_no: int, text: str, lines: list[str]) -> None:
        section = CN_SECTION.match(text) or AR_SECTION.match(text)
        if section and "云聚英才卡" in section.group(2):
            self.part += 1
            slug = "" if self.part == 1 else "service"
            self.open_heading(0, text, slug, line_no, text)
            return
        if section:
            number, title = cn_to_int(section.group(1)), section.group(2)
            if self.part == 1:   # the export turned 3、相关待遇 … 6、 into 三、 … 六、
                self.open_heading(1, f"{number}、{title}", self.SECTION_SLUGS[title], line_no, text)
            else:
                self.open_heading(1, f"{int_to_cn(number)}、{title}", str(number), line_no, text)
            return
        paren = FULLWIDTH_PAREN.match(text)
        if paren:
            number, rest = cn_to_int(paren.group(1)), paren.group(2)
            label = f"（{int_to_cn(number)}）"
            if is_heading_text(rest):
                self.open_subsection(label, rest, line_no, text)
            else:
                self.emit_item(number, label, line_no, rest)
            return
        item = ITEM.match(text)
        if item:
            self.emit_item(int(item.group(1)), item.group(1), line_no, item.group(2))
            return
        sub = HALFWIDTH_PAREN.match(text)
        if sub:
            self.emit_subitem(int(sub.group(1)), line_no, sub.group(2))
            return
        self.emit_paragraph(line_no, text)

    def open_subsection(self, label: str, rest: str, line_no: int, text: str) -> None:
        title = rest.rstrip("：")
        tier = re.search(r"可申领云聚英才(钻石卡|金卡|银卡)", title)
        if tier:
            self.open_heading(2, f"{label}{tier.group(1)}", self.TIERS[tier.group(1)], line_no, text)
        else:
            self.open_heading(2, f"{label}{title}", self.SUBSECTION_SLUGS[title], line_no, text)
        if rest.endswith("："):
            # "申领人符合以下条件之一的，可申领云聚英才钻石卡：" says what the list below is for.
            self.emit(f"{self.container_id()}.intro", self.container_path(), rest, [line_no], "intro")


class PartnerParser(DocumentParser):
    """广东省智能制造生态合作伙伴（2024年）申报指南, its 附件1 (conditions), forms and summary table."""

    SECTION_SLUGS = {"申报方式及条件": "apply", "申报流程": "process", "获选支持": "support",
                     "智能制造装备领域": "equipment", "关键软件领域": "software",
                     "信息网络基础设施领域": "network", "智能制造系统解决方案领域": "solution",
                     "行业组织领域": "organization", "智能制造人才领域": "talent",
                     "智能制造金融服务领域": "finance", "智能制造试点示范领域": "pilot"}
    ROUTES = {"遴选加入。": "selection", "直接认定。": "direct"}
    APPENDIX_SLUGS = {"1": "conditions", "2.1": "form2_1", "2.2": "form2_2", "2.3": "form2_3",
                      "3": "summary"}

    def __init__(self, source: Source):
        super().__init__(source)
        self.appendix = ""          # "" while in the guide itself
        self.title_until = 0        # lines up to here belong to an appendix title

    def parse_line(self, line_no: int, text: str, lines: list[str]) -> None:
        if line_no <= self.title_until:
            return
        if not self.stack and not self.appendix and not CN_SECTION.match(text):
            self.doc.headings.append((line_no, text))     # 附件2 / the guide's own title
            return
        appendix = APPENDIX.match(text)
        if appendix:
            self.open_appendix(appendix.group(1), line_no, text, lines)
            return
        listed = APPENDIX_LIST.match(text)
        if listed:
            self.open_heading(1, "附件", "attachments", line_no, "附件：")
            self.emit_item(int(listed.group(1)), listed.group(1), line_no, listed.group(2))
            return
        section = CN_SECTION.match(text)
        if section:
            title = section.group(2)
            slug = self.SECTION_SLUGS.get(title) if not self.appendix.startswith(("form", "summary")) \
                else None
            self.in_table = False
            self.open_heading(1, text, slug or str(cn_to_int(section.group(1))), line_no, text)
            return
        if text in self.ROUTES:
            self.open_heading(2, text.rstrip("。"), self.ROUTES[text], line_no, text)
            return
        table = TABLE_TITLE.match(text)
        if table:
            self.in_table = True
            self.open_heading(2, text, f"table{table.group(1)}_{table.group(2)}", line_no, text)
            return
        paren = FULLWIDTH_PAREN.match(text)
        if paren:
            number, rest = cn_to_int(paren.group(1)), paren.group(2)
            if is_heading_text(rest):
                self.open_heading(3 if self.in_table else 2,
                                  text, str(number), line_no, text)
            else:
                self.emit_item(number, f"（{int_to_cn(number)}）", line_no, rest)
            return
        item = ITEM.match(text)
        if item:
            self.emit_item(int(item.group(1)), item.group(1), line_no, item.group(2))
            return
        self.emit_paragraph(line_no, text)

    def open_appendix(self, number: str, line_no: int, text: str, lines: list[str]) -> None:
        """附件N is followed by its title, which may run over several lines in parentheses."""
        title_lines: list[str] = []
        for index in range(line_no, len(lines)):          # lines[index] is line index + 1
            candidate = lines[index].strip()
            if not candidate:
                continue
            joined = "".join(title_lines)
            unclosed = joined.count("（") > joined.count("）")
            aside = candidate.startswith("（") and not FULLWIDTH_PAREN.match(candidate)
            if title_lines and not (unclosed or aside):
                break
            title_lines.append(candidate)
            self.doc.headings.append((index + 1, candidate))
            self.title_until = index + 1
        self.appendix = self.APPENDIX_SLUGS[number]
        self.in_table = False
        self.open_heading(0, f"{text} {''.join(title_lines)}", self.appendix, line_no, text)


PARSERS = {"talent": TalentParser, "partner": PartnerParser}


def attach_contacts(clauses: list[dict]) -> None:
    """Give each clause the office and 咨询电话 a reader should call about it.

    In the service guide each section ends with its own 咨询电话; the application part of the
    talent guide has one hotline (六、申领受理咨询电话) for all of it.
    """
    by_section: dict[str, list[dict]] = {}
    for clause in clauses:
        for office, phone in CONTACT.findall(clause["text"]):
            key = section_key(clause["clause_id"])
            entry = {"office": office.strip(), "phone": phone}
            if entry not in by_section.setdefault(key, []):
                by_section[key].append(entry)
    for clause in clauses:
        clause["contacts"] = by_section.get(section_key(clause["clause_id"]), [])


def section_key(clause_id: str) -> str:
    parts = clause_id.split(".")
    if parts[0] == "talent" and parts[1] == "service":
        return ".".join(parts[:3])
    return parts[0] if parts[0] == "talent" else clause_id


def parse(source: Source) -> ParsedDocument:
    document = PARSERS[source.doc_id](source).parse()
    if source.doc_id == "talent":
        attach_contacts(document.clauses)
    else:
        for clause in document.clauses:
            clause["contacts"] = []
    return document
