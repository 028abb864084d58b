"""Dense vectors of the clauses in a FAISS index, saved to disk and rebuilt only when stale."""
from __future__ import annotations

import hashlib
import json
from pathlib import Path

import faiss
import numpy as np

from retrieval.batching import MicroBatcher
from retrieval.encoder import Encoder
from retrieval.passages import PASSAGE_FORMAT

DEFAULT_INDEX_DIR = Path(__file__).resolve().parent.parent / "build" / "index"


class DenseIndex:
    """Inner-product search over L2-normalised embeddings, i.e. cosine similarity."""

    def __init__(self, encoder: Encoder, passages: list[str], index_dir: Path = DEFAULT_INDEX_DIR):
        self.encoder = encoder
        self.size = len(passages)
        self.fingerprint = self._fingerprint(encoder, passages)
        self.index = self._load(index_dir) or self._build(passages, index_dir)
        self._batcher = MicroBatcher(self._encode_and_score_batch, name="query-encoder")

    @staticmethod
    def _fingerprint(encoder: Encoder, passages: list[str]) -> str:
        digest = hashlib.sha256()
        for part in [PASSAGE_FORMAT, encoder.fingerprint, *passages]:
            digest.update(part.encode("utf-8") + b"\0")
        return digest.hexdigest()

    def _load(self, index_dir: Path) -> faiss.Index | None:
        meta_file, index_file = index_dir / "meta.json", index_dir / "clauses.faiss"
        if not (meta_file.exists() and index_file.exists()):
            return None
        meta = json.loads(meta_file.read_text(encoding="utf-8"))
        if meta.get("fingerprint") != self.fingerprint:
            return None
        index = faiss.read_index(str(index_file))
        return index if index.ntotal == self.size else None

    def _build(self, passages: list[str], index_dir: Path) -> faiss.Index:
        vectors = np.ascontiguousarray(self.encoder.encode_passages(passages), dtype=np.float32)
        index = faiss.IndexFlatIP(vectors.shape[1])
        index.add(vectors)
        index_dir.mkdir(parents=True, exist_ok=True)
        # write then rename: a reader never sees half an index
        faiss.write_index(index, str(index_dir / "clauses.faiss.tmp"))
        (index_dir / "clauses.faiss.tmp").replace(index_dir / "clauses.faiss")
        (index_dir / "meta.json").write_text(
            json.dumps({"fingerprint": self.fingerprint, "size": self.size,
                        "model": self.encoder.fingerprint}, ensure_ascii=False), encoding="utf-8")
        return index

    def encode(self, question: str) -> np.ndarray:
        return self.encode_and_score(question)[0]

    def encode_and_score(self, question: str) -> tuple[np.ndarray, np.ndarray]:
        """The question's vector and its cosine to every clause; questions asked at the same
        time from other threads are encoded and searched in the same batch."""
        return self._batcher.submit(question)

    def scores(self, query_vector: np.ndarray) -> np.ndarray:
        """Cosine similarity of the question to every clause, in clause order."""
        return self._scores(query_vector.reshape(1, -1))[0]

    def _scores(self, query_vectors: np.ndarray) -> np.ndarray:
        similarities, ids = self.index.search(query_vectors, self.size)
        scores = np.empty((len(query_vectors), self.size), dtype=np.float32)
        np.put_along_axis(scores, ids, similarities, axis=1)
        return scores

    def _encode_and_score_batch(self, questions: list[str]) -> list[tuple[np.ndarray, np.ndarray]]:
        vectors = np.ascontiguousarray(self.encoder.encode_queries(questions), dtype=np.float32)
        return list(zip(vectors, self._scores(vectors)))
