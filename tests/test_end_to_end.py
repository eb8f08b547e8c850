"""End to end on the bundled sample: `fritekst analyze`, then `fritekst tag` with the saved model."""

import json
import re
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest

from conftest import CODEBOOK, GOLD, SAMPLE, SAMPLE_PERSONAL_DATA
from nlp.cli import main

pytestmark = pytest.mark.slow

GROUPS = ["Rolle", "Fylke", "År", "Spørsmål"]


def cli(*argv: str) -> subprocess.CompletedProcess:
    """`fritekst ...` in a fresh interpreter, as a user runs it (stderr as printed)."""
    return subprocess.run([sys.executable, "-m", "nlp.cli", *argv], capture_output=True, text=True)


@pytest.fixture(scope="module")
def analyzed(tmp_path_factory):
    out = tmp_path_factory.mktemp("run") / "out"
    proc = cli("analyze", str(SAMPLE), "--text-column", "Svar", "--id-column", "Svar-ID",
               "--group-columns", *GROUPS, "--out", str(out), "--quiet")
    assert proc.returncode == 0, proc.stderr
    return out, proc.stderr


@pytest.fixture(scope="module")
def run(analyzed):
    return analyzed[0]


def third_party_noise(stderr: str) -> list[str]:
    """stderr lines that are not fritekst's own one-line summary: warnings, log records, tracebacks."""
    return [line for line in stderr.splitlines()
            if re.search(r"warn|traceback|deprecat", line, re.I) or not re.match(r"\d+ comments", line)]


def test_analyze_and_tag_print_no_third_party_warnings(analyzed, tmp_path):
    _, stderr = analyzed
    assert third_party_noise(stderr) == [], stderr
    proc = cli("tag", str(SAMPLE), "--model", str(analyzed[0] / "model"), "--text-column", "Svar",
               "--out", str(tmp_path / "t.xlsx"), "--quiet")
    assert proc.returncode == 0 and third_party_noise(proc.stderr) == [], proc.stderr


def test_analyze_accounts_for_every_row_in_order(run):
    src = pd.read_csv(SAMPLE, sep=";", encoding="utf-8-sig", dtype=str, keep_default_na=False)
    comments = pd.read_parquet(run / "comments.parquet")
    assert comments["id"].tolist() == src["Svar-ID"].tolist()
    xlsx = pd.read_excel(run / "comments.xlsx", dtype={"id": str})
    assert xlsx["id"].tolist() == src["Svar-ID"].tolist()
    for col in ["text", "is_nonanswer", "is_duplicate", "variety", "topic_id", "topic_label", "topic_score",
                "sentiment", "sentiment_score", "p_positive", "p_negative", "p_neutral", *GROUPS]:
        assert col in comments.columns, col
    theme_cols = [c for c in comments.columns if c.startswith("tema ")]
    assert theme_cols and set(np.unique(comments[theme_cols].to_numpy())) <= {0, 1}
    substantive = comments[~comments["is_nonanswer"]]
    assert (substantive["topic_id"] == -1).mean() <= 0.10
    assert (comments.loc[comments["is_nonanswer"], "topic_id"] == -2).all()
    assert (comments.loc[comments["is_nonanswer"], "sentiment"] == "neutral").all()


def test_topics_have_labels_keywords_and_distinct_quotes(run):
    topics = pd.read_csv(run / "topics.csv", keep_default_na=False)
    comments = pd.read_parquet(run / "comments.parquet").set_index("id")
    assert 3 <= len(topics) <= 60
    assert abs(topics["share"].sum() - (comments["topic_id"] >= 0).sum() / (~comments["is_nonanswer"]).sum()) < 0.01
    for row in topics.itertuples():
        assert row.label and len(row.label.split()) <= 8
        quotes = json.loads(row.quote_ids)
        assert len(quotes) == min(5, row.size)
        texts = comments.loc[quotes, "text"].str.lower().tolist()
        assert len(set(texts)) == len(texts)
        assert (comments.loc[quotes, "topic_id"] == row.topic_id).all()
    for col in ("sentiment_positive", "sentiment_negative", "sentiment_neutral", "sentiment_mixed"):
        assert col in topics.columns
    sheets = pd.read_excel(run / "summary.xlsx", sheet_name=None)
    # the same workbook as the app's download (nlp.report.workbook)
    assert {"Oversikt", "Temaer", "Sitater", "Etter Rolle", "Utvikling År"} <= set(sheets)
    assert {"95 % KI nedre", "95 % KI øvre", "Positiv", "Negativ", "Blandet"} <= set(sheets["Temaer"].columns)


def test_model_folder_is_safe_and_described(run):
    files = [p for p in (run / "model").rglob("*") if p.is_file()]
    assert not [p for p in files if p.suffix in (".pkl", ".pickle", ".joblib", ".pt", ".bin")]
    meta = json.loads((run / "model" / "metadata.json").read_text())
    assert meta["encoder"] == "multilingual-e5-small-q4" and "/torch-" in meta["encoder_engine"]
    assert meta["input"]["rows"] > 1500
    assert re.fullmatch(r"[0-9a-f]{64}", meta["input"]["fingerprint"])


def test_tag_reproduces_analyze(run, tmp_path):
    out = tmp_path / "tagged.parquet"
    code = main(["tag", str(SAMPLE), "--model", str(run / "model"), "--text-column", "Svar",
                 "--id-column", "Svar-ID", "--group-columns", *GROUPS, "--out", str(out), "--quiet"])
    assert code == 0
    a = pd.read_parquet(run / "comments.parquet")
    b = pd.read_parquet(out)
    assert b["id"].tolist() == a["id"].tolist()
    assert (a["topic_id"].to_numpy() == b["topic_id"].to_numpy()).mean() >= 0.99
    assert [c for c in b.columns if c.startswith("tema ")] == [c for c in a.columns if c.startswith("tema ")]


def test_no_personal_data_in_any_output(run):
    blobs = [pd.read_parquet(run / "comments.parquet").to_csv(), (run / "topics.csv").read_text()]
    blobs += [df.to_csv() for df in pd.read_excel(run / "summary.xlsx", sheet_name=None).values()]
    blobs += [p.read_text(errors="ignore") for p in (run / "model").rglob("*.json")]
    raw = SAMPLE.read_text(encoding="utf-8-sig")
    for item in SAMPLE_PERSONAL_DATA:
        assert item in raw  # the sample really holds it
        for blob in blobs:
            assert item not in blob, item


def test_deterministic(run, tmp_path):
    code = main(["analyze", str(SAMPLE), "--text-column", "Svar", "--id-column", "Svar-ID",
                 "--group-columns", *GROUPS, "--out", str(tmp_path), "--quiet"])
    assert code == 0
    a = pd.read_parquet(run / "comments.parquet")
    b = pd.read_parquet(tmp_path / "comments.parquet")
    pd.testing.assert_frame_equal(a, b)
    assert (run / "topics.csv").read_text() == (tmp_path / "topics.csv").read_text()


def test_codebook_themes_and_eval_targets(tmp_path, capsys):
    code = main(["eval", "topics", "--data", str(GOLD), "--text-column", "Svar", "--label-column", "tema",
                 "--nonanswer-label", "ikke_svar", "--codebook", str(CODEBOOK)])
    assert code == 0
    result = json.loads(capsys.readouterr().out)
    assert result["nonanswer_precision"] >= 0.95 and result["nonanswer_recall"] >= 0.95
    assert result["outlier_share"] <= 0.10
    assert result["nmi"] >= 0.55  # the issue-2 target; measured 0.565 (benchmarks/RESULTS.md)


@pytest.mark.parametrize("args, message", [
    (["--text-column", "nosuchcolumn"], "nosuchcolumn"),
    (["--text-column", "Svar", "--id-column", "Kommune"], "duplicate"),
])
def test_cli_errors_exit_2_with_one_line(tmp_path, args, message):
    proc = subprocess.run([sys.executable, "-m", "nlp.cli", "analyze", str(SAMPLE), *args, "--out", str(tmp_path)],
                          capture_output=True, text=True)
    assert proc.returncode == 2
    assert message in proc.stderr and "Traceback" not in proc.stderr
    assert len(proc.stderr.strip().splitlines()) == 1


def test_empty_file_exits_2(tmp_path):
    empty = tmp_path / "tom.csv"
    empty.write_text("")
    proc = subprocess.run([sys.executable, "-m", "nlp.cli", "analyze", str(empty), "--text-column", "Svar"],
                          capture_output=True, text=True)
    assert proc.returncode == 2 and "tom.csv" in proc.stderr and "Traceback" not in proc.stderr


# ------------------------------------------------------------------ issue 14: hostile and odd input, for real


@pytest.fixture(scope="module")
def odd(tmp_path_factory):
    """A small real analyze of sample rows plus formula cells, numbers-only comments and NaN cells."""
    from test_safety import FORMULAS

    root = tmp_path_factory.mktemp("odd")
    src = pd.read_csv(SAMPLE, sep=";", encoding="utf-8-sig", dtype=str, keep_default_na=False).head(150)
    src = src.rename(columns={"Fylke": "@Fylke"})
    extra = [("=1+1 og mer tilskudd til bosetting", "=Rådmann"), ("-hei, vi trenger flere boliger", "+47 99"),
             ("@SUM(A1) introduksjonsprogrammet fungerer", "-leder"), ("12345", "NaN"), ("2020", "N/A"),
             ("3,5", "#N/A"), ("NaN", "Rådmann"), ("null", "none")]
    rows = [{**src.iloc[0].to_dict(), "Svar-ID": f"X{i}", "Svar": text, "Rolle": role}
            for i, (text, role) in enumerate(extra)]
    data = pd.concat([src, pd.DataFrame(rows)], ignore_index=True)
    path = root / "odd.csv"
    data.to_csv(path, index=False, sep=";")
    out = root / "out"
    proc = cli("analyze", str(path), "--text-column", "Svar", "--id-column", "Svar-ID",
               "--group-columns", "Rolle", "@Fylke", "--out", str(out), "--quiet")
    assert proc.returncode == 0, proc.stderr
    return path, data, out, proc.stderr, FORMULAS


def test_odd_input_keeps_every_row_and_numbers_get_no_theme(odd):
    path, data, out, stderr, _ = odd
    assert third_party_noise(stderr) == [], stderr
    comments = pd.read_parquet(out / "comments.parquet").set_index("id")
    assert comments.index.tolist() == data["Svar-ID"].tolist()  # every row, in order
    typed = data.set_index("Svar-ID")["Svar"]
    for rid in ("X3", "X4", "X5"):  # numbers only: kept, without a theme
        assert comments.loc[rid, "topic_id"] < 0 and comments.loc[rid, "text"] == typed[rid]
    assert comments.loc["X6", "text"] == "" and comments.loc["X6", "is_nonanswer"]  # "NaN" is a missing cell
    assert comments.loc["X7", "Rolle"] == "" and comments.loc["X3", "Rolle"] == ""
    assert comments.loc["X0", "text"].startswith("=1+1")  # Parquet keeps the text as typed
    assert comments.loc["X1", "Rolle"] == "+47 99"


def test_odd_input_cli_tables_hold_no_formulas(odd, tmp_path):
    from test_safety import assert_csv_safe, assert_xlsx_safe

    path, data, out, _, _ = odd
    texts = assert_xlsx_safe(out / "comments.xlsx")
    assert {"'=1+1 og mer tilskudd til bosetting", "'=Rådmann", "'-leder", "'@Fylke"} <= set(texts)
    assert "'+47 99" in assert_xlsx_safe(out / "summary.xlsx")
    assert_csv_safe(out / "topics.csv")
    for suffix in (".csv", ".xlsx"):
        tagged = tmp_path / f"tagged{suffix}"
        proc = cli("tag", str(path), "--model", str(out / "model"), "--text-column", "Svar", "--id-column", "Svar-ID",
                   "--group-columns", "Rolle", "@Fylke", "--out", str(tagged), "--quiet")
        assert proc.returncode == 0 and third_party_noise(proc.stderr) == [], proc.stderr
        if suffix == ".csv":
            rows = assert_csv_safe(tagged)
            assert len(rows) == len(data) + 1 and "'@Fylke" in rows[0]
        else:
            assert "'=Rådmann" in assert_xlsx_safe(tagged)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["tagged.csv", "tagged.xlsx"]  # no temporary files


def test_a_numeric_parquet_text_column_is_one_line_error(tmp_path):
    import pyarrow as pa
    import pyarrow.parquet as pq

    path = tmp_path / "tall.parquet"
    pq.write_table(pa.table({"Svar": pa.array([i * 7 % 500 for i in range(40)], pa.int64())}), path)
    proc = cli("analyze", str(path), "--text-column", "Svar", "--out", str(tmp_path / "out"), "--quiet")
    assert proc.returncode == 2 and "Traceback" not in proc.stderr and len(proc.stderr.strip().splitlines()) == 1
    assert "tall.parquet: only 0 distinct substantive comments with content words" in proc.stderr
    assert not (tmp_path / "out").exists()


def test_sample_outputs_match_snapshot(run):
    """Refactors must not change what the sample gives (snapshot: `tests/make_sample_snapshot.py`).

    Exact where the encoder engine and the number of CPUs are the snapshot's; elsewhere vectors can
    differ in the last bits, so themes and sentiment are then compared by agreement instead.
    """
    from sklearn.metrics import normalized_mutual_info_score

    from make_sample_snapshot import SNAPSHOT, SNAPSHOT_META, snapshot_frame, snapshot_meta

    want = pd.read_csv(SNAPSHOT, dtype={"id": str, "topic_id": int}, keep_default_na=False)
    want_meta = json.loads(SNAPSHOT_META.read_text(encoding="utf-8"))
    got = snapshot_frame(run)
    got_meta = snapshot_meta(run)
    text_columns = ["id", "text", "is_nonanswer", "is_duplicate", "variety", "redacted"]
    for col in text_columns:
        assert got[col].astype(str).tolist() == want[col].astype(str).tolist(), col
    if (got_meta["encoder_engine"], got_meta["cpus"]) == (want_meta["encoder_engine"], want_meta.get("cpus")):
        assert got_meta == want_meta
        pd.testing.assert_frame_equal(got.drop(columns=text_columns).reset_index(drop=True),
                                      want.drop(columns=text_columns), check_dtype=False)
    else:
        # UMAP amplifies last-bit differences: two equally good fits of the sample agree at NMI ~0.8
        assert normalized_mutual_info_score(want["topic_id"], got["topic_id"]) >= 0.6
        assert (want["sentiment"] == got["sentiment"]).mean() >= 0.97
