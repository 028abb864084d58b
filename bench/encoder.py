"""`make bench` (encoder): the embedding model's two backends side by side.

Per backend: model load time, warm single-query latency (what one search pays), passage
throughput (what an index build pays) and dense-only recall over plain clause texts on the dev
set. Then how far the ONNX backend strays from PyTorch float32: cosine of the two embeddings of
the same sentences, and whether they rank the clauses the same way.
"""
from __future__ import annotations

import statistics
import sys
import time

import numpy as np

from knowledge import load_clauses
from retrieval.encoder import BACKENDS, DEFAULT_MODEL_DIR, Encoder
from retrieval.evaluation import load_set, rank_of

REPEATS = 3  # passes over the dev questions for the latency figures


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


def folder_size_mb(path) -> float:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file()) / 1e6


def single_query_ms(encoder: Encoder, questions: list[str]) -> list[float]:
    for question in questions[:5]:  # warm up
        encoder.encode_queries([question])
    timings = []
    for _ in range(REPEATS):
        for question in questions:
            started = time.perf_counter()
            encoder.encode_queries([question])
            timings.append((time.perf_counter() - started) * 1000)
    return timings


def main() -> int:
    cases, _ = load_set()
    questions = [case["q"] for case in cases]
    clauses = load_clauses()
    texts = [clause["text"] for clause in clauses]
    onnx_size = folder_size_mb(DEFAULT_MODEL_DIR / "onnx")
    print(f"encoder: {DEFAULT_MODEL_DIR.name}, folder {folder_size_mb(DEFAULT_MODEL_DIR):.0f} MB "
          f"(of which onnx/ {onnx_size:.0f} MB)")
    print(f"{'backend':<8} {'load s':>7} {'query p50':>10} {'p95 ms':>7} {'passages/s':>11} "
          f"{'R@1':>6} {'R@5':>6}   (dense only, {len(texts)} plain clause texts, "
          f"{len(questions)} dev questions)")

    query_vectors, passage_vectors = {}, {}
    for backend in BACKENDS:
        started = time.perf_counter()
        encoder = Encoder(backend=backend)
        load = time.perf_counter() - started
        timings = single_query_ms(encoder, questions)
        started = time.perf_counter()
        passage_vectors[backend] = encoder.encode_passages(texts)
        throughput = len(texts) / (time.perf_counter() - started)
        query_vectors[backend] = encoder.encode_queries(questions)
        ranks = [rank_of(case, [clauses[i] for i in order[:5]]) for case, order
                 in zip(cases, ranking(query_vectors[backend], passage_vectors[backend]))]
        print(f"{backend:<8} {load:>7.1f} {statistics.median(timings):>10.1f} "
              f"{percentile(timings, 0.95):>7.1f} {throughput:>11.0f} "
              f"{sum(r == 1 for r in ranks) / len(ranks):>6.3f} "
              f"{sum(r is not None for r in ranks) / len(ranks):>6.3f}")
        del encoder

    cosines = np.concatenate([
        (query_vectors["onnx"] * query_vectors["torch"]).sum(axis=1),
        (passage_vectors["onnx"] * passage_vectors["torch"]).sum(axis=1),
    ])
    onnx_order = ranking(query_vectors["onnx"], passage_vectors["onnx"])
    torch_order = ranking(query_vectors["torch"], passage_vectors["torch"])
    same_top1 = sum(a[0] == b[0] for a, b in zip(onnx_order, torch_order))
    top5_overlap = statistics.mean(len(set(a[:5]) & set(b[:5])) / 5
                                   for a, b in zip(onnx_order, torch_order))
    print(f"onnx vs torch: cosine mean {cosines.mean():.6f}, min {cosines.min():.6f} over "
          f"{len(cosines)} texts; same top-1 clause {same_top1}/{len(questions)}, "
          f"top-5 overlap {top5_overlap:.3f}")
    return 0


def ranking(queries: np.ndarray, passages: np.ndarray) -> list[list[int]]:
    """Clause indices best first, for each query."""
    return [list(np.argsort(-row, kind="stable")) for row in queries @ passages.T]


if __name__ == "__main__":
    sys.exit(main())
