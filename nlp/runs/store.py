"""A run folder, written by `fritekst analyze` and by the app, and read back by the app: one store.

A run folder holds comments.parquet (and .xlsx), topics.csv, summary.xlsx, model/ (`model_store`)
and, for the app's runs, run.json. Every CSV/XLSX cell is formula-safe (`nlp.report.safe_cells`);
a run folder is written beside its target and moved into place when complete
(`nlp.runs.out_paths.staged_folder`). Only Parquet, CSV and JSON are read back, never pickle.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from nlp.errors import InputError
from nlp.io import write_table
from nlp.report.safe_cells import unescape_cell
from nlp.report.stats import sentiment_by_theme
from nlp.report.workbook import respondent_counts, write_summary
from nlp.runs.model_store import load_edits, load_model, save_model
from nlp.runs.out_paths import staged_folder
from nlp.report.spss import write_sav
from nlp.schema import (
    CODE_SENTIMENT, CODES, FITTED_CODE_SENTIMENT, FITTED_CODES, FITTED_TOPIC_ID, THEME_COLUMN_PREFIX, TOPIC_ID,
    Analysis, Edited, ThemeInfo,
)
from nlp.themes.edits import Edits

#: in a run folder replaced with --force: the analyst's edits to the previous run's themes
PREVIOUS_EDITS = "edits.previous.json"
#: the app's record of the file and settings a run was computed from
RUN_INFO = "run.json"
COMMENTS = "comments.parquet"
#: with a rating column: every respondent's rating as read (also those without any answer)
RESPONDENTS = "respondents.parquet"


def topics_table(analysis: Analysis) -> pd.DataFrame:
    sent = sentiment_by_theme(analysis.comments, analysis.themes).set_index(TOPIC_ID)
    rows = []
    for t in analysis.themes:
        row = {
            TOPIC_ID: t.id, "label": t.label, "keywords": ", ".join(t.keywords),
            "size": t.size, "share": round(t.share, 4), "quote_ids": json.dumps(t.quote_ids, ensure_ascii=False),
            "codebook_id": t.codebook_id or "",
        }
        for col in ("positive", "negative", "neutral", "mixed"):
            row[f"sentiment_{col}"] = int(sent[col].get(t.id, 0)) if t.id in sent.index else 0
        rows.append(row)
    return pd.DataFrame(rows)


def write_analysis(analysis: Analysis, out_dir: str | Path, group_columns: list[str], force: bool = False) -> Path:
    """Write a run folder atomically. A non-empty ``out_dir`` needs ``force`` and must hold a run.

    The new run starts without edits (its themes are new); the analyst's edits to the run it
    replaces are kept beside it as ``edits.previous.json`` for reference.
    """
    out = Path(out_dir)
    with staged_folder(out, force) as stage:
        write_table(analysis.comments, stage / COMMENTS)
        write_table(analysis.comments, stage / "comments.xlsx")
        write_sav(analysis.comments, [(t.id, t.label) for t in analysis.themes], stage / "comments.sav",
                  codes_column=None, columns=_sav_columns(analysis.comments))
        write_table(topics_table(analysis), stage / "topics.csv")
        if analysis.ratings is not None:
            write_table(analysis.ratings.reset_index(), stage / RESPONDENTS)
        if analysis.drivers is not None:
            write_table(analysis.drivers, stage / "drivers.csv")
        write_summary(Edited(analysis.comments, analysis.themes), stage / "summary.xlsx", group_columns,
                      drivers=analysis.drivers, respondents=respondent_counts(analysis.metadata))
        save_model(stage / "model", analysis.model, analysis.metadata, analysis.edits)
        _keep_previous_edits(out, stage)
    return out


def _sav_columns(comments: pd.DataFrame) -> list[str]:
    """Everything but the 0/1 theme columns, which the .sav file writes itself as labelled variables."""
    return [c for c in comments.columns if c != TOPIC_ID and not str(c).startswith(THEME_COLUMN_PREFIX)]


def _keep_previous_edits(old_run: Path, new_run: Path) -> None:
    """Copy the replaced run's edits (if it had any) to ``edits.previous.json`` of the new run."""
    import shutil

    edits = old_run / "model" / "edits.json"
    try:
        doc = json.loads(edits.read_text(encoding="utf-8"))
        empty = isinstance(doc, dict) and not any(doc.values())
    except (OSError, ValueError):
        empty = not edits.is_file()
    if not empty:
        shutil.copyfile(edits, new_run / PREVIOUS_EDITS)
    elif (old_run / PREVIOUS_EDITS).is_file():
        shutil.copyfile(old_run / PREVIOUS_EDITS, new_run / PREVIOUS_EDITS)


def write_tagged(analysis: Analysis, path: str | Path) -> Path:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    write_table(analysis.comments, path)
    return path


def read_edits(folder: str | Path) -> Edits:
    """The analyst's edits saved with a run's model, checked against its themes (none if absent)."""
    return load_edits(Path(folder) / "model")


@dataclass
class RunData:
    """A run as the app uses it: the comments and themes as fitted (before analyst edits)."""

    folder: Path
    comments: pd.DataFrame
    themes: list[ThemeInfo]
    metadata: dict
    edits: Edits
    source: str
    group_columns: list[str]
    has_original: bool = False
    info: dict = field(default_factory=dict)

    @property
    def model_folder(self) -> Path:
        return self.folder / "model"


def load_run(folder: str | Path) -> RunData:
    """Read an `analyze` output folder (or an app run); raises InputError/ModelError if it is not one."""
    folder = Path(folder).expanduser()
    for name in ("comments.parquet", "topics.csv", "model"):
        if not (folder / name).exists():
            raise InputError(f"{folder}: not an analyze output folder ({name} is missing)")
    saved = load_model(folder / "model")
    metadata, edits = saved.metadata, saved.edits
    comments = pd.read_parquet(folder / "comments.parquet")
    themes = _read_topics(folder / "topics.csv")
    info: dict = {}
    if (folder / RUN_INFO).is_file():
        try:
            info = json.loads((folder / RUN_INFO).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            info = {}
    inp = metadata.get("input") or {}
    groups = [g for g in (info.get("group_columns") or inp.get("group_columns") or []) if g in comments.columns]
    source = str(info.get("source") or inp.get("source") or folder.name)
    comments = _with_fitted_topics(comments)
    return RunData(folder=folder, comments=comments, themes=themes, metadata=metadata, edits=edits,
                   source=source, group_columns=groups, has_original="original_text" in comments.columns,
                   info=info)


def _read_topics(path: Path) -> list[ThemeInfo]:
    topics = pd.read_csv(path, dtype=str, keep_default_na=False).map(unescape_cell)
    return [
        ThemeInfo(int(r.topic_id), str(r.label), [k for k in str(r.keywords).split(", ") if k], int(r.size),
                  float(r.share), json.loads(r.quote_ids or "[]"), r.codebook_id or None)
        for r in topics.itertuples()
    ]


def _with_fitted_topics(comments: pd.DataFrame) -> pd.DataFrame:
    """Comments as the model assigned them, before any edits.

    `analyze` writes comments.parquet with no edits, and the app never rewrites it (edits live
    in model/edits.json), so the stored topic ids are the model's own. `fitted_topic_id` keeps
    them (and `fitted_codes` the codes) while the app applies edits on top.
    """
    comments = comments.copy()
    comments[FITTED_TOPIC_ID] = comments[TOPIC_ID].astype(int)
    if CODES in comments:
        comments[FITTED_CODES] = comments[CODES].fillna("").astype(str)
    if CODE_SENTIMENT in comments:
        comments[FITTED_CODE_SENTIMENT] = comments[CODE_SENTIMENT].fillna("").astype(str)
    return comments

