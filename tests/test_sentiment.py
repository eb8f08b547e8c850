"""Sentiment classifier: label mapping, calibration, comment-level aggregation, persistence, eval."""

import json

import numpy as np
import pytest

from nlp.errors import InputError, ModelError
from nlp.eval.sentiment import map_labels, normalize_label, read_labelled, score
from nlp.sentiment.calibration import expected_calibration_error, fit_temperature, softmax
from nlp.sentiment.model import LABELS, SentimentModel, SentimentResult
from nlp.sentiment.features import Lexicon, NgramConfig

POS_WORDS = ["bra", "godt", "flott", "nyttig", "fornøyd", "utmerket"]
NEG_WORDS = ["dårlig", "vanskelig", "frustrerende", "tungvint", "uklart", "mangelfullt"]
SUBJECTS = ["samarbeidet", "tilskuddet", "opplæringen", "veiledningen", "programmet", "kontakten", "møtet"]
LEX = Lexicon.build(POS_WORDS[:3], NEG_WORDS[:3])
DIM = 12


def _vec(rng, label: str, survey: bool = False) -> np.ndarray:
    """Class-dependent direction; survey comments also lean along the last axis (their domain)."""
    centre = {"positive": 0, "negative": 1, "neutral": 2}
    v = rng.normal(0, 0.6, DIM)
    if survey:
        v[-1] += 1.5
    if label == "mixed":
        v[0] += 1.0
        v[1] += 1.0
    else:
        v[centre[label]] += 2.0
    return v / np.linalg.norm(v)


def _sentence(rng, label: str) -> str:
    subj = rng.choice(SUBJECTS)
    if label == "positive":
        return f"{subj.capitalize()} er {rng.choice(POS_WORDS)}."
    if label == "negative":
        return f"{subj.capitalize()} er {rng.choice(NEG_WORDS)}."
    return f"{subj.capitalize()} er i {rng.choice(['mars', 'april', 'mai', 'juni'])}."


def synthetic(seed: int = 0, n_sent: int = 240, n_comments: int = 120):
    """Sentence-level rows (like NoReC) plus comment-level rows with mixed comments."""
    rng = np.random.default_rng(seed)
    texts, labels, emb, comment = [], [], [], []
    for i in range(n_sent):
        lab = LABELS[i % 3]
        texts.append(_sentence(rng, lab))
        labels.append(lab)
        emb.append(_vec(rng, lab))
        comment.append(False)
    for i in range(n_comments):
        lab = ["positive", "negative", "neutral", "mixed"][i % 4]
        if lab == "mixed":
            text = f"{_sentence(rng, 'positive')} Men {_sentence(rng, 'negative').lower()}"
        else:
            text = f"{_sentence(rng, lab)} {_sentence(rng, 'neutral')}"
        texts.append(text)
        labels.append(lab)
        emb.append(_vec(rng, lab, survey=True))
        comment.append(True)
    return texts, labels, np.array(emb, np.float32), comment


@pytest.fixture(scope="module")
def fitted():
    texts, labels, emb, comment = synthetic()
    model = SentimentModel(C=1.0, ngrams=NgramConfig(word_bits=12, char_bits=12), min_df=1, cv_folds=3)
    model.fit(texts, emb, labels, LEX, groups=[str(i) for i in range(len(texts))], comment_level=comment)
    return model


# -- label mapping -------------------------------------------------------------------------------


@pytest.mark.parametrize("raw, want", [
    ("positive", "positive"), ("Positiv", "positive"), (" POSITIVE ", "positive"),
    ("negative", "negative"), ("NEGATIV", "negative"),
    ("neutral", "neutral"), ("Nøytral", "neutral"), ("NØYTRAL", "neutral"),
    ("mixed", "mixed"), ("Blandet", "mixed"), ("MIXED", "mixed"),
])
def test_label_aliases(raw, want):
    assert normalize_label(raw) == want


def test_unknown_labels_are_reported_with_rows():
    assert normalize_label("kanskje") is None
    with pytest.raises(InputError, match=r"'kanskje' \(rows 2, 4\)"):
        map_labels(["positiv", "kanskje", "negativ", "kanskje"], "x.csv")


def test_read_labelled_json_and_csv(tmp_path):
    j = tmp_path / "d.json"
    j.write_text(json.dumps([{"text": "Bra", "label": "Positiv"}, {"text": "Dårlig", "label": "negative"}]),
                 encoding="utf-8")
    assert read_labelled(j) == (["Bra", "Dårlig"], ["positive", "negative"])
    c = tmp_path / "d.csv"
    c.write_text("Kommentar;Sentiment\nBra;Positiv\nGreit;Nøytral\nBåde og;blandet\n", encoding="utf-8")
    assert read_labelled(c, "kommentar", "SENTIMENT") == (["Bra", "Greit", "Både og"],
                                                          ["positive", "neutral", "mixed"])
    with pytest.raises(InputError, match="no column 'label'"):
        read_labelled(c, "Kommentar", "label")
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps([{"text": "x"}]), encoding="utf-8")
    with pytest.raises(InputError, match="have no 'label'"):
        read_labelled(bad)


# -- calibration ---------------------------------------------------------------------------------


def test_temperature_recovers_known_temperature_and_lowers_ece():
    rng = np.random.default_rng(1)
    logits = rng.normal(0, 3.0, (6000, 3))
    true_t = 2.5
    p_true = softmax(logits / true_t)
    y = np.array([rng.choice(3, p=p) for p in p_true])
    t = fit_temperature(logits, y)
    assert abs(t - true_t) < 0.25
    ece_raw = expected_calibration_error(softmax(logits), y)
    ece_cal = expected_calibration_error(softmax(logits / t), y)
    assert ece_cal < 0.03 < ece_raw


def test_ece_of_known_predictions():
    proba = np.array([[0.9, 0.05, 0.05], [0.9, 0.05, 0.05], [0.6, 0.2, 0.2], [0.6, 0.2, 0.2]])
    y = np.array([0, 1, 0, 0])
    # bin 0.9: accuracy 0.5 vs 0.9; bin 0.6: accuracy 1.0 vs 0.6 -> 0.5*0.4 + 0.5*0.4
    assert expected_calibration_error(proba, y) == pytest.approx(0.4)


def test_fitted_model_is_calibrated_on_fresh_fixture_data(fitted):
    texts, labels, emb, _ = synthetic(seed=7, n_sent=600, n_comments=0)
    proba = fitted.predict_proba(texts, emb)
    y = np.array([LABELS.index(lab) for lab in labels])
    assert (proba.argmax(1) == y).mean() > 0.9
    assert expected_calibration_error(proba, y) <= 0.05


# -- comment level -------------------------------------------------------------------------------


def test_comment_level_labels_score_and_probabilities(fitted):
    texts = [
        "Samarbeidet er bra. Kontakten er i mai.",
        "Tilskuddet er dårlig. Møtet er i april.",
        "Programmet er i juni. Møtet er i mars.",
        "Veiledningen er utmerket. Men opplæringen er frustrerende.",
        "Nei",
    ]
    rng = np.random.default_rng(3)
    emb = np.array([_vec(rng, lab, survey=True) for lab in ["positive", "negative", "neutral", "mixed", "neutral"]])
    emb[4] = 0.0  # non-answers are not embedded by the analyzer
    res = fitted.predict(texts, emb, nonanswer=[False, False, False, False, True])
    assert isinstance(res, SentimentResult) and len(res) == 5
    assert res.label == ["positive", "negative", "neutral", "mixed", "neutral"]
    assert res.proba.shape == (5, 3) and np.allclose(res.proba.sum(1), 1.0, atol=1e-5)
    assert np.allclose(res.score, res.proba[:, 0] - res.proba[:, 1])
    assert res.score[0] > 0.5 and res.score[1] < -0.5
    assert res.proba[4].tolist() == [0.0, 0.0, 1.0] and res.score[4] == 0.0
    # a non-answer is not run through the model: its (possibly garbage) text does not matter
    again = fitted.predict(["Veiledningen er utmerket."], np.zeros((1, DIM)), nonanswer=[True])
    assert again.label == ["neutral"]


def test_mixed_needs_both_strong_parts(fitted):
    rng = np.random.default_rng(4)
    one_sided = "Veiledningen er utmerket. Men opplæringen er i mai."
    res = fitted.predict([one_sided], _vec(rng, "positive", survey=True)[None, :])
    assert res.label == ["positive"]


def test_domain_gate_separates_survey_comments_from_sentences(fitted):
    rng = np.random.default_rng(5)
    survey = np.array([_vec(rng, lab, survey=True) for lab in LABELS * 20])
    review = np.array([_vec(rng, lab) for lab in LABELS * 20])
    assert fitted.has_gate_
    assert fitted.domain_proba(survey).mean() > 0.7 > 0.3 > fitted.domain_proba(review).mean()


def test_without_survey_comments_there_is_no_gate_and_no_mixed():
    texts, labels, emb, _ = synthetic(seed=2, n_sent=90, n_comments=0)
    model = SentimentModel(C=1.0, ngrams=NgramConfig(word_bits=10, char_bits=10), min_df=1, cv_folds=3)
    model.fit(texts, emb, labels, LEX)
    assert not model.has_gate_ and np.all(model.domain_proba(emb) == 0)
    res = model.predict(texts, emb)
    assert "mixed" not in res.label
    assert (np.array(res.label) == np.array(labels)).mean() > 0.9


def test_predict_is_deterministic_and_handles_empty_input(fitted):
    texts, _, emb, _ = synthetic(seed=9, n_sent=30, n_comments=8)
    a, b = fitted.predict(texts, emb), fitted.predict(texts, emb)
    assert a.label == b.label and np.array_equal(a.proba, b.proba)
    empty = fitted.predict([], np.zeros((0, DIM), np.float32))
    assert empty.label == [] and empty.proba.shape == (0, 3)


def test_wrong_embedding_shape(fitted):
    with pytest.raises(ModelError, match="12-dimensional"):
        fitted.predict(["Bra"], np.zeros((1, 384)))
    with pytest.raises(ValueError):
        fitted.predict(["Bra", "Dårlig"], np.zeros((1, DIM)))


# -- persistence ---------------------------------------------------------------------------------


def test_save_load_round_trip_without_pickle(fitted, tmp_path):
    texts, _, emb, _ = synthetic(seed=11, n_sent=30, n_comments=12)
    fitted.save(tmp_path / "m", {"trained_on": {"fixture": len(texts)}})
    assert sorted(p.name for p in (tmp_path / "m").iterdir()) == ["model.json", "model.safetensors"]
    loaded = SentimentModel.load(tmp_path / "m")
    a, b = fitted.predict(texts, emb), loaded.predict(texts, emb)
    assert a.label == b.label and np.allclose(a.proba, b.proba, atol=1e-6)
    assert loaded.metadata_["trained_on"] == {"fixture": len(texts)}
    assert "scikit-learn" in loaded.metadata_["versions"]


def test_load_errors(fitted, tmp_path):
    with pytest.raises(ModelError, match="no sentiment model"):
        SentimentModel.load(tmp_path / "missing")
    fitted.save(tmp_path / "m")
    weights = tmp_path / "m" / "model.safetensors"
    data = bytearray(weights.read_bytes())
    data[-5] ^= 0xFF
    weights.write_bytes(bytes(data))
    with pytest.raises(ModelError, match="damaged"):
        SentimentModel.load(tmp_path / "m")
    fitted.save(tmp_path / "m2")
    meta = tmp_path / "m2" / "model.json"
    doc = json.loads(meta.read_text())
    doc["metadata"]["format_version"] = 999
    meta.write_text(json.dumps(doc))
    with pytest.raises(ModelError, match="format 999"):
        SentimentModel.load(tmp_path / "m2")
    meta.write_text("{not json")
    with pytest.raises(ModelError, match="damaged or incompatible"):
        SentimentModel.load(tmp_path / "m2")


# -- scoring -------------------------------------------------------------------------------------


def test_score_leaves_mixed_out_of_three_class_metrics():
    proba = np.array([[0.8, 0.1, 0.1], [0.1, 0.8, 0.1], [0.1, 0.1, 0.8], [0.5, 0.4, 0.1]], np.float32)
    res = SentimentResult(label=["positive", "negative", "neutral", "mixed"], score=proba[:, 0] - proba[:, 1],
                          proba=proba)
    out = score(["positive", "negative", "negative", "mixed"], res)
    assert out["n"] == 4 and out["n_3class"] == 3
    assert out["accuracy"] == pytest.approx(66.67)
    assert out["macro_f1_4class"] < 100 and out["per_class"]["mixed"]["f1"] == 100.0
    assert out["confusion"]["labels"] == ["positive", "negative", "neutral", "mixed"]
    no_mixed = score(["positive", "negative", "neutral"], SentimentResult(res.label[:3], res.score[:3], proba[:3]))
    assert no_mixed["macro_f1"] == 100.0 and "macro_f1_4class" not in no_mixed
