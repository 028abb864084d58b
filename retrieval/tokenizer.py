"""jieba tokens for BM25, with the domain's terms kept whole."""
from __future__ import annotations

import logging
import re
from functools import lru_cache
from pathlib import Path

import jieba

DICTIONARY_DIR = Path(__file__).resolve().parent.parent / "knowledge" / "jieba"

# Function words and question words carry no topic: dropping them keeps BM25 on the content.
STOPWORDS = set("""
的 了 吗 呢 吧 啊 呀 么 是 在 和 与 及 或 也 都 就 还 又 要 会 能 可 可以 可否 能否 能不能 是否 有没有
什么 哪些 哪个 哪种 哪类 哪一类 哪 怎么 怎样 如何 多少 几 几个 几项 为什么 请问 想 我 我们 你 你们 他 她
它 这 那 这个 那个 一下 一个 有 没有 需要 需 吗？ 请 问 谁 该 给 对 为 把 被 让 去 来 到 从 向 上 下
""".split())
TOKEN = re.compile(r"[\w.%]+")


@lru_cache(maxsize=1)
def _jieba() -> jieba.Tokenizer:
    tokenizer = jieba.Tokenizer()
    jieba.setLogLevel(logging.WARNING)
    for dictionary in sorted(DICTIONARY_DIR.glob("*.txt")):
        tokenizer.load_userdict(str(dictionary))
    return tokenizer


def tokenize(text: str) -> list[str]:
    """Search-mode tokens (long terms and their parts), lower-cased, without stop words."""
    return [token for token in _jieba().lcut_for_search(text)
            if TOKEN.fullmatch(token) and token not in STOPWORDS]


def words(text: str) -> list[str]:
    """The words of a short text as jieba cuts it (each once, not its parts), without single
    characters or stop words."""
    return [word for word in _jieba().lcut(text) if len(word) > 1 and word not in STOPWORDS]
