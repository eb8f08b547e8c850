"""The summary workbook (summary.xlsx): one builder for `fritekst analyze` and the app's download.

Sheets: key figures, themes with shares (95% intervals) and sentiment, quotes, each group column
compared with the rest, trends across rounds where a column looks like survey rounds, and the
analyst's edits when there are any. A comment counts in each of its codes (`nlp.themes.membership`);
when some comment has several, the key figures say that shares add up to more than 100 %. Every cell is text or a number, never a formula
(`nlp.report.safe_cells`).
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import Mapping, Sequence

import numpy as np
import pandas as pd

from nlp.report.safe_cells import XLSX_OPTIONS, neutralise_frame
from nlp.report.stats import compare_groups, looks_like_rounds, trend_across_rounds, wilson_interval
from nlp.schema import OUTLIER, SENTIMENT_NB, SENTIMENTS, TOPIC_ID, Edited
from nlp.themes.membership import code_sentiments, sentiment_counts, several_codes, theme_sizes

_PERCENT_COLUMNS = ("Andel", "KI", "Forskjell", "Endring")
#: said where shares are shown, when a comment can be in several themes
MULTI_CODE_NOTE = "En kommentar kan ha flere temaer, så andelene summerer til mer enn 100 %."


def key_figures(edited: Edited, respondents: Mapping[str, int] | None = None) -> pd.DataFrame:
    """The run's counts; a wide survey's respondents and blank answer cells first, so every one is accounted for."""
    c = edited.comments
    sub = ~c["is_nonanswer"].to_numpy(dtype=bool)
    first = [] if not respondents else [
        {"Mål": "Respondenter", "Antall": int(respondents["respondents"])},
        {"Mål": "Tomme svarfelt (gir ingen kommentar)", "Antall": int(respondents["blank_answers"])},
    ]
    return pd.DataFrame(first + [
        {"Mål": "Kommentarer i alt", "Antall": len(c)},
        {"Mål": "Med innhold", "Antall": int(sub.sum())},
        {"Mål": "Ikke svar (f.eks. «nei», «vet ikke», «-»)", "Antall": int((~sub).sum())},
        {"Mål": "Duplikater (samme tekst som en tidligere kommentar)", "Antall": int(c["is_duplicate"].sum())},
        {"Mål": "Temaer", "Antall": len(edited.themes)},
        {"Mål": "Uten tema", "Antall": int((c[TOPIC_ID] == OUTLIER).sum())},
        {"Mål": "Kommentarer med flere temaer", "Antall": several_codes(c)},
        {"Mål": "Kommentarer med anonymiserte personopplysninger", "Antall": int(c["redacted"].sum())},
    ] + ([{"Mål": MULTI_CODE_NOTE, "Antall": None}] if several_codes(c) else []))


def multi_code_note(comments: pd.DataFrame) -> str | None:
    """The note that shares add up to more than 100 %, when some comment has several codes."""
    return MULTI_CODE_NOTE if several_codes(comments) else None


def theme_table(edited: Edited) -> pd.DataFrame:
    """Themes with size, share (95 % interval), sentiment counts and keywords; a comment counts in
    each of its codes, with the sentiment it has there (so shares can add up to more than 100 %)."""
    c = edited.comments
    sub = c[~c["is_nonanswer"].to_numpy(dtype=bool)]
    n = len(sub)
    rows = []
    entries = [(t.id, t.label, ", ".join(t.keywords)) for t in edited.themes]
    entries.append((OUTLIER, edited.label_of(OUTLIER), ""))
    ids = [tid for tid, _, _ in entries]
    sizes = theme_sizes(sub, ids)
    sent = sentiment_counts(sub, ids, SENTIMENTS, edited.themes)
    for (tid, label, keywords), k in zip(entries, sizes):
        k = int(k)
        lo, hi = wilson_interval(k, n)
        row = {"Tema-ID": tid, "Tema": label, "Antall": k, "Andel": k / n if n else np.nan,
               "95 % KI nedre": float(lo), "95 % KI øvre": float(hi)}
        for s in SENTIMENTS:
            row[SENTIMENT_NB[s]] = int(sent.loc[tid, s])
        row["Nøkkelord"] = keywords
        rows.append(row)
    return pd.DataFrame(rows)


def quotes_table(edited: Edited, group_columns: Sequence[str]) -> pd.DataFrame:
    """Each theme's quotes, with the sentiment the comment has in that theme."""
    c = edited.comments.set_index(edited.comments["id"].astype(str))
    rows = []
    for t in edited.themes:
        quotes = [q for q in t.quote_ids if q in c.index]
        in_theme = code_sentiments(c.loc[quotes], [t.id], edited.themes)[:, 0] if quotes else []
        for q, sentiment in zip(quotes, in_theme):
            r = c.loc[q]
            sentiment = sentiment or r["sentiment"]
            row = {"Tema": t.label, "ID": q, "Sitat (anonymisert)": r["text"],
                   "Sentiment": SENTIMENT_NB.get(sentiment, sentiment)}
            for g in group_columns:
                row[g] = r[g]
            rows.append(row)
    return pd.DataFrame(rows)


def group_sheet(edited: Edited, column: str) -> pd.DataFrame:
    themes = [(t.id, t.label) for t in edited.themes] + [(OUTLIER, edited.label_of(OUTLIER))]
    cmp = compare_groups(edited.comments, column, themes)
    return pd.DataFrame({
        column: cmp["group"], "Tema": cmp["topic_label"], "Antall": cmp["k"], "Kommentarer i gruppen": cmp["n"],
        "Andel": cmp["share"], "95 % KI nedre": cmp["ci_low"], "95 % KI øvre": cmp["ci_high"],
        "Andel i resten": cmp["rest_share"], "Forskjell (andel)": cmp["diff"], "p": cmp["p"],
        "Justert p (Benjamini–Hochberg)": cmp["p_adj"],
        "Signifikant": np.where(cmp["significant"], "ja", "nei"),
    })


def trend_sheet(edited: Edited, column: str) -> pd.DataFrame:
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


def sheet_name(name: str, existing: dict) -> str:
    """Excel sheet names: at most 31 characters, no []:*?/\\ , unique."""
    for ch in "[]:*?/\\":
        name = name.replace(ch, " ")
    base, i = name[:31], 2
    while base in existing:
        suffix = f" {i}"
        base, i = name[: 31 - len(suffix)] + suffix, i + 1
    return base


def summary_workbook(edited: Edited, group_columns: Sequence[str], edits_log: Sequence[str] = (),
                     drivers: pd.DataFrame | None = None, respondents: Mapping[str, int] | None = None) -> bytes:
    """The theme summary for the report, one sheet per table, as .xlsx bytes."""
    sheets: dict[str, pd.DataFrame] = {
        "Oversikt": key_figures(edited, respondents),
        "Temaer": theme_table(edited),
        "Sitater": quotes_table(edited, group_columns),
    }
    for g in group_columns:
        sheets[sheet_name(f"Etter {g}", sheets)] = group_sheet(edited, g)
    for g in group_columns:
        if looks_like_rounds(edited.comments, g):
            sheets[sheet_name(f"Utvikling {g}", sheets)] = trend_sheet(edited, g)
    if drivers is not None:
        sheets["Drivere"] = drivers_sheet(drivers)
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


def write_summary(edited: Edited, path: str | Path, group_columns: Sequence[str], edits_log: Sequence[str] = (),
                  drivers: pd.DataFrame | None = None, respondents: Mapping[str, int] | None = None) -> None:
    Path(path).write_bytes(summary_workbook(edited, group_columns, edits_log, drivers, respondents))


def respondent_counts(metadata: Mapping) -> dict[str, int] | None:
    """A wide survey's respondents and blank answer cells, from a run's metadata (None for a long file)."""
    inp = metadata.get("input") or {}
    if "respondents" not in inp:
        return None
    return {"respondents": int(inp["respondents"]), "blank_answers": int(inp.get("blank_answers", 0))}


#: drivers table column -> heading in the workbook
_DRIVER_HEADINGS = {
    "topic_id": "Tema-ID", "label": "Tema", "n": "Respondenter med tema", "n_without": "Respondenter uten tema",
    "share": "Andel som nevner temaet", "mean_with": "Snitt med tema", "mean_without": "Snitt uten tema",
    "difference": "Differanse i snitt", "impact": "Påvirkning på totalsnitt", "impact_low": "Påvirkning, nedre 95 %-grense",
    "impact_high": "Påvirkning, øvre 95 %-grense", "p_value": "p", "p_adjusted": "Justert p (Benjamini–Hochberg)",
    "significant": "Signifikant", "promoters_with": "Andel promotører med tema",
    "detractors_with": "Andel kritikere med tema", "nps_with": "NPS med tema",
    "promoters_without": "Andel promotører uten tema", "detractors_without": "Andel kritikere uten tema",
    "nps_without": "NPS uten tema",
}


def drivers_sheet(drivers: pd.DataFrame) -> pd.DataFrame:
    """The drivers table with Norwegian headings; impact = how much the theme moves the overall mean."""
    out = drivers.rename(columns=_DRIVER_HEADINGS)
    if "Signifikant" in out:
        out["Signifikant"] = np.where(out["Signifikant"].astype(bool), "ja", "nei")
    return out
