"""Reading the facts a message states, for the two assessment dialogues.

One message may state several facts in any order ("七项发明专利，研发团队三十人，营收两千万"),
answer the question just asked with a bare "是" or "30", or say nothing usable. The readers
here turn it into slot values (the rules engine's facts and criteria, contract section 3),
plus what to say back when an amount is vague or a title needs one more detail.
Nothing here guesses: a vague amount or an ambiguous title becomes a follow-up question.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Dict, Iterable, List, Optional, Sequence, Tuple

import cn2an
from rules import criteria

from actions import lexicon
from actions.numbers import Quantity, find_quantities, normalise

AFFIRM_INTENTS = ("affirm",)
DENY_INTENTS = ("deny",)
# Intents of a message that asks rather than states: words in it are not facts said in passing.
QUESTION_INTENTS = ("ask_question", "ask_human", "out_of_scope", "chitchat")
# "没有" / "不是" answers written out, for when the classifier calls them `inform`.
_YES = re.compile(r"^(是|是的|对|对的|有|有的|满足|符合|嗯|好|没错|当然|确定|都满足|都符合|都有|都是)[。！!啊呀的]*$")
_NO = re.compile(r"^(不是|否|不|没有|没|无|不满足|不符合|都不是|都没有|都不满足|都不符合|还没有|暂时没有)[。！!啊呀的]*$")

# Words that say the speaker heads the enterprise (申领人是企业主要负责人).
HEAD_WORDS = ("主要负责人", "负责人", "老板", "老总", "总经理", "董事长", "总裁", "CEO", "ceo",
              "法定代表人", "法人代表", "法人", "创始人", "一把手", "掌门人", "厂长", "实际控制人",
              "实控人")
NOT_HEAD_WORDS = ("普通员工", "普通职工", "员工", "职员", "打工", "上班族")
# Heads of a part, or deputies: they contain a head word but do not head the enterprise.
NOT_HEAD_PHRASES = ("部门负责人", "项目负责人", "技术负责人", "团队负责人", "业务负责人", "财务负责人",
                    "分公司负责人", "车间负责人", "副总经理", "副总裁", "副董事长", "副厂长", "部门经理")
# A manager of a 四上 or headquarters enterprise (talent.eligibility.gold.12) said in two parts:
# "我是公司高管，公司是四上企业".
_KEY_ENTERPRISE = re.compile(r"四上企业|总部企业")
_MANAGER = re.compile(r"高管|中层|中高层|高层管理|管理人员|管理层|副总|部门经理|部门负责人")
# "什么称号都没有" / "没有任何人才称号": no title, said inside a longer message.
_NO_TITLES = re.compile(r"(什么|啥|任何)(人才)?(称号|头衔|职称|荣誉|奖项|资格)?(都|也)(没有|没|不是)|"
                        r"没有?(任何|什么)?(人才)?(称号|头衔|职称|荣誉|奖项)|(称号|头衔|职称)(都|也)?(没有|没)")
# 项目带头人 is named beside 企业主要负责人 in talent.eligibility.gold.13 only.
PROJECT_LEAD_WORDS = ("项目带头人", "带头人")

# Guangzhou's other districts and other cities: an employer there is not in 白云区.
ELSEWHERE = ("天河", "越秀", "海珠", "荔湾", "番禺", "黄埔", "花都", "南沙", "从化", "增城",
             "深圳", "佛山", "东莞", "珠海", "北京", "上海", "杭州", "外地", "外省", "省外", "市外")
WORKPLACE_WORDS = ("单位", "公司", "企业", "注册", "纳税", "工作", "上班", "医院", "学校", "大学",
                   "学院", "机构", "研究所", "研究院", "任职", "就职", "工厂", "厂", "辖区")
_BAIYUN = re.compile(r"白云(?!工匠|国际|机场|大道|时事)")
_NOT_BAIYUN = re.compile(r"(不在|不是|不属于|并非|非)[^，,。；;]{0,3}白云")

# Unclear titles: a level or a school decides the tier, so ask instead of choosing one.
# (word in the message, the noun a short answer completes, question). A short answer such as
# "省级" is read together with the noun: "省级" + "劳模".
TITLE_CLARIFICATIONS: Tuple[Tuple[str, str, str], ...] = (
    ("硕士", "硕士", "请问您的硕士学位是双一流大学（A类和B类）全日制研究生学历，或全球前500名的境外一流大学研究生学历吗？例如回答：“双一流大学硕士”。"),
    ("劳模", "劳模", "请问是哪一级的劳动模范？例如：“全国劳模”“省劳模”“市劳模”或“区劳模”。"),
    ("劳动模范", "劳动模范", "请问是哪一级的劳动模范？例如：“全国劳模”“省劳模”“市劳模”或“区劳模”。"),
    ("先进工作者", "先进工作者", "请问是哪一级的先进工作者？例如：“全国先进工作者”“省级先进工作者”“市级先进工作者”或“区级先进工作者”。"),
    ("五一劳动奖章", "五一劳动奖章", "请问是全国五一劳动奖章还是省级五一劳动奖章？"),
    ("技能大赛", "技能大赛优秀奖", "请问是哪一级的技能大赛、获得什么奖项？例如：“全国技能大赛优秀奖”“省级技能大赛优秀奖”“市级技能大赛优秀奖”。"),
    ("孵化", "孵化平台", "请问是国家级、省级还是市级孵化平台？您是该平台的主要负责人吗？"),
    ("龙头企业", "农业龙头企业", "请问是农业产业化国家重点龙头企业、广东省重点农业龙头企业还是广州市级农业龙头企业？您是企业主要负责人吗？"),
    ("五个一工程", "五个一工程奖", "请问是国家还是广东省精神文明建设“五个一工程”奖？您是该作品的导演或编剧吗？"),
    ("工作许可", "类工作许可证", "请问您的《外国人工作许可证》是A类还是B类？"),
    ("人才工程", "重大人才工程", "请问是国家、广东省还是广州市的人才工程？"),
)
# A yes to the question about this noun affirms the criterion it asked about.
YES_COMPLETES = {"硕士": "silver.masters"}
# 硕士 with a qualifying school named anywhere in the message.
_QUALIFYING_MASTERS = re.compile(r"硕士.*(双一流|全球前500|世界前500|QS前500|境外一流)|"
                                 r"(双一流|全球前500|世界前500|QS前500|境外一流).*硕士")
# Not the title itself: 在读 (still studying), 副高 titles.
NOT_QUALIFYING = ("在读博士", "博士在读", "读博中", "正在读博", "博士生在读", "博士还没毕业", "副高")
# Titles below the 正高级 the clauses name ("高级工程师" is 副高; "正高级工程师" is not this).
_LESSER_TITLES = re.compile(r"副教授|副主任(医师|药师|护师)|副研究员|(?<![正级])高级(工程师|职称|经济师|会计师|"
                            r"教师|农艺师|实验师)|中级(职称|工程师)|初级职称")


@dataclass
class Reading:
    """What one message said: slot values, plus follow-ups for what could not be taken."""

    slots: Dict[str, object] = field(default_factory=dict)
    vague: List[str] = field(default_factory=list)  # the vague amounts as written
    vague_slots: List[str] = field(default_factory=list)  # the fact each vague amount was for
    clarify: List[str] = field(default_factory=list)  # questions to ask back
    pending: Optional[str] = None  # the noun a clarifying question asked about

    @property
    def understood(self) -> bool:
        return bool(self.slots or self.vague or self.clarify)


# --- small helpers ------------------------------------------------------------------------

_LEADING_YES = re.compile(r"^(是的?|对的?|有的?|嗯+|没错|当然|确实|符合|满足)[，,。.！!\s]")
_LEADING_NO = re.compile(r"^(不是|没有|否|不对|不符合|不满足)[，,。.！!\s]")


def yes_no(text: str, intent: Optional[str]) -> Optional[bool]:
    """A yes/no answer: the words themselves, alone or leading the message ("是的，在白云区"),
    else the classifier's affirm/deny."""
    stripped = re.sub(r"[\s，,。.!！?？~～]", "", text)
    if _YES.match(stripped) or _LEADING_YES.match(text.strip()):
        return True
    if _NO.match(stripped) or _LEADING_NO.match(text.strip()):
        return False
    if intent in AFFIRM_INTENTS:
        return True
    if intent in DENY_INTENTS:
        return False
    return None


def _spans(matches: Iterable[lexicon.Match]) -> List[Tuple[int, int]]:
    return [(m.start, m.end) for m in matches]


def _mask(text: str, spans: Sequence[Tuple[int, int]]) -> str:
    """Blank out spans (same length, so offsets stay valid)."""
    chars = list(text)
    for start, end in spans:
        for i in range(start, end):
            chars[i] = "□"
    return "".join(chars)


def _negated_before(text: str, start: int, width: int = 4) -> bool:
    before = re.split(r"[，,。；;！!？?]", text[max(0, start - width):start])[-1]
    return any(word in before for word in lexicon.NEGATIONS)


def _find_words(text: str, words: Sequence[str]) -> List[Tuple[int, int, str]]:
    found = []
    for word in sorted(words, key=len, reverse=True):
        for hit in re.finditer(re.escape(word), text):
            if not any(s < hit.end() and hit.start() < e for s, e, _ in found):
                found.append((hit.start(), hit.end(), word))
    return sorted(found)


# --- numbers in context --------------------------------------------------------------------

@dataclass(frozen=True)
class NumericSlot:
    name: str
    kind: str  # "count", "money" (万元) or "ratio"
    keywords: Tuple[str, ...]
    units: Tuple[str, ...] = ()  # counters that fit ("项", "人" ...); money takes 万/元


def _slot_for(quantity: Quantity, text: str, slots: Sequence[NumericSlot],
              keyword_hits: List[Tuple[int, int, NumericSlot]]) -> Optional[NumericSlot]:
    """The slot whose keyword is nearest to the quantity within the same clause."""
    clause_breaks = [m.start() for m in re.finditer(r"[，,。；;！!？?\n]", text)]

    def same_clause(a: int, b: int) -> bool:
        low, high = min(a, b), max(a, b)
        return not any(low <= pos < high for pos in clause_breaks)

    best, best_score = None, None
    for start, end, slot in keyword_hits:
        if end <= quantity.start:
            anchor, distance = end, quantity.start - end
        elif start >= quantity.end:
            anchor, distance = start, start - quantity.end
        else:
            continue
        if not same_clause(anchor, quantity.start) or distance > 12:
            continue
        score = distance + (0 if _unit_fits(quantity, slot) else 8)
        if best_score is None or score < best_score:
            best, best_score = slot, score
    return best


def _unit_fits(quantity: Quantity, slot: NumericSlot) -> bool:
    if slot.kind == "money":
        return quantity.scale_given or quantity.unit.startswith(("元", "万", "亿")) or not quantity.unit
    if slot.kind == "ratio":
        return quantity.percent or not quantity.unit
    return not quantity.unit or quantity.unit in slot.units


def _convert(quantity: Quantity, slot: NumericSlot):
    if slot.kind == "money":
        return quantity.as_wan()
    if slot.kind == "ratio":
        return quantity.as_ratio()
    return quantity.as_count()


def read_numbers(text: str, numeric_slots: Sequence[NumericSlot], requested: Optional[str],
                 reading: Reading) -> None:
    """Assign each quantity in the message to a fact by its keyword, else to the asked fact."""
    keyword_hits: List[Tuple[int, int, NumericSlot]] = []
    taken: List[Tuple[int, int]] = []
    pairs = sorted(((k, s) for s in numeric_slots for k in s.keywords), key=lambda p: -len(p[0]))
    for keyword, slot in pairs:
        for hit in re.finditer(re.escape(keyword), text):
            if any(s < hit.end() and hit.start() < e for s, e in taken):
                continue
            taken.append(hit.span())
            keyword_hits.append((hit.start(), hit.end(), slot))

    # "没有发明专利" / "无软件著作权": a count of zero.
    for start, _end, slot in keyword_hits:
        if slot.kind == "count" and re.search(r"(没有|无|零|0)(任何)?$", text[max(0, start - 4):start]):
            reading.slots.setdefault(slot.name, 0)

    by_name = {s.name: s for s in numeric_slots}
    quantities = find_quantities(text)
    unassigned: List[Quantity] = []
    for quantity in quantities:
        slot = _slot_for(quantity, text, numeric_slots, keyword_hits)
        if slot is None:
            unassigned.append(quantity)
            continue
        _take(quantity, slot, reading)
    # A bare answer to the question just asked: "30", "两千万", "30人".
    if requested in by_name and requested not in reading.slots and len(unassigned) == 1:
        slot = by_name[requested]
        if _unit_fits(unassigned[0], slot):
            _take(unassigned[0], slot, reading)


def _take(quantity: Quantity, slot: NumericSlot, reading: Reading) -> None:
    if quantity.vague:
        reading.vague.append(quantity.text + quantity.unit)
        reading.vague_slots.append(slot.name)
        return
    value = _convert(quantity, slot)
    if value is not None and slot.name not in reading.slots:
        reading.slots[slot.name] = value


# --- 云聚英才卡 ----------------------------------------------------------------------------

TALENT_NUMERIC = (
    NumericSlot("district_tax_wan", "money", ("区库年税收", "区库税收", "年税收", "纳税额", "纳税", "税收", "交税", "缴税", "税")),
    NumericSlot("hightech_revenue_wan", "money", ("年产值", "产值", "年营收", "营业收入", "营收", "营业额", "收入", "销售额")),
    NumericSlot("district_investment_wan", "money", ("累计投资额", "累计投资", "投资额", "投资")),
)


def with_entities(found: List[lexicon.Match], entities: Sequence[dict], entity: str,
                  text: str) -> List[lexicon.Match]:
    """Add the NLU model's entities of one kind that the phrase scan did not see (the model
    can find a phrase written in a way the lists lack; its value is then mapped by the same
    synonyms). Overlaps keep the scan's reading, which knows about negation."""
    known = set(lexicon.synonyms(entity).values())
    merged = list(found)
    for item in entities:
        start, end, value = item.get("start"), item.get("end"), item.get("value")
        if item.get("entity") != entity or value not in known or start is None or end is None:
            continue
        if any(start < m.end and m.start < end for m in merged):
            continue
        merged.append(lexicon.Match(entity, value, text[start:end], start, end,
                                    _negated_before(text, start)))
    return sorted(merged, key=lambda m: m.start)


def read_talent(text: str, intent: Optional[str], requested: Optional[str], slots: dict,
                entities: Sequence[dict] = ()) -> Reading:
    """Facts and criteria for the 云聚英才卡 from one message (`entities`: the NLU model's)."""
    text = normalise(text)
    reading = Reading()
    not_qualifying = _find_words(text, NOT_QUALIFYING) + [
        (hit.start(), hit.end(), hit.group()) for hit in _LESSER_TITLES.finditer(text)]
    titles = lexicon.find("talent_title", text, masked=[(s, e) for s, e, _ in not_qualifying])
    titles = [m for m in with_entities(titles, entities, "talent_title", text)
              if not any(s < m.end and m.start < e for s, e, _ in not_qualifying)]
    title_spans = _spans(titles)
    rest = _mask(text, title_spans)

    head = _read_head(rest)
    if head is not None:
        reading.slots["enterprise_head"] = head
    project_lead = any(w in rest for w in PROJECT_LEAD_WORDS)

    affirmed = [m.value for m in titles if not m.negated]
    if not affirmed and requested == "talent_titles":
        affirmed = _complete_clarification(text, intent, slots.get("pending_clarification"))
    if _QUALIFYING_MASTERS.search(rest) and "silver.masters" not in affirmed:
        affirmed.append("silver.masters")
    if _KEY_ENTERPRISE.search(text) and _MANAGER.search(rest) and "gold.key_enterprise_manager" not in affirmed:
        affirmed.append("gold.key_enterprise_manager")
    plain = [t for t in affirmed if not t.endswith("_head")]
    head_only = [t for t in affirmed if t.endswith("_head")]
    if head_only:
        confirmed = [t for t in head_only
                     if head or (t == "gold.contest_winner_head" and project_lead)]
        plain += confirmed
        pending = [t for t in head_only if t not in confirmed]
        if pending:
            reading.slots["talent_head_titles"] = _merge(slots.get("talent_head_titles"), pending)
    denied_all = not affirmed and ((requested == "talent_titles" and yes_no(text, intent) is False)
                                   or (requested in (None, "talent_titles") and _NO_TITLES.search(rest)))
    if plain or head_only or denied_all or (requested == "talent_titles" and not_qualifying):
        reading.slots["talent_titles"] = _merge(slots.get("talent_titles"), plain)
    elif requested in (None, "talent_titles") and slots.get("talent_titles") is None:
        # Asked for titles, or the assessment starts with an unclear one ("我是劳模，能办卡吗").
        for word, noun, question in TITLE_CLARIFICATIONS:
            if word in rest:
                # The detail may be in the same message: "我是劳模，市级的".
                completed = _complete_in_message(rest, word, noun)
                if completed:
                    reading.slots["talent_titles"] = _merge(slots.get("talent_titles"), completed)
                    break
                reading.clarify.append(question)
                reading.pending = noun
                break

    employer = _read_employer(rest, requested == "employer_in_baiyun")
    if employer is not None:
        reading.slots["employer_in_baiyun"] = employer

    if "不是高新" in text or "非高新" in text:
        reading.slots["hightech_revenue_wan"] = 0
    read_numbers(rest, TALENT_NUMERIC, requested, reading)
    _answer_yes_no(text, intent, requested, ("employer_in_baiyun", "enterprise_head"), reading)
    if requested == "hightech_revenue_wan" and yes_no(text, intent) is False:
        reading.slots.setdefault("hightech_revenue_wan", 0)  # "不是" to "如是高新技术企业…"
    return reading


def _complete_clarification(text: str, intent: Optional[str], pending: Optional[str]) -> List[str]:
    """Titles from a short answer to a clarifying question: "省级" after "哪一级的劳动模范"."""
    if not pending:
        return []
    if yes_no(text, intent) is True and pending in YES_COMPLETES:
        return [YES_COMPLETES[pending]]
    answer = re.sub(r"[的是我了呢啊吧，,。！!\s]", "", text)
    for candidate in (answer + pending, answer.rstrip("类") + pending):
        found = [m.value for m in lexicon.find("talent_title", candidate) if not m.negated]
        if found:
            return found
    return []


def _complete_in_message(text: str, word: str, noun: str) -> List[str]:
    """Titles from an unclear title and its detail said apart in one message ("我是劳模，市级的"):
    each other clause is tried as the short answer to the clarifying question."""
    for clause in re.split(r"[，,。；;！!？?\s]+", text):
        short = re.sub(r"[的是我了呢啊吧]", "", clause)
        # Only a short detail ("市级的", "省级", "A类"), never a place: "在白云区" is not 区劳模.
        if short and word not in clause and len(short) <= 4 and "白云" not in short:
            found = _complete_clarification(clause, None, noun)
            if found:
                return found
    return []


def _read_head(text: str) -> Optional[bool]:
    deputies = _find_words(text, NOT_HEAD_PHRASES)
    text = _mask(text, [(s, e) for s, e, _ in deputies])
    for start, _end, _word in _find_words(text, HEAD_WORDS):
        return not _negated_before(text, start)
    if deputies or any(word in text for word in NOT_HEAD_WORDS):
        return False
    return None


def _read_employer(text: str, asked: bool = False) -> Optional[bool]:
    """Whether the employer is in 白云区; where the question was just asked, naming 白云区 is
    enough ("在白云区"), otherwise a workplace word must go with it."""
    if _NOT_BAIYUN.search(text):
        return False
    has_workplace = any(word in text for word in WORKPLACE_WORDS)
    if _BAIYUN.search(text) and (has_workplace or asked):
        return True
    if has_workplace and any(place in text for place in ELSEWHERE):
        return False
    return None


def _answer_yes_no(text, intent, requested, bool_slots, reading: Reading) -> None:
    if requested in bool_slots and requested not in reading.slots:
        answer = yes_no(text, intent)
        if answer is not None:
            reading.slots[requested] = answer


def _merge(old, new: Iterable[str]) -> List[str]:
    merged = list(old or [])
    merged += [item for item in new if item not in merged]
    return merged


# --- 广东省智能制造生态合作伙伴 --------------------------------------------------------------

PARTNER_NUMERIC = (
    NumericSlot("invention_patents", "count", ("核心发明专利", "发明专利", "专利"), ("项", "个", "件")),
    NumericSlot("software_copyrights", "count", ("软件著作权", "软著", "著作权"), ("项", "个", "件")),
    NumericSlot("rd_team_size", "count", ("研发技术团队", "研发团队", "研发人员", "技术团队", "研发", "研究人员"), ("人", "名", "位", "个")),
    NumericSlot("avg_revenue_wan", "money", ("主营业务收入", "平均营收", "营业收入", "营收", "营业额", "收入", "销售额", "产值", "营业")),
    NumericSlot("gd_cases_3y", "count", ("典型案例", "用户服务案例", "案例"), ("个", "项", "件")),
    NumericSlot("staff_count", "count", ("从业人员", "员工", "职工", "工作人员", "人员队伍"), ("人", "名", "位", "个")),
    NumericSlot("qualified_staff_ratio", "ratio", ("占比", "比例", "比重", "本科以上", "中级以上", "本科")),
    NumericSlot("financial_products", "count", ("金融产品", "特色产品", "产品"), ("款", "个", "项", "种")),
    NumericSlot("partner_enterprises", "count", ("合作企业", "合作的企业", "企业合作"), ("家", "个")),
    NumericSlot("co_built_programs", "count", ("专业点", "订单班", "共建专业"), ("个", "项")),
)
SERVICE_CASE_DOMAINS = ("行业组织", "智能制造金融服务")
# Yes/no domain conditions stated in passing: a few words that only that condition uses.
CRITERION_WORDS = {
    "equipment.own_brand_ip": ("自主品牌",),
    "equipment.rd_institution": ("研发机构", "研发中心"),
    "solution.rd_institution": ("研发机构", "研发中心"),
    "solution.main_business": ("系统集成服务",),
    "software.dev_environment": ("开发环境",),
    "software.core_technology": ("核心关键技术",),
    "network.third_party_service": ("第三方独立服务",),
    "network.ot_it_integration": ("OT/IT", "深度融合"),
    "organization.plan_and_targets": ("发展规划", "年度目标"),
    "talent.college_practice_base": ("实习基地",),
    "talent.college_mentors": ("指导教师",),
    "talent.enterprise_school_cooperation": ("现代学徒制", "校企合作"),
    "finance.premises": ("经营服务场所", "服务设施"),
    "pilot.built": ("已经建成", "已建成"),
    "pilot.cooperation": ("总结经验", "推广模式"),
}
UNIT_TYPES = (("科研院所", ("科研院所", "研究院", "研究所", "科研机构")),
              ("院校", ("院校", "学校", "大学", "学院", "职校", "技校")),
              ("企业", ("企业", "公司")))
_ALREADY = re.compile(r"(已经?|之前|以前|早就)?(入选|是|成为|进入)(了)?(第?[一二三123]批|合作伙伴名单)")
_NOT_ALREADY = re.compile(r"(没有?|未|不是|从未|没能)[^，,。]{0,4}(入选|合作伙伴名单|第?[一二三123]批)")
_BASIC_ALL = re.compile(r"基本(遴选)?条件[^，,。]{0,4}(都|全部|均|全)?(满足|符合|具备|没问题)|"
                        r"(都|全部|均|全)(满足|符合|具备)[^，,。]{0,2}基本(遴选)?条件")


def read_partner(text: str, intent: Optional[str], requested: Optional[str], slots: dict,
                 entities: Sequence[dict] = (), listed_conditions: Sequence[str] = (),
                 listed_direct: Sequence[str] = ()) -> Reading:
    """Facts and criteria for the 合作伙伴 programme from one message.

    `listed_conditions` / `listed_direct` are the criterion ids the pending question listed,
    in its numbering, so that "第2条不满足" or "第3项" can be read.
    """
    text = normalise(text)
    reading = Reading()
    qualifications = with_entities(lexicon.find("qualification", text), entities, "qualification", text)
    masked = _spans(qualifications) + [(s, e) for s, e, _ in _find_words(
        text, ("软件著作权", "软著", "金融产品"))]  # not the 关键软件 / 金融 domains
    domains = [m for m in with_entities(lexicon.find("domain", text, masked=masked), entities, "domain", text)
               if not m.negated and not any(s < m.end and m.start < e for s, e in masked)]
    if domains:
        reading.slots["domain"] = _pick_domain(domains)
    domain = reading.slots.get("domain") or slots.get("domain")

    direct = [m.value for m in qualifications if not m.negated]
    if direct:
        reading.slots["direct_qualifications"] = _merge(slots.get("direct_qualifications"), direct)
    elif requested == "direct_qualifications":
        answer = yes_no(text, intent)
        numbers = _numbers_named(text, len(listed_direct))
        if numbers:
            reading.slots["direct_qualifications"] = [listed_direct[n - 1] for n in numbers]
        elif answer is False:
            reading.slots["direct_qualifications"] = []
        elif answer is True:
            reading.clarify.append("请问是哪一项资质？请回答序号，例如：“第1项”。")

    if _NOT_ALREADY.search(text):
        reading.slots["already_partner"] = False
    elif (_ALREADY.search(text) and "合作伙伴" in text) or re.search(r"第[一二三123]批", text):
        reading.slots["already_partner"] = True

    if requested == "unit_type" or domain == "智能制造人才":
        for unit_type, words in UNIT_TYPES:
            if any(w in text for w in words) and (requested == "unit_type" or unit_type != "企业"):
                reading.slots["unit_type"] = unit_type
                break

    numeric = [s if s.name != "gd_cases_3y" or domain not in SERVICE_CASE_DOMAINS
               else NumericSlot("service_cases_3y", "count", s.keywords, s.units)
               for s in PARTNER_NUMERIC]
    if domain in SERVICE_CASE_DOMAINS:
        numeric.append(NumericSlot("service_cases_3y", "count", ("服务案例",), ("个", "项", "件")))
    # "研发机构" is a yes/no condition, not the 研发 team: hide such words from the figures.
    condition_words = [w for words in CONDITION_NAMES.values() for w in words]
    read_numbers(_mask(text, [(s, e) for s, e, _ in _find_words(text, condition_words)]),
                 numeric, requested, reading)

    conditions = _read_conditions(text, intent, requested, slots, listed_conditions, reading)
    if conditions:
        reading.slots["partner_conditions"] = conditions
    _answer_yes_no(text, intent, requested, ("already_partner",), reading)
    return reading


# Domains that say what kind of body the applicant is: "机器人行业协会" applies as 行业组织, a bank
# that serves machine makers as 智能制造金融服务.
ORGANISATION_DOMAINS = ("行业组织", "智能制造金融服务", "智能制造人才")


def _pick_domain(found: Sequence[lexicon.Match]) -> str:
    """The domain meant when a message names several: one named as a domain ("…领域" or its
    own name) first, then the kind of body the applicant is, then the first named."""
    named = [m for m in found if m.text == m.value or m.text.endswith("领域")]
    kinds = [m for m in found if m.value in ORGANISATION_DOMAINS]
    return (named or kinds or found)[0].value


def _numbers_named(text: str, how_many: int) -> List[int]:
    """Item numbers named in "第2条" / "2条" style, within 1..how_many."""
    found = []
    for hit in re.finditer(r"第([一二三四五六七八九十\d]+)[条项个点]?|(?<![\d.])([\d一二三四五六七八九])条", text):
        raw = hit.group(1) or hit.group(2)
        try:
            number = int(cn2an.cn2an(raw, "smart"))
        except (ValueError, KeyError):
            continue
        if 1 <= number <= how_many and number not in found:
            found.append(number)
    return found


# Words that name a yes/no condition when answering the numbered conditions question.
CONDITION_NAMES = {
    "basic.registered_in_guangdong": ("依法注册", "独立法人", "法人资格"),
    "basic.safety_record": ("安全生产", "安全事故", "环保", "质量事故", "事故"),
    "basic.good_credit": ("信用", "失信", "侵权"),
    **CRITERION_WORDS,
}
# Words naming something that must NOT have happened: "没出过事故" meets the condition.
NEGATIVE_WORDS = ("安全事故", "质量事故", "事故", "失信", "侵权")
_REFUSES = re.compile(r"不满足|不符合|不具备|达不到|做不到|不行|不够|没做到")
_NEGATION_AFTER = re.compile(r"^[^，,。；;]{0,3}(没有|没|未|不|无)")


def _named_conditions(text: str, listed: Sequence[str]) -> Dict[str, bool]:
    """{criterion id: met} for the listed conditions the message names by their words."""
    named: Dict[str, bool] = {}
    for cid in listed:
        for start, end, word in _find_words(text, CONDITION_NAMES.get(cid, ())):
            after = text[end:end + 8]
            if _REFUSES.search(re.split(r"[，,。；;]", after)[0]):
                named[cid] = False  # "这条达不到": the condition itself is refused
            else:
                negated = _negated_before(text, start) or bool(_NEGATION_AFTER.match(after))
                # "没出过事故" meets the condition; "还没有研发机构" does not.
                named[cid] = negated if word in NEGATIVE_WORDS else not negated
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
            else:
                known.update({cid: cid in met for cid in listed})
        elif _named_conditions(text, listed):
            # "信用那条不满足" / "研发机构还没有建，其他都满足": conditions named by their words.
            named = _named_conditions(text, listed)
            known.update(named)
            if not all(named.values()):  # naming the failing ones says the others hold
                known.update({cid: True for cid in listed if cid not in named})
        elif answer is True:
            known.update({cid: True for cid in listed})
        elif answer is False and len(listed) == 1:
            known[listed[0]] = False
        elif answer is False or negative:
            reading.clarify.append("请告诉我具体哪一条不满足，例如：“第2条不满足”。")
    if _BASIC_ALL.search(text) and not re.search(r"基本(遴选)?条件[^，,。]{0,4}(不|没)", text):
        known.update({c["id"]: True for c in criteria("partner") if c["group"] == "basic"})
    # Conditions stated in passing ("没有失信，没出过安全事故，设有研发机构"): the domain's own,
    # and the basic ones named by their words; not in a question ("失信企业能申报吗").
    if intent not in QUESTION_INTENTS:
        basic = [c["id"] for c in criteria("partner") if c["group"] == "basic"]
        for cid, met in _named_conditions(text, basic + list(CRITERION_WORDS)).items():
            known.setdefault(cid, met)
    return known if known != before else {}
