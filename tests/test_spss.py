"""SPSS export (issue 18): valid names, labels and every row, read back with pyreadstat."""

import os

import numpy as np
import pandas as pd
import pytest

from nlp.errors import OutputError
from nlp.report.spss import spss_name, write_sav

pyreadstat = pytest.importorskip("pyreadstat")

THEMES = [(0, "Bosetting og bolig"), (3, "Språkopplæring – ventetid?"), (7, "Ingen har dette temaet")]
LONG = "Veiledningen fra IMDi er nyttig, men " + "svært " * 400 + "treg."


def comments() -> pd.DataFrame:
    return pd.DataFrame({
        "respondent id": ["0301", "0301", "1103", "5001"],
        "Hva synes du om IMDis veiledning?": ["=bra hjelp", LONG, "+47 er ikke et tall her", ""],
        "Rolle i kommunen": ["Rådmann", "Rådmann", None, "Flyktningtjenesten"],
        "question": ["q1", "q2", "q1", "q1"],
        "codes": ["0|3", "-1", "3", "-2"],
        "sentiment": ["positive", "mixed", "negative", None],
        "sentiment_score": [0.8, 0.05, -0.6, np.nan],
    })


def test_round_trip(tmp_path):
    path = tmp_path / "resultat.sav"
    layout = write_sav(comments(), THEMES, path)
    assert layout.path == path and layout.rows == 4
    assert layout.theme_variables == {0: "tema_0", 3: "tema_3", 7: "tema_7"}
    data, meta = pyreadstat.read_sav(path)

    # every row, the text unchanged (long text, leading = and +, æøå)
    assert len(data) == 4
    text_var = layout.names["Hva synes du om IMDis veiledning?"]
    assert data[text_var].tolist() == ["=bra hjelp", LONG, "+47 er ikke et tall her", ""]
    assert data[layout.names["respondent id"]].tolist() == ["0301", "0301", "1103", "5001"]  # ids stay text
    assert data[layout.names["Rolle i kommunen"]].tolist() == ["Rådmann", "Rådmann", "", "Flyktningtjenesten"]

    # themes as 0/1 with Nei/Ja, the theme labels as variable labels
    assert data["tema_0"].tolist() == [1, 0, 0, 0]
    assert data["tema_3"].tolist() == [1, 0, 1, 0]
    assert data["tema_7"].tolist() == [0, 0, 0, 0]
    labels = meta.column_names_to_labels
    assert labels["tema_0"] == "Bosetting og bolig" and labels["tema_3"] == "Språkopplæring – ventetid?"
    for var in ("tema_0", "tema_3", "tema_7"):
        assert meta.variable_value_labels[var] == {0: "Nei", 1: "Ja"}
        assert meta.variable_measure[var] == "nominal"

    # original column names survive as variable labels
    assert labels[text_var] == "Hva synes du om IMDis veiledning?"
    assert labels[layout.names["respondent id"]] == "respondent id"

    # sentiment as a labelled numeric; the score stays a number
    sentiment = data[layout.names["sentiment"]]
    assert sentiment.tolist()[:3] == [1, 4, 2] and np.isnan(sentiment.iloc[3])
    assert meta.variable_value_labels["sentiment"][1] == "Positiv"
    assert meta.variable_value_labels["sentiment"][3] == "Nøytral"
    assert data["sentiment_score"].tolist()[:3] == [0.8, 0.05, -0.6]
    assert "codes" not in layout.names
    assert os.listdir(tmp_path) == ["resultat.sav"]  # no temporary file left behind


def test_names_are_valid_spss(tmp_path):
    frame = pd.DataFrame({
        "Hva synes du?": ["a"], "hva synes du": ["b"], "2. Rolle": ["c"], "ALL": [1], "Størrelse på kommunen": ["d"],
        "tema_3": ["user's own"], "x" * 100: ["e"], "æøå": ["f"], "???": ["g"], "topic_id": [3],
    })
    layout = write_sav(frame, [(3, "Tre")], tmp_path / "n.sav", codes_column="topic_id")
    names = list(layout.names.values()) + list(layout.theme_variables.values())
    assert len({n.upper() for n in names}) == len(names)
    for name in names:
        assert name[0].isalpha() and len(name.encode()) <= 64 and name.isascii()
        assert all(ch.isalnum() or ch == "_" for ch in name) and not name.endswith("_")
    assert layout.theme_variables[3] == "tema_3" and layout.names["tema_3"] != "tema_3"
    assert layout.names["Størrelse på kommunen"] == "Storrelse_paa_kommunen"
    assert layout.names["ALL"].upper() != "ALL"
    data, meta = pyreadstat.read_sav(tmp_path / "n.sav")
    assert list(data.columns) == [*layout.names.values(), "tema_3"]  # the columns, then the themes
    assert meta.column_names_to_labels[layout.names["???"]] == "???"
    assert data["tema_3"].tolist() == [1]


def test_spss_name_truncates_and_deduplicates():
    taken: set[str] = set()
    first = spss_name("a" * 80, taken)
    second = spss_name("A" * 80, taken)
    assert len(first) == 64 and len(second) <= 64 and first.upper() != second.upper()
    assert spss_name("", taken).startswith("v")


def test_theme_ids_must_be_listed(tmp_path):
    with pytest.raises(ValueError, match=r"\[5\]"):
        write_sav(pd.DataFrame({"codes": ["5"]}), [(1, "En")], tmp_path / "x.sav")


def test_unwritable_path(tmp_path):
    (tmp_path / "blocked").write_text("a file, not a folder")
    with pytest.raises(OutputError):
        write_sav(comments(), THEMES, tmp_path / "blocked" / "x.sav")
    with pytest.raises(OutputError, match="folder"):
        write_sav(comments(), THEMES, tmp_path)


def test_overwrites_atomically(tmp_path):
    path = tmp_path / "r.sav"
    write_sav(comments(), THEMES, path)
    write_sav(comments().iloc[:2], THEMES, path)
    assert len(pyreadstat.read_sav(path)[0]) == 2
    assert os.listdir(tmp_path) == ["r.sav"]
