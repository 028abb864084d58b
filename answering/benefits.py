"""Which card brings which benefit, from the rules' tier → benefits table.

三、相关待遇 says that 钻石卡 holders get (一)–(十三), 金卡 (一)–(十), 银卡 (一)–(七); the benefit a
question names is found in that range or not, and the answer quotes the tier sentence and the
benefit itself (knowledge/rules/talent-card.yml: tiers[].benefits_up_to, benefits[]).
"""
from __future__ import annotations

import re

from answering.answer import PARTIAL, Answer, quote
from retrieval.question import PLACE_KINDS, Question, vocabulary
from knowledge import load_clauses
from retrieval.searcher import get_searcher
from rules.data import load_rules

NUMERALS = "一二三四五六七八九十"


def numeral(number: int) -> str:
    """1 -> 一, 10 -> 十, 13 -> 十三 (the benefits' own numbering)."""
    if number <= 10:
        return NUMERALS[number - 1]
    return "十" + NUMERALS[number - 11]


def _rules() -> dict:
    return load_rules("talent-card")


def tiers() -> dict[str, dict]:
    return {tier["id"]: tier for tier in _rules()["tiers"]}


def benefit(number: int) -> dict:
    return next(b for b in _rules()["benefits"] if b["number"] == number)


def intro_id() -> str:
    return _rules()["benefits_intro"]["clause_id"]


def label(number: int) -> str:
    """（十二）法律顾问服务"""
    return f"（{numeral(number)}）{benefit(number)['title']}"


def span(tier_id: str) -> str:
    """（一）至（十）"""
    return f"（一）至（{numeral(tiers()[tier_id]['benefits_up_to'])}）"


def holders_of(number: int) -> list[str]:
    """Names of the tiers whose range includes this benefit, highest first."""
    return [t["name"] for t in tiers().values() if t["benefits_up_to"] >= number]


# What a clause holding each kind of detail contains (a time, an amount, a place).
DETAIL_HELD = {"time": (r"\d+\s*(年|个月|天|小时|个工作日)|每年|每月|当年|常年|时限|提前", "具体时间"),
               "money": (r"\d+\s*(元|万)|免费|费用|收费|自理|支付", "费用或金额"),
               "price": (r"\d+(\.\d+)?\s*(元|万元|块)", "具体收费金额"),
               "month": (r"\d+\s*月|[一二三四五六七八九十]+月(?!份?底)", "具体月份"),
               "place": (r"路\d+号|大道[东南西北]?\d+号|\d+楼|地址|地点|窗口|大厅|医院|平台|网址", "具体地点"),
               # 优先安排 is no promise; 区属公立医院 names no hospital; 二选一 settles stacking
               "guarantee": (r"保证", "是否保证"),
               "which_one": (r"《[^》]*名单》|名单如下|以下(学校|医院)", "具体是哪一所（哪一家）"),
               "stacking": (r"二选一|不得同时|不可同时|可同时|叠加", "能否与其他待遇叠加"),
               "headcount": (r"(最多|不超过|限)\s*\d+\s*(人|名)", "人数限制"),
               "carry_over": (r"顺延|累计使用|结转|作废|当年有效|不可转让|可转让|转赠", "未用完能否留用或转给他人")}
# Words of a benefit question that ask nothing beyond "does this card have it".
PLAIN = re.compile(r"持卡人|持卡|的|能|可以|可|享受|享有|有没有|有|没有|吗|呢|么|吧|请问|问一下|是否|"
                   r"免费|服务|待遇|也|都|还|我|我们|用|办|参加|一起|这个|那个|[，,。？?！!\s]")


def section_clauses(number: int) -> list[dict]:
    """The benefit's clauses: its line in 三、相关待遇 and its part of the service guide."""
    prefixes = (f"talent.benefits.{number}", f"talent.service.{number}.")
    return [c for c in load_clauses()
            if c["clause_id"] == prefixes[0] or c["clause_id"].startswith(prefixes[1])]


def _asks_more(question: Question) -> bool:
    """Whether the question asks more than whether the card has the benefit (租金, 打官司…)."""
    rest = question.normalized
    words = [w for table in ("tiers", "benefits") for ws in vocabulary()[table].values() for w in ws]
    for word in sorted(words, key=len, reverse=True):
        rest = rest.replace(word, "")
    return len(PLAIN.sub("", rest)) >= 3


def persons_not_named(question: Question, text: str) -> list[str]:
    """People besides the holder the question asks about ("我爸妈", "我老婆") whom the
    benefit's sections do not name: 落户 names 配偶、未独立生活的子女, never 父母."""
    if not question.asks_any("who_else"):
        return []
    return [group for group, words in vocabulary()["persons"].items()
            if any(w in question.normalized for w in words) and not any(w in text for w in words)]


# "体检包不包括胃肠镜": an item asked to be included.
_INCLUDES = re.compile(r"(?:包不包括|包括不包括|包不包含|包含不包含|含不含|包括|包含)([\u4e00-\u9fff]{2,8}?)"
                       r"(?:吗|呢|么|项目|检查|服务|在内|[，,。？?！!]|$)")


def items_not_named(question: Question, text: str) -> list[str]:
    """Things the question asks the benefit to include that none of its sections names."""
    persons = {w for words in vocabulary()["persons"].values() for w in words}
    return [item for item in _INCLUDES.findall(question.normalized)
            if item not in text and item not in persons and item not in ("这个", "那个", "这些", "哪些", "什么")]


def places_not_named(question: Question, number: int) -> list[str]:
    """Places the question puts the benefit in that none of its sections names: the 接送机 is
    at 白云国际机场, so "在深圳宝安机场能用吗" is not settled by it."""
    text = "".join(c["text"] for c in section_clauses(number))
    return [place for kind in PLACE_KINDS for place in question.places.get(kind, [])
            if place not in text]


def _elsewhere(answer: Answer, number: int, places: list[str]) -> None:
    answer.status = PARTIAL
    answer.say(f"{label(number)}的条款没有提到{'、'.join(places)}，文件未涉及在{'、'.join(places)}"
               "享受这项服务。")
    phones = [c["clause_id"] for c in section_clauses(number) if "咨询电话" in c["text"]]
    if phones:
        answer.quote(phones[0], lead="可咨询：")


def details(answer: Answer, question: Question, number: int) -> None:
    """What the benefit's own sections say to the rest of the question, and what they leave
    open (人才公寓啥时候能住上、租金多少: the documents give neither)."""
    section = {c["clause_id"]: c for c in section_clauses(number)}
    result = get_searcher().search(question.text, k=20)
    said = [hit["clause_id"] for hit in result["hits"]
            if hit["clause_id"] in section and hit["clause_id"] != f"talent.benefits.{number}"
            and "咨询电话" not in hit["text"]][:2]
    # 注意事项 is where a service says what it does not include (另行收费, 仅指…)
    notes = [cid for cid in section if ".notes." in cid and cid not in said]
    for clause_id in said + notes:
        answer.quote(clause_id, lead="具体规定：" if clause_id in said else "注意事项：")
    text = "".join(c["text"] for c in section.values())
    open_aspects = [name for kind, (held, name) in DETAIL_HELD.items()
                    if question.asks_any(kind) and not re.search(held, text)]
    open_aspects += [f"是否适用于{person}" for person in persons_not_named(question, text)]
    open_aspects += [f"是否包括{item}" for item in items_not_named(question, text)]
    if open_aspects:
        answer.status = PARTIAL
        phones = [c["clause_id"] for c in section.values() if "咨询电话" in c["text"]]
        answer.say(f"关于{label(number)}的{'、'.join(open_aspects)}，文件没有写明，未涉及这方面的规定。")
        if phones:
            answer.quote(phones[0], lead="可咨询：")


def tier_benefit(question: Question) -> Answer | None:
    """金卡能享受免费法律咨询吗 → no: 金卡 has (一)–(十); (十二) is for 钻石卡 holders."""
    if not (question.tiers and question.benefits):
        return None
    if len(question.tiers) > 1 and question.asks_any("difference"):
        return None
    answer = Answer()
    elsewhere = {number: places_not_named(question, number) for number in question.benefits}
    for tier_id in question.tiers:
        tier = tiers()[tier_id]
        for number in question.benefits:
            item = benefit(number)
            if number <= tier["benefits_up_to"]:
                yes = "" if elsewhere[number] else "可以。"
                answer.say(f"{yes}{tier['name']}持卡人可享受{span(tier_id)}条待遇，其中包括"
                           f"{label(number)}：{quote(item['clause_id'])}。",
                           intro_id(), item["clause_id"])
                alternative = item.get("note_when_with")
                if alternative and alternative <= tier["benefits_up_to"]:
                    answer.say(f"注意：{item['note']}", benefit(alternative)["clause_id"])
            else:
                others = "、".join(holders_of(number))
                answer.say(f"不能。{tier['name']}的待遇只有{span(tier_id)}条，"
                           f"{label(number)}不在其中，它是{others}持卡人的待遇。",
                           intro_id(), item["clause_id"])
                alternative = item.get("note_when_with")
                if alternative and alternative <= tier["benefits_up_to"]:
                    other = benefit(alternative)
                    answer.say(f"{tier['name']}持卡人可享受的{label(alternative)}是："
                               f"{quote(other['clause_id'])}。", other["clause_id"])
    answer.quote(intro_id(), lead="")
    if _asks_more(question):
        for number in question.benefits:
            details(answer, question, number)
    for number in question.benefits:
        if elsewhere[number]:
            _elsewhere(answer, number, elsewhere[number])
    if answer.status == PARTIAL:
        # "体检包不包括胃肠镜" / "能保证进吗": the card has the benefit, but a bare "可以" would
        # answer what the documents leave open
        answer.sentences = [s.removeprefix("可以。") for s in answer.sentences]
    return answer


def benefit_holders(question: Question) -> Answer | None:
    """工会服务和定期体检服务有什么不一样、哪种卡能用: each benefit, who holds it, the 二选一 note."""
    if question.tiers or not question.benefits:
        return None
    if not (question.asks_any("which_card") or len(question.benefits) > 1):
        return None
    answer = Answer()
    for number in question.benefits:
        item = benefit(number)
        answer.say(f"{label(number)}：{quote(item['clause_id'])}，{'、'.join(holders_of(number))}"
                   f"持卡人可以享受。", item["clause_id"])
    paired = [benefit(n) for n in question.benefits if benefit(n).get("note_when_with")]
    if paired:
        both = max(paired[0]["number"], paired[0]["note_when_with"])
        answer.say(f"{label(paired[0]['number'])}{paired[0]['note']}两项都有的只有"
                   f"{'、'.join(holders_of(both))}持卡人。")
    return answer.quote(intro_id())


def compare_tiers(question: Question) -> Answer | None:
    """金卡和银卡的待遇差在哪里 → 金卡 has (八)–(十) besides (一)–(七)."""
    named = list(dict.fromkeys(question.tiers))
    if len(named) < 2 or question.benefits:
        return None
    if not question.asks_any("difference", "benefits") or question.asks_any("conditions"):
        return None
    ranked = sorted(named, key=lambda t: -tiers()[t]["benefits_up_to"])
    answer = Answer()
    for higher, lower in zip(ranked, ranked[1:]):
        top, bottom = tiers()[higher]["benefits_up_to"], tiers()[lower]["benefits_up_to"]
        extra = range(bottom + 1, top + 1)
        listed = "、".join(label(n) for n in extra)
        answer.say(f"{tiers()[higher]['name']}持卡人可享受{span(higher)}条，{tiers()[lower]['name']}"
                   f"持卡人可享受{span(lower)}条；{span(lower)}两者相同，{tiers()[higher]['name']}"
                   f"多出{len(extra)}项：{listed}。",
                   intro_id(), *(benefit(n)["clause_id"] for n in extra))
    answer.quote(intro_id())
    return answer


def compare_tiers_on_benefit(question: Question) -> Answer | None:
    """银卡和钻石卡在看病上有区别吗 → both hold (六); 金卡和钻石卡体检有什么不同 → only 钻石卡 (十一)."""
    named = list(dict.fromkeys(question.tiers))
    if len(named) < 2 or not question.benefits or not question.asks_any("difference"):
        return None
    answer = Answer()

    def names(ids: list[str]) -> str:
        return "、".join(tiers()[t]["name"] for t in ids)

    for number in question.benefits:
        item = benefit(number)
        holding = [t for t in named if number <= tiers()[t]["benefits_up_to"]]
        lacking = [t for t in named if t not in holding]
        if not lacking:
            answer.say(f"在{label(number)}上没有区别：{names(holding)}持卡人都可享受"
                       f"{quote(item['clause_id'])}。", intro_id(), item["clause_id"])
        elif holding:
            answer.say(f"在{label(number)}上有区别：{names(holding)}持卡人可享受"
                       f"{quote(item['clause_id'])}；{names(lacking)}持卡人不能享受这一项。",
                       intro_id(), item["clause_id"])
        else:
            answer.say(f"{names(lacking)}持卡人都不能享受{label(number)}，它是"
                       f"{'、'.join(holders_of(number))}持卡人的待遇。", intro_id(), item["clause_id"])
    answer.quote(intro_id())
    return answer


def tier_benefit_list(question: Question) -> Answer | None:
    """银卡有哪些待遇 → (一)–(七), each named and cited."""
    if len(set(question.tiers)) != 1 or question.benefits:
        return None
    if not question.asks_any("benefits") or question.asks_any("conditions", "difference"):
        return None
    tier_id = question.tiers[0]
    up_to = tiers()[tier_id]["benefits_up_to"]
    listed = "；".join(label(n) for n in range(1, up_to + 1))
    answer = Answer().say(f"{tiers()[tier_id]['name']}持卡人可享受{span(tier_id)}共{up_to}项待遇："
                          f"{listed}。", intro_id(),
                          *(benefit(n)["clause_id"] for n in range(1, up_to + 1)))
    notes = [benefit(n) for n in range(1, up_to + 1)
             if benefit(n).get("note_when_with") and benefit(n)["note_when_with"] <= up_to]
    if notes:
        answer.say(f"其中{label(notes[0]['number'])}{notes[0]['note']}")
    return answer.quote(intro_id())


def benefit_details(question: Question) -> Answer | None:
    """人才公寓一个月租金多少、在哪: the benefit, then what its sections say and leave open."""
    if question.tiers or not question.benefits or question.document == "partner":
        return None
    if not (question.asks_any(*DETAIL_HELD, "who_else")
            or question.asks_any("verdict") and _asks_more(question)):
        return None
    answer = Answer()
    for number in question.benefits:
        item = benefit(number)
        answer.say(f"{label(number)}：{quote(item['clause_id'])}（{'、'.join(holders_of(number))}"
                   "持卡人可享受）。", item["clause_id"])
        details(answer, question, number)
        elsewhere = places_not_named(question, number)
        if elsewhere:
            _elsewhere(answer, number, elsewhere)
    return answer
