"""Downloads for the report: tagged comments (XLSX/CSV) and the model folder (ZIP).

Everything reflects the analyst's edits. Cells are always written as text or numbers, never as
formulas or links, whatever a respondent typed: text that a spreadsheet could read as a formula
gets a leading ``'`` (`nlp.report.safe_cells`), in the tables and in the summary workbook alike.
"""

from __future__ import annotations

import io
import tempfile
import zipfile
from pathlib import Path
from typing import Sequence

import pandas as pd

from nlp.io import write_table
from nlp.schema import SENTIMENT_NB, TOPIC_ID, Edited, theme_column

TEXT_HEADING = "Kommentar (anonymisert)"
ORIGINAL_HEADING = "Originaltekst (ikke anonymisert)"


def tagged_comments(edited: Edited, group_columns: Sequence[str], include_original: bool = False) -> pd.DataFrame:
    """One row per comment with its theme, sentiment, groups and a 0/1 column per theme."""
    c = edited.comments
    out = pd.DataFrame({"ID": c["id"].astype(str)})
    if include_original and "original_text" in c:
        out[ORIGINAL_HEADING] = c["original_text"].values
    out[TEXT_HEADING] = c["text"].values
    out["Tema"] = c["topic_label"].values
    out["Tema-ID"] = c[TOPIC_ID].astype(int).values
    out["Sentiment"] = c["sentiment"].map(lambda s: SENTIMENT_NB.get(s, s)).values
    out["Ikke svar"] = c["is_nonanswer"].astype(int).values
    out["Duplikat"] = c["is_duplicate"].astype(int).values
    out["Anonymisert"] = c["redacted"].astype(int).values
    for g in group_columns:
        out[g] = c[g].values
    for t in edited.themes:
        out[theme_column(t.id, t.label)] = c[theme_column(t.id, t.label)].astype(int).values
    return out


def table_bytes(frame: pd.DataFrame, suffix: str) -> bytes:
    """A table as .xlsx or .csv bytes, written by `nlp.io.write_table` (formula-safe, UTF-8 BOM)."""
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"tabell{suffix}"
        write_table(frame, path)
        return path.read_bytes()


def zip_folder(folder: Path) -> bytes:
    """A folder as ZIP bytes, its files under `model/` (the model folder for the next round)."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for p in sorted(folder.rglob("*")):
            if p.is_file():
                zf.write(p, Path("model") / p.relative_to(folder))
    return buf.getvalue()
