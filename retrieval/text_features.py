"""What a question's words say about a clause: coverage, the kind of answer asked, the document.

Shared by the reranker (which clause answers?) and the answerability model (does any?).
"""
from __future__ import annotations

import hashlib
import re
from pathlib import Path
from typing import TYPE_CHECKING

from retrieval.normalize import colloquial_terms, normalize
from retrieval.tokenizer import tokenize

if TYPE_CHECKING:
    from retrieval.searcher import Searcher

TALENT_WORDS = ("英才卡", "人才卡", "钻石卡", "金卡", "银卡", "持卡", "办卡", "白云")
PARTNER_WORDS = ("合作伙伴", "智能制造", "申报书", "遴选", "直接认定", "工信")

# (what the question asks for, what a clause holding that answer contains)
ANSWER_TYPES = [
    (r"几年|多久|多长时间|有效期|期限|哪年|什么时候|何时|截止|几天|几个工作日",
     r"\d+\s*(年|个月|天|小时|个工作日)|[一二三四五六七八九十两]+(年|个月|天)|常年|每年|时限|日程|当年"),
    (r"多少钱|费用|收费|租金|价格|金额|补贴多少|奖金|奖励多少|免费吗|要钱",
     r"\d+\s*(元|万)|免费|费用|自理|收费"),
    (r"在哪|哪里|地址|街道|位置|怎么走|哪个地方",
     r"路\d*号|地址|大道|楼|地点|窗口|大厅|中心|医院|平台|网"),
    (r"电话|热线|联系方式|号码", r"\d{7,}"),
]


def document_hint(text: str) -> str | None:
    """"talent" or "partner" when the question names only one programme, else None."""
    talent = any(word in text for word in TALENT_WORDS)
    partner = any(word in text for word in PARTNER_WORDS)
    if talent == partner:
        return None
    return "talent" if talent else "partner"


def question_terms(searcher: "Searcher", question: str) -> dict[str, tuple[float, set[str]]]:
    """Each content word of the question: its weight (IDF) and the words that would cover it.

    A colloquial word is covered by the document's term for it (老总 by 主要负责人). A word the
    documents never use gets the weight of a rare word: it is likely what the question is about.
    """
    text = normalize(question)
    idf = searcher.bm25.idf
    rare = searcher.bm25.max_idf
    aliases: dict[str, set[str]] = {}
    for said, term in colloquial_terms():
        if said in text:
            for token in tokenize(said):
                aliases.setdefault(token, set()).update(tokenize(term))
    return {token: (idf.get(token, rare), {token} | aliases.get(token, set()))
            for token in set(tokenize(text))}


def coverage(terms: dict[str, tuple[float, set[str]]], clause_tokens: set[str]) -> float:
    """Share of the question's weight whose words occur in the clause."""
    total = sum(weight for weight, _ in terms.values())
    if total == 0:
        return 0.0
    return sum(weight for weight, words in terms.values() if words & clause_tokens) / total


def answer_type_missing(question: str, clause_text: str) -> float:
    """1 when the question asks for a kind of answer (a duration, an amount…) the clause lacks."""
    return float(any(re.search(asked, question) and not re.search(held, clause_text)
                     for asked, held in ANSWER_TYPES))


# What a question becomes before any model sees it: a fitted model is stale when these change.
QUESTION_PIPELINE = ("text_features.py", "normalize.py", "tokenizer.py", "colloquial.yml",
                     "passages.py", "bm25.py")


def source_fingerprint(module_file: str, *siblings: str) -> str:
    """Hash of a module's source, sibling files, the question pipeline, the jieba dictionary and
    the rule files: fitted models are tied to this code and data."""
    here = Path(module_file)
    paths = [here, *(here.with_name(name) for name in siblings + QUESTION_PIPELINE)]
    paths += sorted((here.parent.parent / "knowledge" / "jieba").glob("*.txt"))
    paths += sorted((here.parent.parent / "knowledge" / "rules").glob("*.yml"))  # read by question.py
    digest = hashlib.sha256()
    for path in paths:
        digest.update(path.read_bytes())
    return digest.hexdigest()
