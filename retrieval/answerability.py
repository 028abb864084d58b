"""Does any clause answer the question, or is the best clause merely the nearest one?

"英才卡每年要年审吗" lands on clauses about the card, but nothing in the documents says anything
about 年审. Similarity of the best clause does not give such questions away (the topic matches);
three other things do:
- which of the question's own words the best clauses leave uncovered, weighted by rarity;
- whether the best clause holds the kind of answer asked for (a duration for 几年, an amount for
  多少钱, a place for 在哪, a number for 电话);
- whether the question resembles the tuning questions the documents answer or those they do not
  (nearest neighbours in embedding space, and a linear classifier over the question embedding:
  "how long is it valid", "can it be revoked", small talk have a recognisable shape).
A logistic regression over these is fitted at index build time on tuning questions kept apart
from the dev set, so that swapping the embedding model refits it to the new score scale.
"""
from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from retrieval.evaluation import TUNING_SET, load_set
from retrieval.normalize import normalize
from retrieval.text_features import (answer_type_missing, coverage, question_terms,
                                     source_fingerprint)

if TYPE_CHECKING:
    from retrieval.searcher import Ranking, Searcher

MODEL_FILE, NEIGHBOURS_FILE = "answerability-{mode}.json", "answerability-{mode}.npz"
FEATURES = ("top_probability", "top_score", "dense_top", "coverage_top1", "coverage_top3", "unknown_share",
            "bm25_top", "max_uncovered", "answer_type_missing", "neighbours", "question_style")
# Share of answerable tuning questions that must be accepted; the threshold is set to keep it.
TARGET_ACCEPTED = 0.97
NEIGHBOURS = 3
# The code this process runs, hashed when it was imported (not when a model is saved), so that a
# process started before an edit never saves a model under the edited code's fingerprint.
CODE_FINGERPRINT = source_fingerprint(__file__, "text_features.py", "reranker.py",
                                      "evaluation.py", "question.py", "vocabulary.yml")


def lexical_features(searcher: "Searcher", ranking: "Ranking") -> list[float]:
    terms = question_terms(searcher, ranking.question)
    top = [searcher.clause_tokens_set[i] for i in ranking.order[:3]]
    top3 = set().union(*top)
    total = sum(weight for weight, _ in terms.values()) or 1.0
    vocabulary = searcher.bm25.idf
    unknown = sum(weight for weight, words in terms.values()
                  if not any(word in vocabulary for word in words)) / total
    uncovered = [weight for weight, words in terms.values() if not words & top3]
    best = ranking.order[0]
    return [
        *searcher.confidence(ranking, best),
        float(ranking.dense.max()),
        coverage(terms, top[0]),
        coverage(terms, top3),
        unknown,
        float(np.log1p(ranking.bm25.max())),
        max(uncovered, default=0.0),
        answer_type_missing(normalize(ranking.question), searcher.clauses[best]["text"]),
    ]


def neighbour_score(vector: np.ndarray, answerable: np.ndarray, unanswerable: np.ndarray) -> float:
    """How much closer the question is to unanswerable tuning questions than to answerable ones."""
    near_unanswerable = np.sort(unanswerable @ vector)[-NEIGHBOURS:].mean()
    near_answerable = np.sort(answerable @ vector)[-NEIGHBOURS:].mean()
    return float(near_unanswerable - near_answerable)


class Answerability:
    """Logistic regression over `FEATURES`, with a threshold chosen for recall of answerables."""

    def __init__(self, mean, scale, weights, bias, threshold, answerable_vectors,
                 unanswerable_vectors, style_weights, style_bias, fingerprint=""):
        self.mean, self.scale = np.asarray(mean), np.asarray(scale)
        self.weights, self.bias = np.asarray(weights), float(bias)
        self.threshold, self.fingerprint = float(threshold), fingerprint
        self.answerable_vectors = np.asarray(answerable_vectors, dtype=np.float32)
        self.unanswerable_vectors = np.asarray(unanswerable_vectors, dtype=np.float32)
        self.style_weights = np.asarray(style_weights, dtype=np.float32)
        self.style_bias = float(style_bias)

    def features(self, searcher: "Searcher", ranking: "Ranking") -> np.ndarray:
        vector = ranking.query_vector
        neighbours = neighbour_score(vector, self.answerable_vectors, self.unanswerable_vectors)
        style = float(vector @ self.style_weights + self.style_bias)
        return np.array(lexical_features(searcher, ranking) + [neighbours, style])

    def probability(self, x: np.ndarray) -> float:
        z = float(((x - self.mean) / self.scale) @ self.weights + self.bias)
        return 1.0 / (1.0 + np.exp(-z))

    def decide(self, searcher: "Searcher", ranking: "Ranking") -> bool:
        return self.probability(self.features(searcher, ranking)) >= self.threshold

    # ---- fitting --------------------------------------------------------------------------
    @classmethod
    def fit(cls, searcher: "Searcher", mode: str = "fusion", fingerprint: str = "") -> "Answerability":
        from sklearn.linear_model import LogisticRegression
        from sklearn.model_selection import StratifiedKFold, cross_val_predict

        answerable, unanswerable = load_tuning_questions()
        rankings = [searcher.rank(q, mode) for q in answerable + unanswerable]
        vectors = np.array([r.query_vector for r in rankings])
        labels = np.array([1] * len(answerable) + [0] * len(unanswerable))
        # The style classifier's score for a tuning question comes from a model that did not
        # see it (5-fold), so the final model does not learn to trust an overfitted feature.
        style = LogisticRegression(C=1.0, class_weight="balanced", max_iter=3000)
        held_out_style = cross_val_predict(style, vectors, labels, method="decision_function",
                                           cv=StratifiedKFold(5, shuffle=True, random_state=0))
        style.fit(vectors, labels)
        samples = []
        for i, ranking in enumerate(rankings):
            # a tuning question must not be its own neighbour
            others = np.ones(len(rankings), dtype=bool)
            others[i] = False
            neighbours = neighbour_score(vectors[i], vectors[others & (labels == 1)],
                                         vectors[others & (labels == 0)])
            samples.append(lexical_features(searcher, ranking) + [neighbours, held_out_style[i]])
        samples = np.array(samples)
        mean, scale = samples.mean(axis=0), samples.std(axis=0) + 1e-9
        model = LogisticRegression(C=1.0, class_weight="balanced", max_iter=1000)
        model.fit((samples - mean) / scale, labels)
        fitted = cls(mean, scale, model.coef_[0], model.intercept_[0], 0.5,
                     vectors[labels == 1], vectors[labels == 0], style.coef_[0],
                     style.intercept_[0], fingerprint)
        # The highest threshold (most refusals) that still accepts TARGET_ACCEPTED of the
        # answerable tuning questions.
        accepted = np.sort([fitted.probability(x) for x in samples[labels == 1]])
        fitted.threshold = float(accepted[int(np.floor((1 - TARGET_ACCEPTED) * len(accepted)))])
        return fitted

    @classmethod
    def load_or_fit(cls, searcher: "Searcher", index_dir: Path, mode: str) -> "Answerability":
        fingerprint = cls.fingerprint_for(searcher)
        model_path = Path(index_dir) / MODEL_FILE.format(mode=mode)
        vectors_path = Path(index_dir) / NEIGHBOURS_FILE.format(mode=mode)
        if model_path.exists() and vectors_path.exists():
            saved = json.loads(model_path.read_text(encoding="utf-8"))
            if saved.get("fingerprint") == fingerprint:
                vectors = np.load(vectors_path)
                return cls(saved["mean"], saved["scale"], saved["weights"], saved["bias"],
                           saved["threshold"], vectors["answerable"], vectors["unanswerable"],
                           vectors["style_weights"], float(vectors["style_bias"]), fingerprint)
        fitted = cls.fit(searcher, mode, fingerprint)
        model_path.parent.mkdir(parents=True, exist_ok=True)
        np.savez(vectors_path, answerable=fitted.answerable_vectors,
                 unanswerable=fitted.unanswerable_vectors, style_weights=fitted.style_weights,
                 style_bias=np.array(fitted.style_bias))
        model_path.write_text(json.dumps(fitted.to_json(), ensure_ascii=False, indent=1),
                              encoding="utf-8")
        return fitted

    @staticmethod
    def fingerprint_for(searcher: "Searcher") -> str:
        digest = hashlib.sha256(searcher.dense.fingerprint.encode())
        digest.update(CODE_FINGERPRINT.encode())
        digest.update(TUNING_SET.read_bytes())
        return digest.hexdigest()

    def to_json(self) -> dict:
        return {"features": list(FEATURES), "mean": self.mean.tolist(),
                "scale": self.scale.tolist(), "weights": self.weights.tolist(),
                "bias": self.bias, "threshold": self.threshold, "fingerprint": self.fingerprint}


def load_tuning_questions() -> tuple[list[str], list[str]]:
    cases, unanswerable = load_set(TUNING_SET)
    return [case["q"] for case in cases], list(unanswerable)
