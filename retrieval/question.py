"""What a question asks and what it names, read once and handed to every part of answering.

`read(text)` gives a `Question`: the normalised text, what is asked (时间, 地点, 电话, 材料, 流程,
条件, 待遇, 区别, a whole list, a verdict), and the things named: tiers, benefits, partner domains,
amounts with the fact they are about, places, schemes the documents name only in passing, and
properties of the card or title the documents never state. The words come from vocabulary.yml;
nothing here decides an answer.
"""
from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field
from pathlib import Path

import cn2an
import yaml

from retrieval.normalize import normalize
from retrieval.text_features import document_hint
from retrieval import tokenizer
from knowledge import SOURCES, load_clauses
from rules.data import load_rules

VOCABULARY = Path(__file__).with_name("vocabulary.yml")


@functools.lru_cache(maxsize=1)
def vocabulary() -> dict:
    with VOCABULARY.open(encoding="utf-8") as handle:
        return yaml.safe_load(handle)


@dataclass(frozen=True)
class Amount:
    """A figure in a question, in the unit of the fact it is about (万元, a count, a ratio)."""
    fact: str
    programme: str          # talent-card or partner
    value: float
    exact: bool             # 正好, 刚好: the figure itself, not "about"
    said: str               # as written, for the answer to repeat
    relation: str = "="     # what the figure says of the value: = it, > more, >= it or more, < less, ~ about


@dataclass(frozen=True)
class Question:
    text: str                               # as asked (trimmed)
    normalized: str                         # 全角/半角, 繁体 folded (retrieval.normalize)
    document: str | None                    # talent, partner, or None when both or neither
    asks: frozenset[str]                    # keys of vocabulary.asks
    tiers: tuple[str, ...]                  # diamond/gold/silver, in the order named
    benefits: tuple[int, ...]               # numbers (1–13) of the benefits named
    domains: tuple[str, ...]                # partner domains named (the `domain` fact's values)
    amounts: tuple[Amount, ...] = ()
    places: dict = field(default_factory=dict)   # kind -> names found (see vocabulary.places)
    located: tuple[str, ...] = ()           # places named as where a company or person is
    elsewhere: tuple[str, ...] = ()         # places named for a scheme of their own
    facts_named: tuple[tuple[str, str], ...] = ()   # (programme, fact) named, with or without a figure
    levels: frozenset[str] = frozenset()   # 国家/省/市/区 levels named (全国技能大赛 vs 市级技能大赛)
    mentioned_only: tuple[str, ...] = ()    # schemes the documents name only in passing
    other_schemes: tuple[str, ...] = ()     # schemes they do not name at all (专精特新, 安家补贴)
    unsettled: tuple[str, ...] = ()         # properties no clause states (有效期, 补办 …)
    other_years: tuple[str, ...] = ()       # another year's partner scheme (2025年的申报指南)

    def asks_any(self, *kinds: str) -> bool:
        return any(kind in self.asks for kind in kinds)


@functools.lru_cache(maxsize=None)
def _pattern(words: tuple[str, ...]) -> re.Pattern:
    """One alternation, longest words first, so that 钻石卡 wins over 卡 at the same place."""
    return re.compile("|".join(re.escape(w) for w in sorted(set(words), key=len, reverse=True)))


def _found(text: str, words: list[str]) -> list[tuple[int, str]]:
    """(position, word) of each word found, left to right, longest first where two start at the
    same place; no two found words overlap."""
    if not words:
        return []
    return [(m.start(), m.group(0)) for m in _pattern(tuple(words)).finditer(text)]


def _named(text: str, table: dict) -> list:
    """The keys of `table` (key -> words) whose words occur, in the order they occur."""
    owner = {word: key for key, words in table.items() for word in words}
    seen = []
    for _, word in _found(text, list(owner)):
        key = owner[word]
        if key not in seen:
            seen.append(key)
    return seen


# A figure: an optional sign, digits or Chinese numerals, a magnitude, a unit.
NUMBER = re.compile(
    r"(?P<sign>负|-|−|﹣)?\s*(?P<number>\d+(?:\.\d+)?|[零〇一二两三四五六七八九十百千]+(?:点[零一二三四五六七八九]+)?)"
    r"(?P<about>来|多|余)?\s*(?:个(?=千万|百万|万|亿))?(?P<magnitude>千万|百万|万|亿)?\s*(?P<unit>元|块|项|个|人|款|家|名|件|%|％)?")
# 一个看专利、一项是…: 一个 as "one of them", followed by what that one does.
ONE_OF_THEM = re.compile(r"一[个项种类](?=看|是|要|讲|管|比|偏|侧重|重在|考)")
SENTENCE_END = re.compile(r"[。？?！!；;]")
CLAUSE_END = re.compile(r"[，,、。？?！!；;]")
# The units each count fact may be said in (the rule files give the unit a bound is written in).
COUNT_UNITS = {"项": "项个件", "人": "人名个", "个": "个项家件", "款": "款个种", "家": "家个"}
# 承诺达产年年度纳税总额 is a commitment, not the 区库年税收 of a year.
NOT_DISTRICT_TAX = re.compile(r"承诺|达产|纳税总额|总额")
# 区库年税收 and 在我区累计投资额 are the district's own: a figure said of another place is not one.
DISTRICT_FACTS = {"district_tax_wan", "district_investment_wan"}
NOT_HIGHTECH = re.compile(r"(不是|并非|非|不属于|没有认定|未认定|不算)(国家级?)?高新")
# Words that make a figure a bound on the value rather than the value (超过一千万一点点, 不到100万,
# 1500万左右), before the figure and after it.
MORE_BEFORE = re.compile(r"(超过|超出|多于|高于|大于|不止|起码|至少)[了]?$")
LESS_BEFORE = re.compile(r"(不到|不足|少于|低于|小于|未满|不满|没到|没有到|将近|接近|差一点|差点)[了]?$")
MORE_AFTER = re.compile(r"^(多|出头|有余|余|往上|一点点|一点)")
AT_LEAST_AFTER = re.compile(r"^(以上|及以上|（含）以上)")
LESS_AFTER = re.compile(r"^(以下|以内|不到|往下)")
ABOUT = re.compile(r"大概|大约|约|左右|上下|差不多|估计|预计|几乎")
EXACT = re.compile(r"正好|刚好|恰好|整整|刚刚好|就是|等于")
MONEY_FACTS = {"district_tax_wan", "hightech_revenue_wan", "district_investment_wan",
               "avg_revenue_wan"}


def _value(match: re.Match) -> float | None:
    number = match.group("number")
    try:
        value = float(number) if number[0].isdigit() else float(cn2an.cn2an(number, "smart"))
    except (ValueError, KeyError, TypeError):
        return None
    value *= {"千万": 1000, "百万": 100, "万": 1, "亿": 10000}.get(match.group("magnitude") or "", 1)
    return -value if match.group("sign") else value


SHARES = [(re.compile(r"一半"), "50%"), (re.compile(r"([一二三四五六七八九\d])成"),
                                         lambda m: f"{cn2an.cn2an(m.group(1), 'smart') * 10}%")]


_PROMISED = re.compile(r"承诺|达产")


def _amounts(text: str, programme_hint: str | None) -> list[Amount]:
    """Figures paired with the fact word nearest before them (or just after)."""
    for pattern, replacement in SHARES:  # 一半, 六成: a share said in words
        text = pattern.sub(replacement, text)
    facts = vocabulary()["facts"]
    owner: dict[str, list[tuple[str, str]]] = {}
    for programme, table in facts.items():
        if programme_hint and programme != programme_hint:
            continue
        for fact, words in table.items():
            for word in words:
                owner.setdefault(word, []).append((programme, fact))
    named = [(position, word, owner[word]) for position, word in _found(text, list(owner))]
    amounts = []
    for match in NUMBER.finditer(text):
        if not (match.group("magnitude") or match.group("unit")):
            continue  # a bare number (第3条, 2024年) is not an amount
        if ONE_OF_THEM.match(text, match.start()):
            continue  # 一个看专利一个看著作权: "one of them", not a count of one
        value = _value(match)
        if value is None:
            continue
        # the fact word before the figure in the same sentence, or just after it in the same clause
        before = [n for n in named if n[0] < match.start() and match.start() - n[0] <= 14
                  and not SENTENCE_END.search(text[n[0]:match.start()])]
        after = [n for n in named if n[0] >= match.end() and n[0] - match.end() <= 10
                 and not CLAUSE_END.search(text[match.end():n[0]])]
        if not (before or after):
            continue
        position, word, meanings = before[-1] if before else after[0]
        if _PROMISED.search(text[max(0, position - 8):position + len(word)]):
            continue  # 承诺达产年纳税3000万 is the 招商引资 criterion's figure, not 区库年税收
        for programme, fact in meanings:  # 营收 is a figure of either programme
            amount = _amount(match, value, text, programme, fact)
            if amount is not None:
                amounts.append(amount)
    return amounts


def _fact_unit(programme: str, fact: str) -> str:
    spec = load_rules(programme)["facts"].get(fact, {})
    return spec.get("unit", "")


def _amount(match: re.Match, value: float, text: str, programme: str, fact: str) -> Amount | None:
    """The figure (`value`, as read from `match`) in the fact's unit, or None when it cannot be
    a figure of this fact."""
    unit, magnitude = match.group("unit") or "", match.group("magnitude")
    if fact == "qualified_staff_count" and unit in ("%", "％"):
        fact = "qualified_staff_ratio"  # 本科以上的占50%: the share itself
    if fact in MONEY_FACTS:
        if not magnitude and unit not in ("元", "块"):
            return None     # a count next to a money word
        if not magnitude:
            value /= 10000  # 元 -> 万元
        before = text[max(0, match.start() - 14):match.start()]
        if fact == "district_tax_wan" and NOT_DISTRICT_TAX.search(before):
            return None
        clause = CLAUSE_END.split(before)[-1]
        places = vocabulary()["places"]
        if fact in DISTRICT_FACTS and any(p in clause for p in places["guangzhou_districts"]
                                          + places["other_provinces"] + places["guangdong_cities"]):
            return None  # 在黄埔区投资了50亿 is not 在我区累计投资额
        if fact == "hightech_revenue_wan" and NOT_HIGHTECH.search(text):
            return None  # 不是高新技术企业: the revenue route does not apply
    elif fact == "qualified_staff_ratio":
        if unit not in ("%", "％") and value > 1:
            return None
        value = value / 100 if unit in ("%", "％") else value
    else:
        if unit and unit not in COUNT_UNITS.get(_fact_unit(programme, fact), unit):
            return None     # 12家 is not a number of 款 of financial products
        if magnitude:
            value *= 10000  # 1万人
    window = text[max(0, match.start() - 6):match.start()]
    after = text[match.end():match.end() + 4]
    if match.group("about"):
        relation = "~" if match.group("about") == "来" else ">"  # 300来万, 20多人
    elif AT_LEAST_AFTER.search(after):
        relation = ">="
    elif MORE_BEFORE.search(window) or MORE_AFTER.search(after):
        relation = ">"
    elif LESS_BEFORE.search(window) or LESS_AFTER.search(after):
        relation = "<"
    elif ABOUT.search(window) or ABOUT.search(after[:2]):
        relation = "~"
    else:
        relation = "="
    return Amount(fact, programme, value, bool(EXACT.search(window)), match.group(0).strip(),
                  relation)


PLACE_KINDS = ("guangdong_cities", "guangzhou_districts", "other_provinces")


@functools.lru_cache(maxsize=None)
def _section_text(number: int) -> str:
    """A benefit's part of the service guide (二、服务指南 › 十一 …), where 在哪家医院 is answered."""
    prefix = f"talent.service.{number}."
    return "".join(c["text"] for c in load_clauses() if c["clause_id"].startswith(prefix))


def _benefit_text(rule: dict) -> str:
    return rule["text"] + _section_text(rule["number"])


def _benefits(text: str) -> tuple[int, ...]:
    """The benefits named, less one named only by a word that another named benefit's own
    clauses use: in "工会组织的体检或者疗养", 体检 is part of (十) 工会服务, not (十一) 定期体检, and in
    "体检在哪家医院做", 医院 is where (十一) is done, not (六) 医疗保健; but
    "工会服务和定期体检服务" names both by their titles."""
    owner = {word: int(number) for number, words in vocabulary()["benefits"].items()
             for word in words}
    said: dict[int, list[str]] = {}
    for _, word in _found(text, list(owner)):
        said.setdefault(owner[word], []).append(word)
    rules = {b["number"]: b for b in load_rules("talent-card")["benefits"]}

    def by_title(number: int) -> bool:
        return rules[number]["title"].removesuffix("服务") in text

    def absorbed(number: int) -> bool:
        return not by_title(number) and any(
            other != number and all(word in _benefit_text(rules[other]) for word in said[number])
            for other in said)

    return tuple(number for number in said if not absorbed(number))


# The levels of government an award, title or platform belongs to, as questions and clauses say
# them. 白云区 and the district's bodies (区库, 区属) are the card's own place, not a level.
LEVELS = {
    "national": re.compile(r"国家级|国家|全国|国务院|世界|国际"),
    "provincial": re.compile(r"省级|省里|省部|广东省(?!内)|省(?![内外])"),
    "municipal": re.compile(r"市级|市里|广州市|市(?!场|监|民|内)"),
    "district": re.compile(r"区级|区里|区一级"),
}


def levels_of(text: str) -> frozenset[str]:
    return frozenset(level for level, pattern in LEVELS.items() if pattern.search(text))


def _first_of_each(amounts: list[Amount]) -> list[Amount]:
    """One figure per fact, the first said: in "营收9800万，差一点一个亿" the second is a reference."""
    seen, kept = set(), []
    for amount in amounts:
        if (amount.programme, amount.fact) not in seen:
            seen.add((amount.programme, amount.fact))
            kept.append(amount)
    return kept


# Right after a place: its own scheme (深圳那边的人才卡, 杭州的人才政策, 上海市的补贴).
_OWN_SCHEME = re.compile(r"[省市区县]?(那边|那里|当地|本地|这边)?的?[^，,。？?]{0,4}"
                         r"(人才卡|人才政策|政策|补贴|人才计划|计划|绿卡|待遇)")


def _places(text: str) -> tuple[dict, list[str], list[str]]:
    """Places by kind, and which are where someone is (深圳注册的企业) and which name a scheme
    of their own (浙江省的示范工厂). 广州 is the talent card's own city and is neither."""
    table = vocabulary()["places"]
    kinds = {kind: [word for _, word in _found(text, table[kind])] for kind in PLACE_KINDS}
    located, elsewhere = [], []
    every = sorted(p for kind in PLACE_KINDS for p in _found(text, table[kind]))
    previous = None   # (end, role) of the place before: 湖南和广西 share one role
    for position, word in every:
        if word == "广州":
            continue
        around = text[max(0, position - 6):position] + text[position + len(word):position + len(word) + 8]
        at = text[max(0, position - 1):position] == "在"   # 在湖南, 都在广西: where it is
        role = located if at or any(w in around for w in table["location_words"]) else elsewhere
        if not at and _OWN_SCHEME.match(text, position + len(word)):
            role = elsewhere   # 我在南山上班，深圳那边的人才卡…: the place's own card
        if re.search(r"(报|申报|申请|参评|参加|评)$", text[max(0, position - 2):position]):
            role = elsewhere   # 想报浙江省的…供应商: a scheme of that place, applied for
        if previous and re.fullmatch(r"[省市区县]?(和|、|及|或|跟|与)", text[previous[0]:position]):
            role = previous[1]
        role.append(word)
        previous = (position + len(word), role)
    return kinds, located, elsewhere


# A scheme called by a name of its own ("工业互联网标杆项目怎么报"): the words before a scheme's
# kind, back to the nearest 的 or punctuation, asked how to apply for.
_SCHEME_NAME = re.compile(r"([\u4e00-\u9fffA-Za-z]{2,12}?)(标杆项目|示范项目|项目|计划|工程|专项资金|专项|"
                          r"补贴|补助|奖励|资助|基金|称号|榜单)")
_APPLIED_FOR = re.compile(r"[^，,。？?]{0,4}(怎么|如何|怎样|申报|申请|报名|要什么|需要什么|要哪些|需要哪些|什么条件|"
                          r"条件|材料|流程|入口|在哪|去哪|报)")
_NAME_STARTS_AFTER = re.compile(r".*[的之，,。？?、和与及或在]")


@functools.lru_cache(maxsize=1)
def _corpus_text() -> str:
    """Both documents whole, headings and table titles included."""
    return "".join(source.path.read_text(encoding="utf-8") for source in SOURCES)


def _unnamed_schemes(text: str) -> list[str]:
    """Schemes asked about by a name whose words neither document uses: a word of the name
    (longer than one character, not a function word) that no clause contains."""
    found = []
    for match in _SCHEME_NAME.finditer(text):
        if not _APPLIED_FOR.match(text, match.end()):
            continue
        name = _NAME_STARTS_AFTER.sub("", match.group(1))
        named = tokenizer.words(name)
        if named and any(w not in _corpus_text() for w in named):
            found.append(name + match.group(2))
    return found


# The partner guide is the 2024 one; a year named for the scheme itself (2025年的申报指南, 23年第四批
# 合作伙伴) is another year's scheme, while a year named for a figure (2023年营收) is not.
PARTNER_YEAR = "2024"
_SCHEME_YEAR = re.compile(r"(20\d\d|(?<!\d)\d\d)年(?:度)?(?P<between>[^。？?！!；;，,]{0,16}?)"
                          r"(申报指南|指南|生态合作伙伴|合作伙伴|评选|申报通知|名单|批次)")
# 2023年营收 is a figure's year; 2022年入选的 is when a member was selected (无需重复申报 answers it).
_FIGURE_WORDS = re.compile(r"营收|收入|税|产值|利润|销售|投资|专利|案例|人数|员工|入选|评上|评为|获评|认定|选上|上榜|进入|进了|成为|加入|已经|已|批")


def _other_years(text: str) -> list[str]:
    found = []
    for match in _SCHEME_YEAR.finditer(text):
        year = match.group(1) if len(match.group(1)) == 4 else "20" + match.group(1)
        if year != PARTNER_YEAR and not _FIGURE_WORDS.search(match.group("between")):
            found.append(year + "年")
    return found


def _facts_named(text: str) -> list[tuple[str, str]]:
    named = []
    text = re.sub(f"(?:{_PROMISED.pattern})[^，,。？?]{{0,8}}", "", text)  # the 招商引资 criterion's figure, not a fact's
    for programme, table in vocabulary()["facts"].items():
        for fact in _named(text, table):
            named.append((programme, fact))
    return named


def _with_ratio(amounts: list[Amount]) -> list[Amount]:
    """20 staff of whom 9 qualified: the share the partner condition asks for (45%)."""
    staff = next((a for a in amounts if a.fact == "staff_count"), None)
    qualified = next((a for a in amounts if a.fact == "qualified_staff_count"), None)
    kept = [a for a in amounts if a.fact != "qualified_staff_count"]
    if staff and qualified and staff.value > 0 and 0 <= qualified.value <= staff.value:
        kept.append(Amount("qualified_staff_ratio", "partner", qualified.value / staff.value,
                           qualified.exact, f"{qualified.said}/{staff.said}"))
    return kept


def read(text: str, context: str | None = None) -> Question:
    """`context`: the document the conversation is about (talent / partner) when the question
    names neither ("要准备哪些材料" asked in the middle of the card assessment)."""
    text = text.strip()
    normalized = normalize(text)
    words = vocabulary()
    tiers = tuple(_named(normalized, words["tiers"]))
    benefits = _benefits(normalized)
    domains = tuple(_named(normalized, words["domains"]))
    document = document_hint(normalized)
    if document is None and (tiers or "卡" in normalized) and not domains:
        document = "talent"  # 办什么卡: only the talent card is a card
    elif document is None and domains and not tiers:
        document = "partner"  # 智能装备, 关键软件: the partner programme's domains
    if document is None and context in ("talent", "partner"):
        document = context
    unsettled = words["unsettled"]
    places, located, elsewhere = _places(normalized)
    programme = {"talent": "talent-card", "partner": "partner"}.get(document or "")
    return Question(
        text=text,
        normalized=normalized,
        document=document,
        asks=frozenset(_named(normalized, words["asks"])),
        tiers=tiers,
        benefits=benefits,
        domains=domains,
        amounts=tuple(_first_of_each(_with_ratio(_amounts(normalized, programme)))),
        places=places,
        located=tuple(located),
        elsewhere=tuple(elsewhere),
        facts_named=tuple(f for f in _facts_named(normalized) if not programme or f[0] == programme),
        levels=levels_of(normalized),
        mentioned_only=tuple(w for _, w in _found(normalized, words["mentioned_only"])),
        other_schemes=tuple([w for _, w in _found(normalized, words["other_schemes"])]
                            + _unnamed_schemes(normalized)),
        unsettled=tuple(_named(normalized, {k: v for k, v in unsettled.items()
                                            if k != "subjects"})),
        other_years=tuple(_other_years(normalized)) if document != "talent" else (),
    )
