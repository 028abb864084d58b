"""`make bench` (retrieval): quality of BM25, dense and fusion side by side on the dev set,
warm single-query latency, index build time and peak memory."""
from __future__ import annotations

import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path

from retrieval.evaluation import DEV_SET, evaluate, load_set


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


def main(path: Path = DEV_SET) -> int:
    from retrieval.encoder import Encoder
    from retrieval.searcher import Searcher

    started = time.perf_counter()
    encoder = Encoder()
    model_load = time.perf_counter() - started
    with tempfile.TemporaryDirectory() as scratch:   # a cold build, not the saved index
        started = time.perf_counter()
        searcher = Searcher(encoder=encoder, index_dir=Path(scratch))
        build = time.perf_counter() - started

    print(f"retrieval on {path.name}")
    print(f"{'ranker':<8} {'R@1':>6} {'R@5':>6} {'MRR':>6} {'refused':>8} {'accepted':>9}")
    results = {mode: evaluate(searcher, mode, path) for mode in ("bm25", "dense", "fusion")}
    for figures in results.values():
        print(f"{figures.mode:<8} {figures.recall_at_1:>6.3f} {figures.recall_at_5:>6.3f} "
              f"{figures.mrr:>6.3f} {figures.refused:>8.3f} {figures.accepted:>9.3f}")

    questions = [case["q"] for case in load_set(path)[0]]
    for question in questions[:5]:                  # warm up
        searcher.search(question)
    timings = []
    for _ in range(3):
        for question in questions:
            started = time.perf_counter()
            searcher.search(question)
            timings.append((time.perf_counter() - started) * 1000)
    print(f"search latency (fusion, warm, single query): p50 {statistics.median(timings):.1f} ms, "
          f"p95 {percentile(timings, 0.95):.1f} ms over {len(timings)} queries")
    print(f"model load {model_load:.1f} s; index build (BM25 + {len(searcher.clauses)} embeddings "
          f"+ FAISS + answerability fit) {build:.1f} s")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak memory {peak:.0f} MB")
    if "-v" in sys.argv:
        for miss in results["fusion"].misses:
            print("  miss:", miss)
    return 0


if __name__ == "__main__":
    arguments = [a for a in sys.argv[1:] if not a.startswith("-")]
    sys.exit(main(Path(arguments[0]) if arguments else DEV_SET))
