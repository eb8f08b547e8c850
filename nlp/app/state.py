"""The session's state: the open run, its edits (sync, commit, undo, reset) and the cached loaders."""

from __future__ import annotations

import gc
import hashlib
import json
import logging
from pathlib import Path

import streamlit as st

from nlp.errors import FritekstError
from nlp.runs.app_runs import save_run_edits
from nlp.runs.store import RunData, load_run, read_edits
from nlp.schema import Edited
from nlp.themes.edits import Edits
from nlp.ui import charts, drivers, editing
from nlp.ui.uploads import UploadLimits, read_upload

log = logging.getLogger("fritekst.app")

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


@st.cache_resource(max_entries=6, show_spinner=False)
def cached_ratings(folder: str, stamp: tuple):
    """Every respondent's rating as read (`respondents.parquet`); shared, never mutated."""
    return drivers.read_ratings(folder)


@st.cache_resource(max_entries=32, show_spinner=False)
def cached_drivers(folder: str, stamp: tuple, edits_json: str):
    """The drivers of the edited themes: (table, RatingCheck)."""
    run = cached_load(folder, stamp)
    return drivers.edited_drivers(cached_edited(folder, stamp, edits_json), cached_ratings(folder, stamp),
                                  run.metadata)


@st.cache_resource(max_entries=16, show_spinner=False)
def cached_upload(digest: str, name: str, sheet: str | None, limits: UploadLimits, _data: bytes):
    return read_upload(_data, name, sheet, limits)


@st.cache_resource(show_spinner=False)
def folder_stamp(folder: str) -> tuple:
    p = Path(folder)
    return tuple((n, (p / n).stat().st_mtime_ns) for n in ("comments.parquet", "topics.csv") if (p / n).exists())


def load_folder(folder: str) -> RunData:
    """The run in `folder`, read once per change of its files."""
    return cached_load(folder, folder_stamp(folder))


# ---------------------------------------------------------------------------- the open run and its edits


def edits_now() -> Edits:
    return Edits.from_dict(st.session_state["edits"])


def edited_now(run: RunData) -> Edited:
    folder = str(run.folder)
    return cached_edited(folder, folder_stamp(folder), json.dumps(st.session_state["edits"], sort_keys=True))


def has_drivers(run: RunData) -> bool:
    return drivers.has_rating(run.metadata, run.folder)


def ratings_now(run: RunData):
    folder = str(run.folder)
    return cached_ratings(folder, folder_stamp(folder))


def drivers_now(run: RunData):
    """(drivers table, RatingCheck) after the analyst's edits; None for a run without a rating."""
    if not has_drivers(run):
        return None
    folder = str(run.folder)
    return cached_drivers(folder, folder_stamp(folder), json.dumps(st.session_state["edits"], sort_keys=True))


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


def undo(run: RunData) -> None:
    """Callback of "Angre": back to the edits before the last change."""
    history = st.session_state.get("history", [])
    if not history:
        return
    st.session_state["edits"] = history.pop()
    st.session_state["history"] = history
    if store_edits(run, edits_now()):
        flash("info", "Siste endring er angret.")


def reset_edits(run: RunData) -> None:
    """Callback of "Tilbakestill": no edits (itself undoable)."""
    commit_edits(run, Edits(), "Alle endringer er fjernet. Trykk «Angre» for å få dem tilbake.")


def flash(kind: str, message: str) -> None:
    """A message for the next run of the page (shown as a toast; problems also on the page)."""
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
