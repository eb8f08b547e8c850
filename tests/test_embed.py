"""Encoders and the embedding cache."""

import numpy as np
import pytest

from nlp.embed.encoders import EmbeddingCache, EncoderError, SentenceTransformerEncoder, embed, get_encoder


class Counting:
    """A real encoder wrapper that counts how many texts reach the model."""

    def __init__(self, inner):
        self.inner, self.name, self.dim, self.calls = inner, inner.name, inner.dim, 0

    def encode(self, texts):
        self.calls += len(texts)
        return self.inner.encode(texts)


@pytest.fixture(scope="module")
def tiny_st_model(tmp_path_factory):
    """A real sentence-transformers model, built here (no hub): static embeddings over a word vocabulary."""
    from sentence_transformers import SentenceTransformer
    from sentence_transformers.models import StaticEmbedding
    from tokenizers import Tokenizer
    from tokenizers.models import WordLevel
    from tokenizers.pre_tokenizers import Whitespace

    words = ["[UNK]", "[PAD]", "tilskudd", "bolig", "flyktning", "norsk", "skole", "kommune", "nav"]
    tok = Tokenizer(WordLevel({w: i for i, w in enumerate(words)}, unk_token="[UNK]"))
    tok.pre_tokenizer = Whitespace()
    weights = np.random.default_rng(0).normal(size=(len(words), 12)).astype(np.float32)
    import torch

    model = SentenceTransformer(modules=[StaticEmbedding(tok, embedding_weights=torch.tensor(weights))], device="cpu")
    path = tmp_path_factory.mktemp("tiny-st")
    model.save(str(path))
    return path


def test_sentence_transformers_model_from_folder(tiny_st_model):
    enc = get_encoder(str(tiny_st_model))
    assert isinstance(enc, SentenceTransformerEncoder) and enc.dim == 12
    vecs = enc.encode(["tilskudd bolig", "norsk skole", "tilskudd bolig"])
    assert vecs.shape == (3, 12) and vecs.dtype == np.float32
    assert np.allclose(np.linalg.norm(vecs, axis=1), 1, atol=1e-5)
    assert np.allclose(vecs[0], vecs[2]) and not np.allclose(vecs[0], vecs[1])


def test_unknown_model_is_a_clear_error(tmp_path):
    with pytest.raises(EncoderError, match="no-such-model"):
        get_encoder(str(tmp_path / "no-such-model"))


def test_cache_embeds_each_text_once(tiny_st_model, tmp_path):
    enc = Counting(get_encoder(str(tiny_st_model)))
    cache = EmbeddingCache(tmp_path / "c.sqlite")
    first = embed(["bolig", "nav kommune", "bolig"], enc, cache)
    assert enc.calls == 2
    again = embed(["nav kommune", "bolig", "skole"], enc, cache)
    assert enc.calls == 3
    assert np.array_equal(first[1], again[0]) and np.array_equal(first[0], again[1])


@pytest.mark.slow
def test_default_encoder_is_bundled_e5():
    enc = get_encoder()
    v = embed(["Samarbeidet med IMDi fungerer godt.", "Vi trenger flere boliger."], enc)
    assert v.shape == (2, 384)
    assert enc.model == "multilingual-e5-small-q4" and "/torch-" in enc.name
