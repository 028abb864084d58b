"""Dense sentence encoder for retrieval: ONNX Runtime + tokenizers, or sentence-transformers.

    from retrieval.encoder import Encoder
    encoder = Encoder()                        # the built multilingual-e5-small folder
    q = encoder.encode_queries(["博士可以申请什么卡"])     # (1, 384) float32, L2-normalised
    P = encoder.encode_passages(clause_texts)              # (n, 384)
    scores = P @ q[0]

Which model: the `model` argument, else $POLICY_EMBEDDING_MODEL, else the folder that
`make setup` builds (build/models/multilingual-e5-small). Any sentence-transformers model
name or folder works, e.g. BAAI/bge-small-zh-v1.5 where a model hub can be reached.

Which backend ($POLICY_EMBEDDING_BACKEND or the `backend` argument):
- "onnx": the folder's onnx/model.onnx under ONNX Runtime with its tokenizer.json under
  `tokenizers` (retrieval.onnx_backend): what serving runs, without PyTorch; same
  tokeniser, prompts, pooling and normalisation as sentence-transformers, about half the
  latency of PyTorch for a short query on 2 cores, embeddings equal to cosine 0.99999.
- "torch": plain `SentenceTransformer(path)` in float32 (needs the building environment).
Default: "onnx" when the folder has onnx/model.onnx, else "torch".

Threads ($POLICY_EMBEDDING_THREADS): default, the CPUs this process may use.
"""

from __future__ import annotations

import hashlib
import logging
import os
from functools import cached_property
from pathlib import Path

import numpy as np

from retrieval.onnx_backend import PASSAGE_PROMPT_NAMES, OnnxSentenceEncoder, has_onnx

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_MODEL_DIR = PROJECT_ROOT / "build" / "models" / "multilingual-e5-small"
BACKENDS = ("torch", "onnx")

log = logging.getLogger(__name__)


class EncoderError(RuntimeError):
    """The embedding model cannot be loaded as configured."""


class Encoder:
    def __init__(self, model: str | None = None, backend: str | None = None,
                 threads: int | None = None, batch_size: int = 32):
        self.model_name = model or os.environ.get("POLICY_EMBEDDING_MODEL") or str(DEFAULT_MODEL_DIR)
        self.model_dir = _local_dir(self.model_name)
        self.threads = threads or _env_int("POLICY_EMBEDDING_THREADS") or _available_cpus()
        self.backend = self._choose_backend(backend or os.environ.get("POLICY_EMBEDDING_BACKEND"))
        self.batch_size = batch_size
        self._model = self._load()

    # --- public API ------------------------------------------------------------------------

    @property
    def dim(self) -> int:
        if self.backend == "onnx":
            return self._model.dim
        return int(self._model.get_embedding_dimension())

    @cached_property
    def fingerprint(self) -> str:
        """Changes whenever the model changes (see model_fingerprint); computed once."""
        return model_fingerprint(self.model_name)

    def encode_queries(self, texts: list[str]) -> np.ndarray:
        return self._encode(texts, "query")

    def encode_passages(self, texts: list[str]) -> np.ndarray:
        return self._encode(texts, "passage")

    def __repr__(self) -> str:
        return f"Encoder({self.model_name!r}, backend={self.backend!r}, threads={self.threads})"

    # --- internals -------------------------------------------------------------------------

    def _encode(self, texts: list[str], kind: str) -> np.ndarray:
        if isinstance(texts, str) or not all(isinstance(t, str) for t in texts):
            raise TypeError("texts must be a list of strings")
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        if self.backend == "onnx":
            prompt = self._model.query_prompt if kind == "query" else self._model.passage_prompt
            return self._model.encode(list(texts), prompt, batch_size=self.batch_size)
        prompts = self._model.prompts
        names = ("query",) if kind == "query" else PASSAGE_PROMPT_NAMES
        prompt = next((prompts[name] for name in names if prompts.get(name)), None)
        vectors = self._model.encode(
            list(texts), prompt=prompt, batch_size=self.batch_size, convert_to_numpy=True,
            normalize_embeddings=True, show_progress_bar=False,
        )
        return np.ascontiguousarray(vectors, dtype=np.float32)

    def _choose_backend(self, requested: str | None) -> str:
        if requested:
            backend = requested.strip().lower()
            if backend not in BACKENDS:
                raise EncoderError(f"unknown embedding backend {requested!r}: use torch or onnx")
            return backend
        return "onnx" if self.model_dir is not None and has_onnx(self.model_dir) else "torch"

    def _load(self):
        if self.model_dir is None and _looks_like_path(self.model_name):
            hint = "; run `make setup` to build it" if self.model_name == str(DEFAULT_MODEL_DIR) else ""
            raise EncoderError(f"embedding model folder {self.model_name} does not exist{hint}")
        if self.backend == "onnx":
            if self.model_dir is None:
                raise EncoderError("the onnx backend needs a local model folder with onnx/model.onnx")
            try:
                return OnnxSentenceEncoder(self.model_dir, self.threads)
            except (FileNotFoundError, ValueError) as error:
                raise EncoderError(str(error)) from error
        return _load_sentence_transformer(self.model_dir or self.model_name, self.threads)


def _load_sentence_transformer(model: Path | str, threads: int):
    """PyTorch and sentence-transformers: for building and for models without an ONNX export
    (the building environment has them; the serving one does not)."""
    try:
        import torch
        from sentence_transformers import SentenceTransformer
        from transformers.utils import logging as transformers_logging
    except ImportError as error:
        raise EncoderError(f"the torch backend needs PyTorch and sentence-transformers "
                           f"(the building environment): {error}") from error

    transformers_logging.disable_progress_bar()  # no "Loading weights" bars in service logs
    # Process-wide, as torch has one intra-op pool per process.
    torch.set_num_threads(threads)
    return SentenceTransformer(
        str(model), device="cpu",
        # Weights stored as fp16 would otherwise run in fp16: ~10x slower on CPU.
        model_kwargs={"dtype": torch.float32},
    )


def model_fingerprint(model: str) -> str:
    """A short hash that changes whenever the model's weights, tokeniser or settings change.

    For a folder: every file's path and content, except the onnx/ export, which is derived
    from the same weights and gives the same vectors (an index built with either backend stays
    valid). A hub model name is identified by its name only.
    """
    digest = hashlib.sha256()
    model_dir = _local_dir(model)
    if model_dir is None:
        digest.update(f"hub:{model}".encode())
    else:
        for path in sorted(p for p in model_dir.rglob("*") if p.is_file()):
            relative = path.relative_to(model_dir)
            if relative.parts[0] == "onnx" or relative.name == ".built":
                continue
            digest.update(relative.as_posix().encode() + b"\0" + _file_sha256(path).encode())
    return digest.hexdigest()[:16]


def _local_dir(model: str) -> Path | None:
    path = Path(model)
    return path.resolve() if path.is_dir() else None


def _looks_like_path(model: str) -> bool:
    """A folder path, as opposed to a hub name such as "BAAI/bge-small-zh-v1.5"."""
    return model.startswith(("/", ".", "~")) or model.count("/") > 1


def _file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(1 << 22):
            digest.update(chunk)
    return digest.hexdigest()


def _available_cpus() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not Linux
        return max(1, os.cpu_count() or 1)


def _env_int(name: str) -> int | None:
    value = os.environ.get(name, "").strip()
    if not value:
        return None
    if not value.isdigit() or int(value) < 1:
        raise EncoderError(f"{name} must be a positive whole number, not {value!r}")
    return int(value)
