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
from pathlib import Path

import numpy as np

ONNX_FILE = "onnx/model.onnx"
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

        self.tokenizer = Tokenizer.from_file(str(model_dir / "tokenizer.json"))
        pad_token = _json(model_dir / "tokenizer_config.json").get("pad_token") or "<pad>"
        self.tokenizer.enable_truncation(int(settings.get("max_seq_length") or 512))
        self.tokenizer.enable_padding(pad_id=self.tokenizer.token_to_id(pad_token),
                                      pad_token=pad_token)

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
        encodings = self.tokenizer.encode_batch(texts)
        ids = np.array([e.ids for e in encodings], dtype=np.int64)
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


def _json(path: Path) -> dict | list:
    return json.loads(path.read_text(encoding="utf-8")) if path.is_file() else {}
