"""The "Tema" view: one theme with its quotes and comments, and renaming or merging it."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from nlp.app.state import commit_edits, edited_now, edits_now, flash, theme_key
from nlp.app.widgets import move_panel, selectable_table
from nlp.runs.store import RunData
from nlp.schema import OUTLIER, SENTIMENTS, Edited
from nlp.themes.membership import code_sentiments, member_mask, several_codes
from nlp.report.workbook import MULTI_CODE_NOTE
from nlp.ui import charts, editing
from nlp.ui.filters import filter_comments
from nlp.ui.page import group_labels, theme_choices, theme_name
from nlp.ui.tables import comment_table
from nlp.ui.text import fmt_int, fmt_pct, md_escape, sentiment_nb


def view_theme(run: RunData, edited: Edited, comments: pd.DataFrame, show_original: bool) -> None:
    choices = theme_choices(edited)
    pick_key = theme_key("theme_pick")
    if st.session_state.get(pick_key) not in choices:
        st.session_state[pick_key] = choices[0]
    tid = st.selectbox("Tema", choices, key=pick_key,
                       format_func=lambda t: theme_name(edited, t))
    theme = edited.theme(tid)
    members = comments[member_mask(comments, tid)]  # every comment with the theme among its codes
    st.subheader(md_escape(theme_name(edited, tid, with_size=False)))
    if theme and theme.keywords:
        st.caption("Nøkkelord: " + md_escape(" · ".join(theme.keywords)))
    elif tid == OUTLIER:
        st.caption("Kommentarer med innhold som ikke passer godt i noe tema. Flytt dem gjerne til riktig tema.")
    sub_n = int((~comments["is_nonanswer"].to_numpy(dtype=bool)).sum())
    c1, c2, c3 = st.columns([1, 1, 3])
    c1.metric("Kommentarer", fmt_int(len(members)))
    c2.metric("Andel", fmt_pct(len(members) / sub_n) if sub_n else "–",
              help="Av kommentarene med innhold i utvalget. " + MULTI_CODE_NOTE)
    in_theme = pd.Series(code_sentiments(members, [tid], edited.themes)[:, 0],  # each comment's sentiment here
                         index=members["id"].astype(str).to_numpy(), dtype=object)
    with c3:
        if len(members):
            st.plotly_chart(charts.sentiment_split(members, sentiments=in_theme.to_numpy()), key="theme_sent",
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
                names = group_labels(run.group_columns)
                meta = [sentiment_nb(in_theme.get(qid) or row["sentiment"])] + [f"{names[g]}: {row[g]}"
                                                                                 for g in run.group_columns]
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
               "Velg rader for å flytte dem eller endre temaene deres.")
    ids = shown_rows["id"].astype(str).tolist()
    table = comment_table(shown_rows, run.group_columns, show_theme=several_codes(members) > 0,
                          show_original=show_original,
                          themes=edited.themes)
    selectable_table(table, run, "tbl_theme", ids)
    move_panel(run, edited, "tbl_theme", ids)


def edit_theme_panel(run: RunData, edited: Edited, tid: int) -> None:
    c1, c2 = st.columns(2)
    with c1:
        st.text_input("Nytt navn", key=f"rename_{tid}", value=edited.label_of(tid), max_chars=120)
        st.button("Gi nytt navn", key=f"rename_btn_{tid}", on_click=rename_theme, args=(run, tid))
    with c2:
        others = [t.id for t in edited.themes if t.id != tid]
        st.selectbox("Slå sammen med", others, key=theme_key(f"merge_{tid}"), index=None, placeholder="Velg tema",
                     format_func=lambda t: theme_name(edited, t))
        st.button("Slå sammen", key=f"merge_btn_{tid}", on_click=merge_theme, args=(run, tid),
                  help="Kommentarene i dette temaet flyttes inn i det valgte temaet, som beholder navnet sitt.")


def rename_theme(run: RunData, tid: int) -> None:
    """Callback of "Gi nytt navn"."""
    edited = edited_now(run)
    old = edited.label_of(tid)
    try:
        new = editing.rename(edits_now(), edited, tid, st.session_state.get(f"rename_{tid}", ""))
    except editing.EditError as exc:
        flash("error", str(exc))
        return
    commit_edits(run, new, f"«{old}» heter nå «{new.renames[tid]}».")


def merge_theme(run: RunData, tid: int) -> None:
    """Callback of "Slå sammen"."""
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
