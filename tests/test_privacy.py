"""Personal data is masked: each kind of number and address, in the forms people type them,
and nothing else (the documents' own text and the facts of an assessment stay as they are)."""
from __future__ import annotations

import io
import logging
import os

import pytest

from gateway.privacy import MaskingFilter, copy_masked, mask, mask_data
from knowledge import load_clauses

# Made-up numbers of the right shape (the ID numbers have a valid date; no check digit needed).
TYPED = {
    "身份证号": ["440106199003071234", "44010619900307123X", "44010619900307123x",
               "440106 19900307 1234", "440106900307123"],
    "手机号": ["13812345678", "138 1234 5678", "138-1234-5678", "+86 13812345678",
             "+8613812345678", "008613812345678", "１３８１２３４５６７８"],
    "银行卡号": ["6222021234567890", "6222 0212 3456 7890", "6222-0212-3456-7890-123",
              "6217000010012345678"],
    "邮箱": ["zhang.san@example.com", "li_si+hr@mail.example.org.cn", "wang５@qq.com"],
}


@pytest.mark.parametrize("kind,value", [(k, v) for k, values in TYPED.items() for v in values])
def test_each_kind_is_replaced_by_its_placeholder(kind, value):
    masked = mask(f"我的{kind}是{value}，请帮我查一下")
    assert masked == f"我的{kind}是[{kind}]，请帮我查一下"


def test_a_number_followed_by_other_words_is_still_masked():
    assert mask("电话13812345678 万一打不通请发邮件") == "电话[手机号] 万一打不通请发邮件"
    assert mask("13812345678人在深圳") == "[手机号]人在深圳"


def test_several_in_one_message_and_the_words_around_them_are_kept():
    text = "身份证440106199003071234，电话13812345678，卡号6222021234567890，邮箱a@b.cn。博士能办什么卡？"
    assert mask(text) == "身份证[身份证号]，电话[手机号]，卡号[银行卡号]，邮箱[邮箱]。博士能办什么卡？"


@pytest.mark.parametrize("text", [
    "区库年税收900万元，研发人员30人，近三年平均主营业务收入1500万元",
    "2024年申报，发明专利5项",
    "咨询电话：020-36689520",
    "营收5亿元（含）以上，投资额100000万元",
    "1381234567",          # ten digits: not a mobile number
    "近三年平均主营业务收入13800000000元",  # an amount in 元
    "累计投资额1234567890123456元",
    "138123456789012",     # 15 digits that are no date: not an ID number
])
def test_figures_of_an_assessment_and_office_numbers_are_not_personal_data(text):
    assert mask(text) == text


def test_every_clause_of_the_documents_is_left_as_it_is():
    """A stored answer still quotes the documents verbatim, including the mobile number the
    talent-card guide publishes for airport appointments."""
    changed = [c["clause_id"] for c in load_clauses() if mask(c["text"]) != c["text"]]
    assert changed == []
    assert any("13560135683" in c["text"] for c in load_clauses())


def test_nested_data_is_masked_and_keys_and_other_values_kept():
    data = {"text": "13812345678", "parse_data": {"entities": [{"entity": "phone",
                                                                "value": "13812345678", "start": 0}]},
            "value": 900, "flag": True, "none": None}
    assert mask_data(data) == {"text": "[手机号]", "parse_data": {"entities": [
        {"entity": "phone", "value": "[手机号]", "start": 0}]}, "value": 900, "flag": True, "none": None}


def test_log_records_are_masked_with_their_arguments_and_tracebacks():
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(MaskingFilter())
    logger = logging.getLogger("test.privacy")
    logger.addHandler(handler)
    logger.propagate = False
    try:
        logger.warning("message from %s: %s", "web-1", "我的手机13812345678")
        try:
            raise ValueError("bad id 440106199003071234")
        except ValueError:
            logger.exception("failed for zhang.san@example.com")
    finally:
        logger.removeHandler(handler)
    out = stream.getvalue()
    assert "13812345678" not in out and "440106199003071234" not in out
    assert "zhang.san@example.com" not in out
    assert "我的手机[手机号]" in out and "bad id [身份证号]" in out and "failed for [邮箱]" in out


def test_a_service_log_is_copied_masked(tmp_path):
    read, write = os.pipe()
    with os.fdopen(write, "wb") as child_output:
        child_output.write("收到消息：身份证 440106199003071234\n第二行 6222021234567890\n".encode())
    copy_masked(os.fdopen(read, "rb"), tmp_path / "service.log")
    assert (tmp_path / "service.log").read_text(encoding="utf-8") == \
        "收到消息：身份证 [身份证号]\n第二行 [银行卡号]\n"
