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
from nlp.schema import (
    CODE_SENTIMENT, CODES, FITTED_CODE_SENTIMENT, FITTED_CODES, FITTED_TOPIC_ID, N_CODES, RESPONDENT, SENTIMENT_NB,
    THEME_COLUMN_PREFIX, TOPIC_ID, Edited, theme_column,
)
from nlp.ui.page import group_labels

TEXT_HEADING = "Kommentar (anonymisert)"
ORIGINAL_HEADING = "Originaltekst (ikke anonymisert)"


def tagged_comments(edited: Edited, group_columns: Sequence[str], include_original: bool = False) -> pd.DataFrame:
    """One row per comment with its theme, codes, sentiment, groups (a wide run's question as "Spørsmål", and
    its respondent) and a 0/1 column per theme (1 for each of its codes)."""
    c = edited.comments
    out = pd.DataFrame({"ID": c["id"].astype(str)})
    if RESPONDENT in c and RESPONDENT not in group_columns:  # a wide run: whose answer it is
        out["Respondent"] = c[RESPONDENT].astype(str).values
    if include_original and "original_text" in c:
        out[ORIGINAL_HEADING] = c["original_text"].values
    out[TEXT_HEADING] = c["text"].values
    out["Tema"] = c["topic_label"].values
    out["Tema-ID"] = c[TOPIC_ID].astype(int).values
    if CODES in c:  # every theme of the comment, the primary first
        out["Koder"] = c[CODES].fillna("").astype(str).values
        out["Antall temaer"] = c[N_CODES].astype(int).values
    out["Sentiment"] = c["sentiment"].map(lambda s: SENTIMENT_NB.get(s, s)).values
    if CODE_SENTIMENT in c:  # each code's own, where its clauses differ (aligned with "Koder")
        out["Sentiment per kode"] = [
            "|".join(SENTIMENT_NB.get(p, p) for p in v.split("|")) if isinstance(v, str) and v else ""
            for v in c[CODE_SENTIMENT]]
    out["Ikke svar"] = c["is_nonanswer"].astype(int).values
    out["Duplikat"] = c["is_duplicate"].astype(int).values
    out["Anonymisert"] = c["redacted"].astype(int).values
    for g, label in group_labels(group_columns).items():
        out[label] = c[g].values
    for t in edited.themes:
        out[theme_column(t.id, t.label)] = c[theme_column(t.id, t.label)].astype(int).values
    return out


def table_bytes(frame: pd.DataFrame, suffix: str) -> bytes:
    """A table as .xlsx or .csv bytes, written by `nlp.io.write_table` (formula-safe, UTF-8 BOM)."""
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"tabell{suffix}"
        write_table(frame, path)
        return path.read_bytes()


#: columns the app adds to a run's comments, which no export carries
_APP_COLUMNS = (FITTED_TOPIC_ID, FITTED_CODES, FITTED_CODE_SENTIMENT)


def sav_bytes(edited: Edited, include_original: bool = False) -> bytes:
    """The comments as an SPSS .sav file after the analyst's edits: each theme a 0/1 variable with
    value labels and its label as variable label, the other columns as in the run
    (`nlp.report.spss.write_sav`, as `fritekst analyze` writes comments.sav)."""
    from nlp.report.spss import write_sav

    c = edited.comments
    skip = {TOPIC_ID, *_APP_COLUMNS, *(() if include_original else ("original_text",))}
    columns = [col for col in c.columns if col not in skip and not str(col).startswith(THEME_COLUMN_PREFIX)]
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "kommentarer.sav"
        write_sav(c, [(t.id, t.label) for t in edited.themes], path, codes_column=None, columns=columns)
        return path.read_bytes()


def zip_folder(folder: Path) -> bytes:
    """A folder as ZIP bytes, its files under `model/` (the model folder for the next round)."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for p in sorted(folder.rglob("*")):
            if p.is_file():
                zf.write(p, Path("model") / p.relative_to(folder))
    return buf.getvalue()
