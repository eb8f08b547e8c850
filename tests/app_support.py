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
