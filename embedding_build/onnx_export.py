"""Export a converted BERT folder to ONNX, for the fast encoder backend (build time only).

PyTorch eager spends most of a short query's time in per-operator overhead; ONNX Runtime runs
the same graph several times faster on this 2-core CPU. The export happens once, at
`make setup` (through `python -m embedding_build.model_build`), never at query time.

The graph maps (input_ids, attention_mask) → last_hidden_state, dynamic in batch and sequence
length, in float32: exactly the transformer module of the sentence-transformers folder, so
pooling, normalisation and prompts stay in sentence-transformers (retrieval.onnx_backend).
"""

from __future__ import annotations

import logging
import warnings
from pathlib import Path

import torch

from retrieval.onnx_backend import ONNX_FILE
OPSET = 18


def export_onnx(model_dir: Path) -> Path:
    """Write model_dir/onnx/model.onnx from model_dir's safetensors weights; return its path."""
    from transformers import AutoModel
    from transformers.utils import logging as transformers_logging

    transformers_logging.disable_progress_bar()

    target = model_dir / ONNX_FILE
    target.parent.mkdir(parents=True, exist_ok=True)
    # Eager attention exports as plain MatMul/Softmax, which every ONNX Runtime optimises.
    bert = AutoModel.from_pretrained(
        model_dir, dtype=torch.float32, add_pooling_layer=False, attn_implementation="eager"
    ).eval()
    example_ids = torch.tensor([[0, 41, 1294, 12, 6, 2], [0, 46692, 12, 6, 2, 1]])
    example_mask = torch.tensor([[1, 1, 1, 1, 1, 1], [1, 1, 1, 1, 1, 0]])
    batch = torch.export.Dim("batch")
    sequence = torch.export.Dim("sequence", max=bert.config.max_position_embeddings)
    # The exporter's chatter (progress lines, torchvision ops it skips, axis renames) says
    # nothing about this graph; real failures still raise.
    logging.getLogger("torch.onnx").setLevel(logging.ERROR)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        torch.onnx.export(
            _LastHiddenState(bert),
            (example_ids, example_mask),
            str(target),
            input_names=["input_ids", "attention_mask"],
            output_names=["last_hidden_state"],
            dynamic_shapes={"input_ids": {0: batch, 1: sequence},
                            "attention_mask": {0: batch, 1: sequence}},
            opset_version=OPSET,
            dynamo=True,
            verbose=False,
            external_data=False,
        )
    _store_word_embeddings_as_fp16(target)
    store_weights_apart(target)
    return target


def store_weights_apart(path: Path) -> None:
    """Move the weights into onnx/model.onnx_data beside the graph (ONNX external data).

    ONNX Runtime then maps that file into memory instead of copying the weights out of the
    parsed graph: measured, a session costs 98 MB of resident memory instead of 306 MB, with
    the same outputs, and a second process mapping the same file shares its pages.
    """
    import onnx

    model = onnx.load(str(path))
    data = path.with_name(path.name + "_data")
    data.unlink(missing_ok=True)
    onnx.save_model(model, str(path), save_as_external_data=True, all_tensors_to_one_file=True,
                    location=data.name, size_threshold=1024)
    data.chmod(0o644)  # onnx writes 0600; the folder is shared


def _store_word_embeddings_as_fp16(path: Path) -> None:
    """Keep the 250k-row word-embedding table in float16, cast to float32 after the lookup.

    The table holds two thirds of all weights, and its values came from fp16 storage, so this
    is lossless (checked) and takes ~190 MB off the file and off every process that loads it.
    """
    import numpy as np
    import onnx
    from onnx import helper, numpy_helper

    model = onnx.load(str(path))
    graph = model.graph
    initializers = {init.name: init for init in graph.initializer}
    lookups = [(i, node) for i, node in enumerate(graph.node)
               if node.op_type == "Gather" and node.input[0] in initializers]
    position, gather = max(lookups, key=lambda item: _element_count(initializers[item[1].input[0]]))
    table = initializers[gather.input[0]]
    values = numpy_helper.to_array(table)
    half = values.astype(np.float16)
    if not np.array_equal(half.astype(np.float32), values):
        return  # not exactly representable: keep float32 rather than change the model
    table.CopyFrom(numpy_helper.from_array(half, table.name))
    wide_output = gather.output[0]
    gather.output[0] = wide_output + "_fp16"
    graph.node.insert(position + 1, helper.make_node(
        "Cast", [gather.output[0]], [wide_output], to=onnx.TensorProto.FLOAT,
        name=gather.name + "_to_float32"))
    onnx.checker.check_model(model)
    onnx.save(model, str(path))


def _element_count(initializer) -> int:
    count = 1
    for dim in initializer.dims:
        count *= dim
    return count


class _LastHiddenState(torch.nn.Module):
    """Adapter so the exported graph has plain tensor inputs and one tensor output."""

    def __init__(self, bert: torch.nn.Module):
        super().__init__()
        self.bert = bert

    def forward(self, input_ids: torch.Tensor, attention_mask: torch.Tensor) -> torch.Tensor:
        return self.bert(input_ids=input_ids, attention_mask=attention_mask).last_hidden_state
