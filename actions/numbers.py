"""Quantities written the way people write them in Chinese chat messages.

"六项发明专利", "一千五百万", "1.5亿", "1500w", "3千万", "二十五个研发人员", "80%", "八成".
cn2an does the numeral conversion; this module only finds the numerals in a message, reads the
scale and unit around them, and flags vague amounts ("十来个", "两千来万", "几千万", "二十多人",
"大概三十人") so that the dialogue asks again instead of guessing a number that a threshold
would then decide on.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import List, Optional

import cn2an
import zhconv

CN_DIGITS = "零〇一二两三四五六七八九"
CN_SCALES = "十百千万亿"
# Markers that make an amount approximate: 十来个, 二十多人, 三十余项, 几千万, 数十人.
VAGUE_INSIDE = "来多余几"
HEDGES_BEFORE = ("大概", "大约", "约", "差不多", "将近", "接近", "估计", "可能", "预计")
HEDGES_AFTER = ("左右", "上下", "出头", "开外")

# One numeral: Arabic (1.5, 1500) or Chinese (一千五百), then any scale/vagueness characters
# (亿, 千万, 来万, w). "数" only counts as a numeral before a scale (数十, 数千万).
_NUMERAL = re.compile(
    r"(?:\d+(?:\.\d+)?|数(?=[十百千万])|[几" + CN_DIGITS + CN_SCALES + r"])"
    r"(?:[" + CN_DIGITS + CN_SCALES + VAGUE_INSIDE + r"]|(?<=\d)[\d.]|[wWkK](?![a-zA-Z]))*"
)
_PERCENT_WORDS = re.compile(r"百分之([" + CN_DIGITS + CN_SCALES + r"点\d.]+)|(一半)")
# Two plain digits side by side name a range: 两三个, 七八人, 20-30人.
_RANGE = re.compile(r"[一二两三四五六七八九]{2}|\d\s*[-~～到至]\s*\d")
# A numeral followed by these is a date, rank or name part, not a quantity: 近三年, 第一批,
# 500强, 五一劳动奖章 is caught by the unit check in facts (no numeric keyword there).
_NOT_QUANTITY_AFTER = tuple("年月日号届批类条章节等级代期岁楼路强")


@dataclass(frozen=True)
class Quantity:
    """A number mentioned in a message. `value` is absolute: "一千五百万" -> 15000000."""

    text: str  # the numeral as written, e.g. "两千来万"
    start: int
    end: int
    value: Optional[float]  # None when vague
    vague: bool
    unit: str  # what follows: "项", "人", "个", "元", "万元", "%", "成", "" ...
    scale_given: bool  # 万, 亿 or w was written: the amount is not in the asker's unit
    percent: bool = False  # 80%, 百分之八十, 八成: already a ratio in value

    def as_wan(self) -> Optional[float]:
        """The amount in 万元. A bare number is taken as 万元, the unit every question asks in."""
        if self.value is None or self.percent:
            return None
        if self.scale_given or self.unit.startswith("元"):
            return round(self.value / 10000, 4)
        return self.value

    def as_count(self) -> Optional[int]:
        """A whole count (patents, people, cases); None for fractions or vague amounts."""
        if self.value is None or self.percent or self.value != int(self.value):
            return None
        return int(self.value)

    def as_ratio(self) -> Optional[float]:
        """A share between 0 and 1: 80% / 八成 / 0.8; a bare 1–100 is read as a percentage."""
        if self.value is None:
            return None
        if self.percent:
            return self.value
        if 0 <= self.value <= 1:
            return self.value
        if 1 < self.value <= 100 and not self.scale_given:
            return round(self.value / 100, 4)
        return None


def normalise(text: str) -> str:
    """Full-width digits and signs to ASCII (１５００ -> 1500, ％ -> %); traditional characters
    to simplified (白雲區 -> 白云区, 兩千萬 -> 两千万), as retrieval does; drop thousands commas."""
    text = zhconv.convert(unicodedata.normalize("NFKC", text), "zh-cn")
    return re.sub(r"(?<=\d),(?=\d{3})", "", text)


def _convert(numeral: str) -> float:
    """Exact numeral -> number, through cn2an; "1500w" and "3k" are expanded first."""
    multiplier = 1
    if numeral[-1] in "wW":
        numeral, multiplier = numeral[:-1], 10000
    elif numeral[-1] in "kK":
        numeral, multiplier = numeral[:-1], 1000
    if numeral in ("十", "百", "千", "万", "亿"):
        numeral = "一" + numeral
    value = cn2an.cn2an(numeral, "smart") * multiplier
    return float(value)


def _is_vague(numeral: str, before: str, after: str) -> bool:
    if numeral.startswith("数") or any(c in numeral for c in VAGUE_INSIDE):
        return True
    if _RANGE.search(numeral) or re.match(r"\s*[-~～到至]\s*[\d" + CN_DIGITS + "]", after):
        return True
    if re.search(r"[\d" + CN_DIGITS + CN_SCALES + r"]\s*[-~～到至]\s*$", before):
        return True  # the upper end of a range: 20-30人, 二十到三十人
    if before.endswith(HEDGES_BEFORE) or after.lstrip("个项人名位家款万元").startswith(HEDGES_AFTER):
        return True
    return False


def find_quantities(text: str) -> List[Quantity]:
    """Every quantity in `text`, in order; dates, ranks and years ("近三年") are skipped."""
    text = normalise(text)
    found: List[Quantity] = []
    for match in _PERCENT_WORDS.finditer(text):
        try:
            value = 0.5 if match.group(2) else _convert(match.group(1).replace("点", ".")) / 100
        except (ValueError, KeyError, TypeError):
            continue
        found.append(Quantity(match.group(0), match.start(), match.end(), value, False, "%", False, True))
    taken = [(q.start, q.end) for q in found]
    for match in _NUMERAL.finditer(text):
        start, end = match.span()
        if any(s <= start < e for s, e in taken):
            continue
        numeral = match.group(0)
        before, after = text[max(0, start - 3):start], text[end:end + 4]
        if before.endswith("第") or after.startswith(_NOT_QUANTITY_AFTER):
            continue
        if re.fullmatch(r"[十百千万亿]+", numeral) and not _unit_after(after):
            continue  # a lone scale word inside other text (千万别, 万一) is not an amount
        vague = _is_vague(numeral, before, after)
        if numeral.startswith("几") or after.startswith(("来", "多", "余")):
            vague = True
        # "十来个" leaves "来" inside; "二十多万": 多 inside; "二十来": the same.
        unit = _unit_after(after)
        percent = unit in ("%", "成")
        value: Optional[float] = None
        if not vague:
            try:
                value = _convert(numeral)
            except (ValueError, KeyError, TypeError):
                continue
            if unit == "%":
                value = value / 100
            elif unit == "成":
                value = value / 10
        scale_given = bool(re.search(r"[万亿wW]", numeral)) or unit.startswith("万")
        found.append(Quantity(numeral, start, end, None if vague else value, vague, unit, scale_given, percent))
    found.sort(key=lambda q: q.start)
    return found


_UNITS = ("万元", "亿元", "万", "元", "%", "成", "项", "个", "人", "名", "位", "家", "款", "件", "篇", "所")


def _unit_after(after: str) -> str:
    after = after.lstrip("来多余 ")
    for unit in _UNITS:
        if after.startswith(unit):
            return unit
    return ""


def is_vague_only(text: str) -> bool:
    """True when the message gives amounts but every one of them is vague."""
    quantities = find_quantities(text)
    return bool(quantities) and all(q.vague for q in quantities)
