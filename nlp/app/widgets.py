"""Widgets several views share: error messages, selectable comment tables, the move panel, charts."""

from __future__ import annotations

import logging
from pathlib import Path

import pandas as pd
import streamlit as st

from nlp.app.state import commit_edits, edited_now, edits_now, flash, theme_key
from nlp.runs.store import RunData
from nlp.schema import OUTLIER, Edited
from nlp.ui import charts, editing
from nlp.ui.messages import user_message
from nlp.ui.page import theme_choices, theme_name
from nlp.ui.text import md_escape

log = logging.getLogger("fritekst.app")

FLASH_ICONS = {"success": ":material/check_circle:", "info": ":material/undo:", "warning": ":material/warning:",
               "error": ":material/error:"}


def show_error(exc: BaseException, where=None) -> None:
    """A failure as a Norwegian message (and its detail); unexpected ones are also logged."""
    msg = user_message(exc)
    target = where or st
    target.error(md_escape(msg.text))
    if msg.detail:
        target.caption("Detaljer: " + md_escape(msg.detail, 400))
    if not hasattr(exc, "__module__") or not type(exc).__module__.startswith("nlp"):
        log.exception("unexpected error in the app", exc_info=exc)


def show_flash() -> None:
    """The message left by the last action: a toast is seen wherever the analyst has scrolled;
    problems also stay on the page."""
    message = st.session_state.pop("flash", None)
    if message:
        kind, text = message
        st.toast(md_escape(text), icon=FLASH_ICONS.get(kind))
        if kind in ("warning", "error"):
            getattr(st, kind)(md_escape(text))


def table_config(run: RunData) -> dict:
    return {
        "Kommentar": st.column_config.TextColumn("Kommentar", width="large"),
        "Originaltekst": st.column_config.TextColumn("Originaltekst (ikke anonymisert)", width="large"),
        "Tema": st.column_config.TextColumn("Tema", width="medium", help="Hovedtemaet"),
        "Andre temaer": st.column_config.TextColumn("Andre temaer", width="medium",
                                                    help="Kommentaren telles også i disse temaene"),
        "Sentiment": st.column_config.TextColumn("Sentiment", width="small"),
        "Merknad": st.column_config.TextColumn("Merknad", width="small"),
        "ID": st.column_config.TextColumn("ID", width="small"),
    }


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
    """Change the themes of the picked comments (rows selected in the table above, or typed ids):
    move them to a theme, or add or remove one of their themes (codes)."""
    pick_key = f"move_{key}"
    if pick_key in st.session_state:
        valid = set(ids)
        st.session_state[pick_key] = [i for i in st.session_state[pick_key] if i in valid]
    with st.container(border=True):
        st.markdown("**Endre temaene til valgte kommentarer**")
        c1, c2 = st.columns([3, 3], vertical_alignment="bottom")
        picked = c1.multiselect("Kommentarer (velg rader i tabellen, eller skriv ID)", ids, key=pick_key,
                                placeholder="Ingen valgt")
        targets = theme_choices(edited)
        target = c2.selectbox("Velg tema", targets, key=theme_key(f"move_target_{key}"),
                              format_func=lambda t: theme_name(edited, t, with_size=False))
        b1, b2, b3, b4 = st.columns([1, 1, 1, 2], vertical_alignment="center")
        args = (run, list(picked), target, pick_key)
        b1.button("Flytt", key=f"move_btn_{key}", on_click=move_comments, args=(*args, f"keep_{key}"),
                  disabled=not picked, width="stretch",
                  help="Temaet blir kommentarens hovedtema. Uten «Behold de andre temaene» blir det det eneste.")
        b2.button("Legg til tema", key=f"add_btn_{key}", on_click=change_code, args=(*args, True),
                  disabled=not picked or target == OUTLIER, width="stretch",
                  help="Kommentaren får temaet i tillegg til de den har.")
        b3.button("Fjern tema", key=f"remove_btn_{key}", on_click=change_code, args=(*args, False),
                  disabled=not picked or target == OUTLIER, width="stretch",
                  help="Kommentaren mister temaet; har den flere, blir det neste hovedtema.")
        b4.checkbox("Behold de andre temaene", key=f"keep_{key}", value=False)
        st.caption("En kommentar kan ha flere temaer. Like kommentarer endres sammen, og endringene gjelder også når "
                   "modellen brukes på nye runder.")


def move_comments(run: RunData, ids: list[str], target: int, pick_key: str, keep_key: str) -> None:
    """Callback of "Flytt"."""
    edited = edited_now(run)
    try:
        new, moved = editing.move(edits_now(), edited, ids, target, keep_codes=bool(st.session_state.get(keep_key)))
    except editing.EditError as exc:
        flash("error", str(exc))
        return
    commit_edits(run, new, f"{moved} kommentar(er) flyttet til «{theme_name(edited, target, with_size=False)}».")
    st.session_state[pick_key] = []


def change_code(run: RunData, ids: list[str], theme: int, pick_key: str, add: bool) -> None:
    """Callback of "Legg til tema" and "Fjern tema"."""
    edited = edited_now(run)
    name = theme_name(edited, theme, with_size=False)
    try:
        new, n = (editing.add_code if add else editing.remove_code)(edits_now(), edited, ids, theme)
    except editing.EditError as exc:
        flash("error", str(exc))
        return
    if add and n == 0:
        flash("info", f"De valgte kommentarene har allerede «{name}».")
        return
    commit_edits(run, new, f"«{name}» lagt til på {n} kommentar(er)." if add else
                 f"«{name}» fjernet fra {n} kommentar(er).")
    st.session_state[pick_key] = []


def png_button(fig, name: str, key: str, title: str) -> None:
    if not charts.png_export_available():
        return
    st.download_button("Last ned diagrammet (PNG)", data=lambda: charts.to_png(fig, title), file_name=name,
                       mime="image/png", key=key,
                       icon=":material/download:", type="tertiary")


def chart(fig, name: str, key: str, title: str) -> None:
    """A Plotly chart with its PNG download button under it."""
    st.plotly_chart(fig, key=key, config=charts.plotly_config(Path(name).stem))
    png_button(fig, name, f"png_{key}", title)
