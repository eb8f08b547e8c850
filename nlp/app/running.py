"""Analysing a file from the page: one progress bar per stage, and the stored run when there is one."""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from nlp.app.widgets import show_error
from nlp.runs.app_runs import SAMPLE_FILE, RunSettings, cached_run, compute_run, run_key, sample_settings
from nlp.ui.page import stage_progress
from nlp.ui.text import md_escape

STAGES = ("Rensing", "Språkanalyse", "Anonymisering", "Embedding", "Sentiment", "Temaer")


class StageProgress:
    """One progress bar per analysis stage, filled in as the engine reports."""

    def __init__(self, container) -> None:
        self.container = container
        self.bars = {stage: container.progress(0.0, text=f"{stage}: venter") for stage in STAGES}

    def __call__(self, stage: str, done: int, total: int) -> None:
        if stage not in self.bars:
            self.bars[stage] = self.container.progress(0.0)
        frac, text = stage_progress(stage, done, total)
        self.bars[stage].progress(frac, text=text)


def run_analysis(data: bytes, name: str, settings: RunSettings, intro: str) -> Path | None:
    """The run folder for this file and these settings: stored, or analysed now with progress bars."""
    key = run_key(data, name, settings)
    done = cached_run(key)
    if done is not None:
        return done
    placeholder = st.empty()
    box = placeholder.container(border=True)
    box.markdown(f"**{md_escape(intro)}**")
    box.caption("Resultatet lagres, så neste gang åpnes det med en gang.")
    try:
        folder = compute_run(data, name, settings, StageProgress(box))
    except Exception as exc:  # noqa: BLE001 - every failure becomes a Norwegian message
        show_error(exc, box)
        return None
    placeholder.empty()
    return folder


def ensure_sample() -> Path | None:
    """The bundled sample's run (analysed on first start)."""
    data = SAMPLE_FILE.read_bytes()
    return run_analysis(data, SAMPLE_FILE.name, sample_settings(),
                        "Eksempeldataene analyseres for første gang. Det tar et par minutter.")
