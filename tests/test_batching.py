"""retrieval.batching.MicroBatcher: callers at the same time share one call of the work,
each gets its own result, a failure reaches every caller of that batch, the cap holds."""
from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest

from retrieval.batching import MicroBatcher


def test_concurrent_callers_share_batches_and_get_their_own_results():
    batches = []
    batcher = MicroBatcher(lambda items: batches.append(list(items)) or [i * 10 for i in items],
                           window_s=0.05, max_batch=4)
    with ThreadPoolExecutor(max_workers=10) as pool:
        results = list(pool.map(batcher.submit, range(10)))
    assert results == [i * 10 for i in range(10)]
    assert max(len(batch) for batch in batches) > 1        # shared
    assert max(len(batch) for batch in batches) <= 4       # capped
    assert sorted(i for batch in batches for i in batch) == list(range(10))


def test_a_caller_alone_is_served_without_waiting_for_a_batch():
    batcher = MicroBatcher(lambda items: items, window_s=0.0, max_batch=16)
    done = threading.Event()
    threading.Thread(target=lambda: (batcher.submit("x"), done.set()), daemon=True).start()
    assert done.wait(1.0)


def test_a_failing_batch_raises_in_every_caller():
    def work(items):
        raise ValueError("broken model")

    batcher = MicroBatcher(work, window_s=0.05, max_batch=8)
    with ThreadPoolExecutor(max_workers=3) as pool:
        futures = [pool.submit(batcher.submit, i) for i in range(3)]
    for future in futures:
        with pytest.raises(ValueError, match="broken model"):
            future.result()
