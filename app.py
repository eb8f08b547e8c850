"""fritekst in the browser: `streamlit run app.py`.

Analysts load a survey round (or open a saved run), read the themes with their quotes, compare
groups and rounds, fix themes, and download tables and charts. The logic lives in `nlp.ui`;
this script only lays out the page. Comment text is only ever shown with `st.text` and
`st.dataframe`, and anything user-supplied that goes into markdown is escaped (`md_escape`).
"""

from __future__ import annotations

import gc
import hashlib
import io
import json
import logging
import zipfile
from datetime import datetime
from functools import partial
from pathlib import Path

import pandas as pd
import streamlit as st

from nlp.schema import NONANSWER, OUTLIER, TOPIC_ID, Edited
from nlp.themes.edits import Edits
from nlp.errors import FritekstError
from nlp.report import workbook
from nlp.ui import charts, editing, exports
from nlp.report.groups import group_values
from nlp.runs.store import RunData, load_run, read_edits
from nlp.ui.filters import filter_comments
from nlp.ui.messages import user_message
from nlp.runs.app_runs import (
    SAMPLE_CODEBOOK, SAMPLE_FILE, RunSettings, cached_run, compute_run, list_runs,
    open_saved_run, run_key, sample_settings, save_run_edits,
)
from nlp.report.stats import CORRECTIONS, compare_groups, looks_like_rounds, trend_across_rounds
from nlp.ui.tables import comment_table, significant_table, trend_table
from nlp.ui.text import SENTIMENTS, fmt_int, fmt_pct, md_escape, sentiment_nb
from nlp.ui.uploads import (
    UploadLimits, download_name, group_candidates, guess_group_columns, guess_id_column, guess_text_column,
    read_upload, upload_limits, uploader_label,
)

log = logging.getLogger("fritekst.app")

VIEWS = ("Oversikt", "Tema", "Sammenlign", "Kommentarer", "Last ned")
STAGES = ("Rensing", "Språkanalyse", "Anonymisering", "Embedding", "Sentiment", "Temaer")
SOURCES = ("Eksempeldata", "Last opp fil", "Åpne lagret kjøring")
PRIVACY_NOTE = (
    "Tekstene er anonymisert: navn, telefonnumre, e\\-postadresser, fødselsnumre og adresser er "
    "erstattet med \\[NAVN\\], \\[TELEFON\\], \\[E\\-POST\\], \\[FØDSELSNUMMER\\] og \\[ADRESSE\\]\\."
)


# ---------------------------------------------------------------------------- cached data


@st.cache_resource(show_spinner=False)
def freeze_startup_objects() -> bool:
    """Once per server: what the imports created (torch, spaCy, pandas ...) lives for the whole
    process, so it is moved out of the garbage collector's reach; a full collection then takes
    milliseconds instead of ~0.3 s, and reruns stay fast. Plotly's lazily loaded parts come first."""
    charts.warm_up()
    gc.freeze()
    return True


@st.cache_resource(max_entries=6, show_spinner=False)
def cached_load(folder: str, stamp: tuple) -> RunData:
    """A run read from disk; shared and never mutated (views copy what they change)."""
    return load_run(folder)


@st.cache_resource(max_entries=64, show_spinner=False)
def cached_edited(folder: str, stamp: tuple, edits_json: str) -> Edited:
    run = cached_load(folder, stamp)
    return editing.apply_edits(run.comments, run.themes, Edits.from_dict(json.loads(edits_json)))


@st.cache_resource(max_entries=16, show_spinner=False)
def cached_upload(digest: str, name: str, sheet: str | None, limits: UploadLimits, _data: bytes):
    return read_upload(_data, name, sheet, limits)


@st.cache_resource(show_spinner=False)
def folder_stamp(folder: str) -> tuple:
    p = Path(folder)
    return tuple((n, (p / n).stat().st_mtime_ns) for n in ("comments.parquet", "topics.csv") if (p / n).exists())


# ---------------------------------------------------------------------------- state


def edits_now() -> Edits:
    return Edits.from_dict(st.session_state["edits"])


def edited_now(run: RunData) -> Edited:
    folder = str(run.folder)
    return cached_edited(folder, folder_stamp(folder), json.dumps(st.session_state["edits"], sort_keys=True))


def set_run(folder: Path | str) -> None:
    st.session_state["run_folder"] = str(folder)
    st.session_state.pop("edits_for", None)


def sync_edits(run: RunData) -> None:
    """Edits follow the run: read from its model folder when a run is opened."""
    if st.session_state.get("edits_for") != str(run.folder):
        st.session_state["edits_for"] = str(run.folder)
        st.session_state["edits"] = read_edits(run.folder).to_dict()  # from disk: may be newer than the load
        st.session_state["history"] = []


def commit_edits(run: RunData, new: Edits, message: str) -> None:
    st.session_state["history"] = st.session_state.get("history", []) + [st.session_state["edits"]]
    st.session_state["edits"] = new.to_dict()
    if store_edits(run, new):
        flash("success", message)


def store_edits(run: RunData, edits: Edits) -> bool:
    """Save the log with the run's model, where `fritekst tag` reads it (only inside the runs folder)."""
    try:
        save_run_edits(run.folder, edits)
        return True
    except (OSError, FritekstError) as exc:
        log.warning("cannot save edits in %s: %s", run.model_folder, exc)
        flash("warning", "Endringen vises her, men kunne ikke lagres i modellmappen (er mappen skrivebeskyttet?).")
        return False


def flash(kind: str, message: str) -> None:
    st.session_state["flash"] = (kind, message)


def theme_key(base: str) -> str:
    """A key for a widget that shows theme names, new whenever the edits change.

    Streamlit keeps showing a selectbox's old text when its options are renamed, so after an
    edit the widget is made afresh; it starts from the previous choice.
    """
    version = hashlib.sha1(json.dumps(st.session_state.get("edits", {}), sort_keys=True).encode()).hexdigest()[:8]
    key = f"{base}@{version}"
    keys = st.session_state.setdefault("theme_keys", {})
    last = keys.get(base)
    if key not in st.session_state and last and last != key and last in st.session_state:
        st.session_state[key] = st.session_state[last]
    keys[base] = key
    return key


# ---------------------------------------------------------------------------- running


class StageProgress:
    """One progress bar per analysis stage, filled in as the engine reports."""

    def __init__(self, container) -> None:
        self.container = container
        self.bars = {stage: container.progress(0.0, text=f"{stage}: venter") for stage in STAGES}

    def __call__(self, stage: str, done: int, total: int) -> None:
        if stage not in self.bars:
            self.bars[stage] = self.container.progress(0.0)
        frac = min(max(done / total, 0.0), 1.0) if total else 1.0
        detail = "ferdig" if frac >= 1 else (f"{fmt_int(done)} av {fmt_int(total)}" if total > 1 else "pågår")
        self.bars[stage].progress(frac, text=f"{stage}: {detail}")


def show_error(exc: BaseException, where=None) -> None:
    msg = user_message(exc)
    target = where or st
    target.error(md_escape(msg.text))
    if msg.detail:
        target.caption("Detaljer: " + md_escape(msg.detail, 400))
    if not hasattr(exc, "__module__") or not type(exc).__module__.startswith("nlp"):
        log.exception("unexpected error in the app", exc_info=exc)


def run_analysis(data: bytes, name: str, settings: RunSettings, intro: str) -> Path | None:
    key = run_key(data, name, settings)
    done = cached_run(key)
    if done is not None:
        return done
    placeholder = st.empty()
    box = placeholder.container(border=True)
    box.markdown(f"**{md_escape(intro)}**")
    box.caption("Resultatet lagres, så neste gang åpnes det med en gang.")
    try:
        folder = compute_run(data, name, settings, StageProgress(box))
    except Exception as exc:  # noqa: BLE001 - every failure becomes a Norwegian message
        show_error(exc, box)
        return None
    placeholder.empty()
    return folder


def ensure_sample() -> Path | None:
    data = SAMPLE_FILE.read_bytes()
    return run_analysis(data, SAMPLE_FILE.name, sample_settings(),
                        "Eksempeldataene analyseres for første gang. Det tar et par minutter.")


# ---------------------------------------------------------------------------- sidebar


def sidebar_source() -> None:
    sb = st.sidebar
    sb.subheader("Data")
    source = sb.radio("Datakilde", SOURCES, key="source", label_visibility="collapsed")
    if source == "Eksempeldata":
        sb.caption("Kommuneundersøkelsen 2019–2021 (oppdiktede svar), med IMDi-kodeboken.")
        if st.session_state.get("run_folder") and st.session_state.get("run_is_sample") is False:
            if sb.button("Vis eksempeldataene", key="back_to_sample"):
                st.session_state.pop("run_folder", None)
                st.rerun()
    elif source == "Last opp fil":
        sidebar_upload()
    else:
        sidebar_open_saved()


def sidebar_upload() -> None:
    sb = st.sidebar
    limits = upload_limits()
    up = sb.file_uploader(uploader_label(limits), key="upload", max_upload_size=limits.widget_mb)
    if up is None:
        sb.caption("Én rad per svar. Velg kolonnene etter opplasting.")
        return
    data = up.getvalue()
    digest = hashlib.sha256(data).hexdigest()
    sheet = st.session_state.get("up_sheet")
    try:
        table = cached_upload(digest, up.name, sheet, limits, data)
    except Exception as exc:  # noqa: BLE001
        show_error(exc, sb)
        return
    frame = table.frame
    if table.sheets and len(table.sheets) > 1:
        sb.selectbox("Ark", table.sheets, key="up_sheet")
    if frame.empty:
        sb.error("Filen har bare en overskriftsrad og ingen svar.")
        return
    sb.caption(f"{fmt_int(len(frame))} rader, {fmt_int(len(frame.columns))} kolonner.")
    columns = list(frame.columns)
    if st.session_state.get("up_digest") != digest:  # new file: fresh guesses
        st.session_state["up_digest"] = digest
        text = guess_text_column(frame) or columns[0]
        id_col = guess_id_column(frame, exclude=text)
        st.session_state["up_text"] = text
        st.session_state["up_id"] = id_col or "(ingen)"
        st.session_state["up_groups"] = guess_group_columns(frame, exclude=(text, id_col))
    text = sb.selectbox("Kolonne med svarene", columns, key="up_text")
    id_choice = sb.selectbox("ID-kolonne (valgfri)", ["(ingen)"] + [c for c in columns if c != text], key="up_id",
                             help="En kolonne med en unik verdi per rad. Uten ID brukes radnummeret.")
    id_col = None if id_choice == "(ingen)" else id_choice
    options = group_candidates(frame, exclude=(text, id_col))
    st.session_state["up_groups"] = [g for g in st.session_state.get("up_groups", []) if g in options]
    groups = sb.multiselect("Gruppekolonner", options, key="up_groups",
                            help="For å sammenligne temaer mellom grupper, f.eks. rolle, fylke, år og spørsmål.")
    code_choice = sb.radio("Kodebok (valgfri)", ["Ingen", "IMDi-kodeboken", "Last opp kodebok (YAML)"],
                           key="up_codebook",
                           help="En kodebok med kjente temaer styrer temaene mot disse; nye temaer finnes i tillegg.")
    codebook_yaml = None
    if code_choice == "IMDi-kodeboken":
        codebook_yaml = SAMPLE_CODEBOOK.read_text(encoding="utf-8")
    elif code_choice == "Last opp kodebok (YAML)":
        cb = sb.file_uploader("Kodebok (YAML)", key="up_codebook_file", max_upload_size=1)
        if cb is None:
            sb.caption("Last opp kodeboken, eller velg «Ingen».")
            return
        try:
            codebook_yaml = cb.getvalue().decode("utf-8")
        except UnicodeDecodeError:
            sb.error("Kodeboken må være en tekstfil i UTF-8 (YAML).")
            return
    settings = RunSettings(text_column=text, id_column=id_col, group_columns=tuple(groups),
                           sheet=st.session_state.get("up_sheet"), codebook_yaml=codebook_yaml)
    if sb.button("Analyser", type="primary", key="run_upload", width="stretch"):
        st.session_state["pending_upload"] = (data, up.name, settings)


def sidebar_open_saved() -> None:
    sb = st.sidebar
    saved = {r.name: r.label for r in list_runs()}
    picked = st.session_state.get("open_pick")
    if picked and picked not in saved:  # gone since it was listed: "Åpne" then says so, opens nothing else
        saved[picked] = picked
    if not saved:
        sb.caption("Ingen lagrede kjøringer ennå. Analyser en fil, eller lagre en kjøring fra "
                   "`fritekst analyze --out` i mappen for lagrede kjøringer.")
        return
    name = sb.selectbox("Lagret kjøring", list(saved), key="open_pick", format_func=saved.get,
                        help="Kjøringene i mappen for lagrede kjøringer, nyeste først.")
    if sb.button("Åpne", key="open_run"):
        try:
            folder = open_saved_run(name)
            cached_load(str(folder), folder_stamp(str(folder)))
        except Exception as exc:  # noqa: BLE001
            show_error(exc, sb)
            return
        set_run(folder)
        st.session_state["run_is_sample"] = False
        flash("success", "Kjøringen er åpnet.")


def sidebar_filters(run: RunData, edited: Edited) -> dict[str, list[str]]:
    sb = st.sidebar
    if not run.group_columns:
        return {}
    sb.subheader("Utvalg")
    chosen = {}
    for col in run.group_columns:
        values = group_values(edited.comments, col)
        key = f"flt_{col}"
        if key in st.session_state:
            st.session_state[key] = [v for v in st.session_state[key] if v in values]
        chosen[col] = sb.multiselect(md_escape(col), values, key=key, placeholder="Alle")
    if any(chosen.values()):
        sb.button("Nullstill utvalget", key="clear_filters", on_click=_clear_filters, args=(run.group_columns,))
    return chosen


def _clear_filters(columns: list[str]) -> None:
    for col in columns:
        st.session_state[f"flt_{col}"] = []


def sidebar_edits(run: RunData) -> None:
    sb = st.sidebar
    sb.subheader("Endringer i temaene")
    edits = edits_now()
    fitted = {t.id: t.label for t in run.themes}
    lines = editing.describe(edits, fitted)
    if lines:
        for line in lines:
            sb.caption(md_escape(line))
    else:
        sb.caption("Ingen endringer ennå. Gi nytt navn, slå sammen eller flytt kommentarer under «Tema».")
    c1, c2 = sb.columns(2)
    c1.button("Angre", key="undo", on_click=_undo, args=(run,), disabled=not st.session_state.get("history"),
              width="stretch")
    c2.button("Tilbakestill", key="reset_edits", on_click=_reset, args=(run,), disabled=editing.is_empty(edits),
              width="stretch", help="Fjerner alle endringer (kan angres).")
    if not editing.is_empty(edits):
        sb.caption("Endringene er lagret med modellen og brukes av `fritekst tag`.")


def _undo(run: RunData) -> None:
    history = st.session_state.get("history", [])
    if not history:
        return
    st.session_state["edits"] = history.pop()
    st.session_state["history"] = history
    if store_edits(run, edits_now()):
        flash("info", "Siste endring er angret.")


def _reset(run: RunData) -> None:
    commit_edits(run, Edits(), "Alle endringer er fjernet. Trykk «Angre» for å få dem tilbake.")


# ---------------------------------------------------------------------------- shared view parts


def theme_choices(edited: Edited) -> list[int]:
    return [t.id for t in edited.themes] + [OUTLIER]


def theme_name(edited: Edited, tid: int, with_size: bool = True) -> str:
    if tid == OUTLIER:
        n = int((edited.comments[TOPIC_ID] == OUTLIER).sum())
        return f"{edited.label_of(OUTLIER)} ({fmt_int(n)})" if with_size else edited.label_of(OUTLIER)
    t = edited.theme(tid)
    if t is None:
        return edited.label_of(tid)
    return f"{t.label} ({fmt_int(t.size)})" if with_size else t.label


def table_config(run: RunData) -> dict:
    cfg = {
        "Kommentar": st.column_config.TextColumn("Kommentar", width="large"),
        "Originaltekst": st.column_config.TextColumn("Originaltekst (ikke anonymisert)", width="large"),
        "Tema": st.column_config.TextColumn("Tema", width="medium"),
        "Sentiment": st.column_config.TextColumn("Sentiment", width="small"),
        "Merknad": st.column_config.TextColumn("Merknad", width="small"),
        "ID": st.column_config.TextColumn("ID", width="small"),
    }
    return cfg


def selectable_table(table: pd.DataFrame, run: RunData, key: str, ids: list[str]) -> None:
    """A comments table whose selected rows fill the "move" picker below it."""
    event = st.dataframe(table, key=key, hide_index=True, on_select="rerun", selection_mode="multi-row",
                         column_config=table_config(run), height=min(600, 38 + 35 * max(len(table), 3)))
    rows = list(getattr(getattr(event, "selection", None), "rows", []) or [])
    selected = [ids[i] for i in rows if 0 <= i < len(ids)]
    if selected != st.session_state.get(f"{key}_last"):
        st.session_state[f"{key}_last"] = selected
        st.session_state[f"move_{key}"] = selected


def move_panel(run: RunData, edited: Edited, key: str, ids: list[str]) -> None:
    pick_key = f"move_{key}"
    if pick_key in st.session_state:
        valid = set(ids)
        st.session_state[pick_key] = [i for i in st.session_state[pick_key] if i in valid]
    with st.container(border=True):
        st.markdown("**Flytt kommentarer til et annet tema**")
        c1, c2, c3 = st.columns([3, 3, 1], vertical_alignment="bottom")
        picked = c1.multiselect("Kommentarer (velg rader i tabellen, eller skriv ID)", ids, key=pick_key,
                                placeholder="Ingen valgt")
        targets = theme_choices(edited)
        target = c2.selectbox("Flytt til", targets, key=theme_key(f"move_target_{key}"),
                              format_func=lambda t: theme_name(edited, t, with_size=False))
        c3.button("Flytt", key=f"move_btn_{key}", on_click=_move, args=(run, list(picked), target, pick_key),
                  disabled=not picked, width="stretch")
        st.caption("Like kommentarer flyttes sammen, og flyttingen gjelder også når modellen brukes på nye runder.")


def _move(run: RunData, ids: list[str], target: int, pick_key: str) -> None:
    edited = edited_now(run)
    try:
        new, moved = editing.move(edits_now(), edited, ids, target)
    except editing.EditError as exc:
        flash("error", str(exc))
        return
    commit_edits(run, new, f"{moved} kommentar(er) flyttet til «{theme_name(edited, target, with_size=False)}».")
    st.session_state[pick_key] = []


def png_button(fig, name: str, key: str, title: str) -> None:
    if not charts.png_export_available():
        return
    st.download_button("Last ned diagrammet (PNG)", data=lambda: charts.to_png(fig, title), file_name=name,
                       mime="image/png", key=key,
                       icon=":material/download:", type="tertiary")


def chart(fig, name: str, key: str, title: str) -> None:
    st.plotly_chart(fig, key=key, config=charts.plotly_config(Path(name).stem))
    png_button(fig, name, f"png_{key}", title)


# ---------------------------------------------------------------------------- views


def view_overview(run: RunData, edited: Edited, comments: pd.DataFrame) -> None:
    total = len(comments)
    nonanswer = int(comments["is_nonanswer"].sum())
    sub = total - nonanswer
    dup = int(comments["is_duplicate"].sum())
    outliers = int((comments[TOPIC_ID] == OUTLIER).sum())
    cols = st.columns(6)
    cols[0].metric("Kommentarer", fmt_int(total))
    cols[1].metric("Med innhold", fmt_int(sub), delta=fmt_pct(sub / total) if total else None,
                   delta_color="off", delta_arrow="off")
    cols[2].metric("Ikke svar", fmt_int(nonanswer), delta=fmt_pct(nonanswer / total) if total else None,
                   delta_color="off", delta_arrow="off",
                   help="Svar uten innhold, som «nei», «vet ikke», «ingen kommentar» eller «-». Telles ikke med i temaene.")
    cols[3].metric("Duplikater", fmt_int(dup), delta=fmt_pct(dup / total) if total else None,
                   delta_color="off", delta_arrow="off",
                   help="Samme tekst som en tidligere kommentar. De står i temaene, men er tatt med bare én gang "
                        "når temaene ble funnet.")
    cols[4].metric("Temaer", fmt_int(len(edited.themes)))
    cols[5].metric("Uten tema", fmt_int(outliers), delta=fmt_pct(outliers / sub) if sub else None,
                   delta_color="off", delta_arrow="off", help="Kommentarer med innhold som ikke passer i noe tema.")
    if sub == 0:
        st.info("Ingen kommentarer med innhold i utvalget.")
        return
    order = [(t.id, t.label) for t in edited.themes] + [(OUTLIER, edited.label_of(OUTLIER))]
    st.subheader("Temaer etter størrelse og sentiment")
    st.caption("Antall kommentarer med innhold i hvert tema, fordelt på sentiment. Andelen er av alle kommentarer "
               "med innhold i utvalget.")
    fig = charts.theme_overview(comments, order)
    key = f"ov_chart_{st.session_state.get('ov_clicks', 0)}"  # a new key clears the click's highlight
    st.plotly_chart(fig, key=key, on_select=partial(_open_clicked_theme, key), selection_mode="points",
                    config=charts.plotly_config(download_name(run.source, "temaer", "")))
    st.caption("Klikk på et tema i diagrammet for å åpne det.")
    png_button(fig, download_name(run.source, "temaer", ".png"), "png_ov_chart",
               "Temaer etter størrelse og sentiment")

    st.subheader("Tabell")
    table = workbook.theme_table(Edited(comments, edited.themes))
    shown = table.drop(columns=["Tema-ID", "95 % KI nedre", "95 % KI øvre"])
    n_theme = table[["Positiv", "Nøytral", "Blandet", "Negativ"]].sum(axis=1).replace(0, 1)
    for s in ("Positiv", "Negativ"):
        shown[s] = (table[s] / n_theme).round(3)
    shown["Andel"] = shown["Andel"].round(3)
    shown = shown.drop(columns=["Nøytral", "Blandet"])
    st.dataframe(shown, hide_index=True, height=35 * (len(shown) + 1) + 3, column_config={
        "Tema": st.column_config.TextColumn("Tema", width="medium"),
        "Antall": st.column_config.NumberColumn("Antall", format="localized"),
        "Andel": st.column_config.ProgressColumn("Andel", format="percent", min_value=0, max_value=1,
                                                 help="Av kommentarene med innhold"),
        "Positiv": st.column_config.NumberColumn("Positive", format="percent", help="Andel positive i temaet"),
        "Negativ": st.column_config.NumberColumn("Negative", format="percent", help="Andel negative i temaet"),
        "Nøkkelord": st.column_config.TextColumn("Nøkkelord", width="large"),
    })


def _open_clicked_theme(key: str) -> None:
    """A click on a bar in the overview opens that theme."""
    points = st.session_state[key].selection.points if key in st.session_state else []
    for point in points:
        data = point.get("customdata") or []
        if len(data) >= 3:
            st.session_state[theme_key("theme_pick")] = int(data[2])
            st.session_state["view"] = "Tema"
            st.session_state["ov_clicks"] = st.session_state.get("ov_clicks", 0) + 1
            return


def view_theme(run: RunData, edited: Edited, comments: pd.DataFrame, show_original: bool) -> None:
    choices = theme_choices(edited)
    pick_key = theme_key("theme_pick")
    if st.session_state.get(pick_key) not in choices:
        st.session_state[pick_key] = choices[0]
    tid = st.selectbox("Tema", choices, key=pick_key,
                       format_func=lambda t: theme_name(edited, t))
    theme = edited.theme(tid)
    members = comments[comments[TOPIC_ID] == tid]
    st.subheader(md_escape(theme_name(edited, tid, with_size=False)))
    if theme and theme.keywords:
        st.caption("Nøkkelord: " + md_escape(" · ".join(theme.keywords)))
    elif tid == OUTLIER:
        st.caption("Kommentarer med innhold som ikke passer godt i noe tema. Flytt dem gjerne til riktig tema.")
    sub_n = int((~comments["is_nonanswer"].to_numpy(dtype=bool)).sum())
    c1, c2, c3 = st.columns([1, 1, 3])
    c1.metric("Kommentarer", fmt_int(len(members)))
    c2.metric("Andel", fmt_pct(len(members) / sub_n) if sub_n else "–", help="Av kommentarene med innhold i utvalget")
    with c3:
        if len(members):
            st.plotly_chart(charts.sentiment_split(members), key="theme_sent",
                            config=charts.plotly_config("sentiment"))

    if theme is not None:
        st.markdown("#### Typiske sitater")
        quotes = members.set_index(members["id"].astype(str))
        shown = 0
        for qid in theme.quote_ids:
            if qid not in quotes.index:
                continue
            row = quotes.loc[qid]
            with st.container(border=True):
                if show_original and "original_text" in row:
                    st.text(str(row["original_text"]))
                else:
                    st.text(str(row["text"]))
                meta = [sentiment_nb(row["sentiment"])] + [f"{g}: {row[g]}" for g in run.group_columns]
                st.caption(md_escape(" · ".join(str(m) for m in meta)))
            shown += 1
        if shown == 0:
            st.caption("Ingen av de typiske sitatene er med i utvalget.")
        with st.expander("Rediger temaet"):
            edit_theme_panel(run, edited, tid)

    st.markdown("#### Alle kommentarer i temaet")
    f1, f2 = st.columns([3, 2])
    search = f1.text_input("Søk i kommentarene", key="theme_search", placeholder="Skriv ord eller \"en frase\"")
    sents = f2.multiselect("Sentiment", list(SENTIMENTS), key="theme_sent_filter", format_func=sentiment_nb,
                           placeholder="Alle")
    shown_rows = filter_comments(members, search=search, sentiments=sents,
                                 text_column="original_text" if show_original else "text")
    st.caption(f"Viser {fmt_int(len(shown_rows))} av {fmt_int(len(members))} kommentarer. "
               "Velg rader for å flytte dem.")
    ids = shown_rows["id"].astype(str).tolist()
    table = comment_table(shown_rows, run.group_columns, show_theme=False, show_original=show_original)
    selectable_table(table, run, "tbl_theme", ids)
    move_panel(run, edited, "tbl_theme", ids)


def edit_theme_panel(run: RunData, edited: Edited, tid: int) -> None:
    c1, c2 = st.columns(2)
    with c1:
        st.text_input("Nytt navn", key=f"rename_{tid}", value=edited.label_of(tid), max_chars=120)
        st.button("Gi nytt navn", key=f"rename_btn_{tid}", on_click=_rename, args=(run, tid))
    with c2:
        others = [t.id for t in edited.themes if t.id != tid]
        st.selectbox("Slå sammen med", others, key=theme_key(f"merge_{tid}"), index=None, placeholder="Velg tema",
                     format_func=lambda t: theme_name(edited, t))
        st.button("Slå sammen", key=f"merge_btn_{tid}", on_click=_merge, args=(run, tid),
                  help="Kommentarene i dette temaet flyttes inn i det valgte temaet, som beholder navnet sitt.")


def _rename(run: RunData, tid: int) -> None:
    edited = edited_now(run)
    old = edited.label_of(tid)
    try:
        new = editing.rename(edits_now(), edited, tid, st.session_state.get(f"rename_{tid}", ""))
    except editing.EditError as exc:
        flash("error", str(exc))
        return
    commit_edits(run, new, f"«{old}» heter nå «{new.renames[tid]}».")


def _merge(run: RunData, tid: int) -> None:
    edited = edited_now(run)
    target = st.session_state.get(theme_key(f"merge_{tid}"))
    if target is None:
        flash("error", "Velg temaet det skal slås sammen med.")
        return
    try:
        new = editing.merge(edits_now(), edited, tid, int(target))
    except editing.EditError as exc:
        flash("error", str(exc))
        return
    commit_edits(run, new, f"«{edited.label_of(tid)}» er slått sammen med «{edited.label_of(int(target))}».")
    st.session_state[theme_key("theme_pick")] = int(target)


def view_compare(run: RunData, edited: Edited, comments: pd.DataFrame) -> None:
    if not run.group_columns:
        st.info("Denne kjøringen har ingen gruppekolonner å sammenligne. Velg gruppekolonner når du laster opp filen.")
        return
    themes = [(t.id, t.label) for t in edited.themes] + [(OUTLIER, edited.label_of(OUTLIER))]
    rounds = [g for g in run.group_columns if looks_like_rounds(edited.comments, g)]
    modes = ["Mellom grupper", "Over tid"] if rounds else ["Mellom grupper"]
    mode = st.radio("Sammenligning", modes, key="cmp_mode", horizontal=True, label_visibility="collapsed")
    if mode == "Over tid":
        compare_rounds(run, edited, comments, themes, rounds)
    else:
        compare_between_groups(run, edited, comments, themes)


def compare_between_groups(run: RunData, edited: Edited, comments: pd.DataFrame, themes) -> None:
    column = st.selectbox("Sammenlign etter", run.group_columns, key="cmp_column")
    groups = group_values(comments[~comments["is_nonanswer"].to_numpy(dtype=bool)], column)
    if len(groups) < 2:
        st.info(f"Utvalget har bare én verdi i «{md_escape(column)}». Fjern utvalget i sidepanelet for å sammenligne.")
        return
    cmp = compare_groups(comments, column, themes)
    st.subheader(f"Temaer etter {md_escape(column)}")
    st.caption("Andel av kommentarene med innhold i hver gruppe. ▲/▼: gruppen ligger signifikant over/under "
               "resten av kommentarene (5 % nivå, justert for mange sammenligninger med "
               f"{CORRECTIONS['fdr_bh']}). Hold pekeren over en rute for 95 % konfidensintervall og p-verdi.")
    chart(charts.group_heatmap(cmp, themes, groups, column), download_name(run.source, f"etter-{column}", ".png"),
          "cmp_heat", f"Andel per tema etter {column}")
    theme_ids = [t for t, _ in themes]
    pick = st.selectbox("Vis ett tema med konfidensintervaller", theme_ids, key=theme_key("cmp_theme"),
                        format_func=lambda t: theme_name(edited, t, with_size=False))
    label = theme_name(edited, pick, with_size=False)
    chart(charts.group_bars(cmp[cmp[TOPIC_ID] == pick], label, column),
          download_name(run.source, f"tema-{pick}-etter-{column}", ".png"), "cmp_bars",
          f"{label} etter {column} (95 % konfidensintervall)")
    st.markdown("#### Signifikante forskjeller")
    sig = significant_table(cmp, column)
    if sig.empty:
        st.caption("Ingen grupper skiller seg signifikant fra resten etter justering for mange sammenligninger.")
    else:
        st.dataframe(sig, hide_index=True, height=min(35 * (len(sig) + 1) + 3, 600), column_config={
            "Andel": st.column_config.NumberColumn(format="percent"),
            "Resten": st.column_config.NumberColumn(format="percent"),
            "Kommentarer i gruppen": st.column_config.NumberColumn(format="localized"),
        })


def compare_rounds(run: RunData, edited: Edited, comments: pd.DataFrame, themes, rounds: list[str]) -> None:
    rcol = rounds[0] if len(rounds) == 1 else st.selectbox("Runde-kolonne", rounds, key="cmp_round_col")
    per_round, summary = trend_across_rounds(comments, rcol, themes)
    st.subheader(f"Utvikling etter {md_escape(rcol)}")
    if summary.empty or summary["first"].isna().all():
        st.info("Utvalget har bare én runde. Fjern utvalget i sidepanelet for å se utviklingen.")
        return
    trend_key = theme_key("trend_themes")
    st.session_state.setdefault(trend_key, [t for t, _ in themes[:5]])
    st.session_state[trend_key] = [t for t in st.session_state[trend_key] if t in dict(themes)]
    picked = st.multiselect("Temaer i diagrammet", [t for t, _ in themes], key=trend_key,
                            format_func=lambda t: theme_name(edited, t, with_size=False))
    chart(charts.trend_lines(per_round, [(t, dict(themes)[t]) for t in picked], rcol),
          download_name(run.source, f"utvikling-{rcol}", ".png"), "cmp_trend", f"Utvikling etter {rcol}")
    table, rounds_shown = trend_table(per_round, summary)
    st.dataframe(table, hide_index=True, height=35 * (len(table) + 1) + 3, column_config={
        r: st.column_config.NumberColumn(r, format="percent") for r in rounds_shown})
    st.caption(f"Andel av kommentarene med innhold per runde. * og ▲/▼: signifikant (5 % nivå, justert med "
               f"{CORRECTIONS['fdr_bh']}); endringen testes mellom første og siste runde, trenden med "
               "Cochran–Armitage-testen over alle runder.")


def view_comments(run: RunData, edited: Edited, comments: pd.DataFrame, show_original: bool) -> None:
    c1, c2, c3 = st.columns([3, 2, 2])
    search = c1.text_input("Søk i alle kommentarer", key="all_search", placeholder="Skriv ord eller \"en frase\"")
    topic_key = theme_key("all_topics")
    valid = theme_choices(edited) + [NONANSWER]
    st.session_state[topic_key] = [t for t in st.session_state.get(topic_key, []) if t in valid]
    topics = c2.multiselect("Tema", valid, key=topic_key, placeholder="Alle",
                            format_func=lambda t: theme_name(edited, t, with_size=False))
    sents = c3.multiselect("Sentiment", list(SENTIMENTS), key="all_sent", format_func=sentiment_nb,
                           placeholder="Alle")
    t1, t2, _ = st.columns([1, 1, 3])
    include_na = t1.toggle("Vis «ikke svar»", key="all_na", value=False)
    include_dup = t2.toggle("Vis duplikater", key="all_dup", value=True)
    shown = filter_comments(comments, search=search, topic_ids=topics, sentiments=sents,
                            include_nonanswers=include_na or NONANSWER in topics, include_duplicates=include_dup,
                            text_column="original_text" if show_original else "text")
    st.caption(f"Viser {fmt_int(len(shown))} av {fmt_int(len(comments))} kommentarer.")
    ids = shown["id"].astype(str).tolist()
    table = comment_table(shown, run.group_columns, show_theme=True, show_original=show_original)
    selectable_table(table, run, "tbl_all", ids)
    move_panel(run, edited, "tbl_all", ids)


def view_downloads(run: RunData, edited: Edited, show_original: bool) -> None:
    st.caption("Nedlastingene gjelder hele kjøringen (ikke utvalget i sidepanelet) og tar med endringene dine.")
    log_lines = editing.describe(edits_now(), {t.id: t.label for t in run.themes})
    c1, c2 = st.columns(2)
    with c1, st.container(border=True):
        st.markdown("**Kommentarer med temaer**")
        st.caption("Én rad per kommentar med tema, sentiment, gruppene og en 0/1-kolonne per tema.")
        include_original = show_original and run.has_original
        b1, b2 = st.columns(2)
        b1.download_button(
            "Excel (XLSX)", key="dl_xlsx", icon=":material/download:",
            data=lambda: exports.table_bytes(exports.tagged_comments(edited, run.group_columns, include_original),
                                             ".xlsx"),
            file_name=download_name(run.source, "kommentarer", ".xlsx"),
            mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
        b2.download_button(
            "CSV", key="dl_csv", icon=":material/download:",
            data=lambda: exports.table_bytes(exports.tagged_comments(edited, run.group_columns, include_original),
                                             ".csv"),
            file_name=download_name(run.source, "kommentarer", ".csv"), mime="text/csv")
    with c2, st.container(border=True):
        st.markdown("**Temaoversikt**")
        st.caption("Nøkkeltall, temaer med andeler og 95 % intervaller, sitater, grupper og utvikling over tid.")
        st.download_button(
            "Excel (XLSX)", key="dl_summary", icon=":material/download:",
            data=lambda: workbook.summary_workbook(edited, run.group_columns, log_lines),
            file_name=download_name(run.source, "temaoversikt", ".xlsx"),
            mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    with st.container(border=True):
        st.markdown("**Modellen, til neste runde**")
        st.caption("Bruk modellen til å merke en ny runde med de samme temaene og endringene dine:")
        st.code(f'fritekst tag NY_RUNDE.xlsx --text-column "{run.metadata.get("input", {}).get("text_column", "Svar")}"'
                f' --model "{run.model_folder}"', language="bash")
        st.download_button("Modellmappen (ZIP)", key="dl_model", icon=":material/download:",
                           data=lambda: zip_folder(run.model_folder), mime="application/zip",
                           file_name=download_name(run.source, "modell", ".zip"))
    st.caption("Diagrammene lastes ned med knappen under hvert diagram, eller med kamera-ikonet i diagrammets "
               "verktøylinje.")


def zip_folder(folder: Path) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for p in sorted(folder.rglob("*")):
            if p.is_file():
                zf.write(p, Path("model") / p.relative_to(folder))
    return buf.getvalue()


# ---------------------------------------------------------------------------- page


def header(run: RunData, comments: pd.DataFrame, total: int) -> bool:
    st.title("Åpne svar")
    created = run.metadata.get("created", "")
    try:
        when = datetime.fromisoformat(created).astimezone().strftime("%d.%m.%Y")
    except ValueError:
        when = ""
    parts = [run.source, f"{fmt_int(total)} kommentarer", f"{fmt_int(len(run.themes))} temaer"]
    if when:
        parts.append(f"analysert {when}")
    st.caption(md_escape(" · ".join(parts)))
    if len(comments) != total:
        st.caption(f"Utvalg: {fmt_int(len(comments))} av {fmt_int(total)} kommentarer (se sidepanelet).")
    show_original = False
    if run.has_original:
        st.warning("Denne kjøringen inneholder også originaltekstene, som kan ha personopplysninger.")
        show_original = st.toggle("Vis originaltekst (ikke anonymisert)", key="show_original", value=False)
    if not show_original:
        st.caption(PRIVACY_NOTE)
    return show_original


def main() -> None:
    st.set_page_config(page_title="Åpne svar – fritekst", page_icon=":material/forum:", layout="wide")
    freeze_startup_objects()
    st.sidebar.title("fritekst")
    st.sidebar.caption("Temaer, sentiment og sitater i åpne svar")
    sidebar_source()

    pending = st.session_state.pop("pending_upload", None)
    if pending is not None:
        data, name, settings = pending
        folder = run_analysis(data, name, settings, f"Analyserer {name}")
        if folder is not None:
            set_run(folder)
            st.session_state["run_is_sample"] = False
            flash("success", "Analysen er ferdig.")

    if not st.session_state.get("run_folder"):
        folder = ensure_sample()
        if folder is None:
            st.stop()
        set_run(folder)
        st.session_state["run_is_sample"] = True
    folder = st.session_state["run_folder"]
    try:
        run = cached_load(folder, folder_stamp(folder))
        sync_edits(run)
    except Exception as exc:  # noqa: BLE001 - e.g. the folder was deleted
        show_error(exc)
        st.session_state.pop("run_folder", None)
        st.stop()
    edited = edited_now(run)
    filters = sidebar_filters(run, edited)
    sidebar_edits(run)

    comments = filter_comments(edited.comments, groups=filters) if any(filters.values()) else edited.comments
    show_original = header(run, comments, len(edited.comments))
    message = st.session_state.pop("flash", None)
    if message:  # a toast is seen wherever the analyst has scrolled; problems also stay on the page
        kind, text = message
        icons = {"success": ":material/check_circle:", "info": ":material/undo:", "warning": ":material/warning:",
                 "error": ":material/error:"}
        st.toast(md_escape(text), icon=icons.get(kind))
        if kind in ("warning", "error"):
            getattr(st, kind)(md_escape(text))

    tabs = st.tabs(list(VIEWS), key="view", on_change="rerun")
    with tabs[0]:
        if tabs[0].open:
            view_overview(run, edited, comments)
    with tabs[1]:
        if tabs[1].open:
            view_theme(run, edited, comments, show_original)
    with tabs[2]:
        if tabs[2].open:
            view_compare(run, edited, comments)
    with tabs[3]:
        if tabs[3].open:
            view_comments(run, edited, comments, show_original)
    with tabs[4]:
        if tabs[4].open:
            view_downloads(run, edited, show_original)


main()
