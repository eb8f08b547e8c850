"""The "Sammenlign" view: themes between groups (heatmap, intervals, significant differences) and over rounds."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from nlp.app.state import theme_key
from nlp.app.widgets import chart
from nlp.report.groups import group_values
from nlp.report.workbook import multi_code_note
from nlp.report.stats import CORRECTIONS, compare_groups, looks_like_rounds, trend_across_rounds
from nlp.runs.store import RunData
from nlp.schema import QUESTION, TOPIC_ID, Edited
from nlp.ui import charts
from nlp.ui.page import group_labels, theme_name, theme_order
from nlp.ui.tables import significant_table, trend_table
from nlp.ui.text import md_escape
from nlp.ui.uploads import download_name


def view_compare(run: RunData, edited: Edited, comments: pd.DataFrame) -> None:
    if not run.group_columns:
        st.info("Denne kjøringen har ingen gruppekolonner å sammenligne. Velg gruppekolonner når du laster opp filen.")
        return
    themes = theme_order(edited)
    rounds = [g for g in run.group_columns if looks_like_rounds(edited.comments, g)]
    modes = ["Mellom grupper", "Over tid"] if rounds else ["Mellom grupper"]
    mode = st.radio("Sammenligning", modes, key="cmp_mode", horizontal=True, label_visibility="collapsed")
    if mode == "Over tid":
        compare_rounds(run, edited, comments, themes, rounds)
    else:
        compare_between_groups(run, edited, comments, themes)


def compare_between_groups(run: RunData, edited: Edited, comments: pd.DataFrame, themes) -> None:
    labels = group_labels(run.group_columns)
    column = st.selectbox("Sammenlign etter", run.group_columns, key="cmp_column", format_func=labels.get)
    name = labels[column]
    groups = group_values(comments[~comments["is_nonanswer"].to_numpy(dtype=bool)], column)
    if len(groups) < 2:
        st.info(f"Utvalget har bare én verdi i «{md_escape(name)}». Fjern utvalget i sidepanelet for å sammenligne.")
        return
    cmp = compare_groups(comments, column, themes)
    st.subheader(f"Temaer etter {md_escape(name.lower() if column == QUESTION else name)}")
    st.caption("Andel av kommentarene med innhold i hver gruppe. ▲/▼: gruppen ligger signifikant over/under "
               "resten av kommentarene (5 % nivå, justert for mange sammenligninger med "
               f"{CORRECTIONS['fdr_bh']}). Hold pekeren over en rute for 95 % konfidensintervall og p-verdi."
               + (f" {note}" if (note := multi_code_note(comments)) else ""))
    chart(charts.group_heatmap(cmp, themes, groups, name), download_name(run.source, f"etter-{name}", ".png"),
          "cmp_heat", f"Andel per tema etter {name}")
    if column == QUESTION:
        with st.expander("Spørsmålene i sin helhet"):
            st.dataframe(pd.DataFrame({name: groups}), hide_index=True)
    theme_ids = [t for t, _ in themes]
    pick = st.selectbox("Vis ett tema med konfidensintervaller", theme_ids, key=theme_key("cmp_theme"),
                        format_func=lambda t: theme_name(edited, t, with_size=False))
    label = theme_name(edited, pick, with_size=False)
    chart(charts.group_bars(cmp[cmp[TOPIC_ID] == pick], label, name),
          download_name(run.source, f"tema-{pick}-etter-{name}", ".png"), "cmp_bars",
          f"{label} etter {name} (95 % konfidensintervall)")
    st.markdown("#### Signifikante forskjeller")
    sig = significant_table(cmp, name)
    if sig.empty:
        st.caption("Ingen grupper skiller seg signifikant fra resten etter justering for mange sammenligninger.")
    else:
        st.dataframe(sig, hide_index=True, height=min(35 * (len(sig) + 1) + 3, 600), column_config={
            "Andel": st.column_config.NumberColumn(format="percent"),
            "Resten": st.column_config.NumberColumn(format="percent"),
            "Kommentarer i gruppen": st.column_config.NumberColumn(format="localized"),
        })


def compare_rounds(run: RunData, edited: Edited, comments: pd.DataFrame, themes, rounds: list[str]) -> None:
    labels = group_labels(run.group_columns)
    rcol = rounds[0] if len(rounds) == 1 else st.selectbox("Runde-kolonne", rounds, key="cmp_round_col",
                                                           format_func=labels.get)
    per_round, summary = trend_across_rounds(comments, rcol, themes)
    st.subheader(f"Utvikling etter {md_escape(labels[rcol])}")
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
