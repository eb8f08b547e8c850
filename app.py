"""fritekst in the browser: `streamlit run app.py`.

Analysts load a survey round (or open a saved run), read the themes with their quotes, compare
groups and rounds, fix themes, and download tables and charts. This script is the page: it
loads the run and routes to the views. Streamlit code lives in `nlp.app` (state, sidebar,
widgets, one module per view), pure logic in `nlp.ui`. Comment text is only ever shown with
`st.text` and `st.dataframe`, and anything user-supplied that goes into markdown is escaped
(`md_escape`).
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from nlp.app.running import ensure_sample, run_analysis
from nlp.app.sidebar import sidebar_edits, sidebar_filters, sidebar_source
from nlp.app.state import edited_now, flash, freeze_startup_objects, has_drivers, load_folder, set_run, sync_edits
from nlp.app.views.codebook import view_codebook
from nlp.app.views.comments import view_comments
from nlp.app.views.compare import view_compare
from nlp.app.views.downloads import view_downloads
from nlp.app.views.drivers import view_drivers
from nlp.app.views.overview import view_overview
from nlp.app.views.theme import view_theme
from nlp.app.widgets import show_error, show_flash
from nlp.runs.store import RunData
from nlp.sentiment.bundled import saved_sentiment_model
from nlp.ui.filters import filter_comments
from nlp.ui.page import PRIVACY_NOTE, run_caption, wide_counts
from nlp.ui.text import fmt_int, md_escape

DRIVERS = "Drivere"  # the view of runs with a rating


def header(run: RunData, comments: pd.DataFrame, total: int) -> bool:
    """Title, what the run is, the filter's size, and the original-text switch; True: show originals."""
    st.title("Åpne svar")
    st.caption(md_escape(run_caption(run.source, run.metadata.get("created", ""), total, len(run.themes),
                                     wide_counts(run.metadata), saved_sentiment_model(run.metadata))))
    if len(comments) != total:
        st.caption(f"Utvalg: {fmt_int(len(comments))} av {fmt_int(total)} kommentarer (se sidepanelet).")
    show_original = False
    if run.has_original:
        st.warning("Denne kjøringen inneholder også originaltekstene, som kan ha personopplysninger.")
        show_original = st.toggle("Vis originaltekst (ikke anonymisert)", key="show_original", value=False)
    if not show_original:
        st.caption(PRIVACY_NOTE)
    return show_original


def open_run() -> RunData:
    """The run to show: a just-analysed upload, the one picked before, or the sample."""
    pending = st.session_state.pop("pending_upload", None)
    if pending is not None:
        data, name, settings = pending
        folder = run_analysis(data, name, settings, f"Analyserer {name}")
        if folder is not None:
            set_run(folder)
            st.session_state["run_is_sample"] = False
            left_out = (load_folder(str(folder)).metadata.get("rating") or {}).get("left_out", 0)
            if left_out:
                flash("warning", f"Analysen er ferdig. {fmt_int(left_out)} respondenter mangler en gyldig vurdering "
                                 "og er holdt utenfor driverne; se fanen «Drivere».")
            else:
                flash("success", "Analysen er ferdig.")

    if not st.session_state.get("run_folder"):
        folder = ensure_sample()
        if folder is None:
            st.stop()
        set_run(folder)
        st.session_state["run_is_sample"] = True
    try:
        run = load_folder(st.session_state["run_folder"])
        sync_edits(run)
    except Exception as exc:  # noqa: BLE001 - e.g. the folder was deleted
        show_error(exc)
        st.session_state.pop("run_folder", None)
        st.stop()
    return run


def main() -> None:
    st.set_page_config(page_title="Åpne svar – fritekst", page_icon=":material/forum:", layout="wide")
    freeze_startup_objects()
    st.sidebar.title("fritekst")
    st.sidebar.caption("Temaer, sentiment og sitater i åpne svar")
    sidebar_source()

    run = open_run()
    edited = edited_now(run)
    filters = sidebar_filters(run, edited)
    sidebar_edits(run)

    comments = filter_comments(edited.comments, groups=filters) if any(filters.values()) else edited.comments
    show_original = header(run, comments, len(edited.comments))
    show_flash()

    views = {
        "Oversikt": lambda: view_overview(run, edited, comments),
        "Tema": lambda: view_theme(run, edited, comments, show_original),
        "Sammenlign": lambda: view_compare(run, edited, comments),
        DRIVERS: lambda: view_drivers(run, edited, show_original),
        "Kommentarer": lambda: view_comments(run, edited, comments, show_original),
        "Kodebok": lambda: view_codebook(run, edited),
        "Last ned": lambda: view_downloads(run, edited, show_original),
    }
    if not has_drivers(run):
        del views[DRIVERS]
    tabs = st.tabs(list(views), key="view", on_change="rerun")
    for tab, view in zip(tabs, views.values()):
        with tab:
            if tab.open:
                view()


main()
