"""Theme drivers of a rating: which themes go with a lower or higher score, and by how much.

Everything here works at *respondent* level: a respondent mentions a theme when any of their
answers has it, so a respondent with three answers on the same theme counts once. Pure
functions on pandas objects; no I/O, no app code.

Definitions (also in :func:`drivers`):

* ``impact`` = overall mean - mean of the respondents without the theme
  = share * (mean_with - mean_without), where share is the theme's share of the rated
  respondents. It answers "how much would the overall mean change if the respondents who
  mention this theme scored like those who don't": negative = the theme pulls the score down.
  Unlike the raw difference it weighs a small theme's effect by how many it concerns.
* interval: Welch's t interval for mean_with - mean_without (unequal variances and group
  sizes), scaled by the share. The share is taken as given (who mentions what is observed,
  not sampled), so the interval is that of the difference times a constant; it is exact to
  compute, deterministic and agrees with the Welch p-value (the 95% interval excludes 0 exactly
  when p < 0.05 before correction).
* significance: Benjamini-Hochberg across themes (see :func:`adjust_p`).
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd
from scipy import stats

from nlp.errors import InputError
from nlp.schema import TOPIC_ID
from nlp.themes.membership import members

#: the rating scales fritekst recognises, smallest first (inference picks the first that fits)
SCALES: tuple[tuple[float, float], ...] = ((1.0, 5.0), (1.0, 7.0), (0.0, 10.0))
NPS_SCALE = (0.0, 10.0)
PROMOTER_MIN = 9.0   # NPS convention: 9-10 promoters
DETRACTOR_MAX = 6.0  # 0-6 detractors
#: rows named in a message before "and N more"
SHOWN_ROWS = 10

_NUMBER = re.compile(r"[+-]?(\d+([.,]\d*)?|[.,]\d+)")


# --------------------------------------------------------------------------- theme membership


def _codes_of(value: object) -> list[int]:
    """Theme ids in one cell: an int topic id or ``|``-joined ids; negative ids are no theme."""
    if value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NA:
        return []
    if isinstance(value, (int, np.integer)):
        ids = [int(value)]
    elif isinstance(value, (float, np.floating)):
        if not float(value).is_integer():
            raise InputError(f"theme code {value!r} is not a whole number")
        ids = [int(value)]
    else:
        ids = []
        for part in str(value).split("|"):
            part = part.strip()
            if not part:
                continue
            try:
                number = float(part)
            except ValueError:
                raise InputError(f"theme code {part!r} is not a number (codes are theme ids joined by '|')") from None
            if not number.is_integer():
                raise InputError(f"theme code {part!r} is not a whole number")
            ids.append(int(number))
    return [i for i in ids if i >= 0]  # -1 = no theme, -2 = non-answer


def answer_themes(codes: pd.Series, theme_ids: Iterable[int] | None = None) -> pd.DataFrame:
    """Answer x theme 0/1 (int8), same index as ``codes``.

    ``codes`` holds either one int topic id per answer (-1 = no theme, -2 = non-answer) or a
    string of ``|``-joined theme ids (several codes per comment). ``theme_ids`` fixes the columns
    and their order (themes nobody has get a column of zeros); by default the ids found, sorted.
    """
    parsed = [_codes_of(v) for v in codes.tolist()]
    found = sorted({i for ids in parsed for i in ids})
    columns = list(found if theme_ids is None else dict.fromkeys(int(t) for t in theme_ids))
    position = {t: j for j, t in enumerate(columns)}
    matrix = np.zeros((len(parsed), len(columns)), dtype=np.int8)
    for row, ids in enumerate(parsed):
        for i in ids:
            if i in position:
                matrix[row, position[i]] = 1
    return pd.DataFrame(matrix, index=codes.index, columns=pd.Index(columns, dtype="int64", name=TOPIC_ID))


def respondent_themes(
    answers: pd.DataFrame,
    respondent_column: str,
    codes_column: str = "codes",
    theme_ids: Iterable[int] | None = None,
) -> pd.DataFrame:
    """Respondent x theme 0/1: 1 when any of the respondent's answers has the theme.

    Index: the respondent ids in order of first appearance (every respondent in ``answers``,
    also those whose answers have no theme). ``codes_column`` is a ``|``-joined codes column or
    an int ``topic_id`` column (see :func:`answer_themes`).
    """
    for column in (respondent_column, codes_column):
        if column not in answers.columns:
            raise InputError(f"no column {column!r} in the answers (columns: {', '.join(map(str, answers.columns))})")
    per_answer = answer_themes(answers[codes_column], theme_ids)
    per_answer.index = pd.Index(answers[respondent_column].to_numpy(), name=respondent_column)
    grouped = per_answer.groupby(level=0, sort=False).max()
    return grouped.astype(np.int8)


# --------------------------------------------------------------------------- ratings


@dataclass(frozen=True, eq=False)
class RatingCheck:
    """Parsed ratings and the rows left out, with why.

    ``values`` has the input's index; NaN where the row is left out. Row numbers are
    spreadsheet rows (header = row 1, first data row = row 2) unless the caller passed its own.
    """

    column: str
    values: pd.Series
    scale: tuple[float, float]
    scale_inferred: bool
    text_rows: tuple[int, ...] = ()
    blank_rows: tuple[int, ...] = ()
    out_of_range_rows: tuple[int, ...] = ()

    @property
    def reasons(self) -> dict[str, tuple[int, ...]]:
        """Rows left out per reason, only the reasons that occur."""
        reasons = {"text": self.text_rows, "blank": self.blank_rows, "out of range": self.out_of_range_rows}
        return {k: v for k, v in reasons.items() if v}

    @property
    def valid(self) -> int:
        return int(self.values.notna().sum())

    @property
    def left_out(self) -> int:
        return sum(len(v) for v in self.reasons.values())

    @property
    def message(self) -> str:
        """One line naming the column and the rows left out; empty when none is."""
        if not self.left_out:
            return ""
        lo, hi = (_fmt(x) for x in self.scale)
        how = "inferred" if self.scale_inferred else "given"
        parts = []
        for reason, rows in self.reasons.items():
            label = f"outside {lo}-{hi}" if reason == "out of range" else reason
            parts.append(f"{label} in {_rows_text(rows)}")
        return (f"rating column {self.column!r} ({how} scale {lo}-{hi}): {self.left_out} of {len(self.values)} "
                f"left out of the drivers: {'; '.join(parts)} (spreadsheet rows, header = row 1)")


def _fmt(x: float) -> str:
    return str(int(x)) if float(x).is_integer() else str(x)


def _rows_text(rows: Sequence[int]) -> str:
    shown = ", ".join(str(r) for r in rows[:SHOWN_ROWS])
    more = f" and {len(rows) - SHOWN_ROWS} more" if len(rows) > SHOWN_ROWS else ""
    return f"row{'s' if len(rows) > 1 else ''} {shown}{more}"


def parse_rating(value: object) -> float | None:
    """A rating as a float; NaN for blank, None for text. Accepts 4, 4.0, "4", "4,0", "4.5"."""
    if value is None or value is pd.NA:
        return math.nan
    if isinstance(value, (bool, np.bool_)):
        return None
    if isinstance(value, (int, float, np.integer, np.floating)):
        number = float(value)
        return math.nan if math.isnan(number) else (number if math.isfinite(number) else None)
    text = str(value).replace("\u00a0", " ").strip()
    if not text:
        return math.nan
    if not _NUMBER.fullmatch(text):
        return None
    return float(text.replace(",", "."))


def infer_scale(values: np.ndarray) -> tuple[float, float] | None:
    """The smallest of 1-5, 1-7, 0-10 holding all but 2% of the values (at least one may fall
    outside); None if none does.

    The tolerance lets stray typos ("55", "0") stay out-of-range rows instead of stretching the
    scale; a 0-10 item is recognised by its zeros and 8-10s, which are never that rare. The
    message says the scale was inferred, so a user can give it when the guess is wrong.
    """
    values = values[~np.isnan(values)]
    if not len(values):
        return None
    tolerance = max(1, int(0.02 * len(values)))
    for lo, hi in SCALES:
        if int(((values < lo) | (values > hi)).sum()) <= tolerance:
            return lo, hi
    return None


def check_ratings(
    values: pd.Series,
    column: str,
    scale: tuple[float, float] | None = None,
    rows: Sequence[int] | None = None,
) -> RatingCheck:
    """Parse a rating column and say which rows are left out of the drivers, and why.

    ``rows`` are the spreadsheet row numbers of the values (as the reader knows them when it
    skips empty lines); by default position + 2 (header = row 1). The scale is inferred when not
    given (see :func:`infer_scale`). Raises :class:`InputError` when no row holds a usable
    rating, since then there is nothing to analyse and the column is probably the wrong one.
    """
    if rows is None:
        rows = range(2, len(values) + 2)
    rows = list(rows)
    if len(rows) != len(values):
        raise ValueError(f"{len(rows)} row numbers for {len(values)} values")
    parsed = [parse_rating(v) for v in values.tolist()]
    numbers = np.array([math.nan if p is None else p for p in parsed], dtype=float)
    text = tuple(r for r, p in zip(rows, parsed) if p is None)
    blank = tuple(r for r, p in zip(rows, parsed) if p is not None and math.isnan(p))
    inferred = scale is None
    if inferred:
        scale = infer_scale(numbers)
        if scale is None:
            if np.isnan(numbers).all():
                raise InputError(f"rating column {column!r} has no numeric values "
                                 f"({len(text)} text, {len(blank)} blank)")
            lo, hi = np.nanmin(numbers), np.nanmax(numbers)
            raise InputError(f"rating column {column!r}: values from {_fmt(lo)} to {_fmt(hi)} fit none of the "
                             f"scales 1-5, 1-7, 0-10; give the scale")
    lo, hi = float(scale[0]), float(scale[1])
    if not lo < hi:
        raise InputError(f"rating scale {_fmt(lo)}-{_fmt(hi)}: the low end must be below the high end")
    outside = ~np.isnan(numbers) & ((numbers < lo) | (numbers > hi))
    out_rows = tuple(r for r, o in zip(rows, outside) if o)
    numbers[outside] = math.nan
    if np.isnan(numbers).all():
        raise InputError(f"rating column {column!r} has no rating within {_fmt(lo)}-{_fmt(hi)} "
                         f"({len(text)} text, {len(blank)} blank, {len(out_rows)} out of range)")
    return RatingCheck(column, pd.Series(numbers, index=values.index, name=column), (lo, hi), inferred,
                       text, blank, out_rows)


# --------------------------------------------------------------------------- statistics


def adjust_p(p: np.ndarray, method: Literal["bh", "holm"] = "bh") -> np.ndarray:
    """Adjusted p-values (NaN stays NaN and does not count as a test).

    Benjamini-Hochberg is the default: a drivers table is exploratory (which of 20-40 themes are
    worth a closer look), so controlling the share of false leads (FDR) fits better than Holm's
    guard against any single false lead (FWER), which with many themes hides moderate real
    effects. Holm is there for a confirmatory reading.
    """
    p = np.asarray(p, dtype=float)
    out = np.full_like(p, np.nan)
    ok = ~np.isnan(p)
    m = int(ok.sum())
    if not m:
        return out
    order = np.argsort(p[ok], kind="stable")
    ranked = p[ok][order]
    if method == "bh":
        adj = ranked * m / np.arange(1, m + 1)
        adj = np.minimum.accumulate(adj[::-1])[::-1]
    elif method == "holm":
        adj = np.maximum.accumulate(ranked * (m - np.arange(m)))
    else:
        raise ValueError(f"unknown correction {method!r}")
    values = np.empty(m)
    values[order] = np.minimum(adj, 1.0)
    out[ok] = values
    return out


@dataclass(frozen=True)
class WelchResult:
    difference: float
    low: float
    high: float
    p_value: float


def welch(a: np.ndarray, b: np.ndarray, level: float = 0.95) -> WelchResult:
    """Welch's t interval and two-sided p for mean(a) - mean(b); NaN where undefined.

    Undefined: fewer than 2 values in a group, or no variance in either (the t statistic has
    no scale then); the difference itself is still given when both groups have values.
    """
    nan = math.nan
    diff = float(a.mean() - b.mean()) if len(a) and len(b) else nan
    if len(a) < 2 or len(b) < 2:
        return WelchResult(diff, nan, nan, nan)
    va, vb = a.var(ddof=1) / len(a), b.var(ddof=1) / len(b)
    se2 = va + vb
    if not se2 > 0:
        return WelchResult(diff, nan, nan, nan)
    df = se2**2 / (va**2 / (len(a) - 1) + vb**2 / (len(b) - 1))
    se = math.sqrt(se2)
    half = float(stats.t.ppf(0.5 + level / 2, df)) * se
    p = float(2 * stats.t.sf(abs(diff) / se, df))
    return WelchResult(diff, diff - half, diff + half, p)


def _nps_parts(r: np.ndarray) -> tuple[float, float, float]:
    """Promoter share, detractor share and NPS (-100..100); NaN for no respondents."""
    if not len(r):
        return math.nan, math.nan, math.nan
    promoters = float((r >= PROMOTER_MIN).mean())
    detractors = float((r <= DETRACTOR_MAX).mean())
    return promoters, detractors, 100.0 * (promoters - detractors)


def drivers(
    themes: pd.DataFrame,
    ratings: pd.Series,
    labels: Mapping[int, str],
    alpha: float = 0.05,
    scale: tuple[float, float] | None = None,
    correction: Literal["bh", "holm"] = "bh",
) -> pd.DataFrame:
    """One row per theme: how the rating of respondents who mention it differs, and what it costs.

    ``themes``: respondent x theme 0/1 (:func:`respondent_themes`), indexed by respondent id.
    ``ratings``: numeric ratings indexed by respondent id (``RatingCheck.values``); NaN = left out.
    The respondents are those with a valid rating; one missing from ``themes`` mentions no theme
    (it still counts in the overall mean, as it would in the survey's own figure).

    Columns: ``topic_id``, ``label``, ``n`` (respondents with the theme and a rating),
    ``n_without``, ``share`` (n / rated respondents), ``mean_with``, ``mean_without``,
    ``difference`` (mean_with - mean_without), ``impact`` = overall mean - mean_without =
    share * difference (negative: the theme pulls the score down), ``impact_low``/``impact_high``
    (95% Welch interval of the difference times the share; level = 1 - alpha), ``p_value``
    (Welch, two-sided), ``p_adjusted`` (Benjamini-Hochberg by default, see :func:`adjust_p`),
    ``significant`` (p_adjusted < alpha). On a 0-10 scale also ``promoters_with``,
    ``detractors_with``, ``nps_with`` and the same ``_without`` (NPS convention 9-10 / 0-6).
    Themes with fewer than 2 respondents on either side get NaN statistics and are never
    significant. Rows sorted by |impact| (largest first, NaN last), then topic_id.
    """
    if ratings.index.has_duplicates:
        dup = ratings.index[ratings.index.duplicated()].unique()[:SHOWN_ROWS]
        raise InputError(f"respondent ids occur more than once in the ratings: {', '.join(map(str, dup))}")
    r = pd.to_numeric(ratings, errors="coerce").astype(float).dropna()
    theme_ids = list(dict.fromkeys([int(t) for t in themes.columns] + [int(t) for t in labels]))
    theme_ids = [t for t in theme_ids if t >= 0]
    member = themes.reindex(index=r.index, columns=theme_ids, fill_value=0).fillna(0).astype(bool)
    values = r.to_numpy()
    total = len(values)
    nps = scale is not None and tuple(map(float, scale)) == NPS_SCALE
    rows = []
    for t in theme_ids:
        mask = member[t].to_numpy()
        with_, without = values[mask], values[~mask]
        share = len(with_) / total if total else math.nan
        w = welch(with_, without, level=1 - alpha)
        row = {
            TOPIC_ID: t, "label": str(labels.get(t, "")), "n": len(with_), "n_without": len(without),
            "share": share,
            "mean_with": float(with_.mean()) if len(with_) else math.nan,
            "mean_without": float(without.mean()) if len(without) else math.nan,
            "difference": w.difference, "impact": share * w.difference,
            "impact_low": share * w.low, "impact_high": share * w.high, "p_value": w.p_value,
        }
        if nps:
            for side, part in (("with", with_), ("without", without)):
                p, d, score = _nps_parts(part)
                row |= {f"promoters_{side}": p, f"detractors_{side}": d, f"nps_{side}": score}
        rows.append(row)
    columns = [TOPIC_ID, "label", "n", "n_without", "share", "mean_with", "mean_without", "difference",
               "impact", "impact_low", "impact_high", "p_value"]
    if nps:
        columns += [f"{k}_{side}" for side in ("with", "without") for k in ("promoters", "detractors", "nps")]
    table = pd.DataFrame(rows, columns=columns)
    table["p_adjusted"] = adjust_p(table["p_value"].to_numpy(), correction)
    table["significant"] = (table["p_adjusted"] < alpha).astype(bool)
    order = [TOPIC_ID, "label", "n", "n_without", "share", "mean_with", "mean_without", "difference",
             "impact", "impact_low", "impact_high", "p_value", "p_adjusted", "significant"]
    table = table[order + [c for c in columns if c not in order]]
    table[TOPIC_ID] = table[TOPIC_ID].astype("int64")
    magnitude = table["impact"].abs()
    table = table.assign(_m=magnitude.fillna(-1.0)).sort_values(["_m", TOPIC_ID], ascending=[False, True],
                                                                kind="stable")
    return table.drop(columns="_m").reset_index(drop=True)


def theme_drivers(
    comments: pd.DataFrame, respondent_column: str, ratings: pd.DataFrame, rating_column: str,
    themes: Sequence[tuple[int, str]], scale: tuple[float, float] | None = None,
) -> tuple[pd.DataFrame, RatingCheck]:
    """Drivers of a survey's rating, from its tagged comments and every respondent's rating.

    ``ratings`` has one row per respondent (index: respondent id; "rating" as read, "row" its
    spreadsheet row), so respondents whose every answer is blank still count, as mentioning no
    theme. ``themes`` are (id, label) pairs; an answer mentions each of its codes
    (`nlp.themes.membership.members`); comments without a theme or non-answers count for none.
    """
    check = check_ratings(ratings["rating"], rating_column, scale, rows=ratings["row"].tolist())
    ids = [t for t, _ in themes]
    if respondent_column not in comments.columns:
        raise InputError(f"no column {respondent_column!r} in the answers")
    per_answer = pd.DataFrame(members(comments, ids).astype(np.int8), columns=pd.Index(ids, name=TOPIC_ID),
                              index=pd.Index(comments[respondent_column].to_numpy(), name=respondent_column))
    mentions = per_answer.groupby(level=0, sort=False).max().astype(np.int8)  # every code of every answer
    table = drivers(mentions, check.values, dict(themes), scale=check.scale)
    return table, check
