"""The answering module: composed answers checked against the documents themselves.

The oracles here read the source text, not the rule files the composers use: the tier → benefit
ranges come from the sentence of 三、相关待遇, the bounds from the wording of each clause (超过
excludes, 以上/不少于/（含） include), the lists from the source lines under each heading.
"""
import re

import pytest

from answering import QuestionError, ask
from knowledge import SOURCES, clause_by_id, load_clauses, squash
from knowledge.sources import strip_markers

TALENT_TEXT = strip_markers(next(s for s in SOURCES if s.doc_id == "talent").path.read_text(
    encoding="utf-8"))
NUMERALS = ["一", "二", "三", "四", "五", "六", "七", "八", "九", "十", "十一", "十二", "十三"]
TIERS = {"钻石卡": "钻石", "金卡": "金", "银卡": "银"}


def range_of(tier: str) -> int:
    """How many benefits the document gives a tier: "云聚英才金卡持卡人可享受以下（一）至（十）条"."""
    found = re.search(f"云聚英才{TIERS[tier]}卡持卡人可享受以下（一）至（([一二三四五六七八九十]+)）条",
                      squash(TALENT_TEXT))
    return NUMERALS.index(found.group(1)) + 1


BENEFIT_TITLES = re.findall(r"（\d+）\s*([^。]+?服务)。", TALENT_TEXT)[:13]


def quoted_spans(answer: str) -> list[str]:
    return re.findall(r"“([^“”]+)”", answer)


def assert_grounded(reply: dict) -> None:
    """Every citation is a clause, verbatim; every quote in the answer is a cited clause's text
    (or a part of one, such as a criterion inside a clause)."""
    assert reply["status"] in ("answered", "partial", "not_covered")
    assert reply["answerable"] is (reply["status"] != "not_covered")
    texts = []
    for cited in reply["citations"]:
        clause = clause_by_id(cited["clause_id"])
        assert clause is not None and cited["text"] == clause["text"]
        texts.append(squash(clause["text"]))
    for span in quoted_spans(reply["answer"]):
        if "您问的是" in span:
            continue
        assert any(squash(span) in text for text in texts) or span in ("以上", "不少于", "（含）",
                                                                       "超过", "超"), span


def test_benefit_titles_read_from_the_document():
    assert len(BENEFIT_TITLES) == 13 and BENEFIT_TITLES[11] == "法律顾问服务"


@pytest.mark.parametrize("tier", list(TIERS))
@pytest.mark.parametrize("number", range(1, 14))
def test_tier_benefit_follows_the_documents_ranges(tier, number):
    title = BENEFIT_TITLES[number - 1]
    reply = ask(f"{tier}持卡人能享受{title}吗")
    assert_grounded(reply)
    text = reply["answer"]
    if number <= range_of(tier):
        assert text.startswith("可以") and "不能" not in text.split("。")[0]
    else:
        assert text.startswith("不能") and f"（一）至（{NUMERALS[range_of(tier) - 1]}）" in text
    cited = {c["clause_id"] for c in reply["citations"]}
    assert "talent.benefits.p1" in cited  # the tier sentence is always cited


def test_a_tier_comparison_names_the_benefits_in_between():
    reply = ask("金卡和银卡的待遇差在哪里")
    assert_grounded(reply)
    for title in BENEFIT_TITLES[range_of("银卡"):range_of("金卡")]:
        assert title in reply["answer"]
    assert BENEFIT_TITLES[0] not in reply["answer"].split("；")[-1]


def bound_of(clause_text: str, phrase: str) -> tuple[float, bool]:
    """The bound in 万元 or a count, and whether the bound itself counts, from the clause's words."""
    found = re.search(phrase, clause_text)
    number, unit = float(found.group("n")), found.group("u")
    value = number * 10000 if unit == "亿元" else number
    includes = "超过" not in found.group(0) and not found.group(0).startswith("超") or "（含）" in found.group(0)
    return value, includes


@pytest.mark.parametrize("question, clause_id, phrase, tier", [
    ("区库年税收{}万的企业主要负责人能办钻石卡吗", "talent.eligibility.diamond.17",
     r"超过(?P<n>\d+)(?P<u>万)", "钻石卡"),
    ("区库年税收{}万的企业负责人够金卡吗", "talent.eligibility.gold.11", r"超过(?P<n>\d+)(?P<u>万)", "金卡"),
    ("区库年税收{}万的老总能办银卡吗", "talent.eligibility.silver.7", r"超过(?P<n>\d+)(?P<u>万)", "银卡"),
])
@pytest.mark.parametrize("offset", [-1, 0, 1])
def test_an_amount_at_a_talent_bound_is_read_as_the_clause_says(question, clause_id, phrase, tier,
                                                               offset):
    bound, includes = bound_of(clause_by_id(clause_id)["text"], phrase)
    amount = bound + offset
    reply = ask(question.format(int(amount)))
    assert_grounded(reply)
    met = amount > bound or (amount == bound and includes)
    verdict = re.search(f"{tier}的条件“[^”]+”[^；]*；[^。]*?(不满足|满足)这一条", reply["answer"])
    assert verdict is not None, reply["answer"]
    assert (verdict.group(1) == "满足") is met
    assert clause_id in {c["clause_id"] for c in reply["citations"]}


@pytest.mark.parametrize("question, clause_id, phrase", [
    ("近三年平均主营业务收入{}万元，智能制造装备领域算达到要求吗", "partner.conditions.equipment.3",
     r"(?P<n>\d+)(?P<u>万元)以上"),
    ("关键软件领域，软件著作权{}项够吗", "partner.conditions.software.1", r"(?P<n>\d+)(?P<u>项)（含）以上"),
    ("装备领域研发团队{}人符合要求吗", "partner.conditions.equipment.2", r"不少于(?P<n>\d+)(?P<u>人)"),
])
@pytest.mark.parametrize("offset", [-1, 0, 1])
def test_an_amount_at_a_partner_bound_is_read_as_the_clause_says(question, clause_id, phrase, offset):
    bound, includes = bound_of(clause_by_id(clause_id)["text"], phrase)
    amount = bound + offset
    reply = ask(question.format(int(amount)))
    assert_grounded(reply)
    met = amount > bound or (amount == bound and includes)
    first = reply["answer"].split("。")[0]
    assert ("不满足" not in first) is met, first
    assert clause_id in {c["clause_id"] for c in reply["citations"]}


def materials_in_source(service_heading: str) -> list[str]:
    """The numbered lines under （一）提供材料 of a service guide section, read from the source."""
    section = TALENT_TEXT.split(service_heading, 1)[1]
    block = re.split(r"（二）|（\d）", section.split("提供材料", 1)[1], maxsplit=1)[0]
    return [squash(line.split("．", 1)[1]) for line in block.splitlines() if "．" in line]


@pytest.mark.parametrize("question, heading", [
    ("持卡人办落户要准备哪些材料", "一、落户服务"),
    ("孩子上学要带什么材料", "八、子女入学服务"),
    ("法律顾问服务需要提交什么材料", "十二、法律顾问服务"),
])
def test_a_materials_question_gets_the_whole_list(question, heading):
    reply = ask(question)
    assert_grounded(reply)
    cited = [squash(c["text"]) for c in reply["citations"]]
    expected = materials_in_source(heading)
    assert expected and all(item in cited for item in expected)


def test_a_domain_conditions_question_gets_every_condition():
    reply = ask("智能制造金融服务领域要满足哪些条件")
    assert_grounded(reply)
    ids = {c["clause_id"] for c in reply["citations"]}
    assert {f"partner.conditions.finance.{n}" for n in (1, 2, 3)} <= ids


@pytest.mark.parametrize("question", [
    "浙江省的智能制造示范工厂怎么申报",
    "深圳市的人才政策有哪些补贴",
    "江苏省智能工厂认定条件是什么",
    "天河区有没有人才公寓",
])
def test_another_places_scheme_is_not_covered_and_quotes_nothing(question):
    reply = ask(question)
    assert_grounded(reply)
    assert reply["status"] == "not_covered" and "未涉及" in reply["answer"]
    assert all(c["clause_id"] in ("talent.contact.p1", "partner.process.2") for c in reply["citations"])


@pytest.mark.parametrize("question", [
    "英才卡的有效期是多久", "英才卡有效期几年", "英才卡丢了怎么补办", "云聚英才卡要年审吗",
    "金卡过期了怎么办", "合作伙伴称号有效期几年",
])
def test_a_property_no_clause_states_is_named_as_not_covered(question):
    reply = ask(question)
    assert_grounded(reply)
    assert reply["status"] in ("not_covered", "partial") and "未涉及" in reply["answer"]
    # the labour contract's 有效期 is never the card's validity
    assert "talent.procedure.basic.5" not in {c["clause_id"] for c in reply["citations"]}
    assert "6个月" not in reply["answer"]


def test_no_clause_of_either_document_states_the_unsettled_properties():
    """The vocabulary's list of what the documents leave open must stay true of the documents."""
    from retrieval.question import vocabulary

    texts = [c["text"] for c in load_clauses()]
    for aspect, words in vocabulary()["unsettled"].items():
        if aspect == "subjects":
            continue
        for word in words:
            holders = [t for t in texts if word in t and ("英才卡" in t or "合作伙伴" in t)]
            assert not holders, (aspect, word, holders)


def test_how_to_obtain_a_scheme_named_only_as_a_criterion_is_not_covered_with_where_it_is_named():
    reply = ask("人才优粤卡怎么申请")
    assert_grounded(reply)
    assert reply["status"] == "not_covered" and reply["answerable"] is False
    assert "talent.eligibility.diamond.13" in {c["clause_id"] for c in reply["citations"]}
    assert "钻石卡" in reply["answer"] and "未涉及" in reply["answer"]
    # asked about our card, the same scheme is a criterion that the documents settle
    holder = ask("有广东省人才优粤卡的人能办英才卡吗")
    assert holder["status"] != "not_covered" and "钻石卡" in holder["answer"]


@pytest.mark.parametrize("question, scheme", [
    ("国家级专精特新小巨人要什么申报条件？营收多少才够", "专精特新"),
    ("大湾区境外高端人才个税补贴（15%那个）在白云区怎么申请？", "境外高端人才"),
])
def test_a_scheme_neither_document_names_is_not_covered(question, scheme):
    reply = ask(question)
    assert reply["status"] == "not_covered" and f"未涉及{scheme}" in reply["answer"]
    assert not any(c["clause_id"].startswith(("talent.eligibility", "partner.annex", "talent.procedure"))
                   for c in reply["citations"])


@pytest.mark.parametrize("question, scheme, unused", [
    ("广州市工信局今年的工业互联网标杆项目怎么报？要什么材料", "工业互联网标杆项目", "标杆"),
    ("白云区人才安居工程怎么申请", "人才安居工程", "安居"),
])
def test_a_scheme_called_by_a_name_neither_document_uses_is_not_covered(question, scheme, unused):
    # the oracle: a word of the scheme's name occurs nowhere in either document
    assert not any(unused in source.path.read_text(encoding="utf-8") for source in SOURCES)
    reply = ask(question)
    assert reply["status"] == "not_covered" and scheme in reply["answer"]
    assert "数字工信平台" not in reply["answer"]   # our programme's procedure is not its answer
    assert not any(c["clause_id"].startswith(("partner.apply", "partner.annex", "talent.procedure"))
                   for c in reply["citations"])


@pytest.mark.parametrize("question", [
    "智能制造试点示范项目怎么申报",           # named in the partner guide's direct-recognition list
    "国家重大人才工程入选者怎么申请英才卡",
    "我们的数字孪生项目怎么申报合作伙伴",      # our programme, whatever the project is called
])
def test_a_scheme_or_project_the_documents_name_or_ask_about_is_not_refused_as_unnamed(question):
    assert ask(question)["status"] != "not_covered"


def test_how_much_a_service_costs_is_open_when_its_sections_state_no_amount():
    reply = ask("起草法律文书要另外收钱的话，大概收多少？")
    section = "".join(c["text"] for c in load_clauses() if c["clause_id"].startswith("talent.service.12."))
    assert "另行收费" in section and not re.search(r"\d+\s*元", section)
    assert_grounded(reply)
    assert reply["status"] == "partial" and "具体收费金额" in reply["answer"]
    assert "37414637" in reply["answer"]


def test_an_item_a_service_is_asked_to_include_that_its_sections_do_not_name_is_open():
    reply = ask("钻石卡的免费体检包不包括胃肠镜？")
    section = "".join(c["text"] for c in load_clauses() if c["clause_id"].startswith("talent.service.11."))
    assert "胃肠镜" not in section
    assert_grounded(reply)
    assert reply["status"] == "partial" and "是否包括胃肠镜" in reply["answer"]
    assert not reply["answer"].startswith("可以")   # the card has 体检; whether it holds 胃肠镜 is open
    assert "39431784" in reply["answer"]


def test_a_guarantee_asked_of_a_benefit_is_not_answered_yes():
    reply = ask("我是钻石卡，孩子想上区里最好的那所公办小学，能保证进吗？")
    assert reply["status"] == "partial" and not reply["answer"].startswith("可以")
    assert "talent.benefits.8" in {c["clause_id"] for c in reply["citations"]}
    assert "剩余学位" in reply["answer"]


@pytest.mark.parametrize("question, first, second", [
    ("博士和硕士申请英才卡，分别对应哪一档？", ("博士", "金卡"), ("硕士", "银卡")),
    ("公司外籍员工，有的工作许可证是A类，有的是B类，分别能拿什么卡？", ("A类", "钻石卡"), ("B类", "金卡")),
])
def test_qualifications_compared_by_their_bare_names_are_each_placed_under_their_card(question, first, second):
    reply = ask(question)
    assert_grounded(reply)
    for said, card in (first, second):
        assert re.search(f"「[^」]*{said}[^」]*」属于{card}", reply["answer"])


def test_choosing_two_domains_on_one_form_gets_the_forms_limit_of_one():
    reply = ask("公司既做关键软件又做系统解决方案，申报书里的申报领域可以勾两个吗")
    assert "限勾选1项" in reply["answer"]


def test_when_the_card_takes_applications_is_answered_from_its_own_section():
    reply = ask("英才卡是每年固定时间才收材料吗？错过了是不是得等明年")
    assert "talent.time.p1" in {c["clause_id"] for c in reply["citations"]}
    assert "常年受理" in reply["answer"]


def test_another_provinces_scheme_applied_for_is_not_covered():
    reply = ask("浙江的企业想报浙江省的智能制造系统解决方案供应商，条件是不是也是省内5个案例、5项发明专利？")
    assert reply["status"] == "not_covered" and "未涉及浙江" in reply["answer"]
    assert not any(c["clause_id"].startswith("partner.conditions") for c in reply["citations"])


def test_a_bound_asked_between_two_tiers_says_the_tier_first():
    # 钻石卡: "在我区累计投资额超40亿元"; 金卡: "超20亿元" — 超 excludes the bound
    text = "".join(c["text"] for c in load_clauses() if c["clause_id"].startswith("talent.eligibility.diamond"))
    assert "累计投资额超40亿元" in text
    reply = ask("在白云区累计投资额正好40亿的企业，主要负责人是钻石卡还是金卡？")
    assert reply["answer"].startswith("按这一数额，满足的是金卡")


def test_a_length_said_as_more_than_n_months_is_read_below_the_next_month():
    # "连续3个月以上": 两个多月 is more than two and less than three
    reply = ask("我社保在白云这边才交了两个多月，能先把英才卡申请交上去吗")
    assert "talent.procedure.basic.6" in {c["clause_id"] for c in reply["citations"]} or "连续3个月以上" in reply["answer"]
    assert "两个多月不满足" in reply["answer"]


def test_which_month_a_yearly_service_is_held_is_open_when_no_section_names_a_month():
    section = "".join(c["text"] for c in load_clauses() if c["clause_id"].startswith("talent.service.11."))
    assert not re.search(r"\d+\s*月|[一二三四五六七八九十]+月", section)
    reply = ask("钻石卡每年的免费体检一般几月份？")
    assert reply["status"] == "partial" and "具体月份" in reply["answer"] and "39431784" in reply["answer"]


def test_a_scheme_neither_document_names_asked_against_our_list_gets_the_list():
    reply = ask("国家级专精特新小巨人企业，能不能直接认定为省智能制造生态合作伙伴？")
    assert reply["status"] == "answered"
    assert "partner.apply.direct.p1" in {c["clause_id"] for c in reply["citations"]}
    assert "不能据此直接认定" in reply["answer"]


def test_another_places_own_card_is_not_covered_even_by_someone_working_there():
    reply = ask("我在深圳南山上班，深圳那边的人才卡有哪些待遇？")
    assert reply["status"] == "not_covered" and "未涉及深圳" in reply["answer"]


def test_a_benefit_asked_for_a_place_its_clauses_do_not_name_is_partial_not_yes():
    reply = ask("钻石卡的接送机服务能在深圳宝安机场用吗")
    assert_grounded(reply)
    assert reply["status"] == "partial"
    assert not reply["answer"].startswith("可以")
    assert "未涉及在深圳" in reply["answer"] and "36611377" in reply["answer"]
    assert ask("钻石卡能在白云机场接送机吗")["answer"].startswith("可以")


def test_what_is_not_settled_is_said_even_when_its_office_is_already_cited():
    reply = ask("人才卡什么时候能申请？交了之后多久能批下来？")
    assert reply["status"] == "partial"
    assert "talent.time.p1" in {c["clause_id"] for c in reply["citations"]}
    assert "未涉及云聚英才卡的审核时限" in reply["answer"]


def test_another_districts_district_level_title_is_partial():
    reply = ask("我老公是番禺区的区级劳动模范，现在在白云一家企业上班，能办银卡不")
    assert reply["status"] == "partial"
    assert "talent.eligibility.silver.4" in {c["clause_id"] for c in reply["citations"]}
    assert "番禺区" in reply["answer"] and "未作明确规定" in reply["answer"]
    assert ask("我是区级劳动模范，在白云区企业上班，能办银卡不")["status"] == "answered"


def test_where_a_benefit_is_done_names_that_benefit_only():
    reply = ask("英才卡的免费体检在哪家医院做？")
    ids = {c["clause_id"] for c in reply["citations"]}
    assert "talent.service.11.p1" in ids and "talent.benefits.6" not in ids
    assert "南方医院白云分院" in reply["answer"]


def test_moving_to_another_districts_employer_is_read_against_the_employer_condition():
    reply = ask("要是以后我跳槽去了天河区的公司，手上的白云区金卡还能接着用吗？")
    assert reply["status"] == "partial"
    assert "本人在哪里工作、居住不影响" not in reply["answer"]
    assert "未涉及云聚英才卡的有效期" in reply["answer"]


def test_a_company_in_a_guangdong_city_reads_the_registration_condition():
    reply = ask("深圳注册的企业能申报广东省智能制造生态合作伙伴吗")
    assert_grounded(reply)
    assert "partner.apply.selection.1" in {c["clause_id"] for c in reply["citations"]}
    assert reply["status"] == "answered"
    outside = ask("我们公司在湖南注册，能申报广东省智能制造生态合作伙伴吗")
    assert "不符合" in outside["answer"]


def test_when_and_where_to_apply_for_the_card():
    when = ask("英才卡什么时候可以申请")
    assert "常年受理" in when["answer"] and when["status"] == "answered"
    where = ask("英才卡在哪里申请")
    assert "白云区政策兑现服务平台" in where["answer"]


def test_bad_input_is_a_question_error():
    for bad in ("", "   ", "？？？", "问" * 501):
        with pytest.raises(QuestionError):
            ask(bad)


def test_each_tiers_bound_for_a_fact_named_without_a_figure():
    reply = ask("按区库年税收，钻石、金、银卡门槛分别多少")
    assert_grounded(reply)
    ids = {c["clause_id"] for c in reply["citations"]}
    assert {"talent.eligibility.diamond.17", "talent.eligibility.gold.11",
            "talent.eligibility.silver.7"} <= ids
    for bound in ("1000万", "800万", "500万"):
        assert bound in reply["answer"]


@pytest.mark.parametrize("question, listed", [
    ("我们是省级机器人骨干（培育）企业，能直接认定吗", True),
    ("专精特新小巨人企业能不能直接认定", False),
    # the list asked for too, and a shorter name of item 7 ("省级大数据/人工智能骨干（培育）企业")
    ("直接认定需要哪些资质？全列出来，另外我们是省级大数据骨干企业，算不算", True),
    ("我们是市级大数据骨干企业，能直接认定吗", False),   # the list's item is 省级
])
def test_a_qualification_is_checked_against_the_direct_recognition_list(question, listed):
    reply = ask(question)
    assert_grounded(reply)
    assert "partner.apply.direct.p1" in {c["clause_id"] for c in reply["citations"]}
    assert ("属于直接认定资质第" in reply["answer"]) is listed
    assert ("不在其中" in reply["answer"]) is not listed


def test_two_benefits_compared_say_who_holds_each_and_the_choice_between_them():
    reply = ask("工会服务和定期体检服务有什么不一样？哪种卡能用？")
    assert_grounded(reply)
    assert "二选一" in reply["answer"] and "钻石卡" in reply["answer"]
    assert {"talent.benefits.10", "talent.benefits.11"} <= {c["clause_id"] for c in reply["citations"]}


@pytest.mark.parametrize("question, tier, verdict", [
    ("区库年税收超过一千万一点点，能办钻石卡吗", "钻石卡", "满足这一条"),
    ("区库年税收大概1000万，能办钻石卡吗", "钻石卡", "取决于准确数字"),
    ("高新技术企业营收不到一个亿，老总能办银卡吗", "银卡", "不满足这一条"),
])
def test_a_figure_that_is_a_bound_decides_only_when_every_value_it_allows_does(question, tier, verdict):
    reply = ask(question)
    assert_grounded(reply)
    said = re.search(f"{tier}的条件“[^”]+”[^；]*；([^。]*)。", reply["answer"])
    assert said is not None, reply["answer"]
    assert verdict in said.group(1) and (verdict != "满足这一条" or "不满足" not in said.group(1)), said.group(1)


def test_a_benefit_question_asking_where_the_section_says_nothing_is_partial():
    reply = ask("人才公寓在哪个街道")
    assert_grounded(reply)
    assert reply["status"] == "partial" and "没有写明" in reply["answer"]
    assert "36074771" in reply["answer"]


def tier_whose_list_holds(phrase: str) -> str:
    """The card whose 申领条件 list (in the source) holds the line with this phrase."""
    lists = re.split(r"申领人符合以下条件之一的，可申领云聚英才(钻石|金|银)卡：", TALENT_TEXT.split("3、相关待遇")[0])
    holding = [f"{lists[i]}卡" for i in range(1, len(lists), 2) if phrase in lists[i + 1]]
    assert len(holding) == 1, phrase
    return holding[0]


# (what a person says, the words of the source line it stands for)
@pytest.mark.parametrize("first, second", [
    (("省级孵化平台", "省级孵化平台主要负责人"), ("国家级孵化平台", "国家级孵化平台主要负责人")),
    (("博士", "博士以上学位"), ("院士", "两院院士")),
    (("市级劳动模范", "市级劳动模范"), ("省级五一劳动奖章", "省级五一劳动奖章")),
    (("博士", "博士以上学位"), ("全国五一劳动奖章", "全国五一劳动奖章")),
])
def test_two_titles_compared_are_each_placed_under_the_card_whose_list_holds_them(first, second):
    reply = ask(f"我是{first[0]}，我朋友是{second[0]}，我俩能办一样的卡吗")
    assert_grounded(reply)
    answer = reply["answer"]
    for said, line in (first, second):
        placed = re.search(f"「{said}」属于(钻石卡|金卡|银卡)的申领条件", answer)
        assert placed is not None, answer
        assert placed.group(1) == tier_whose_list_holds(line)
    same = tier_whose_list_holds(first[1]) == tier_whose_list_holds(second[1])
    assert ("办的卡一样" in answer) is same, answer


@pytest.mark.parametrize("pair", [("银卡", "钻石卡"), ("金卡", "钻石卡"), ("银卡", "金卡")])
@pytest.mark.parametrize("number", [6, 8, 11, 12])
def test_two_tiers_compared_on_one_benefit_follow_the_documents_ranges(pair, number):
    title = BENEFIT_TITLES[number - 1]
    reply = ask(f"{pair[0]}和{pair[1]}在{title}上有区别吗")
    assert_grounded(reply)
    holding = [tier for tier in pair if number <= range_of(tier)]
    answer = reply["answer"]
    if len(holding) == len(pair):
        assert "没有区别" in answer, answer
    elif holding:
        assert f"有区别：{holding[0]}持卡人可享受" in answer, answer
    else:
        assert "都不能享受" in answer, answer


PARTNER_TEXT = strip_markers(next(s for s in SOURCES if s.doc_id == "partner").path.read_text(
    encoding="utf-8"))


def table_rows_in_source(number: str) -> tuple[str, list[str]]:
    """The name and the rows of one 要素条件 table: the tab-indented lines under 表1.N that are
    neither a row number nor the column headings."""
    block = re.split(r"\n表1\.\d", PARTNER_TEXT.split(f"\n表{number} ", 1)[1], maxsplit=1)[0]
    name = block.splitlines()[0].split("智能制造试点示范")[0].split("试点示范")[0]
    rows = [line.strip() for line in block.splitlines()[1:] if line.startswith("\t")
            and not re.fullmatch(r"\d+|序号|要素条件|类别", line.strip())]
    return name, rows


@pytest.mark.parametrize("number", ["1.1", "1.2", "1.3", "1.4"])
def test_a_pilot_table_asked_as_a_whole_is_quoted_row_by_row(number):
    name, rows = table_rows_in_source(number)
    reply = ask(f"{name}试点示范项目的要素条件有哪些")
    assert_grounded(reply)
    cited = [squash(c["text"]) for c in reply["citations"]]
    assert rows and all(squash(row) in cited for row in rows), (rows, cited)


@pytest.mark.parametrize("question, levels, noun", [
    ("国家级、省级、市级孵化平台负责人分别能办什么卡", ["国家级", "省级", "市级"], "孵化平台主要负责人"),
    ("技能大赛优秀奖，省级和市级的办卡有区别吗", ["省级", "市级"], "技能大赛优秀奖以上获奖者"),
])
def test_levels_sharing_one_noun_are_each_placed_under_their_own_card(question, levels, noun):
    reply = ask(question)
    assert_grounded(reply)
    placed = re.findall(r"「[^」]+」属于(钻石卡|金卡|银卡)的申领条件", reply["answer"])
    assert placed == [tier_whose_list_holds(level + noun) for level in levels], reply["answer"]


@pytest.mark.parametrize("question, benefit, person, words", [
    ("我办了云聚英才卡，能不能把我爸妈的户口也一起迁到白云区？", 1, "父母", ("父母", "爸妈", "老人")),
    ("英才卡每年的免费体检，我老婆能不能跟着一起做？", 11, "配偶", ("配偶", "妻子", "家属")),
])
def test_a_person_the_benefit_does_not_name_is_not_promised(question, benefit, person, words):
    sections = [c["text"] for c in load_clauses() if c["clause_id"] == f"talent.benefits.{benefit}"
                or c["clause_id"].startswith(f"talent.service.{benefit}.")]
    assert sections and not any(w in text for text in sections for w in words)  # the documents' side
    result = ask(question)
    assert result["status"] == "partial"
    assert f"是否适用于{person}" in result["answer"] and "文件没有写明" in result["answer"]


def test_a_person_the_benefit_names_is_not_called_open():
    # 落户服务 names 持卡人及其配偶、未独立生活的子女
    assert "是否适用于配偶" not in ask("持卡人的老婆户口能一起迁到白云区吗")["answer"]


def test_what_is_left_of_a_yearly_benefit_is_not_settled():
    result = ask("一年2次接送机今年没用完，能不能攒到明年用？")
    assert result["status"] == "partial" and "未用完能否留用或转给他人" in result["answer"]


@pytest.mark.parametrize("question, row, met", [
    ("我们生产工艺数据自动数采率做到89%，流程型试点示范这条过关吗？", "生产工艺数据自动数采率90%以上", False),
    ("工厂自控投用率刚好90%，达标吗", "工厂自控投用率90%以上", True),
    ("电商销售占主营收入的比重是20%，够不够？", "销售收入比重不低于20%", True),
    ("通过电子商务实现的销售收入比重只有19.5%，能过吗", "销售收入比重不低于20%", False),
])
def test_a_share_a_table_row_sets_is_judged_as_the_row_says(question, row, met):
    result = ask(question)
    assert any(row in c["text"] for c in result["citations"])  # the row as the document writes it
    assert ("满足这一条" in result["answer"]) and (("不满足这一条" in result["answer"]) is not met)
    assert "本科以上" not in result["answer"]  # not the 行业组织 staff share


@pytest.mark.parametrize("question, phrase, met", [
    ("我海外本科毕业，在白云区开的公司才成立一年半，能办银卡吗？", "成立2年至5年", False),
    ("公司成立3年多，算不算", "成立2年至5年", True),
    ("我社保才交了2个月，个税也是这2个月，现在能报英才卡吗？", "连续3个月以上", False),
    ("劳动合同签了5个月，可以吗", "有效期不少于6个月", False),
    ("聘用合同半年，够吗", "有效期不少于6个月", True),
])
def test_a_length_of_time_is_judged_against_the_duration_its_clause_states(question, phrase, met):
    result = ask(question)
    (cited,) = [c["text"] for c in result["citations"]]
    assert phrase in cited  # the clause that states the duration, as the document writes it
    assert ("不满足这一条" in result["answer"]) is not met and "满足这一条" in result["answer"]


def test_each_of_two_lengths_of_time_is_judged_against_its_own_clause():
    result = ask("跟白云的公司签了6个月劳动合同，社保才交了2个月，现在能申领吗？")
    assert {c["clause_id"] for c in result["citations"]} == {"talent.procedure.basic.5", "talent.procedure.basic.6"}
    contract, insurance = result["answer"].split("条款要求")[1:]
    assert "不少于6个月" in contract and "6个月满足这一条" in contract
    assert "连续3个月以上" in insurance and "2个月不满足这一条" in insurance


def test_the_ends_of_a_range_count_and_a_figure_across_one_is_not_decided():
    assert "满足这一条" in ask("公司成立刚好5年，还能申请银卡吗")["answer"]  # as the rule file reads 2年至5年
    result = ask("公司成立五年多了，还能申请银卡吗")
    assert result["status"] == "partial" and "35912660" in result["answer"]
    assert "满足这一条" not in result["answer"]


def test_the_cards_validity_is_never_the_labour_contracts():
    result = ask("英才卡有效期6个月吗")
    assert "不少于6个月" not in result["answer"] and result["status"] != "answered"


def test_a_manager_of_a_headquarters_enterprise_is_not_its_head():
    result = ask("年度总部企业的老板和总部企业的副总，办卡档次一样吗？")
    cited = {c["clause_id"]: c["text"] for c in result["citations"]}
    managers = [cid for cid, text in cited.items() if "中高层管理人员" in text]
    heads = [cid for cid, text in cited.items() if "总部企业的主要负责人" in text]
    assert managers and heads and managers[0].startswith("talent.eligibility.gold.") \
        and heads[0].startswith("talent.eligibility.diamond.")
    assert "对应的卡不同" in result["answer"] and "都是钻石卡" not in result["answer"]


def test_the_partner_domains_are_listed_from_the_rule_data_with_the_forms_one_domain_rule():
    reply = ask("这个生态合作伙伴一共分几个领域？分别叫啥")
    assert reply["status"] == "answered"
    ids = [c["clause_id"] for c in reply["citations"]]
    assert len([i for i in ids if i.startswith("partner.conditions.")]) == 8
    for name in ("智能制造装备", "关键软件", "信息网络基础设施", "智能制造系统解决方案", "行业组织",
                 "智能制造人才", "智能制造金融服务", "智能制造试点示范"):
        assert name in reply["answer"]
    several = ask("我们又做工业软件又做系统集成，合作伙伴能不能同时报关键软件和解决方案两个领域？")
    assert any("（限勾选1项）" in c["text"] for c in several["citations"])
    # two domains compared are not a question of how many to tick
    compared = ask("行业组织、金融服务两个领域的服务案例要求哪个更多")
    assert not any("限勾选" in c["text"] for c in compared["citations"])


def test_tax_said_as_paid_to_the_district_is_read_against_the_tax_bounds():
    reply = ask("我们公司去年在区库交了1000万元的税，不多不少正好一千万，老板够不够钻石卡？")
    assert "1000万元不满足这一条" in reply["answer"] and "1000万元满足这一条" in reply["answer"]
    assert {"talent.eligibility.diamond.17", "talent.eligibility.gold.11"} <= {c["clause_id"] for c in reply["citations"]}


def test_a_promised_tax_is_the_investment_attraction_criterion_not_the_district_tax():
    reply = ask("我们是刚引进的招商引资企业，承诺达产年纳税三千万，不是超过是刚好三千万，负责人能办哪档卡？")
    assert reply["citations"][0]["clause_id"] == "talent.eligibility.diamond.18"
    assert "区库年税收超过1000万" not in reply["answer"]


PARTNER_TEXT = strip_markers(next(s for s in SOURCES if s.doc_id == "partner").path.read_text(
    encoding="utf-8"))


@pytest.mark.parametrize("question, year", [
    ("2025年广东省智能制造生态合作伙伴的申报指南出了没", "2025年"),
    ("23年的合作伙伴申报通知在哪看", "2023年"),
])
def test_another_years_partner_scheme_is_not_answered_with_the_2024_guide(question, year):
    assert "（2024年）" in PARTNER_TEXT.splitlines()[0] or "2024年" in PARTNER_TEXT[:200]
    reply = ask(question)
    assert_grounded(reply)
    assert reply["status"] == "not_covered" and f"未涉及{year}" in reply["answer"]


@pytest.mark.parametrize("question", [
    "我们2022年已经进了第二批合作伙伴名单，今年还要再报一次吗",   # when it was selected
    "2023年营收2000万的装备企业能申报合作伙伴吗",                 # a figure's year
])
def test_a_year_that_is_not_the_schemes_own_is_not_refused(question):
    reply = ask(question)
    assert_grounded(reply)
    assert reply["status"] != "not_covered", reply["answer"]


def test_one_of_them_is_not_a_count_of_one():
    reply = ask("智能制造装备领域和关键软件领域申报条件有啥区别？一个看专利一个看著作权？")
    assert_grounded(reply)
    cited = {c["clause_id"] for c in reply["citations"]}
    assert any(i.startswith("partner.conditions.equipment.") for i in cited)
    assert any(i.startswith("partner.conditions.software.") for i in cited)
    assert "1项" not in reply["answer"]


def test_what_selection_brings_is_the_whole_support_section():
    section = PARTNER_TEXT[PARTNER_TEXT.index("四、获选支持"):]
    section = section[:section.index("附件：")]
    items = re.findall(r"（[一二三四五六]）", section)
    reply = ask("评上了省智能制造生态合作伙伴之后能得到什么支持")
    assert_grounded(reply)
    support = [c for c in reply["citations"] if c["clause_id"].startswith("partner.support.")]
    assert len(support) == len(items) >= 4
    assert all(squash(c["text"]) in squash(section) for c in support)


@pytest.mark.parametrize("question, status", [
    ("广东省人才优粤卡要怎么申请？需要什么条件？", "not_covered"),
    ("国家高新技术企业认定需要什么条件？我想先认定高企再申请人才卡", "not_covered"),
    ("广东省人才优粤卡要怎么申请？我有了优粤卡是不是直接钻石卡", "partial"),
])
def test_a_scheme_named_only_in_passing_is_partial_only_beside_a_question_on_our_card(question, status):
    reply = ask(question)
    assert_grounded(reply)
    assert reply["status"] == status and "未涉及" in reply["answer"]


def test_an_approximate_figure_near_a_bound_says_where_it_lies_and_gives_no_verdict():
    bound = re.search(r"近三年平均主营业务收入达(\d+)万元以上", squash(PARTNER_TEXT))
    assert bound and bound.group(1) == "1500"
    reply = ask("公司近3年平均主营业务收入大概一千四百八十万左右，申报装备领域行不行？")
    assert_grounded(reply)
    assert "约1480万元低于这一界限" in reply["answer"] and "取决于准确数字" in reply["answer"]
    assert not re.search(r"(?<!不)满足这一条。", reply["answer"])
