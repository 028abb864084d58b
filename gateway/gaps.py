"""The gap report: questions the documents did not settle, grouped by meaning.

Each question is embedded with the retrieval's own dense encoder (the model that finds
clauses, so "meaning" is the same here as in search), the vectors are clustered by average
cosine distance, and each group is shown with its count, its most frequent wordings and the
clause nearest to the group's centre — what a policy office reads to write the next FAQ.
"""
from __future__ import annotations

import threading
from collections import Counter, OrderedDict

import numpy as np

from gateway.insights import STATUSES, Question, day_of, table

# Two questions whose average cosine distance is below this ask the same thing. Set on
# paraphrases of unanswered questions with the e5-small model (tests/test_insights_gaps.py):
# rewordings of one question sit around 0.05–0.10 apart, different questions beyond 0.12.
DISTANCE_THRESHOLD = 0.1
EXAMPLES_SHOWN = 5
_CACHE_SIZE = 5000


class _EmbeddingCache:
    """Question vectors by text: the page is reloaded often, the questions rarely change."""

    def __init__(self) -> None:
        self._vectors: OrderedDict[str, np.ndarray] = OrderedDict()
        self._lock = threading.Lock()

    def vectors(self, texts: list[str]) -> np.ndarray:
        from retrieval.normalize import normalize
        from retrieval.searcher import get_searcher

        with self._lock:
            known = {t: self._vectors[t] for t in texts if t in self._vectors}
        missing = [t for t in texts if t not in known]
        if missing:
            # the normalisation the searcher applies to a question before encoding it
            encoded = get_searcher().dense.encoder.encode_queries([normalize(t) for t in missing])
            known.update((t, np.asarray(v, dtype=np.float32)) for t, v in zip(missing, encoded))
            with self._lock:
                self._vectors.update((t, known[t]) for t in missing)
                while len(self._vectors) > _CACHE_SIZE:
                    self._vectors.popitem(last=False)
        return np.stack([known[t] for t in texts])


_cache = _EmbeddingCache()


def cluster(vectors: np.ndarray, threshold: float = DISTANCE_THRESHOLD) -> np.ndarray:
    """A group number per vector (average linkage over cosine distance)."""
    if len(vectors) < 2:
        return np.zeros(len(vectors), dtype=int)
    from sklearn.cluster import AgglomerativeClustering

    model = AgglomerativeClustering(n_clusters=None, metric="cosine", linkage="average",
                                    distance_threshold=threshold)
    return model.fit_predict(vectors)


def nearest_clause(centre: np.ndarray) -> dict:
    from retrieval.searcher import get_searcher

    searcher = get_searcher()
    scores = searcher.dense.scores(np.ascontiguousarray(centre, dtype=np.float32))
    best = int(np.argmax(scores))
    clause = searcher.clauses[best]
    return {"clause_id": clause["clause_id"], "doc_title": clause["doc_title"],
            "path": clause["path"], "text": clause["text"], "score": round(float(scores[best]), 4)}


def gap_groups(questions: list[Question]) -> list[dict]:
    """Groups of unsettled questions, largest first."""
    unsettled = [q for q in questions if q.status in ("partial", "not_covered")]
    if not unsettled:
        return []
    wordings = Counter(q.text for q in unsettled)
    texts = list(wordings)
    vectors = _cache.vectors(texts)
    labels = cluster(vectors)
    groups = []
    for label in sorted(set(labels.tolist())):
        members = [i for i, l in enumerate(labels) if l == label]
        asked = [q for q in unsettled if q.text in {texts[i] for i in members}]
        centre = vectors[members].mean(axis=0)
        centre /= np.linalg.norm(centre) or 1.0
        examples = sorted((texts[i] for i in members), key=lambda t: (-wordings[t], t))
        groups.append({
            "count": len(asked),
            "examples": examples[:EXAMPLES_SHOWN],
            "wordings": len(members),
            "statuses": {STATUSES[s]: n for s, n in Counter(q.status for q in asked).items()},
            "last_asked": day_of(max(q.timestamp for q in asked)),
            "nearest_clause": nearest_clause(centre),
        })
    groups.sort(key=lambda g: (-g["count"], g["examples"][0]))
    for number, group in enumerate(groups, 1):
        group["group"] = number
    return groups


def gaps_table(groups: list[dict]) -> dict:
    rows = [[g["group"], g["count"], "；".join(g["examples"]),
             "、".join(f"{k}{v}" for k, v in g["statuses"].items()), g["last_asked"],
             g["nearest_clause"]["clause_id"], g["nearest_clause"]["path"],
             g["nearest_clause"]["text"]] for g in groups]
    return table(["分组", "提问次数", "问题示例", "答复情况", "最近提问", "最接近的条款",
                  "条款位置", "条款原文"], rows)
