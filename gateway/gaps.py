"""The gap report: questions the documents did not settle, grouped by meaning.

Each question is embedded with the retrieval's own dense encoder (the model that finds
clauses, so "meaning" is the same here as in search), the vectors are clustered by average
cosine distance, and each group is shown with its count, its most frequent wordings and the
clause nearest to the group's centre — what a policy office reads to write the next FAQ.
"""
from __future__ import annotations

import re
import threading
from collections import Counter, OrderedDict
from functools import lru_cache

import numpy as np

from gateway.insights import STATUSES, UNSETTLED, Question, day_of, table

# Every question names one of the two programmes, and those names pull the embeddings of
# unrelated questions together ("英才卡丢了怎么办" and "退休了能办英才卡吗"): for grouping they
# are left out, and what all policy questions share is taken away by centring the vectors on
# the mean of the retrieval's tuning questions. Then two wordings of one question lie within
# this average cosine distance of each other. Chosen on 36 questions in 12 groups (停车, 补贴,
# 退休, 外籍, 逾期申报, small talk…; tests/test_insights_gaps.py): adjusted Rand index 0.85
# at 0.65, 0.83–0.92 from 0.6 to 0.7; without these two steps it was 0.45 at best.
DISTANCE_THRESHOLD = 0.65
PROGRAMME_NAMES = re.compile(r"云聚英才卡|英才卡|智能制造生态合作伙伴|生态合作伙伴|合作伙伴")
EXAMPLES_SHOWN = 5
_CACHE_SIZE = 5000


def _encode(texts: list[str]) -> np.ndarray:
    from retrieval.normalize import normalize
    from retrieval.searcher import get_searcher

    # the normalisation the searcher applies to a question before encoding it
    vectors = get_searcher().dense.encoder.encode_queries([normalize(t) for t in texts])
    return np.asarray(vectors, dtype=np.float32)


@lru_cache(maxsize=1)
def _background() -> np.ndarray:
    """The mean question vector: one in four of the tuning questions (about 180) gives it
    to three decimals, in a few seconds, once per process."""
    from retrieval.answerability import load_tuning_questions

    answerable, unanswerable = load_tuning_questions()
    return _encode((answerable + unanswerable)[::4]).mean(axis=0)


_preparing = threading.Lock()


def prepare() -> None:
    """Compute the background ahead of the first report (the sign-in page starts this)."""
    if not _preparing.acquire(blocking=False):
        return  # already under way
    try:
        _background()
    except Exception:  # noqa: BLE001 - the report itself will say what is wrong
        pass
    finally:
        _preparing.release()


class _EmbeddingCache:
    """Per question text, the vector of the whole text (to find the nearest clause) and the
    centred vector without programme names (to group by): the page is reloaded often, the
    questions rarely change."""

    def __init__(self) -> None:
        self._vectors: OrderedDict[str, tuple[np.ndarray, np.ndarray]] = OrderedDict()
        self._lock = threading.Lock()

    def vectors(self, texts: list[str]) -> tuple[np.ndarray, np.ndarray]:
        with self._lock:
            known = {t: self._vectors[t] for t in texts if t in self._vectors}
        missing = [t for t in texts if t not in known]
        if missing:
            whole = _encode(missing)
            topic = _encode([PROGRAMME_NAMES.sub("", t).strip() or t for t in missing])
            topic -= _background()
            topic /= np.linalg.norm(topic, axis=1, keepdims=True)
            known.update((t, (w, c)) for t, w, c in zip(missing, whole, topic))
            with self._lock:
                self._vectors.update((t, known[t]) for t in missing)
                while len(self._vectors) > _CACHE_SIZE:
                    self._vectors.popitem(last=False)
        return (np.stack([known[t][0] for t in texts]), np.stack([known[t][1] for t in texts]))


_cache = _EmbeddingCache()


def cluster(vectors: np.ndarray, threshold: float = DISTANCE_THRESHOLD) -> np.ndarray:
    """A group number per vector (average linkage over cosine distance)."""
    if len(vectors) < 2:
        return np.zeros(len(vectors), dtype=int)
    from sklearn.cluster import AgglomerativeClustering

    model = AgglomerativeClustering(n_clusters=None, metric="cosine", linkage="average",
                                    distance_threshold=threshold)
    return model.fit_predict(vectors)


def group_texts(texts: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """(group number per text, whole-text vectors)."""
    whole, topic = _cache.vectors(texts)
    return cluster(topic), whole


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
    unsettled = [q for q in questions if q.status in UNSETTLED]
    if not unsettled:
        return []
    wordings = Counter(q.text for q in unsettled)
    texts = list(wordings)
    labels, vectors = group_texts(texts)
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
