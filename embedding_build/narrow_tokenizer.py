"""A narrowed copy of the folder's tokenizer for serving: same tokens, a fraction of the memory.

    python -m embedding_build.narrow_tokenizer MODEL_DIR

XLM-R's Unigram vocabulary has 250,002 pieces in about a hundred scripts; `tokenizers` keeps
them in a character trie that costs the serving process about 285 MB and 1.5 s to load. The
questions and the two documents are Chinese with ASCII, so serving loads only the pieces made
of the characters in NARROW_RANGES (plus the special tokens and the lowest-scoring piece,
whose score sets the penalty of an unknown character) and maps each narrowed id back to the
full vocabulary's id.

Why the tokens are the same: a Unigram tokenizer chooses among the vocabulary pieces that
occur in the (normalised, whitespace-split) text. When every character of the text is in
NARROW_RANGES, each such piece is made of those characters, so it is kept with its score, and
the choice is the same. A text with any other character is tokenised by the full tokenizer
(retrieval/onnx_backend.py loads it then, once). tests/test_embedding_model.py compares both.

Writes onnx/tokenizer-narrow.json (a `tokenizers` file) and onnx/tokenizer-narrow.ids.json
({"ranges": [[first, last], …], "ids": [full id of each narrowed id]}); onnx/ holds what is
derived from the folder and gives the same vectors.
"""
from __future__ import annotations

import json
import sys
from pathlib import Path

from retrieval.onnx_backend import NARROW_IDS_FILE, NARROW_TOKENIZER_FILE, in_ranges

# Code points whose pieces serving keeps (inclusive ranges).
NARROW_RANGES = (
    (0x09, 0x0A), (0x0D, 0x0D), (0x20, 0x7E),   # tab, newlines, ASCII
    (0xA5, 0xA5), (0xB0, 0xB0), (0xB7, 0xB7), (0xD7, 0xD7), (0xF7, 0xF7),  # ¥ ° · × ÷
    (0x2000, 0x206F),                           # general punctuation (— “ ” …)
    (0x2100, 0x218F), (0x2190, 0x21FF),         # letterlike symbols, number forms, arrows
    (0x2460, 0x24FF), (0x2581, 0x2581),         # ① …, SentencePiece's word marker ▁
    (0x25A0, 0x25FF), (0x2605, 0x2606),         # □ ■ ○ ● (the documents' check boxes), ★ ☆
    (0x2E80, 0x2FDF), (0x3000, 0x303F),         # CJK radicals, CJK symbols and punctuation
    (0x3400, 0x4DBF), (0x4E00, 0x9FFF),         # CJK ideographs
    (0xF900, 0xFAFF), (0xFF00, 0xFFEF),         # compatibility ideographs, full-width forms
)


def narrow(tokenizer: dict, ranges=NARROW_RANGES) -> tuple[dict, list[int]]:
    """The narrowed tokenizer (tokenizers' JSON) and the full id of each of its ids."""
    model = tokenizer["model"]
    if model.get("type") != "Unigram" or model.get("byte_fallback"):
        raise ValueError("only a Unigram tokenizer without byte fallback can be narrowed")
    vocab = model["vocab"]
    special = {token["id"] for token in tokenizer.get("added_tokens") or []}
    lowest = min(range(len(vocab)), key=lambda i: vocab[i][1])
    kept = [i for i, (piece, _) in enumerate(vocab)
            if i in special or i == lowest or in_ranges(piece, ranges)]
    new_id = {full: narrowed for narrowed, full in enumerate(kept)}
    out = json.loads(json.dumps(tokenizer))
    out["model"]["vocab"] = [vocab[i] for i in kept]
    out["model"]["unk_id"] = new_id[model["unk_id"]]
    for token in out.get("added_tokens") or []:
        token["id"] = new_id[token["id"]]
    for entry in ((out.get("post_processor") or {}).get("special_tokens") or {}).values():
        entry["ids"] = [new_id[i] for i in entry["ids"]]
    if out.get("padding"):
        out["padding"]["pad_id"] = new_id[out["padding"]["pad_id"]]
    return out, kept


def write_narrow_tokenizer(model_dir: Path) -> int:
    tokenizer = json.loads((model_dir / "tokenizer.json").read_text(encoding="utf-8"))
    narrowed, kept = narrow(tokenizer)
    target = model_dir / NARROW_TOKENIZER_FILE
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(json.dumps(narrowed, ensure_ascii=False), encoding="utf-8")
    (model_dir / NARROW_IDS_FILE).write_text(
        json.dumps({"ranges": [list(r) for r in NARROW_RANGES], "ids": kept}), encoding="utf-8")
    return len(kept)


def main(argv: list[str] | None = None) -> int:
    args = argv if argv is not None else sys.argv[1:]
    if len(args) != 1:
        print(__doc__.splitlines()[2].strip(), file=sys.stderr)
        return 2
    kept = write_narrow_tokenizer(Path(args[0]))
    print(f"narrow tokenizer: {kept} pieces kept", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
