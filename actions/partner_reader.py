"""Reading the 广东省智能制造生态合作伙伴 facts and criteria one message states.

The domain and the direct-recognition qualifications come from the phrase lists
(actions/lexicon.py); the figures from the catalogue's words (actions/figures.py), limited to
the figures the chosen domain's conditions use; the yes/no conditions from their numbers in
the question ("第2条不满足") or their own words ("没有失信"). For the 智能制造人才 domain the
kind of unit (院校 / 科研院所 / 企业) is read from how the applicant describes itself ("我们是企业，
不是学校"), never from a school it merely works with.
"""
from __future__ import annotations

import re
from functools import lru_cache
from typing import Dict, List, Optional, Sequence, Tuple

import cn2an
from rules import criteria
from rules.data import load_rules

from actions import catalogue, lexicon
from actions.figures import read_figures, read_shares
from actions.message import clause_bounds, negated, not_yet_held, other_organisations_clauses, says_all, yes_no
from actions.numbers import normalise
from actions.reading import Reading, find_words, mask, merge

PROGRAM = "partner"
# Intents of a message that asks rather than states: words in it are not facts said in passing.
QUESTION_INTENTS = ("ask_question", "ask_human", "out_of_scope", "chitchat")


_ALREADY = re.compile(r"(已经?|之前|以前|早就)?(入选|是|成为|进入)(了)?(第?[一二三123]批|合作伙伴名单)")
_NOT_ALREADY = re.compile(r"(没有?|未|不是|从未|没能)[^，,。]{0,4}(入选|合作伙伴名单|第?[一二三123]批)|"
                          r"(没有?|未|没能)被?(选上|评上|入围|通过|批下来|选中)|落选|没成功|被刷")
_BASIC_ALL = re.compile(r"基本(遴选)?条件[^，,。]{0,4}(都|全部|均|全)?(满足|符合|具备|没问题)|"
                        r"(都|全部|均|全)(满足|符合|具备)[^，,。]{0,2}基本(遴选)?条件")


_ONE_OF_A_KIND = re.compile(r"(?:是|为|作为|属于)(?:一|1)(?:家|个|所)")
_SENTENCE_END = re.compile(r"[。！!？?；;\n]")
_LEVELS = {"国家": re.compile(r"国家|全国"), "省": re.compile(r"省"), "市": re.compile(r"市级"),
           "区": re.compile(r"区级|区县级"), "县": re.compile(r"县级")}


@lru_cache(maxsize=None)
def _allowed_levels() -> dict:
    return {c["id"]: tuple(c["levels"]) for c in load_rules(PROGRAM)["direct"]["criteria"] if c.get("levels")}


def level_fits(text: str, match) -> bool:
    """A qualification said with a level its clause does not name is not it: "市级机器人骨干企业"
    is not the 省级 one. No level said: the phrase stands (the clause's own level)."""
    allowed = _allowed_levels().get(match.value)
    if not allowed:
        return True
    # The clause first ("智能制造领域的市级制造业创新中心，能不能认定成省…合作伙伴": 市级 is the
    # centre's), else the sentence ("我们是机器人骨干企业，区级的"); the programme's own name
    # (广东省智能制造生态合作伙伴) says no level of the qualification.
    left, right = clause_bounds(text, match.start, match.end)
    said = _levels_in(text[left:right])
    if not said:
        left = max((m.end() for m in _SENTENCE_END.finditer(text, 0, match.start)), default=0)
        end = _SENTENCE_END.search(text, match.end)
        said = _levels_in(text[left:end.start() if end else len(text)])
    return not said or any(level in allowed for level in said)


_PROGRAMME_NAME = re.compile(r"(广东)?省?(级)?(智能制造)?生态合作伙伴|省里的?合作伙伴")


def _levels_in(text: str) -> list:
    text = _PROGRAMME_NAME.sub("", text)
    return [level for level, pattern in _LEVELS.items() if pattern.search(text)]


def read_partner(text: str, intent: Optional[str], requested: Optional[str], slots: dict,
                 entities: Sequence[dict] = (), listed_conditions: Sequence[str] = (),
                 listed_direct: Sequence[str] = ()) -> Reading:
    """Facts and criteria for the 合作伙伴 programme from one message.

    `listed_conditions` / `listed_direct` are the criterion ids the pending question listed,
    in its numbering, so that "第2条不满足" or "第3项" can be read.
    """
    # "我们母公司是省级机器人骨干企业": what another organisation holds is not the applicant's
    text = normalise(text)
    text = mask(text, other_organisations_clauses(text))
    reading = Reading()
    qualifications = lexicon.with_entities(lexicon.find("qualification", text), entities, "qualification", text)
    masked = [(m.start, m.end) for m in qualifications] + [(s, e) for s, e, _ in find_words(
        text, ("软件著作权", "软著", "金融产品"))]  # not the 关键软件 / 金融 domains
    domains = [m for m in lexicon.with_entities(lexicon.find("domain", text, masked=masked), entities, "domain", text)
               if not m.negated and not any(s < m.end and m.start < e for s, e in masked)]
    if domains and slots.get("domain") and not any(_names_a_domain(text, m) for m in domains):
        # a domain is chosen: "工业机器人应用与维护专业" in a school's answer is a subject taught,
        # not a change to 智能制造装备; a change is said as one ("改报装备领域")
        domains = []
    if domains:
        reading.slots["domain"] = _pick_domain(domains)
    domain = reading.slots.get("domain") or slots.get("domain")

    direct = [m.value for m in qualifications if not m.negated and not not_yet_held(text, m.start, m.end)
              and level_fits(text, m)]
    if requested == "direct_qualifications" and _NONE_OF_THESE.match(text):
        direct = []   # "没有这些资质：不是…、不是…": what follows explains the no
    if direct:
        reading.slots["direct_qualifications"] = merge(slots.get("direct_qualifications"), direct)
    elif requested == "direct_qualifications":
        answer = yes_no(text, intent)
        numbers = _numbers_named(text, len(listed_direct), bare=True)
        if numbers:
            reading.slots["direct_qualifications"] = [listed_direct[n - 1] for n in numbers]
        elif qualifications:
            # "只是市级的制造业创新中心，不是省级": what the unit holds is named, and it is not one
            reading.slots["direct_qualifications"] = []
        elif answer is False:
            reading.slots["direct_qualifications"] = []
        elif says_all(text):
            # Nine different qualifications, each its own title: "都满足" is not one of them.
            reading.clarify.append("这九项是各不相同的资质认定，请按序号告诉我贵单位实际取得了哪一项或哪几项，"
                                   "例如：“第1项和第3项”；都没有请回答“没有”。")
        elif answer is True:
            reading.clarify.append("请问是哪一项资质？请回答序号，例如：“第1项”。")

    if _NOT_ALREADY.search(text):
        reading.slots["already_partner"] = False
    elif (_ALREADY.search(text) and "合作伙伴" in text) or re.search(r"第[一二三123]批", text):
        reading.slots["already_partner"] = True

    if requested == "unit_type" or domain == "智能制造人才":
        unit_type = read_unit_type(text, asked=requested == "unit_type")
        if unit_type:
            reading.slots["unit_type"] = unit_type

    # Only the figures the domain's conditions use ("案例" is a 服务案例 for 行业组织);
    # "研发机构" is a yes/no condition, not the 研发 team: such words are hidden from them.
    used = catalogue.facts_of_domain(domain) if domain else None
    figures = [f for f in catalogue.figures(PROGRAM)
               if (f.name in used if used is not None else f.name != "service_cases_3y")]
    condition_words = [w for words, _ in catalogue.criterion_words(PROGRAM).values() for w in words]
    # "我们是一家企业" says what the unit is, not a count of partner firms.
    own_kind = [m.span() for m in _ONE_OF_A_KIND.finditer(text)]
    figure_text = mask(text, [(s, e) for s, e, _ in find_words(text, condition_words)] + own_kind)
    read_figures(figure_text, figures, requested, reading)
    read_shares(figure_text, figures, slots, reading)
    if "co_built_programs" in reading.slots and domain == "智能制造人才" \
            and not slots.get("unit_type") and "unit_type" not in reading.slots:
        reading.slots["unit_type"] = "企业"  # only an enterprise co-builds 专业点 with schools

    conditions = _read_conditions(text, intent, requested, slots, listed_conditions, reading)
    if conditions:
        reading.slots["partner_conditions"] = conditions
    if requested == "already_partner" and "already_partner" not in reading.slots:
        answer = yes_no(text, intent)
        if answer is not None:
            reading.slots["already_partner"] = answer
    return reading


# The applicant describing itself: "我们是一家企业", "本单位属于科研院所", "我们是企业，不是学校".
_SELF = re.compile(r"(我们|我司|本单位|我单位|我们单位|本校|我校|我院|咱们|我们这边|我方)(?:这边|自己)?"
                   r"(?:是|属于|为|算|就是)?(?:一家|一所|一个|一间|家|所)?")


def read_unit_type(text: str, asked: bool) -> Optional[str]:
    """The kind of unit the applicant is. Asked for it, any kind named and not denied counts
    (the first); otherwise only the applicant's own description ("我们是一家企业…")."""
    named = []
    for unit_type, words in catalogue.facts(PROGRAM)["unit_type"].choice_words:
        for start, end, _word in find_words(text, words):
            if negated(text, start, end):
                continue
            # "我们是佛山的一所技师学院", "我司是做工业机器人实训的企业": the description may be long
            own = bool(re.search(_SELF.pattern + r"[^，,。；;跟和与同给为帮]{0,12}$", text[max(0, start - 20):start]))
            if asked or own:
                named.append((not own, start, unit_type))
    return min(named)[2] if named else None


# Domains that say what kind of body the applicant is: "机器人行业协会" applies as 行业组织, a bank
# that serves machine makers as 智能制造金融服务.
ORGANISATION_DOMAINS = ("行业组织", "智能制造金融服务", "智能制造人才")


# A reply to the qualifications list that opens by holding none of them, with no "but" after.
_NONE_OF_THESE = re.compile(r"^(?:我们|我们单位|我们公司|贵单位)?(?:都没有|一项都没有|一个都没有|这些都没有|没有这些|以上都没有|"
                            r"都不是|全都没有|都没|没有(?=[，,。；;！!])|没(?=[，,。]))(?![^。]*(?:但|不过|只有|除了|除))")
_CHOOSES = re.compile(r"(报|申报|改成?|换成?|选)[^，,。；;做]{0,3}$")


def _names_a_domain(text: str, match) -> bool:
    """The domain is named as the one applied for: "…领域", its own name, "报/改成…"."""
    return (match.text == match.value or text[match.end:match.end + 3].startswith(("领域", "方向"))
            or bool(_CHOOSES.search(text[max(0, match.start - 5):match.start])))


def _pick_domain(found: Sequence[lexicon.Match]) -> str:
    """The domain meant when a message names several: one named as a domain ("…领域" or its
    own name) first, then the kind of body the applicant is, then the first named."""
    named = [m for m in found if m.text == m.value or m.text.endswith("领域")]
    kinds = [m for m in found if m.value in ORGANISATION_DOMAINS]
    return (named or kinds or found)[0].value


def _numbers_named(text: str, how_many: int, bare: bool = False) -> List[int]:
    """Item numbers named in "第2条" / "2条" style within 1..how_many; with `bare`, also a
    reply of numbers only ("1和3", "2、5"; not "7项", which may be a count)."""
    found = []
    pattern = r"第([一二三四五六七八九十\d]+)[条项个点]?|(?<![\d.])([\d一二三四五六七八九])条"
    if bare and re.fullmatch(r"[\d、,，和及与跟\s]+[都也]?(有|是)?", text.strip()):
        pattern = r"(\d+)()"
    for hit in re.finditer(pattern, text):
        raw = hit.group(1) or hit.group(2)
        try:
            number = int(cn2an.cn2an(raw, "smart"))
        except (ValueError, KeyError):
            continue
        if 1 <= number <= how_many and number not in found:
            found.append(number)
    return found


_REFUSES = re.compile(r"不满足|不符合|不具备|达不到|做不到|不行|不够|没做到")
_NEGATION_AFTER = re.compile(r"^[^，,。；;]{0,3}(没有|没|未|不|无)")
_NO_PROBLEM = re.compile(r"^(?:上|方面|这块|这条|那条|这一条)?(?:也|都|完全|绝对)?(?:没有?|无|不成)(?:什么|啥|任何)?(?:问题|毛病|事)")
_ONLY = re.compile(r"只有|只是|仅有|仅|只")


def _negation_in_clause_before(text: str, start: int) -> bool:
    """"近3年没有重大安全环保质量事故": the 没有 of the clause reaches the accident however far."""
    left = max((m.end() for m in re.finditer(r"[，,。；;！!？?]", text[:start])), default=0)   # 、 and 或 join the list
    return bool(re.search(r"没有|没|未|无|不曾", text[left:start]))


def _negation_near(text: str, start: int, width: int = 7) -> bool:
    """A negation among the few characters before, in the same clause ("没出过事故", "没有发生过安全事故")."""
    before = re.split(r"[，,。；;！!？?]", text[max(0, start - width):start])[-1]
    return bool(re.search(r"不是|并非|没有|没|未|无|非|不", before))


def _named_conditions(text: str, listed: Sequence[str]) -> Dict[str, bool]:
    """{criterion id: met} for the listed conditions the message names by their words."""
    named: Dict[str, bool] = {}
    words_of = catalogue.criterion_words(PROGRAM)
    denied_by = catalogue.criterion_denied_by(PROGRAM)
    for cid in listed:
        if any(not negated(text, s, e) for s, e, _w in find_words(text, denied_by.get(cid, ()))):
            named[cid] = False  # "项目还在建设中": not yet built
            continue
        words, met_when_denied = words_of.get(cid, ((), ()))
        found = find_words(text, words)
        # "没有重大安全、环保、质量事故": where an accident is named, it decides the clause
        found = [h for h in found if h[2] in met_when_denied] or found
        for start, end, word in found:
            after = text[end:end + 8]
            if _NO_PROBLEM.match(after):
                named[cid] = True   # "信用没问题": the 没 denies a problem, not the condition
            elif _REFUSES.search(re.split(r"[，,。；;]", after)[0]):
                named[cid] = False  # "这条达不到": the condition itself is refused
            else:
                denied = _negation_near(text, start) or bool(_NEGATION_AFTER.match(after)) or (
                    word in met_when_denied and _negation_in_clause_before(text, start))
                # "没出过事故" meets the condition; "还没有研发机构" does not, unless "正在建设".
                also = [w for s, e, w in find_words(text, catalogue.criterion_also_met_by(PROGRAM).get(cid, ()))
                        if not negated(text, s, e)]
                named[cid] = denied if word in met_when_denied else (not denied or bool(also))
            break
    return named


_CONDITION_NO = re.compile(r"不满足|不符合|没有|未|不具备|达不到|做不到|不行|除")
_CONDITION_YES = re.compile(r"满足|符合|具备|没问题|可以|有")
_OTHERS_MET = re.compile(r"(其他|其余|别的|剩下)[^，,。；;]{0,4}(都|也|均)?(满足|符合|具备|没问题)")


def _conditions_by_number(text: str, listed: Sequence[str]) -> Tuple[set, set]:
    """(met, failed) criterion ids of the conditions named by number, each clause of the
    message read with its own polarity ("第二条和第三条满足，第一条不满足"); a clause that only
    names numbers takes the polarity of the next clause that has one ("第2条，我们不满足")."""
    met: set = set()
    failed: set = set()
    waiting: List[str] = []
    for clause in re.split(r"[，,。；;]", text):
        named = [listed[n - 1] for n in _numbers_named(clause, len(listed))]
        clause = re.sub(r"没有?(什么)?问题", "满足", clause)
        if _CONDITION_NO.search(clause):
            failed.update(waiting + named)
        elif _CONDITION_YES.search(clause):
            met.update(waiting + named)
        else:
            waiting += named
            continue
        waiting = []
    met.update(waiting)  # numbers named without a word either way: "第1条和第3条"
    return met - failed, failed


def _read_conditions(text, intent, requested, slots, listed, reading: Reading) -> Dict[str, bool]:
    """{criterion id: met} for the basic and domain yes/no conditions this message settles."""
    known: Dict[str, bool] = dict(slots.get("partner_conditions") or {})
    before = dict(known)
    if requested == "partner_conditions" and listed:
        numbers = _numbers_named(text, len(listed))
        negative = bool(re.search(r"不满足|不符合|没有|未|不具备|达不到|做不到|不行", text))
        answer = yes_no(text, intent)
        if numbers:
            met, failed = _conditions_by_number(text, listed)
            if met and failed:
                # "第二条和第三条满足，第一条不满足": each as said; the others stay open
                # unless "其他都满足".
                known.update({cid: True for cid in met})
                known.update({cid: False for cid in failed})
                if _OTHERS_MET.search(text):
                    known.update({cid: True for cid in listed if cid not in met | failed})
            elif failed:
                # "第2条不满足" / "除了第3条都满足": the named ones fail, the rest hold.
                known.update({cid: cid not in failed for cid in listed})
            elif _ONLY.search(text):
                known.update({cid: cid in met for cid in listed})   # "只有第3条满足"
            else:
                # "第3条没问题": that one holds; the others are asked again, not taken as failed
                known.update({cid: True for cid in met})
        elif _named_conditions(text, listed):
            # "信用那条不满足" / "研发机构还没有建，其他都满足": conditions named by their words.
            named = _named_conditions(text, listed)
            known.update(named)
            if not all(named.values()) or says_all(text):
                # naming the failing ones says the others hold; "都满足，信用没问题" says all do
                known.update({cid: True for cid in listed if cid not in named})
        elif answer is True:
            known.update({cid: True for cid in listed})
        elif answer is False and len(listed) == 1:
            known[listed[0]] = False
        elif answer is False or negative:
            reading.clarify.append("请告诉我具体哪一条做不到，例如：“第2条做不到”。")
    if _BASIC_ALL.search(text) and not re.search(r"基本(遴选)?条件[^，,。]{0,4}(不|没)", text):
        known.update({c["id"]: True for c in criteria("partner") if c["group"] == "basic"})
    # Conditions stated in passing ("没有失信，没出过安全事故，设有研发机构"): the domain's own,
    # and the basic ones named by their words; not in a question ("失信企业能申报吗").
    if intent not in QUESTION_INTENTS:
        basic = [c["id"] for c in criteria("partner") if c["group"] == "basic"]
        for cid, met in _named_conditions(text, list(dict.fromkeys(basic + list(catalogue.criterion_words(PROGRAM))))).items():
            known.setdefault(cid, met)
    return known if known != before else {}
