"""The development set (tests/data/eligibility_dev.yml) through the commands, exactly as its
header describes: key phrases map to the one criterion whose text contains them in the output
of `python -m rules criteria PROGRAM`; the decision comes from `python -m rules evaluate`."""
import json
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
DEV = yaml.safe_load((ROOT / "tests" / "data" / "eligibility_dev.yml").read_text(encoding="utf-8"))
CASES = [(program, case) for program, cases in DEV.items() for case in cases]


def run_rules(*args, stdin=""):
    return subprocess.run([sys.executable, "-m", "rules", *args], input=stdin, cwd=ROOT,
                          capture_output=True, text=True, timeout=60)


@pytest.fixture(scope="module")
def listings():
    listed = {}
    for program in DEV:
        done = run_rules("criteria", program)
        assert done.returncode == 0, done.stderr
        listed[program] = json.loads(done.stdout)
    return listed


def criterion_for(listing, phrase):
    matches = [c["id"] for c in listing if phrase in c["text"]]
    assert len(matches) == 1, f"{phrase!r} matches {matches}"
    return matches[0]


def affirmed(case, listing):
    ids = [criterion_for(listing, phrase) for phrase in case.get("criteria", [])]
    for group in case.get("affirm", []):
        name = case["facts"]["domain"] if group == "domain" else group
        ids += [c["id"] for c in listing if c["group"] == name]
    withheld = case.get("withhold", [])
    return [i for i in ids if not any(p in c["text"] for c in listing if c["id"] == i for p in withheld)]


def cited_texts(decision):
    return [item["text"] for key in ("reasons", "unmet", "review", "benefits") for item in decision[key]]


@pytest.mark.parametrize("program,case", CASES, ids=[f"{p}:{c['name']}" for p, c in CASES])
def test_dev_case(program, case, listings):
    request = {"facts": case["facts"], "criteria": affirmed(case, listings[program])}
    done = run_rules("evaluate", program, stdin=json.dumps(request, ensure_ascii=False))
    assert done.returncode == 0, done.stderr
    decision = json.loads(done.stdout)
    expect = case["expect"]
    assert decision["outcome"] == expect["outcome"], decision["explanation"]
    if "tier" in expect:
        assert decision["tier"] == expect["tier"]
    if "benefits" in expect:
        assert len(decision["benefits"]) == expect["benefits"]
    if "missing" in expect:
        assert decision["missing"] == expect["missing"]
    for phrase in expect.get("cite", []):
        assert any(phrase in text for text in cited_texts(decision)), phrase
