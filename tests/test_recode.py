"""Issue 17 point 5: an edited codebook re-assigns comments without finding themes again
(`nlp.themes.recode`, `fritekst recode`, the app's run-level recode and its form helpers)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml

from app_support import sample_run  # noqa: F401 - fixture
from nlp.errors import InputError
from nlp.schema import OUTLIER
from nlp.themes.codebook import Codebook, CodebookTheme, codebook_from_dict
from nlp.themes.edits import Edits
from nlp.themes.model import ThemeModel
from nlp.themes.recode import recode_themes
from nlp.ui.codebook_edit import CodeDraft, add_code, code_id, parse_seeds, split_theme

ROOT = Path(__file__).resolve().parent.parent
DEV = ROOT / "data" / "codes_dev"


def _clusters(seed: int = 0):
    """Three well-separated clusters of 40 comments; the first says either "bolig" or "vedtak", and
    its two halves lie a little apart (as two sub-themes do)."""
    rng = np.random.default_rng(seed)
    centres = 5 * np.eye(6)[[0, 2, 4]]
    X = np.vstack([rng.normal(size=(40, 6)) * 0.6 + c for c in centres]).astype(np.float32)
    X[:20, 1] += 1.5
    X[20:40, 1] -= 1.5
    X /= np.linalg.norm(X, axis=1, keepdims=True)
    docs = (["bolig leie"] * 20 + ["vedtak klage"] * 20 + ["språk lærer"] * 40 + ["tilskudd midler"] * 40)
    return X, docs


def _codebook(*codes: tuple[str, tuple[str, ...]], split_from: str | None = None) -> Codebook:
    return Codebook(tuple(CodebookTheme(c, c.capitalize(), "", seeds, split_from) for c, seeds in codes))


def _vectors(X: np.ndarray, rows_per_code: list[slice]) -> np.ndarray:
    """Each code's vectors: its comments' centroid (prompt) and the same again (seeds)."""
    out = np.stack([X[r].mean(axis=0) for r in rows_per_code])
    out /= np.linalg.norm(out, axis=1, keepdims=True)
    return np.stack([out, out], axis=1)


def test_an_unchanged_codebook_changes_nothing():
    X, docs = _clusters()
    cb = _codebook(("bolig", ("bolig", "vedtak")), ("sprak", ("språk",)), ("tilskudd", ("tilskudd",)))
    C = _vectors(X, [slice(0, 40), slice(40, 80), slice(80, 120)])
    model = ThemeModel(min_topic_size=8, codebook=cb).fit(X, [d.split() for d in docs], C)
    recoded, report = recode_themes(model, X, docs, cb, C)
    assert report.moved == 0 and not report.added and not report.removed
    assert np.array_equal(recoded.transform(X)[0], model.transform(X)[0])
    assert [t.codebook_id for t in recoded.themes_] == [t.codebook_id for t in model.themes_]


def test_a_split_shares_the_theme_between_its_codes_and_leaves_the_rest():
    X, docs = _clusters()
    model = ThemeModel(min_topic_size=25).fit(X, [d.split() for d in docs])  # one theme per cluster
    before = model.transform(X)[0]
    source = int(before[0])
    assert (before[:40] == source).all() and not np.isin(before[40:], source).any()
    cb = _codebook(("bolig", ("bolig",)), ("vedtak", ("vedtak",)), split_from=f"T{source}")
    C = _vectors(X, [slice(0, 20), slice(20, 40)])
    recoded, report = recode_themes(model, X, docs, cb, C, splits={"bolig": source, "vedtak": source})
    after = recoded.transform(X)[0]
    codes = {t.codebook_id: t.id for t in recoded.themes_ if t.codebook_id}
    assert report.split == {source: ["bolig", "vedtak"]} and report.removed == [source]
    assert source not in recoded.topic_ids_
    assert (after[:20] == codes["bolig"]).mean() >= 0.9 and (after[20:40] == codes["vedtak"]).mean() >= 0.9
    assert np.array_equal(after[40:], before[40:])  # the other themes keep their comments and ids
    assert {t.label for t in recoded.themes_ if t.codebook_id} == {"Bolig", "Vedtak"}


def test_a_code_taken_out_removes_its_theme_and_its_comments_find_another():
    X, docs = _clusters()
    full = _codebook(("bolig", ("bolig", "vedtak")), ("sprak", ("språk",)), ("tilskudd", ("tilskudd",)))
    C = _vectors(X, [slice(0, 40), slice(40, 80), slice(80, 120)])
    model = ThemeModel(min_topic_size=8, codebook=full).fit(X, [d.split() for d in docs], C)
    gone = next(t.id for t in model.themes_ if t.codebook_id == "tilskudd")
    smaller = Codebook(full.themes[:2])
    recoded, report = recode_themes(model, X, docs, smaller, C[:2])
    assert report.removed == [gone] and gone not in recoded.topic_ids_
    assert set(recoded.fit_labels_.tolist()) <= {OUTLIER, *recoded.topic_ids_.tolist()}
    edits = Edits(renames={gone: "x"}, moves={"0" * 16: gone, "1" * 16: OUTLIER}, added={"2" * 16: [gone, 0]})
    kept, dropped = edits.restrict(recoded.topic_ids_)
    assert kept.renames == {} and kept.moves == {"1" * 16: OUTLIER} and kept.added == {"2" * 16: [0]} and dropped == 3


def test_recoded_models_save_and_load_with_what_they_were_fitted_from(tmp_path):
    X, docs = _clusters()
    model = ThemeModel(min_topic_size=8).fit(X, [d.split() for d in docs])
    model.save(tmp_path / "m")
    loaded = ThemeModel.load(tmp_path / "m")
    assert np.array_equal(loaded.fit_keys_, model.fit_keys_) and np.array_equal(loaded.fit_labels_, model.fit_labels_)
    from safetensors.numpy import load_file, save_file

    head = load_file(str(tmp_path / "m" / "head.safetensors"))
    bad = dict(head, fit_labels=np.full_like(head["fit_labels"], 99))
    save_file(bad, str(tmp_path / "m" / "head.safetensors"))
    with pytest.raises(ValueError, match="fit_keys and fit_labels"):
        ThemeModel.load(tmp_path / "m")
    save_file({k: v for k, v in head.items() if not k.startswith("fit_")}, str(tmp_path / "m" / "head.safetensors"))
    older = ThemeModel.load(tmp_path / "m")  # a model saved before they were kept
    assert older.fit_keys_ is None
    cb = _codebook(("bolig", ("bolig",)), ("vedtak", ("vedtak",)), split_from="T0")
    recoded, _ = recode_themes(older, X, docs, cb, _vectors(X, [slice(0, 20), slice(20, 40)]),
                               splits={"bolig": 0, "vedtak": 0})
    assert {"bolig", "vedtak"} <= {t.codebook_id for t in recoded.themes_}


def test_codebook_split_from_is_read_written_and_checked():
    cb = codebook_from_dict({"themes": [{"id": "a", "name": "A", "seeds": ["x"], "split_from": "T3"},
                                        {"id": "b", "name": "B"}]})
    assert cb.themes[0].split_from == "T3" and cb.themes[1].split_from is None
    assert codebook_from_dict(cb.to_dict()) == cb and "split_from" not in cb.to_dict()["themes"][1]
    with pytest.raises(InputError, match="'split_from' must name one theme"):
        codebook_from_dict({"themes": [{"name": "A", "split_from": ["T1", "T2"]}]})
    with pytest.raises(InputError, match="already in use"):
        cb.with_theme(CodebookTheme("a", "Ny", "", ("y",)))


def test_form_helpers_make_codes_as_an_analyst_would_write_them():
    assert code_id("Søknader om tilskudd", set()) == "soknader_om_tilskudd"
    assert code_id("Æresvold!", {"aeresvold"}) == "aeresvold_2"
    assert parse_seeds("tolk\n tolketjeneste, tolking; tolk ") == ("tolk", "tolketjeneste", "tolking")
    cb = add_code(Codebook(()), CodeDraft("Tolketjenester", "", "tolk"))
    assert cb.themes[0].id == "tolketjenester" and cb.themes[0].seeds == ("tolk",)
    with pytest.raises(InputError, match="already has a code named"):
        add_code(cb, CodeDraft("tolketjenester", "", "x"))
    with pytest.raises(InputError, match="needs a description or seed words"):
        add_code(cb, CodeDraft("Tom", "", ""))
    with pytest.raises(InputError, match="at least two codes"):
        split_theme(cb, "tolketjenester", [CodeDraft("Bare en", "", "x"), CodeDraft("")])
    split = split_theme(cb, "tolketjenester", [CodeDraft("Tolk", "", "tolk"), CodeDraft("Skjermtolk", "", "skjerm")])
    assert [(t.id, t.split_from) for t in split.themes] == [("tolk", "tolketjenester"),
                                                            ("skjermtolk", "tolketjenester")]


def nine_ids(codebook: dict) -> set[str]:
    return {t["id"] for t in codebook["themes"]} | {"korona"}


@pytest.mark.slow
def test_recode_cli_adds_and_splits_codes_and_explains_bad_input(tmp_path):
    def cli(*argv):
        return subprocess.run([sys.executable, "-m", "nlp.cli", *argv], capture_output=True, text=True)

    data = pd.read_csv(DEV / "comments.csv", dtype=str, keep_default_na=False)
    data[data["split"] == "tune"].to_csv(tmp_path / "dev.csv", index=False)
    base = yaml.safe_load((DEV / "codebook.yaml").read_text(encoding="utf-8"))
    nine = {"themes": [t for t in base["themes"] if t["id"] != "korona"]}
    (tmp_path / "nine.yaml").write_text(yaml.safe_dump(nine, allow_unicode=True), encoding="utf-8")
    common = [str(tmp_path / "dev.csv"), "--text-column", "Svar", "--id-column", "id", "--quiet"]
    proc = cli("analyze", *common, "--codebook", str(tmp_path / "nine.yaml"), "--out", str(tmp_path / "run"))
    assert proc.returncode == 0, proc.stderr

    edited = {"themes": nine["themes"] + [t for t in base["themes"] if t["id"] == "korona"] + [
        {"id": "tilskudd_soknad", "name": "Søknader om tilskudd", "seeds": ["søknad", "søke"],
         "split_from": "finansiering"},
        {"id": "tilskudd_niva", "name": "Tilskuddenes størrelse", "seeds": ["for lite", "kutt", "dekke"],
         "split_from": "finansiering"}]}
    edited["themes"] = [t for t in edited["themes"] if t["id"] != "finansiering"]
    (tmp_path / "edited.yaml").write_text(yaml.safe_dump(edited, allow_unicode=True), encoding="utf-8")
    model = str(tmp_path / "run" / "model")
    proc = cli("recode", *common, "--model", model, "--codebook", str(tmp_path / "edited.yaml"),
               "--out", str(tmp_path / "run2"))
    assert proc.returncode == 0, proc.stderr
    assert "3 codes added (korona, tilskudd_soknad, tilskudd_niva); 1 theme split; 1 theme removed" in proc.stderr
    before = pd.read_parquet(tmp_path / "run" / "comments.parquet")
    after = pd.read_parquet(tmp_path / "run2" / "comments.parquet")
    assert len(after) == len(before) and after["id"].tolist() == before["id"].tolist()  # every row accounted for
    codes = pd.read_csv(tmp_path / "run2" / "topics.csv", dtype=str, keep_default_na=False)["codebook_id"]
    assert {"korona", "tilskudd_soknad", "tilskudd_niva"} <= set(codes) and "finansiering" not in set(codes)
    primary = after["codes"].str.split("|").str[0]
    assert (primary == "korona").sum() >= 3  # how well: benchmarks/bench_recode.py
    moved = before["codes"].str.split("|").str[0] == "finansiering"
    assert set(primary[moved]) <= {"tilskudd_soknad", "tilskudd_niva", *nine_ids(nine), ""}
    assert {"tilskudd_soknad", "tilskudd_niva"} <= set(primary[moved])  # the split theme's comments are shared

    edited["themes"][-1]["split_from"] = "ingen_slik"
    (tmp_path / "bad.yaml").write_text(yaml.safe_dump(edited, allow_unicode=True), encoding="utf-8")
    proc = cli("recode", *common, "--model", model, "--codebook", str(tmp_path / "bad.yaml"),
               "--out", str(tmp_path / "run3"))
    assert proc.returncode == 2 and "code 'tilskudd_niva' splits 'ingen_slik', which is not a theme" in proc.stderr
    proc = cli("recode", *common, "--model", model, "--codebook", str(tmp_path / "edited.yaml"),
               "--out", str(tmp_path / "run"), "--force")
    assert proc.returncode == 2 and "--out holds the input file" in proc.stderr  # never over the model it reads
    assert not (tmp_path / "run3").exists()


@pytest.mark.slow
def test_a_run_read_back_as_a_survey_gives_the_same_comments(sample_run):  # noqa: F811
    from nlp.analyze import AnalyzeOptions, prepare
    from nlp.runs.recode_run import survey_from_run
    from nlp.runs.store import load_run

    run = load_run(sample_run)
    survey = survey_from_run(run)
    assert survey.group_columns == run.group_columns and len(survey.frame) == len(run.comments)
    prep = prepare(survey, AnalyzeOptions())
    assert prep.safe_text == run.comments["text"].tolist()  # redacting redacted text changes nothing


def test_per_question_runs_say_the_codebook_cannot_be_edited_yet():
    from nlp.recode import recode
    from nlp.runs.model_store import SavedModel
    from nlp.themes.per_question import QuestionThemeModels

    X, docs = _clusters()
    models = QuestionThemeModels({"q": ThemeModel(min_topic_size=8).fit(X, [d.split() for d in docs])})
    with pytest.raises(InputError, match="cannot be edited for themes fitted per question"):
        recode(None, SavedModel(models, {}, Edits()), _codebook(("a", ("x",))))
