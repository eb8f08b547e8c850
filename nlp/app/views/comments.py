"""The "Kommentarer" view: every comment, searchable and filterable, with the move panel."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from nlp.app.state import theme_key
from nlp.app.widgets import move_panel, selectable_table
from nlp.runs.store import RunData
from nlp.schema import NONANSWER, SENTIMENTS, Edited
from nlp.ui.filters import filter_comments
from nlp.ui.page import theme_choices, theme_name
from nlp.ui.tables import comment_table
from nlp.ui.text import fmt_int, sentiment_nb


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
    table = comment_table(shown, run.group_columns, show_theme=True, show_original=show_original,
                          themes=edited.themes)
    selectable_table(table, run, "tbl_all", ids)
    move_panel(run, edited, "tbl_all", ids)
