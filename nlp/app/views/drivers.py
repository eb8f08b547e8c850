"""The "Drivere" view (runs with a rating): themes ranked by their impact on the rating, with
intervals, a table, and the answers behind a chosen theme. It follows the analyst's edits."""

from __future__ import annotations

import streamlit as st

from nlp.app.state import drivers_now, ratings_now, theme_key
from nlp.app.widgets import chart, show_error
from nlp.runs.store import RunData
from nlp.schema import QUESTION, TOPIC_ID, Edited
from nlp.ui import charts, drivers
from nlp.ui.page import group_labels
from nlp.ui.text import md_escape, sentiment_nb
from nlp.ui.uploads import download_name


def view_drivers(run: RunData, edited: Edited, show_original: bool) -> None:
    try:
        table, check = drivers_now(run)
    except Exception as exc:  # noqa: BLE001 - e.g. a damaged respondents file
        show_error(exc)
        return
    st.subheader(f"Hva trekker «{md_escape(check.column)}» opp og ned?")
    st.caption(md_escape(drivers.impact_explanation(check)))
    note = drivers.rating_note(check)
    if note:
        st.warning(md_escape(note), icon=":material/warning:")
    st.caption("Driverne gjelder hele kjøringen (ikke utvalget i sidepanelet) og tar med endringene dine i temaene.")
    if table["impact"].notna().sum() == 0:
        st.info("Ingen temaer har nok respondenter med vurdering til å beregne en effekt.")
        return
    chart(charts.drivers_chart(table), download_name(run.source, "drivere", ".png"), "drv_chart",
          f"Temaer etter effekt på {check.column}")
    shown = drivers.drivers_table(table)
    st.dataframe(shown, hide_index=True, height=min(35 * (len(shown) + 1) + 3, 600), column_config={
        "Tema": st.column_config.TextColumn("Tema", width="medium"),
        "Respondenter": st.column_config.NumberColumn(format="localized", help="Respondenter med temaet og en "
                                                                               "gyldig vurdering"),
        "Effekt": st.column_config.NumberColumn(help="Endring i snittet for alle om disse hadde svart som de andre"),
    })

    st.markdown("#### Svarene bak et tema")
    ranked = [int(t) for t in table[TOPIC_ID]]
    key = theme_key("drv_theme")
    if st.session_state.get(key) not in ranked:
        st.session_state[key] = ranked[0]
    labels = dict(zip(ranked, table["label"].astype(str)))
    tid = st.selectbox("Tema", ranked, key=key, format_func=lambda t: labels.get(t, str(t)))
    row = table[table[TOPIC_ID] == tid].iloc[0]
    st.caption(md_escape(drivers.driver_summary(row)))
    quotes = drivers.theme_quotes(edited, tid, ratings_now(run), run.metadata)
    if quotes.empty:
        st.caption("Ingen svar i temaet.")
    names = group_labels(run.group_columns)
    for _, q in quotes.iterrows():
        with st.container(border=True):
            st.text(str(q["original_text"] if show_original and "original_text" in q else q["text"]))
            meta = [f"Vurdering: {q[drivers.RATING] or 'mangler'}", sentiment_nb(q["sentiment"])]
            if QUESTION in names and QUESTION in q:
                meta.append(f"{names[QUESTION]}: {q[QUESTION]}")
            st.caption(md_escape(" · ".join(meta)))
