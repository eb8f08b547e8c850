"""Several codes per comment (issue 17, first step): code sets, their calibration and their scores."""

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from conftest import small_theme_model
from nlp.eval.topics import score_codes
from nlp.themes.codes import calibrate_code_threshold, code_sets

DEV = Path(__file__).resolve().parent.parent / "data" / "codes_dev"


def test_code_sets_put_the_primary_first_and_add_likely_others():
    proba = np.array([[0.5, 0.4, 0.1], [0.9, 0.05, 0.05], [0.4, 0.3, 0.3]])
    ids = np.array([7, 8, 9])
    assert code_sets(proba, ids, np.array([7, 7, -1]), 0.3) == [[7, 8], [7], []]
    assert code_sets(proba, ids, np.array([8, 7, 7]), 0.3) == [[8, 7], [7], [7, 8, 9]]


def test_calibration_gives_one_code_to_single_theme_data():
    X = np.random.default_rng(0).normal(size=(20, 4)).astype(np.float32)
    assert calibrate_code_threshold(lambda x: np.ones((len(x), 1)), X, np.zeros(20, int), np.array([0]), 0) == 1.0


def test_fitted_model_gives_codes_whose_first_is_the_primary_theme():
    model, X = small_theme_model()
    primary = model.transform(X)[0]
    codes = model.transform_codes(X)
    assert [c[0] if c else -1 for c in codes] == primary.tolist()
    assert 0 < model.code_threshold_ <= 1
    assert all(len(set(c)) == len(c) for c in codes)


def test_code_scores():
    scores = score_codes(["a|b", "a", "", "c|a", "b"], ["a|b", "b", "", "a", "a|c"])
    # F1 per row: 1, 0, 1 (both empty), 2/3, 0 -> mean 0.5333
    assert scores["codes_f1_samples"] == round((1 + 0 + 1 + 2 / 3 + 0) / 5, 4)
    assert scores["codes_f1_micro"] == round(2 * 3 / (6 + 6), 4)
    # one-code gold rows: "b" (primary a: miss), "a" (primary c: miss)
    assert scores["single_code_accuracy"] == 0.0
    assert scores["codes_per_comment"] == 1.2 and scores["gold_codes_per_comment"] == 1.2


@pytest.mark.slow
def test_eval_topics_scores_codes_of_a_codebook_labelled_file_counting_uncoded_rows(tmp_path):
    data = pd.read_csv(DEV / "comments.csv", dtype=str, keep_default_na=False)
    part = data[data["split"] == "tune"].head(120)
    part.to_csv(tmp_path / "dev.csv", index=False)
    proc = subprocess.run([sys.executable, "-m", "nlp.cli", "eval", "topics", "--data", str(tmp_path / "dev.csv"),
                           "--text-column", "Svar", "--label-column", "koder", "--codebook", str(DEV / "codebook.yaml")],
                          capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    scores = json.loads(proc.stdout)
    gold = part["koder"].map(lambda g: len([c for c in g.split("|") if c])).sum() / len(part)  # uncoded rows count
    assert scores["gold_codes_per_comment"] == round(gold, 4)
    assert 0 < scores["codes_f1_samples"] <= 1 and 0 < scores["single_code_accuracy"] <= 1


def test_refit_moves_the_head_only_as_far_as_the_corrections_need():
    from nlp.themes.corrections import Corrections, refit

    rng = np.random.default_rng(0)
    X = rng.normal(size=(40, 5)).astype(np.float32)
    coef0, b0 = np.eye(3, 5, dtype=np.float32), np.zeros(3, np.float32)
    y = np.full(6, 2)
    c, b = refit(coef0, b0, X[:6], y, lam=0.3)
    assert ((X[:6] @ c.T + b).argmax(1) == 2).all()  # the corrected comments now get theme 2
    far, _ = refit(coef0, b0, X[:6], y, lam=1e4)
    assert np.abs(far - coef0).max() < np.abs(c - coef0).max()  # a stronger pull keeps it nearer
    fitted = Corrections(X[:6], np.full(6, 12)).fit(coef0, b0, np.array([10, 11, 12]))
    assert fitted.coef.shape == (3, 5) and fitted.intercept.shape == (3,)


@pytest.mark.slow
def test_correct_records_the_codes_and_tag_applies_them(tmp_path):
    def cli(*argv):
        return subprocess.run([sys.executable, "-m", "nlp.cli", *argv], capture_output=True, text=True)

    data = pd.read_csv(DEV / "comments.csv", dtype=str, keep_default_na=False)
    part = data[data["split"] == "tune"].head(150)
    part.to_csv(tmp_path / "dev.csv", index=False)
    codebook = str(DEV / "codebook.yaml")
    proc = cli("analyze", str(tmp_path / "dev.csv"), "--text-column", "Svar", "--id-column", "id", "--codebook", codebook,
               "--out", str(tmp_path / "run"), "--quiet")
    assert proc.returncode == 0, proc.stderr
    before = pd.read_parquet(tmp_path / "run" / "comments.parquet")
    wrong = before[(before["codes"].str.split("|").str[0] != part["koder"].str.split("|").str[0].values)
                   & (part["koder"].values != "")].head(12)
    assert len(wrong) >= 5
    fix = part.set_index("id").loc[wrong["id"], ["Svar", "koder"]].reset_index()
    fix.loc[len(fix)] = ["x", "Dette er ingen tema", "ukjent_kode"]
    fix.to_csv(tmp_path / "fix_bad.csv", index=False)
    proc = cli("correct", "--model", str(tmp_path / "run" / "model"), "--data", str(tmp_path / "fix_bad.csv"),
               "--text-column", "Svar", "--id-column", "id", "--label-column", "koder")
    assert proc.returncode == 2 and "x ('ukjent_kode')" in proc.stderr and "names no theme" in proc.stderr
    fix.iloc[:-1].to_csv(tmp_path / "fix.csv", index=False)
    proc = cli("correct", "--model", str(tmp_path / "run" / "model"), "--data", str(tmp_path / "fix.csv"),
               "--text-column", "Svar", "--label-column", "koder")
    assert proc.returncode == 0 and f"{len(wrong)} corrections recorded" in proc.stderr, proc.stderr
    assert (tmp_path / "run" / "model" / "corrections.safetensors").is_file()
    proc = cli("tag", str(tmp_path / "dev.csv"), "--text-column", "Svar", "--id-column", "id",
               "--model", str(tmp_path / "run" / "model"),
               "--out", str(tmp_path / "t.csv"), "--quiet")
    assert proc.returncode == 0, proc.stderr
    after = pd.read_csv(tmp_path / "t.csv", dtype=str, keep_default_na=False).set_index("id")
    for rid, gold in zip(fix["id"][:-1], fix["koder"][:-1]):
        assert after.loc[rid, "codes"].split("|") == list(dict.fromkeys(gold.split("|")))  # the analyst's codes, exactly


def test_a_single_correction_gets_the_least_change_that_gets_it_right():
    from nlp.themes.corrections import Corrections

    X = np.array([[1.0, 0.0], [0.0, 1.0]], np.float32)
    coef0, b0 = np.array([[4.0, 0.0], [0.0, 4.0]], np.float32), np.zeros(2, np.float32)
    fitted = Corrections(X[:1], np.array([11])).fit(coef0, b0, np.array([10, 11]))
    assert (X[:1] @ fitted.coef.T + fitted.intercept).argmax() == 1  # the corrected comment moves
    assert (X[1:] @ fitted.coef.T + fitted.intercept).argmax() == 1


def test_the_app_learns_from_moves_and_removed_primaries_not_from_merges_or_added_codes():
    """Issue 17 point 4: "Lær av rettingene" takes every comment whose primary theme the analyst changed."""
    from nlp.runs.learn import corrected_comments
    from nlp.themes.edits import Edits, text_id
    from nlp.themes.model import Theme

    themes = [Theme(0, "A", [], "a"), Theme(1, "B", [], None), Theme(2, "C", [], "c")]
    comments = pd.DataFrame({
        "text": ["flyttet", "fjernet", "slått sammen", "lagt til", "urørt", "flyttet"],
        "is_nonanswer": [False] * 6,
        "fitted_topic_id": [0, 0, 2, 0, 1, 0],
        "fitted_codes": ["a", "a|T1", "c", "a", "T1", "a"],
    })
    edits = Edits(merges={2: 1}, moves={text_id("flyttet"): 2}, removed={text_id("fjernet"): [0]},
                  added={text_id("lagt til"): [2]})
    texts, targets = corrected_comments(comments, themes, edits)
    assert texts == ["flyttet", "fjernet"] and targets.tolist() == [1, 1]  # each text once; moved into 2, merged into 1
    assert corrected_comments(comments, themes, Edits(merges={2: 1}))[0] == []
