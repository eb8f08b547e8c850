"""A survey tool's wide export end to end: several open questions, a rating, drivers and SPSS."""

import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
from sklearn.metrics import normalized_mutual_info_score

from conftest import GOLD
from nlp.io.raw import MISSING_MARKERS

pytestmark = pytest.mark.slow

DATA = Path(__file__).resolve().parent.parent / "data"
WIDE = DATA / "kommuneundersokelse_wide.csv"
RATING = "Hvor nyttig er samarbeidet med IMDi? (1-5)"
QUESTIONS = [
    "Har du kommentarer til samarbeidet med IMDi?", "Har du kommentarer til tilskuddsordningene?",
    "Har du kommentarer til bosetting av flyktninger?", "Har du andre kommentarer?",
    "Hva trenger kommunen for å styrke arbeidet mot negativ sosial kontroll?",
    "Har du kommentarer til arbeidet med kvalifisering og arbeid?",
    "Hvordan har koronapandemien påvirket integreringsarbeidet?",
    "Har du kommentarer til opplæringen i norsk og samfunnskunnskap?",
    "Hvordan opplever kommunen samarbeidet med fylkeskommunen på integreringsfeltet?",
    "Har du kommentarer til den nye integreringsloven?",
]


def cli(*argv: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "nlp.cli", *argv], capture_output=True, text=True)


@pytest.fixture(scope="module")
def wide_run(tmp_path_factory):
    out = tmp_path_factory.mktemp("wide") / "out"
    proc = cli("analyze", str(WIDE), "--text-columns", *QUESTIONS, "--id-column", "Respondent",
               "--group-columns", "Rolle", "Fylke", "År", "--rating-column", RATING, "--out", str(out), "--quiet")
    assert proc.returncode == 0, proc.stderr
    return out, proc.stderr


def test_every_respondent_and_answer_is_accounted_for(wide_run):
    out, stderr = wide_run
    wide = pd.read_csv(WIDE, sep=";", encoding="utf-8-sig", dtype=str, keep_default_na=False)
    blank = wide[QUESTIONS].apply(lambda c: c.str.strip().str.casefold().isin({"", *MISSING_MARKERS}))
    answers = int((~blank).to_numpy().sum())  # "N/A" and the like are read as empty cells
    blanks = len(wide) * len(QUESTIONS) - answers
    assert f"{len(wide)} respondents, {blanks} blank answer cells, {answers} comments" in stderr
    comments = pd.read_parquet(out / "comments.parquet")
    assert len(comments) == answers and set(comments["question"]) == set(QUESTIONS)
    assert set(comments["respondent"]) <= set(wide["Respondent"])
    respondents = pd.read_parquet(out / "respondents.parquet")
    assert respondents["respondent"].tolist() == wide["Respondent"].tolist()  # also those without answers
    overview = pd.read_excel(out / "summary.xlsx", sheet_name="Oversikt").set_index("Mål")["Antall"]
    assert overview["Respondenter"] == len(wide) and overview["Kommentarer i alt"] == answers
    assert overview["Tomme svarfelt (gir ingen kommentar)"] == blanks
    assert "Drivere" in pd.ExcelFile(out / "summary.xlsx").sheet_names


def test_bad_ratings_are_named_by_column_and_row_and_only_they_are_left_out(wide_run):
    out, stderr = wide_run
    note = next(line for line in stderr.splitlines() if "left out of the drivers" in line)
    assert RATING in note and "9 of 787" in note
    wide = pd.read_csv(WIDE, sep=";", encoding="utf-8-sig", dtype=str, keep_default_na=False)
    for i in wide.index[wide[RATING].isin(["vet ikke", "0", "6", "9", "-", ""])]:
        assert str(i + 2) in note  # spreadsheet row (header = row 1)
    drivers = pd.read_csv(out / "drivers.csv")
    assert (drivers["n"] + drivers["n_without"] == 787 - 9).all()


def test_same_themes_as_the_long_sample_and_drivers_recover_the_constructed_effects(wide_run, tmp_path):
    """The wide export is built from the long sample (data/make_wide_sample.py): the themes must agree."""
    out, _ = wide_run
    comments = pd.read_parquet(out / "comments.parquet")
    long_file = DATA / "kommuneundersokelse_2019_2021.csv"
    proc = cli("analyze", str(long_file), "--text-column", "Svar", "--id-column", "Svar-ID", "--out",
               str(tmp_path / "long"), "--quiet")
    assert proc.returncode == 0, proc.stderr
    long = pd.read_csv(long_file, sep=";", encoding="utf-8-sig", dtype=str, keep_default_na=False)
    long["topic_long"] = pd.read_parquet(tmp_path / "long" / "comments.parquet")["topic_id"].values
    long["tema"] = long["Svar-ID"].map(pd.read_csv(GOLD, dtype=str).set_index("Svar-ID")["tema"])
    both = long.merge(comments.rename(columns={"question": "Spørsmål"}), on=["År", "Kommunenr", "Rolle", "Spørsmål"])
    assert len(both) == len(comments)
    assert normalized_mutual_info_score(both["topic_long"], both["topic_id"]) >= 0.9
    # each theme stands for the gold theme most of its comments have
    gold_of = both[both["topic_id"] >= 0].groupby("topic_id")["tema"].agg(lambda s: s.value_counts().index[0])
    drivers = pd.read_csv(out / "drivers.csv").set_index("topic_id")
    drivers["gold"] = gold_of
    biggest = drivers.sort_values("n", ascending=False).groupby("gold").head(1).set_index("gold")
    # constructed: grants -1.2, settlement -0.6, IMDi's guidance +0.8 (data/make_wide_sample.py)
    assert biggest.loc["tilskudd", "difference"] < biggest.loc["bosetting", "difference"] < 0
    assert biggest.loc["imdi_samarbeid", "difference"] > 0
    assert biggest.loc[["tilskudd", "bosetting", "imdi_samarbeid"], "significant"].all()


def test_spss_file_has_every_answer_and_labelled_theme_variables(wide_run):
    import pyreadstat

    out, _ = wide_run
    frame, meta = pyreadstat.read_sav(str(out / "comments.sav"))
    comments = pd.read_parquet(out / "comments.parquet")
    topics = pd.read_csv(out / "topics.csv")
    assert len(frame) == len(comments)
    for row in topics.itertuples():
        name = f"tema_{row.topic_id}"
        assert meta.column_names_to_labels[name] == row.label
        assert meta.variable_value_labels[name] == {0.0: "Nei", 1.0: "Ja"}
        assert (frame[name].to_numpy() == (comments["topic_id"] == row.topic_id).to_numpy()).all()


def test_tag_reads_the_same_wide_layout(wide_run, tmp_path):
    out, _ = wide_run
    proc = cli("tag", str(WIDE), "--text-columns", *QUESTIONS[:3], "--id-column", "Respondent",
               "--model", str(out / "model"), "--out", str(tmp_path / "t.csv"), "--quiet")
    assert proc.returncode == 0, proc.stderr
    tagged = pd.read_csv(tmp_path / "t.csv", dtype=str, keep_default_na=False)
    assert set(tagged["question"]) == set(QUESTIONS[:3]) and tagged["id"].str.match(r"R\d{4}-[123]$").all()


def test_per_question_themes_stay_within_their_question_and_tag_reproduces_them(tmp_path):
    out = tmp_path / "out"
    proc = cli("analyze", str(WIDE), "--text-columns", *QUESTIONS[:4], "--id-column", "Respondent", "--per-question",
               "--out", str(out), "--quiet")
    assert proc.returncode == 0, proc.stderr
    comments = pd.read_parquet(out / "comments.parquet")
    themed = comments[comments["topic_id"] >= 0]
    # question k's themes have ids k*1000 ...: no theme spans two questions
    assert (themed["topic_id"] // 1000 == themed["question"].map({q: k for k, q in enumerate(QUESTIONS[:4], 1)})).all()
    assert themed.groupby("question")["topic_id"].nunique().min() >= 2
    assert (out / "model" / "questions.json").is_file()
    proc = cli("tag", str(WIDE), "--text-columns", *QUESTIONS[:4], "--id-column", "Respondent",
               "--model", str(out / "model"), "--out", str(tmp_path / "t.csv"), "--quiet")
    assert proc.returncode == 0, proc.stderr
    tagged = pd.read_csv(tmp_path / "t.csv", dtype={"id": str})
    assert tagged["topic_id"].tolist() == comments["topic_id"].tolist()
    proc = cli("tag", str(WIDE), "--text-columns", QUESTIONS[4], QUESTIONS[0], "--id-column", "Respondent",
               "--model", str(out / "model"), "--out", str(tmp_path / "t2.csv"), "--quiet")
    assert proc.returncode == 2 and "has no themes for question" in proc.stderr
