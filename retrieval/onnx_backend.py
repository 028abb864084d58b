"""A sentence-transformers folder's encoder run by ONNX Runtime and `tokenizers` alone.

Serving needs no PyTorch, transformers or sentence-transformers: this module reads the folder's
own settings (modules.json, sentence_bert_config.json, the pooling config, the prompts) and
does what sentence-transformers does with them — strip each text, put the prompt in front,
tokenise with the folder's tokenizer.json (truncated to max_seq_length, padded to the batch's
longest), run `onnx/model.onnx` (written at build time by embedding_build/onnx_export.py), mean-
or CLS-pool over the attention mask, and L2-normalise when the folder has a Normalize module.
tests/test_embedding_model.py checks the vectors against sentence-transformers' own.
"""
from __future__ import annotations

import json
import threading
from pathlib import Path

import numpy as np

ONNX_FILE = "onnx/model.onnx"
# The tokenizer narrowed to Chinese and ASCII pieces, and its ids' full ids
# (embedding_build/narrow_tokenizer.py): the same tokens for such texts, a fraction of the memory.
NARROW_TOKENIZER_FILE = "onnx/tokenizer-narrow.json"
NARROW_IDS_FILE = "onnx/tokenizer-narrow.ids.json"
PASSAGE_PROMPT_NAMES = ("passage", "document", "corpus")  # first one the model defines wins


def has_onnx(model_dir: Path) -> bool:
    return (model_dir / ONNX_FILE).is_file()


class OnnxSentenceEncoder:
    """encode(texts, prompt) → (n, dim) float32, as SentenceTransformer.encode would give."""

    def __init__(self, model_dir: Path, threads: int):
        import onnxruntime
        from tokenizers import Tokenizer

        if not has_onnx(model_dir):
            raise FileNotFoundError(
                f"{model_dir / ONNX_FILE} is missing: build it with `make setup` "
                "or use POLICY_EMBEDDING_BACKEND=torch")
        modules = [entry["type"].rsplit(".", 1)[-1]
                   for entry in _json(model_dir / "modules.json")]
        if modules[:2] != ["Transformer", "Pooling"] or not set(modules[2:]) <= {"Normalize"}:
            raise ValueError(f"{model_dir}: the ONNX backend runs Transformer, Pooling "
                             f"[, Normalize] folders, not {modules}")
        self.normalize = "Normalize" in modules
        pooling = _json(model_dir / "1_Pooling" / "config.json")
        self.cls_pooling = bool(pooling.get("pooling_mode_cls_token"))
        if not (self.cls_pooling or pooling.get("pooling_mode_mean_tokens")):
            raise ValueError(f"{model_dir}: only mean or CLS pooling is supported")
        self.dim = int(pooling["word_embedding_dimension"])
        settings = _json(model_dir / "sentence_bert_config.json")
        self.lower_case = bool(settings.get("do_lower_case"))
        prompts = _json(model_dir / "config_sentence_transformers.json").get("prompts") or {}
        self.query_prompt = prompts.get("query") or ""
        self.passage_prompt = next(
            (prompts[name] for name in PASSAGE_PROMPT_NAMES if prompts.get(name)), "")

        self._tokenizers = ServingTokenizers(
            model_dir, int(settings.get("max_seq_length") or 512),
            _json(model_dir / "tokenizer_config.json").get("pad_token") or "<pad>")

        options = onnxruntime.SessionOptions()
        options.intra_op_num_threads = threads
        options.inter_op_num_threads = 1
        options.graph_optimization_level = onnxruntime.GraphOptimizationLevel.ORT_ENABLE_ALL
        # Idle worker threads would otherwise spin after every query, taking CPU from the
        # BM25 step, the gateway and Rasa on a 2-core machine.
        options.add_session_config_entry("session.intra_op.allow_spinning", "0")
        # The arena would keep the peak of the largest batch ever run (GBs for 32 long
        # passages) for the life of the process; measured: no cost to single-query latency.
        options.enable_cpu_mem_arena = False
        self.session = onnxruntime.InferenceSession(
            str(model_dir / ONNX_FILE), options, providers=["CPUExecutionProvider"])

    def encode(self, texts: list[str], prompt: str, batch_size: int = 32) -> np.ndarray:
        texts = [prompt + text.strip() for text in texts]
        if self.lower_case:
            texts = [text.lower() for text in texts]
        # Similar lengths together, as sentence-transformers does: less padding per batch.
        order = np.argsort([-len(text) for text in texts], kind="stable")
        out = np.empty((len(texts), self.dim), dtype=np.float32)
        for start in range(0, len(texts), batch_size):
            chunk = order[start:start + batch_size]
            out[chunk] = self._encode_batch([texts[i] for i in chunk])
        return out

    def _encode_batch(self, texts: list[str]) -> np.ndarray:
        encodings, full_ids = self._tokenizers.encode_batch(texts)
        ids = np.array([e.ids for e in encodings], dtype=np.int64)
        if full_ids is not None:
            ids = full_ids[ids]
        mask = np.array([e.attention_mask for e in encodings], dtype=np.int64)
        hidden = self.session.run(["last_hidden_state"],
                                  {"input_ids": ids, "attention_mask": mask})[0]
        if self.cls_pooling:
            pooled = hidden[:, 0]
        else:
            weights = mask[:, :, None].astype(np.float32)
            pooled = (hidden * weights).sum(axis=1) / np.maximum(weights.sum(axis=1), 1e-9)
        if self.normalize:
            norms = np.linalg.norm(pooled, axis=1, keepdims=True)
            pooled = pooled / np.maximum(norms, 1e-12)
        return pooled.astype(np.float32, copy=False)


def in_ranges(text: str, ranges) -> bool:
    """Every character of text is in one of the inclusive code point ranges."""
    return all(any(first <= ord(ch) <= last for first, last in ranges) for ch in text)


class ServingTokenizers:
    """The folder's tokenizer.json, or its narrowed copy for texts made only of the characters
    that copy keeps (the full one is loaded the first time another text comes)."""

    def __init__(self, model_dir: Path, max_length: int, pad_token: str):
        self.model_dir, self.max_length, self.pad_token = model_dir, max_length, pad_token
        self._full = None
        self._loading = threading.Lock()
        self.narrow = None
        narrow_ids = _json(model_dir / NARROW_IDS_FILE)
        if narrow_ids and (model_dir / NARROW_TOKENIZER_FILE).is_file():
            self.narrow = self._load(model_dir / NARROW_TOKENIZER_FILE)
            self.narrow_ids = np.asarray(narrow_ids["ids"], dtype=np.int64)
            self.narrow_chars = tuple((first, last) for first, last in narrow_ids["ranges"])

    def _load(self, path: Path):
        from tokenizers import Tokenizer

        tokenizer = Tokenizer.from_file(str(path))
        tokenizer.enable_truncation(self.max_length)
        tokenizer.enable_padding(pad_id=tokenizer.token_to_id(self.pad_token),
                                 pad_token=self.pad_token)
        return tokenizer

    @property
    def full(self):
        with self._loading:
            if self._full is None:
                self._full = self._load(self.model_dir / "tokenizer.json")
            return self._full

    def narrow_covers(self, text: str) -> bool:
        return in_ranges(self.narrow.normalizer.normalize_str(text), self.narrow_chars)

    def encode_batch(self, texts: list[str]):
        """The encodings, and the array that maps their ids to the full vocabulary's (None
        when they are the full tokenizer's already)."""
        if self.narrow is not None and all(self.narrow_covers(text) for text in texts):
            return self.narrow.encode_batch(texts), self.narrow_ids
        return self.full.encode_batch(texts), None


def _json(path: Path) -> dict | list:
    return json.loads(path.read_text(encoding="utf-8")) if path.is_file() else {}
