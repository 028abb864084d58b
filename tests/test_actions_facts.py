"""Reading the facts one message states (actions/facts.py), as the forms use it."""
import pytest
from rules.conditions import satisfies

from actions import catalogue, dialogue
from actions.facts import read_partner, read_talent


@pytest.mark.parametrize("text, requested, intent, slots", [
    ("我是博士，在白云区注册的公司上班", None, "ask_talent_card",
     {"talent_titles": ["gold.phd"], "employer_in_baiyun": True}),
    ("我读完博了", "talent_titles", "inform", {"talent_titles": ["gold.phd"]}),
    ("我不是博士", "talent_titles", "inform", {}),
    ("我是副教授", "talent_titles", "inform", {"talent_titles": []}),   # a lesser title: no card's title
    ("我是高级工程师", "talent_titles", "inform", {"talent_titles": []}),
    ("我是教授级高级工程师", "talent_titles", "inform", {"talent_titles": ["diamond.senior_professional"]}),
    ("我是正高级工程师", "talent_titles", "inform", {"talent_titles": ["diamond.senior_professional"]}),
    ("我在读博士", "talent_titles", "inform", {"talent_titles": []}),
    ("都没有", "talent_titles", "deny", {}),   # the degree is asked once more (below)
    ("是的，在白云区", "employer_in_baiyun", "inform", {"employer_in_baiyun": True}),
    ("公司在天河区", "employer_in_baiyun", "inform", {"employer_in_baiyun": False}),
    ("我们单位不在白云区", None, "inform", {"employer_in_baiyun": False}),
    ("我是老板，公司区库年税收1200万", None, "inform", {"enterprise_head": True, "district_tax_wan": 1200}),
    ("不是", "hightech_revenue_wan", "deny", {"hightech_revenue_wan": 0}),
    ("我是国家级孵化平台的主要负责人", None, "inform",
     {"enterprise_head": True, "talent_titles": ["diamond.national_incubator_head"]}),
    ("我是白云工匠培育工作室负责人", None, "inform", {"talent_titles": ["silver.district_labour_model"]}),
    # traditional characters are read as simplified
    ("我是博士，公司在白雲區", None, "ask_talent_card", {"talent_titles": ["gold.phd"], "employer_in_baiyun": True}),
    ("去年區庫稅收兩千萬", "district_tax_wan", "inform", {"district_tax_wan": 2000}),
    # no title, said inside a longer message
    ("我什么称号都没有，但我是公司法人，公司在白云区", "talent_titles", "inform",
     {"talent_titles": [], "enterprise_head": True, "employer_in_baiyun": True}),
    # deputies and heads of a part do not head the enterprise
    ("我是副总经理", None, "inform", {"enterprise_head": False}),
    ("我是部门负责人", None, "inform", {"enterprise_head": False}),
    ("我是厂长", None, "inform", {"enterprise_head": True}),
    ("不是，主要负责人是我的合伙人", "enterprise_head", "deny", {"enterprise_head": False}),
    ("主要负责人是我", "enterprise_head", "inform", {"enterprise_head": True}),
    # a manager of a 四上 enterprise, said in two parts
    ("我是公司高管，公司是四上企业", None, "inform", {"talent_titles": ["gold.key_enterprise_manager"]}),
    # an unclear title and its detail in one message; a place is not the detail
    ("我是劳模，市级的，在白云区工作", "talent_titles", "inform",
     {"talent_titles": ["gold.provincial_labour_medal"], "employer_in_baiyun": True}),
    # one part of a criterion of several parts: the others are still to ask, nothing is met
    ("我是海归，回国创业", None, "inform", {"criterion_parts": {"silver.overseas_founder": {}}}),
    # a list denied as a whole, before or after it: nothing held (never the first item affirmed)
    ("优粤卡、人才绿卡都没有", "talent_titles", "inform", {"talent_titles": []}),
    ("没有优粤卡、人才绿卡", "talent_titles", "inform", {"talent_titles": []}),
    ("有人才绿卡、没有优粤卡", "talent_titles", "inform", {"talent_titles": ["gold.guangzhou_green_card"]}),
    ("没有，优粤卡、绿卡都没办过", "talent_titles", "inform", {"talent_titles": []}),
    # a title asked about is not held; a school named with the master's denied is no master's
    ("我有人才绿卡吗？我也不知道", None, "inform", {}),
    ("我是双一流的本科，不是硕士，单位在白云区", None, "inform", {"talent_titles": [], "employer_in_baiyun": True}),
    ("我是双一流的硕士", None, "inform", {"talent_titles": ["silver.masters"]}),
    ("优粤卡没申请过", "talent_titles", "inform", {}),
    # a "no" that then names titles names what is not held, unless a contrast names one held
    ("没有，人才绿卡还在申请", "talent_titles", "inform", {"talent_titles": []}),
    ("没有，但我是博士", "talent_titles", "inform", {"talent_titles": ["gold.phd"]}),
    ("不是，我是正高级工程师", "talent_titles", "inform", {"talent_titles": ["diamond.senior_professional"]}),
    # 研究生学历 without the degree is no master's; a doctorate not awarded leaves the master's
    ("我研究生是在一所双一流大学读的，全日制，不过最后没拿到学位，只有毕业证", None, "inform", {"talent_titles": []}),
    ("博士学位没拿到，硕士是双一流的", "talent_titles", "inform", {"talent_titles": ["silver.masters"]}),
    # a whole kind denied in answer to the titles question; a lesser place on an award
    ("没有获奖，只是参赛", "talent_titles", "inform", {"talent_titles": []}),
    ("没参加过技能大赛，也没参加过创新创业大赛。", "talent_titles", "inform", {"talent_titles": []}),  # 创业 here founds nothing
    ("省科技进步奖一等奖，但我是第二署名人，不是第一署名人", "talent_titles", "inform", {"talent_titles": []}),
    # a criterion's phrase in two pieces; a denied second piece stays denied
    ("持有中国的外国人工作许可证，A类的", None, "inform", {"talent_titles": ["diamond.foreign_expert_a"]}),
    ("我们团队入选了白云区创新创业领军团队，带头人不是我，我只是团队的核心成员", None, "inform",
     {"talent_titles": ["gold.district_team_member"]}),
    ("我们团队入选了领军团队，我不是团队的核心成员", None, "inform", {}),
    # an approximate figure with the bounds said beside it decides where every bound falls
    ("区库年税收900万左右，肯定超过800万，不到一千万", "district_tax_wan", "inform", {"district_tax_wan": 800.01}),
    # a figure its clause gives to another fact is no bare answer to the fact asked
    ("营收大概三个亿吧，差不多。", "district_tax_wan", "inform", {}),
    # next to nothing, for the money fact asked ("没多少" does not say how little)
    ("几乎没交什么税，刚起步", "district_tax_wan", "inform", {"district_tax_wan": 0}),
    ("没多少", "district_tax_wan", "inform", {}),
])
def test_talent_facts(text, requested, intent, slots):
    assert read_talent(text, intent, requested, {}).slots == slots


@pytest.mark.parametrize("text, requested, slots", [
    ("我们是智能制造装备企业，有七项发明专利，研发团队三十人，近三年平均主营业务收入两千万", None,
     {"domain": "智能制造装备", "invention_patents": 7, "rd_team_size": 30, "avg_revenue_wan": 2000}),
    ("二十五个研发人员", None, {"rd_team_size": 25}),
    ("1500w", "avg_revenue_wan", {"avg_revenue_wan": 1500}),
    ("营收1.5亿", None, {"avg_revenue_wan": 15000}),
    ("30", "rd_team_size", {"rd_team_size": 30}),
    ("没有发明专利", "invention_patents", {"invention_patents": 0}),
    ("我们是行业协会，从业人员30人，本科以上占比80%，近三年服务案例6个", None,
     {"domain": "行业组织", "staff_count": 30, "qualified_staff_ratio": 0.8, "service_cases_3y": 6}),
    ("我们是省级机器人骨干企业", None, {"direct_qualifications": ["direct.robot_backbone"]}),
    ("已经入选第二批合作伙伴", None, {"already_partner": True}),
    ("我们还没有研发机构", None,
     {"partner_conditions": {"equipment.rd_institution": False, "solution.rd_institution": False}}),
])
def test_partner_facts(text, requested, slots):
    assert read_partner(text, "inform", requested, {}).slots == slots


@pytest.mark.parametrize("text, fact", [("发明专利没有五项，只有三项", "invention_patents"),
                                        ("研发团队不到20人", "rd_team_size"),
                                        ("营收不超过一千万", "avg_revenue_wan")])
def test_a_figure_denied_is_below_it_never_it(text, fact):
    reading = read_partner(text, "inform", None, {"domain": "智能制造装备"})
    assert fact in reading.approximate
    assert not satisfies(next(c for c in catalogue.conditions_of("partner", fact)), reading.slots[fact])


def test_a_range_below_every_bound_decides_too():
    assert read_partner("研发十几人", "inform", None, {"domain": "智能制造装备"}).slots == {"rd_team_size": 11}


def test_an_approximate_amount_decides_when_no_bound_falls_inside_it():
    reading = read_partner("近三年平均两千来万", "inform", "avg_revenue_wan", {"domain": "智能制造装备"})
    assert reading.slots == {"avg_revenue_wan": 1600.0}   # 1600–2400万: all above 1500万
    assert reading.approximate == {"avg_revenue_wan": "两千来万"} and reading.problems == []


@pytest.mark.parametrize("text, fact", [("一千五左右", "avg_revenue_wan"), ("二十人左右", "rd_team_size"),
                                        ("二十来人", "rd_team_size")])
def test_an_approximate_amount_that_straddles_a_bound_is_asked_again(text, fact):
    reading = read_partner(text, "inform", fact, {"domain": "智能制造装备"})
    assert reading.slots == {} and reading.problem_slots == [fact]


@pytest.mark.parametrize("text, requested", [
    ("区库年税收-900万", None), ("负五百万", "district_tax_wan"), ("-5", "district_investment_wan"),
    ("1" * 400, "district_tax_wan")])
def test_impossible_amounts_are_questions_back(text, requested):
    reading = read_talent(text, "inform", requested, {})
    assert reading.slots == {} and len(reading.problems) == 1


@pytest.mark.parametrize("text", [
    "我研究生毕业拿了硕士学位，学校不是双一流的",
    "硕士，学校不是双一流的",
    "我有硕士学位，但不是双一流大学，也不是全球前500",
    "双一流大学？不是，普通学校的硕士",
])
def test_a_denied_school_never_affirms_the_masters_criterion(text):
    slots = read_talent(text, "inform", "talent_titles", {}).slots
    assert slots.get("talent_titles") == []


@pytest.mark.parametrize("text", ["我是副高职称", "我是高级工程师，副高级职称", "副教授", "我是副研究员"])
def test_deputy_senior_titles_are_not_senior(text):
    assert read_talent(text, "inform", "talent_titles", {}).slots.get("talent_titles") == []


@pytest.mark.parametrize("text", ["没有其他的了", "没有别的了", "就这些", "没了", "其他的没有了"])
def test_nothing_else_is_a_no(text):
    assert read_talent(text, "inform", "talent_titles", {"talent_titles": ["gold.phd"]}).slots == {
        "talent_titles": ["gold.phd"]}


@pytest.mark.parametrize("text", ["我老婆是博士", "我爱人有正高职称", "我们老板是院士", "我是市劳模的儿子",
                                  "我快博士毕业了", "我是博士生", "博士明年毕业", "我是博士，不过还没毕业",
                                  "我正在申请正高职称"])
def test_someone_elses_title_or_one_not_yet_held_is_not_affirmed(text):
    slots = read_talent(text, "inform", "talent_titles", {}).slots
    assert not slots.get("talent_titles") and "enterprise_head" not in slots


@pytest.mark.parametrize("text", ["公司不是高企，营收五个亿", "我们不是高新技术企业，年产值6亿"])
def test_a_revenue_of_an_enterprise_that_is_not_hightech_counts_as_zero(text):
    assert read_talent(text, "inform", None, {}).slots["hightech_revenue_wan"] == 0


def test_a_revenue_not_said_of_a_hightech_enterprise_waits_for_its_question():
    assert "hightech_revenue_wan" not in read_talent("公司营收五个亿", "inform", None, {}).slots
    assert read_talent("5亿", "inform", "hightech_revenue_wan", {}).slots == {"hightech_revenue_wan": 50000}


@pytest.mark.parametrize("text", ["我是公司的老板，也是博士", "我是博士，我老婆是硕士", "我是博士，但还没评上正高"])
def test_the_speakers_own_title_beside_someone_elses(text):
    assert read_talent(text, "inform", "talent_titles", {}).slots["talent_titles"] == ["gold.phd"]


@pytest.mark.parametrize("text", ["我们申报过机器人骨干企业但没评上", "我们正在申请智能制造公共技术支撑平台",
                                  "我们不是省级机器人骨干企业"])
def test_a_qualification_applied_for_or_denied_is_not_held(text):
    assert "direct_qualifications" not in read_partner(text, "inform", None, {}).slots


@pytest.mark.parametrize("text, met", [("我们还没有研发机构，不过正在建设", True), ("研发中心在建", True),
                                       ("我们没有研发机构", False), ("研发机构没有在建", False)])
def test_a_research_institution_being_built_meets_its_condition(text, met):
    conditions = read_partner(text, "inform", None, {}).slots["partner_conditions"]
    assert conditions["equipment.rd_institution"] is met


@pytest.mark.parametrize("text, numbers", [("1和3", [1, 3]), ("2、5", [2, 5]), ("第一项", [1]),
                                           ("7项", []), ("三项", [])])   # a count, maybe: not an item
def test_direct_qualifications_by_number(text, numbers):
    ids = dialogue.direct_ids()
    slots = read_partner(text, "inform", "direct_qualifications", {}, listed_direct=ids).slots
    assert slots.get("direct_qualifications", []) == [ids[n - 1] for n in numbers]


def test_all_of_the_direct_list_is_not_one_qualification():
    reading = read_partner("都满足", "affirm", "direct_qualifications", {}, listed_direct=dialogue.direct_ids())
    assert "direct_qualifications" not in reading.slots and reading.clarify


FOUNDER = "silver.overseas_founder"


def test_the_four_parts_of_silver_2_said_in_full_meet_it():
    reading = read_talent("我在英国拿的学士学位，三年前在白云区创办了一家公司，产品有核心技术，现在在中试阶段，"
                          "我是公司第一大股东", "inform", None, {})
    assert reading.slots["talent_titles"] == [FOUNDER]
    assert reading.slots["criterion_parts"][FOUNDER] == {
        "overseas_degree": True, "founded_2_to_5_years": True, "core_technology_stage": True,
        "founder_top_shareholder": True}


@pytest.mark.parametrize("text, parts", [
    ("我在美国读的本科，回国后创办了公司", {"overseas_degree": True}),
    ("我在英国拿的学士学位，去年在白云区创办了一家公司", {"overseas_degree": True, "founded_2_to_5_years": False}),
    ("公司成立三年了，我是创始人也是控股股东", {"founded_2_to_5_years": True, "founder_top_shareholder": True}),
    ("产品还在研发阶段", {"core_technology_stage": False}),
])
def test_parts_of_silver_2_said_are_kept_and_never_meet_it_alone(text, parts):
    reading = read_talent(text, "inform", None, {"criterion_parts": {FOUNDER: {}}})
    assert reading.slots["criterion_parts"][FOUNDER] == parts
    assert FOUNDER not in (reading.slots.get("talent_titles") or [])


@pytest.mark.parametrize("text, opened", [
    ("我在英国读的硕士，学校不在全球前500，在白云区一家公司上班", False),   # a degree from abroad alone
    ("我在美国读的本科，回国后在白云区创办了公司", True),                 # with a company founded
])
def test_a_degree_from_abroad_alone_does_not_open_silver_2(text, opened):
    slots = read_talent(text, "inform", None, {}).slots
    assert ("criterion_parts" in slots) is opened


@pytest.mark.parametrize("text", ["我是在澳大利亚读的本科，拿了学士学位", "在英国读的硕士，学校不在前500"])
def test_a_degree_from_abroad_given_as_the_titles_answer_is_followed_up(text):
    slots = read_talent(text, "inform", "talent_titles", {}).slots
    assert slots["criterion_parts"] == {FOUNDER: {"overseas_degree": True}}
    assert slots["talent_titles"] == []  # a bachelor's or an unranked master's is on no list


@pytest.mark.parametrize("text", ["没有", "没有创办企业", "我没创业，是在公司上班"])
def test_no_company_founded_rules_silver_2_out(text):
    known = {FOUNDER: {"overseas_degree": True}}
    slots = read_talent(text, "deny", "criterion_parts", {"criterion_parts": known}).slots
    assert slots["criterion_parts"][FOUNDER]["founded_2_to_5_years"] is False


@pytest.mark.parametrize("text", ["我只有本科", "大专学历", "国内本科毕业"])
def test_a_degree_on_no_list_answers_the_titles_question_with_none(text):
    assert read_talent(text, "inform", "talent_titles", {}).slots == {"talent_titles": []}


def test_parts_said_before_the_criterion_opened_count():
    earlier = ["我是在澳大利亚读的本科", "没有其他称号"]
    slots = read_talent("我2023年在白云区开了一家公司", "inform", "employer_in_baiyun",
                        {"talent_titles": []}, earlier=earlier).slots
    assert slots["criterion_parts"][FOUNDER] == {"overseas_degree": True, "founded_2_to_5_years": True}


@pytest.mark.parametrize("text, met", [("三年", True), ("快四年了", True), ("一年", False), ("六年多", False)])
def test_how_long_answers_the_years_part_just_asked(text, met):
    known = {FOUNDER: {"overseas_degree": True}}
    slots = read_talent(text, "inform", "criterion_parts", {"criterion_parts": known}).slots
    assert slots["criterion_parts"][FOUNDER]["founded_2_to_5_years"] is met


def test_a_bare_yes_does_not_answer_how_long():
    known = {FOUNDER: {"overseas_degree": True}}
    assert read_talent("是的", "affirm", "criterion_parts", {"criterion_parts": known}).slots == {}


def test_parts_said_over_two_messages_add_up():
    first = read_talent("我在英国拿的学士学位，三年前在白云区创办了一家公司", "inform", None, {}).slots
    assert FOUNDER not in (first.get("talent_titles") or [])
    second = read_talent("产品有核心技术，现在在中试阶段，我是公司第一大股东", "inform", "criterion_parts", first).slots
    assert second["talent_titles"] == [FOUNDER]


def test_a_yes_answers_the_part_just_asked():
    known = {FOUNDER: {"overseas_degree": True, "founded_2_to_5_years": True}}
    reading = read_talent("是的", "affirm", "criterion_parts", {"criterion_parts": known})
    assert reading.slots["criterion_parts"][FOUNDER]["core_technology_stage"] is True


@pytest.mark.parametrize("text, unit_type", [
    ("我们是企业，不是学校", "企业"), ("我们不是学校，是一家公司", "企业"), ("科研院所", "科研院所"),
    ("我们是一所高职院校", "院校")])
def test_the_kind_of_unit_asked_for(text, unit_type):
    assert read_partner(text, "inform", "unit_type", {"domain": "智能制造人才"}).slots["unit_type"] == unit_type


def test_a_school_the_enterprise_works_with_is_not_its_kind():
    slots = read_partner("我们是一家企业，想报智能制造人才领域，跟职业院校用订单班的形式共建了4个智能制造专业点",
                         "inform", None, {}).slots
    assert slots == {"domain": "智能制造人才", "unit_type": "企业", "co_built_programs": 4}


@pytest.mark.parametrize("text, requested", [("我是劳模，在白云区", "talent_titles"),
                                             ("我是硕士，能办卡吗", None)])
def test_an_unclear_title_asks_for_its_detail_also_when_the_assessment_starts(text, requested):
    reading = read_talent(text, "inform", requested, {})
    assert "talent_titles" not in reading.slots and reading.clarify and reading.pending


@pytest.mark.parametrize("text, domain", [
    ("我们生产数控机床", "智能制造装备"),
    ("我们是做工业机器人的", "智能制造装备"),
    ("我们做MES", "关键软件"),
    ("我们做工业互联网平台", "信息网络基础设施"),
    ("我们是系统集成商", "智能制造系统解决方案"),
    ("我们是商会", "行业组织"),
    ("我们是机器人行业协会", "行业组织"),          # the kind of body, not its members' products
    ("我们是融资租赁公司", "智能制造金融服务"),
    ("我们是职业院校", "智能制造人才"),
    ("我们建了数字化车间", "智能制造试点示范"),
    ("我们做3D打印设备，报智能制造系统解决方案领域", "智能制造系统解决方案"),  # the domain named wins
])
def test_domains_in_the_words_companies_use(text, domain):
    assert read_partner(text, "inform", None, {}).slots.get("domain") == domain


def test_basic_conditions_said_in_passing_but_not_in_a_question():
    conditions = read_partner("在广东依法注册，没有失信，没出过安全事故", "inform", None, {}).slots["partner_conditions"]
    assert conditions == {"basic.registered_in_guangdong": True, "basic.good_credit": True,
                          "basic.safety_record": True}
    assert read_partner("失信企业能申报吗", "ask_question", None, {}).slots == {}


EQUIPMENT = {"domain": "智能制造装备"}
LISTED = dialogue.open_conditions(EQUIPMENT)   # basic 1-3, then the two equipment conditions


@pytest.mark.parametrize("text, intent, failing", [
    ("都满足", "affirm", set()),
    ("第2条不满足", "inform", {"basic.safety_record"}),
    ("除了第三条都满足", "inform", {"basic.good_credit"}),
    ("信用那条不满足", "inform", {"basic.good_credit"}),
    ("安全事故这条我们达不到", "inform", {"basic.safety_record"}),
    ("我们出过一次质量事故", "inform", {"basic.safety_record"}),
    ("研发机构还没有建，其他都满足", "inform", {"equipment.rd_institution"}),
])
def test_the_numbered_conditions_answered(text, intent, failing):
    conditions = read_partner(text, intent, "partner_conditions", EQUIPMENT,
                              listed_conditions=LISTED).slots["partner_conditions"]
    assert {cid for cid in LISTED if conditions[cid] is False} == failing
    assert all(cid in conditions for cid in LISTED)


def test_conditions_met_and_failed_in_one_message_leave_the_others_open():
    conditions = read_partner("第二条和第三条满足，第一条不满足", "inform", "partner_conditions", EQUIPMENT,
                              listed_conditions=LISTED).slots["partner_conditions"]
    assert conditions == {"basic.registered_in_guangdong": False, "basic.safety_record": True,
                          "basic.good_credit": True}
    conditions = read_partner("第1条没问题，第2条，我们达不到，其他都满足", "inform", "partner_conditions",
                              EQUIPMENT, listed_conditions=LISTED).slots["partner_conditions"]
    assert {cid for cid, met in conditions.items() if not met} == {"basic.safety_record"}
    assert set(conditions) == set(LISTED)


def test_all_basic_conditions_said_either_way_round():
    for text in ("基本条件都满足", "都满足基本条件"):
        conditions = read_partner(text, "inform", None, {}).slots["partner_conditions"]
        assert conditions == {"basic.registered_in_guangdong": True, "basic.safety_record": True,
                              "basic.good_credit": True}


def test_conditions_named_as_met_leave_the_others_open():
    conditions = read_partner("近三年没出过事故，信用良好", "inform", "partner_conditions", EQUIPMENT,
                              listed_conditions=LISTED).slots["partner_conditions"]
    assert conditions == {"basic.safety_record": True, "basic.good_credit": True}


def test_a_bare_no_to_several_conditions_asks_which():
    reading = read_partner("不满足", "deny", "partner_conditions", EQUIPMENT, listed_conditions=LISTED)
    assert reading.slots == {} and reading.clarify == ["请告诉我具体哪一条做不到，例如：“第2条做不到”。"]


@pytest.mark.parametrize("text, held", [
    ("我们是市级机器人骨干企业，能直接认定吗", []),
    ("我们是机器人骨干企业，区级的", []),
    ("我们是市级制造业创新中心", []),
    ("我们公司是省级机器人骨干培育企业", ["direct.robot_backbone"]),
    ("我们是国家制造业创新中心", ["direct.innovation_center"]),
])
def test_a_qualification_said_with_a_level_its_clause_does_not_name_is_not_it(text, held):
    assert read_partner(text, "ask_partner", None, {}).slots.get("direct_qualifications", []) == held


@pytest.mark.parametrize("text, titles", [
    ("我不是博士，是在英国QS排名前100的大学读的硕士", ["silver.masters"]),
    ("海外名校硕士，学校排世界前200", ["silver.masters"]),
    ("硕士，学校QS排名前800", []),           # outside the 全球前500名 the clause names
    ("国内读的硕士，学校世界排名前300", None),  # the ranking route is for schools abroad: asked
])
def test_a_world_ranking_names_the_school_of_a_masters_degree(text, titles):
    reading = read_talent(text, "inform", "talent_titles", {})
    assert reading.slots.get("talent_titles") == titles
    assert bool(reading.clarify) is (titles is None)
    assert "criterion_parts" not in reading.slots or titles is not None  # one question at a time


@pytest.mark.parametrize("text, count", [("跟3家企业一起定了专业建设和实习方案", 3), ("和5家公司一起搞的", 5)])
def test_partner_firms_counted_in_plain_words(text, count):
    slots = read_partner(text, "inform", None, {"domain": "智能制造人才", "unit_type": "院校"}).slots
    assert slots["partner_enterprises"] == count


@pytest.mark.parametrize("text, head", [("我是创始人之一，但只是第二大股东", None), ("我是联合创始人兼CEO", True),
                                        ("我是公司创始人", True)])
def test_one_of_several_founders_is_asked_whether_they_head_the_firm(text, head):
    assert read_talent(text, "inform", None, {}).slots.get("enterprise_head") is head


@pytest.mark.parametrize("text", [
    "博士学位还在申请中", "我本来要读博士后来放弃了", "我差一点评上正高", "正高职称今年没评上", "我报名了省级技能大赛",
    "博士肄业", "博士读了一半", "优粤卡我还没申请下来", "人才绿卡过期了", "我以前是市劳模，现在不是了"])
def test_a_title_not_yet_or_no_longer_held_is_not_affirmed(text):
    assert not read_talent(text, "inform", "talent_titles", {}).slots.get("talent_titles")


@pytest.mark.parametrize("text", ["我是博士，今年刚毕业", "我是正高，去年评上的", "我是博士后，出站了", "我有优粤卡"])
def test_a_title_held_is_still_read(text):
    assert read_talent(text, "inform", "talent_titles", {}).slots.get("talent_titles")


@pytest.mark.parametrize("text", ["博士学位没拿到，不算有博士学位", "硕士是双一流大学的，不过读的是非全日制的在职研究生"])
def test_a_title_hedged_away_or_a_part_time_masters_is_not_affirmed(text):
    assert not read_talent(text, "inform", "talent_titles", {}).slots.get("talent_titles")


def test_taking_part_in_a_contest_asks_nothing_and_no_award_is_no_title():
    reading = read_talent("我参加过广州市的技能大赛，只是参赛而已，没拿到名次", "inform", "talent_titles", {})
    assert not reading.clarify and not reading.slots.get("talent_titles")
    after = read_talent("没有获奖，只是参赛", "inform", "talent_titles", {"pending_clarification": "技能大赛优秀奖"})
    assert after.slots == {"talent_titles": []}


def test_the_largest_shareholder_said_with_a_de():
    known = {FOUNDER: {"overseas_degree": True, "founded_2_to_5_years": True, "core_technology_stage": True}}
    slots = read_talent("我是主要创办人，也是公司最大的自然人股东", "inform", "criterion_parts",
                        {"criterion_parts": known}).slots
    assert slots["talent_titles"] == [FOUNDER]


def test_founding_affirmed_without_how_long_asks_only_how_long():
    known = {FOUNDER: {"overseas_degree": True}}
    reading = read_talent("是的，我在白云区创办了公司", "affirm", "criterion_parts", {"criterion_parts": known})
    assert reading.clarify == ["企业成立几年了？（例如“成立3年”）"]
    assert "founded_2_to_5_years" not in (reading.slots.get("criterion_parts") or {}).get(FOUNDER, {})


def test_a_project_said_to_be_still_under_construction_is_not_built():
    text = ("我们想拿离散型行业的智能工厂项目申报智能制造试点示范领域。近三年省内也有6个典型案例，"
            "不过项目还在建设中，预计明年才能建成。")
    assert read_partner(text, None, None, {}).slots["partner_conditions"] == {"pilot.built": False}
    built = read_partner("项目已经建成了", None, None, {"domain": "智能制造试点示范"}).slots
    assert built["partner_conditions"]["pilot.built"] is True


@pytest.mark.parametrize("text, held", [
    ("公司去年才注册成立，到现在一年多一点，还不满两年", False),  # 一年多 is under two years
    ("公司成立两年多了", True),
    ("我三年前创办了公司", True),
])
def test_how_long_ago_a_company_was_founded_against_2_to_5_years(text, held):
    from actions.talent_reader import compound_criteria, read_part
    part = next(p for p in compound_criteria()["silver.overseas_founder"] if p["id"] == "founded_2_to_5_years")
    assert read_part(part, text) is held


@pytest.mark.parametrize("text, held", [
    ("我是联合创始人之一，但只占15%股份，第一大股东是一家投资公司，最大的自然人股东也是另一个合伙人，不是我。", False),
    ("我是主要创办人，也是第一大股东", True),
    ("创始人是我，第一大股东也是我", True),
])
def test_the_largest_shareholder_said_to_be_someone_else_is_no_part_held(text, held):
    from actions.talent_reader import compound_criteria, read_part
    part = next(p for p in compound_criteria()["silver.overseas_founder"] if p["id"] == "founder_top_shareholder")
    assert read_part(part, text) is held


@pytest.mark.parametrize("text, held", [
    # another person's titles, also in the clauses after the one naming them
    ("我老婆是正高级职称，还拿国务院特殊津贴的，我作为家属能不能办个英才卡？我自己在白云区上班", []),
    ("公司是我爸创办的，他是主要创办人、第一大股东，占70%；我只占5%，不是主要创办人，也不是最大自然人股东", []),
    # the speaker's own again after 我
    ("我老婆是博士，我是正高级工程师", ["diamond.senior_professional"]),
])
def test_what_another_person_holds_is_never_the_speakers(text, held):
    slots = read_talent(text, "inform", None, {}).slots
    assert slots.get("talent_titles", []) == held
    assert not slots.get("talent_head_titles")
    assert slots.get("enterprise_head") is not True


def test_a_boss_s_firm_is_not_the_speakers():
    slots = read_talent("我们老板是区库年税收超过1000万企业的负责人，我是公司的财务总监", "inform", None, {}).slots
    assert slots.get("enterprise_head") is not True and "district_tax_wan" not in slots


def test_a_models_entity_is_read_where_its_words_stand_in_the_normalised_message():
    # "……" becomes "......" when normalised: the model's offsets no longer point at 总部企业
    text = "正经的……公司去年区库年税收952万；不是总部企业"
    start = text.index("总部企业")
    entity = {"entity": "talent_title", "value": "diamond.headquarters_or_investment_head",
              "start": start, "end": start + 4, "said": "总部企业"}
    slots = read_talent(text, "inform", "district_tax_wan", {}, [entity]).slots
    assert not slots.get("talent_head_titles") and slots["district_tax_wan"] == 952


@pytest.mark.parametrize("text, conditions", [
    ("信用没问题，没失信，没侵权", {"basic.good_credit": True}),
    ("没有发生过安全事故", {"basic.safety_record": True}),
    ("近3年没出过重大事故", {"basic.safety_record": True}),
    ("第3条没问题", {"basic.good_credit": True}),   # the others are asked again, not failed
    ("都满足，信用没问题", {"basic.registered_in_guangdong": True, "basic.safety_record": True,
                         "basic.good_credit": True}),
])
def test_basic_conditions_said_in_the_negative_are_met(text, conditions):
    listed = dialogue.open_conditions({})
    reading = read_partner(text, "inform", "partner_conditions", {}, listed_conditions=listed)
    assert reading.slots["partner_conditions"] == conditions


@pytest.mark.parametrize("text", ["我们第三批的时候报过但是没选上", "第二批申报过，落选了"])
def test_applying_in_an_earlier_batch_without_being_selected_is_not_being_a_partner(text):
    assert read_partner(text, "inform", None, {}).slots.get("already_partner") is False


@pytest.mark.parametrize("not_held, held, qualification", [
    # the qualification's own level decides, not the programme's name (省…合作伙伴)
    ("我们单位是智能制造领域的市级制造业创新中心，能不能直接认定成省智能制造生态合作伙伴？",
     "我们是省级制造业创新中心", "direct.innovation_center"),
    # another organisation's qualification is not the applicant's
    ("我们母公司是省级机器人骨干企业，我们是它在东莞的子公司，能不能直接认定进生态合作伙伴？",
     "我们集团是省级机器人骨干企业", "direct.robot_backbone"),
])
def test_a_qualification_is_the_applicants_own_and_at_its_level(not_held, held, qualification):
    assert "direct_qualifications" not in read_partner(not_held, "inform", None, {}).slots
    assert read_partner(held, "inform", None, {}).slots["direct_qualifications"] == [qualification]


def test_a_scale_said_twice_is_a_question_back():
    reading = read_partner("近三年平均主营收入一个亿亿亿", "inform", "avg_revenue_wan", {})
    assert reading.slots == {} and reading.problem_slots == ["avg_revenue_wan"]


def test_asking_for_someone_else_makes_their_clauses_the_case():
    earlier = ["老板让我问一下，他是我们公司的法人代表，能办钻石卡吗？就是帮他本人问"]
    slots = read_talent("他是法人、主要负责人；公司区库年税收正好1000万", "inform", "enterprise_head", {},
                        earlier=earlier).slots
    assert slots["enterprise_head"] is True and slots["district_tax_wan"] == 1000


@pytest.mark.parametrize("text", ["主要负责人是我爸，不是我", "主要负责人是我的合伙人"])
def test_a_head_named_as_someone_else_is_not_the_speaker(text):
    assert read_talent(text, "inform", "enterprise_head", {}).slots["enterprise_head"] is False


@pytest.mark.parametrize("text", ["中级会计师", "初级会计", "我是中级经济师，本科毕业", "在中国没有评过职称"])
def test_lesser_titles_and_no_title_answer_the_titles_question_with_none(text):
    assert read_talent(text, "inform", "talent_titles", {}).slots == {"talent_titles": []}


def test_bounds_beside_an_approximate_figure_narrow_it_within_its_part_of_the_message():
    text = "在白云区累计投资大约20.5亿（二十亿零五千万左右，肯定超过20亿）；区库年税收三四百万"
    reading = read_talent(text, "inform", "district_investment_wan", {"enterprise_head": True})
    assert reading.slots["district_investment_wan"] > 200000 and not reading.problems


@pytest.mark.parametrize("text, held", [("正高是我老婆，我自己只是助理工程师，初级", []),
                                        ("博士是我的最高学历", ["gold.phd"])])
def test_a_title_said_to_be_another_persons_is_not_held(text, held):
    assert read_talent(text, "inform", "talent_titles", {}).slots["talent_titles"] == held


def test_a_qualification_named_at_a_level_that_does_not_count_answers_the_question_with_none():
    text = "只是市级的制造业创新中心，不是省级，也不是国家级；其他直接认定资质也没有"
    reading = read_partner(text, "inform", "direct_qualifications", {}, listed_direct=dialogue.direct_ids())
    assert reading.slots["direct_qualifications"] == []


def test_a_subject_taught_does_not_change_the_domain_chosen():
    slots = {"domain": "智能制造人才", "unit_type": "院校"}
    text = "工业机器人应用与维护专业和4家合作企业一起研究确定专业建设、课程设置等方案"
    reading = read_partner(text, "inform", None, slots, listed_conditions=dialogue.open_conditions(slots))
    assert "domain" not in reading.slots and reading.slots["partner_enterprises"] == 4
    assert read_partner("我们改报智能制造装备领域", "inform", None, slots).slots["domain"] == "智能制造装备"


def test_a_later_clause_denying_these_denies_the_list_before_it():
    text = "院士、国务院特贴专家、省里那些重大人才工程，这些我统统不沾边哈。就是手上有张广州市人才绿卡"
    assert read_talent(text, "inform", None, {}).slots["talent_titles"] == ["gold.guangzhou_green_card"]
    assert read_talent("我是博士，这些都没问题", "inform", None, {}).slots["talent_titles"] == ["gold.phd"]


@pytest.mark.parametrize("text", ["我们不是大数据/人工智能骨干企业",
                                  "没有这些资质：不是机器人骨干企业、不是大数据/人工智能骨干企业，所以走不了直接认定"])
def test_a_denied_alternative_of_a_slash_and_a_leading_none_hold_no_qualification(text):
    reading = read_partner(text, "inform", "direct_qualifications", {}, listed_direct=dialogue.direct_ids())
    assert reading.slots["direct_qualifications"] == []


@pytest.mark.parametrize("text", ["我有博士学位，不过是以同等学力申请的，学历证书还是本科，没读过研究生",
                                  "博士学位有，但学历是本科"])
def test_a_doctorate_without_graduate_study_is_not_the_doctoral_criterion(text):
    # 金卡 6: "具有国内外研究生学历并有博士以上学位的人员"
    assert "gold.phd" not in read_talent(text, "inform", "talent_titles", {}).slots.get("talent_titles", [])


@pytest.mark.parametrize("text", ["这些称号啥的一个都没有哈，我就是个老护士", "我啥都没有"])
def test_none_at_all_answers_the_titles_question(text):
    assert read_talent(text, "inform", "talent_titles", {}).slots == {"talent_titles": []}


@pytest.mark.parametrize("text, unit_type", [
    ("老师你好，我们是佛山的一所技师学院，公办的，想申报智能制造人才领域，能报吗", "院校"),
    ("我们是省属的一个智能制造研究所，事业单位，想报智能制造人才领域", "科研院所"),
    ("我司是做工业机器人实训的企业，跟职业院校合作订单班，想报智能制造人才这个方向", "企业"),
])
def test_the_unit_type_is_read_from_a_long_self_description(text, unit_type):
    assert read_partner(text, "inform", None, {}).slots["unit_type"] == unit_type


def test_partners_named_are_not_the_unit_type():
    from actions.partner_reader import read_unit_type
    assert read_unit_type("我们跟很多高校和企业有合作", asked=False) is None


@pytest.mark.parametrize("text, founded", [("成立3年", True), ("-2年", None), ("负三年", None),
                                           ("2030年成立", None)])
def test_an_impossible_company_age_settles_no_part(text, founded):
    slots = {"criterion_parts": {"silver.overseas_founder": {"overseas_degree": True}}}
    reading = read_talent(text, "inform", "criterion_parts", slots)
    parts = (reading.slots.get("criterion_parts") or {}).get("silver.overseas_founder", {})
    assert parts.get("founded_2_to_5_years") is founded


@pytest.mark.parametrize("text", ["这些人才称号、人才工程、院士专家啥的一个都没有", "我自己没有这些称号"])
def test_a_kind_denied_as_a_whole_holds_no_title(text):
    assert read_talent(text, "inform", "talent_titles", {}).slots == {"talent_titles": []}




def test_a_doctorate_said_as_the_degree_alone_is_asked_about_graduate_study():
    # 金卡 6: "具有国内外研究生学历并有博士以上学位的人员" — a degree by 同等学力 lacks the first part
    reading = read_talent("我有博士学位，在白云区一所高校当老师", "inform", None, {})
    assert "talent_titles" not in reading.slots and "研究生学历" in reading.clarify[0]
    pending = {"pending_clarification": reading.pending}
    assert read_talent("是的", "affirm", "talent_titles", pending).slots["talent_titles"] == ["gold.phd"]
    assert read_talent("不是，同等学力", "deny", "talent_titles", pending).slots["talent_titles"] == []
    assert read_talent("我博士毕业，有博士学位", "inform", "talent_titles", {}).slots["talent_titles"] == ["gold.phd"]


def test_a_denied_denial_of_a_count_is_no_zero():
    assert read_partner("不是没有专利，我们有7项智能装备领域的核心发明专利", "inform", "invention_patents",
                        {}).slots["invention_patents"] == 7


def test_shareholders_listed_as_another_persons_are_not_the_speakers():
    slots = {"criterion_parts": {"silver.overseas_founder": {"overseas_degree": True}}}
    text = "公司成立3年，有核心技术；股份是合伙人45%，我35%，第一大股东和最大的自然人股东都是合伙人，不是我"
    parts = read_talent(text, "inform", "criterion_parts", slots).slots["criterion_parts"]
    assert parts["silver.overseas_founder"]["founder_top_shareholder"] is False


@pytest.mark.parametrize("text", ["近3年没有重大安全环保质量事故", "近3年没有重大安全、环保、质量事故，安全生产条件合规"])
def test_accidents_denied_as_a_list_meet_the_safety_condition(text):
    listed = dialogue.open_conditions({})
    reading = read_partner(text, "inform", "partner_conditions", {}, listed_conditions=listed)
    assert reading.slots["partner_conditions"] == {"basic.safety_record": True}


def test_a_domain_word_in_what_the_unit_did_does_not_change_the_domain():
    slots = {"domain": "智能制造人才", "unit_type": "企业"}
    assert "domain" not in read_partner("广东省内有智能制造典型案例，给好几家工厂做过机器人产线", "inform",
                                        None, slots).slots


def test_a_list_then_a_bare_denial_holds_no_title():
    assert read_talent("人才工程、特殊津贴……没有，一个都没入选", "inform", "talent_titles", {}).slots == {
        "talent_titles": []}
    assert read_talent("我是博士，其他一个都没有", "inform", "talent_titles", {}).slots["talent_titles"] == ["gold.phd"]


def test_a_count_said_of_elsewhere_is_not_the_guangdong_count():
    slots = {"domain": "关键软件"}
    text = "近三年服务的制造企业用户，省外有十几个，广东省内只有4个"
    assert read_partner(text, "inform", "gd_cases_3y", slots).slots == {"gd_cases_3y": 4}
    assert read_partner("省外20个", "inform", "gd_cases_3y", slots).slots == {}


def test_a_title_denied_with_the_verb_of_being_selected_is_not_clarified_or_held():
    reading = read_talent("没有入选过人才工程", "inform", "talent_titles", {})
    assert reading.clarify == [] and not reading.slots.get("talent_titles")
    assert read_talent("没有入选过国家重大人才工程", "inform", "talent_titles", {}).slots.get("talent_titles") is None


def test_an_absurd_amount_said_in_jest_is_a_question_back():
    reading = read_talent("一万亿吧哈哈哈", "inform", "hightech_revenue_wan", {"enterprise_head": True})
    assert reading.slots == {} and reading.problem_slots == ["hightech_revenue_wan"]


def test_a_title_said_to_be_a_spouses_in_other_words_is_not_held():
    assert read_talent("我自己没有职称，正高那个是我老婆的，她是教授", "inform", "talent_titles",
                       {}).slots["talent_titles"] == []


def test_the_largest_shareholder_named_before_the_words_is_not_the_speaker():
    slots = {"criterion_parts": {"silver.overseas_founder": {"overseas_degree": True}}}
    text = "我是主要创办人之一，产品已经产业化量产。但股权上投资公司占45%是第一大股东，我合伙人占30%是最大的自然人股东"
    parts = read_talent(text, "inform", "criterion_parts", slots).slots["criterion_parts"]
    assert parts["silver.overseas_founder"]["founder_top_shareholder"] is False


def test_a_list_opened_by_also_not_denies_every_item():
    text = "不是国家级也不是省级试点示范项目依托单位；也不是机器人骨干、大数据骨干、公共技术支撑平台、资源池、创新中心"
    reading = read_partner(text, "inform", "direct_qualifications", {}, listed_direct=dialogue.direct_ids())
    assert reading.slots["direct_qualifications"] == []


def test_a_bare_no_to_the_titles_question_asks_the_degree_once():
    reading = read_talent("没有", "deny", "talent_titles", {})
    assert reading.slots == {} and "最高学历学位" in reading.clarify[0]
    pending = {"pending_clarification": reading.pending}
    assert read_talent("双一流大学硕士", "inform", "talent_titles", pending).slots["talent_titles"] == ["silver.masters"]
    assert read_talent("本科", "inform", "talent_titles", pending).slots["talent_titles"] == []
    assert read_talent("没有", "deny", "talent_titles", pending).slots["talent_titles"] == []
    # a degree said before, or a title already held: the no is a no
    assert read_talent("没有", "deny", "talent_titles", {}, earlier=["我本科毕业"]).slots["talent_titles"] == []
    assert read_talent("没有别的了", "deny", "talent_titles", {"talent_titles": ["gold.phd"]}).slots == {
        "talent_titles": ["gold.phd"]}


@pytest.mark.parametrize("text, inside", [
    ("公司在番禺区注册，也在番禺交税，白云区这边没有注册也没纳税，我住在白云", False),
    ("我住在白云，公司在天河", False),
    ("单位在白云区，是区属医院", True),
])
def test_where_the_employer_is_is_read_clause_by_clause_and_not_from_where_one_lives(text, inside):
    assert read_talent(text, "inform", "employer_in_baiyun", {}).slots["employer_in_baiyun"] is inside


def test_an_investors_standing_is_not_the_companys():
    slots = read_talent("我们公司的投资方是世界五百强，我是公司总经理", "inform", None, {}).slots
    assert slots == {"enterprise_head": True}


@pytest.mark.parametrize("text", ["没有，机器人骨干、大数据骨干、试点示范依托单位、资源池这些资质我们都不具备，只能走遴选",
                                  "只是广州市级的制造业创新中心，不是省级或国家级；也不是省机器人骨干、大数据骨干、资源池这些"])
def test_qualifications_listed_as_not_held_are_none(text):
    reading = read_partner(text, "inform", "direct_qualifications", {}, listed_direct=dialogue.direct_ids())
    assert reading.slots["direct_qualifications"] == []


def test_a_standing_said_to_be_an_investors_is_not_the_companys():
    text = "世界500强是我们的投资方，我们公司本身不是500强；我是总经理"
    slots = read_talent(text, "inform", None, {}).slots
    assert not slots.get("talent_head_titles") and not slots.get("talent_titles")


def test_accidents_joined_by_or_are_one_list():
    listed = dialogue.open_conditions({})
    reading = read_partner("近三年没出过任何重大安全、环保或者质量事故，安全生产条件是齐全的", "inform",
                           "partner_conditions", {}, listed_conditions=listed)
    assert reading.slots["partner_conditions"]["basic.safety_record"] is True


def test_nothing_else_after_a_lesser_title_is_a_no_without_the_degree_question():
    earlier = ["我是副高级职称的高级工程师，单位在白云区，能办哪种英才卡"]
    assert read_talent("没有别的了", "deny", "talent_titles", {}, earlier=earlier).slots == {"talent_titles": []}


def test_the_place_and_the_workplace_in_clauses_of_their_own_name_the_employer():
    slots = read_talent("我是公司高管，公司是四上企业，在白云区，能办卡吗", "inform", None, {}).slots
    assert slots["employer_in_baiyun"] is True
