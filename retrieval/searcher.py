"""Find the clauses that answer a question, and decide whether any of them really does.

Two rankers look at every clause: BM25 over jieba tokens catches the exact terms people use
(条款名称, 电话, 金额), dense embeddings catch paraphrase. A learned reranker fuses them over the
candidates either ranker puts near the top (retrieval/reranker.py). Then an answerability model
refuses questions the best clauses do not really answer, instead of citing the nearest clause
(retrieval/answerability.py). Both models are fitted at build time on tuning questions that are
kept apart from the dev set.
"""
from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass

import numpy as np

from knowledge import load_clauses
from retrieval.answerability import Answerability
from retrieval.bm25 import BM25
from retrieval.dense import DEFAULT_INDEX_DIR, DenseIndex
from retrieval.encoder import Encoder
from retrieval.normalize import expand, normalize
from retrieval.passages import passages as make_passages
from retrieval.reranker import Reranker
from retrieval.tokenizer import tokenize

log = logging.getLogger("retrieval")

MAX_QUESTION_CHARS = 500


class QuestionError(ValueError):
    """A question we cannot search: the message is for the person who asked (Chinese)."""


@dataclass
class Ranking:
    question: str
    order: np.ndarray        # clause indices, best first
    scores: np.ndarray       # the ranking's score of every clause
    bm25: np.ndarray
    dense: np.ndarray
    query_vector: np.ndarray
    candidates: np.ndarray       # clause indices the reranker looked at
    rerank: np.ndarray           # its linear score of each candidate


def check_question(question: object) -> str:
    if not isinstance(question, str):
        raise QuestionError("问题必须是文字。")
    question = question.strip()
    if not question:
        raise QuestionError("问题为空，请输入您想咨询的内容。")
    if len(question) > MAX_QUESTION_CHARS:
        raise QuestionError(f"问题太长（{len(question)}字），请精简到{MAX_QUESTION_CHARS}字以内。")
    if not any(ch.isalnum() for ch in question):
        raise QuestionError("没有看懂您的问题，请用文字描述您想咨询的内容。")
    return question


class Searcher:
    """Holds the clauses, both rankers and the two fitted models; build once per process."""

    def __init__(self, encoder: Encoder | None = None, index_dir=DEFAULT_INDEX_DIR):
        started = time.perf_counter()
        self.clauses = load_clauses()
        passages = make_passages(self.clauses)
        self.clause_tokens = [tokenize(normalize(text)) for text in passages]
        self.clause_tokens_set = [set(tokens) for tokens in self.clause_tokens]
        self.text_tokens_set = [set(tokenize(normalize(c["text"]))) for c in self.clauses]
        self.parent_ids = {c["clause_id"].rsplit(".", 1)[0] for c in self.clauses}
        self.bm25 = BM25(self.clause_tokens)
        self.dense = DenseIndex(encoder or Encoder(), passages, index_dir)
        self.index_dir = index_dir
        self.reranker = Reranker.load_or_fit(self, index_dir)
        # One answerability model per ranking mode, fitted on that mode's rankings; the service
        # uses fusion, the others exist for the benchmark's side-by-side comparison.
        self.answerability = {"fusion": Answerability.load_or_fit(self, index_dir, "fusion")}
        log.info("loaded %d clauses, model %s, in %.1f s", len(self.clauses),
                 self.dense.encoder.fingerprint, time.perf_counter() - started)

    # ---- ranking --------------------------------------------------------------------------
    def raw_scores(self, question: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """BM25 (question with colloquial words expanded) and cosine scores of every clause."""
        bm25 = self.bm25.scores(tokenize(expand(question)))
        query_vector, dense = self.dense.encode_and_score(normalize(question))
        return bm25, dense, query_vector

    def rank(self, question: str, mode: str = "fusion") -> Ranking:
        bm25, dense, query_vector = self.raw_scores(question)
        candidates = Reranker.candidates(bm25, dense)
        rerank = self.reranker.score(Reranker.features(self, question, bm25, dense, candidates))
        if mode == "bm25":
            scores = bm25
        elif mode == "dense":
            scores = dense
        else:
            scores = np.zeros(len(self.clauses))
            scores[candidates] = Reranker.probabilities(rerank)
        order = np.argsort(-scores, kind="stable")     # ties keep document order
        return Ranking(question, order, scores, bm25, dense, query_vector, candidates, rerank)

    def confidence(self, ranking: Ranking, index: int) -> tuple[float, float]:
        """The reranker's probability and linear score for clause `index` (a candidate)."""
        position = np.flatnonzero(ranking.candidates == index)
        if not len(position):
            return 0.0, float(ranking.rerank.min())
        probabilities = Reranker.probabilities(ranking.rerank)
        return float(probabilities[position[0]]), float(ranking.rerank[position[0]])

    def answerability_for(self, mode: str) -> Answerability:
        if mode not in self.answerability:
            self.answerability[mode] = Answerability.load_or_fit(self, self.index_dir, mode)
        return self.answerability[mode]

    def search(self, question: str, k: int = 5, mode: str = "fusion") -> dict:
        """The contract's object: {question, answerable, hits: [...]} (section 2)."""
        question = check_question(question)
        ranking = self.rank(question, mode)
        answerable = self.answerability_for(mode).decide(self, ranking)
        hits = []
        for index in ranking.order[:k]:
            clause = self.clauses[index]
            hits.append({"clause_id": clause["clause_id"], "doc_title": clause["doc_title"],
                         "path": clause["path"], "text": clause["text"],
                         "score": round(float(ranking.scores[index]), 4)})
        return {"question": question, "answerable": bool(answerable), "hits": hits}


_searcher: Searcher | None = None
_lock = threading.Lock()


def get_searcher() -> Searcher:
    """The process-wide searcher: the model and index load once, on first use."""
    global _searcher
    if _searcher is None:
        with _lock:
            if _searcher is None:
                _searcher = Searcher()
    return _searcher
