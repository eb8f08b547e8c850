"""Downloads for the report: tagged comments (XLSX/CSV) and a theme summary workbook (XLSX).

Everything reflects the analyst's edits. Cells are always written as text or numbers, never as
formulas or links, whatever a respondent typed: text that a spreadsheet could read as a formula
gets a leading ``'`` (`nlp.report.safe_cells`), in the tables and in the summary workbook alike.
"""

from __future__ import annotations

import io
import tempfile
from pathlib import Path
from typing import Sequence

import numpy as np
import pandas as pd

from nlp.schema import OUTLIER, TOPIC_ID, theme_column
from nlp.io import write_table
from nlp.runs.store import sheet_name
from nlp.report.safe_cells import XLSX_OPTIONS, neutralise_frame
from nlp.report.shares import wilson_interval
from nlp.ui.editing import Edited
from nlp.ui.stats import compare_groups, looks_like_rounds, trend_across_rounds
from nlp.ui.text import SENTIMENT_NB, SENTIMENTS

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


def theme_table(edited: Edited) -> pd.DataFrame:
    """Themes with size, share (95 % interval), sentiment counts and keywords."""
    c = edited.comments
    sub = c[~c["is_nonanswer"].to_numpy(dtype=bool)]
    n = len(sub)
    sent = pd.crosstab(sub[TOPIC_ID], sub["sentiment"]).reindex(columns=list(SENTIMENTS), fill_value=0)
    rows = []
    entries = [(t.id, t.label, ", ".join(t.keywords)) for t in edited.themes]
    entries.append((OUTLIER, edited.label_of(OUTLIER), ""))
    for tid, label, keywords in entries:
        k = int((sub[TOPIC_ID] == tid).sum())
        lo, hi = wilson_interval(k, n)
        row = {"Tema-ID": tid, "Tema": label, "Antall": k, "Andel": k / n if n else np.nan,
               "95 % KI nedre": float(lo), "95 % KI øvre": float(hi)}
        for s in SENTIMENTS:
            row[SENTIMENT_NB[s]] = int(sent.loc[tid, s]) if tid in sent.index else 0
        row["Nøkkelord"] = keywords
        rows.append(row)
    return pd.DataFrame(rows)


def key_figures(edited: Edited) -> pd.DataFrame:
    c = edited.comments
    sub = ~c["is_nonanswer"].to_numpy(dtype=bool)
    return pd.DataFrame([
        {"Mål": "Kommentarer i alt", "Antall": len(c)},
        {"Mål": "Med innhold", "Antall": int(sub.sum())},
        {"Mål": "Ikke svar (f.eks. «nei», «vet ikke», «-»)", "Antall": int((~sub).sum())},
        {"Mål": "Duplikater (samme tekst som en tidligere kommentar)", "Antall": int(c["is_duplicate"].sum())},
        {"Mål": "Temaer", "Antall": len(edited.themes)},
        {"Mål": "Uten tema", "Antall": int((c[TOPIC_ID] == OUTLIER).sum())},
        {"Mål": "Kommentarer med anonymiserte personopplysninger", "Antall": int(c["redacted"].sum())},
    ])


def quotes_table(edited: Edited, group_columns: Sequence[str]) -> pd.DataFrame:
    c = edited.comments.set_index(edited.comments["id"].astype(str))
    rows = []
    for t in edited.themes:
        for q in t.quote_ids:
            if q not in c.index:
                continue
            r = c.loc[q]
            row = {"Tema": t.label, "ID": q, "Sitat (anonymisert)": r["text"],
                   "Sentiment": SENTIMENT_NB.get(r["sentiment"], r["sentiment"])}
            for g in group_columns:
                row[g] = r[g]
            rows.append(row)
    return pd.DataFrame(rows)


def group_table(edited: Edited, column: str) -> pd.DataFrame:
    themes = [(t.id, t.label) for t in edited.themes] + [(OUTLIER, edited.label_of(OUTLIER))]
    cmp = compare_groups(edited.comments, column, themes)
    return pd.DataFrame({
        column: cmp["group"], "Tema": cmp["topic_label"], "Antall": cmp["k"], "Kommentarer i gruppen": cmp["n"],
        "Andel": cmp["share"], "95 % KI nedre": cmp["ci_low"], "95 % KI øvre": cmp["ci_high"],
        "Andel i resten": cmp["rest_share"], "Forskjell (andel)": cmp["diff"], "p": cmp["p"],
        "Justert p (Benjamini–Hochberg)": cmp["p_adj"],
        "Signifikant": np.where(cmp["significant"], "ja", "nei"),
    })


def trend_table(edited: Edited, column: str) -> pd.DataFrame:
    themes = [(t.id, t.label) for t in edited.themes] + [(OUTLIER, edited.label_of(OUTLIER))]
    per_round, summary = trend_across_rounds(edited.comments, column, themes)
    wide = per_round.pivot(index=TOPIC_ID, columns="round", values="share")
    out = pd.DataFrame({"Tema": summary["topic_label"]})
    for r in wide.columns:
        out[f"Andel {r}"] = summary[TOPIC_ID].map(wide[r]).values
    out["Endring første–siste (andel)"] = summary["change"].values
    out["Justert p, endring"] = summary["p_change_adj"].values
    out["Justert p, trend (Cochran–Armitage)"] = summary["p_trend_adj"].values
    out["Signifikant trend"] = np.where(summary["significant_trend"], "ja", "nei")
    return out


_PERCENT_COLUMNS = ("Andel", "KI", "Forskjell", "Endring")


def summary_workbook(edited: Edited, group_columns: Sequence[str], edits_log: Sequence[str] = ()) -> bytes:
    """The theme summary for the report, one sheet per table."""
    sheets: dict[str, pd.DataFrame] = {
        "Oversikt": key_figures(edited),
        "Temaer": theme_table(edited),
        "Sitater": quotes_table(edited, group_columns),
    }
    for g in group_columns:
        sheets[sheet_name(f"Etter {g}", sheets)] = group_table(edited, g)
    for g in group_columns:
        if looks_like_rounds(edited.comments, g):
            sheets[sheet_name(f"Utvikling {g}", sheets)] = trend_table(edited, g)
    if edits_log:
        sheets["Endringer"] = pd.DataFrame({"Endring gjort i appen": list(edits_log)})
    buf = io.BytesIO()
    options = {**XLSX_OPTIONS, "nan_inf_to_errors": False}
    with pd.ExcelWriter(buf, engine="xlsxwriter", engine_kwargs={"options": options}) as writer:
        book = writer.book
        pct = book.add_format({"num_format": "0.0 %"})
        dec = book.add_format({"num_format": "0.000"})
        for name, frame in sheets.items():
            frame = neutralise_frame(frame.replace({np.nan: None}))
            frame.to_excel(writer, sheet_name=name, index=False)
            ws = writer.sheets[name]
            ws.freeze_panes(1, 0)
            for j, col in enumerate(frame.columns):
                width = min(max(len(str(col)), *(len(str(v)) for v in frame[col].head(200)), 6) + 2, 70) \
                    if len(frame) else len(str(col)) + 2
                fmt = pct if any(col.startswith(p) or p in col for p in _PERCENT_COLUMNS) else \
                    dec if col.startswith(("p", "Justert p")) else None
                ws.set_column(j, j, width, fmt)
    return buf.getvalue()
