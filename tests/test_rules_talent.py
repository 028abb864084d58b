"""云聚英才卡 decisions: every bound of clauses 17 / 11 / 7 at its edge, highest tier wins,
benefits by tier, needs_more_info for each missing fact, the 一事一议 route."""
import pytest

from rules import criteria, evaluate

HEAD = {"employer_in_baiyun": True, "enterprise_head": True}


def decide(facts, affirmed=()):
    return evaluate("talent-card", facts, list(affirmed))


def tier_for(**figures):
    """The tier of an enterprise head whose other figures are all zero."""
    facts = {**HEAD, "district_tax_wan": 0, "hightech_revenue_wan": 0, "district_investment_wan": 0}
    return decide({**facts, **figures})["tier"]


# 区库年税收: diamond 超过1000万, gold 超过800万, silver 超过500万 (超过 excludes the bound).
@pytest.mark.parametrize("tax,tier", [
    (1001, "diamond"), (1000, "gold"), (800.5, "gold"), (801, "gold"), (800, "silver"),
    (501, "silver"), (500, None), (0, None)])
def test_district_tax_bounds(tax, tier):
    assert tier_for(district_tax_wan=tax) == tier


# 高新技术企业年产值／营收: diamond 超5亿元（含）, gold 3（含）-5亿元, silver 1（含）-3亿元.
@pytest.mark.parametrize("revenue,tier", [
    (60000, "diamond"), (50000, "diamond"), (49999, "gold"), (49900, "gold"), (30000, "gold"),
    (29999.99, "silver"), (10000, "silver"), (9999, None)])
def test_hightech_revenue_bounds(revenue, tier):
    assert tier_for(hightech_revenue_wan=revenue) == tier


# 累计投资额: diamond 超40亿元, gold 超20亿元, silver 超10亿元 (超 without （含） excludes).
@pytest.mark.parametrize("investment,tier", [
    (400001, "diamond"), (400000, "gold"), (200001, "gold"), (200000, "silver"),
    (100001, "silver"), (100000, None)])
def test_investment_bounds(investment, tier):
    assert tier_for(district_investment_wan=investment) == tier


def test_enterprise_figures_count_only_for_an_enterprise_head():
    decision = decide({"employer_in_baiyun": True, "enterprise_head": False, "district_tax_wan": 5000})
    assert decision["outcome"] == "not_eligible"
    assert decision["missing"] == []


def test_unknown_head_with_a_passing_figure_asks_whether_head():
    decision = decide({"employer_in_baiyun": True, "district_tax_wan": 5000})
    assert decision["outcome"] == "needs_more_info"
    assert decision["missing"] == ["enterprise_head"]


def test_highest_tier_wins():
    decision = decide({"employer_in_baiyun": True},
                      ["silver.municipal_skills", "gold.phd", "diamond.senior_professional"])
    assert (decision["tier"], decision["tier_name"]) == ("diamond", "钻石卡")
    assert [r["clause_id"] for r in decision["reasons"]] == [
        "talent.eligibility.p1", "talent.eligibility.diamond.11"]


def test_a_figure_can_lift_a_criterion_tier():
    decision = decide({**HEAD, "district_tax_wan": 900}, ["silver.masters"])
    assert decision["tier"] == "gold"
    assert decision["reasons"][-1]["detail"] == "区库年税收900万元，要求超过800万元"
    # Why not diamond: the bound missed, cited.
    assert [u["clause_id"] for u in decision["unmet"]] == ["talent.eligibility.diamond.17"]


@pytest.mark.parametrize("affirmed,tier,count", [
    (["diamond.academician_nobel"], "diamond", 13),
    (["gold.work_permit_b"], "gold", 10),
    (["silver.district_labour_model"], "silver", 7)])
def test_benefits_by_tier(affirmed, tier, count):
    decision = decide({"employer_in_baiyun": True}, affirmed)
    assert decision["tier"] == tier
    assert [b["number"] for b in decision["benefits"]] == list(range(1, count + 1))
    assert [b["clause_id"] for b in decision["benefits"]] == [f"talent.benefits.{n}" for n in range(1, count + 1)]
    assert decision["benefits"][0]["title"] == "落户服务"


def test_diamond_benefits_note_the_choice_between_union_and_checkup():
    decision = decide({"employer_in_baiyun": True}, ["diamond.postdoc"])
    notes = {b["title"]: b.get("note") for b in decision["benefits"]}
    assert notes["工会服务"] == "与（十一）定期体检服务二选一。"
    assert notes["定期体检服务"] == "与（十）工会服务二选一。"
    assert "二选一" in decision["explanation"]


def test_gold_has_union_service_without_a_choice_note():
    decision = decide({"employer_in_baiyun": True}, ["gold.zhujiang_star"])
    assert decision["benefits"][-1]["title"] == "工会服务"
    assert "note" not in decision["benefits"][-1]
    assert "二选一" not in decision["explanation"]


def test_explanation_reads_aloud():
    decision = decide({"employer_in_baiyun": True}, ["gold.phd"])
    assert decision["explanation"].startswith(
        "您符合金卡申领条件（具有国内外研究生学历并有博士以上学位的人员），可享受（一）至（十）项待遇。")


# --- the employer precondition --------------------------------------------------------------

def test_employer_outside_district_is_not_eligible_whatever_else():
    decision = decide({**HEAD, "employer_in_baiyun": False, "district_tax_wan": 5000},
                      ["diamond.academician_nobel"])
    assert decision["outcome"] == "not_eligible" and decision["tier"] is None
    assert decision["unmet"][0]["clause_id"] == "talent.eligibility.p1"
    assert decision["benefits"] == [] and decision["missing"] == []


def test_unknown_employer_is_asked_first():
    decision = decide({}, ["gold.phd"])
    assert decision["outcome"] == "needs_more_info"
    assert decision["missing"] == ["employer_in_baiyun"]
    assert decision["tier"] is None and decision["benefits"] == []
    assert "金卡" in decision["explanation"]


# --- needs_more_info names each fact that could still decide ---------------------------------

@pytest.mark.parametrize("facts,missing", [
    ({}, ["employer_in_baiyun", "enterprise_head", "district_tax_wan", "hightech_revenue_wan",
          "district_investment_wan"]),
    ({"employer_in_baiyun": True}, ["enterprise_head", "district_tax_wan", "hightech_revenue_wan",
                                    "district_investment_wan"]),
    ({**HEAD}, ["district_tax_wan", "hightech_revenue_wan", "district_investment_wan"]),
    ({**HEAD, "district_tax_wan": 100}, ["hightech_revenue_wan", "district_investment_wan"]),
    ({**HEAD, "district_tax_wan": 100, "hightech_revenue_wan": 0}, ["district_investment_wan"]),
    ({**HEAD, "district_tax_wan": 100, "district_investment_wan": 0}, ["hightech_revenue_wan"]),
    ({**HEAD, "hightech_revenue_wan": 0, "district_investment_wan": 0}, ["district_tax_wan"]),
    ({"enterprise_head": True, "district_tax_wan": 2000}, ["employer_in_baiyun"]),
])
def test_needs_more_info_for_each_missing_fact(facts, missing):
    decision = decide(facts)
    assert decision["outcome"] == "needs_more_info"
    assert decision["missing"] == missing


def test_eligible_lists_only_facts_that_could_raise_the_tier():
    decision = decide({**HEAD, "district_tax_wan": 800})
    assert decision["tier"] == "silver"
    assert decision["missing"] == ["hightech_revenue_wan", "district_investment_wan"]
    top = decide({"employer_in_baiyun": True}, ["diamond.science_award"])
    assert top["missing"] == []


def test_nothing_met_points_to_case_by_case_route():
    decision = decide({"employer_in_baiyun": True, "enterprise_head": False})
    assert decision["outcome"] == "not_eligible"
    assert decision["review"] == [{
        "clause_id": "talent.eligibility.other.p1",
        "text": "经区人才工作领导小组认定的符合我区经济社会发展需要的其他有申领云聚英才卡需求的人才，"
                "可根据人才对白云区的贡献一事一议研究。"}]
    assert "一事一议" in decision["explanation"] and "35912660" in decision["explanation"]


def test_a_short_figure_is_reported_once_at_the_lowest_bound():
    decision = decide({**HEAD, "district_tax_wan": 300, "hightech_revenue_wan": 0,
                       "district_investment_wan": 0})
    assert decision["outcome"] == "not_eligible"
    details = [u["detail"] for u in decision["unmet"]]
    assert details == ["区库年税收300万元，要求超过500万元",
                       "高新技术企业年产值／营收0万元，要求1亿元（含）至3亿元（不含）",
                       "在白云区累计投资额0万元，要求超过10亿元"]


def test_every_talent_criterion_can_establish_its_tier():
    for criterion in criteria("talent-card"):
        decision = decide({"employer_in_baiyun": True}, [criterion["id"]])
        assert decision["tier"] == criterion["group"], criterion["id"]
        assert decision["reasons"][1] == {"clause_id": criterion["clause_id"],
                                          "text": criterion["text"], "detail": "本人确认符合"}
