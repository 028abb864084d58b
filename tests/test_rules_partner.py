"""智能制造生态合作伙伴 decisions: already selected, direct recognition, and 遴选加入 with every
domain's numeric bounds at their edge, missing facts in asking order, review never blocking."""
import pytest

from rules import criteria, evaluate

LISTING = criteria("partner")


def group(name):
    return [c["id"] for c in LISTING if c["group"] == name]


def decide(facts, affirmed=()):
    return evaluate("partner", {"already_partner": False, **facts}, list(affirmed))


def selection(domain, facts, withheld=()):
    """A 遴选加入 applicant of this domain affirming every basic and domain criterion."""
    affirmed = [i for i in group("basic") + group(domain) if i not in withheld]
    return decide({"domain": domain, **facts}, affirmed)


# Each domain's figures exactly at the document's bound (以上/不少于/（含） include it).
AT_BOUND = {
    "智能制造装备": {"invention_patents": 5, "rd_team_size": 20, "avg_revenue_wan": 1500},
    "关键软件": {"software_copyrights": 5, "gd_cases_3y": 5, "rd_team_size": 20},
    "信息网络基础设施": {"gd_cases_3y": 5, "invention_patents": 5},
    "智能制造系统解决方案": {"gd_cases_3y": 5, "invention_patents": 5, "rd_team_size": 20},
    "行业组织": {"staff_count": 20, "qualified_staff_ratio": 0.5, "service_cases_3y": 5},
    "智能制造金融服务": {"staff_count": 20, "financial_products": 3, "service_cases_3y": 10},
    "智能制造试点示范": {"gd_cases_3y": 5},
}
# Just below the bound, per fact (service cases: 5 for 行业组织, 10 for 金融服务).
BELOW = {"invention_patents": 4, "software_copyrights": 4, "rd_team_size": 19, "avg_revenue_wan": 1499.99,
         "gd_cases_3y": 4, "staff_count": 19, "qualified_staff_ratio": 0.49, "financial_products": 2,
         "service_cases_3y": 4}
BELOW_IN = {("智能制造金融服务", "service_cases_3y"): 9}


@pytest.mark.parametrize("domain", AT_BOUND)
def test_figures_at_the_bound_are_enough(domain):
    decision = selection(domain, AT_BOUND[domain])
    assert decision["outcome"] == "eligible", decision["explanation"]
    assert decision["missing"] == [] and decision["unmet"] == []
    assert "partner.apply.selection.4" in [r["clause_id"] for r in decision["reasons"]]


CASES_BELOW = [(d, f) for d, facts in AT_BOUND.items() for f in facts]


@pytest.mark.parametrize("domain,fact", CASES_BELOW, ids=[f"{d}-{f}" for d, f in CASES_BELOW])
def test_one_figure_below_the_bound_fails(domain, fact):
    below = BELOW_IN.get((domain, fact), BELOW[fact])
    decision = selection(domain, {**AT_BOUND[domain], fact: below})
    assert decision["outcome"] == "not_eligible"
    assert decision["missing"] == []
    failed = [u for u in decision["unmet"] if u["clause_id"].startswith("partner.conditions.")]
    assert len(failed) == 1 and "要求" in failed[0]["detail"]
    assert decision["unmet"][-1]["clause_id"] == "partner.apply.selection.4"


def test_named_boundaries_of_the_issue():
    at = {"invention_patents": 5, "rd_team_size": 20}
    assert selection("智能制造装备", {**at, "avg_revenue_wan": 1500})["outcome"] == "eligible"
    assert selection("智能制造装备", {**at, "avg_revenue_wan": 1499})["outcome"] == "not_eligible"
    short = selection("智能制造装备", {"invention_patents": 5, "rd_team_size": 19, "avg_revenue_wan": 2000})
    assert short["unmet"][0]["detail"] == "研发技术团队19人，要求20人（含）以上"
    assert short["unmet"][0]["text"] == "研发技术团队不少于20人"


def test_detail_reads_like_the_contract():
    decision = selection("信息网络基础设施", {"gd_cases_3y": 6, "invention_patents": 4})
    assert decision["unmet"][0]["detail"] == "所在领域核心发明专利4项，要求5项（含）以上"


@pytest.mark.parametrize("domain", AT_BOUND)
def test_each_missing_figure_is_asked(domain):
    for fact in AT_BOUND[domain]:
        facts = {k: v for k, v in AT_BOUND[domain].items() if k != fact}
        decision = selection(domain, facts)
        assert decision["outcome"] == "needs_more_info"
        assert decision["missing"] == [fact]


@pytest.mark.parametrize("domain,order", [
    ("智能制造装备", ["invention_patents", "rd_team_size", "avg_revenue_wan"]),
    ("关键软件", ["software_copyrights", "gd_cases_3y", "rd_team_size"]),
    ("行业组织", ["staff_count", "qualified_staff_ratio", "service_cases_3y"]),
    ("智能制造金融服务", ["staff_count", "financial_products", "service_cases_3y"]),
])
def test_missing_figures_come_in_document_order(domain, order):
    assert selection(domain, {})["missing"] == order


def test_domain_is_asked_first():
    decision = decide({}, group("basic"))
    assert decision["outcome"] == "needs_more_info"
    assert decision["missing"] == ["domain"]


def test_unmet_basic_condition_decides_before_domain_is_known():
    decision = decide({}, group("basic")[:2])
    assert decision["outcome"] == "not_eligible"
    assert decision["unmet"][0]["clause_id"] == "partner.apply.selection.3"


@pytest.mark.parametrize("withheld", group("basic"))
def test_each_basic_condition_is_required(withheld):
    decision = selection("智能制造试点示范", {"gd_cases_3y": 8}, withheld=[withheld])
    assert decision["outcome"] == "not_eligible"
    assert [u["detail"] for u in decision["unmet"]] == ["未确认符合"]


def test_a_withheld_domain_criterion_fails_even_with_good_figures():
    decision = selection("智能制造装备", AT_BOUND["智能制造装备"], withheld=["equipment.rd_institution"])
    assert decision["outcome"] == "not_eligible"
    assert decision["unmet"][0]["text"] == "企业设有或正在建设研发机构"


def test_already_partner_needs_no_application():
    decision = evaluate("partner", {"already_partner": True, "domain": "关键软件"},
                        group("direct")[:1] + group("basic"))
    assert decision["outcome"] == "already_partner"
    assert decision["reasons"] == [{"clause_id": "partner.apply.p1",
                                    "text": "已入选第一、二、三批合作伙伴名单的单位无需重复申报。"}]


@pytest.mark.parametrize("criterion", group("direct"))
def test_each_qualification_means_direct_recognition(criterion):
    decision = evaluate("partner", {}, [criterion])
    assert decision["outcome"] == "direct_recognition"
    assert [r["clause_id"] for r in decision["reasons"]] == [
        next(c["clause_id"] for c in LISTING if c["id"] == criterion)]
    assert "直接认定" in decision["explanation"]


def test_direct_recognition_needs_no_selection_conditions():
    decision = decide({"domain": "关键软件", "software_copyrights": 0}, ["direct.innovation_center"])
    assert decision["outcome"] == "direct_recognition" and decision["unmet"] == []


def test_review_items_are_listed_and_never_block():
    decision = selection("智能制造装备", AT_BOUND["智能制造装备"])
    assert decision["outcome"] == "eligible"
    reviewed = [r["text"] for r in decision["review"]]
    assert "技术水平处于国内领先地位，具有较强的带动性或带动潜力，能够代表行业发展趋势，引领行业发展方向。" in reviewed
    assert not set(reviewed) & {r["text"] for r in decision["reasons"]}
    assert "专家" in decision["explanation"]


@pytest.mark.parametrize("phrase", ["国内领先地位", "运作规范", "技术先进", "国内先进", "用户满意度较高"])
def test_qualitative_conditions_are_never_criteria(phrase):
    assert not [c["id"] for c in LISTING if phrase in c["text"]]


def test_pilot_tables_go_to_review():
    decision = selection("智能制造试点示范", {"gd_cases_3y": 5})
    assert "partner.conditions.pilot.1" in [r["clause_id"] for r in decision["review"]]


# --- 智能制造人才: three kinds of unit, each judged on its own clause ---------------------------

def test_talent_unit_kinds_are_judged_on_their_clause():
    assert selection("智能制造人才", {"unit_type": "企业", "co_built_programs": 3})["outcome"] == "eligible"
    assert selection("智能制造人才", {"unit_type": "院校", "partner_enterprises": 3})["outcome"] == "eligible"
    research = {"unit_type": "科研院所", "rd_team_size": 20, "invention_patents": 5}
    assert selection("智能制造人才", research)["outcome"] == "eligible"
    # A college is not judged on the enterprise clause.
    wrong = selection("智能制造人才", {"unit_type": "院校", "co_built_programs": 9})
    assert (wrong["outcome"], wrong["missing"]) == ("needs_more_info", ["partner_enterprises"])


@pytest.mark.parametrize("facts,outcome", [
    ({"co_built_programs": 3}, "eligible"), ({"co_built_programs": 2}, "not_eligible"),
    ({"partner_enterprises": 3}, "eligible"), ({"partner_enterprises": 2}, "not_eligible"),
    ({"rd_team_size": 20, "invention_patents": 5}, "eligible"),
    ({"rd_team_size": 19, "invention_patents": 5}, "not_eligible")])
def test_talent_unit_kind_is_read_from_its_figures(facts, outcome):
    assert selection("智能制造人才", facts)["outcome"] == outcome


def test_talent_unit_kind_unknown_is_asked_first():
    decision = selection("智能制造人才", {})
    assert decision["outcome"] == "needs_more_info"
    assert decision["missing"][0] == "unit_type"
    assert set(decision["missing"]) == {"unit_type", "partner_enterprises", "rd_team_size",
                                        "invention_patents", "co_built_programs"}


def test_talent_enterprise_needs_its_cooperation_criterion():
    decision = selection("智能制造人才", {"unit_type": "企业", "co_built_programs": 5},
                         withheld=["talent.enterprise_school_cooperation"])
    assert decision["outcome"] == "not_eligible"
