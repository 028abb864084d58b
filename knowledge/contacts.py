"""Whom a person should call: the numbers the documents list, and the one general hotline.

The talent guide names its application hotline (六、申领受理咨询电话). The partner guide lists
no phone at all, only that the 所在地市工信部门 review applications first; so a partner question
the documents do not settle is pointed there and to the government service hotline, which is a
deployment setting (POLICY_GENERAL_HOTLINE, default 12345 政务服务便民热线), not document text.
"""
from __future__ import annotations

import os

from knowledge import clause_by_id

TALENT_HOTLINE_CLAUSE = "talent.contact.p1"
PARTNER_CONTACT_CLAUSE = "partner.process.2"


def general_hotline() -> str:
    return os.environ.get("POLICY_GENERAL_HOTLINE", "12345")


def talent_hotline() -> dict:
    contact = clause_by_id(TALENT_HOTLINE_CLAUSE)["contacts"][0]
    return {"office": contact["office"], "phone": contact["phone"]}


def talent_line() -> str:
    contact = talent_hotline()
    return f"云聚英才卡相关问题请致电{contact['office']}：{contact['phone']}。"


def partner_line() -> str:
    return ("《广东省智能制造生态合作伙伴（2024年）申报指南》没有列出咨询电话；申报材料由所在地市工信部门初审，"
            f"请向所在地市工信部门咨询，或拨打政务服务便民热线{general_hotline()}。")


def contact_lines(topic: str) -> tuple[str, list[str]]:
    """The text for `topic` (talent, partner or both) and the clause ids it rests on."""
    lines, cited = [], []
    if topic in ("talent", "both"):
        lines.append(talent_line())
        cited.append(TALENT_HOTLINE_CLAUSE)
    if topic in ("partner", "both"):
        lines.append(partner_line())
        cited.append(PARTNER_CONTACT_CLAUSE)
    return "".join(lines), cited
