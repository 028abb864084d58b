"""Run a sentence-transformers folder's transformer through ONNX Runtime.

sentence-transformers' own `backend="onnx"` goes through Hugging Face Optimum, whose releases
pin transformers < 4.58 and so cannot be installed beside sentence-transformers 6 /
transformers 5. This module gives sentence-transformers the same thing without Optimum: a
`Transformer` module whose model is an ONNX Runtime session over `onnx/model.onnx` (written by
retrieval.onnx_export at build time). Tokenisation, prompts, pooling and normalisation stay
sentence-transformers' own, so both backends share everything but the matrix arithmetic.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import torch
from sentence_transformers import SentenceTransformer
from sentence_transformers.sentence_transformer import modules as st_modules
from transformers import PretrainedConfig
from transformers.modeling_outputs import BaseModelOutput

from retrieval.onnx_export import ONNX_FILE



class OnnxEncoderModel(torch.nn.Module):
    """Stands where the transformers BertModel would: same inputs, same `last_hidden_state`."""

    def __init__(self, onnx_path: Path, config: PretrainedConfig, threads: int):
        import onnxruntime

        super().__init__()
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
            str(onnx_path), options, providers=["CPUExecutionProvider"]
        )
        self.config = config

    @property
    def device(self) -> torch.device:
        return torch.device("cpu")

    def forward(self, input_ids: torch.Tensor, attention_mask: torch.Tensor, **_) -> BaseModelOutput:
        hidden = self.session.run(["last_hidden_state"], {
            "input_ids": input_ids.numpy().astype(np.int64, copy=False),
            "attention_mask": attention_mask.numpy().astype(np.int64, copy=False),
        })[0]
        return BaseModelOutput(last_hidden_state=torch.from_numpy(hidden))


class OnnxTransformer(st_modules.Transformer):
    """sentence-transformers' Transformer module, with the model run by ONNX Runtime."""

    def _load_model(self, model_name_or_path, transformer_task, config, backend, is_peft_model,
                    **model_kwargs):
        threads = model_kwargs.pop("onnx_threads", 1)
        if backend != "onnx" or transformer_task != "feature-extraction":
            return super()._load_model(model_name_or_path, transformer_task, config, backend,
                                       is_peft_model, **model_kwargs)
        return OnnxEncoderModel(Path(model_name_or_path) / ONNX_FILE, config, threads)


def has_onnx(model_dir: Path) -> bool:
    return (model_dir / ONNX_FILE).is_file()


def load_onnx_sentence_transformer(model_dir: Path, threads: int) -> SentenceTransformer:
    """A SentenceTransformer built from the folder's modules.json, transformer on ONNX Runtime."""
    if not has_onnx(model_dir):
        raise FileNotFoundError(
            f"{model_dir / ONNX_FILE} is missing: build it with `make setup` "
            "(python -m retrieval.model_build) or use POLICY_EMBEDDING_BACKEND=torch"
        )
    modules_config = json.loads((model_dir / "modules.json").read_text(encoding="utf-8"))
    modules = []
    for entry in modules_config:
        module_class = _module_class(entry["type"])
        if issubclass(module_class, st_modules.Transformer):
            modules.append(OnnxTransformer.load(
                str(model_dir), subfolder=entry["path"], backend="onnx", local_files_only=True,
                model_kwargs={"onnx_threads": threads},
            ))
        else:
            modules.append(module_class.load(str(model_dir), subfolder=entry["path"],
                                             local_files_only=True))
    settings = _json_or_empty(model_dir / "config_sentence_transformers.json")
    return SentenceTransformer(
        modules=modules,
        device="cpu",
        prompts=settings.get("prompts"),
        similarity_fn_name=settings.get("similarity_fn_name"),
    )


def _module_class(class_ref: str) -> type:
    """The sentence-transformers module class that a modules.json "type" names.

    Looked up by class name among sentence-transformers' own modules, whichever of its
    historical import paths the folder was written with; other code is never imported.
    """
    class_name = class_ref.rsplit(".", 1)[-1]
    module_class = getattr(st_modules, class_name, None)
    if not class_ref.startswith("sentence_transformers.") or not isinstance(module_class, type):
        raise ValueError(f"the ONNX backend only loads sentence-transformers modules, not {class_ref}")
    return module_class


def _json_or_empty(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8")) if path.is_file() else {}
