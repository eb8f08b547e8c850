"""A comment counts in each of its codes (issue 17, point 1): one membership, read by every count,
and edits (merge, move, add and remove a code) that keep codes and primary theme together."""

from __future__ import annotations

import json

import numpy as np
import openpyxl
import pandas as pd
import pytest

from nlp.report.rating_drivers import theme_drivers
from nlp.report.spss import sav_frame
from nlp.report.stats import compare_groups, sentiment_by_theme, trend_across_rounds
from nlp.report.workbook import MULTI_CODE_NOTE, key_figures, summary_workbook, theme_table
from nlp.schema import Edited, ThemeInfo, theme_column
from nlp.themes.edits import Edits, text_id
from nlp.themes.membership import (
    CODE_SENTIMENT, QUESTION_BLOCK, code_sentiments, members, membership_columns, parse_codes, theme_sizes,
)
from nlp.ui import editing
from nlp.ui.filters import filter_comments

THEMES = [ThemeInfo(1, "Samarbeid", ["imdi"], 0, 0.0, [], "samarbeid"), ThemeInfo(2, "Tilskudd", ["penger"], 0, 0.0),
          ThemeInfo(3, "Norsk", ["språk"], 0, 0.0)]


def coded(rows: list[tuple[str, str, str, str]]) -> pd.DataFrame:
    """A comment table as `analyze` writes it, from (text, codes, sentiment, group) rows."""
    codes = parse_codes([r[1].strip("-") for r in rows], [0] * len(rows), THEMES)
    frame = pd.DataFrame({
        "id": [str(i + 1) for i in range(len(rows))], "text": [r[0] for r in rows],
        "is_nonanswer": [r[1] == "-" for r in rows], "is_duplicate": False, "redacted": False,
        "topic_id": [c[0] if c else (-2 if r[1] == "-" else -1) for c, r in zip(codes, rows)],
        "codes": ["" if r[1] == "-" else r[1] for r in rows], "n_codes": [len(c) for c in codes],
        "sentiment": [r[2] for r in rows], "År": [r[3] for r in rows],
    })
    labels = {t.id: t.label for t in THEMES}
    frame["topic_label"] = frame["topic_id"].map(labels).fillna("Uten tema")
    for col, values in membership_columns(codes, [(t.id, t.label) for t in THEMES]).items():
        frame[col] = values
    return frame


ROWS = [
    ("Gode råd fra IMDi, men tilskuddet kommer sent", "samarbeid|T2", "mixed", "2019"),
    ("IMDi svarer raskt", "samarbeid", "positive", "2019"),
    ("Tilskuddet er for lavt", "T2", "negative", "2020"),
    ("For lite penger og for lite norskopplæring", "T2|T3", "negative", "2020"),
    ("Norskkurset er bra", "T3", "positive", "2021"),
    ("Litt av hvert", "", "neutral", "2021"),
    ("nei", "-", "neutral", "2021"),
]


def test_every_count_reads_every_code():
    c = coded(ROWS)
    ids = [1, 2, 3, -1]
    assert members(c, ids).sum(axis=0).tolist() == [2, 3, 2, 1]
    assert theme_sizes(c, [2]).tolist() == [3]
    # group comparison: the two-code comment of 2019 counts in both of its themes
    cmp = compare_groups(c, "År", [(1, "Samarbeid"), (2, "Tilskudd")]).set_index(["topic_id", "group"])
    assert cmp.loc[(1, "2019"), "k"] == 2 and cmp.loc[(2, "2019"), "k"] == 1 and cmp.loc[(2, "2020"), "k"] == 2
    assert cmp.loc[(2, "2020"), "n"] == 2
    per_round, _ = trend_across_rounds(c, "År", [(3, "Norsk")])
    assert per_round.set_index("round")["k"].to_dict() == {"2019": 0, "2020": 1, "2021": 1}
    table = theme_table(Edited(c, THEMES)).set_index("Tema-ID")
    assert table["Antall"].to_dict() == {1: 2, 2: 3, 3: 2, -1: 1}
    assert table["Andel"].sum() > 1  # shares add up to more than 100 %
    assert table.loc[2, "Negativ"] == 2 and table.loc[2, "Blandet"] == 1
    figures = key_figures(Edited(c, THEMES)).set_index("Mål")["Antall"]
    assert figures["Kommentarer med flere temaer"] == 2 and MULTI_CODE_NOTE in figures.index
    assert MULTI_CODE_NOTE.startswith("En kommentar kan ha flere temaer")
    single = coded([r for r in ROWS if "|" not in r[1]])
    assert MULTI_CODE_NOTE not in key_figures(Edited(single, THEMES))["Mål"].tolist()
    # the app's theme filter finds a comment by any of its codes
    assert filter_comments(c, topic_ids=[3])["id"].tolist() == ["4", "5"]


def test_workbook_spss_and_drivers_count_every_code():
    c = coded(ROWS)
    book = openpyxl.load_workbook(__import__("io").BytesIO(summary_workbook(Edited(c, THEMES), ["År"])))
    cells = [str(v) for row in book["Oversikt"].iter_rows(values_only=True) for v in row if v is not None]
    assert MULTI_CODE_NOTE in cells
    frame, _, layout = sav_frame(c, [(t.id, t.label) for t in THEMES], codes_column=None,
                                 columns=["id", "codes", "sentiment"])
    assert frame[layout.theme_variables[2]].tolist() == [1, 0, 1, 1, 0, 0, 0]
    assert frame[layout.theme_variables[1]].tolist() == [1, 1, 0, 0, 0, 0, 0]
    ratings = pd.DataFrame({"rating": [2, 5, 1, 1, 5, 3, 3], "row": range(2, 9)}, index=c["id"])
    table, _ = theme_drivers(c, "id", ratings, "r", [(t.id, t.label) for t in THEMES], (1, 5))
    assert table.set_index("topic_id")["n"].to_dict() == {1: 2, 2: 3, 3: 2}


def test_a_code_with_a_sentiment_of_its_own_counts_with_it():
    c = coded(ROWS)
    c[CODE_SENTIMENT] = ["positive|negative", "", "", "", "", "", ""]
    per = code_sentiments(c, [1, 2], THEMES)
    assert per[0].tolist() == ["positive", "negative"] and per[1].tolist() == ["positive", None]
    counts = sentiment_by_theme(c, THEMES).set_index("topic_id")
    assert counts.loc[1, "positive"] == 2 and counts.loc[2, "negative"] == 3 and counts.loc[2, "mixed"] == 0
    # without the theme list no code can be named: every code has the comment's sentiment
    assert code_sentiments(c, [1], ())[0].tolist() == ["mixed"]


def test_parse_codes_resolves_a_name_by_the_rows_question_and_names_unknown_ones():
    q1, q2 = QUESTION_BLOCK + 1, 2 * QUESTION_BLOCK + 1
    themes = [ThemeInfo(q1, "Bolig", [], 0, 0, [], "bolig"), ThemeInfo(q2, "Bolig", [], 0, 0, [], "bolig"),
              ThemeInfo(q2 + 1, "Annet", [], 0, 0)]
    found = parse_codes(["bolig", f"bolig|T{q2 + 1}", "", None], [q1, q2, -1, -1], themes)
    assert found == [[q1], [q2, q2 + 1], [], []]
    with pytest.raises(ValueError, match=r"row 2: 'T9' is not a theme"):
        parse_codes(["bolig", "T9"], [q1, q1], themes)


def test_question_block_is_the_per_question_id_step():
    from nlp.themes.per_question import ID_STEP

    assert QUESTION_BLOCK == ID_STEP


# ------------------------------------------------------------------ edits with codes


def test_apply_codes_merge_move_add_and_remove():
    texts = ["a", "b", "c", "d", "e"]
    topic = np.array([1, 2, 3, -1, -2])
    codes = [[1, 2], [2, 3], [3], [], []]
    e = Edits(merges={2: 1})
    assert e.apply_codes(topic, codes, texts)[1] == [[1], [1, 3], [3], [], []]  # a merge maps every code
    e = Edits(moves={text_id("a"): 3})
    primary, out = e.apply_codes(topic, codes, texts)
    assert primary[0] == 3 and out[0] == [3]  # a move replaces the codes
    e = Edits(added={text_id("d"): [2], text_id("c"): [1]}, removed={text_id("b"): [2]})
    primary, out = e.apply_codes(topic, codes, texts)
    assert out[:4] == [[1, 2], [3], [3, 1], [2]] and primary.tolist() == [1, 3, 3, 2, -2]
    assert Edits(added={text_id("e"): [1]}).apply_codes(topic, codes, texts)[1][4] == []  # non-answers stay


def test_edits_with_codes_round_trip_and_are_parsed_strictly():
    e = Edits(moves={text_id("x"): 1}, added={text_id("x"): [2, 3]}, removed={text_id("y"): [1]})
    assert Edits.from_dict(json.loads(json.dumps(e.to_dict()))) == e
    assert "added" not in Edits().to_dict()  # a log without code changes reads as before
    key = text_id("x")
    for bad, pattern in [
        ({"added": {key: 2}}, "non-empty list"),
        ({"added": {key: []}}, "non-empty list"),
        ({"removed": {key: ["2"]}}, "'2' is not a theme id"),
        ({"added": {key: [True]}}, "is not a theme id"),
        ({"added": {"zz": [1]}}, "not a comment key"),
        ({"added": {key: [1, 1]}}, "twice"),
        ({"added": {key: [1]}, "removed": {key: [1]}}, "both adds and removes theme 1"),
        ({"added": []}, "'added' must be an object"),
    ]:
        with pytest.raises(ValueError, match=pattern):
            Edits.from_dict(bad)
    with pytest.raises(ValueError, match="adds code 9 of a comment, but theme 9 does not exist"):
        Edits(added={key: [9]}).validate([1, 2])
    with pytest.raises(ValueError, match="removes code -1"):
        Edits(removed={key: [-1]}).validate([1, 2])


def test_app_add_remove_move_keep_codes_and_primary_together():
    c = coded(ROWS)
    c["fitted_topic_id"], c["fitted_codes"] = c["topic_id"], c["codes"]
    v0 = editing.apply_edits(c, THEMES, Edits())
    assert v0.comments["codes"].tolist() == c["codes"].tolist() and v0.theme(2).size == 3
    e1, n = editing.add_code(Edits(), v0, ["2", "6"], 3)  # one coded comment, one without a theme
    assert n == 2
    v1 = editing.apply_edits(c, THEMES, e1)
    assert v1.comments["codes"].tolist()[:6] == ["samarbeid|T2", "samarbeid|T3", "T2", "T2|T3", "T3", "T3"]
    assert v1.comments["topic_id"].tolist()[5] == 3 and v1.theme(3).size == 4
    assert v1.comments[theme_column(3, "Norsk")].tolist() == [0, 1, 0, 1, 1, 1, 0]
    e2, n = editing.remove_code(e1, v1, ["1", "4"], 1)  # only comment 1 has it
    assert n == 1
    v2 = editing.apply_edits(c, THEMES, e2)
    assert v2.comments.loc[0, "codes"] == "T2" and v2.comments.loc[0, "topic_id"] == 2  # the next code is primary
    e3 = editing.merge(e2, v2, 3, 2)
    v3 = editing.apply_edits(c, THEMES, e3)
    assert v3.comments["codes"].tolist()[:6] == ["T2", "samarbeid|T2", "T2", "T2", "T2", "T2"]
    assert int(v3.comments["n_codes"].sum()) == 7
    e4, _ = editing.move(e3, v3, ["2"], 2)
    assert editing.apply_edits(c, THEMES, e4).comments.loc[1, "codes"] == "T2"
    e5, _ = editing.move(e2, v2, ["4"], 1, keep_codes=True)  # move, keeping the other codes
    assert editing.apply_edits(c, THEMES, e5).comments.loc[3, "codes"] == "samarbeid|T2|T3"
    e6, _ = editing.add_code(e2, v2, ["1"], 1)  # adding back what was removed clears the removal
    assert e6.removed == {} and e6.added == e2.added  # the log only loses the removal
    assert editing.apply_edits(c, THEMES, e6).comments.loc[0, "codes"] == "samarbeid|T2"
    lines = editing.describe(e2, {t.id: t.label for t in THEMES})
    assert "Tema lagt til: «Norsk» på 2 kommentartekst(er)" in lines
    assert "Tema fjernet: «Samarbeid» på 1 kommentartekst(er)" in lines
    assert not editing.is_empty(Edits(removed={text_id("x"): [1]}))
    with pytest.raises(editing.EditError, match="har dette temaet"):
        editing.remove_code(Edits(), v0, ["5"], 1)
    with pytest.raises(editing.EditError, match="«Ikke svar» kan ikke få et tema"):
        editing.add_code(Edits(), v0, ["7"], 1)


def test_tag_replays_the_edits_as_the_app_shows_them():
    """`fritekst tag` (analyze.assemble with the saved edits) and the app (apply_edits on the run
    as fitted) give the same primary themes, codes, theme columns and sizes."""
    from conftest import small_theme_model
    from nlp.analyze import AnalyzeOptions, Prepared, assemble
    from nlp.clean import Cleaned
    from nlp.io import Survey
    from nlp.runs.store import _with_fitted_topics
    from nlp.sentiment.model import SentimentResult

    model, X = small_theme_model()
    model.code_threshold_ = 0.05  # low enough that some comments get two codes
    n = len(X) + 1
    texts = [f"kommentar {i}" for i in range(len(X))] + ["nei"]
    survey = Survey("t.csv", pd.DataFrame({"id": [str(i) for i in range(n)], "text": texts}), "Svar", None, [])
    prep = Prepared(Cleaned(texts, [False] * len(X) + [True], [False] * n, ["nb"] * n), texts, [0] * n,
                    [["ord"]] * n, np.vstack([X, np.zeros((1, X.shape[1]), np.float32)]),
                    SentimentResult(["neutral"] * n, np.zeros(n, np.float32), np.zeros((n, 3), np.float32)),
                    "test", "test", "test")
    fitted = assemble(survey, prep, model, Edits(), {}, AnalyzeOptions(), with_quotes=False)
    assert (fitted.comments["n_codes"] > 1).any()
    ids = [t.id for t in model.themes_]
    two = fitted.comments.index[fitted.comments["n_codes"] > 1][0]
    one = fitted.comments.index[fitted.comments["n_codes"] == 1][0]
    edits = Edits(merges={ids[2]: ids[1]}, moves={text_id(texts[one]): ids[0]},
                  added={text_id(texts[one]): [ids[2]], text_id(texts[5]): [ids[1]]},
                  removed={text_id(texts[two]): [int(fitted.comments.loc[two, "topic_id"])]})
    tagged = assemble(survey, prep, model, edits, {}, AnalyzeOptions(), with_quotes=False)
    app = editing.apply_edits(_with_fitted_topics(fitted.comments), fitted.themes, edits)
    for col in ["topic_id", "codes", "n_codes", "topic_label", *app.theme_columns]:
        assert tagged.comments[col].tolist() == app.comments[col].tolist(), col
    assert {t.id: t.size for t in tagged.themes} == {t.id: t.size for t in app.themes}
    assert tagged.comments.loc[one, "codes"] == f"T{ids[0]}|T{ids[1]}"  # moved, then the merged code added


def test_quotes_show_the_sentiment_a_comment_has_in_the_theme():
    from nlp.report.workbook import quotes_table

    c = coded(ROWS)
    c[CODE_SENTIMENT] = ["positive|negative", "", "", "", "", "", ""]
    themes = [ThemeInfo(1, "Samarbeid", [], 2, 0.3, ["1"], "samarbeid"),
              ThemeInfo(2, "Tilskudd", [], 3, 0.5, ["1", "3"])]
    table = quotes_table(Edited(c, themes), ["År"])
    assert table[["Tema", "ID", "Sentiment"]].values.tolist() == [
        ["Samarbeid", "1", "Positiv"], ["Tilskudd", "1", "Negativ"], ["Tilskudd", "3", "Negativ"]]
