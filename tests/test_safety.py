"""Issue 14 ("Trust"): formula-safe tables, outputs that never overwrite by surprise, one-line errors.

Fast: a small fitted ThemeModel and hand-built comment tables; the CLI checks that refuse before
any work run the real `fritekst` entry point. Real analyze/tag runs are in test_end_to_end.py.
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd
import pytest

from conftest import small_theme_model

from nlp.schema import Analysis, ThemeInfo, theme_column
from nlp.cli import main
from nlp.themes.edits import Edits
from nlp.errors import FritekstError, OutputError
from nlp.io import read_table, write_table
from nlp.runs.out_paths import check_run_folder, check_table_file, staged_folder
from nlp.runs.store import PREVIOUS_EDITS, load_run, write_analysis
from nlp.report.safe_cells import FORMULA_START, escape_cell, neutralise_frame, unescape_cell
from nlp.themes.model import ThemeModel

#: what respondents (or a hostile file) may type
FORMULAS = ["=1+1", "+47 99", "-hei", "@SUM(A1)", "\tx", "\rx", '=HYPERLINK("http://x","klikk")']


# ------------------------------------------------------------------ helpers


def assert_xlsx_safe(data: bytes | Path) -> list[str]:
    """No formula cell and no text that starts like one, in any sheet; returns every text value."""
    wb = openpyxl.load_workbook(io.BytesIO(data) if isinstance(data, bytes) else data)
    texts = []
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (ws.title, cell.coordinate, cell.value)
                if isinstance(cell.value, str):
                    assert not cell.value.startswith(FORMULA_START), (ws.title, cell.coordinate, cell.value)
                    texts.append(cell.value)
    return texts


def assert_csv_safe(data: bytes | Path, delimiter: str = ",") -> list[list[str]]:
    raw = data if isinstance(data, bytes) else Path(data).read_bytes()
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"), newline=""), delimiter=delimiter))
    for row in rows:
        for value in row:
            if re.fullmatch(r"-?[0-9]+(\.[0-9]+)?([eE][-+]?[0-9]+)?", value):
                continue  # a real number (numpy writes -0.0001 as -1e-04): a spreadsheet reads it as that number
            assert not value.startswith(FORMULA_START), value
    return rows


# ------------------------------------------------------------------ A: the escape itself


@pytest.mark.parametrize("text", FORMULAS + ["'=x", "''+x", "'x", "vanlig", "", "1-2", " =x"])
def test_escape_is_reversible_and_only_touches_formula_starts(text):
    escaped = escape_cell(text)
    assert unescape_cell(escaped) == text
    assert not escaped.startswith(FORMULA_START)
    if not text.lstrip("'").startswith(FORMULA_START):
        assert escaped == text


def test_neutralise_frame_leaves_numbers_and_escapes_headers_and_categories():
    df = pd.DataFrame({
        "=kol": ["=1", "ok"], "n": [-1, 2], "x": [-0.5, 1.5], "b": [True, False],
        "cat": pd.Categorical(["-a", "b"]), "mixed": ["@x", -3],
    })
    out = neutralise_frame(df)
    assert list(out.columns) == ["'=kol", "n", "x", "b", "cat", "mixed"]
    assert out["'=kol"].tolist() == ["'=1", "ok"] and out["cat"].tolist() == ["'-a", "b"]
    assert out["n"].tolist() == [-1, 2] and out["n"].dtype == df["n"].dtype
    assert out["x"].tolist() == [-0.5, 1.5] and out["b"].tolist() == [True, False]
    assert out["mixed"].tolist() == ["'@x", -3]
    assert df["=kol"].tolist() == ["=1", "ok"]  # the input is not changed


def _formula_frame() -> pd.DataFrame:
    return pd.DataFrame({
        "id": [f"-{i}" for i in range(len(FORMULAS))],
        "=tekst": FORMULAS,
        "gruppe": ["@g"] * len(FORMULAS),
        "score": [-1.5] * len(FORMULAS),
        "tema -1": [-1] * len(FORMULAS),
    })


@pytest.mark.parametrize("suffix", [".csv", ".tsv", ".xlsx"])
def test_every_table_format_neutralises_formulas(tmp_path, suffix):
    df = _formula_frame()
    path = tmp_path / f"ut{suffix}"
    write_table(df, path)
    if suffix == ".xlsx":
        assert_xlsx_safe(path)
        ws = openpyxl.load_workbook(path).active
        assert ws.cell(1, 2).value == "'=tekst" and ws.cell(2, 2).value == "'=1+1"
        assert ws.cell(2, 4).value == -1.5 and ws.cell(2, 4).data_type == "n"  # numbers stay numbers
        assert ws.cell(2, 5).value == -1 and ws.cell(2, 5).data_type == "n"
    else:
        rows = assert_csv_safe(path, "\t" if suffix == ".tsv" else ",")
        assert rows[0][1] == "'=tekst" and rows[1][3] == "-1.5" and rows[1][4] == "-1"
    back = read_table(path)
    assert back.iloc[:, 1].map(unescape_cell).tolist() == FORMULAS  # nothing lost but the quote


def test_parquet_keeps_the_original_text(tmp_path):
    df = _formula_frame()
    write_table(df, tmp_path / "ut.parquet")
    pd.testing.assert_frame_equal(pd.read_parquet(tmp_path / "ut.parquet"), df)


def test_write_table_replaces_atomically_and_leaves_no_temporary_file(tmp_path):
    path = tmp_path / "ut.csv"
    write_table(pd.DataFrame({"a": ["gammel"]}), path)
    with pytest.raises(FritekstError, match=r"ut\.parquet: cannot write file"):
        write_table(pd.DataFrame({"a": [object()]}), tmp_path / "ut.parquet")  # pyarrow cannot store it
    write_table(pd.DataFrame({"a": ["gammel"]}), tmp_path / "ut.parquet")
    with pytest.raises(FritekstError):
        write_table(pd.DataFrame({"a": [object()]}), tmp_path / "ut.parquet")
    assert pd.read_parquet(tmp_path / "ut.parquet")["a"].tolist() == ["gammel"]  # the old file is intact
    assert sorted(p.name for p in tmp_path.iterdir()) == ["ut.csv", "ut.parquet"]


# ------------------------------------------------------------------ a small real analysis


@pytest.fixture(scope="module")
def fitted():
    return small_theme_model()[0]


def make_analysis(model: ThemeModel, label: str = "=1+1") -> Analysis:
    """An Analysis shaped like `analyze` output, with formula text in every kind of cell."""
    n = len(FORMULAS) + 3
    ids = [t.id for t in model.themes_]
    topic = np.array([ids[i % len(ids)] for i in range(n)])
    topic[-1] = -2
    labels = {t: (label if t == ids[0] else f"tema {t}") for t in ids}
    comments = pd.DataFrame({
        "id": [f"-{i}" for i in range(n)],
        "text": FORMULAS + ["vanlig", "+", "-"],
        "is_nonanswer": topic == -2,
        "is_duplicate": False,
        "variety": "nb",
        "topic_id": topic,
        "topic_label": [labels.get(t, "Ikke svar") for t in topic],
        "topic_score": 0.5,
        "sentiment": "neutral",
        "redacted": False,
        "=Rolle": ["@leder", "-saksbehandler", "+x"] * (n // 3) + ["=y"] * (n % 3),
    })
    for t in ids:
        comments[theme_column(t, labels[t])] = (topic == t).astype(np.int8)
    themes = [ThemeInfo(t, labels[t], ["-ord", "@ord"], int((topic == t).sum()), 0.3, ["-0"]) for t in ids]
    return Analysis(comments, themes, model, Edits(), {"encoder": "test", "embedding_dim": 6})


def test_analyze_outputs_are_formula_safe_and_read_back_exactly(tmp_path, fitted):
    analysis = make_analysis(fitted)
    out = write_analysis(analysis, tmp_path / "run", ["=Rolle"])
    texts = assert_xlsx_safe(out / "comments.xlsx")
    assert "'=1+1" in texts and "'=Rolle" in texts and "'@leder" in texts
    summary = assert_xlsx_safe(out / "summary.xlsx")
    assert "'=1+1" in summary and "'-saksbehandler" in summary and "'=Rolle" in summary
    rows = assert_csv_safe(out / "topics.csv")
    assert rows[1][1] == "'=1+1" and rows[1][2] == "'-ord, @ord"
    assert pd.read_parquet(out / "comments.parquet")["text"].tolist()[: len(FORMULAS)] == FORMULAS
    run = load_run(out)
    comments, themes = run.comments, run.themes  # the app shows the labels as the analysis made them
    assert themes[0].label == "=1+1" and themes[0].keywords == ["-ord", "@ord"]
    assert comments["topic_label"].tolist() == analysis.comments["topic_label"].tolist()


def test_app_downloads_are_formula_safe(fitted):
    from nlp.report.workbook import summary_workbook
    from nlp.ui import editing, exports

    analysis = make_analysis(fitted)
    comments = analysis.comments.assign(redacted=False)
    edited = editing.apply_edits(comments, analysis.themes, Edits())
    table = exports.tagged_comments(edited, ["=Rolle"])
    assert "'=1+1" in assert_xlsx_safe(exports.table_bytes(table, ".xlsx"))
    rows = assert_csv_safe(exports.table_bytes(table, ".csv"))
    assert rows[1][1] == "'=1+1" and "'=Rolle" in rows[0]
    book = summary_workbook(edited, ["=Rolle"], ["=endring"])
    texts = assert_xlsx_safe(book)
    assert {"'=1+1", "'@leder", "'=endring"} <= set(texts)


# ------------------------------------------------------------------ B: nothing overwritten by surprise


def test_force_replaces_a_run_and_keeps_the_previous_edits(tmp_path, fitted):
    out = tmp_path / "run"
    write_analysis(make_analysis(fitted, "gammel"), out, [])
    edits = {"renames": {"0": "Mitt navn"}, "merges": {}, "moves": {}}
    (out / "model" / "edits.json").write_text(json.dumps(edits))
    with pytest.raises(OutputError, match="not empty; add --force"):
        write_analysis(make_analysis(fitted, "ny"), out, [])
    write_analysis(make_analysis(fitted, "ny"), out, [], force=True)
    assert json.loads((out / PREVIOUS_EDITS).read_text()) == edits
    assert json.loads((out / "model" / "edits.json").read_text()) == Edits().to_dict()
    assert load_run(out).themes[0].label == "ny"
    write_analysis(make_analysis(fitted, "nyere"), out, [], force=True)  # no new edits: the old ones stay
    assert json.loads((out / PREVIOUS_EDITS).read_text()) == edits
    assert sorted(p.name for p in tmp_path.iterdir()) == ["run"]  # no staging or old folders left


def test_a_failed_write_leaves_the_previous_run_intact(tmp_path, fitted):
    out = tmp_path / "run"
    write_analysis(make_analysis(fitted, "gammel"), out, [])
    before = {p.relative_to(out): p.read_bytes() for p in out.rglob("*") if p.is_file()}
    broken = make_analysis(fitted, "ny")
    broken.comments["=Rolle"] = [object()] * len(broken.comments)  # Parquet cannot store it
    with pytest.raises(FritekstError, match="comments.parquet: cannot write file"):
        write_analysis(broken, out, ["=Rolle"], force=True)
    after = {p.relative_to(out): p.read_bytes() for p in out.rglob("*") if p.is_file()}
    assert after == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["run"]


def test_force_never_replaces_a_folder_that_is_not_a_run(tmp_path):
    (tmp_path / "notes.docx").write_text("viktig")
    for force in (False, True):  # said at once: --force would not help
        with pytest.raises(OutputError, match=r"not a fritekst output folder \(it holds 'notes\.docx'\)"):
            check_run_folder(tmp_path, force=force)
    with pytest.raises(OutputError, match="not a fritekst output folder"):
        with staged_folder(tmp_path, force=True):
            pass
    assert (tmp_path / "notes.docx").read_text() == "viktig"


def test_output_paths_that_are_the_input_are_refused(tmp_path):
    survey = tmp_path / "svar.csv"
    survey.write_text("Svar\nhei\n")
    with pytest.raises(OutputError, match="--out is the input file"):
        check_run_folder(survey, [survey])
    with pytest.raises(OutputError, match="--out holds the input file svar.csv"):
        check_run_folder(tmp_path, [survey], force=True)
    with pytest.raises(OutputError, match="--out is the input file"):
        check_table_file(tmp_path / "." / "svar.csv", [survey])
    with pytest.raises(OutputError, match="inside the model folder"):
        check_table_file(tmp_path / "model" / "ut.xlsx", [survey], not_inside=[tmp_path / "model"])
    (tmp_path / "mappe.xlsx").mkdir()
    with pytest.raises(OutputError, match="is a folder"):
        check_table_file(tmp_path / "mappe.xlsx", [survey])
    with pytest.raises(OutputError, match=r"cannot write '\.json'"):
        check_table_file(tmp_path / "ut.json", [survey])
    with pytest.raises(OutputError, match="is a file, not a folder"):
        check_run_folder(tmp_path / "mappe.xlsx" / ".." / "svar.csv")


def _unwritable(tmp_path: Path) -> Path:
    """A folder this process cannot create anything in (a read-only system folder as root)."""
    if os.geteuid() != 0:
        locked = tmp_path / "låst"
        locked.mkdir()
        locked.chmod(0o500)
        return locked
    for candidate in (Path("/sys"), Path("/proc")):
        try:
            (candidate / "fritekst-probe").mkdir()
        except OSError:
            return candidate
        (candidate / "fritekst-probe").rmdir()
    pytest.skip("no unwritable folder here")


def test_unwritable_output_is_refused_before_any_work(tmp_path):
    where = _unwritable(tmp_path)
    with pytest.raises(OutputError, match="cannot write here"):
        check_run_folder(where / "fritekst-out")
    with pytest.raises(OutputError, match="cannot write here"):
        check_table_file(where / "ut.xlsx")


# ------------------------------------------------------------------ CLI: refused before any work

def _cli(capsys, *argv) -> tuple[int, str]:
    code = main(list(argv))
    err = capsys.readouterr().err.strip()
    return code, err


def test_cli_refuses_bad_outputs_with_one_line_before_reading_the_input(tmp_path, capsys):
    broken = tmp_path / "tom.csv"
    broken.write_text("")  # reading it would fail: the output check must come first
    run = tmp_path / "run"
    run.mkdir()
    (run / "comments.parquet").write_bytes(b"x")
    cases = [
        (["analyze", str(broken), "--text-column", "Svar", "--out", str(broken)], "--out is the input file"),
        (["analyze", str(broken), "--text-column", "Svar", "--out", str(run)], "not empty; add --force"),
        (["analyze", str(broken), "--text-column", "Svar", "--out", str(tmp_path), "--force"],
         "--out holds the input file"),
        (["analyze", str(broken), "--text-column", "Svar", "--out", str(_unwritable(tmp_path) / "ut")],
         "cannot write here"),
        (["tag", str(broken), "--model", str(run / "model"), "--text-column", "Svar", "--out", str(broken)],
         "--out is the input file"),
        (["tag", str(broken), "--model", str(run / "model"), "--text-column", "Svar",
          "--out", str(run / "model" / "x.csv")], "inside the model folder"),
    ]
    for argv, message in cases:
        code, err = _cli(capsys, *argv)
        assert code == 2, argv
        assert message in err and len(err.splitlines()) == 1, err
        assert err.startswith("fritekst: error: ")
    assert broken.read_text() == "" and (run / "comments.parquet").read_bytes() == b"x"
    code, err = _cli(capsys, "analyze", str(broken), "--text-column", "Svar", "--out", str(run), "--force")
    assert code == 2 and "tom.csv: the file is empty" in err  # with --force the run folder passes
    assert (run / "comments.parquet").read_bytes() == b"x"  # and a failed analysis leaves it alone


def test_cli_refuses_a_model_with_malformed_edits(tmp_path, capsys, fitted):
    from nlp.runs.model_store import save_model

    folder = save_model(tmp_path / "model", fitted, {"encoder": "test"})
    (folder / "edits.json").write_text('{"merges": {"0": 99}}')
    survey = tmp_path / "svar.csv"
    survey.write_text("Svar\nhei\n")
    code, err = _cli(capsys, "tag", str(survey), "--model", str(folder), "--text-column", "Svar",
                     "--out", str(tmp_path / "ut.xlsx"))
    assert code == 2 and "edits.json does not fit this model's themes" in err and len(err.splitlines()) == 1
