"""The rule files against the documents: every rule names an existing clause and quotes it
verbatim; every clause of 申领条件 and 附件1 is covered by a rule or listed as not decidable;
criteria ids and key phrases are unambiguous; numeric rules are well formed."""
import re

import pytest

from knowledge import clause_by_id, load_clauses, squash
from rules import criteria, fact_specs
from rules.data import load_rules

PROGRAMS = ("talent-card", "partner")


def cited_rules(node):
    """Every mapping in a rule file that cites a clause (criterion, condition, review, …)."""
    if isinstance(node, dict):
        if "clause_id" in node:
            yield node
        for value in node.values():
            yield from cited_rules(value)
    elif isinstance(node, list):
        for value in node:
            yield from cited_rules(value)


def numeric_conditions(node):
    return [rule for rule in cited_rules(node) if "fact" in rule and "compare" in rule]


@pytest.mark.parametrize("program", PROGRAMS)
def test_every_rule_cites_an_existing_clause_verbatim(program):
    for rule in cited_rules(load_rules(program)):
        clause = clause_by_id(rule["clause_id"])
        assert clause is not None, rule["clause_id"]
        assert rule["text"].strip() == rule["text"] and rule["text"]
        assert squash(rule["text"]) in squash(clause["text"]), (rule["clause_id"], rule["text"])


@pytest.mark.parametrize("program", PROGRAMS)
def test_criteria_listing_matches_the_contract_shape(program):
    listed = criteria(program)
    assert listed and all(set(c) == {"id", "group", "clause_id", "text"} for c in listed)
    ids = [c["id"] for c in listed]
    assert len(ids) == len(set(ids))


def test_contract_example_criterion_is_kept_exactly():
    assert {"id": "gold.phd", "group": "gold", "clause_id": "talent.eligibility.gold.6",
            "text": "具有国内外研究生学历并有博士以上学位的人员。"} in criteria("talent-card")


def test_talent_groups_are_tiers_and_partner_groups_are_named_in_the_contract():
    assert {c["group"] for c in criteria("talent-card")} == {"diamond", "gold", "silver"}
    domains = set(fact_specs("partner")["domain"]["choices"])
    assert {c["group"] for c in criteria("partner")} == {"basic", "direct"} | domains
    assert [c["group"] for c in criteria("partner")].count("direct") == 9
    assert [c["group"] for c in criteria("partner")].count("basic") == 3


def test_facts_are_the_contract_facts():
    assert list(fact_specs("talent-card")) == [
        "employer_in_baiyun", "enterprise_head", "district_tax_wan", "hightech_revenue_wan",
        "district_investment_wan"]
    assert set(fact_specs("partner")) == {
        "already_partner", "domain", "invention_patents", "software_copyrights", "rd_team_size",
        "avg_revenue_wan", "gd_cases_3y", "staff_count", "qualified_staff_ratio",
        "financial_products", "service_cases_3y", "partner_enterprises", "co_built_programs",
        "unit_type"}  # unit_type: added for 智能制造人才 (see partner.yml)
    assert fact_specs("partner")["domain"]["choices"] == [
        "智能制造装备", "关键软件", "信息网络基础设施", "智能制造系统解决方案", "行业组织",
        "智能制造人才", "智能制造金融服务", "智能制造试点示范"]


@pytest.mark.parametrize("program", PROGRAMS)
def test_numeric_rules_are_well_formed(program):
    rules = load_rules(program)
    for rule in numeric_conditions(rules):
        spec = rules["facts"][rule["fact"]]
        assert spec["type"] in ("int", "number", "ratio")
        # Counts in the unit the clause words them (服务案例 are 项 in one domain, 个 in
        # another); amounts in 万元 (the clauses say 万 or 亿); ratios as 0–1.
        if spec["type"] == "ratio":
            assert rule["unit"] == "ratio"
        else:
            assert rule["unit"] == "万元" if spec.get("unit") == "万元" else rule["unit"] in rule["text"]
        if rule["compare"] == "between":
            (low, high), ends = rule["bound"], rule["inclusive"]
            assert low < high and len(ends) == 2 and all(isinstance(e, bool) for e in ends)
        else:
            assert rule["compare"] in (">=", ">") and rule["bound"] >= 0
        if "requires" in rule:
            assert rules["facts"][rule["requires"]]["type"] == "bool"


# The reading of thresholds, checked against the words of each numeric rule's own text:
# 超过/超 (without （含）) is ">", 以上/不少于/（含） is ">=".
@pytest.mark.parametrize("program", PROGRAMS)
def test_each_comparison_matches_its_wording(program):
    for rule in numeric_conditions(load_rules(program)):
        text = rule["text"]
        if rule["compare"] == "between":
            assert re.search(r"\d（含）-\d", text), text
        elif rule["compare"] == ">":
            assert re.search(r"超过?\d", text) and "（含）" not in text, text
        else:
            assert re.search(r"以上|不少于|（含）", text), text


def _clauses_under(*prefixes):
    return [c["clause_id"] for c in load_clauses() if c["clause_id"].startswith(prefixes)]


def test_every_clause_of_talent_eligibility_is_covered():
    rules = load_rules("talent-card")
    covered = {rule["clause_id"] for rule in cited_rules(rules)}
    clauses = _clauses_under("talent.eligibility.", "talent.benefits.")
    assert len(clauses) == 1 + 3 + 18 + 13 + 7 + 1 + 1 + 13
    assert [c for c in clauses if c not in covered] == []


def test_every_clause_of_partner_conditions_is_covered_or_not_decidable():
    rules = load_rules("partner")
    covered = {rule["clause_id"] for rule in cited_rules(rules)}
    excused = tuple(item["clause_prefix"] for item in rules["not_decidable"])
    assert all(item["why"].strip() for item in rules["not_decidable"])
    clauses = _clauses_under("partner.apply.", "partner.conditions.")
    assert len([c for c in clauses if c.startswith("partner.conditions.") and ".table" not in c]) == 23
    uncovered = [c for c in clauses if c not in covered and not c.startswith(excused)]
    assert uncovered == []
    # The excuse covers tables only, never a numbered condition of 附件1.
    assert all(".table" in c for c in clauses if c.startswith(excused))


def test_every_talent_key_phrase_names_one_criterion():
    # No criterion's text contains another's: any phrase of one clause finds only that clause.
    texts = [c["text"] for c in criteria("talent-card")]
    assert [(a, b) for a in texts for b in texts if a != b and squash(a) in squash(b)] == []
    for phrase in ["诺贝尔奖获得者", "外国人工作许可证》（B类）", "外国人工作许可证》（A类）",
                   "市级技能大赛优秀奖以上获奖者", "省级技能大赛优秀奖以上获奖者", "博士以上学位",
                   "硕士学位", "正高级", "国务院特殊津贴专家", "广州市人才绿卡", "优粤卡",
                   "省级以上劳动模范", "市级劳动模范", "区级劳动模范", "珠江科技新星", "博士后",
                   "国家级孵化平台", "省级孵化平台", "市级孵化平台", "入选年度总部企业",
                   "重点“四上”企业", "世界500强", "在海外取得学士"]:
        assert len([t for t in texts if phrase in t]) == 1, phrase


def test_every_partner_key_phrase_names_one_criterion():
    texts = [c["text"] for c in criteria("partner")]
    for phrase in ["国家和省智能制造试点示范项目依托单位", "省级机器人骨干", "大数据/人工智能骨干",
                   "数字化转型产业生态供给资源池", "制造业创新中心", "公共技术支撑平台", "信用良好",
                   "安全生产条件", "独立法人资格", "自主品牌", "OT/IT深度融合", "第三方独立服务",
                   "系统集成服务", "发展规划与年度目标", "学生实习基地", "现代学徒制",
                   "固定的经营服务场所", "项目已经建成", "软硬件设施及开发环境"]:
        assert len([t for t in texts if phrase in t]) == 1, phrase


def test_no_numeric_condition_is_also_a_criterion():
    for program in PROGRAMS:
        criterion_texts = {c["text"] for c in criteria(program)}
        numeric = {rule["text"] for rule in numeric_conditions(load_rules(program))}
        assert not criterion_texts & numeric
