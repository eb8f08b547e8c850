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
    assert run_caption("x.csv", "", 3, 1, sentiment_model="sentiment_finetuned") == "x.csv · 3 kommentarer · 1 temaer"
    assert run_caption("x.csv", "", 3, 1, sentiment_model="sentiment") == \
        "x.csv · 3 kommentarer · 1 temaer · rask sentimentmodell"
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


# ------------------------------------------------------------------ wide exports and drivers (issue 18)

WIDE = SAMPLE.parent / "kommuneundersokelse_wide.csv"
WIDE_RATING = "Hvor nyttig er samarbeidet med IMDi? (1-5)"


def test_text_columns_guess_finds_the_open_questions_of_a_wide_export():
    from nlp.ui.uploads import guess_text_columns

    frame = read_upload(WIDE.read_bytes(), WIDE.name).frame
    questions = [c for c in frame.columns if c.startswith(("Har du", "Hva ", "Hvordan"))]
    assert len(questions) == 10
    assert guess_text_columns(frame) == questions  # file order; not the id, municipality, role or rating
    assert guess_id_column(frame, exclude=tuple(questions)) == "Respondent"
    # a long file: only the answers, not the question column (long, but a handful of distinct values)
    assert guess_text_columns(read_upload(SAMPLE.read_bytes(), SAMPLE.name).frame) == ["Svar"]
    small = pd.DataFrame({
        "ID": ["1", "2", "3", "4"],
        "Kommune": ["Oslo", "Bergen", "Oslo", "Moss"],
        "Tekst": ["Godt samarbeid med IMDi i år", "For lite penger til tiltak", "", "Vi mangler boliger nå"],
        "Annet": ["Ønsker mer veiledning om tilskudd", "Vet ikke", "Bra kurs for ansatte", ""],
        "Kode": ["a1 b2 c3", "a1 b2 c3", "a1 b2 c3", "a1 b2 c3"],  # words, but never distinct
        "Tall": ["12 34 56", "78 90 12", "34 56 78", "90 12 34"],  # distinct, but no letters
    })
    assert guess_text_columns(small) == ["Tekst", "Annet"]
    assert guess_text_columns(small, exclude=("Annet",)) == ["Tekst"]
    assert guess_text_columns(pd.DataFrame({"Svar": ["ja", "nei", "kanskje"]})) == []


def test_rating_guess_takes_numeric_scale_columns_named_as_ratings():
    from nlp.ui.uploads import guess_rating_column, rating_candidates

    frame = read_upload(WIDE.read_bytes(), WIDE.name).frame
    assert rating_candidates(frame) == [WIDE_RATING]  # not År (2019), Kommunenr (0101) or the respondent id
    assert guess_rating_column(frame) == WIDE_RATING
    assert guess_rating_column(frame, exclude=(WIDE_RATING,)) is None
    small = pd.DataFrame({
        "Antall": ["1", "2", "3", "2"],                     # numbers in range, but not named as a rating
        "Fornøyd totalt": ["4", "5", "vet ikke", "4,5"],      # one text among four: 75 % numbers, too few
        "Score 0-10": ["9", "10", "7", "0"],
        "Tilfredshet": ["2", "3", "", "1"],
        "Konstant (1-5)": ["3", "3", "3", "3"],              # one value: no rating
    })
    assert rating_candidates(small) == ["Antall", "Score 0-10", "Tilfredshet"]
    assert guess_rating_column(small) == "Score 0-10"
    assert guess_rating_column(small[["Antall"]]) is None
    assert rating_candidates(read_upload(SAMPLE.read_bytes(), SAMPLE.name).frame) == []


def test_run_settings_one_column_keeps_the_old_key_several_are_wide():
    from nlp.runs.app_runs import RunSettings, run_key

    old = RunSettings(text_column="Svar", id_column="ID", group_columns=("Rolle",))
    same = RunSettings(text_columns=("Svar",), id_column="ID", group_columns=["Rolle"])
    assert same == old and not same.wide and same.texts == "Svar"
    assert old.to_dict() == {"text_column": "Svar", "id_column": "ID", "group_columns": ["Rolle"], "sheet": None,
                             "codebook_yaml": None, "seed": 42}  # the fields runs were keyed on before
    assert run_key(b"x", "a.csv", same) == run_key(b"x", "a.csv", old)
    wide = RunSettings(text_columns=("A?", "B", "A?"), id_column="R", rating_column="Nytte (1-5)")
    assert wide.wide and wide.texts == ["A?", "B"] and wide.text_column == ""
    assert wide.to_dict()["text_columns"] == ["A?", "B"] and wide.to_dict()["rating_column"] == "Nytte (1-5)"
    assert run_key(b"x", "a.csv", wide) != run_key(b"x", "a.csv", RunSettings(text_columns=("A?", "B"), id_column="R"))
    # themes per question and the rating's scale: recorded when set, new runs
    per_q = RunSettings(text_columns=("A?", "B"), id_column="R", rating_column="Nytte (1-5)", per_question=True,
                        rating_scale=[1, 5])
    assert per_q.to_dict()["per_question"] is True and per_q.to_dict()["rating_scale"] == [1.0, 5.0]
    assert run_key(b"x", "a.csv", per_q) != run_key(b"x", "a.csv", wide)
    assert "per_question" not in wide.to_dict() and "rating_scale" not in wide.to_dict()
    assert not RunSettings(text_columns=("A?",), per_question=True).per_question  # one question: nothing to split
    with pytest.raises(ValueError):
        RunSettings()


def test_scale_choice_follows_the_rating_columns_name():
    from nlp.report.rating_drivers import SCALES
    from nlp.ui.uploads import SCALE_CHOICES, guess_scale_choice

    assert [v for v in SCALE_CHOICES.values() if v] == list(SCALES)  # the scales drivers know, nothing else
    assert guess_scale_choice("Hvor nyttig er samarbeidet? (1-5)") == "1–5"
    assert guess_scale_choice("NPS 0 – 10") == "0–10"
    assert guess_scale_choice("Skala 1-10") == guess_scale_choice("Vurdering") == "Gjett ut fra verdiene"


def test_question_column_reads_as_sporsmal_and_wide_runs_count_respondents():
    from nlp.ui.page import group_label, group_labels, run_caption, tag_command, wide_counts
    from nlp.ui.tables import comment_table

    assert group_labels(["Rolle", "question"]) == {"Rolle": "Rolle", "question": "Spørsmål"}
    assert group_labels(["Spørsmål", "question"])["question"] == "Spørsmål (åpent)"
    assert group_label("question") == "Spørsmål" and group_label("År") == "År"
    comments, _ = make_comments([{"text": "Bra", "topic_id": 1}], {1: "IMDi"})
    comments["question"] = "Har du kommentarer til samarbeidet med IMDi?"
    comments["Rolle"] = "Rektor"
    table = comment_table(comments, ["Rolle", "question"])
    assert table["Spørsmål"].tolist() == ["Har du kommentarer til samarbeidet med IMDi?"]  # full text
    meta = {"input": {"rows": 1741, "questions": ["A?", "B"], "respondents": 787, "blank_answers": 6129,
                      "text_column": "A?, B", "id_column": "Respondent"}}
    assert wide_counts(meta) == (787, 1741, 6129) and wide_counts({"input": {"rows": 3}}) is None
    assert run_caption("w.csv", "", 1741, 9, wide_counts(meta)) == \
        "w.csv · 787 respondenter · 1\u00a0741 svar · 6\u00a0129 tomme svarfelt · 9 temaer"
    assert tag_command(meta, "/r/model") == \
        'fritekst tag NY_RUNDE.xlsx --text-columns "A?" "B" --id-column "Respondent" --model "/r/model"'
    assert tag_command({"input": {"text_column": 'Svar "x" $y'}}, "m") == \
        'fritekst tag NY_RUNDE.xlsx --text-column "Svar \\"x\\" \\$y" --model "m"'


def _wide_edited():
    """Eight respondents, two questions; theme 1 (Tilskudd) goes with low ratings, theme 2 with high."""
    rows, ratings = [], {}
    for r in range(8):
        rid = f"R{r}"
        low = r < 4
        rows.append({"id": f"{rid}-1", "respondent": rid, "question": "Q1", "text": f"tilskudd {r}",
                     "topic_id": 1 if low else 2})
        rows.append({"id": f"{rid}-2", "respondent": rid, "question": "Q2", "text": f"annet {r}",
                     "topic_id": -1})
        ratings[rid] = str([1, 2, 2, 1, 5, 4, 5, 4][r])
    ratings["R8"] = "vet ikke"  # a respondent without answers and a rating in text
    comments, themes = make_comments(rows, {1: "Tilskudd", 2: "Veiledning"})
    frame = pd.DataFrame({"rating": list(ratings.values()), "row": range(2, len(ratings) + 2)},
                         index=pd.Index(list(ratings), name="respondent"))
    meta = {"input": {"questions": ["Q1", "Q2"]},
            "rating": {"column": "Nytte (1-5)", "scale": [1.0, 5.0], "scale_inferred": True}}
    return editing.apply_edits(comments, themes, Edits()), frame, meta


def test_drivers_follow_the_edits_and_explain_themselves(tmp_path):
    from nlp.ui import drivers

    edited, ratings, meta = _wide_edited()
    table, check = drivers.edited_drivers(edited, ratings, meta)
    assert table["topic_id"].tolist()[:2] in ([1, 2], [2, 1])
    first = table.set_index("topic_id")
    assert first.loc[1, "impact"] < 0 < first.loc[2, "impact"] and first.loc[1, "n"] == 4
    assert check.text_rows == (10,) and check.valid == 8
    note = drivers.rating_note(check)
    assert note.startswith("Vurderingskolonnen «Nytte (1-5)» (skala 1–5, anslått ut fra verdiene): 1 av 9 ")
    assert "tekst i rad 10" in note
    assert "hadde gitt samme vurdering som de andre" in drivers.impact_explanation(check)
    shown = drivers.drivers_table(table)
    assert list(shown.columns)[:2] == ["Tema", "Respondenter"] and shown["Tema"].tolist()[0] in ("Tilskudd", "Veiledning")
    line = drivers.driver_summary(first.loc[1].to_dict() | {"label": "Tilskudd"})
    assert "4 respondenter" in line and "lavere enn de andre" in line and "poeng høyere" in line

    # merge "Veiledning" into "Tilskudd": one theme left, every rated respondent mentions it
    merged = editing.apply_edits(edited.comments, edited.themes, editing.merge(Edits(), edited, 2, 1))
    after, _ = drivers.edited_drivers(merged, ratings, meta)
    assert after["topic_id"].tolist() == [1] and after.loc[0, "n"] == 8 and pd.isna(after.loc[0, "impact"])
    assert "(8 nevner temaet, 0 gjør det ikke" in drivers.driver_summary(after.loc[0])

    quotes = drivers.theme_quotes(edited, 1, ratings, meta)
    assert quotes["id"].tolist()[:2] == ["R0-1", "R1-1"]  # the theme's quotes first
    assert quotes[drivers.RATING].tolist() == ["1", "2", "2", "1"]

    fig = charts.drivers_chart(table.assign(label=["<b>x</b>", "y"]))
    bar = fig.data[0]
    assert "&lt;b&gt;x&lt;/b&gt;" in bar.y[0] and bar.error_x.array is not None
    assert len(bar.y) == 2 and bar.orientation == "h"

    # the stored ratings are read back with text ids
    (tmp_path / "model").mkdir()
    ratings.reset_index().to_parquet(tmp_path / "respondents.parquet")
    assert not drivers.has_rating({}, tmp_path) and drivers.has_rating(meta, tmp_path)
    assert drivers.read_ratings(tmp_path).equals(ratings)
    assert drivers.respondent_column(meta) == "respondent" and drivers.respondent_column({}) == "id"
    assert drivers.rating_scale(meta) is None
    assert drivers.rating_scale({"rating": {"scale": [0, 10], "scale_inferred": False}}) == (0.0, 10.0)


def test_sav_download_follows_the_edits():
    pyreadstat = pytest.importorskip("pyreadstat")
    edited, _, _ = _wide_edited()
    renamed = editing.apply_edits(edited.comments, edited.themes, editing.rename(Edits(), edited, 1, "Penger"))
    data = exports.sav_bytes(renamed)
    import tempfile

    with tempfile.NamedTemporaryFile(suffix=".sav") as f:
        f.write(data)
        f.flush()
        frame, meta = pyreadstat.read_sav(f.name)
    assert len(frame) == len(renamed.comments)
    assert "Penger" in meta.column_names_to_labels.values()
    assert not any("fitted" in c for c in frame.columns)
    table = exports.tagged_comments(renamed, ["question"])
    assert list(table.columns[:2]) == ["ID", "Respondent"] and "Spørsmål" in table
    assert table["Respondent"].tolist()[:2] == ["R0", "R0"]


@pytest.mark.parametrize("detail,expected", [
    ("rating column 'Nytte' has no numeric values (3 text, 0 blank)", "Vurderingskolonnen «Nytte» har ingen tall"),
    ("rating column 'Nytte': values from 12 to 90 fit none of the scales 1-5, 1-7, 0-10; give the scale",
     "går fra 12 til 90"),
    ("w.csv: columns 'A', 'B' have no text in any of their 4 rows", "Ingen av kolonnene 'A', 'B' har tekst"),
    ("w.csv: column 'Rolle' is both a text column and a group column", "både som svarkolonne og som gruppekolonne"),
])
def test_wide_and_rating_errors_get_norwegian_messages(detail, expected):
    assert expected in user_message(InputError(detail)).text
