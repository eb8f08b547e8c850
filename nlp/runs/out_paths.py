"""Output paths that never destroy anything by surprise, checked before any work starts.

* An output that is the input file (or, for `analyze`, a folder that holds the input) is refused.
* `analyze --out DIR` into a non-empty folder needs `--force`, and even then only a folder that
  holds nothing but a previous run's files is replaced (never a home folder by a typo).
* A run is written to a hidden sibling folder and moved into place when it is complete; the old
  run is removed only after that, so a failure leaves the previous run as it was.
* Whether the output can be written is tried (a folder is created and removed) before the
  survey is even read.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import uuid
from collections.abc import Iterator, Sequence
from pathlib import Path

from nlp.errors import OutputError

#: names a run folder may hold (written by `analyze`, and `run.json` by the app)
RUN_ENTRIES = frozenset({
    "comments.parquet", "comments.xlsx", "comments.sav", "topics.csv", "summary.xlsx", "drivers.csv",
    "respondents.parquet", "model", "edits.previous.json", "run.json", ".DS_Store",
})


def _same_path(a: Path, b: Path) -> bool:
    try:
        if a.exists() and b.exists():
            return os.path.samefile(a, b)
        return a.resolve() == b.resolve()
    except OSError:
        return False


def _inside(path: Path, folder: Path) -> bool:
    try:
        return path.resolve().is_relative_to(folder.resolve())
    except OSError:
        return False


def _reason(exc: OSError) -> str:
    return exc.strerror or type(exc).__name__


def _probe_folder(parent: Path, shown: str) -> None:
    """Create the parent folders and a scratch folder in ``parent``: proof that the run can land."""
    try:
        parent.mkdir(parents=True, exist_ok=True)
        probe = parent / f".fritekst-probe-{uuid.uuid4().hex[:12]}"
        probe.mkdir()
        probe.rmdir()
    except OSError as exc:
        raise OutputError(f"{shown}: cannot write here ({_reason(exc)}); choose another --out") from None


def check_run_folder(out: str | Path, inputs: Sequence[str | Path] = (), force: bool = False) -> Path:
    """Refuse an `analyze` output folder that would overwrite something unasked; return it.

    Checked: not a file, not the input file and not a folder that holds an input, nothing in it
    but a previous run's files, empty unless ``force``, and its parent writable.
    """
    out = Path(out)
    shown = str(out)
    for item in inputs:
        if _same_path(out, Path(item)):
            raise OutputError(f"{shown}: --out is the input file; choose an output folder")
        if out.is_dir() and _inside(Path(item), out):
            raise OutputError(f"{shown}: --out holds the input file {Path(item).name}; choose another folder")
    if out.exists() and not out.is_dir():
        raise OutputError(f"{shown}: --out is a file, not a folder; choose an output folder")
    if out.is_dir():
        try:
            entries = sorted(e.name for e in out.iterdir())
        except OSError as exc:
            raise OutputError(f"{shown}: cannot read the output folder ({_reason(exc)})") from None
        foreign = [e for e in entries if e not in RUN_ENTRIES]
        if foreign:
            more = f" and {len(foreign) - 1} more" if len(foreign) > 1 else ""
            raise OutputError(
                f"{shown}: not a fritekst output folder (it holds '{foreign[0]}'{more}); "
                "not replaced even with --force; choose an empty or new folder"
            )
        if entries and not force:
            raise OutputError(
                f"{shown}: output folder is not empty; add --force to replace the previous run in it"
            )
    _probe_folder(out.resolve().parent, shown)
    return out


def check_table_file(out: str | Path, inputs: Sequence[str | Path] = (), not_inside: Sequence[str | Path] = ()) -> Path:
    """Refuse a `tag --out` file that is an input, a folder or inside ``not_inside`` (the model)."""
    from nlp.io import WRITABLE_SUFFIXES

    out = Path(out)
    shown = str(out)
    if out.suffix.lower() not in WRITABLE_SUFFIXES:
        raise OutputError(
            f"{shown}: cannot write '{out.suffix or '(none)'}' files (supported: {', '.join(WRITABLE_SUFFIXES)})"
        )
    for item in inputs:
        if _same_path(out, Path(item)):
            raise OutputError(f"{shown}: --out is the input file; choose another output file")
    for folder in not_inside:
        if _inside(out, Path(folder)):
            raise OutputError(f"{shown}: --out is inside the model folder {folder}; choose another place")
    if out.is_dir():
        raise OutputError(f"{shown}: --out is a folder; give a file name (.xlsx, .csv or .parquet)")
    _probe_folder(out.resolve().parent, shown)
    return out


@contextlib.contextmanager
def staged_folder(out: str | Path, force: bool = False) -> Iterator[Path]:
    """Yield a new hidden sibling of ``out`` to write a run into; on success it becomes ``out``.

    The previous contents of ``out`` are moved aside, the new folder renamed into place, and only
    then is the old one deleted. If writing fails, the staging folder is removed and ``out`` is
    untouched.
    """
    check_run_folder(out, force=force)
    out = Path(out).resolve()
    stage = out.parent / f".{out.name}.new-{uuid.uuid4().hex[:12]}"
    try:
        stage.mkdir()
    except OSError as exc:
        raise OutputError(f"{out}: cannot write here ({_reason(exc)}); choose another --out") from None
    try:
        yield stage
        _swap_into_place(stage, out)
    except BaseException:
        shutil.rmtree(stage, ignore_errors=True)
        raise


def _swap_into_place(stage: Path, out: Path) -> None:
    try:
        if out.is_dir() and not any(out.iterdir()):
            out.rmdir()
        if not out.exists():
            os.replace(stage, out)
            return
        old = out.parent / f".{out.name}.old-{uuid.uuid4().hex[:12]}"
        os.replace(out, old)
        try:
            os.replace(stage, out)
        except OSError:
            os.replace(old, out)
            raise
    except OSError as exc:
        raise OutputError(f"{out}: cannot move the new run into place ({_reason(exc)})") from None
    shutil.rmtree(old, ignore_errors=True)
