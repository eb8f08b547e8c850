"""Writing an analysis to disk, and reading a saved run back (for the app).

Every CSV/XLSX cell is formula-safe (`nlp.report.safe_cells`); a run folder is written beside its
target and moved into place when complete (`nlp.runs.out_paths.staged_folder`).
"""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd

from nlp.schema import Analysis, OUTLIER, TOPIC_ID, ThemeInfo
from nlp.errors import InputError
from nlp.io import write_table
from nlp.runs.model_store import load_model, save_model
from nlp.runs.out_paths import staged_folder
from nlp.report.safe_cells import XLSX_OPTIONS, neutralise_frame, unescape_cell

#: in a run folder replaced with --force: the analyst's edits to the previous run's themes
PREVIOUS_EDITS = "edits.previous.json"
from nlp.report.shares import sentiment_by_theme, theme_shares


def topics_table(analysis: Analysis) -> pd.DataFrame:
    sent = sentiment_by_theme(analysis.comments).set_index(TOPIC_ID)
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


def summary_sheets(analysis: Analysis, group_columns: list[str]) -> dict[str, pd.DataFrame]:
    c = analysis.comments
    overview = pd.DataFrame([
        {"mål": "kommentarer", "antall": len(c)},
        {"mål": "ikke svar", "antall": int(c["is_nonanswer"].sum())},
        {"mål": "duplikater", "antall": int(c["is_duplicate"].sum())},
        {"mål": "uten tema", "antall": int((c[TOPIC_ID] == OUTLIER).sum())},
        {"mål": "temaer", "antall": len(analysis.themes)},
    ])
    sheets = {"Oversikt": overview, "Temaer": theme_shares(c), "Sentiment per tema": sentiment_by_theme(c)}
    for col in group_columns:
        sheets[sheet_name(f"Etter {col}", sheets)] = theme_shares(c, col)
    return sheets


def sheet_name(name: str, existing: dict) -> str:
    """Excel sheet names: at most 31 characters, no []:*?/\\ , unique."""
    for ch in "[]:*?/\\":
        name = name.replace(ch, " ")
    base, i = name[:31], 2
    while base in existing:
        suffix = f" {i}"
        base, i = name[: 31 - len(suffix)] + suffix, i + 1
    return base


def write_summary(analysis: Analysis, path: Path, group_columns: list[str]) -> None:
    with pd.ExcelWriter(path, engine="xlsxwriter", engine_kwargs={"options": XLSX_OPTIONS}) as writer:
        for name, frame in summary_sheets(analysis, group_columns).items():
            neutralise_frame(frame).to_excel(writer, sheet_name=name, index=False)


def write_analysis(analysis: Analysis, out_dir: str | Path, group_columns: list[str], force: bool = False) -> Path:
    """Write a run folder atomically. A non-empty ``out_dir`` needs ``force`` and must hold a run.

    The new run starts without edits (its themes are new); the analyst's edits to the run it
    replaces are kept beside it as ``edits.previous.json`` for reference.
    """
    out = Path(out_dir)
    with staged_folder(out, force) as stage:
        write_table(analysis.comments, stage / "comments.parquet")
        write_table(analysis.comments, stage / "comments.xlsx")
        write_table(topics_table(analysis), stage / "topics.csv")
        write_summary(analysis, stage / "summary.xlsx", group_columns)
        save_model(stage / "model", analysis.model, analysis.metadata, analysis.edits)
        _keep_previous_edits(out, stage)
    return out


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


def read_run(out_dir: str | Path) -> tuple[pd.DataFrame, list[ThemeInfo], dict]:
    """A saved `analyze` folder as (comments, themes, metadata); parquet and JSON only."""
    out = Path(out_dir)
    for name in ("comments.parquet", "topics.csv", "model"):
        if not (out / name).exists():
            raise InputError(f"{out}: not an analyze output folder ({name} is missing)")
    saved = load_model(out / "model")
    comments = pd.read_parquet(out / "comments.parquet")
    topics = pd.read_csv(out / "topics.csv", dtype=str, keep_default_na=False).map(unescape_cell)
    themes = [
        ThemeInfo(int(r.topic_id), str(r.label), [k for k in str(r.keywords).split(", ") if k], int(r.size),
                  float(r.share), json.loads(r.quote_ids or "[]"), r.codebook_id or None)
        for r in topics.itertuples()
    ]
    return comments, themes, saved.metadata
