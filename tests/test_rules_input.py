"""Wrong input is a clear error (RulesInputError; exit 2 with a message on stderr), never a
decision and never a crash."""
import json
import subprocess
import sys
from pathlib import Path

import pytest

from rules import RulesInputError, evaluate, questions

ROOT = Path(__file__).resolve().parent.parent


def run(args, stdin=""):
    return subprocess.run([sys.executable, "-m", "rules", *args], input=stdin, cwd=ROOT,
                          capture_output=True, text=True, timeout=60)


BAD_REQUESTS = [
    ("talent-card", {"facts": {}, "criteria": ["gold.no_such_thing"]}, "未知的条件编号"),
    ("talent-card", {"facts": {}, "criteria": ["direct.innovation_center"]}, "未知的条件编号"),
    ("talent-card", {"facts": {}, "criteria": "gold.phd"}, "criteria"),
    ("talent-card", {"facts": {}, "criteria": [1]}, "字符串"),
    ("talent-card", {"facts": {"employer_in_baiyun": "true"}}, "true 或 false"),
    ("talent-card", {"facts": {"employer_in_baiyun": 1}}, "true 或 false"),
    ("talent-card", {"facts": {"district_tax_wan": True}}, "数字"),
    ("talent-card", {"facts": {"district_tax_wan": "800"}}, "数字"),
    ("talent-card", {"facts": {"district_tax_wan": -1}}, "负数"),
    ("talent-card", {"facts": {"salary": 5}}, "未知的事实"),
    ("talent-card", {"facts": []}, "facts"),
    ("partner", {"facts": {"rd_team_size": -3}}, "负数"),
    ("partner", {"facts": {"rd_team_size": 19.5}}, "整数"),
    ("partner", {"facts": {"qualified_staff_ratio": 1.2}}, "0 到 1"),
    ("partner", {"facts": {"qualified_staff_ratio": 60}}, "0 到 1"),
    ("partner", {"facts": {"domain": "人工智能"}}, "以下之一"),
    ("partner", {"facts": {"unit_type": "大学"}}, "以下之一"),
    ("partner", {"facts": {"already_partner": "否"}}, "true 或 false"),
    # beyond any real figure; before, the wording of the decision overflowed (a crash)
    ("talent-card", {"facts": {"district_tax_wan": 10**400}}, "过大"),
    ("partner", {"facts": {"avg_revenue_wan": 1e300}}, "过大"),
]


@pytest.mark.parametrize("program,request_,message", BAD_REQUESTS)
def test_api_refuses_bad_input(program, request_, message):
    with pytest.raises(RulesInputError, match=message):
        evaluate(program, request_.get("facts"), request_.get("criteria"))


@pytest.mark.parametrize("program,request_,message",
                         BAD_REQUESTS[:4] + BAD_REQUESTS[11:16] + BAD_REQUESTS[-2:])
def test_cli_exits_2_with_a_message(program, request_, message):
    done = run(["evaluate", program], json.dumps(request_, ensure_ascii=False))
    assert done.returncode == 2 and done.stdout == ""
    assert message in done.stderr and "Traceback" not in done.stderr


@pytest.mark.parametrize("args,stdin,message", [
    (["evaluate", "partner"], "{not json", "JSON"),
    (["evaluate", "partner"], "", "JSON"),
    (["evaluate", "partner"], "[1, 2]", "JSON 对象"),
    (["evaluate", "partner"], '{"facts": {}, "criterion": []}', "未知的字段"),
    (["evaluate", "partner"], '{"facts": {"rd_team_size": NaN}}', "有限"),
    (["evaluate", "housing"], "{}", "未知的项目"),
    (["criteria", "housing"], "", "未知的项目"),
    (["criteria"], "", "用法"),
    (["judge", "partner"], "", "用法"),
])
def test_cli_refuses_malformed_requests(args, stdin, message):
    done = run(args, stdin)
    assert done.returncode == 2
    assert message in done.stderr and "Traceback" not in done.stderr


def test_accepted_forms():
    # ints for number facts, integral floats for counts, null as unknown, criteria omitted.
    decision = evaluate("partner", {"domain": "智能制造试点示范", "gd_cases_3y": 5.0,
                                    "rd_team_size": None, "already_partner": None}, None)
    assert decision["outcome"] == "not_eligible"  # no basic condition affirmed
    decision = evaluate("talent-card", {"employer_in_baiyun": True, "enterprise_head": True,
                                        "district_tax_wan": 1001}, [])
    assert decision["tier"] == "diamond"


def test_cli_evaluate_prints_the_decision():
    request = {"facts": {"employer_in_baiyun": True}, "criteria": ["gold.phd"]}
    done = run(["evaluate", "talent-card"], json.dumps(request))
    assert done.returncode == 0, done.stderr
    decision = json.loads(done.stdout)
    assert set(decision) >= {"program", "outcome", "tier", "tier_name", "reasons", "unmet", "review",
                             "benefits", "missing", "explanation"}
    assert "金卡" in done.stdout  # ensure_ascii=False: Chinese as itself


def test_questions_cover_every_fact_and_group():
    for program in ("talent-card", "partner"):
        asked = questions(program)
        done = run(["questions", program])
        assert json.loads(done.stdout) == asked
        assert all(text.endswith(("？", "）")) for text in asked["facts"].values())
        assert all(text.endswith("？") for text in asked["groups"].values())
    assert set(questions("talent-card")["groups"]) == {"diamond", "gold", "silver"}
    assert "智能制造人才" in questions("partner")["groups"]
