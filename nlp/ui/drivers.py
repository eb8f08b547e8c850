"""The "Drivere" view's logic: theme drivers of a run's rating, after the analyst's edits.

A run analysed with a rating column keeps every respondent's rating as read
(`respondents.parquet`: respondent, rating, row). The drivers are recomputed from that and the
edited comments with `nlp.report.rating_drivers.theme_drivers`, so a renamed, merged or moved
theme shows up here as it does in every other view. Pure functions; no Streamlit.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import pandas as pd

from nlp.report.rating_drivers import RatingCheck, theme_drivers
from nlp.runs.store import RESPONDENTS
from nlp.schema import ID, RESPONDENT, Edited
from nlp.themes.membership import member_mask
from nlp.ui.text import fmt_int, fmt_p

#: how many representative answers the view shows for a theme
QUOTES = 5
#: the column `theme_quotes` adds: the respondent's rating
RATING = "respondent_rating"


def has_rating(metadata: Mapping, folder: str | Path) -> bool:
    """True when the run was analysed with a rating column and kept the respondents' ratings."""
    return bool((metadata.get("rating") or {}).get("column")) and (Path(folder) / RESPONDENTS).is_file()


def read_ratings(folder: str | Path) -> pd.DataFrame:
    """Every respondent's rating as read: index respondent id (text), columns ``rating`` and ``row``."""
    frame = pd.read_parquet(Path(folder) / RESPONDENTS)
    frame[RESPONDENT] = frame[RESPONDENT].astype(str)
    return frame.set_index(RESPONDENT)


def respondent_column(metadata: Mapping) -> str:
    """Whose answer a comment is: the respondent in a wide run, the comment itself in a long one."""
    return RESPONDENT if (metadata.get("input") or {}).get("questions") else ID


def rating_scale(metadata: Mapping) -> tuple[float, float] | None:
    """The scale to check the ratings against: the one given at analysis, else inferred again."""
    rating = metadata.get("rating") or {}
    if rating.get("scale_inferred", True) or not rating.get("scale"):
        return None
    low, high = rating["scale"]
    return float(low), float(high)


def edited_drivers(edited: Edited, ratings: pd.DataFrame, metadata: Mapping) -> tuple[pd.DataFrame, RatingCheck]:
    """The drivers table (one row per theme, largest |impact| first) of the edited themes."""
    rating = metadata.get("rating") or {}
    comments = edited.comments.copy()
    comments[ID] = comments[ID].astype(str)
    column = respondent_column(metadata)
    comments[column] = comments[column].astype(str)
    themes = [(t.id, t.label) for t in edited.themes]
    return theme_drivers(comments, column, ratings, str(rating.get("column", "")), themes, rating_scale(metadata))


def _num(x: float, decimals: int = 2) -> str:
    if x is None or pd.isna(x):
        return "–"
    text = f"{abs(x):.{decimals}f}".replace(".", ",")
    return ("−" if x < 0 and text.strip("0,") else "") + text


def _scale_text(scale: tuple[float, float]) -> str:
    return "–".join(str(int(v)) if float(v).is_integer() else _num(v, 1) for v in scale)


def _rows(rows: tuple[int, ...], shown: int = 10) -> str:
    text = ", ".join(str(r) for r in rows[:shown])
    return text + (f" og {len(rows) - shown} til" if len(rows) > shown else "")


def rating_note(check: RatingCheck) -> str:
    """The rating check in Norwegian: the column, and which rows are left out and why (empty: none)."""
    if not check.left_out:
        return ""
    how = "anslått ut fra verdiene" if check.scale_inferred else "oppgitt"
    parts = []
    for reason, rows in check.reasons.items():
        label = {"text": "tekst", "blank": "tomt",
                 "out of range": f"utenfor {_scale_text(check.scale)}"}.get(reason, reason)
        parts.append(f"{label} i rad {_rows(rows)}")
    return (f"Vurderingskolonnen «{check.column}» (skala {_scale_text(check.scale)}, {how}): "
            f"{fmt_int(check.left_out)} av {fmt_int(len(check.values))} respondenter er holdt utenfor driverne: "
            f"{'; '.join(parts)} (rader i regnearket, overskriften er rad 1).")


def impact_explanation(check: RatingCheck) -> str:
    """What impact means, in Norwegian (plain text)."""
    mean = check.values.mean()
    return (
        f"Snittet for alle {fmt_int(check.valid)} respondenter med gyldig vurdering er {_num(mean)} "
        f"(skala {_scale_text(check.scale)}). Effekten er hvor mye dette snittet ville endret seg om respondentene "
        "som nevner temaet, hadde gitt samme vurdering som de andre: negativ effekt betyr at temaet trekker "
        "snittet ned, positiv at det løfter det. Effekten tar med både forskjellen i snitt og hvor mange som nevner "
        "temaet. En respondent nevner et tema når minst ett av svarene har det. Strekene er 95 % "
        "konfidensintervaller; temaer merket * skiller seg signifikant fra resten etter justering for mange "
        "sammenligninger (Benjamini–Hochberg). Sammenhengen sier ikke noe sikkert om årsak."
    )


def drivers_table(table: pd.DataFrame) -> pd.DataFrame:
    """The drivers as the view lists them, with Norwegian headings (same order as the chart)."""
    return pd.DataFrame({
        "Tema": table["label"].astype(str).values,
        "Respondenter": table["n"].astype(int).values,
        "Snitt med temaet": table["mean_with"].round(2).values,
        "Snitt uten": table["mean_without"].round(2).values,
        "Effekt": table["impact"].round(3).values,
        "95 % KI": [f"{_num(lo, 3)} til {_num(hi, 3)}" for lo, hi in zip(table["impact_low"], table["impact_high"])],
        "Justert p": [fmt_p(p) for p in table["p_adjusted"]],
        "Signifikant": ["ja" if s else "" for s in table["significant"].astype(bool)],
    })


def driver_summary(row: Mapping) -> str:
    """One theme's driver line in words (plain text)."""
    impact = row["impact"]
    if pd.isna(impact):
        return (f"For få respondenter med vurdering på den ene siden til å beregne effekten ({fmt_int(row['n'])} "
                f"nevner temaet, {fmt_int(row['n_without'])} gjør det ikke; minst 2 trengs på hver side).")
    direction = "lavere" if impact < 0 else "høyere"
    would = "høyere" if impact < 0 else "lavere"
    sig = "Forskjellen er signifikant." if row["significant"] else "Forskjellen er ikke signifikant."
    return (f"{fmt_int(row['n'])} respondenter nevner temaet. De gir i snitt {_num(row['mean_with'])}, "
            f"{direction} enn de andre ({_num(row['mean_without'])}). Snittet for alle ville vært "
            f"{_num(abs(impact))} poeng {would} om de hadde svart som de andre. {sig}")


def theme_quotes(edited: Edited, theme_id: int, ratings: pd.DataFrame, metadata: Mapping,
                 limit: int = QUOTES) -> pd.DataFrame:
    """A theme's representative answers (its quotes, then other answers), with each respondent's rating.

    Columns: the comment columns, and `RATING`: the respondent's rating as read ("" when missing).
    """
    comments = edited.comments
    members = comments[member_mask(comments, theme_id)]
    theme = edited.theme(theme_id)
    ids = members["id"].astype(str)
    order = list(dict.fromkeys([q for q in (theme.quote_ids if theme else []) if q in set(ids)] + ids.tolist()))
    picked = members.set_index(ids).loc[order[:limit]].reset_index(drop=True)
    who = picked[respondent_column(metadata)].astype(str)
    rating = ratings["rating"].reindex(who.values)
    picked[RATING] = ["" if pd.isna(v) else str(v) for v in rating.values]
    return picked
