"""What the documents do not cover, said plainly, with whom to call; and where a place named
in a question puts it in or out of scope.

Scope comes from the documents themselves: the talent card is 白云区's, the partner programme
Guangdong's. A scheme of another place (浙江省的示范工厂, 黄埔区的人才绿卡) is not answered with our
clauses however close the topic words are; a place named as where a company or person is (深圳注
册的企业, 天河的公司) is read against the clause that decides it (在广东省内依法注册; 在白云区注册或
纳税的单位). A scheme the documents name only in passing (优粤卡, 人才绿卡, 高新技术企业) gets what they
say of it and a plain "how to obtain it is not covered"; a property of the card or title that
no clause states (有效期, 补办 …) is named as not covered.
"""
from __future__ import annotations

import re

from answering.answer import BOTH_DOCUMENTS, NOT_COVERED, PARTIAL, Answer, source
from retrieval.question import Question, vocabulary
from knowledge import load_clauses
from rules.data import load_rules

PRECONDITION = load_rules("talent-card")["precondition"]["clause_id"]
REGISTERED_IN_GUANGDONG = "partner.apply.selection.1"
CITY_REVIEW = "partner.process.2"
PROCESS_WORDS = ("怎么", "如何", "怎样", "申请", "申报", "办理", "认定", "条件", "要求", "在哪", "去哪",
                 "评上", "评选", "评定", "评的", "入选", "奖金", "好处", "标准", "门槛")


def topic(question: Question) -> str:
    return {"talent": "talent", "partner": "partner"}.get(question.document or "", "both")


def mentions(term: str, limit: int = 3) -> list[dict]:
    """Clauses whose text names the term (where the documents speak of it in passing)."""
    return [c for c in load_clauses() if term in c["text"]][:limit]


def outside(question: Question) -> Answer | None:
    """浙江省的智能制造示范工厂怎么申报: another place's scheme; 专精特新小巨人要什么条件: a scheme
    neither document names."""
    asked = [s for s in question.other_schemes if not _of_our_own(question, s)]
    if asked and not (question.tiers or question.benefits):
        scheme = asked[0]
        answer = Answer(status=NOT_COVERED)
        answer.say(f"{BOTH_DOCUMENTS}没有提到{scheme}，文件未涉及{scheme}的条件、申报或待遇，"
                   "我不能用这两份文件替它作答。请向主管该项目的部门咨询。")
        return answer.refer(topic(question))
    if question.other_years:
        year = question.other_years[0]
        answer = Answer(status=NOT_COVERED)
        answer.say(f"《广东省智能制造生态合作伙伴（2024年）申报指南》是2024年的申报指南，文件未涉及{year}的"
                   "申报安排、条件或变化，我不能用它替其他年份作答。")
        return answer.refer("partner")
    if not question.elsewhere or question.tiers or "持卡" in question.normalized:
        return None  # a card holder asking where a benefit holds: the benefit answers
    place = question.elsewhere[0]
    answer = Answer(status=NOT_COVERED)
    answer.say(f"{BOTH_DOCUMENTS}只适用于白云区云聚英才卡和广东省智能制造生态合作伙伴，文件未涉及{place}的"
               f"相关政策或项目，我不能用这两份文件替它作答。请向{place}当地的主管部门咨询。")
    return answer.refer(topic(question))


def located(question: Question) -> Answer | None:
    """深圳注册的企业能申报吗 / 天河的公司能办卡吗: the place against the clause that decides it."""
    if not question.located or question.benefits:
        return None
    place = question.located[0]
    table = vocabulary()["places"]
    if question.document == "talent" and not _employer_at(question, place):
        return None  # 在黄埔区投资了50亿: where money went, not where the employer is
    answer = Answer()
    if question.document == "partner" or question.domains:
        answer.quote(REGISTERED_IN_GUANGDONG)
        registered = re.search(r"(广州|" + "|".join(table["guangdong_cities"]) + r")[^，,。]{0,4}注册|注册[在于]?"
                               r"(广州|" + "|".join(table["guangdong_cities"]) + ")", question.normalized)
        if registered:
            place = registered.group(1) or registered.group(2)
            answer.say(f"{place}在广东省内，在{place}依法注册、具有独立法人资格的单位符合这一条的地域要求；"
                       "这一条还要求在广东省内有智能制造典型案例，所申报领域的案例数也按广东省内计。")
            return answer.quote(CITY_REVIEW, lead="申报材料由所在地市工信部门初审：")
        if place in table["other_provinces"]:
            answer.say(f"申报单位须在广东省内依法注册；在{place}注册的单位不符合这一条基本遴选条件。")
        else:
            answer.say(f"{place}在广东省内，在{place}依法注册、具有独立法人资格的单位符合这一条的地域要求，"
                       "其他基本遴选条件和所申报领域的条件仍须满足。")
            answer.quote(CITY_REVIEW, lead="申报材料由所在地市工信部门初审：")
        return answer
    if question.document == "talent":
        answer.quote(PRECONDITION)
        if _own_place_located(question):
            answer.say("单位在白云区注册或纳税的，符合这一条；本人在哪里工作、居住不影响这一条。")
        else:
            answer.say(f"所以单位只在{place}注册、不在白云区纳税的，不符合申领条件；在{place}注册但在白云区纳税的"
                       "单位，符合这一条。")
        return answer
    return None


EMPLOYER_WORDS = ("注册", "纳税", "交税", "单位", "公司", "企业", "上班", "工作", "就职", "任职")


def _employer_at(question: Question, place: str) -> bool:
    text = question.normalized
    at = text.find(place)
    around = text[max(0, at - 6):at] + text[at + len(place):at + len(place) + 8]
    return any(word in around for word in EMPLOYER_WORDS)


def _own_place_located(question: Question) -> bool:
    """公司注册在白云区 / 白云区的企业: the employer is in the card's own district."""
    text = question.normalized
    words = vocabulary()["places"]["location_words"]
    for at in (m.start() for m in re.finditer("白云", text)):
        around = text[max(0, at - 6):at] + text[at + 2:at + 10]
        denied = re.search(r"[不没未非][在是]?$", text[max(0, at - 3):at].removesuffix("在"))
        card = re.match(r"区?的?(金卡|银卡|钻石卡|英才卡|人才卡|云聚)", text[at + 2:])   # 白云区金卡: the card
        if any(w in around for w in words) and "机场" not in around and not denied and not card:
            return True
    return False


def unsettled(question: Question) -> Answer | None:
    """英才卡的有效期 / 丢了怎么补办: a property of the card or title no clause states."""
    if not question.unsettled or question.benefits or question.amounts:
        return None
    subjects = vocabulary()["unsettled"]["subjects"]
    subject = next((s for s in subjects if s in question.normalized), None)
    if subject is None:
        return None
    if question.document == "partner" or subject in ("合作伙伴", "称号"):
        subject, document = "广东省智能制造生态合作伙伴", "partner"
    else:
        subject, document = "云聚英才卡", "talent"
    aspect = question.unsettled[0]
    answer = Answer(status=NOT_COVERED)
    related = vocabulary()["unsettled_related"].get(aspect, {}).get(document)
    if related:
        clauses = [c for c in load_clauses() if c["clause_id"].startswith(related)]
        answer.status = PARTIAL
        answer.say("文件对此的规定是：" + "；".join(f"“{c['text']}”" for c in clauses)
                   + f"（{source(clauses[0]['clause_id'])}）。", *(c["clause_id"] for c in clauses))
    answer.say(f"{BOTH_DOCUMENTS}未涉及{subject}的{aspect}问题，文件中没有相关规定，我不能替文件作答。")
    return answer.refer(document)


OUR_CARD_WORDS = ("英才卡", "人才卡", "钻石卡", "金卡", "银卡", "合作伙伴", "什么卡", "哪种卡", "直接认定")


def _asked_of(question: Question, term: str) -> bool:
    """优粤卡怎么申请: a process word right after the term, and not about our card (优粤卡持有人
    怎么申请英才卡 asks about the card)."""
    text = question.normalized
    for at in (m.start() for m in re.finditer(re.escape(term), text)):
        after = text[at + len(term):at + len(term) + 12]
        sentence = re.split(r"[。？?！!]", text[at:])[0]
        if any(w in after for w in PROCESS_WORDS) and not any(w in sentence for w in OUR_CARD_WORDS):
            return True
    return False


def _of_our_own(question: Question, term: str) -> bool:
    """专精特新企业能直接认定为合作伙伴吗: the sentence naming the term asks about our programme."""
    text = question.normalized
    sentence = re.split(r"[。？?！!]", text[text.find(term):])[0]
    before = re.split(r"[。？?！!]", text[:text.find(term)])[-1]
    return any(w in before + sentence for w in OUR_CARD_WORDS)


# A part of a question that asks (or asks to confirm what was heard), not one that only tells.
_ASKING = re.compile(r"吗|么|能不能|是不是|可不可以|能否|是否|哪|什么|听说|有没有|行不行")


def mentioned_only(question: Question) -> Answer | None:
    """人才绿卡怎么申请: the documents name it only as a criterion; how to get it is not covered
    (not covered, with where they name it)."""
    terms = [t for t in question.mentioned_only if _asked_of(question, t)]
    if not terms or question.benefits:
        return None
    term = terms[0]
    found = mentions(term)
    if not found:
        return None
    # The question is about that scheme, which the documents do not cover; where they name it is
    # still said, as what they do say. Asked beside our own card (有优粤卡能办钻石卡吗？优粤卡怎么申请),
    # that part is answered by the criterion, so the answer is partial.
    beside_our_card = any(any(w in part for w in OUR_CARD_WORDS) and _ASKING.search(part)
                          for part in re.split(r"[。？?！!，,；;]", question.text))
    answer = Answer(status=PARTIAL if beside_our_card else NOT_COVERED)
    for clause in found:
        answer.say(f"文件提到“{term}”的地方：{source(clause['clause_id'])}：“{clause['text']}”。",
                   clause["clause_id"])
        tier = tier_of(clause["clause_id"])
        if tier:
            answer.say(f"这是{tier['name']}的申领条件之一（须符合该档条件之一）。", tier["intro"]["clause_id"])
    answer.say(f"至于{term}本身如何申请、由谁认定，{BOTH_DOCUMENTS}未涉及，没有相关规定，请向相关主管部门咨询。")
    return answer.refer(found[0]["doc_id"])


def tier_of(clause_id: str) -> dict | None:
    """The card tier whose criteria list holds this clause."""
    for tier in load_rules("talent-card")["tiers"]:
        if clause_id.startswith(f"talent.eligibility.{tier['id']}.") and not clause_id.endswith(".intro"):
            return tier
    return None
