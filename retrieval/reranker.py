"""The fusion of the two rankings: a small learned model over each candidate clause.

BM25 is right when a question uses the documents' words; dense similarity is right for
paraphrase; neither score alone says which case a question is. So the candidates of both
rankers are described by a few interpretable features (both rescaled scores and ranks, how much
of the question the clause covers, whether it holds the kind of answer asked for, what kind of
clause it is) and a logistic regression, fitted at build time on the tuning questions, scores
them. Clauses neither ranker puts near the top are never candidates.
"""
from __future__ import annotations

import hashlib
import json
import math
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from retrieval.evaluation import TUNING_SET, answers, load_set
from retrieval.normalize import normalize
from retrieval.question import Question, levels_of, read
from retrieval.text_features import (answer_type_missing, coverage, document_hint,
                                     question_terms, source_fingerprint)
from rules.data import load_rules, numeric_conditions

if TYPE_CHECKING:
    from retrieval.searcher import Searcher

MODEL_FILE = "reranker.json"
CANDIDATES = 20          # from each ranker
FORM_WORDS = ("申报书", "填", "表", "栏", "盖章", "封面", "勾选", "附件")
# See answerability.CODE_FINGERPRINT: the code as imported, not as it is on disk later.
CODE_FINGERPRINT = source_fingerprint(__file__, "text_features.py", "evaluation.py",
                                      "question.py", "vocabulary.yml")
KINDS = ("item", "paragraph", "intro", "row", "table_row")
STRUCTURE = ("benefit_section", "benefit_elsewhere", "tier_criteria", "domain_conditions",
             "fact_condition", "asked_section", "level_agrees", "level_differs", "card_criterion")
FEATURES = ("bm25", "dense", "bm25_rank", "dense_rank", "coverage", "coverage_text",
            "answer_type_missing", "other_document", "form_row_unasked", "heading_item",
            "length", *[f"kind_{kind}" for kind in KINDS], *STRUCTURE)
# The part of a section path that holds each kind of answer asked for.
ASKED_IN_PATH = {"materials": ("材料",), "process": ("流程", "程序", "服务方式", "服务流程"),
                 "phone": ("咨询电话",), "conditions": ("条件",), "benefits": ("待遇",)}


def _fact_clauses() -> dict[str, set[str]]:
    """fact -> the clauses of the numeric conditions about it (rule files)."""
    found: dict[str, set[str]] = {}
    for program in ("talent-card", "partner"):
        for _, _, condition in numeric_conditions(program):
            found.setdefault(condition["fact"], set()).add(condition["clause_id"])
    return found


FACT_CLAUSES = _fact_clauses()
DOMAIN_KEYS = {d["name"]: d["key"] for d in load_rules("partner")["domains"]}


def structure(question: Question, clause: dict) -> list[float]:
    """Whether the clause stands where the things the question names are: the benefit's own
    sections, the tier's criteria, the domain's conditions, a condition on the fact named, a
    section holding the kind of answer asked for (材料, 流程, 咨询电话)."""
    cid, path = clause["clause_id"], clause["path"]
    in_benefit = any(cid == f"talent.benefits.{n}" or cid.startswith(f"talent.service.{n}.")
                     for n in question.benefits)
    benefit_part = cid.startswith(("talent.benefits.", "talent.service."))
    levels = levels_of(clause["text"])
    return [
        float(in_benefit),
        float(bool(question.benefits) and benefit_part and not in_benefit),
        float(any(cid.startswith(f"talent.eligibility.{t}.") for t in question.tiers)),
        float(any(cid.startswith(f"partner.conditions.{DOMAIN_KEYS[d]}.") for d in question.domains)),
        float(any(cid in FACT_CLAUSES.get(fact, ()) for _, fact in question.facts_named)),
        float(any(word in path for kind in question.asks for word in ASKED_IN_PATH.get(kind, ()))),
        float(bool(question.levels & levels)),
        float(bool(question.levels) and bool(levels) and not question.levels & levels),
        float(question.asks_any("which_card") and cid.startswith("talent.eligibility.")),
    ]



def rescale(scores: np.ndarray) -> np.ndarray:
    """Map one ranker's scores for a question to 0..1: the best clause 1, the median clause 0.

    Raw BM25 and cosine live on different scales that also vary per question; what carries over
    between rankers is how far a clause stands out from the bulk of the documents.
    """
    top, middle = float(scores.max()), float(np.median(scores))
    if top - middle <= 1e-9:
        return np.zeros_like(scores)
    return np.clip((scores - middle) / (top - middle), 0.0, 1.0)


class Reranker:
    def __init__(self, mean, scale, weights, bias, fingerprint=""):
        self.mean, self.scale = np.asarray(mean), np.asarray(scale)
        self.weights, self.bias = np.asarray(weights), float(bias)
        self.fingerprint = fingerprint

    @staticmethod
    def candidates(bm25: np.ndarray, dense: np.ndarray) -> np.ndarray:
        top_bm25 = np.argsort(-bm25, kind="stable")[:CANDIDATES]
        top_dense = np.argsort(-dense, kind="stable")[:CANDIDATES]
        return np.unique(np.concatenate([top_bm25, top_dense]))

    @staticmethod
    def features(searcher: "Searcher", question: str, bm25: np.ndarray, dense: np.ndarray,
                 candidates: np.ndarray) -> np.ndarray:
        text = normalize(question)
        named = read(question)
        terms = question_terms(searcher, question)
        hint = document_hint(text)
        asks_form = any(word in text for word in FORM_WORDS)
        bm25_rank = np.empty(len(bm25), dtype=np.int64)
        bm25_rank[np.argsort(-bm25, kind="stable")] = np.arange(len(bm25))
        dense_rank = np.empty(len(dense), dtype=np.int64)
        dense_rank[np.argsort(-dense, kind="stable")] = np.arange(len(dense))
        bm25_scaled, dense_scaled = rescale(bm25), rescale(dense)
        rows = []
        for index in candidates:
            clause = searcher.clauses[index]
            kind = clause["kind"]
            rows.append([
                bm25_scaled[index],
                dense_scaled[index],
                1.0 / (1 + bm25_rank[index]),
                1.0 / (1 + dense_rank[index]),
                coverage(terms, searcher.clause_tokens_set[index]),
                coverage(terms, searcher.text_tokens_set[index]),
                answer_type_missing(text, clause["text"]),
                float(hint is not None and hint != clause["doc_id"]),
                float(kind == "row" and not asks_form),
                float(clause["clause_id"] in searcher.parent_ids and kind == "item"),
                math.log1p(len(clause["text"])),
                *[float(kind == k) for k in KINDS],
                *structure(named, clause),
            ])
        return np.array(rows, dtype=np.float64)

    def score(self, x: np.ndarray) -> np.ndarray:
        """Linear score of each candidate (higher is better)."""
        return ((x - self.mean) / self.scale) @ self.weights + self.bias

    @staticmethod
    def probabilities(scores: np.ndarray) -> np.ndarray:
        """Softmax over a question's candidates: how likely each is the answering clause."""
        exp = np.exp(scores - scores.max())
        return exp / exp.sum()

    # ---- fitting --------------------------------------------------------------------------
    @classmethod
    def fit(cls, searcher: "Searcher", cases: list[dict], fingerprint: str = "") -> "Reranker":
        groups = []
        for case in cases:
            bm25, dense, _ = searcher.raw_scores(case["q"])
            candidates = cls.candidates(bm25, dense)
            labels = np.array([answers(case, searcher.clauses[i]["text"]) for i in candidates],
                              dtype=np.float64)
            if labels.any():    # a question whose answer no ranker found teaches nothing here
                groups.append((cls.features(searcher, case["q"], bm25, dense, candidates), labels))
        samples = np.vstack([x for x, _ in groups])
        mean, scale = samples.mean(axis=0), samples.std(axis=0) + 1e-9
        weights = fit_listwise([((x - mean) / scale, labels) for x, labels in groups])
        return cls(mean, scale, weights, 0.0, fingerprint)

    @classmethod
    def load_or_fit(cls, searcher: "Searcher", index_dir: Path) -> "Reranker":
        digest = hashlib.sha256(searcher.dense.fingerprint.encode())
        digest.update(CODE_FINGERPRINT.encode())
        digest.update(TUNING_SET.read_bytes())
        fingerprint = digest.hexdigest()
        path = Path(index_dir) / MODEL_FILE
        if path.exists():
            saved = json.loads(path.read_text(encoding="utf-8"))
            if saved.get("fingerprint") == fingerprint:
                return cls(saved["mean"], saved["scale"], saved["weights"], saved["bias"],
                           fingerprint)
        fitted = cls.fit(searcher, load_set(TUNING_SET)[0], fingerprint)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps({"features": list(FEATURES), "mean": fitted.mean.tolist(),
                                    "scale": fitted.scale.tolist(),
                                    "weights": fitted.weights.tolist(), "bias": fitted.bias,
                                    "fingerprint": fingerprint}, ensure_ascii=False, indent=1),
                        encoding="utf-8")
        return fitted


def fit_listwise(groups: list[tuple[np.ndarray, np.ndarray]], l2: float = 0.001,
                 epochs: int = 1000, step: float = 1.0) -> np.ndarray:
    """Weights maximising the softmax likelihood of each question's answering clauses.

    Plain full-batch gradient descent: the problem is small (a few hundred questions, a few
    dozen candidates each, sixteen features) and convex, and this keeps the fit deterministic.
    """
    weights = np.zeros(groups[0][0].shape[1])
    for _ in range(epochs):
        gradient = l2 * weights
        for x, labels in groups:
            scores = x @ weights
            probabilities = np.exp(scores - scores.max())
            probabilities /= probabilities.sum()
            gradient += x.T @ (probabilities - labels / labels.sum()) / len(groups)
        weights -= step * gradient
    return weights


