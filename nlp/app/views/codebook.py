"""The "Kodebok" view: the run's codes, and adding a code or splitting a theme, which re-assigns the
comments without finding the themes again (`nlp.runs.recode_run`); the result is a new run, and
the one before stays a click away."""

from __future__ import annotations

import streamlit as st

from nlp.app.state import flash, load_folder, set_run
from nlp.app.widgets import show_error
from nlp.runs.store import RunData
from nlp.schema import OUTLIER, Edited
from nlp.ui.codebook_edit import (
    CodeDraft, add_code, codes_table, describe_recode, run_codebook, split_theme, theme_ref,
)
from nlp.ui.page import theme_name
from nlp.ui.text import md_escape

WAIT = "Fordeler kommentarene på nytt etter kodeboken ..."
VERSION = "cb_form_version"  # part of the forms' widget keys: a new version starts them empty


def view_codebook(run: RunData, edited: Edited) -> None:
    codebook = run_codebook(run.metadata)
    st.markdown("#### Kodeboken")
    st.caption("Kodene kommentarene tildeles etter. Legg til en kode, eller del opp et tema i flere: kommentarene "
               "fordeles da på nytt uten at temaene finnes på nytt (det tar noen sekunder). Resultatet blir en ny "
               "versjon av kjøringen; den forrige kan du gå tilbake til.")
    if run.info.get("recoded"):
        labels = {t.id: t.name for t in codebook.themes}
        st.info(md_escape(describe_recode(run.info["recoded"], labels)))
        if st.button("Tilbake til versjonen før endringen", key="cb_parent"):
            _open_parent(run)
    if not codebook.themes:
        st.info("Kjøringen har ingen kodebok: alle temaene er funnet i dataene. Legg til koder for det du vil "
                "telle.")
    table = codes_table(codebook, edited)
    st.dataframe(table, hide_index=True, width="stretch", height=min(35 * (len(table) + 1) + 3, 700),
                 column_config={"Beskrivelse": st.column_config.TextColumn("Beskrivelse", width="large"),
                                "Kommentarer": st.column_config.NumberColumn("Kommentarer")})

    if (run.metadata.get("parameters") or {}).get("per_question"):
        st.info("Denne kjøringen har egne temaer per spørsmål. Kodeboken kan ikke endres for slike kjøringer ennå; "
                "analyser filen uten «per spørsmål» for å redigere kodeboken.")
        return
    v = st.session_state.get(VERSION, 0)
    left, right = st.columns(2)
    with left, st.form("cb_add", clear_on_submit=False):
        st.markdown("**Ny kode**")
        name = st.text_input("Navn", key=f"cb_add_name@{v}", placeholder="F.eks. Tolketjenester")
        description = st.text_input("Beskrivelse (én linje)", key=f"cb_add_desc@{v}")
        seeds = st.text_area("Stikkord", key=f"cb_add_seeds@{v}", height=100,
                             help="Ord og uttrykk som kjennetegner koden, ett per linje eller skilt med komma. "
                                  "Sammensatte ord fanges opp («tolk» finner også «tolketjeneste»).")
        if st.form_submit_button("Legg til og fordel på nytt", type="primary"):
            _apply(run, lambda: add_code(codebook, CodeDraft(name, description, seeds)))

    choices = [t.id for t in edited.themes if t.id != OUTLIER]
    with right, st.form("cb_split", clear_on_submit=False):
        st.markdown("**Del opp et tema**")
        tid = st.selectbox("Tema", choices, key=f"cb_split_theme@{v}", format_func=lambda t: theme_name(edited, t))
        drafts = []
        for k in (1, 2):
            c1, c2 = st.columns(2)
            part_name = c1.text_input(f"Ny kode {k}: navn", key=f"cb_split_name{k}@{v}")
            part_seeds = c2.text_input(f"Ny kode {k}: stikkord", key=f"cb_split_seeds{k}@{v}",
                                       help="Skilt med komma.")
            part_desc = st.text_input(f"Ny kode {k}: beskrivelse", key=f"cb_split_desc{k}@{v}")
            drafts.append(CodeDraft(part_name, part_desc, part_seeds))
        if st.form_submit_button("Del opp temaet", disabled=not choices):
            _apply(run, lambda: split_theme(codebook, theme_ref(edited, tid), drafts))

    if codebook.themes:
        st.download_button("Last ned kodeboken (YAML)", codebook.to_yaml().encode("utf-8"),
                           file_name="kodebok.yaml", mime="application/x-yaml", key="cb_download",
                           help="Samme kodebok kan brukes med `fritekst analyze --codebook` og `fritekst recode`.")


def _apply(run: RunData, edit) -> None:
    """Make the edited codebook, assign the run again under it, and open the new run."""
    from nlp.runs.recode_run import recode_run

    try:
        codebook = edit()
        with st.spinner(WAIT):
            folder = recode_run(run.folder, codebook)
            new = load_folder(str(folder))
    except Exception as exc:  # noqa: BLE001 - every failure becomes a Norwegian message
        show_error(exc)
        return
    set_run(folder)
    st.session_state["run_is_sample"] = False
    st.session_state[VERSION] = st.session_state.get(VERSION, 0) + 1  # done: empty forms for the next edit
    labels = {t.id: t.name for t in codebook.themes}
    flash("success", describe_recode(new.info.get("recoded") or {}, labels))
    st.rerun()


def _open_parent(run: RunData) -> None:
    from nlp.runs.app_runs import open_saved_run

    try:
        folder = open_saved_run(str(run.info["parent"]))
        load_folder(str(folder))
    except Exception as exc:  # noqa: BLE001
        show_error(exc)
        return
    set_run(folder)
    flash("success", "Versjonen før kodebokendringen er åpnet.")
    st.rerun()
