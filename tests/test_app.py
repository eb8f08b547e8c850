"""The Streamlit app through Streamlit's AppTest: every view, the upload errors, saved runs and
the editing flows (rename, merge, move, undo), on the real sample run."""

from __future__ import annotations

import io
import json
import re
import shutil
import uuid
from pathlib import Path

import pandas as pd
import pytest

from app_support import (  # noqa: F401 - fixtures
    APP, WIDE_FILE, WIDE_GROUPS, WIDE_RATING, WIDE_TEXTS, copy_into_runs, copy_run, sample_run, wide_run,
)
from conftest import SAMPLE, SAMPLE_PERSONAL_DATA
from nlp.report.workbook import MULTI_CODE_NOTE
from nlp.themes.edits import Edits, text_id
from nlp.ui.filters import filter_comments
from nlp.runs.app_runs import list_runs, runs_dir
from nlp.runs.store import load_run
from nlp.ui.text import fmt_int

pytestmark = pytest.mark.slow

TIMEOUT = 180


@pytest.fixture()
def app(sample_run):  # noqa: F811
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(APP), default_timeout=TIMEOUT)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def _view(at, name: str):
    at.session_state["view"] = name
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def _metric(at, label: str) -> str:
    return next(m.value for m in at.metric if m.label == label)


def _caption_count(at, prefix: str = "Viser ") -> tuple[int, int]:
    text = next(c.value for c in at.caption if c.value.startswith(prefix))
    shown, total = re.match(r"Viser ([\d\u00a0]+) av ([\d\u00a0]+)", text).groups()
    return int(shown.replace("\u00a0", "")), int(total.replace("\u00a0", ""))


def _w(widgets, base: str):
    """A widget by key; widgets that show theme names have versioned keys (`base@version`)."""
    return next(w for w in widgets if w.key == base or (w.key or "").split("@")[0] == base)


def _run(at):
    """The run the app is showing (the sample run, or one it was asked to open)."""
    return load_run(at.session_state["run_folder"])


def _no_errors(at):
    assert not at.exception, [e.value for e in at.exception]
    assert not at.error, [e.value for e in at.error]


# ------------------------------------------------------------------ views


def test_start_opens_the_sample_with_the_overview(app, sample_run):  # noqa: F811
    run = _run(app)
    assert run.folder == sample_run
    _no_errors(app)
    assert app.title[0].value == "Åpne svar"
    assert _metric(app, "Kommentarer") == fmt_int(len(run.comments)) == "1\u00a0741"
    assert _metric(app, "Ikke svar") == fmt_int(run.comments["is_nonanswer"].sum())
    assert _metric(app, "Duplikater") == fmt_int(run.comments["is_duplicate"].sum())
    assert _metric(app, "Temaer") == str(len(run.themes))
    assert len(app.get("plotly_chart")) == 1
    table = app.dataframe[0].value
    assert table["Tema"].tolist()[:-1] == [t.label for t in run.themes]
    assert table["Antall"].tolist()[:-1] == [t.size for t in run.themes]
    assert any("anonymisert" in c.value for c in app.caption)


def test_theme_view_shows_label_keywords_quotes_and_comments(app, sample_run):  # noqa: F811
    run = _run(app)
    _view(app, "Tema")
    _no_errors(app)
    theme = run.themes[0]  # the largest theme is selected first
    assert app.subheader[0].value.replace("\\", "") == theme.label
    assert any(c.value.startswith("Nøkkelord:") for c in app.caption)
    by_id = run.comments.set_index("id")
    quotes = [by_id.loc[q, "text"] for q in theme.quote_ids]
    assert quotes and [t.value for t in app.text] == quotes  # comment text only through st.text
    markdown = " ".join(m.value for m in app.markdown)
    assert not any(q in markdown for q in quotes)
    assert _caption_count(app) == (theme.size, theme.size)
    assert len(app.dataframe[0].value) == theme.size

    app.text_input(key="theme_search").input("kommune").run()
    members = run.comments[run.comments["topic_id"] == theme.id]
    assert _caption_count(app)[0] == len(filter_comments(members, search="kommune"))
    app.multiselect(key="theme_sent_filter").set_value(["negative"]).run()
    assert _caption_count(app)[0] == len(filter_comments(members, search="kommune", sentiments=["negative"]))

    second = run.themes[1]
    _w(app.selectbox, "theme_pick").set_value(second.id).run()
    assert app.subheader[0].value.replace("\\", "") == second.label


def test_sidebar_group_filter_applies_to_the_views(app, sample_run):  # noqa: F811
    run = _run(app)
    app.multiselect(key="flt_Rolle").set_value(["Rektor"]).run()
    _no_errors(app)
    n = int((run.comments["Rolle"] == "Rektor").sum())
    assert _metric(app, "Kommentarer") == fmt_int(n)
    _view(app, "Kommentarer")
    shown, total = _caption_count(app)
    assert total == n
    app.button(key="clear_filters").click().run()
    assert _caption_count(app)[1] == len(run.comments)


def test_compare_view_groups_and_rounds(app, sample_run):  # noqa: F811
    run = _run(app)
    _view(app, "Sammenlign")
    _no_errors(app)
    assert app.selectbox(key="cmp_column").value == "Rolle"
    assert len(app.get("plotly_chart")) == 2  # heatmap, one theme with intervals
    app.selectbox(key="cmp_column").set_value("Fylke").run()
    _no_errors(app)
    _w(app.selectbox, "cmp_theme").set_value(run.themes[2].id).run()
    _no_errors(app)
    app.radio(key="cmp_mode").set_value("Over tid").run()
    _no_errors(app)
    assert len(app.get("plotly_chart")) == 1
    trend = app.dataframe[-1].value
    assert {"2019", "2020", "2021"} <= set(trend.columns)
    assert trend["Tema"].tolist()[:-1] == [t.label for t in run.themes]
    assert any("Benjamini" in c.value for c in app.caption)


def test_comments_view_search_and_filters(app, sample_run):  # noqa: F811
    run = _run(app)
    _view(app, "Kommentarer")
    substantive = int((~run.comments["is_nonanswer"]).sum())
    assert _caption_count(app) == (substantive, len(run.comments))
    app.text_input(key="all_search").input('"samarbeidet med"').run()
    want = filter_comments(run.comments, search='"samarbeidet med"', include_nonanswers=False)
    assert _caption_count(app)[0] == len(want) > 0
    assert app.dataframe[0].value["ID"].tolist() == want["id"].tolist()
    app.text_input(key="all_search").input("").run()
    app.toggle(key="all_na").set_value(True).run()
    assert _caption_count(app)[0] == len(run.comments)
    _w(app.multiselect, "all_topics").set_value([-2]).run()
    assert _caption_count(app)[0] == int(run.comments["is_nonanswer"].sum())


def test_downloads_view_offers_every_file(app):
    _view(app, "Last ned")
    _no_errors(app)
    labels = [b.proto.label for b in app.get("download_button")]
    assert labels == ["Excel (XLSX)", "CSV", "SPSS (SAV)", "Excel (XLSX)", "Modellmappen (ZIP)"]
    assert "fritekst tag" in app.code[0].value


# ------------------------------------------------------------------ uploads


def _upload(app, name: str, data: bytes):
    app.radio(key="source").set_value("Last opp fil").run()
    app.file_uploader(key="upload").set_value((name, data, "application/octet-stream")).run()
    return app


@pytest.mark.parametrize("name,data,expected", [
    ("svar.docx", b"PK\x03\x04 not really", "Filtypen .docx støttes ikke"),
    ("svar.csv", b"   \n", "Filen er tom"),
    ("svar.csv", bytes(range(256)) * 40, "ikke en tekstfil"),
    ("svar.xlsx", "Svar;Rolle\nhei;a\n".encode(), "Excel-filen kan ikke leses"),
    ("svar.parquet", b"PAR1 broken", "Parquet-filen kan ikke leses"),
    ("svar.csv", b"Svar;Rolle\n", "bare en overskriftsrad"),
    ("svar.csv", b'Svar;Rolle\n"hei;a\nhallo;b\n', "Rad 2 åpner et anførselstegn"),
])
def test_wrong_files_give_norwegian_messages(app, name, data, expected):
    _upload(app, name, data)
    assert not app.exception
    errors = " ".join(e.value for e in app.error)
    assert expected in errors.replace("\\", "")
    assert not any(b.key == "run_upload" for b in app.button)  # nothing to analyse


def test_bad_column_choices_are_explained_before_any_analysis(app):
    _upload(app, "svar.csv", "ID;Svar;Rolle\n1;Godt samarbeid;a\n1;For lite penger;b\n2;;a\n".encode())
    assert not app.error
    app.selectbox(key="up_id").set_value("ID").run()
    app.button(key="run_upload").click().run()
    assert not app.exception
    errors = " ".join(e.value for e in app.error).replace("\\", "")
    assert "samme ID flere ganger (rad 2, 3)" in errors


def test_upload_xlsx_analyse_and_reuse(app, sample_run, tmp_path):  # noqa: F811
    """A real upload: every 4th sample row (436) as XLSX, analysed with a progress bar per stage, then reused."""
    from nlp.io import read_table

    frame = read_table(__import__("nlp.runs.app_runs", fromlist=["SAMPLE_FILE"]).SAMPLE_FILE).iloc[::4]
    buf = io.BytesIO()
    frame.to_excel(buf, index=False)
    data = buf.getvalue()
    _upload(app, "runde.xlsx", data)
    assert not app.error
    assert app.multiselect(key="up_texts").value == ["Svar"]  # one column: the long layout, as before
    assert app.selectbox(key="up_rating").value == "(ingen)"
    assert app.selectbox(key="up_id").value == "Svar-ID"
    assert {"Rolle", "År"} <= set(app.multiselect(key="up_groups").value)
    app.button(key="run_upload").click().run()
    _no_errors(app)
    assert _metric(app, "Kommentarer") == "436"
    assert app.session_state["run_is_sample"] is False
    first = app.session_state["run_folder"]
    assert "runde.xlsx" in app.caption[0].value.replace("\\", "")
    app.button(key="run_upload").click().run()  # same file, same settings: the stored run, no recomputing
    assert app.session_state["run_folder"] == first
    assert not app.get("progress")


def test_uploads_over_the_row_and_size_caps_are_refused(app, monkeypatch):
    monkeypatch.setenv("FRITEKST_MAX_UPLOAD_ROWS", "3")
    _upload(app, "svar.csv", "Svar\nGodt samarbeid\nFor lite penger\nMangler boliger\nBra kurs\n".encode())
    assert not app.exception
    errors = " ".join(e.value for e in app.error).replace("\\", "")
    assert "Filen har for mange rader: 4. Grensen er 3." in errors
    assert not any(b.key == "run_upload" for b in app.button)  # nothing to analyse
    monkeypatch.setenv("FRITEKST_MAX_UPLOAD_ROWS", "200000")
    monkeypatch.setenv("FRITEKST_MAX_UPLOAD_MB", "1")
    _upload(app, "stor.csv", ("Svar\n" + "Samarbeidet med IMDi fungerer godt for oss.\n" * 40_000).encode())
    errors = " ".join(e.value for e in app.error).replace("\\", "")
    assert "Filen er for stor: 1,7 MB. Grensen er 1 MB." in errors
    assert not any(b.key == "run_upload" for b in app.button)


def test_too_few_comments_is_a_clear_message(app):
    _upload(app, "svar.csv", "Svar\nvet ikke\nnei\n-\nBra\n".encode())
    app.button(key="run_upload").click().run()
    assert not app.exception
    errors = " ".join(e.value for e in app.error).replace("\\", "")
    assert "minst 3 trengs for å finne temaer" in errors


# ------------------------------------------------------------------ saved runs and editing


def _open(app, folder) -> None:
    """Open a run from the runs folder through the picker (there is no free path input)."""
    app.radio(key="source").set_value("Åpne lagret kjøring").run()
    app.selectbox(key="open_pick").set_value(folder.name).run()
    app.button(key="open_run").click().run()


def test_run_picker_lists_only_runs_in_the_runs_folder(app, sample_run, tmp_path):  # noqa: F811
    root = runs_dir()
    inside = copy_into_runs(sample_run, f"kopi-{tmp_path.name}")
    outside = copy_run(sample_run, tmp_path / "utenfor")
    tag = uuid.uuid4().hex[:8]
    (root / f"lenke-{tag}").symlink_to(outside, target_is_directory=True)
    (root / f"tom-{tag}").mkdir()
    app.radio(key="source").set_value("Åpne lagret kjøring").run()
    assert not any(t.key == "open_path" for t in app.text_input)  # no free path to type
    options = app.selectbox(key="open_pick").options
    names = {r.name for r in list_runs()}
    assert inside.name in names and sample_run.name in names
    assert not any(n.startswith(("lenke-", "tom-")) for n in names)
    assert len(options) == len(names) and not any("utenfor" in o for o in options)
    _open(app, inside)
    _no_errors(app)
    assert app.session_state["run_folder"] == str(inside)
    # a run deleted after the list was made is a clear message, not a crash
    gone = copy_into_runs(sample_run, f"borte-{tmp_path.name}")
    app.run()
    app.selectbox(key="open_pick").set_value(gone.name).run()
    shutil.rmtree(gone)
    app.button(key="open_run").click().run()
    assert not app.exception
    assert "Fant ikke kjøringen" in " ".join(e.value for e in app.error)
    assert app.session_state["run_folder"] == str(inside)


def _edits_on_disk(folder) -> Edits:
    return Edits.from_dict(json.loads((folder / "model" / "edits.json").read_text(encoding="utf-8")))


def test_rename_merge_move_undo_and_tag(app, sample_run, tmp_path):  # noqa: F811
    folder = copy_into_runs(sample_run, f"kopi-{tmp_path.name}")
    _open(app, folder)
    _no_errors(app)
    assert app.session_state["run_folder"] == str(folder)
    run = load_run(folder)
    big, second, third = run.themes[0], run.themes[1], run.themes[2]

    # rename
    _view(app, "Tema")
    app.text_input(key=f"rename_{big.id}").input("Kontakt med IMDi <b>[x](y)</b>").run()
    app.button(key=f"rename_btn_{big.id}").click().run()
    _no_errors(app)
    assert _edits_on_disk(folder).renames == {big.id: "Kontakt med IMDi <b>[x](y)</b>"}
    assert app.subheader[0].value == "Kontakt med IMDi \\<b\\>\\[x\\]\\(y\\)\\<\\/b\\>"  # escaped markdown
    _view(app, "Oversikt")
    assert "Kontakt med IMDi <b>[x](y)</b>" in app.dataframe[0].value["Tema"].tolist()

    # merge the third theme into the second
    _view(app, "Tema")
    _w(app.selectbox, "theme_pick").set_value(third.id).run()
    _w(app.selectbox, f"merge_{third.id}").set_value(second.id).run()
    app.button(key=f"merge_btn_{third.id}").click().run()
    _no_errors(app)
    assert _edits_on_disk(folder).merges == {third.id: second.id}
    assert _w(app.selectbox, "theme_pick").value == second.id
    assert not any(o.startswith(third.label + " (") for o in _w(app.selectbox, "theme_pick").options)
    _view(app, "Oversikt")
    assert _metric(app, "Temaer") == str(len(run.themes) - 1)
    sizes = dict(zip(app.dataframe[0].value["Tema"], app.dataframe[0].value["Antall"]))
    assert sizes[second.label] == second.size + third.size

    # move one comment of the biggest theme to "Uten tema"
    _view(app, "Kommentarer")
    members = run.comments[(run.comments["topic_id"] == big.id) & ~run.comments["is_duplicate"]]
    text = members["text"].iloc[0]
    moving = run.comments.loc[run.comments["text"] == text, "id"].tolist()
    app.multiselect(key="move_tbl_all").set_value([moving[0]]).run()
    _w(app.selectbox, "move_target_tbl_all").set_value(-1).run()
    app.button(key="move_btn_tbl_all").click().run()
    _no_errors(app)
    assert len(_edits_on_disk(folder).moves) == 1
    table = app.dataframe[0].value.set_index("ID")
    assert set(table.loc[moving, "Tema"]) == {"Uten tema"}

    # the edits show in the downloads (tagged comments with 0/1 columns)
    from nlp.ui import editing, exports

    edited = editing.apply_edits(run.comments, run.themes, _edits_on_disk(folder))
    tagged = exports.tagged_comments(edited, run.group_columns)
    assert f"tema {big.id}: Kontakt med IMDi <b>[x](y)</b>" in tagged.columns
    assert not any(c.startswith(f"tema {third.id}:") for c in tagged.columns)

    # undo three times: back to the fitted themes, on disk too
    for _ in range(3):
        app.button(key="undo").click().run()
    _no_errors(app)
    assert _edits_on_disk(folder) == Edits()
    assert app.button(key="undo").disabled

    # a later `fritekst tag` with this model replays the saved edits
    _view(app, "Tema")
    _w(app.selectbox, "theme_pick").set_value(third.id).run()
    _w(app.selectbox, f"merge_{third.id}").set_value(second.id).run()
    app.button(key=f"merge_btn_{third.id}").click().run()
    app.text_input(key=f"rename_{second.id}").input("Sammenslått tema").run()
    app.button(key=f"rename_btn_{second.id}").click().run()
    _no_errors(app)
    from nlp.analyze import tag
    from nlp.io import load_survey
    from nlp.runs.model_store import load_model
    from nlp.runs.app_runs import SAMPLE_FILE

    survey = load_survey(SAMPLE_FILE, "Svar", "Svar-ID", ["Rolle"])
    tagged = tag(survey, load_model(folder / "model")).comments
    assert "Sammenslått tema" in set(tagged["topic_label"])
    assert third.id not in set(tagged["topic_id"])
    app_view = editing.apply_edits(run.comments, run.themes, _edits_on_disk(folder)).comments
    assert (tagged["topic_id"].to_numpy() == app_view["topic_id"].to_numpy()).mean() > 0.99


def test_add_and_remove_a_code_count_in_both_themes_and_undo(app, sample_run, tmp_path):  # noqa: F811
    """Issue 17: a comment given a second theme counts in both (the overview says shares add up to
    more than 100 %), removing its first theme makes the second primary, and both are undoable."""
    folder = copy_into_runs(sample_run, f"koder-{tmp_path.name}")
    _open(app, folder)
    run = load_run(folder)
    big, second = run.themes[0], run.themes[1]
    c = run.comments
    text = c.loc[(c["topic_id"] == big.id) & ~c["is_duplicate"], "text"].iloc[0]
    rows = c.index[c["text"] == text]
    ids = c.loc[rows, "id"].tolist()

    _view(app, "Kommentarer")
    app.multiselect(key="move_tbl_all").set_value([ids[0]]).run()
    _w(app.selectbox, "move_target_tbl_all").set_value(second.id).run()
    app.button(key="add_btn_tbl_all").click().run()
    _no_errors(app)
    assert _edits_on_disk(folder).added == {text_id(text): [second.id]}
    table = app.dataframe[0].value.set_index("ID")
    assert set(table.loc[ids, "Tema"]) == {big.label} and set(table.loc[ids, "Andre temaer"]) == {second.label}
    assert any(f"«{second.label}» på" in c.value for c in app.sidebar.caption)  # listed with the edits
    _view(app, "Oversikt")
    sizes = dict(zip(app.dataframe[0].value["Tema"], app.dataframe[0].value["Antall"]))
    assert sizes[big.label] == big.size and sizes[second.label] == second.size + len(ids)
    assert any(MULTI_CODE_NOTE in c.value for c in app.caption)
    _view(app, "Tema")
    _w(app.selectbox, "theme_pick").set_value(second.id).run()
    assert _metric(app, "Kommentarer") == fmt_int(second.size + len(ids))

    # remove the first theme: the added one becomes the comment's theme
    _view(app, "Kommentarer")
    app.multiselect(key="move_tbl_all").set_value([ids[0]]).run()
    _w(app.selectbox, "move_target_tbl_all").set_value(big.id).run()
    app.button(key="remove_btn_tbl_all").click().run()
    _no_errors(app)
    assert _edits_on_disk(folder).removed == {text_id(text): [big.id]}
    table = app.dataframe[0].value.set_index("ID")
    assert set(table.loc[ids, "Tema"]) == {second.label} and set(table.loc[ids, "Andre temaer"]) == {""}

    app.button(key="undo").click().run()
    app.button(key="undo").click().run()
    _no_errors(app)
    assert _edits_on_disk(folder) == Edits()
    _view(app, "Oversikt")
    assert not any(MULTI_CODE_NOTE in c.value for c in app.caption)

    # a move teaches the model ("Lær av rettingene"): `fritekst tag` then gives the comment the new theme
    _view(app, "Kommentarer")
    app.multiselect(key="move_tbl_all").set_value([ids[0]]).run()
    _w(app.selectbox, "move_target_tbl_all").set_value(second.id).run()
    app.button(key="move_btn_tbl_all").click().run()
    app.button(key="learn").click().run()
    _no_errors(app)
    assert any("har lært av 1" in s.value for s in app.sidebar.success)
    from nlp.embed.encoders import EmbeddingCache, embed, get_encoder
    from nlp.runs.model_store import load_model

    model = load_model(folder / "model").model
    assert len(model.corrections_) == 1
    assert model.transform(embed([text], get_encoder(), EmbeddingCache.default()))[0][0] == second.id


def test_comment_text_with_html_and_markdown_stays_text(app, sample_run, tmp_path):  # noqa: F811
    """A respondent's HTML or markdown is shown literally: st.text for quotes, escaped captions."""
    folder = copy_into_runs(sample_run, f"kopi-{tmp_path.name}")
    run = load_run(folder)
    hostile = "<script>alert('x')</script> [klikk](javascript:alert(1)) ![bilde](http://example.invalid/a.png) **fet**"
    quote = run.themes[0].quote_ids[0]
    comments = pd.read_parquet(folder / "comments.parquet")
    comments.loc[comments["id"] == quote, "text"] = hostile
    comments.loc[comments["id"] == quote, "Rolle"] = "<img src=x onerror=alert(1)>"
    comments.to_parquet(folder / "comments.parquet", index=False)
    _open(app, folder)
    _view(app, "Tema")
    _no_errors(app)
    assert hostile in [t.value for t in app.text]
    everything = " ".join(m.value for m in list(app.markdown) + list(app.caption) + list(app.subheader))
    assert not re.search(r"(?<!\\)[<\[\]()!]", everything.replace("\\\\", ""))  # all escaped
    assert "\\<img src\\=x onerror\\=alert\\(1\\)\\>" in everything


def test_runs_with_original_text_say_so_and_show_it_only_on_request(app, sample_run, tmp_path):  # noqa: F811
    folder = copy_into_runs(sample_run, f"kopi-{tmp_path.name}")
    comments = pd.read_parquet(folder / "comments.parquet")
    comments.insert(1, "original_text", "ORIGINAL " + comments["text"])
    comments.to_parquet(folder / "comments.parquet", index=False)
    _open(app, folder)
    _view(app, "Tema")
    assert any("originaltekstene" in w.value for w in app.warning)
    quotes = [t.value for t in app.text]
    assert quotes and not any(q.startswith("ORIGINAL ") for q in quotes)
    assert any("anonymisert" in c.value for c in app.caption)
    app.toggle(key="show_original").set_value(True).run()
    assert all(t.value.startswith("ORIGINAL ") for t in app.text)
    assert not any(c.value.startswith("Tekstene er anonymisert") for c in app.caption)
    assert "Originaltekst" in app.dataframe[0].value.columns


# ------------------------------------------------------------------ personal data


def _shown_text(at) -> list[str]:
    """Everything a user can read on the page: text elements, tables, charts and choices."""
    out = [e.value for kind in ("title", "subheader", "markdown", "caption", "text", "code", "warning", "info")
           for e in getattr(at, kind)]
    out += [f"{m.label} {m.value}" for m in at.metric]
    out += [d.value.to_csv() for d in at.dataframe]
    out += [c.proto.spec for c in at.get("plotly_chart")]
    out += [" ".join(map(str, w.options)) for kind in ("selectbox", "multiselect", "radio") for w in getattr(at, kind)]
    return out


def test_no_personal_data_from_the_sample_in_any_view_or_download(app, sample_run):  # noqa: F811
    from nlp.report.workbook import summary_workbook
    from nlp.ui import exports
    from nlp.ui.editing import apply_edits

    run = _run(app)
    shown = _shown_text(app)
    for theme in run.themes:
        _view(app, "Tema")
        _w(app.selectbox, "theme_pick").set_value(theme.id).run()
        shown += _shown_text(app)
    _view(app, "Sammenlign")
    shown += _shown_text(app)
    _view(app, "Kommentarer")
    app.toggle(key="all_na").set_value(True).run()
    comments_table = app.dataframe[0].value
    assert len(comments_table) == len(run.comments)  # every comment is on the page
    shown += _shown_text(app)
    _view(app, "Last ned")
    shown += _shown_text(app)

    edited = apply_edits(run.comments, run.themes, Edits())
    tagged = exports.tagged_comments(edited, run.group_columns)
    shown.append(exports.table_bytes(tagged, ".csv").decode("utf-8-sig"))
    workbook = pd.read_excel(io.BytesIO(summary_workbook(edited, run.group_columns)), sheet_name=None)
    shown += [sheet.to_csv() for sheet in workbook.values()]
    shown += [p.read_text(errors="ignore") for p in run.model_folder.rglob("*.json")]

    page = "\n".join(shown)
    raw = SAMPLE.read_text(encoding="utf-8-sig")
    for item in SAMPLE_PERSONAL_DATA:
        assert item in raw  # the sample really holds it
        assert item not in page, item
    assert "[NAVN]" in page and "[TELEFON]" in page  # the comments that held them are shown, redacted


# ------------------------------------------------------------------ wide exports: questions and drivers


def _wide(app):
    """Upload the wide sample, keep two questions and the suggested rating, and analyse (the stored run)."""
    _upload(app, WIDE_FILE.name, WIDE_FILE.read_bytes())
    assert not app.error
    suggested = app.multiselect(key="up_texts").value
    assert len(suggested) == 10 and set(WIDE_TEXTS) <= set(suggested)  # every open question
    assert app.selectbox(key="up_id").value == "Respondent"
    assert app.selectbox(key="up_rating").value == WIDE_RATING
    app.multiselect(key="up_texts").set_value(list(WIDE_TEXTS)).run()
    assert any("2 spørsmål" in c.value for c in app.sidebar.caption)
    assert app.multiselect(key="up_groups").value == list(WIDE_GROUPS)
    app.button(key="run_upload").click().run()
    _no_errors(app)
    return app


def test_wide_upload_question_filter_and_compare(app, wide_run):  # noqa: F811
    _wide(app)
    assert app.session_state["run_folder"] == str(wide_run)  # same file and choices: the stored run
    assert "holdt utenfor driverne" in " ".join(w.value for w in app.warning)  # 10 bad ratings in the sample
    run = _run(app)
    inp = run.metadata["input"]
    caption = app.caption[0].value.replace("\\", "")
    assert f"{inp['respondents']} respondenter" in caption and "tomme svarfelt" in caption
    assert f"{fmt_int(len(run.comments))} svar" in caption
    assert inp["respondents"] == 787 and len(run.comments) + inp["blank_answers"] == 787 * 2
    # the question is a filter, named "Spørsmål", with the full question texts
    question = app.multiselect(key="flt_question")
    assert question.label == "Spørsmål" and sorted(question.options) == sorted(WIDE_TEXTS)
    question.set_value([WIDE_TEXTS[1]]).run()
    _no_errors(app)
    assert _metric(app, "Kommentarer") == fmt_int((run.comments["question"] == WIDE_TEXTS[1]).sum())
    _view(app, "Kommentarer")
    assert set(app.dataframe[0].value["Spørsmål"].astype(str)) == {WIDE_TEXTS[1]}
    app.button(key="clear_filters").click().run()
    # ... and a comparison
    _view(app, "Sammenlign")
    app.selectbox(key="cmp_column").set_value("question").run()
    _no_errors(app)
    assert "Temaer etter spørsmål" in [h.value for h in app.subheader]
    assert len(app.get("plotly_chart")) == 2
    _view(app, "Last ned")
    labels = [b.proto.label for b in app.get("download_button")]
    assert "SPSS (SAV)" in labels
    code = app.code[0].value
    assert '--text-columns "Har du kommentarer til samarbeidet med IMDi?"' in code and "--id-column" in code


@pytest.mark.slow
def test_wide_upload_with_themes_per_question_and_a_rating_scale(app, wide_run):  # noqa: F811
    """The upload form reaches `--per-question` and `--rating-scale`: the scale starts as the one the
    rating column's name states, and both choices are recorded with the run (a new run, not the stored one)."""
    import json

    _upload(app, WIDE_FILE.name, WIDE_FILE.read_bytes())
    assert not app.checkbox(key="up_per_question").value  # ten questions: offered, off
    app.multiselect(key="up_texts").set_value(list(WIDE_TEXTS)).run()
    assert app.selectbox(key="up_rating_scale").value == "1–5"  # "... (1-5)"
    app.checkbox(key="up_per_question").check().run()
    app.selectbox(key="up_rating_scale").set_value("1–7").run()
    app.button(key="run_upload").click().run()
    _no_errors(app)
    folder = Path(app.session_state["run_folder"])
    assert folder != wide_run
    settings = json.loads((folder / "run.json").read_text(encoding="utf-8"))["settings"]
    assert settings["per_question"] is True and settings["rating_scale"] == [1.0, 7.0]
    run = _run(app)
    assert run.metadata["parameters"]["per_question"] is True
    assert set(run.metadata["parameters"]["questions"]) == set(WIDE_TEXTS)
    assert run.metadata["rating"]["scale"] == [1.0, 7.0] and not run.metadata["rating"]["scale_inferred"]
    # each theme is one question's: its comments all answer that question
    for theme in run.themes:
        asked = set(run.comments.loc[run.comments["topic_id"] == theme.id, "question"])
        assert len(asked) <= 1, (theme.label, asked)
    # one question: nothing to choose
    app.multiselect(key="up_texts").set_value([WIDE_TEXTS[0]]).run()
    assert "up_per_question" not in [c.key for c in app.checkbox]


def test_drivers_view_ranks_themes_and_follows_the_edits(app, wide_run):  # noqa: F811
    from nlp.ui import drivers

    folder = copy_into_runs(wide_run, f"bred-{uuid.uuid4().hex[:8]}")
    _open(app, folder)
    _no_errors(app)
    run = _run(app)
    _view(app, "Drivere")
    assert not app.exception
    assert WIDE_RATING in app.subheader[0].value.replace("\\", "")
    warning = " ".join(w.value for w in app.warning).replace("\\", "")
    assert f"Vurderingskolonnen «{WIDE_RATING}»" in warning and "holdt utenfor driverne" in warning
    assert any("hadde gitt samme vurdering som de andre" in c.value for c in app.caption)
    stored = pd.read_csv(folder / "drivers.csv")
    table = app.dataframe[0].value
    assert table["Tema"].tolist() == stored["label"].tolist()  # no edits yet: as analysed
    assert table["Effekt"].tolist() == pytest.approx(stored["impact"].round(3).tolist(), nan_ok=True)
    assert len(app.get("plotly_chart")) == 1
    # the most negative theme is about grants (the sample's rating was built so)
    worst = stored.loc[stored["impact"].idxmin()]
    assert worst["significant"] and "tilskudd" in " ".join(
        run.comments.loc[run.comments["topic_id"] == worst["topic_id"], "text"]).lower()
    # quotes of the chosen theme, with each respondent's rating
    pick = _w(app.selectbox, "drv_theme")
    assert pick.value == int(stored["topic_id"].iloc[0])
    pick.set_value(int(worst["topic_id"])).run()
    quotes = drivers.theme_quotes(_edited(app), int(worst["topic_id"]), drivers.read_ratings(folder), run.metadata)
    assert [t.value for t in app.text] == quotes["text"].tolist()
    assert any(c.value.replace("\\", "").startswith("Vurdering: ") for c in app.caption)

    # a rename shows up in the drivers
    edits = Edits(renames={int(worst["topic_id"]): "Penger og tilskudd"})
    app.session_state["edits"] = edits.to_dict()
    app.run()
    _no_errors(app)
    assert "Penger og tilskudd" in app.dataframe[0].value["Tema"].tolist()

    # back to the sample, which has no rating: no "Drivere" tab, and no error from the one left open
    app.radio(key="source").set_value("Eksempeldata").run()
    app.button(key="back_to_sample").click().run()
    _no_errors(app)
    assert _run(app).folder != folder and len(app.metric) == 6


def _edited(app):
    from nlp.ui.editing import apply_edits

    run = _run(app)
    return apply_edits(run.comments, run.themes,
                       Edits.from_dict(app.session_state["edits"]))


@pytest.mark.slow
def test_upload_picks_the_sentiment_model(app, tmp_path):
    """«Sentimentmodell: Rask» reaches the analysis and is recorded with the run; the fine-tuned
    model is the default (issue 19)."""
    from nlp.runs.model_store import load_model

    rows = ["Svar;Rolle"] + [f"{t};{r}" for t, r in [
        ("Samarbeidet med IMDi fungerer svært godt.", "a"), ("Tilskuddet kommer altfor sent.", "b"),
        ("Vi trenger mer veiledning om negativ sosial kontroll.", "a"), ("Fylkeskommunen er en god partner.", "b"),
        ("Pandemien gjorde norskopplæringen vanskelig.", "a"), ("Nei", "b")] * 5]
    _upload(app, "ft.csv", "\n".join(rows).encode())
    assert app.radio(key="up_sentiment").value == "Finjustert (anbefalt)"
    app.button(key="run_upload").click().run()
    _no_errors(app)
    model = load_model(Path(app.session_state["run_folder"]) / "model")
    assert model.metadata["sentiment_spec"] == "sentiment_finetuned"
    assert not [c for c in app.caption if "sentimentmodell" in c.value]
    app.radio(key="up_sentiment").set_value("Rask").run()
    app.button(key="run_upload").click().run()
    _no_errors(app)
    model = load_model(Path(app.session_state["run_folder"]) / "model")
    assert model.metadata["sentiment_spec"] == "sentiment"
    assert [c for c in app.caption if "rask sentimentmodell" in c.value]


def test_codebook_view_adds_a_code_splits_a_theme_and_goes_back(app, sample_run, tmp_path):  # noqa: F811
    """Issue 17 point 5: codes are added and themes split in the app; the comments are assigned again
    without finding themes again, as a new run that keeps the analyst's edits and knows its parent."""
    folder = copy_into_runs(sample_run, f"kodebok-{tmp_path.name}")
    _open(app, folder)
    run = load_run(folder)
    grants = next(t for t in run.themes if t.codebook_id == "tilskudd")
    kept = next(t for t in run.themes if t.codebook_id == "imdi_samarbeid")
    _view(app, "Tema")
    _w(app.selectbox, "theme_pick").set_value(kept.id).run()
    app.text_input(key=f"rename_{kept.id}").input("Kontakt med IMDi").run()
    app.button(key=f"rename_btn_{kept.id}").click().run()
    _no_errors(app)

    _view(app, "Kodebok")
    table = app.dataframe[0].value.set_index("Kode")  # the view's one table
    assert table.loc["tilskudd", "Kommentarer"] == grants.size and "tilskudd" in table.loc["tilskudd", "Stikkord"]

    _w(app.text_input, "cb_add_name").input("")  # no name: a Norwegian message, no new run
    app.button(key="FormSubmitter:cb_add-Legg til og fordel på nytt").click().run()
    assert any("trenger et navn" in e.value for e in app.error)
    assert app.session_state["run_folder"] == str(folder)

    _w(app.text_input, "cb_add_name").input("Tolketjenester")
    _w(app.text_input, "cb_add_desc").input("Bruk av tolk og tolketjenester i arbeidet med flyktninger.")
    _w(app.text_area, "cb_add_seeds").input("tolk\ntolketjeneste, tolking")
    app.button(key="FormSubmitter:cb_add-Legg til og fordel på nytt").click().run()
    _no_errors(app)
    added = load_run(app.session_state["run_folder"])
    assert added.folder != folder and added.info["parent"] == folder.name
    assert added.info["recoded"]["added"] == ["tolketjenester"]
    theme = next(t for t in added.themes if t.codebook_id == "tolketjenester")
    texts = added.comments.loc[added.comments["topic_id"] == theme.id, "text"].str.lower()
    assert texts.str.contains("tolk").sum() >= 15 and texts.str.contains("tolk").mean() > 0.4  # interpreters
    assert {t.id for t in run.themes} <= {t.id for t in added.themes}  # found themes keep their ids
    assert added.edits.renames == {kept.id: "Kontakt med IMDi"}     # the analyst's edits follow
    assert any("ny kode" in i.value and "Tolketjenester" in i.value for i in app.info)  # what the edit did

    _w(app.selectbox, "cb_split_theme").set_value(grants.id)  # in a form: sent with the submit
    _w(app.text_input, "cb_split_name1").input("Søknader om tilskudd")
    _w(app.text_input, "cb_split_seeds1").input("søknad, søke, frist, tilsagn")
    _w(app.text_input, "cb_split_name2").input("Tilskuddenes størrelse")
    _w(app.text_input, "cb_split_seeds2").input("for lite, kutt, dekker ikke, sats")
    app.button(key="FormSubmitter:cb_split-Del opp temaet").click().run()
    assert not app.error, [c.value for c in app.caption if "Detaljer" in c.value]
    split = load_run(app.session_state["run_folder"])
    codes = {t.codebook_id: t for t in split.themes}
    assert "tilskudd" not in codes and {"soknader_om_tilskudd", "tilskuddenes_storrelse"} <= set(codes)
    assert "tolketjenester" in codes and split.info["parent"] == added.folder.name
    was_grants = split.comments["id"].isin(run.comments.loc[run.comments["topic_id"] == grants.id, "id"])
    parts = split.comments.loc[was_grants, "topic_id"].value_counts()
    assert parts.get(codes["soknader_om_tilskudd"].id, 0) > 0 and parts.get(codes["tilskuddenes_storrelse"].id, 0) > 0
    yaml_text = app.get("download_button")[0].proto.label if app.get("download_button") else ""
    assert yaml_text == "Last ned kodeboken (YAML)"

    app.button(key="cb_parent").click().run()
    _no_errors(app)
    assert app.session_state["run_folder"] == str(added.folder)
