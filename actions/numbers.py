"""Quantities written the way people write them in Chinese chat messages.

"六项发明专利", "一千五百万", "1.5亿", "1500w", "零点五", "80%", "八成": exact amounts.
"两三千万", "20-30人", "二十到三十人": ranges. "大约2亿", "一个多亿", "三十多人", "十来个",
"几千万", "3000万以上", "不到20人": approximations, read as the range they leave open.
"-900万", "负五百万": negative, flagged so the dialogue asks back instead of deciding.

cn2an does every numeral conversion. A quantity keeps the range it allows (`low`, `high`,
absolute: "一千五百万" -> 15000000); an exact one has low == high. Whether a range is precise
enough is for the caller to decide against the bounds that matter (actions/facts.py).
"""
from __future__ import annotations

import math
import re
import unicodedata
from dataclasses import dataclass
from typing import List, Optional, Tuple

import cn2an
import zhconv

CN_DIGITS = "零〇一二两三四五六七八九"
CN_SCALES = "十百千万亿"
# Longer than this many digits, a figure is a typing accident, not an amount (and cn2an slows).
MAX_DIGITS = 15
# How far an approximation reaches either side: "大约2亿" is read as 1.6亿–2.4亿.
APPROXIMATE_SPREAD = 0.2
HEDGES_BEFORE = ("大概", "大约", "约", "差不多", "估计", "可能", "预计", "应该有", "大致", "估摸")
NEARLY_BEFORE = ("将近", "接近", "近", "快")  # just under: [0.8x, x]
AT_LEAST_BEFORE = ("超过", "超", "过", "上", "逾", "至少", "不少于", "不低于", "大于", "高于", "多于")  # "过亿", "上千万"
BELOW_BEFORE = ("不到", "不足", "少于", "低于", "不超过", "未满", "不满", "没有", "没", "不够", "达不到", "没达到",
                "还没到")
MORE_THAN_BEFORE = ("超过", "超", "过", "逾", "大于", "高于", "多于")  # the number itself left out
HEDGES_AFTER = ("左右", "上下")
AT_LEAST_AFTER = ("以上", "开外", "多")
BELOW_AFTER = ("以下", "以内", "不到")

# One numeral: Arabic (1.5, 1500) or Chinese (一千五百, 零点五, 两三千), with scale characters
# (亿, 千万, w). "数" and "几" are numerals only before a scale or a unit (数十, 几千万, 几个).
_CN = "[" + CN_DIGITS + CN_SCALES + "]"
_NUMERAL = re.compile(
    r"(?:\d+(?:\.\d+)?(?:\s*[万亿千百]+|[wWkK](?![a-zA-Z]))*"
    r"|(?:数|几)(?=[十百千万个项人名位家款件])[" + CN_SCALES + r"]*"
    r"|" + _CN + r"+(?:点[" + CN_DIGITS + r"]+)?[" + CN_SCALES + r"]*几?)"
)
_SIGN = re.compile(r"(?:-|负)\s*$")
_RANGE_JOIN = re.compile(r"^\s*(?:-|~|～|到|至|—)\s*")
_PERCENT_WORDS = re.compile(r"百分之([" + CN_DIGITS + CN_SCALES + r"点\d.]+)|(一半)")
# A numeral followed by these is a date, rank or name part, not a quantity: 近三年, 第一批,
# 500强, 五一劳动奖章 (no numeric keyword there).
_NOT_QUANTITY_AFTER = tuple("年月日号届批类条章节等级代期岁楼路强")
_UNITS = ("万元", "亿元", "万", "亿", "元", "块", "%", "成", "项", "个", "人", "名", "位", "家", "款", "件", "篇",
          "所", "种", "点")


@dataclass(frozen=True)
class Quantity:
    """A number mentioned in a message, as the range of values it allows (absolute units)."""

    text: str  # as written, e.g. "两三千万", "大约2亿"
    start: int
    end: int
    low: float
    high: float  # math.inf for "3000万以上"
    unit: str  # what follows: "项", "人", "个", "元", "万元", "%", "成", "" ...
    scale_given: bool  # 万, 亿 or w was written: the amount is not in the asker's unit
    percent: bool = False  # 80%, 百分之八十, 八成: low/high are already ratios
    negative: bool = False  # "-900万", "负五百万"
    too_long: bool = False  # more digits than any real figure has
    said: str = ""  # with its hedges and unit, as the person wrote it: "大约2亿", "三十多人"
    garbled: bool = False  # a scale said twice in a row ("一个亿亿亿"): no figure anyone writes

    @property
    def exact(self) -> bool:
        return self.low == self.high and not self.negative and not self.too_long and not self.garbled

    @property
    def vague(self) -> bool:
        return not self.exact

    @property
    def value(self) -> Optional[float]:
        return self.low if self.exact else None

    def wan_range(self) -> Optional[Tuple[float, float]]:
        """(low, high) in 万元. A bare number is taken as 万元, the unit every question asks in."""
        if self.percent:
            return None
        if self.scale_given or self.unit.startswith(("元", "块")):
            return self.low / 10000, self.high / 10000
        return self.low, self.high

    def count_range(self) -> Optional[Tuple[float, float]]:
        return None if self.percent else (self.low, self.high)

    def ratio_range(self) -> Optional[Tuple[float, float]]:
        """A share: 80% / 八成 / 0.8; a bare 1–100 is read as a percentage."""
        if self.percent or self.high <= 1:
            return self.low, self.high
        if self.high <= 100 and not self.scale_given:
            return self.low / 100, self.high / 100
        return self.low, self.high  # above 1: the caller says it is impossible

    def as_wan(self) -> Optional[float]:
        found = self.wan_range() if self.exact else None
        return round(found[0], 4) if found else None

    def as_count(self) -> Optional[int]:
        """A whole count (patents, people, cases); None for fractions or ranges."""
        if not self.exact or self.percent or self.low != int(self.low):
            return None
        return int(self.low)

    def as_ratio(self) -> Optional[float]:
        found = self.ratio_range() if self.exact else None
        return round(found[0], 4) if found else None


def normalise(text: str) -> str:
    """Full-width digits and signs to ASCII (１５００ -> 1500, ％ -> %); traditional characters
    to simplified (白雲區 -> 白云区, 兩千萬 -> 两千万), as retrieval does; drop thousands commas."""
    text = zhconv.convert(unicodedata.normalize("NFKC", text), "zh-cn")
    # "……" (NFKC: "......") is a pause, read as clause breaks, one per character: offsets stay
    text = re.sub(r"\.{2,}", lambda dots: "，" * len(dots.group()), text)
    # "一个多亿", "两个亿": the 个 is not a counter (a space keeps the offsets).
    text = re.sub(r"(?<=[\d" + CN_DIGITS + r"])个(?=多?亿)", " ", text)
    return re.sub(r"(?<=\d),(?=\d{3})", "", text)


def _convert(numeral: str) -> float:
    """One exact numeral -> number, through cn2an ("1500w", "3k", "2 亿" expanded first)."""
    numeral = numeral.replace(" ", "")
    multiplier = 1
    while numeral and numeral[-1] in "wWkK":
        multiplier *= 10000 if numeral[-1] in "wW" else 1000
        numeral = numeral[:-1]
    if re.fullmatch(r"[十百千万亿]+", numeral):
        numeral = "一" + numeral
    decimal_scale = re.fullmatch(r"(.+点.+?)([万亿]+)", numeral)
    if decimal_scale:  # "一点五亿": cn2an reads the decimal and the scale apart
        return _convert(decimal_scale.group(1)) * _convert("一" + decimal_scale.group(2)) * multiplier
    return float(cn2an.cn2an(numeral, "smart")) * multiplier


def _digit_count(numeral: str) -> int:
    return len(re.sub(r"\D", "", numeral))


def _range_inside(numeral: str) -> Optional[Tuple[float, float]]:
    """Two adjacent digits name a range: 两三千万 -> 2000万–3000万, 七八个 -> 7–8."""
    hit = re.fullmatch(r"([一二两三四五六七八九])([一二两三四五六七八九])([" + CN_SCALES + r"]*)", numeral)
    if not hit or hit.group(1) == hit.group(2):
        return None
    scale = _convert("一" + hit.group(3)) if hit.group(3) else 1.0
    low, high = _convert(hit.group(1)) * scale, _convert(hit.group(2)) * scale
    return (low, high) if low < high else None


def _vague_numeral(numeral: str) -> Optional[Tuple[float, float]]:
    """几千万 -> 2000万–9000万, 数十 -> 20–90, 几个 -> 2–9; 十几 -> 11–19, 三百几 -> 310–390."""
    if numeral.endswith("几") and len(numeral) > 1:
        base = _convert(numeral[:-1])
        step = _place(numeral[:-1]) / 10
        return base + step, base + 9 * step
    if not numeral.startswith(("几", "数")):
        return None
    scale = _convert("一" + numeral[1:]) if numeral[1:] else 1.0
    return 2 * scale, 9 * scale


def find_quantities(text: str) -> List[Quantity]:
    """Every quantity in `text`, in order; dates, ranks and years ("近三年") are skipped."""
    text = normalise(text)
    found: List[Quantity] = []
    for match in _PERCENT_WORDS.finditer(text):
        try:
            value = 0.5 if match.group(2) else _convert(match.group(1)) / 100
        except (ValueError, KeyError, TypeError):
            continue
        found.append(Quantity(match.group(0), match.start(), match.end(), value, value, "%", False, True))
    taken = [(q.start, q.end) for q in found]
    matches = [m for m in _NUMERAL.finditer(text)
               if not any(s <= m.start() < e for s, e in taken)]
    skip = set()
    for index, match in enumerate(matches):
        if index in skip:
            continue
        start, end = match.span()
        numeral = match.group(0).strip()
        before, after = text[max(0, start - 4):start], text[end:end + 4]
        if before.endswith("第") or after.startswith(_NOT_QUANTITY_AFTER):
            continue
        if re.fullmatch(r"[十百千万亿]+", numeral) and not _unit_after(after) \
                and not before.endswith(AT_LEAST_BEFORE + NEARLY_BEFORE):
            continue  # a lone scale word inside other text (千万别, 万一) is not an amount
        if numeral in ("一", "两") and not _unit_after(after):
            continue  # "一下", "两个方面"… only a counted 一 / 两 is a quantity
        too_long = _digit_count(numeral) > MAX_DIGITS
        try:
            parsed = (0.0, 0.0) if too_long else (_range_inside(numeral) or _vague_numeral(numeral))
            if parsed is None:
                value = _convert(numeral)
                parsed = (value, value)
        except (ValueError, KeyError, TypeError, OverflowError):
            continue
        low, high = parsed
        written_end = end
        # "20-30人", "二十到三十人": the next numeral closes the range.
        join = _RANGE_JOIN.match(text[end:])
        nxt = matches[index + 1] if index + 1 < len(matches) else None
        if join and nxt is not None and nxt.start() == end + join.end():
            try:
                upper = _convert(nxt.group(0).strip())
                scale_after = re.search(r"[万亿]+$", nxt.group(0))
                if scale_after and not re.search(r"[万亿]", numeral):
                    low *= _convert("一" + scale_after.group(0))  # "两千到三千万"
                low, high = min(low, upper), max(low, upper)
                written_end = nxt.end()
                skip.add(index + 1)
                after = text[written_end:written_end + 4]
            except (ValueError, KeyError, TypeError, OverflowError):
                pass
        unit = _unit_after(after)
        scale_tail = re.match(r"\s?[多余来]?[万亿]+", text[written_end:])
        if scale_tail:  # "一多亿", "两千多万": the scale after the hedge belongs to this amount
            written_end += scale_tail.end()
            skip.update(i for i, m in enumerate(matches) if i > index and m.start() < written_end)
        negative = bool(_SIGN.search(text[max(0, start - 2):start])) and not re.search(
            r"[\d" + CN_DIGITS + CN_SCALES + r"]\s*-\s*$", text[max(0, start - 3):start])
        low, high = _hedged(numeral, low, high, before, after.lstrip(" "))
        if unit == "%":
            low, high = low / 100, high / 100
        elif unit == "成":
            low, high = low / 10, high / 10
        scale_given = bool(re.search(r"[万亿wW]", text[start:written_end])) or unit.startswith(("万", "亿"))
        if unit.startswith("亿") and not re.search(r"[万亿]", numeral):
            low, high = low * 1e8, high * 1e8
        elif unit.startswith("万") and not re.search(r"[万亿wW]", numeral):
            low, high = low * 1e4, high * 1e4
        found.append(Quantity(text[start:written_end], start, written_end, low, high, unit, scale_given,
                              unit in ("%", "成"), negative, too_long,
                              _said(text, start, written_end, unit),
                              garbled=bool(re.search(r"([万亿])\s*\1", text[start:written_end]))))
    found.sort(key=lambda q: q.start)
    return found


_ALL_BEFORE = HEDGES_BEFORE + NEARLY_BEFORE + AT_LEAST_BEFORE + BELOW_BEFORE + ("-", "负")
_ALL_AFTER = HEDGES_AFTER + AT_LEAST_AFTER + BELOW_AFTER


def _said(text: str, start: int, end: int, unit: str) -> str:
    """The quantity as written, with the words that hedge it: "大约2亿", "3000万以上"."""
    before = next((w for w in sorted(_ALL_BEFORE, key=len, reverse=True) if text[:start].endswith(w)), "")
    rest = text[end:]
    tail = re.match(r"\s*[多余来]?\s*(?:" + re.escape(unit) + ")?" if unit else r"\s*[多余来]?", rest)
    end += tail.end() if tail else 0
    after = next((w for w in _ALL_AFTER if text[end:].startswith(w)), "")
    return (before + text[start:end] + after).replace(" ", "个").strip()


def _hedged(numeral: str, low: float, high: float, before: str, after: str) -> Tuple[float, float]:
    """Widen the range for the words around the numeral: 大约, 多, 来, 以上, 不到…"""
    rest = after.lstrip("个项人名位家款件万元亿块")
    step = _place(numeral)
    if after.startswith("来") or rest.startswith("来"):
        return low * (1 - APPROXIMATE_SPREAD), high * (1 + APPROXIMATE_SPREAD)  # 十来个: 8–12
    if after.startswith(("多", "余")) or re.match(r"^[个项人名位家款件]?[多余]", after):
        return low + step * 0.01, high + step * 0.99  # 三十多人: above 30, below 40; 一个多亿
    if rest.startswith(("出头", "挂零")):
        return low + step * 0.01, high * (1 + 1 / 6)  # 三百万出头: a little over 300万, up to 350万
    if rest.startswith(BELOW_AFTER) or before.endswith(BELOW_BEFORE):
        return 0.0, high - step * 0.01  # 不到20人: below 20, never 20 itself
    if rest.startswith(AT_LEAST_AFTER) or before.endswith(AT_LEAST_BEFORE):
        # "超过800万" leaves 800万 itself out; "800万以上" keeps it (as the clauses read them).
        above = before.endswith(MORE_THAN_BEFORE) or rest.startswith(("开外", "多"))
        return (low + step * 0.01 if above else low), math.inf
    if before.endswith(NEARLY_BEFORE):
        return low * (1 - APPROXIMATE_SPREAD), high
    if before.endswith(HEDGES_BEFORE) or rest.startswith(HEDGES_AFTER):
        return low * (1 - APPROXIMATE_SPREAD), high * (1 + APPROXIMATE_SPREAD)
    return low, high


def _place(numeral: str) -> float:
    """The value of the numeral's last place: 三十 -> 10, 两千万 -> 1000万, 2亿 -> 1亿, 7 -> 1."""
    tail = re.search(r"[十百千万亿]+$", numeral)
    if tail:
        return _convert("一" + tail.group(0))
    if re.search(r"[wW]$", numeral):
        return 10000.0
    digits = re.search(r"(\d+)$", numeral)
    if digits and not "." in numeral:
        zeros = len(digits.group(1)) - len(digits.group(1).rstrip("0"))
        return float(10 ** zeros) if zeros < len(digits.group(1)) else 1.0
    return 1.0


def _unit_after(after: str) -> str:
    after = after.lstrip("来多余 ")
    for unit in _UNITS:
        if after.startswith(unit):
            return unit
    return ""
