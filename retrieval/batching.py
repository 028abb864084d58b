"""Micro-batching: questions that arrive together are encoded and searched as one batch.

One ONNX Runtime call for n short questions costs far less than n calls (the matrix work is
shared and the per-call overhead paid once), so under load each caller waits less. A worker
thread takes whatever has queued up (at most `max_batch`), waits up to `window_s` for more
while the batch is not full, runs `work` on the batch and wakes each caller as soon as its
batch is done. A caller alone is served at once when `window_s` is 0: nothing waits for a
batch that is not coming. Both numbers are settings (POLICY_BATCH_WINDOW_MS,
POLICY_BATCH_MAX), measured in bench/gateway.py.
"""
from __future__ import annotations

import os
import threading
import time
from typing import Callable, Sequence

DEFAULT_WINDOW_MS = 0.0
DEFAULT_MAX_BATCH = 16


class _Call:
    __slots__ = ("item", "result", "error", "done")

    def __init__(self, item):
        self.item, self.result, self.error = item, None, None
        self.done = threading.Event()


class MicroBatcher:
    """`submit(item)` → `work([item, …])[i]` for that item, computed in a batch."""

    def __init__(self, work: Callable[[list], Sequence], window_s: float | None = None,
                 max_batch: int | None = None, name: str = "micro-batcher"):
        self.work = work
        self.window_s = (window_s if window_s is not None
                         else float(os.environ.get("POLICY_BATCH_WINDOW_MS", DEFAULT_WINDOW_MS)) / 1000)
        self.max_batch = max_batch or int(os.environ.get("POLICY_BATCH_MAX", DEFAULT_MAX_BATCH))
        self.batch_sizes: list[int] = []     # for the benchmark: how full the batches were
        self._queue: list[_Call] = []
        self._ready = threading.Condition()
        threading.Thread(target=self._serve, name=name, daemon=True).start()

    def submit(self, item):
        call = _Call(item)
        with self._ready:
            self._queue.append(call)
            self._ready.notify()
        call.done.wait()
        if call.error is not None:
            raise call.error
        return call.result

    def _serve(self) -> None:
        while True:
            with self._ready:
                while not self._queue:
                    self._ready.wait()
                deadline = time.monotonic() + self.window_s
                while len(self._queue) < self.max_batch:
                    left = deadline - time.monotonic()
                    if left <= 0:
                        break
                    self._ready.wait(left)
                batch, self._queue = self._queue[:self.max_batch], self._queue[self.max_batch:]
            self._run(batch)

    def _run(self, batch: list[_Call]) -> None:
        if len(self.batch_sizes) < 100_000:
            self.batch_sizes.append(len(batch))
        try:
            results = self.work([call.item for call in batch])
            for call, result in zip(batch, results):
                call.result = result
        except Exception as error:  # noqa: BLE001 - every caller of the batch gets it
            for call in batch:
                call.error = error
        for call in batch:
            call.done.set()
