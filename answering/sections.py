"""Answers that a section of the documents holds whole: a list of materials, the steps of a
procedure, the conditions of a tier or a domain, whom to call, when and where to apply.

The clause ids follow the documents' structure (knowledge/parser.py): the service guide's
benefit N is `talent.service.N`, with `.materials`, `.process`, `.notes`, `.contact` below it;
the partner domains are `partner.conditions.<key>`; so a section is the clauses under an id.
"""
from __future__ import annotations

import functools
import re

from actions.lexicon import find   # the phrases the dialogue reads qualifications with
from actions.partner_reader import level_fits
from answering.answer import NOT_COVERED, PARTIAL, Answer, quote
from answering.benefits import label
from retrieval.question import Question, vocabulary
from knowledge import load_clauses
from rules.data import load_rules

# Application to the card itself (not to one of its services).
CARD_APPLICATION = ("talent.procedure.basic.", "talent.procedure.special.")
PHONE = re.compile(r"\d{7,}")
APPLY_WORDS = ("申领", "申请", "申报", "办卡", "办理", "报名", "提交", "递交", "收材料", "交材料", "受理", "申办")


def under(prefix: str, kinds: tuple[str, ...] = ("item", "paragraph", "intro")) -> list[dict]:
    """The clauses whose id starts with `prefix`, in document order."""
    return [c for c in load_clauses() if c["clause_id"].startswith(prefix) and c["kind"] in kinds]


def listing(answer: Answer, clauses: list[dict], lead: str) -> Answer:
    """Every clause of a list, verbatim and numbered as the document numbers it."""
    if not clauses:
        return answer
    first = clauses[0]
    numbered = ("item", "table_row")
    section = first["path"].rsplit(" › ", 1)[0] if first["kind"] in numbered else first["path"]
    items = "；".join(f"{c['path'].rsplit(' › ', 1)[-1]}．{quote(c['clause_id'])}"
                      if c["kind"] in numbered else quote(c["clause_id"]) for c in clauses)
    return answer.say(f"{lead}根据《{first['doc_title']}》（{section}）：{items}。",
                      *(c["clause_id"] for c in clauses))


def _domain_key(name: str) -> str:
    return next(d["key"] for d in load_rules("partner")["domains"] if d["name"] == name)


def _about_application(question: Question) -> bool:
    return any(word in question.normalized for word in APPLY_WORDS)


def compare_domains(question: Question) -> Answer | None:
    """信息网络基础设施和关键软件的要求有啥区别: each domain's conditions, side by side."""
    if len(set(question.domains)) < 2 or question.document == "talent" or question.amounts:
        return None
    if not question.asks_any("difference", "conditions"):
        return None
    answer = Answer()
    for name in dict.fromkeys(question.domains):
        listing(answer, under(f"partner.conditions.{_domain_key(name)}.", ("item",)),
                f"{name}领域的遴选条件（附件1）：")
    return answer


# The 申报书 rows that list the domains a form covers, with "（限勾选1项）".
FORM_DOMAIN_ROWS = ("partner.form2_1.1.1.r1", "partner.form2_2.1.1.r1")
_HOW_MANY_DOMAINS = re.compile(r"几个领域|几类|几大|多少个领域|哪几个领域|分别(叫|是)|一共.{0,4}领域|领域.{0,6}(哪些|几个|分别)")
_SEVERAL_DOMAINS = re.compile(r"多勾|勾几|勾选几|选几个领域|(勾|勾选|选|填|报)(两|2|二|多|几)个|(两|2|多)个(领域)?都|同时(报|申报|勾)|(报|申报|勾选?)(两个|多个|几个)领域|"
                              r"(两个|多个|几个)领域(都|一起|同时)(报|申报)|都报")


def domain_list(question: Question) -> Answer | None:
    """合作伙伴分几个领域 → the eight of 附件1; 申报领域能多勾几个吗 → the form's （限勾选1项）."""
    if question.document == "talent" or "领域" not in question.normalized:
        return None
    several = _SEVERAL_DOMAINS.search(question.normalized)
    if not several and (question.domains or not _HOW_MANY_DOMAINS.search(question.normalized)):
        return None
    answer = Answer()
    if not several:
        domains = load_rules("partner")["domains"]
        firsts = [under(f"partner.conditions.{d['key']}.", ("item",))[0]["clause_id"] for d in domains]
        answer.say(f"广东省智能制造生态合作伙伴的遴选条件（附件1）分{len(domains)}个领域："
                   f"{'、'.join(d['name'] for d in domains)}，每个领域有各自的遴选条件。", *firsts)
    answer.say("申报书的“申报领域”一栏写明限勾选1项，即一份申报书选一个领域。")
    for row in FORM_DOMAIN_ROWS:
        answer.quote(row)
    return answer


def selection_or_direct(question: Question) -> Answer | None:
    """遴选加入和直接认定有啥区别: both routes, and the one procedure."""
    if not ("直接认定" in question.normalized and "遴选" in question.normalized):
        return None
    answer = Answer()
    listing(answer, under("partner.apply.selection."), "遴选加入须同时满足基本遴选条件：")
    listing(answer, under("partner.apply.direct."), "直接认定须已取得以下资质之一：")
    return answer.quote("partner.process.1", lead="两种方式的申报流程相同：")


PILOT_TABLES = "partner.conditions.pilot.table"
PILOT_SUFFIX = re.compile(r"^表[\d.]+\s*|(智能制造)?试点示范项目要素条件$|^（[一二三四五六七八九十]+）")


@functools.lru_cache(maxsize=None)
def _pilot_parts() -> list[tuple[str, str, list[str]]]:
    """(clause id prefix, heading, names) of each 试点示范 要素条件 table and each table's parts:
    表1.2 离散型行业… is named 离散型行业 or 离散型; 表1.6's （三）电子商务 电子商务 or 电商."""
    parts: dict[str, tuple[str, list[str]]] = {}
    for clause in under(PILOT_TABLES, ("table_row",)):
        segments = clause["path"].split(" › ")
        table = next(i for i, seg in enumerate(segments) if seg.startswith("表"))
        depth = len(clause["clause_id"].split(".")) - 1  # table1_6.3.1: a table with parts
        levels = [(".".join(clause["clause_id"].split(".")[:4]), segments[table])]
        if depth == 5:
            levels.append((".".join(clause["clause_id"].split(".")[:5]), segments[table + 1]))
        for prefix, heading in levels:
            name = PILOT_SUFFIX.sub("", heading).strip()
            names = [n for n in {name, name.removesuffix("行业"), *name.split("/")} if len(n) >= 2]
            names += vocabulary()["pilot_aliases"].get(name, [])
            parts.setdefault(prefix + ".", (heading, names))
    return [(prefix, heading, names) for prefix, (heading, names) in parts.items()]


def pilot_table(question: Question) -> list[tuple[str, str]]:
    """The 要素条件 tables (or parts) a 试点示范 question names, the most specific ones."""
    if "试点示范" not in question.normalized:
        return []
    named = [(prefix, heading) for prefix, heading, names in _pilot_parts()
             if any(re.search(re.escape(n) + "(?!领域)", question.normalized) for n in names)]
    return [(p, h) for p, h in named if not any(o != p and o.startswith(p) for o, _ in named)]


# What being selected brings (四、获选支持), asked as a whole; 服务 alone is the applicant's own.
_PARTNER_SUPPORT = re.compile(r"(什么|哪些|有啥|啥)(支持|扶持|好处|待遇|福利|优惠)|扶持政策|支持政策")


def lists(question: Question) -> Answer | None:
    """Materials, steps or conditions asked as a whole (each kind asked, in turn)."""
    answer = Answer()
    if question.asks_any("materials"):
        if question.benefits and question.document != "partner":
            for number in question.benefits:
                listing(answer, under(f"talent.service.{number}.materials."),
                        f"{label(number)}需提供的材料：")
        elif question.document == "talent" or question.tiers:
            for prefix in CARD_APPLICATION:
                listing(answer, under(prefix), "")
        elif (question.document == "partner" or question.domains) and not question.asks_any("process"):
            answer.quote("partner.process.1")  # the 佐证材料; with the procedure, quoted below
    if question.asks_any("process") and not question.asks_any("conditions"):
        if question.benefits and question.document != "partner":
            for number in question.benefits:
                listing(answer, under(f"talent.service.{number}.process."),
                        f"{label(number)}的办理流程：")
        elif question.document == "partner" and not question.places.get("other_provinces"):
            listing(answer, under("partner.process."), "申报流程：")
        elif question.document == "talent" and not question.asks_any("materials"):
            answer.quote("talent.procedure.p1")
    if (question.document == "partner" and _PARTNER_SUPPORT.search(question.normalized)
            and not question.domains and not question.asks_any("conditions", "materials", "process")):
        listing(answer, under("partner.support."), "入选后的支持（四、获选支持）：")
    if question.asks_any("conditions") and not question.amounts and not answer.sentences:
        if tables := pilot_table(question):
            for prefix, heading in tables:
                listing(answer, under(prefix, ("table_row",)), f"{heading}：")
        elif question.domains and question.document != "talent":
            for name in question.domains:
                listing(answer, under(f"partner.conditions.{_domain_key(name)}.", ("item",)),
                        f"{name}领域的遴选条件（附件1）：")
        elif len(set(question.tiers)) == 1 and not question.benefits:
            tier = question.tiers[0]
            listing(answer, under(f"talent.eligibility.{tier}."), "")
        elif "直接认定" in question.normalized:
            listing(answer, under("partner.apply.direct."), "")
        elif "基本" in question.normalized and question.document == "partner":
            listing(answer, under("partner.apply.selection."), "")
    return answer if answer.sentences else None


def contact(question: Question) -> Answer | None:
    """Whom to call: the phones of the benefit's own section, or of the application."""
    if not question.asks_any("phone"):
        return None
    answer = Answer()
    if question.benefits and question.document != "partner":
        for number in question.benefits:
            phones = [c for c in under(f"talent.service.{number}.") if PHONE.search(c["text"])]
            listing(answer, phones, f"{label(number)}：")
        return answer if answer.sentences else None
    if question.document == "talent":
        return answer.quote("talent.contact.p1", lead="云聚英才卡申领受理咨询电话：")
    if question.document == "partner":
        answer.status = PARTIAL
        return answer.refer("partner")
    return None


def when_and_where(question: Question) -> Answer | None:
    """When and where the card is applied for; where the partner application is filled in."""
    if question.benefits or question.tiers and question.asks_any("conditions"):
        return None
    if not _about_application(question) or question.amounts:
        return None
    answer = Answer()
    if question.document == "talent":
        if question.asks_any("time"):
            answer.quote("talent.time.p1", lead="申领时间：")
            answer.quote("talent.contact.p1", lead="受理和咨询：")
        if question.asks_any("place"):
            answer.quote("talent.procedure.p1")
            answer.quote("talent.contact.p1", lead="受理部门和地址：")
    elif question.document == "partner" and question.asks_any("place"):
        answer.quote("partner.process.1")
    elif question.document == "partner" and question.asks_any("time"):
        answer.status = NOT_COVERED
        answer.say("《广东省智能制造生态合作伙伴（2024年）申报指南》没有写明申报的起止时间或截止日期，"
                   "文件未涉及这一问题。")
        answer.refer("partner")
    return answer if answer.sentences else None


def _bigrams(text: str) -> set[str]:
    return {text[i:i + 2] for i in range(len(text) - 1)}


def _qualification_named(text: str) -> str | None:
    """The clause of the direct-recognition qualification a text names by the rule file's
    phrases, not denied and said at a level its clause names (市级创新中心 is not 省级), as the
    dialogue reads it."""
    direct = {c["id"]: c["clause_id"] for c in load_rules("partner")["direct"]["criteria"]}
    return next((direct[m.value] for m in find("qualification", text)
                 if not m.negated and m.value in direct and level_fits(text, m)), None)


_OWN_QUALIFICATION = re.compile(r"(?:我们|我司|本单位|我单位|我公司)(?:是|属于|已经是|已是)([^，,。？?！!；;]{4,30})")


def direct_check(question: Question) -> Answer | None:
    """专精特新小巨人能直接认定吗: the nine qualifications, and whether the one named is among
    them (by its words; a qualification the list does not name is said not to be there)."""
    if "直接认定" not in question.normalized or "遴选" in question.normalized:
        return None
    if not question.asks_any("verdict"):
        return None
    # "直接认定需要哪些资质？全列出来，另外我们是省级大数据骨干企业，算不算": the list, and the
    # qualification the unit names
    own = _OWN_QUALIFICATION.search(question.normalized)
    if question.asks_any("whole_list") and not own:
        return None
    items = under("partner.apply.direct.", ("item",))
    intro = under("partner.apply.direct.p")
    asked = own.group(1) if own else question.normalized.split("直接认定")[0]
    overlap = [(len(_bigrams(asked) & _bigrams(c["text"])) / max(1, len(_bigrams(c["text"]))), c)
               for c in items]
    share, best = max(overlap, key=lambda pair: pair[0])
    named = _qualification_named(asked)
    if named:   # the dialogue's phrases know "省级大数据骨干企业" is item 7, which bigrams miss
        share, best = 1.0, next(c for c in items if c["clause_id"] == named)
    answer = Answer()
    if share >= 0.6:
        number = best["path"].rsplit(" › ", 1)[-1]
        answer.say(f"您说的资质属于直接认定资质第{number}项：{quote(best['clause_id'])}。已取得该资质的，"
                   "可以按直接认定方式申报（以实际取得的资质名称为准）。", best["clause_id"])
    elif len(asked) >= 4:
        answer.say("按文件，直接认定须已取得以下九项资质之一；您所说的资质不在其中（以文件列出的名称为准），"
                   "不能据此直接认定，可按遴选加入的条件申报。")
    listing(answer, intro + items, "直接认定的资质条件：")
    return answer


def reviewer(question: Question) -> Answer | None:
    """合作伙伴申报材料谁先审、纸质材料交几份: the 地市工信部门's first review, then the 省厅's."""
    if not question.asks_any("reviewer") or question.document == "talent" or question.benefits:
        return None
    answer = Answer()
    answer.quote("partner.process.2", lead="初审和纸质材料：")
    return answer.quote("partner.process.3", lead="之后：")
