"""`make bench` (rules): what the rule files hold, and how fast a decision is made (in-process
and through `python -m rules evaluate`, start-up included)."""
from __future__ import annotations

import json
import statistics
import subprocess
import sys
import time
from pathlib import Path

from rules import criteria, evaluate, fact_specs
from rules.data import load_rules

ROOT = Path(__file__).resolve().parent.parent


def requests_to_time() -> list:
    """Each criterion affirmed alone, plus a run of enterprise figures and partner domains."""
    talent = [("talent-card", {"employer_in_baiyun": True}, [c["id"]]) for c in criteria("talent-card")]
    talent += [("talent-card", {"employer_in_baiyun": True, "enterprise_head": True,
                                "district_tax_wan": tax}, []) for tax in range(0, 2000, 50)]
    basic = [c["id"] for c in criteria("partner") if c["group"] == "basic"]
    partner = []
    for domain in fact_specs("partner")["domain"]["choices"]:
        own = [c["id"] for c in criteria("partner") if c["group"] == domain]
        for patents in range(10):
            partner.append(("partner", {"domain": domain, "invention_patents": patents,
                                        "gd_cases_3y": patents, "rd_team_size": 18 + patents},
                            basic + own))
    return talent + partner


def count_rules(program: str) -> str:
    def walk(node, key):
        if isinstance(node, dict):
            own = len(node[key]) if key in node else 0
            return own + sum(walk(v, key) for v in node.values())
        if isinstance(node, list):
            return sum(walk(v, key) for v in node)
        return 0

    rules = load_rules(program)
    return (f"{program:<12} criteria {len(criteria(program)):>3}  numeric {walk(rules, 'conditions'):>3}"
            f"  review {walk(rules, 'review'):>3}  facts {len(rules['facts']):>3}")


def main() -> int:
    print("rules: what the rule files hold")
    for program in ("talent-card", "partner"):
        print("  " + count_rules(program))

    timed = requests_to_time()
    for program, facts, affirmed in timed[:20]:  # warm up: files loaded once per process
        evaluate(program, facts, affirmed)
    took = []
    for program, facts, affirmed in timed:
        started = time.perf_counter()
        evaluate(program, facts, affirmed)
        took.append((time.perf_counter() - started) * 1000)
    took.sort()
    print(f"evaluate() in process: {len(took)} decisions, p50 {statistics.median(took):.3f} ms, "
          f"p95 {took[int(0.95 * (len(took) - 1))]:.3f} ms")

    walls = []
    request = json.dumps({"facts": {"employer_in_baiyun": True}, "criteria": ["gold.phd"]})
    for _ in range(5):
        started = time.perf_counter()
        subprocess.run([sys.executable, "-m", "rules", "evaluate", "talent-card"], input=request,
                       cwd=ROOT, capture_output=True, text=True, check=True)
        walls.append((time.perf_counter() - started) * 1000)
    print(f"python -m rules evaluate (process start included): median {statistics.median(walls):.0f} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
