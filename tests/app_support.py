"""Shared by the app tests (AppTest and browser): the sample run, computed once per session."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
APP = ROOT / "app.py"


@pytest.fixture(scope="session")
def sample_run() -> Path:
    """The bundled sample analysed exactly as the app does on start (cold: a few minutes, once).

    It lands in the session's FRITEKST_CACHE, where the app (in-process or as a server started
    with the same environment) finds it instead of computing it again.
    """
    from nlp.runs.app_runs import SAMPLE_FILE, compute_run, sample_settings

    return compute_run(SAMPLE_FILE.read_bytes(), SAMPLE_FILE.name, sample_settings())


WIDE_FILE = ROOT / "data" / "kommuneundersokelse_wide.csv"
#: two of the wide sample's ten open questions (grants and IMDi's guidance, which move the rating)
WIDE_TEXTS = ("Har du kommentarer til samarbeidet med IMDi?", "Har du kommentarer til tilskuddsordningene?")
WIDE_RATING = "Hvor nyttig er samarbeidet med IMDi? (1-5)"
WIDE_GROUPS = ("År", "Fylke", "Rolle")  # what the upload guesses for the wide sample


def wide_settings():
    """The settings an analyst gets by uploading the wide sample and keeping two questions (the rating's
    scale as its column name states it)."""
    from nlp.runs.app_runs import RunSettings

    return RunSettings(text_columns=WIDE_TEXTS, id_column="Respondent", group_columns=WIDE_GROUPS,
                       rating_column=WIDE_RATING, rating_scale=(1.0, 5.0))


@pytest.fixture(scope="session")
def wide_run() -> Path:
    """The wide sample (two questions, with the rating) analysed as the app does (~1 minute, once).

    Stored in the session's runs folder under its key, so the app finds it when an analyst makes
    the same choices, and a server started with the same environment lists it.
    """
    from nlp.runs.app_runs import compute_run

    return compute_run(WIDE_FILE.read_bytes(), WIDE_FILE.name, wide_settings())


def copy_run(run: Path, dest: Path) -> Path:
    """A private copy of a run, for tests that edit it."""
    shutil.copytree(run, dest)
    return dest


def copy_into_runs(run: Path, name: str) -> Path:
    """A private copy of a run in the runs folder, the only place the app opens runs from."""
    from nlp.runs.app_runs import runs_dir

    dest = runs_dir() / name
    shutil.rmtree(dest, ignore_errors=True)
    return copy_run(run, dest)


def run_label(folder: Path) -> str:
    """What the app's run picker shows for a run in the runs folder."""
    from nlp.runs.app_runs import list_runs

    return next(r.label for r in list_runs() if r.name == folder.name)
