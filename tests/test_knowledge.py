"""The clause contract: verbatim text, nothing dropped, stable ids, the document's hierarchy."""
import json
import re
import subprocess
import sys

import pytest

from knowledge import SOURCES, clause_by_id, load_clauses, squash
from knowledge.parser import PATH_SEPARATOR, parse

LIST_NUMBER = re.compile(r"^(附件：)?(\d+[．.]|（[一二三四五六七八九十\d]+）|\(\d+\))")
NUMBERING = re.compile(r"^(附件\d+(\.\d+)?|[一二三四五六七八九十]+、|\d+、|（[一二三四五六七八九十\d]+）|表\d+\.\d+)")


@pytest.fixture(scope="module")
def documents():
    return {source.doc_id: parse(source) for source in SOURCES}


def test_every_clause_is_verbatim():
    squashed = {source.doc_id: squash(source.path.read_text(encoding="utf-8")) for source in SOURCES}
    not_verbatim = [c["clause_id"] for c in load_clauses() if squash(c["text"]) not in squashed[c["doc_id"]]]
    assert not_verbatim == []


def test_clause_text_never_carries_markers_or_outer_space():
    for clause in load_clauses():
        assert "[bookmark" not in clause["text"]
        assert clause["text"] == clause["text"].strip() and clause["text"]


@pytest.mark.parametrize("source", SOURCES, ids=lambda s: s.doc_id)
def test_every_source_line_belongs_to_a_clause_or_a_heading(source, documents):
    document = documents[source.doc_id]
    clause_of_line = {n: c for c in document.clauses for n in c["lines"]}
    headings = dict(document.headings)
    paths = squash(" ".join(c["path"] for c in document.clauses) + source.title)
    uncovered, total, covered = [], 0, 0
    for number, raw in enumerate(source.read_lines(), start=1):
        line = squash(raw)
        if not line:
            continue
        total += len(line)
        if number in clause_of_line:
            # the clause that claims a line really carries its text
            content = squash(LIST_NUMBER.sub("", squash(raw)))   # the number lives in the path
            clause = clause_of_line[number]
            if clause["kind"] == "table_row" and content.isdigit():
                assert clause["path"].endswith(PATH_SEPARATOR + content)   # the row's 序号
            else:
                assert content in squash(clause["text"]), number
            covered += len(line)
        elif number in headings:
            title = squash(NUMBERING.sub("", headings[number].strip()).rstrip("：。"))
            assert title in paths or title == "序号" or title == "附件2", (number, title)
            covered += len(line)
        else:
            uncovered.append((number, raw))
    assert uncovered == []
    assert covered / total >= 0.98


def test_ids_are_unique_and_stable_across_builds():
    first = [c["clause_id"] for c in load_clauses()]
    second = [c["clause_id"] for source in SOURCES for c in parse(source).clauses]
    assert len(first) == len(set(first))
    assert first == second


@pytest.mark.parametrize("clause_id, path, text_start", [
    ("talent.eligibility.gold.6", "一、申领白云区云聚英才卡 › 2、申领条件 › （二）金卡 › 6",
     "具有国内外研究生学历并有博士以上学位的人员。"),
    ("talent.eligibility.diamond.17", "一、申领白云区云聚英才卡 › 2、申领条件 › （一）钻石卡 › 17",
     "区库年税收超过1000万企业主要负责人"),
    # the export wrote （4）其他情形 and （1）落户服务; the document reads （四） and （一）
    ("talent.eligibility.other.p1", "一、申领白云区云聚英才卡 › 2、申领条件 › （四）其他情形",
     "经区人才工作领导小组认定"),
    ("talent.benefits.1", "一、申领白云区云聚英才卡 › 3、相关待遇 › （一）", "落户服务。"),
    ("talent.procedure.basic.2.3",
     "一、申领白云区云聚英才卡 › 4、申领程序 › （一）申领人基本申报材料 › 2 › (3)", "具有港澳台身份的"),
    ("talent.service.13.process.1",
     "二、白云区云聚英才卡服务指南 › 十三、便捷通关服务 › （三）服务流程 › 1", "预约服务。"),
    ("partner.apply.selection.3", "一、申报方式及条件 › 遴选加入 › 3", "信用良好"),
    ("partner.apply.direct.9", "一、申报方式及条件 › 直接认定 › 9", "智能制造领域省级及以上制造业创新中心"),
    ("partner.conditions.equipment.2",
     "附件1 广东省智能制造生态合作伙伴遴选条件 › 一、智能制造装备领域 › （二）", "企业设有或正在建设研发机构"),
    ("partner.conditions.pilot.table1_5.1.2",
     "附件1 广东省智能制造生态合作伙伴遴选条件 › 八、智能制造试点示范领域 › "
     "表1.5 智能服务和管理试点示范项目要素条件 › （一）智能服务 › 2", "以远程运维服务平台"),
])
def test_known_clauses_sit_where_the_document_puts_them(clause_id, path, text_start):
    clause = clause_by_id(clause_id)
    assert clause is not None, clause_id
    assert clause["path"] == path
    assert clause["text"].startswith(text_start)


def test_service_guide_clauses_know_whom_to_call():
    assert clause_by_id("talent.service.13.content.1.1")["contacts"] == [
        {"office": "区投资促进局企业服务科", "phone": "36611377"}]
    assert {"office": "区税务局纳税服务科", "phone": "86398281"} in clause_by_id("talent.service.3.p1")["contacts"]
    # the application part of the guide has one hotline
    assert clause_by_id("talent.eligibility.gold.6")["contacts"] == [
        {"office": "白云区人力资源社会保障局专业技术人员管理科", "phone": "35912660"}]


def test_tables_are_rows_a_person_can_read():
    row = clause_by_id("partner.form2_1.1.1.r7")
    assert row["text"] == "注册时间 年 月 注册资金 万元 外资比例 %"
    assert all(PATH_SEPARATOR in c["path"] for c in load_clauses() if c["kind"] == "table_row")


def test_cli_prints_the_contract_json():
    result = subprocess.run([sys.executable, "-m", "knowledge", "clauses"],
                            capture_output=True, text=True, check=True)
    clauses = json.loads(result.stdout)
    assert len(clauses) == len(load_clauses())
    assert {"clause_id", "doc_id", "doc_title", "path", "text"} <= set(clauses[0])
    assert {c["doc_title"] for c in clauses} == {s.title for s in SOURCES}
