"""The "Oversikt" view: key numbers, the themes chart (a click opens a theme) and the theme table."""

from __future__ import annotations

from functools import partial

import pandas as pd
import streamlit as st

from nlp.app.state import theme_key
from nlp.app.widgets import png_button
from nlp.runs.store import RunData
from nlp.schema import OUTLIER, TOPIC_ID, Edited
from nlp.report.workbook import multi_code_note
from nlp.themes.membership import several_codes
from nlp.ui import charts
from nlp.ui.page import clicked_theme, overview_table, theme_order
from nlp.ui.text import fmt_int, fmt_pct
from nlp.ui.uploads import download_name


def view_overview(run: RunData, edited: Edited, comments: pd.DataFrame) -> None:
    total = len(comments)
    nonanswer = int(comments["is_nonanswer"].sum())
    sub = total - nonanswer
    dup = int(comments["is_duplicate"].sum())
    outliers = int((comments[TOPIC_ID] == OUTLIER).sum())
    several = several_codes(comments)
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
    cols[4].metric("Temaer", fmt_int(len(edited.themes)),
                   help=(f"{fmt_int(several)} kommentarer har flere temaer og telles i hvert av dem."
                         if several else None))
    cols[5].metric("Uten tema", fmt_int(outliers), delta=fmt_pct(outliers / sub) if sub else None,
                   delta_color="off", delta_arrow="off", help="Kommentarer med innhold som ikke passer i noe tema.")
    if sub == 0:
        st.info("Ingen kommentarer med innhold i utvalget.")
        return
    st.subheader("Temaer etter størrelse og sentiment")
    note = multi_code_note(comments)
    st.caption("Antall kommentarer med innhold i hvert tema, fordelt på sentiment. Andelen er av alle kommentarer "
               "med innhold i utvalget." + (f" {note}" if note else ""))
    fig = charts.theme_overview(comments, theme_order(edited), theme_info=edited.themes)
    key = f"ov_chart_{st.session_state.get('ov_clicks', 0)}"  # a new key clears the click's highlight
    st.plotly_chart(fig, key=key, on_select=partial(open_clicked_theme, key), selection_mode="points",
                    config=charts.plotly_config(download_name(run.source, "temaer", "")))
    st.caption("Klikk på et tema i diagrammet for å åpne det.")
    png_button(fig, download_name(run.source, "temaer", ".png"), "png_ov_chart",
               "Temaer etter størrelse og sentiment")

    st.subheader("Tabell")
    if note:
        st.caption(note)
    shown = overview_table(comments, edited)
    st.dataframe(shown, hide_index=True, height=35 * (len(shown) + 1) + 3, column_config={
        "Tema": st.column_config.TextColumn("Tema", width="medium"),
        "Antall": st.column_config.NumberColumn("Antall", format="localized"),
        "Andel": st.column_config.ProgressColumn("Andel", format="percent", min_value=0, max_value=1,
                                                 help="Av kommentarene med innhold" + (f". {note}" if note else "")),
        "Positiv": st.column_config.NumberColumn("Positive", format="percent", help="Andel positive i temaet"),
        "Negativ": st.column_config.NumberColumn("Negative", format="percent", help="Andel negative i temaet"),
        "Nøkkelord": st.column_config.TextColumn("Nøkkelord", width="large"),
    })


def open_clicked_theme(key: str) -> None:
    """A click on a bar in the overview opens that theme."""
    points = st.session_state[key].selection.points if key in st.session_state else []
    tid = clicked_theme(points)
    if tid is not None:
        st.session_state[theme_key("theme_pick")] = tid
        st.session_state["view"] = "Tema"
        st.session_state["ov_clicks"] = st.session_state.get("ov_clicks", 0) + 1
