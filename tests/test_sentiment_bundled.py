"""The bundled sentiment model: format, size, metadata, behaviour on real comments, eval command."""

import json

import numpy as np
import pytest

from nlp.cli import main as cli_main
from nlp.embed.encoders import EmbeddingCache, embed, get_encoder
from nlp.paths import models_dir
from nlp.sentiment.bundled import DEFAULT_MODEL, FROZEN_MODEL, saved_sentiment_model
from nlp.sentiment.model import LABELS, SentimentModel

FOLDER = models_dir() / FROZEN_MODEL


@pytest.fixture(scope="module")
def model():
    return SentimentModel.load(FROZEN_MODEL)


@pytest.fixture(scope="module")
def encoder():
    return get_encoder()


def test_bundled_model_is_small_safe_and_documented(model):
    files = sorted(p.name for p in FOLDER.iterdir() if p.is_file())
    assert {"model.json", "model.safetensors"} <= set(files)
    assert not [f for f in files if f.endswith((".pkl", ".pickle", ".joblib"))]
    assert sum(p.stat().st_size for p in FOLDER.iterdir() if p.is_file()) <= 20 * 2**20
    meta = model.metadata_
    assert meta["trained_on"]["norec_sentence_3class_train"] > 7000
    assert meta["scores"]["norec_sentence_dev"]["n"] == 1411
    assert 0 < meta["scores"]["norec_sentence_dev"]["ece"] <= 0.05
    assert {"scikit-learn", "numpy", "python"} <= set(meta["versions"])
    assert model.embedding_dim_ == 384


def test_bundled_model_on_clear_survey_comments(model, encoder):
    texts = [
        "Samarbeidet med IMDi har vært svært godt, og vi får rask og nyttig veiledning.",
        "Tilskuddet er altfor lavt, og rapporteringen er tungvint og tidkrevende.",
        "Vi har hatt eit godt samarbeid med fylkeskommunen, men tilskota er altfor låge og kjem for seint.",
        "Ingen kommentar",
    ]
    nonanswer = [False, False, False, True]
    emb = np.zeros((len(texts), encoder.dim), np.float32)
    emb[:3] = embed(texts[:3], encoder, EmbeddingCache.default())
    res = model.predict(texts, emb, nonanswer=nonanswer)
    assert res.label[0] == "positive" and res.score[0] > 0.3
    assert res.label[1] == "negative" and res.score[1] < -0.3
    assert res.label[2] == "mixed"
    assert res.label[3] == "neutral" and res.proba[3].tolist() == [0.0, 0.0, 1.0]
    assert np.allclose(res.proba.sum(axis=1), 1.0, atol=1e-5)


def test_eval_command_json_and_csv(tmp_path, capsys):
    rows = [
        {"text": "Samarbeidet med IMDi fungerer svært godt.", "label": "Positiv"},
        {"text": "Tilskuddet er for lavt og kommer for sent .", "label": "NEGATIVE"},
        {"text": "Kommunen bosatte 14 flyktninger i 2020.", "label": "nøytral"},
        {"text": "Gode lærere, men altfor lite penger til norskopplæringen.", "label": "blandet"},
        {"text": "Nei", "label": "neutral"},
    ]
    path = tmp_path / "labelled.json"
    path.write_text(json.dumps(rows, ensure_ascii=False), encoding="utf-8")
    assert cli_main(["eval", "sentiment", "--data", str(path)]) == 0
    out = json.loads(capsys.readouterr().out)
    for key in ("macro_f1", "macro_f1_4class", "accuracy", "per_class", "confusion", "n", "comments_per_second"):
        assert key in out
    assert out["n"] == 5 and out["n_3class"] == 4 and out["n_nonanswer"] == 1
    assert set(out["per_class"]) == set(LABELS) | {"mixed"}

    csv = tmp_path / "labelled.csv"
    csv.write_text("Kommentar;Fasit\n" + "\n".join(f"{r['text']};{r['label']}" for r in rows[:3]) + "\n",
                   encoding="utf-8")
    assert cli_main(["eval", "sentiment", "--data", str(csv), "--text-column", "kommentar",
                     "--label-column", "fasit"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["n"] == 3 and "macro_f1_4class" not in out

    assert cli_main(["eval", "sentiment", "--data", str(csv), "--text-column", "Kommentar",
                     "--label-column", "sentiment"]) == 2
    assert "no column 'sentiment'" in capsys.readouterr().err


@pytest.mark.slow
def test_bundled_finetuned_model_by_name(encoder):
    """`sentiment_finetuned` (issue 19) loads by name, is the default, reads its encoder, and keeps
    under 60 MB."""
    folder = models_dir() / "sentiment_finetuned"
    assert sum(p.stat().st_size for p in folder.iterdir() if p.is_file()) <= 60 * 2**20
    assert not [p for p in folder.iterdir() if p.suffix in (".pkl", ".pickle", ".joblib")]
    ft = SentimentModel.load("sentiment_finetuned")
    assert DEFAULT_MODEL == "sentiment_finetuned" and SentimentModel.load().metadata_ == ft.metadata_
    assert ft.extra_dim_ == 3 and ft.finetuned_ is not None and ft.C == 0.5
    assert ft.metadata_["scores"]["norec_sentence_dev"]["mean_of_seeds"] >= 68.5
    texts = ["Samarbeidet med IMDi har vært svært godt, og vi får rask og nyttig veiledning.",
             "Tilskuddet er altfor lavt, og rapporteringen er tungvint og tidkrevende.",
             "Kommunen bosatte 14 flyktninger i 2020."]
    res = ft.predict(texts, embed(texts, encoder, EmbeddingCache.default()))
    assert res.label == ["positive", "negative", "neutral"]


@pytest.mark.slow
def test_analyze_records_the_sentiment_model_and_tag_follows_it(tmp_path, monkeypatch):
    """The default reaches the comment model, is recorded with the run by name, and `tag` reuses it;
    a run saved before the default changed (no name recorded) is tagged with the frozen model it used."""
    import pandas as pd

    from nlp.analyze import AnalyzeOptions, analyze, tag
    from nlp.io import load_survey
    from nlp.runs.model_store import load_model
    from nlp.runs.store import write_analysis

    monkeypatch.setenv("FRITEKST_CACHE", str(tmp_path / "cache"))
    texts = ["Samarbeidet med IMDi fungerer svært godt.", "Tilskuddet kommer altfor sent og er for lavt.",
             "Vi trenger mer veiledning om negativ sosial kontroll.", "Fylkeskommunen er en god partner nå.",
             "Pandemien gjorde norskopplæringen vanskelig.", "Nei"] * 6
    path = tmp_path / "svar.csv"
    pd.DataFrame({"Svar": texts}).to_csv(path, index=False)
    survey = load_survey(path, "Svar")
    result = analyze(survey, AnalyzeOptions())
    assert result.metadata["sentiment_spec"] == DEFAULT_MODEL
    direct = SentimentModel.load(DEFAULT_MODEL).predict(texts, np.stack([
        embed([t], get_encoder(), EmbeddingCache.default())[0] for t in texts]),
        nonanswer=[t == "Nei" for t in texts])
    assert result.comments["sentiment"].tolist() == direct.label
    write_analysis(result, tmp_path / "out", [])
    saved = load_model(tmp_path / "out" / "model")
    tagged = tag(survey, saved)
    assert tagged.comments["sentiment"].tolist() == result.comments["sentiment"].tolist()
    frozen = analyze(survey, AnalyzeOptions(sentiment_model=FROZEN_MODEL))
    assert frozen.metadata["sentiment_spec"] == FROZEN_MODEL
    assert frozen.comments["sentiment_score"].tolist() != result.comments["sentiment_score"].tolist()
    saved.metadata["sentiment_spec"] = None  # as runs saved before issue 19 made the fine-tuned model the default
    assert saved_sentiment_model(saved.metadata) == FROZEN_MODEL
    assert tag(survey, saved).comments["sentiment_score"].tolist() == frozen.comments["sentiment_score"].tolist()
