"""The sidebar: where the data comes from (sample, upload, saved run), the group filters and the edits list."""

from __future__ import annotations

import hashlib

import streamlit as st

from nlp.app.state import cached_upload, edits_now, flash, load_folder, reset_edits, set_run, undo
from nlp.app.widgets import show_error
from nlp.report.groups import group_values
from nlp.runs.app_runs import SAMPLE_CODEBOOK, RunSettings, list_runs, open_saved_run
from nlp.sentiment.bundled import FROZEN_MODEL as FROZEN_SENTIMENT
from nlp.runs.store import RunData
from nlp.schema import Edited
from nlp.ui import editing
from nlp.ui.text import fmt_int, md_escape
from nlp.ui.page import group_labels
from nlp.ui.uploads import (
    group_candidates, guess_group_columns, guess_id_column, guess_rating_column, guess_text_column,
    guess_text_columns, guess_scale_choice, rating_candidates, upload_limits, uploader_label, SCALE_CHOICES,
)

SOURCES = ("Eksempeldata", "Last opp fil", "Åpne lagret kjøring")
NONE = "(ingen)"


def sidebar_source() -> None:
    """Pick the data: the sample, an uploaded file (with its columns and codebook) or a saved run."""
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
        sb.caption("Én rad per svar, eller én rad per respondent med ett åpent spørsmål per kolonne. "
                   "Velg kolonnene etter opplasting.")
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
        texts = guess_text_columns(frame) or [guess_text_column(frame) or columns[0]]
        id_col = guess_id_column(frame, exclude=tuple(texts))
        rating = guess_rating_column(frame, exclude=(*texts, id_col))
        st.session_state["up_texts"] = texts
        st.session_state["up_id"] = id_col or NONE
        st.session_state["up_rating"] = rating or NONE
        st.session_state["up_groups"] = guess_group_columns(frame, exclude=(*texts, id_col, rating))
    texts = sb.multiselect(
        "Kolonner med svarene", columns, key="up_texts", placeholder="Velg minst én kolonne",
        help="Én kolonne: én rad per svar. Flere kolonner: ett åpent spørsmål per kolonne og én rad per "
             "respondent (slik Questback, Nettskjema og SurveyXact eksporterer); temaene finnes på tvers av "
             "spørsmålene, og spørsmålet blir en gruppe du kan filtrere og sammenligne på.")
    per_question = False
    if len(texts) > 1:
        sb.caption(f"{len(texts)} spørsmål: hvert svar blir én kommentar, med respondent og spørsmål.")
        per_question = sb.checkbox(
            "Egne temaer per spørsmål", key="up_per_question",
            help="Finn temaene i hvert spørsmål for seg, i stedet for felles temaer på tvers av spørsmålene. "
                 "Hvert spørsmål trenger da minst tre ulike svar med innhold.")
    id_options = [NONE] + [c for c in columns if c not in texts]
    if st.session_state.get("up_id") not in id_options:
        st.session_state["up_id"] = NONE
    id_choice = sb.selectbox("ID-kolonne (valgfri)", id_options, key="up_id",
                             help="En kolonne med en unik verdi per rad (per respondent når svarene står i flere "
                                  "kolonner). Uten ID brukes radnummeret.")
    id_col = None if id_choice == NONE else id_choice
    rating_options = [NONE] + rating_candidates(frame, exclude=(*texts, id_col))
    if st.session_state.get("up_rating") not in rating_options:
        st.session_state["up_rating"] = NONE
    rating_choice = sb.selectbox(
        "Vurdering (valgfri)", rating_options, key="up_rating",
        help="En tallkolonne per respondent (skala 1–5, 1–7 eller 0–10), f.eks. «Hvor nyttig er ...». "
             "Gir fanen «Drivere»: hvilke temaer som trekker vurderingen opp eller ned.")
    rating = None if rating_choice == NONE else rating_choice
    rating_scale = None
    if rating is not None:
        if st.session_state.get("up_scale_for") != rating:  # a new rating column: its name may state the scale
            st.session_state["up_scale_for"] = rating
            st.session_state["up_rating_scale"] = guess_scale_choice(rating)
        scale_choice = sb.selectbox(
            "Skala for vurderingen", list(SCALE_CHOICES), key="up_rating_scale",
            help="Uten valg gjettes skalaen ut fra verdiene (1–5, 1–7 eller 0–10). Verdier utenfor skalaen "
                 "holdes utenfor driverne, og analysen sier hvilke rader det gjelder.")
        rating_scale = SCALE_CHOICES[scale_choice]
    options = group_candidates(frame, exclude=(*texts, id_col, rating))
    st.session_state["up_groups"] = [g for g in st.session_state.get("up_groups", []) if g in options]
    groups = sb.multiselect("Gruppekolonner", options, key="up_groups",
                            help="For å sammenligne temaer mellom grupper, f.eks. rolle, fylke, år og spørsmål.")
    if not texts:
        sb.info("Velg kolonnen (eller kolonnene) med de åpne svarene.")
        return
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
    choice = sb.radio("Sentimentmodell", ["Finjustert (anbefalt)", "Rask"], key="up_sentiment",
                      help="Den finjusterte modellen leser kommentarene med en egen, finjustert språkmodell og "
                           "treffer bedre på norske setninger (69,3 mot 64,2 macro-F1 på NoReC). Den raske "
                           "modellen bruker bare temaanalysens tekstvektorer: en ny analyse tar omtrent to "
                           "tredjedeler av tiden.")
    sentiment_model = FROZEN_SENTIMENT if choice == "Rask" else None
    settings = RunSettings(text_columns=tuple(texts), id_column=id_col, group_columns=tuple(groups),
                           sheet=st.session_state.get("up_sheet"), codebook_yaml=codebook_yaml, rating_column=rating,
                           sentiment_model=sentiment_model, per_question=per_question, rating_scale=rating_scale)
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
            load_folder(str(folder))
        except Exception as exc:  # noqa: BLE001
            show_error(exc, sb)
            return
        set_run(folder)
        st.session_state["run_is_sample"] = False
        flash("success", "Kjøringen er åpnet.")


def sidebar_filters(run: RunData, edited: Edited) -> dict[str, list[str]]:
    """One multiselect per group column; the chosen values per column (empty: all)."""
    sb = st.sidebar
    if not run.group_columns:
        return {}
    sb.subheader("Utvalg")
    chosen = {}
    labels = group_labels(run.group_columns)
    for col in run.group_columns:
        values = group_values(edited.comments, col)
        key = f"flt_{col}"
        if key in st.session_state:
            st.session_state[key] = [v for v in st.session_state[key] if v in values]
        chosen[col] = sb.multiselect(md_escape(labels[col]), values, key=key, placeholder="Alle")
    if any(chosen.values()):
        sb.button("Nullstill utvalget", key="clear_filters", on_click=clear_filters, args=(run.group_columns,))
    return chosen


def clear_filters(columns: list[str]) -> None:
    """Callback of "Nullstill utvalget"."""
    for col in columns:
        st.session_state[f"flt_{col}"] = []


def sidebar_edits(run: RunData) -> None:
    """The analyst's edits in words, with undo and reset."""
    sb = st.sidebar
    sb.subheader("Endringer i temaene")
    edits = edits_now()
    fitted = {t.id: t.label for t in run.themes}
    lines = editing.describe(edits, fitted)
    if lines:
        for line in lines:
            sb.caption(md_escape(line))
    else:
        sb.caption("Ingen endringer ennå. Gi nytt navn, slå sammen, flytt kommentarer eller gi dem flere temaer "
                   "under «Tema» og «Kommentarer».")
    c1, c2 = sb.columns(2)
    c1.button("Angre", key="undo", on_click=undo, args=(run,), disabled=not st.session_state.get("history"),
              width="stretch")
    c2.button("Tilbakestill", key="reset_edits", on_click=reset_edits, args=(run,), disabled=editing.is_empty(edits),
              width="stretch", help="Fjerner alle endringer (kan angres).")
    if not editing.is_empty(edits):
        sb.caption("Endringene er lagret med modellen og brukes av `fritekst tag`.")
    if (edits.moves or edits.removed) and sb.button(
            "Lær av rettingene", key="learn", width="stretch",
            help="Modellen lærer av kommentarene du har gitt et annet tema (flyttet, eller fjernet temaet så det "
                 "neste tok over), slik at `fritekst tag` også retter lignende kommentarer i nye runder. Denne "
                 "kjøringen endres ikke."):
        learn(run, edits)


def learn(run: RunData, edits) -> None:
    """ "Lær av rettingene": refit the run's model on the analyst's moves (`nlp.runs.learn`)."""
    from nlp.runs.learn import learn_from_edits

    try:
        with st.spinner("Modellen lærer av rettingene ..."):
            n = learn_from_edits(run.folder, run.comments, edits)
    except Exception as exc:  # noqa: BLE001
        show_error(exc, st.sidebar)
        return
    st.sidebar.success(f"Modellen har lært av {n} rettede kommentartekst(er). `fritekst tag` bruker det på nye "
                       "runder.")
