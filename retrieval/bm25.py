"""Okapi BM25 over pre-tokenised documents (a few hundred clauses: plain Python is enough)."""
from __future__ import annotations

import math
from collections import Counter

import numpy as np


class BM25:
    def __init__(self, documents: list[list[str]], k1: float = 1.2, b: float = 0.75):
        self.k1, self.b = k1, b
        self.term_counts = [Counter(doc) for doc in documents]
        self.lengths = np.array([len(doc) for doc in documents], dtype=np.float32)
        self.average_length = float(self.lengths.mean()) if documents else 0.0
        document_frequency = Counter(term for doc in documents for term in set(doc))
        n = len(documents)
        self.idf = {term: math.log(1 + (n - df + 0.5) / (df + 0.5))
                    for term, df in document_frequency.items()}
        self.max_idf = max(self.idf.values(), default=0.0)
        # term -> [(document index, count)], so a query touches only documents sharing a term
        self.postings: dict[str, list[tuple[int, int]]] = {}
        for index, counts in enumerate(self.term_counts):
            for term, count in counts.items():
                self.postings.setdefault(term, []).append((index, count))

    def scores(self, query: list[str]) -> np.ndarray:
        scores = np.zeros(len(self.term_counts), dtype=np.float32)
        for term in set(query):
            idf = self.idf.get(term)
            if idf is None:
                continue
            for index, count in self.postings[term]:
                norm = self.k1 * (1 - self.b + self.b * self.lengths[index] / self.average_length)
                scores[index] += idf * count * (self.k1 + 1) / (count + norm)
        return scores
