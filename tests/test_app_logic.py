"""Unit tests for the app's pure logic (nlp.ui): formats, escaping, filters, statistics, edits,
messages, column guesses and downloads. Fast: small hand-built comment tables, no models."""

from __future__ import annotations

import io
import re
from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd
import pytest
from statsmodels.stats.contingency_tables import Table
from statsmodels.stats.multitest import multipletests
from statsmodels.stats.proportion import proportions_ztest

from nlp.schema import ThemeInfo, theme_column
from nlp.themes.edits import Edits, text_id
from nlp.errors import InputError
from nlp.io import load_survey
from nlp.report.workbook import summary_workbook
from nlp.ui import charts, editing, exports
from nlp.report.groups import EMPTY_GROUP, group_values
from nlp.ui.filters import filter_comments, search_terms, text_matches
from nlp.ui.messages import user_message
from nlp.report.stats import (
    adjust, cochran_armitage_p, compare_groups, looks_like_rounds, trend_across_rounds, two_proportion_p,
)
from nlp.ui.text import fmt_int, fmt_p, fmt_pct, fmt_pp, md_escape, plot_escape
from nlp.ui.uploads import download_name, guess_group_columns, guess_id_column, guess_text_column, read_upload

SAMPLE = Path(__file__).resolve().parent.parent / "data" / "kommuneundersokelse_2019_2021.csv"


def make_comments(rows: list[dict], themes: dict[int, str]) -> tuple[pd.DataFrame, list[ThemeInfo]]:
    """A comments table shaped like `analyze` output (topic ids as fitted, one 0/1 column per theme)."""
    frame = pd.DataFrame(rows)
    frame["id"] = frame.get("id", pd.Series([str(i + 1) for i in range(len(frame))])).astype(str)
    frame["is_nonanswer"] = frame["topic_id"] == -2
    frame["is_duplicate"] = frame["text"].str.lower().duplicated()
    frame["redacted"] = frame["text"].str.contains(r"\[NAVN\]")
    if "sentiment" not in frame:
        frame["sentiment"] = "neutral"
    labels = {**themes, -1: "Uten tema", -2: "Ikke svar"}
    frame["topic_label"] = frame["topic_id"].map(labels)
    for tid, lab in themes.items():
        frame[theme_column(tid, lab)] = (frame["topic_id"] == tid).astype(np.int8)
    sub = int((~frame["is_nonanswer"]).sum())
    infos = []
    for tid, lab in themes.items():
        members = frame.loc[frame["topic_id"] == tid, "id"].tolist()
        infos.append(ThemeInfo(tid, lab, [lab.lower(), f"ord{tid}"], len(members), len(members) / sub, members[:2]))
    return frame, infos


# ------------------------------------------------------------------ text and formats


@pytest.mark.parametrize("raw", [
    "<script>alert('x')</script>",
    "[klikk](javascript:alert(1)) og ![bilde](http://x/y.png)",
    ":red[rødt] :material/home: :smile: $x^2$ **fet** _kursiv_ `kode`",
    "# Overskrift\n- punkt\n> sitat\n    kodeblokk",
    "a\\b & &lt; <b>fet</b>",
])
def test_md_escape_leaves_no_markdown_active(raw):
    escaped = md_escape(raw)
    # every ASCII punctuation mark is preceded by a backslash that is itself not escaped
    unescaped = re.sub(r"\\[!-/:-@\[-`{-~]", "", escaped)
    assert not re.search(r"[!-/:-@\[-`{-~]", unescaped), unescaped
    # removing the escapes gives back the text, with whitespace collapsed
    assert re.sub(r"\\([!-/:-@\[-`{-~])", r"\1", escaped) == " ".join(raw.split())


def test_plot_escape_keeps_tags_literal():
    assert plot_escape("<b>x</b> & y") == "&lt;b&gt;x&lt;/b&gt; &amp; y"
    assert plot_escape("a" * 60, 10) == "a" * 9 + "…"


def test_norwegian_number_formats():
    assert fmt_int(1234567) == "1\u00a0234\u00a0567"
    assert fmt_pct(0.1234) == "12,3\u00a0%"
    assert fmt_pct(0.5, 0) == "50\u00a0%"
    assert fmt_pct(float("nan")) == "–"
    assert fmt_pp(0.052) == "+5,2\u00a0pp"
    assert fmt_pp(-0.1) == "−10,0\u00a0pp"
    assert fmt_pp(0.0) == "0,0\u00a0pp"
    assert fmt_p(0.0004) == "<\u00a00,001"
    assert fmt_p(0.0421) == "0,042"


# ------------------------------------------------------------------ filters


def _small():
    rows = [
        {"text": "Samarbeidet med IMDi er godt", "topic_id": 1, "Fylke": "Viken", "År": "2019", "sentiment": "positive"},
        {"text": "For lite tilskudd (igjen)", "topic_id": 2, "Fylke": "Agder", "År": "2020", "sentiment": "negative"},
        {"text": "Tilskudd kom sent, samarbeid ok", "topic_id": 2, "Fylke": "", "År": "2021", "sentiment": "mixed"},
        {"text": "vet ikke", "topic_id": -2, "Fylke": "Viken", "År": "2021", "sentiment": "neutral"},
        {"text": "Samarbeidet med IMDi er godt", "topic_id": 1, "Fylke": "Agder", "År": "2021", "sentiment": "positive"},
    ]
    return make_comments(rows, {1: "Samarbeid med IMDi", 2: "Tilskudd"})


def test_search_terms_and_phrases():
    assert search_terms('tilskudd "kom sent"  IMDi') == ["tilskudd", "kom sent", "imdi"]
    texts = pd.Series(["Tilskudd kom sent", "tilskudd kom ikke sent", "sent kom tilskudd"])
    assert text_matches(texts, '"kom sent"').tolist() == [True, False, False]
    assert text_matches(texts, "SENT tilskudd").tolist() == [True, True, True]
    assert text_matches(pd.Series(["a (b) [c] .*"]), "(b) [c] .*").tolist() == [True]  # literal, no regex


def test_filter_comments_combines_filters():
    comments, _ = _small()
    assert len(filter_comments(comments)) == 5
    assert filter_comments(comments, groups={"Fylke": ["Viken"]})["id"].tolist() == ["1", "4"]
    assert filter_comments(comments, groups={"Fylke": [EMPTY_GROUP]})["id"].tolist() == ["3"]
    assert filter_comments(comments, groups={"Fylke": []}).shape[0] == 5  # empty selection = all
    assert filter_comments(comments, sentiments=["negative", "mixed"])["id"].tolist() == ["2", "3"]
    assert filter_comments(comments, topic_ids=[2], search="samarbeid")["id"].tolist() == ["3"]
    assert filter_comments(comments, include_nonanswers=False).shape[0] == 4
    assert filter_comments(comments, include_duplicates=False)["id"].tolist() == ["1", "2", "3", "4"]
    assert group_values(comments, "År") == ["2019", "2020", "2021"]
    assert group_values(comments, "Fylke") == ["Agder", "Viken", EMPTY_GROUP]


# ------------------------------------------------------------------ statistics


def test_two_proportion_matches_statsmodels_and_uses_fisher_when_small():
    p = two_proportion_p(60, 200, 40, 220)
    assert p == pytest.approx(proportions_ztest([60, 40], [200, 220])[1], rel=1e-9)
    from scipy.stats import fisher_exact

    assert two_proportion_p(1, 10, 6, 12) == pytest.approx(fisher_exact([[1, 9], [6, 6]])[1])
    assert two_proportion_p(0, 10, 0, 20) == 1.0
    assert np.isnan(two_proportion_p(1, 0, 2, 3))


def test_adjust_matches_statsmodels_and_skips_nan():
    p = [0.01, 0.04, np.nan, 0.03, 0.2]
    got = adjust(p, "fdr_bh")
    want = multipletests([0.01, 0.04, 0.03, 0.2], method="fdr_bh")[1]
    assert np.isnan(got[2])
    assert np.allclose(got[[0, 1, 3, 4]], want)
    assert np.allclose(adjust(p, "holm")[[0, 1, 3, 4]], multipletests([0.01, 0.04, 0.03, 0.2], method="holm")[1])


def test_cochran_armitage_agrees_with_linear_by_linear_test():
    k, n = np.array([10, 20, 35]), np.array([100, 100, 100])
    r = Table(np.stack([k, n - k], axis=1)).test_ordinal_association(
        row_scores=np.array([2019.0, 2020, 2021]), col_scores=np.array([1.0, 0.0]))
    from scipy.stats import norm

    big_n = n.sum()  # Cochran–Armitage uses the binomial variance: N/(N-1) times the hypergeometric one
    assert cochran_armitage_p(k, n, [2019, 2020, 2021]) == pytest.approx(
        2 * norm.sf(abs(r.zscore) * np.sqrt(big_n / (big_n - 1))), rel=1e-6)
    assert cochran_armitage_p([10, 10, 10], [100, 100, 100], [1, 2, 3]) == pytest.approx(1.0)


def _groups_frame(share_a: float, share_b: float, n: int = 200, seed: int = 0):
    rng = np.random.default_rng(seed)
    rows = []
    for group, share in (("A", share_a), ("B", share_b), ("C", share_b)):
        k = int(round(share * n))
        topics = [1] * k + [2] * (n - k)
        rng.shuffle(topics)
        rows += [{"text": f"{group} {i}", "topic_id": t, "Rolle": group} for i, t in enumerate(topics)]
    rows += [{"text": "vet ikke", "topic_id": -2, "Rolle": "A"}] * 50  # not in the denominators
    return make_comments(rows, {1: "En", 2: "To"})


def test_compare_groups_marks_real_differences_only():
    comments, _ = _groups_frame(0.5, 0.2)
    cmp = compare_groups(comments, "Rolle", [(1, "En"), (2, "To")])
    row = cmp[(cmp["topic_id"] == 1) & (cmp["group"] == "A")].iloc[0]
    assert row["n"] == 200 and row["k"] == 100 and row["share"] == pytest.approx(0.5)
    assert row["rest_share"] == pytest.approx(0.2)
    assert row["ci_low"] < 0.5 < row["ci_high"]
    assert row["significant"] and row["diff"] > 0
    assert (cmp["p_adj"] >= cmp["p"] - 1e-12).all()
    same, _ = _groups_frame(0.3, 0.3)
    assert not compare_groups(same, "Rolle", [(1, "En"), (2, "To")])["significant"].any()


def test_compare_two_groups_counts_each_theme_once():
    rows = [{"text": f"a{i}", "topic_id": 1 if i < 30 else 2, "Rolle": "A"} for i in range(100)]
    rows += [{"text": f"b{i}", "topic_id": 1 if i < 10 else 2, "Rolle": "B"} for i in range(100)]
    comments, _ = make_comments(rows, {1: "En", 2: "To"})
    cmp = compare_groups(comments, "Rolle", [(1, "En"), (2, "To")])
    for _, g in cmp.groupby("topic_id"):
        assert g["p_adj"].nunique() == 1
    # two tests (one per theme), BH-adjusted
    raw = cmp.groupby("topic_id")["p"].first().to_numpy()
    assert np.allclose(cmp.groupby("topic_id")["p_adj"].first().to_numpy(), multipletests(raw, method="fdr_bh")[1])


def test_trend_across_rounds_detects_a_rising_theme():
    rows = []
    for year, share in (("2019", 0.1), ("2020", 0.25), ("2021", 0.4)):
        rows += [{"text": f"{year}-{i}", "topic_id": 1 if i < share * 200 else 2, "År": year} for i in range(200)]
    comments, _ = make_comments(rows, {1: "Stiger", 2: "Resten"})
    per_round, summary = trend_across_rounds(comments, "År", [(1, "Stiger"), (2, "Resten")])
    assert per_round[per_round["topic_id"] == 1]["share"].round(3).tolist() == [0.1, 0.25, 0.4]
    rising = summary.set_index("topic_id").loc[1]
    assert rising["first"] == "2019" and rising["last"] == "2021"
    assert rising["change"] == pytest.approx(0.3)
    assert rising["significant_trend"] and rising["significant_change"]
    assert looks_like_rounds(comments, "År")
    flat_rows = [{"text": f"{y}-{i}", "topic_id": 1 if i % 4 == 0 else 2, "År": y}
                 for y in ("2019", "2020", "2021") for i in range(200)]
    flat, _ = make_comments(flat_rows, {1: "Flat", 2: "Resten"})
    assert not trend_across_rounds(flat, "År", [(1, "Flat"), (2, "Resten")])[1]["significant_trend"].any()


# ------------------------------------------------------------------ edits


def _editable():
    rows = [
        {"text": "IMDi svarer raskt", "topic_id": 1},
        {"text": "IMDi er vanskelig å nå", "topic_id": 1},
        {"text": "Tilskuddet er for lavt", "topic_id": 2},
        {"text": "Tilskuddet er for lavt", "topic_id": 2},
        {"text": "Mer penger til norskopplæring", "topic_id": 3},
        {"text": "Norskprøven er vanskelig", "topic_id": 3},
        {"text": "Litt av hvert", "topic_id": -1},
        {"text": "nei", "topic_id": -2},
    ]
    comments, themes = make_comments(rows, {1: "IMDi", 2: "Tilskudd", 3: "Norsk"})
    comments["fitted_topic_id"] = comments["topic_id"]
    return comments, themes


def test_apply_edits_without_edits_is_identity():
    comments, themes = _editable()
    out = editing.apply_edits(comments, themes, Edits())
    assert out.comments["topic_id"].tolist() == comments["topic_id"].tolist()
    assert [t.label for t in out.themes] == ["IMDi", "Tilskudd", "Norsk"]
    assert out.theme_columns == [theme_column(t.id, t.label) for t in themes]


def test_rename_merge_move_and_undo():
    comments, themes = _editable()
    e0 = Edits()
    v0 = editing.apply_edits(comments, themes, e0)
    e1 = editing.rename(e0, v0, 2, "  Tilskudd og  økonomi ")
    v1 = editing.apply_edits(comments, themes, e1)
    assert v1.theme(2).label == "Tilskudd og økonomi"
    assert theme_column(2, "Tilskudd og økonomi") in v1.comments and theme_column(2, "Tilskudd") not in v1.comments
    assert set(v1.comments.loc[v1.comments["topic_id"] == 2, "topic_label"]) == {"Tilskudd og økonomi"}

    e2 = editing.merge(e1, v1, 3, 2)  # Norsk into Tilskudd og økonomi
    v2 = editing.apply_edits(comments, themes, e2)
    assert v2.theme(3) is None and v2.theme(2).size == 4
    assert v2.comments[theme_column(2, "Tilskudd og økonomi")].sum() == 4
    assert not any(c.startswith("tema 3:") for c in v2.comments.columns)
    assert set(v2.theme(2).quote_ids) == {"3", "4", "5", "6"}  # quotes of both themes (duplicates kept by id)
    assert v2.theme(2).keywords[:2] == ["tilskudd", "norsk"]

    e3, moved = editing.move(e2, v2, ["3"], 1)  # "Tilskuddet er for lavt" -> IMDi; its duplicate follows
    assert moved == 1 and e3.moves == {text_id("Tilskuddet er for lavt"): 1}
    v3 = editing.apply_edits(comments, themes, e3)
    assert v3.comments.loc[v3.comments["id"].isin(["3", "4"]), "topic_id"].tolist() == [1, 1]
    assert v3.theme(1).size == 4 and v3.theme(2).size == 2
    assert sum(t.size for t in v3.themes) + int((v3.comments["topic_id"] == -1).sum()) == 7

    e4, _ = editing.move(e3, v3, ["7"], 2)  # an outlier into a theme
    v4 = editing.apply_edits(comments, themes, e4)
    assert v4.comments.loc[v4.comments["id"] == "7", "topic_label"].item() == "Tilskudd og økonomi"
    # undo = the previous log; the fitted assignment is untouched
    assert editing.apply_edits(comments, themes, e2).comments["topic_id"].tolist() == v2.comments["topic_id"].tolist()
    assert comments["topic_id"].tolist() == [1, 1, 2, 2, 3, 3, -1, -2]
    # the log round-trips through JSON as saved in the model folder
    assert Edits.from_dict(e4.to_dict()) == e4
    lines = editing.describe(e4, {t.id: t.label for t in themes})
    assert any("Tilskudd og økonomi" in x for x in lines) and any("Flyttet" in x for x in lines)


def test_invalid_edits_are_refused_in_norwegian():
    comments, themes = _editable()
    v = editing.apply_edits(comments, themes, Edits())
    with pytest.raises(editing.EditError, match="Skriv inn"):
        editing.rename(Edits(), v, 1, "   ")
    with pytest.raises(editing.EditError, match="heter allerede"):
        editing.rename(Edits(), v, 1, "tilskudd")
    with pytest.raises(editing.EditError, match="reservert"):
        editing.rename(Edits(), v, 1, "Uten tema")
    with pytest.raises(editing.EditError, match="forskjellige"):
        editing.merge(Edits(), v, 1, 1)
    with pytest.raises(editing.EditError, match="Ikke svar"):
        editing.move(Edits(), v, ["8"], 1)
    with pytest.raises(editing.EditError, match="minst én"):
        editing.move(Edits(), v, [], 1)
    merged = editing.apply_edits(comments, themes, editing.merge(Edits(), v, 3, 2))
    with pytest.raises(editing.EditError, match="finnes ikke"):
        editing.merge(Edits(), merged, 3, 1)


# ------------------------------------------------------------------ messages


def _error_for(tmp_path, name: str, content: bytes, **kw) -> InputError:
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(InputError) as info:
        load_survey(path, kw.pop("text", "Svar"), **kw)
    return info.value


@pytest.mark.parametrize("name,content,kw,expected", [
    ("svar.docx", b"hei", {}, "Filtypen .docx støttes ikke"),
    ("svar.csv", b"", {}, "Filen er tom"),
    ("svar.csv", bytes(range(256)) * 20, {}, "ikke en tekstfil"),
    ("svar.xlsx", b"Svar\nhei\n", {}, "Excel-filen kan ikke leses"),
    ("svar.csv", b"Svar;Rolle\n", {}, "bare en overskriftsrad"),
    ("svar.csv", b"Tekst;Rolle\nhei;a\n", {}, "Fant ingen kolonne som heter «Svar»"),
    ("svar.csv", b"Svar;Rolle\n;a\n;b\n", {}, "ingen tekst i noen av de 2 radene"),
    ("svar.csv", b"ID;Svar\n1;a\n1;b\n", {"id_column": "ID"}, "samme ID flere ganger (rad 2, 3)"),
    ("svar.csv", b'Svar;Rolle\n"hei;a\nhallo;b\n', {}, "aldri lukkes"),
])
def test_engine_errors_get_norwegian_messages(tmp_path, name, content, kw, expected):
    msg = user_message(_error_for(tmp_path, name, content, **kw))
    assert expected in msg.text
    assert msg.detail  # the engine's own line is kept for the curious


def test_unknown_errors_get_a_norwegian_lead():
    msg = user_message(InputError("svar.csv: something new"))
    assert msg.text == "Filen kunne ikke brukes." and msg.detail == "svar.csv: something new"
    msg = user_message(RuntimeError("boom"))
    assert msg.text.startswith("Noe gikk galt") and "RuntimeError" in msg.detail


# ------------------------------------------------------------------ uploads


def test_guesses_on_the_sample_file():
    table = read_upload(SAMPLE.read_bytes(), SAMPLE.name)
    frame = table.frame
    assert guess_text_column(frame) == "Svar"
    assert guess_id_column(frame, exclude="Svar") == "Svar-ID"
    groups = guess_group_columns(frame, exclude=("Svar", "Svar-ID"))
    assert {"Rolle", "Fylke", "År", "Spørsmål"} <= set(groups)
    assert "Kommune" not in groups and "Kommunenr" not in groups


def test_read_upload_names_the_users_file():
    with pytest.raises(InputError, match=r"^mine svar\.csv: the file is empty"):
        read_upload(b"", "mine svar.csv")


def test_download_name_is_safe():
    assert download_name("../Kommune<2021>.xlsx", "temaer", ".png") == "Kommune_2021-temaer.png"


# ------------------------------------------------------------------ downloads and charts


def test_tagged_comments_and_workbooks(tmp_path):
    comments, themes = _editable()
    comments.loc[0, "text"] = "=HYPERLINK(\"http://x\")"
    comments["Rolle"] = ["A", "B"] * 4
    comments["fitted_topic_id"] = comments["topic_id"]
    edits = editing.rename(Edits(), editing.apply_edits(comments, themes, Edits()), 1, "Samarbeid med IMDi")
    edited = editing.apply_edits(comments, themes, edits)
    table = exports.tagged_comments(edited, ["Rolle"])
    theme_cols = [c for c in table.columns if c.startswith("tema ")]
    assert theme_cols == [theme_column(t.id, t.label) for t in edited.themes]
    assert table[theme_cols].isin([0, 1]).all().all()
    assert (table[theme_cols].sum(axis=1) == (table["Tema-ID"] >= 0).astype(int)).all()
    assert "tema 1: Samarbeid med IMDi" in theme_cols

    wb = openpyxl.load_workbook(io.BytesIO(exports.table_bytes(table, ".xlsx")))
    cell = wb.active.cell(row=2, column=2)
    assert cell.data_type == "s" and cell.value == "'=HYPERLINK(\"http://x\")"  # text, escaped: never a formula
    csv = exports.table_bytes(table, ".csv")
    assert csv.startswith(b"\xef\xbb\xbf") and "tema 1: Samarbeid med IMDi".encode() in csv

    book = openpyxl.load_workbook(io.BytesIO(summary_workbook(edited, ["Rolle"], ["Omdøpt: x"])))
    assert book.sheetnames[:4] == ["Oversikt", "Temaer", "Sitater", "Etter Rolle"]
    assert "Endringer" in book.sheetnames
    temaer = pd.DataFrame(book["Temaer"].values)
    assert "Samarbeid med IMDi" in temaer[1].tolist()


def test_comment_table_is_compact_and_readable():
    from nlp.ui.tables import comment_table

    comments, _ = _editable()
    comments["Rolle"] = ["A", "B"] * 4
    comments.loc[2, "text"] = "Ring [NAVN]"
    comments["redacted"] = comments["text"].str.contains(r"\[NAVN\]")
    table = comment_table(comments, ["Rolle"])
    assert list(table.columns) == ["Kommentar", "Tema", "Sentiment", "Rolle", "Merknad", "ID"]
    assert table["Merknad"].tolist() == ["", "", "anonymisert", "duplikat", "", "", "", "ikke svar"]
    assert table["Sentiment"].iloc[0] == "Nøytral"
    assert isinstance(table["Tema"].dtype, pd.CategoricalDtype) and isinstance(table["Rolle"].dtype, pd.CategoricalDtype)
    assert "Originaltekst" not in table and "Tema" not in comment_table(comments, [], show_theme=False)


def test_charts_escape_labels():
    comments, themes = _editable()
    fig = charts.theme_overview(comments, [(1, "<b>IMDi</b>"), (2, "Tilskudd"), (-1, "Uten tema")])
    assert "&lt;b&gt;IMDi&lt;/b&gt;" in fig.data[0].y
    assert fig.layout.separators == ", "
    cmp = compare_groups(comments.assign(Rolle=["A", "B"] * 4), "Rolle", [(1, "IMDi"), (2, "Tilskudd")])
    heat = charts.group_heatmap(cmp, [(1, "IMDi"), (2, "Tilskudd")], ["A", "B"], "Rolle")
    assert heat.data[0].z[0][0] == pytest.approx(25.0)  # A: 1 of 4 substantive comments
    bars = charts.group_bars(cmp[cmp["topic_id"] == 1], "IMDi", "Rolle")
    assert list(bars.data[0].y) == pytest.approx([25.0, 100 / 3])


# ------------------------------------------------------------------ the page's words (nlp.ui.page)


def test_theme_choices_names_and_order():
    from nlp.ui.page import theme_choices, theme_name, theme_order

    comments, themes = _editable()
    edited = editing.apply_edits(comments, themes, Edits())
    assert theme_choices(edited) == [1, 2, 3, -1]
    assert theme_order(edited) == [(1, "IMDi"), (2, "Tilskudd"), (3, "Norsk"), (-1, "Uten tema")]
    assert theme_name(edited, 2) == "Tilskudd (2)"
    assert theme_name(edited, 2, with_size=False) == "Tilskudd"
    assert theme_name(edited, -1) == "Uten tema (1)" and theme_name(edited, -1, with_size=False) == "Uten tema"
    assert theme_name(edited, 99) == "Uten tema"  # gone (merged away): the outlier label


def test_run_caption_stage_progress_and_clicked_theme():
    from nlp.ui.page import clicked_theme, run_caption, stage_progress

    caption = run_caption("runde.xlsx", "2024-03-05T12:00:00+00:00", 1234, 7)
    assert caption.startswith("runde.xlsx · 1\u00a0234 kommentarer · 7 temaer · analysert ")
    assert re.search(r"analysert \d\d\.0[35]\.2024$", caption)
    assert run_caption("x.csv", "", 3, 1) == "x.csv · 3 kommentarer · 1 temaer"
    assert stage_progress("Temaer", 120, 500) == (0.24, "Temaer: 120 av 500")
    assert stage_progress("Rensing", 0, 1) == (0.0, "Rensing: pågår")
    assert stage_progress("Rensing", 5, 0) == (1.0, "Rensing: ferdig")
    assert stage_progress("Sentiment", 9, 4) == (1.0, "Sentiment: ferdig")
    assert clicked_theme([{"customdata": [1, 2]}, {"customdata": ["a", 0.5, 7]}]) == 7
    assert clicked_theme([{}]) is None and clicked_theme([]) is None


def test_overview_table_shares_within_themes():
    from nlp.ui.page import overview_table

    comments, themes = _editable()
    comments["sentiment"] = ["positive", "negative", "negative", "negative", "neutral", "neutral", "mixed",
                             "neutral"]
    edited = editing.apply_edits(comments, themes, Edits())
    table = overview_table(edited.comments, edited)
    assert {"Tema", "Antall", "Andel", "Positiv", "Negativ", "Nøkkelord"} <= set(table.columns)
    assert not {"Tema-ID", "Nøytral", "Blandet", "95 % KI nedre"} & set(table.columns)
    imdi = table[table["Tema"] == "IMDi"].iloc[0]
    assert imdi["Positiv"] == 0.5 and imdi["Negativ"] == 0.5
    assert table[table["Tema"] == "Tilskudd"].iloc[0]["Negativ"] == 1.0


def test_zip_folder_puts_the_files_under_model(tmp_path):
    import zipfile

    (tmp_path / "sub").mkdir()
    (tmp_path / "a.json").write_text("{}")
    (tmp_path / "sub" / "b.bin").write_bytes(b"\0\1")
    with zipfile.ZipFile(io.BytesIO(exports.zip_folder(tmp_path))) as zf:
        assert zf.namelist() == ["model/a.json", "model/sub/b.bin"]
        assert zf.read("model/sub/b.bin") == b"\0\1"


def test_nlp_ui_never_imports_streamlit():
    ui = Path(__file__).resolve().parent.parent / "nlp" / "ui"
    for path in ui.glob("*.py"):
        assert not re.search(r"^\s*(import|from)\s+streamlit", path.read_text(encoding="utf-8"), re.M), path
