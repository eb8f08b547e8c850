"""Runs the app shows: computed once per file and settings, kept on disk, read back safely.

A run is an ordinary `fritekst analyze` output folder (comments.parquet, topics.csv,
summary.xlsx, model/). The app keeps the runs it computes in the runs folder (`runs_dir()`:
FRITEKST_RUNS_DIR, else `cache_dir()/runs`) under `<key>`, where the key fingerprints the
file's bytes, the settings and the engine (fritekst version, engine source and bundled models),
so an unchanged file with unchanged settings is never analysed twice, and a changed engine
never serves stale results. Only Parquet and JSON are read back (never pickle).

The runs folder is also the only place the app opens runs from and writes edits to: a run is
picked from `list_runs()` by its folder name, and every path is resolved (symlinks followed,
`..` collapsed) and refused if it lands outside the folder (`confine`).
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import tempfile
from dataclasses import asdict, dataclass
from datetime import datetime
from functools import lru_cache
from pathlib import Path

from nlp import __version__
from nlp.themes.edits import Edits
from nlp.errors import InputError
from nlp.paths import PROJECT_ROOT, cache_dir, models_dir
from nlp.progress import Progress, silent
from nlp.runs.store import RUN_INFO

SAMPLE_FILE = PROJECT_ROOT / "data" / "kommuneundersokelse_2019_2021.csv"
SAMPLE_CODEBOOK = PROJECT_ROOT / "data" / "codebook.yaml"
_ENGINE_DIR = Path(__file__).resolve().parents[1]


@dataclass(frozen=True)
class RunSettings:
    """What, besides the file's bytes, decides a run's results.

    One open column is ``text_column`` (the long layout: one row per answer). Several
    (``text_columns``, a wide export: one row per respondent) are kept in ``text_columns``, and
    ``text_column`` is then empty; a single entry in ``text_columns`` becomes ``text_column``, so
    both spellings give the same run. ``to_dict`` leaves out the wide, rating, sentiment-model,
    per-question and scale fields while they are unset, so runs computed before they existed keep their keys.
    """

    text_column: str = ""
    id_column: str | None = None
    group_columns: tuple[str, ...] = ()
    sheet: str | None = None
    codebook_yaml: str | None = None  # the codebook's text, so an edited codebook is a new run
    seed: int = 42
    text_columns: tuple[str, ...] = ()  # several open columns: the wide layout
    rating_column: str | None = None  # a numeric rating per respondent: the theme drivers
    sentiment_model: str | None = None  # a bundled sentiment model's name (default: DEFAULT_MODEL, fine-tuned)
    per_question: bool = False  # a wide file: each question's own themes
    rating_scale: tuple[float, float] | None = None  # the rating's scale (default: inferred from the values)

    def __post_init__(self) -> None:
        columns = tuple(dict.fromkeys(self.text_columns))
        if len(columns) == 1:
            object.__setattr__(self, "text_column", columns[0])
            columns = ()
        elif columns:
            object.__setattr__(self, "text_column", "")
        object.__setattr__(self, "text_columns", columns)
        object.__setattr__(self, "group_columns", tuple(self.group_columns))
        if self.rating_scale is not None:
            object.__setattr__(self, "rating_scale", tuple(float(v) for v in self.rating_scale))
        if not columns:  # one question: nothing to find per question
            object.__setattr__(self, "per_question", False)
        if not self.text_column and not columns:
            raise ValueError("RunSettings needs a text column")

    @property
    def texts(self) -> str | list[str]:
        """What `load_survey` takes: the one column, or the list of columns of a wide file."""
        return list(self.text_columns) if self.text_columns else self.text_column

    @property
    def wide(self) -> bool:
        return bool(self.text_columns)

    def to_dict(self) -> dict:
        d = asdict(self)
        d["group_columns"] = list(self.group_columns)
        d["text_columns"] = list(self.text_columns)
        for name in ("text_columns", "rating_column", "sentiment_model", "per_question", "rating_scale"):
            if not d[name]:
                del d[name]
        if "rating_scale" in d:
            d["rating_scale"] = list(self.rating_scale)
        return d


def sample_settings() -> RunSettings:
    return RunSettings(
        text_column="Svar", id_column="Svar-ID", group_columns=("Rolle", "Fylke", "År", "Spørsmål"),
        codebook_yaml=SAMPLE_CODEBOOK.read_text(encoding="utf-8"),
    )


@lru_cache(maxsize=1)
def engine_stamp() -> str:
    """Changes whenever results could change: fritekst version, engine source and its resources
    (name lists, the non-answer model), bundled models.

    The app's own code (nlp/ui, nlp/app) is left out: changing a view must not recompute runs.
    """
    h = hashlib.sha256(__version__.encode())
    resources = [p for p in (_ENGINE_DIR / "resources").rglob("*") if p.is_file() and p.suffix != ".pyc"]
    for path in sorted({*_ENGINE_DIR.rglob("*.py"), *resources}):
        if {"ui", "app"} & set(path.relative_to(_ENGINE_DIR).parts[:-1]):
            continue
        h.update(path.relative_to(_ENGINE_DIR).as_posix().encode() + b"\0" + path.read_bytes())
    root = models_dir()
    if root.is_dir():
        for path in sorted(root.rglob("*")):
            if path.is_file():
                st = path.stat()
                h.update(f"{path.relative_to(root).as_posix()}\0{st.st_size}\0{st.st_mtime_ns}".encode())
    return h.hexdigest()


def run_key(data: bytes, file_name: str, settings: RunSettings) -> str:
    h = hashlib.sha256()
    h.update(hashlib.sha256(data).digest())
    h.update(Path(file_name).suffix.lower().encode())
    h.update(json.dumps(settings.to_dict(), sort_keys=True, ensure_ascii=False).encode())
    h.update(engine_stamp().encode())
    return h.hexdigest()[:24]


RUNS_ENV = "FRITEKST_RUNS_DIR"


def runs_dir() -> Path:
    """The runs folder: FRITEKST_RUNS_DIR, else `runs/` in the cache folder."""
    override = os.environ.get(RUNS_ENV, "").strip()
    return Path(override).expanduser() if override else cache_dir() / "runs"


class OutsideRunsFolder(InputError):
    """A path that resolves outside the runs folder (through `..` or a symlink)."""


def confine(path: str | Path, root: str | Path | None = None) -> Path:
    """``path`` resolved (symlinks followed, `..` collapsed), if it lies inside the runs folder.

    A relative path is taken relative to the runs folder. Raises `OutsideRunsFolder` for the
    runs folder itself and for anything outside it.
    """
    root = Path(root) if root is not None else runs_dir()
    try:
        real_root = root.resolve(strict=True)
    except OSError:
        raise OutsideRunsFolder(f"run folder not found: the runs folder '{root}' does not exist") from None
    path = Path(path)
    resolved = (path if path.is_absolute() else root / path).resolve()
    if resolved == real_root or not resolved.is_relative_to(real_root):
        raise OutsideRunsFolder(f"'{path}' is outside the runs folder")
    return resolved


def _confine_tree(folder: Path, root: Path) -> None:
    """Every symlink in a run folder must stay inside the runs folder as well."""
    confine(folder, root)
    for base, dirs, files in os.walk(folder, followlinks=False):
        for name in dirs + files:
            entry = Path(base) / name
            if entry.is_symlink():
                confine(entry, root)


def _is_run(folder: Path) -> bool:
    return (folder / "comments.parquet").is_file() and (folder / "model").is_dir()


@dataclass(frozen=True)
class SavedRun:
    """A run in the runs folder, as the app's picker lists it."""

    name: str        # the folder's name inside the runs folder
    label: str       # what the picker shows: source, date and time
    folder: Path
    modified: float  # when comments.parquet was written (seconds since the epoch)


def _run_label(folder: Path, modified: float) -> str:
    when = datetime.fromtimestamp(modified).strftime("%d.%m.%Y %H:%M")
    source = ""
    for path, keys in ((folder / RUN_INFO, ("source",)), (folder / "model" / "metadata.json", ("input", "source"))):
        try:
            value = json.loads(path.read_text(encoding="utf-8"))
            for k in keys:
                value = value.get(k) if isinstance(value, dict) else None
        except (OSError, ValueError):
            value = None
        if isinstance(value, str) and value.strip():
            source = Path(value.strip()).name
            break
    if source and re.fullmatch(r"[0-9a-f]{24}", folder.name):  # the app's own runs, named by their key
        return f"{source} – {when} ({folder.name[:6]})"
    return f"{folder.name} – {source + ', ' if source and source != folder.name else ''}{when}"


def list_runs(root: str | Path | None = None) -> list[SavedRun]:
    """The finished runs directly in the runs folder, newest first.

    Left out: anything that is not a run (no comments.parquet or model/), runs being written
    (`upload-*`), hidden folders, and every folder that is, or holds, a symlink leading out
    of the runs folder.
    """
    root = Path(root) if root is not None else runs_dir()
    if not root.is_dir():
        return []
    runs = []
    for child in root.iterdir():
        if child.name.startswith((".", "upload-")):
            continue
        try:
            _confine_tree(child, root)
            if not child.is_dir() or not _is_run(child):
                continue
            modified = (child / "comments.parquet").stat().st_mtime
        except (OutsideRunsFolder, OSError):
            continue
        runs.append(SavedRun(child.name, _run_label(child, modified), child, modified))
    return sorted(runs, key=lambda r: (-r.modified, r.name))


def open_saved_run(name: str, root: str | Path | None = None) -> Path:
    """The folder of the run called ``name`` in the runs folder; refuses any other path."""
    root = Path(root) if root is not None else runs_dir()
    if not name or name in (".", "..") or Path(name).name != name or "\\" in name:
        raise OutsideRunsFolder(f"'{name}' is outside the runs folder")
    folder = root / name
    _confine_tree(folder, root)
    if not folder.is_dir() or not _is_run(folder):
        raise InputError(f"run folder not found: '{name}' is not a run in the runs folder")
    return folder


def save_run_edits(folder: str | Path, edits: Edits, root: str | Path | None = None) -> None:
    """Save the analyst's edits with a run's model, only if every path stays in the runs folder."""
    from nlp.runs.model_store import EDITS, save_edits

    root = Path(root) if root is not None else runs_dir()
    model = Path(folder) / "model"
    for path in (Path(folder), model, model / EDITS):
        confine(path, root)
    save_edits(model, edits)


def cached_run(key: str, root: Path | None = None) -> Path | None:
    """The finished run folder for `key` in the runs folder (or `root`), if there is one (folders appear
    only when complete)."""
    folder = (root or runs_dir()) / key
    if (folder / RUN_INFO).is_file() and (folder / "comments.parquet").is_file():
        return folder
    return None


def _safe_name(file_name: str) -> str:
    name = Path(file_name).name
    stem, suffix = Path(name).stem, Path(name).suffix
    stem = re.sub(r"[^\w\-. ]", "_", stem).strip(" .") or "fil"
    return stem[:100] + suffix.lower()


def compute_run(data: bytes, file_name: str, settings: RunSettings, progress: Progress = silent) -> Path:
    """Analyse an uploaded file and store the run; return its folder (reused if already there).

    Raises `FritekstError` subclasses for problems the user can fix.
    """
    import yaml

    from nlp.analyze import AnalyzeOptions, analyze
    from nlp.themes.codebook import codebook_from_dict
    from nlp.errors import InputError
    from nlp.io import load_survey

    key = run_key(data, file_name, settings)
    done = cached_run(key)
    if done is not None:
        return done
    codebook = None
    if settings.codebook_yaml:
        try:
            parsed = yaml.safe_load(settings.codebook_yaml)
        except yaml.YAMLError as exc:
            raise InputError(f"codebook: cannot read codebook: {str(exc).splitlines()[0]}") from None
        codebook = codebook_from_dict(parsed, "codebook")
    root = runs_dir()
    root.mkdir(mode=0o700, parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="upload-", dir=root) as tmp:
        path = Path(tmp) / _safe_name(file_name)
        path.write_bytes(data)
        survey = load_survey(path, settings.texts, settings.id_column, list(settings.group_columns),
                             settings.sheet, rating_column=settings.rating_column)
        analysis = analyze(survey, AnalyzeOptions(codebook=codebook, seed=settings.seed,
                                                  sentiment_model=settings.sentiment_model,
                                                  per_question=settings.per_question,
                                                  rating_scale=settings.rating_scale), progress)
        info = {"key": key, "source": Path(file_name).name, "settings": settings.to_dict(),
                "group_columns": survey.group_columns, "fritekst_version": __version__}
        return store_run(analysis, survey.group_columns, info, Path(tmp), root)


def store_run(analysis, group_columns: list[str], info: dict, tmp: Path, root: Path) -> Path:
    """Write a run and its run.json in `tmp`, then move it into place as `root/<info["key"]>`
    (folders appear only when complete; if the same run finished first elsewhere, that one stays)."""
    from nlp.runs.store import write_analysis

    staging = tmp / "run"
    write_analysis(analysis, staging, group_columns)
    (staging / RUN_INFO).write_text(json.dumps(info, ensure_ascii=False, indent=2), encoding="utf-8")
    target = root / info["key"]
    try:
        os.replace(staging, target)
    except OSError:  # another session finished the same run first
        if cached_run(info["key"], root) is None:
            shutil.rmtree(target, ignore_errors=True)
            os.replace(staging, target)
    return target
