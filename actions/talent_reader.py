"""Reading the 云聚英才卡 facts and criteria one message states.

Titles come from the phrase lists (actions/lexicon.py), each with its negation seen on both
sides ("学校不是双一流的" denies the 双一流 a master's degree needs). A criterion of several
parts (银卡 2: 海外学士 + 创办企业2至5年 + 核心技术且中试或产业化 + 主要创办人且第一大股东,
the `parts` of knowledge/rules/talent-card.yml) holds only when every part is said; the parts
said are kept and the others asked. Nothing here guesses: an ambiguous title or a figure that
straddles a bound becomes a question back.
"""
from __future__ import annotations

import datetime
import dataclasses
import re
from functools import lru_cache
from typing import Dict, List, Optional, Sequence, Tuple

from rules.data import load_rules

from actions import catalogue, lexicon
from actions.figures import read_figures
from actions.message import (OTHER_ORGANISATION, RELATION, clause_bounds, has_negation, negated, not_yet_held,
                             other_organisations_clauses, others_clauses, yes_no)
from actions.numbers import find_quantities, normalise
from actions.reading import Reading, find_words, mask, merge

PROGRAM = "talent-card"
# A manager of a 四上 or headquarters enterprise (talent.eligibility.gold.12) said in two parts.
KEY_ENTERPRISE = re.compile(r"四上企业|总部企业")
MANAGER = re.compile(r"高管|中层|中高层|高层管理|管理人员|管理层|副总|部门经理|部门负责人")
# "什么称号都没有" / "没有任何人才称号": no title, said inside a longer message.
_NO_TITLES = re.compile(r"(什么|啥|任何)(人才)?(称号|头衔|职称|荣誉|奖项|资格)?(都|也)(没有|没|不是)|"
                        r"没有?(任何|什么)?(人才)?(称号|头衔|职称|荣誉|奖项)|(称号|头衔|职称)(都|也)?(没有|没)")
PROJECT_LEAD_WORDS = ("项目带头人", "带头人")
_DENIAL = re.compile(r"不|没|未|非|无")
_BAIYUN = re.compile(r"白云(?!工匠|国际|机场|大道|时事)")
_NOT_BAIYUN = re.compile(r"(不在|不是|不属于|并非|非)[^，,。；;]{0,3}白云")
_RESIDENCE = re.compile(r"住在|住白云|家在|家住|户口|老家|租房|买房|房子")
_EMPLOYER_DENIED = re.compile(r"没有|没|未|不(?!仅|但|少)|非")


@lru_cache(maxsize=None)
def _titles() -> dict:
    """How titles are read beyond the criteria's phrases: the rule data's `titles` section
    (questions back for unclear titles, the schools a master's degree needs, lookalikes)."""
    return load_rules(PROGRAM)["titles"]


@lru_cache(maxsize=None)
def _lesser_titles() -> re.Pattern:
    return re.compile(_titles()["lesser_pattern"])


# Another person's title: "我老婆是博士", "我们老板是院士", "市劳模的儿子".
_THIRD_PERSON_BEFORE = re.compile(
    r"(老婆|老公|妻子|丈夫|爱人|太太|孩子|儿子|女儿|父亲|母亲|爸爸|妈妈|我爸|我妈|父母|同事|朋友|同学|领导|上司|"
    r"导师|老板|老总|他|她|家人|亲戚|哥哥|姐姐|弟弟|妹妹|别人|对方)们?(也|都|就)?"
    r"(是|有|拿过|拿了|获得|获评|评上|持有|为|当选|属于)[^我]*$")
_THIRD_PERSON_AFTER = re.compile(r"^的(儿子|女儿|孩子|子女|家属|配偶|老婆|老公|爱人|妻子|丈夫|亲属|父亲|母亲|学生|助手|秘书|同事)")
# "我们老板", "我的领导": a head word about someone else.
_SOMEONE_ELSES = re.compile(r"(我们|我的|我们的|我家|他|她|他们|公司的|单位的)$")


# --- criteria of several parts -------------------------------------------------------------

@lru_cache(maxsize=None)
def compound_criteria() -> Dict[str, Tuple[dict, ...]]:
    """{criterion id: its parts} for the criteria of several parts in the rule data."""
    found = {}
    for tier in load_rules(PROGRAM)["tiers"]:
        for criterion in tier["criteria"]:
            if criterion.get("parts"):
                found[criterion["id"]] = tuple(criterion["parts"])
    return found


def _named(text: str, words: Sequence[str]) -> Optional[bool]:
    """True when a word is named and not denied, False when only denied, None when absent."""
    hits = find_words(text, words)
    if not hits:
        return None
    return any(not negated(text, s, e) for s, e, _ in hits)


def _named_own(text: str, words: Sequence[str]) -> Optional[bool]:
    """As _named, where a word said of someone else counts as denied: "第一大股东是一家投资公司"."""
    hits = find_words(text, words)
    if not hits:
        return None
    return any(not negated(text, s, e) and not _held_by_another(text, e, s) for s, e, _ in hits)


# "第一大股东和最大的自然人股东都是合伙人": the owner named a few words on, in the same clause.
_LISTED_THEN_HELD = re.compile(r"[^，,。；;]{0,16}?(?:都|也|均)(?:是|为|归)")


# "投资公司占45%是第一大股东", "我合伙人占30%是最大的自然人股东": someone else named before it.
_HELD_BEFORE = re.compile(r"(?:投资公司|投资机构|投资方|基金|合伙人|朋友|他|她|别人|对方|老板|我爸|我妈|家人|其他股东|另一个?股东)"
                          r"[^，,。；;我]{0,10}(?:是|为|作为)$")


def _held_by_another(text: str, end: int, start: Optional[int] = None) -> bool:
    if start is not None and _HELD_BEFORE.search(text[max(0, start - 16):start]):
        return True
    if _HELD_BY_ANOTHER.match(text[end:]):
        return True
    listed = _LISTED_THEN_HELD.match(text, end)
    return bool(listed) and bool(_HELD_BY_ANOTHER.match(text, listed.end() - 1))


def _years_since(text: str, asked_how_long: bool = False) -> Optional[Tuple[float, float]]:
    """How long ago the enterprise was founded, as a range of years, from "三年前", "成立3年",
    "2022年创办", "去年" (and a bare "三年" when that is what was asked)."""
    hit = re.search(r"([\d一二两三四五六七八九十]+)(多)?年(前|了|多)", text) or \
        re.search(r"(?:成立|创办|创立|开办|注册|创业)(?:了|有|已经|已)*([\d一二两三四五六七八九十]+)(多)?年", text) or \
        (re.search(r"(?<!\d)([\d一二两三四五六七八九十]{1,2})(多)?年(?!\d)", text) if asked_how_long else None)
    if hit and re.search(r"(?:-|−|负)\s*$", text[:hit.start(1)]):
        return None   # "-2年": no length a company has; the question is asked again
    if hit:
        found = find_quantities(hit.group(1) + "个")
        if found and found[0].exact:
            years = found[0].low
            # "一年多" is more than one year and less than two
            return (years, years + 0.99) if hit.group(2) or (hit.lastindex >= 3 and hit.group(3) == "多") \
                else (years, years)
    hit = re.search(r"((?:19|20)\d\d)年", text)
    if hit:
        years = datetime.date.today().year - int(hit.group(1))
        if years < 0:
            return None   # founded in a year still to come
        return (max(0, years - 1), years)
    if "去年" in text:
        return (0.0, 1.0)
    if "前年" in text:
        return (1.0, 2.0)
    if re.search(r"今年|刚(刚)?(成立|创办|注册|开)", text):
        return (0.0, 0.5)
    return None


def read_part(part: dict, text: str, said: Optional[dict] = None) -> Optional[bool]:
    """Whether the message says the part holds (True), does not (False), or neither (None);
    `said`: the other parts known so far."""
    if any(not negated(text, s, e) for s, e, _ in find_words(text, part.get("denied_by", ()))):
        return False
    groups = [_named_own(text, words) for words in part.get("words", ())]
    if groups and groups[0] is None and (said or {}).get(part.get("first_group_from")) is True:
        groups[0] = True
    if "years" in part:
        if groups and groups[0] is None:
            return None  # no founding named: the years are of something else
        if groups and groups[0] is False:
            return False  # "没有创办企业"
        span = _years_since(text)
        if span is None:
            return None
        low, high = part["years"]
        inside = [low <= value <= high for value in span]
        return inside[0] if inside[0] == inside[1] else None
    if any(g is False for g in groups):
        return False  # its own words denied: "没有核心技术", "不是创始人", "第一大股东是一家投资公司"
    return True if groups and all(g is True for g in groups) else None


def read_parts(text: str, mentioned: Sequence[str], known: dict, requested_part: Optional[str],
               intent: Optional[str], only_answer: bool = False) -> Dict[str, Dict[str, bool]]:
    """The parts of compound criteria this message settles: {criterion: {part: bool}}.
    A criterion is read when the message names one of its parts or the lexicon found it
    (`mentioned`); a bare yes/no answers the part just asked (`requested_part`).
    `only_answer`: the part is all the person gave when asked for their titles ("在澳洲读的
    本科"), so even a part that does not open its criterion alone is followed up."""
    settled: Dict[str, Dict[str, bool]] = {}
    for cid, parts in compound_criteria().items():
        old = dict((known or {}).get(cid) or {})
        new = dict(old)
        for part in parts:
            said = read_part(part, text, new)
            if said is not None:
                new[part["id"]] = said
        asked = next((p for p in parts if p["id"] == requested_part), None)
        if asked and requested_part not in new:
            if "years" in asked:  # "三年", "快四年了": how long, the question asked
                span = _years_since(text, asked_how_long=True)
                if span is None and yes_no(text, intent) is False:
                    new[requested_part] = False  # "没有" to "您是否在白云区创办了企业？"
                elif span is not None:
                    inside = [asked["years"][0] <= value <= asked["years"][1] for value in span]
                    if inside[0] == inside[1]:
                        new[requested_part] = inside[0]
            else:
                answer = yes_no(text, intent)
                if answer is not None:
                    new[requested_part] = answer
        # Opened by the lexicon, or by a part that opens it being said or merely named
        # ("在白云区创办了公司": founding named, its years still to ask).
        opened = cid in (known or {}) or cid in mentioned or any(
            (part.get("opens", True) or (only_answer and new.get(part["id"]) is True))
            and (part["id"] in new or _named(text, part["words"][0]) is True)
            for part in parts if part.get("words"))
        if opened and (new != old or cid not in (known or {})):
            settled[cid] = new
    return settled


def compound_met(cid: str, parts_known: dict) -> Optional[bool]:
    said = parts_known or {}
    if any(v is False for v in said.values()):
        return False
    if all(said.get(p["id"]) is True for p in compound_criteria()[cid]):
        return True
    return None


def next_part(criterion_parts: dict) -> Optional[Tuple[str, dict]]:
    """(criterion id, part) of the first part still to ask, while no part is denied."""
    for cid, said in (criterion_parts or {}).items():
        if compound_met(cid, said) is None:
            for part in compound_criteria()[cid]:
                if part["id"] not in said:
                    return cid, part
    return None


# --- the reader ----------------------------------------------------------------------------

def _lexicon_titles(text: str, entities: Sequence[dict]) -> Tuple[List[lexicon.Match], List[Tuple[int, int, str]]]:
    not_qualifying = find_words(text, _titles()["not_titles"]) + [
        (hit.start(), hit.end(), hit.group()) for hit in _lesser_titles().finditer(text)]
    titles = lexicon.find("talent_title", text, masked=[(s, e) for s, e, _ in not_qualifying])
    titles = [m for m in lexicon.with_entities(titles, entities, "talent_title", text)
              if not any(s < m.end and m.start < e for s, e, _ in not_qualifying)
              and not _someone_elses(text, m.start, m.end) and not not_yet_held(text, m.start, m.end)
              and not _ASKED_OF_ONESELF.match(text[m.end:])]
    return titles, not_qualifying


# A title asked about, not stated: "我有人才绿卡吗？我也不知道".
_ASKED_OF_ONESELF = re.compile(r"[的了]?(吗|么|嘛|没有?[？?])")


def _asks_on_behalf(messages: Sequence[str]) -> bool:
    """The person said they ask for someone else ("帮我们老板问的")."""
    return any(_ON_BEHALF.search(normalise(said)) for said in messages)


def _own_words(text: str, on_behalf: bool) -> str:
    """The message with the clauses about someone else blanked out ("我老婆是正高级职称，还拿国务院特殊
    津贴的，我自己在白云区上班": only the last clause is the speaker's) — unless the person asks for
    that someone (`on_behalf`): then those clauses are the case."""
    if on_behalf:
        return text
    # "我们公司的投资方是世界五百强": an organisation's standing is not the speaker's company's either
    return mask(text, others_clauses(text) + other_organisations_clauses(text))


_ON_BEHALF = re.compile(r"(?:帮|替|代)(?:他|她|我们?的?(?:老板|老总|领导|爸|妈|老婆|老公|爱人|家人|朋友|同事)|"
                        r"老板|领导|家人|朋友|同事)(?:本人)?[^，,。？?]{0,4}(?:问|咨询|了解|申请|申领|办)|"
                        r"帮他本人|替他本人|帮她本人|替她本人")


def _someone_elses(text: str, start: int, end: int) -> bool:
    """A title said of another person ("我老婆是博士", "市劳模的儿子")."""
    left, _right = clause_bounds(text, start, end)
    return bool(_THIRD_PERSON_BEFORE.search(text[left:start]) or _THIRD_PERSON_AFTER.match(text[end:])
                or _BELONGS_TO_ANOTHER.match(text[end:]) or _ANOTHER_ORGANISATION_IS.match(text[end:]))


# "世界500强是我们的投资方": the standing is another organisation's.
_ANOTHER_ORGANISATION_IS = re.compile(r"(?:企业|公司)?(?:是|为)(?:我们|我司|公司|我们公司)的?" + OTHER_ORGANISATION)


# "正高是我老婆": the title is named, and then whose it is.
_BELONGS_TO_ANOTHER = re.compile(r"(?:职称|学位|称号|证书)?的?(?:那个|这个|那项|这项)?(?:也|则|就)?(?:是|属于|归)(?:我的?|我们的?|我家的?)?"
                                 + RELATION + r"(?!的?我)")


_PART_TIME = re.compile(r"非全日制|非全|在职研究生|在职硕士|在职读|在职的研究生|同等学力|单证")
# A school's place in a world ranking: "QS排名前100", "世界前200强".
_RANKED = re.compile(r"(?:QS|THE|US\s?News|泰晤士|世界|全球|国际)[^，,。；;]{0,6}?前\s*([\d一二三四五六七八九十百千两]+)\s*(?:名|强|位)?",
                     re.IGNORECASE)


def _qualifying_masters(text: str) -> Optional[bool]:
    """硕士 from a qualifying school: True when the school is named, False when denied; a
    world ranking inside the top 500 names one ("QS前100"), one below it does not."""
    if "硕士" not in text and "研究生" not in text:
        return None
    degrees = [m.span() for m in re.finditer(r"硕士|研究生", text)]
    if all(negated(text, s, e) for s, e in degrees):
        return False  # "双一流的本科，不是硕士": the school is named, the master's is denied
    named = _named(text, _titles()["masters_schools"])
    if named and _PART_TIME.search(text):
        return False  # 双一流 needs 全日制普通高等教育研究生学历; 在职 or 非全日制 is not it
    ranked = _RANKED.search(text)
    # the ranking route is for schools abroad (全球前500名的境外一流大学)
    if named is None and ranked and "国内" not in text and not negated(text, ranked.start(), ranked.end()):
        found = find_quantities(ranked.group(1) + "名")
        if found and found[0].exact:
            return found[0].low <= 500
    return named


def _rejoined(text: str) -> str:
    """A criterion's phrase said in two pieces, put back together (the rule data's `rejoin`)."""
    def join(hit: re.Match) -> str:
        left, _right = clause_bounds(hit.string, hit.end() - 1, hit.end())
        # "我不是团队的核心成员": a denied second piece is left where it is, to be read as denied
        return hit.group() if has_negation(hit.string[left:hit.end()]) else hit.expand(joined)

    for pattern, joined in _titles()["rejoin"]:
        text = re.sub(pattern, join, text)
    return text


def _degrees_not_awarded(text: str) -> set:
    """The degree criteria a message says were not awarded: "没拿到学位，只有毕业证" denies both
    (研究生学历 without 硕士学位 or 博士学位), "博士学位没拿到" only the doctoral one; a degree
    without graduate study ("同等学力", "学历还是本科") meets neither."""
    denied = set()
    if re.search(_titles()["no_graduate_study"], text):
        denied |= {"gold.phd", "silver.masters"}
    for hit in re.finditer(_titles()["degree_not_awarded"], text):
        named = "博士" if "博士" in hit.group() else "硕士" if "硕士" in hit.group() else None
        if named != "硕士":
            denied.add("gold.phd")
        if named != "博士":
            denied.add("silver.masters")
    return denied


def _parts_said_before(cid: str, earlier: Sequence[str], on_behalf: bool) -> Dict[str, bool]:
    """The parts of criterion `cid` said in earlier messages of this assessment, before
    anything opened it ("我在澳洲读的本科" first, "我在白云区开了公司" later): the later
    message wins where two say different things."""
    said: Dict[str, bool] = {}
    for old in earlier:
        old = _own_words(normalise(old), on_behalf)
        for part in compound_criteria()[cid]:
            found = read_part(part, old, said)
            if found is not None:
                said[part["id"]] = found
    return said


def read_talent(text: str, intent: Optional[str], requested: Optional[str], slots: dict,
                entities: Sequence[dict] = (), earlier: Sequence[str] = ()) -> Reading:
    """Facts and criteria for the 云聚英才卡 from one message (`entities`: the NLU model's;
    `earlier`: the person's previous messages in this assessment)."""
    on_behalf = _asks_on_behalf([text, *earlier])
    text = _own_words(_rejoined(normalise(text)), on_behalf)
    reading = Reading()
    titles, not_qualifying = _lexicon_titles(text, entities)
    rest = mask(text, [(m.start, m.end) for m in titles])

    head = _read_head(rest)
    if head is not None:
        reading.slots["enterprise_head"] = head
    project_lead = any(w in rest for w in PROJECT_LEAD_WORDS)

    if requested == "talent_titles" and _LEADING_NO.match(text.strip()) and not _CONTRAST.search(text):
        # "没有，优粤卡、绿卡都没办过": a "no" that then names titles names what is not held,
        # whatever verb the denial uses; only a contrast ("没有，但我是博士") names one held
        titles = [dataclasses.replace(m, negated=True) for m in titles]
    compounds = compound_criteria()
    affirmed = list(dict.fromkeys(m.value for m in titles if not m.negated and m.value not in compounds))
    mentioned = [m.value for m in titles if not m.negated and m.value in compounds]
    masters = _qualifying_masters(text)
    not_awarded = _degrees_not_awarded(text)
    if not_awarded:
        affirmed = [t for t in affirmed if t not in not_awarded]
        if "silver.masters" in not_awarded and masters:
            masters = False
    if masters is False:
        affirmed = [t for t in affirmed if t != "silver.masters"]
    if affirmed == ["gold.phd"] and re.search(_titles()["degree_only"], text) \
            and not re.search(_titles()["graduate_study"], text):
        # "我有博士学位": the 研究生学历 金卡 6 also names is asked, not assumed
        _ask_back(reading, "博士研究生学历")
        affirmed = []
    if not affirmed and requested == "talent_titles":
        affirmed = [t for t in _complete_clarification(text, intent, slots.get("pending_clarification"))
                    if t not in not_awarded]
    if masters and "silver.masters" not in affirmed:
        affirmed.append("silver.masters")
    if KEY_ENTERPRISE.search(text) and MANAGER.search(rest) and "gold.key_enterprise_manager" not in affirmed:
        affirmed.append("gold.key_enterprise_manager")

    asked_part = (next_part(slots.get("criterion_parts")) or (None, {}))[1].get("id") \
        if requested == "criterion_parts" else None
    # Other titles' words are not parts: "创新创业领军团队" founded nothing.
    others = mask(text, [(m.start, m.end) for m in titles if m.value not in compounds]
                  # 创新创业大赛, 创新创业领军团队: names, not a founding
                  + [hit.span() for hit in re.finditer(r"创新创业", text)])
    # (not while the school of a master's degree is still to ask: one question at a time)
    only_answer = not affirmed and requested == "talent_titles" and not (
        masters is None and ("硕士" in text or "研究生" in text))
    parts = read_parts(others, mentioned, slots.get("criterion_parts"), asked_part, intent, only_answer)
    if asked_part:
        _ask_how_long(others, intent, next_part(slots.get("criterion_parts")), parts, reading)
    for cid in parts:
        if cid not in (slots.get("criterion_parts") or {}):  # opened now: what was said before counts
            parts[cid] = {**_parts_said_before(cid, earlier, on_behalf), **parts[cid]}
    if parts:
        merged = dict(slots.get("criterion_parts") or {})
        merged.update(parts)
        reading.slots["criterion_parts"] = merged
        affirmed += [cid for cid, said in merged.items() if compound_met(cid, said)]

    plain = [t for t in affirmed if not t.endswith("_head")]
    head_only = [t for t in affirmed if t.endswith("_head")]
    if head_only:
        confirmed = [t for t in head_only if head or (t == "gold.contest_winner_head" and project_lead)]
        plain += confirmed
        pending = [t for t in head_only if t not in confirmed]
        if pending:
            reading.slots["talent_head_titles"] = merge(slots.get("talent_head_titles"), pending)
    degree = _titles()["degree_words"]
    if requested == "talent_titles" and not titles and not not_qualifying and yes_no(text, intent) is False \
            and slots.get("talent_titles") is None and not slots.get("pending_clarification") \
            and not re.search(degree, text) and not re.search(r"别的|其他|其它|就这些|就这样", text) \
            and not any(re.search(degree, said) or _lesser_titles().search(normalise(said))
                        or lexicon.find("talent_title", normalise(said)) for said in earlier):
        # "没有" to the whole titles question, no degree said yet: the degree is asked once more
        _ask_back(reading, "最高学历学位")
        return reading
    denied_all = not affirmed and (
        (requested == "talent_titles" and yes_no(text, intent) is False)
        # "没有获奖，只是参赛" to "哪一级的技能大赛、获得什么奖项？"
        or (requested == "talent_titles" and slots.get("pending_clarification") and _DENIAL.search(rest))
        or (requested in (None, "talent_titles") and _NO_TITLES.search(rest))
        or (requested == "talent_titles" and masters is False)
        # "优粤卡、人才绿卡都没有": several titles named, every one denied ("我不是博士" alone
        # says nothing of the others: asked again)
        or (requested == "talent_titles" and len(titles) > 1 and all(m.negated for m in titles))
        # "院士专家啥的一个都没有": whatever is named, denied, and nothing of the kind held
        or (requested == "talent_titles" and all(m.negated for m in titles)
            and re.match(_titles()["none_of_a_kind"], rest)))
    if plain or head_only or denied_all or (requested == "talent_titles" and not_qualifying):
        reading.slots["talent_titles"] = merge(slots.get("talent_titles"), plain)
    elif requested in (None, "talent_titles") and slots.get("talent_titles") is None and masters is None:
        _clarify_title(rest, slots, reading)
    elif masters is False and requested in (None, "talent_titles") and slots.get("talent_titles") is None:
        reading.slots["talent_titles"] = merge(slots.get("talent_titles"), [])

    employer = _read_employer(rest, requested == "employer_in_baiyun")
    if employer is not None:
        reading.slots["employer_in_baiyun"] = employer

    hightech = _named(text, catalogue.facts(PROGRAM)["hightech_revenue_wan"].qualifier)
    if hightech is False:
        reading.slots["hightech_revenue_wan"] = 0  # "不是高新技术企业": its revenue does not count
    figures = [f for f in catalogue.figures(PROGRAM)
               if f.name != "hightech_revenue_wan" or hightech or requested == f.name]
    read_figures(rest, figures, requested, reading)
    if requested in ("employer_in_baiyun", "enterprise_head") and requested not in reading.slots:
        answer = yes_no(text, intent)
        if answer is not None:
            reading.slots[requested] = answer
    if requested == "hightech_revenue_wan" and yes_no(text, intent) is False:
        reading.slots.setdefault("hightech_revenue_wan", 0)  # "不是" to "如是高新技术企业…"
    return reading


def _ask_how_long(text: str, intent: Optional[str], asked: Tuple[str, dict], parts: dict,
                  reading: Reading) -> None:
    """"是的，我创办了公司" to "您在白云区创办了企业吗？如有，企业成立几年了？": only how long is asked."""
    cid, part = asked
    if "years" in part and part["id"] not in parts.get(cid, {}) and (
            yes_no(text, intent) is True or _named(text, part["words"][0]) is True):
        reading.clarify.append(part["ask_how_long"])


def _clarify_title(text: str, slots: dict, reading: Reading) -> None:
    """An unclear title ("我是劳模"): its detail in the same message, or a question back."""
    for clarification in _titles()["clarifications"]:
        word, noun, question = clarification["word"], clarification["noun"], clarification["ask"]
        if word in text:
            hits = [m.start() for m in re.finditer(re.escape(word), text)]
            if all(negated(text, s, s + len(word)) or not_yet_held(text, s, s + len(word)) for s in hits):
                continue  # "我不是劳模", "参加过技能大赛": nothing to clarify
            completed = _complete_in_message(text, word, noun)
            if completed:
                reading.slots["talent_titles"] = merge(slots.get("talent_titles"), completed)
                return
            if clarification.get("below_every_level") and re.search(clarification["below_every_level"], text):
                reading.slots["talent_titles"] = merge(slots.get("talent_titles"), [])
                return
            reading.clarify.append(question)
            reading.pending = noun
            return


def _ask_back(reading: Reading, noun: str) -> None:
    """Asks the rule data's clarifying question for `noun` and waits for its answer."""
    clarification = next(c for c in _titles()["clarifications"] if c["noun"] == noun)
    reading.clarify.append(clarification["ask"])
    reading.pending = noun


def _complete_clarification(text: str, intent: Optional[str], pending: Optional[str]) -> List[str]:
    """Titles from a short answer to a clarifying question: "省级" after "哪一级的劳动模范"."""
    if not pending:
        return []
    yes_means = {c["noun"]: c["yes_means"] for c in _titles()["clarifications"] if c.get("yes_means")}
    reply = yes_no(text, intent)
    if reply is True and pending in yes_means:
        return [yes_means[pending]]
    if reply is False and pending in yes_means:
        return []   # a yes-or-no question answered no ("不是，同等学力")
    answer = re.sub(r"[的是我了呢啊吧，,。！!\s]", "", text)
    for candidate in (answer + pending, answer.rstrip("类") + pending):
        found = [m.value for m in lexicon.find("talent_title", candidate) if not m.negated]
        if found:
            return found
    return []


def _complete_in_message(text: str, word: str, noun: str) -> List[str]:
    """Titles from an unclear title and its detail said apart in one message ("我是劳模，市级的")."""
    for clause in re.split(r"[，,。；;！!？?\s]+", text):
        if _DENIAL.search(clause):
            continue  # "不算市级的", "也没评上省级": a level denied completes nothing
        short = re.sub(r"[的是我了呢啊吧]", "", clause)
        # Only a short detail ("市级的", "省级", "A类"), never a place: "在白云区" is not 区劳模.
        if short and word not in clause and len(short) <= 4 and "白云" not in short:
            found = _complete_clarification(clause, None, noun)
            if found:
                return found
    return []


_LEADING_NO = re.compile(r"^(?:不是|没有|没|否|都没有|都不是)[，,。.！!\s]")
_CONTRAST = re.compile(r"但|不过|可是|只是|就是|只有|倒是|除了|其中|我是|本人是|我有|我持有|我获得|我拿过|我评上")
_HELD_BY_ANOTHER = re.compile(r"(也|都|则|就)?(是|为)(我的|我们的|我们|我家|我(?:爸|妈|父亲|母亲|老婆|老公|爱人|哥|姐|弟|妹)|"
                              r"别人|他人|他|她|另一|另外|其他|合伙人|老板|董事长|朋友|家人|一家|一个|某|投资)")


def _read_head(text: str) -> Optional[bool]:
    fact = catalogue.facts(PROGRAM)["enterprise_head"]
    deputies = find_words(text, fact.lesser_words)
    text = mask(text, [(s, e) for s, e, _ in deputies + find_words(text, fact.unsettled_words)])
    headed_by_another = False
    for start, end, _word in find_words(text, fact.words):
        left, _right = clause_bounds(text, start, end)
        if _SOMEONE_ELSES.search(text[max(0, start - 4):start]) \
                and not re.search(r"我(就|也)?是|本人(就|也)?是|我作为|我担任|身为", text[left:start]):
            continue  # "我们老板": the speaker's boss, not the speaker ("我是公司的老板" is)
        if _HELD_BY_ANOTHER.match(text[end:]):
            # "主要负责人是我爸，不是我": someone else heads it ("主要负责人是我" does not say so)
            headed_by_another = True
            continue
        return not negated(text, start, end)
    if deputies or headed_by_another or any(word in text for word in fact.not_words):
        return False
    return None


def _read_employer(text: str, asked: bool = False) -> Optional[bool]:
    """Whether the employer is in 白云区; where the question was just asked, naming 白云区 is
    enough ("在白云区"), otherwise a workplace word must go with it."""
    fact = catalogue.facts(PROGRAM)["employer_in_baiyun"]
    if _NOT_BAIYUN.search(text):
        return False
    # Clause by clause: "公司在番禺区注册…，白云区这边没有注册也没纳税，我住在白云" says the employer
    # is elsewhere; where someone lives says nothing of it.
    said_in, said_out, baiyun_alone = False, False, []
    for clause in re.split(r"[，,。；;！!？?\n]", text):
        if not clause or _RESIDENCE.search(clause):
            continue
        workplace = any(word in clause for word in fact.words)
        if _BAIYUN.search(clause) and (workplace or asked):
            if _EMPLOYER_DENIED.search(clause) and workplace:
                said_out = True
            else:
                said_in = True
        elif _BAIYUN.search(clause):
            baiyun_alone.append(clause)
        elif workplace and any(place in clause for place in fact.elsewhere):
            said_out = True
    if said_in != said_out:
        return said_in
    if said_in and said_out:
        return None   # both said ("在白云上班，公司注册在天河"?): asked again, not guessed
    # "我是公司高管，公司是四上企业，在白云区": the place and the workplace in clauses of their own
    if baiyun_alone and any(word in text for word in fact.words) \
            and not any(_EMPLOYER_DENIED.search(c) for c in baiyun_alone):
        return True
    return None
