"""`fritekst eval redaction`: the labelled files, the metrics and the targets of issue 6."""

from __future__ import annotations

import csv
import importlib.util
import json
from pathlib import Path

import pytest

from nlp.cli import main
from nlp.eval.redaction import load_gold, score
from nlp.errors import InputError
from nlp.privacy.redactor import Span

ROOT = Path(__file__).resolve().parent.parent
GOLD = ROOT / "data" / "redaction_gold.csv"
CHECK = ROOT / "data" / "redaction_check.csv"


def _run(capsys, *argv) -> dict:
    assert main(["eval", "redaction", *argv]) == 0
    return json.loads(capsys.readouterr().out)


def test_gold_file_shape():
    rows = load_gold(GOLD)
    assert len(rows) >= 150
    clean = sum(1 for _, spans in rows if not spans)
    assert clean >= len(rows) / 3
    assert {kind for _, spans in rows for *_, kind in spans} == {"PER", "PHONE", "EMAIL", "FNR", "ADDRESS"}


@pytest.mark.parametrize("name", ["redaction_gold", "redaction_check"])
def test_csv_matches_marked_source(name, tmp_path):
    spec = importlib.util.spec_from_file_location("mk", ROOT / "benchmarks" / "make_redaction_gold.py")
    mk = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mk)
    lines = [line for line in (ROOT / "data" / f"{name}_marked.txt").read_text(encoding="utf-8").splitlines()
             if line.strip() and not line.startswith("#")]
    expected = [mk.parse_line(line) for line in lines]
    got = [(t, [list(s) for s in spans]) for t, spans in load_gold(ROOT / "data" / f"{name}.csv")]
    assert got == expected


@pytest.mark.parametrize("path", [GOLD, CHECK])
def test_rule_targets(capsys, path):
    r = _run(capsys, "--data", str(path), "--no-ner")
    assert r["recall"] >= 0.95
    assert all(r["recall_per_type"][k] == 1.0 for k in ("FNR", "EMAIL", "PHONE"))
    assert r["precision"] >= 0.90
    assert r["false_positive_rows"] == 0
    assert r["rows"] == len(load_gold(path))


@pytest.mark.slow
def test_targets_with_pipeline(capsys):
    r = _run(capsys, "--data", str(GOLD))
    assert r["ner"] is True
    assert r["recall"] >= 0.95 and r["precision"] >= 0.90 and r["false_positive_rows"] == 0
    assert all(r["recall_per_type"][k] == 1.0 for k in ("FNR", "EMAIL", "PHONE"))


def test_score_counts_partial_name_as_miss():
    rows = [("Ring Kari Nordmann nå", [(5, 18, "PER")]), ("Oslo kommune", [])]
    partial = [(Span(5, 9, "PER"),), (Span(0, 4, "PER"),)]
    s = score(rows, partial)
    assert s["recall"] == 0.0 and s["false_positive_rows"] == 1 and s["precision"] == 0.5
    full = [(Span(5, 18, "PER"),), ()]
    s = score(rows, full)
    assert s["recall"] == 1.0 and s["precision"] == 1.0 and s["false_positive_rows"] == 0


def _write(tmp_path, rows, header=("tekst", "spans")) -> Path:
    path = tmp_path / "g.csv"
    with path.open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(header)
        w.writerows(rows)
    return path


@pytest.mark.parametrize(
    "rows, header, message",
    [
        ([["Hei", "[]"]], ("tekst", "spenn"), "missing column"),
        ([["Hei", "[[0, 9, \"PER\"]]"]], ("tekst", "spans"), "outside the text"),
        ([["Hei", "[[0, 2, \"NAME\"]]"]], ("tekst", "spans"), "unknown type"),
        ([["Hei", "not json"]], ("tekst", "spans"), "not valid JSON"),
    ],
)
def test_bad_input_is_a_user_error(tmp_path, rows, header, message):
    with pytest.raises(InputError, match=message):
        load_gold(_write(tmp_path, rows, header))


def test_bad_input_exit_status(tmp_path, capsys):
    assert main(["eval", "redaction", "--data", str(tmp_path / "missing.csv"), "--no-ner"]) == 2
    assert "file not found" in capsys.readouterr().err
