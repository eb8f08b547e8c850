"""Comparing theme shares between groups and across rounds, with 95% intervals and honest tests.

Shares are of substantive comments (non-answers are left out of the denominator). A comment
counts in each of its codes (`nlp.themes.membership`), so a theme's count is compared with the
comments that lack it, and shares across themes add up to more than 100 %. Each group is tested against the rest of the comments (two-proportion z-test,
or Fisher's exact test when an expected count is below 5); across rounds the trend is tested
with the Cochran–Armitage test and the first and last rounds are compared directly. With many
themes and groups some differences look significant by chance, so p-values are adjusted for
the number of tests in each table (Benjamini–Hochberg by default, Holm on request).
"""

from __future__ import annotations

import unicodedata
from typing import Sequence

import numpy as np
import pandas as pd
from scipy.stats import fisher_exact, norm

from nlp.report.groups import group_series, sort_values
from nlp.schema import TOPIC_ID
from nlp.themes.membership import members, sentiment_counts

ALPHA = 0.05
Z95 = float(norm.ppf(0.975))
CORRECTIONS = {"fdr_bh": "Benjamini–Hochberg", "holm": "Holm"}


def wilson_interval(k: np.ndarray | int, n: np.ndarray | int, z: float = Z95) -> tuple[np.ndarray, np.ndarray]:
    """Wilson score interval: sensible for small groups and shares near 0 or 1."""
    k = np.asarray(k, dtype=float)
    n = np.asarray(n, dtype=float)
    with np.errstate(invalid="ignore", divide="ignore"):
        p = np.where(n > 0, k / n, 0.0)
        denom = 1 + z**2 / n
        centre = (p + z**2 / (2 * n)) / denom
        half = z * np.sqrt(p * (1 - p) / n + z**2 / (4 * n**2)) / denom
    lo = np.where(n > 0, np.clip(centre - half, 0, 1), np.nan)
    hi = np.where(n > 0, np.clip(centre + half, 0, 1), np.nan)
    return lo, hi


def sentiment_by_theme(comments: pd.DataFrame, themes: Sequence | None = None) -> pd.DataFrame:
    """Count and share of each sentiment within each theme (substantive comments; a comment
    counts in each of its codes, with the sentiment it has there).

    ``themes``: ThemeInfo-like (id, label, codebook_id) to count; by default every primary theme
    in the table, labelled by `topic_label`."""
    sub = comments[~comments["is_nonanswer"].to_numpy(dtype=bool)]
    if themes is None:
        firsts = sub.drop_duplicates(TOPIC_ID)
        pairs = sorted(zip(firsts[TOPIC_ID].astype(int), firsts["topic_label"]))
        themes = []
    else:
        pairs = [(int(t.id), t.label) for t in themes]
    order = ["positive", "negative", "neutral", "mixed"]
    table = sentiment_counts(sub, [t for t, _ in pairs], order, themes)
    table = table[table.sum(axis=1) > 0]
    shares = table.div(table.sum(axis=1), axis=0).add_prefix("share_")
    out = pd.concat([table, shares], axis=1).reset_index()
    out.insert(1, "topic_label", out[TOPIC_ID].map(dict(pairs)))
    return out


def two_proportion_p(k1: int, n1: int, k2: int, n2: int) -> float:
    """Two-sided p-value for equal proportions k1/n1 and k2/n2."""
    if n1 <= 0 or n2 <= 0:
        return float("nan")
    pooled = (k1 + k2) / (n1 + n2)
    if pooled in (0.0, 1.0):
        return 1.0
    expected = min(n1 * pooled, n1 * (1 - pooled), n2 * pooled, n2 * (1 - pooled))
    if expected < 5:
        return float(fisher_exact([[k1, n1 - k1], [k2, n2 - k2]])[1])
    se = np.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n2))
    z = (k1 / n1 - k2 / n2) / se
    return float(2 * norm.sf(abs(z)))


def adjust(p: Sequence[float], method: str = "fdr_bh") -> np.ndarray:
    """Adjusted p-values (NaN stays NaN and does not count as a test)."""
    from statsmodels.stats.multitest import multipletests

    p = np.asarray(p, dtype=float)
    out = np.full(len(p), np.nan)
    ok = ~np.isnan(p)
    if ok.any():
        out[ok] = multipletests(p[ok], alpha=ALPHA, method=method)[1]
    return out


def cochran_armitage_p(k: Sequence[int], n: Sequence[int], scores: Sequence[float]) -> float:
    """Two-sided p-value of the Cochran–Armitage test for a linear trend in proportions."""
    k, n, t = (np.asarray(x, dtype=float) for x in (k, n, scores))
    keep = n > 0
    k, n, t = k[keep], n[keep], t[keep]
    if len(n) < 2:
        return float("nan")
    big_n, big_k = n.sum(), k.sum()
    p = big_k / big_n
    var = p * (1 - p) * ((t**2 * n).sum() - (t * n).sum() ** 2 / big_n)
    if var <= 0:
        return 1.0 if p in (0.0, 1.0) else float("nan")
    stat = (t * (k - n * p)).sum() / np.sqrt(var)
    return float(2 * norm.sf(abs(stat)))


def _substantive(comments: pd.DataFrame) -> pd.DataFrame:
    return comments[~comments["is_nonanswer"].to_numpy(dtype=bool)]


def _counts(sub: pd.DataFrame, column: str, theme_ids: Sequence[int]) -> tuple[list[str], np.ndarray, np.ndarray]:
    """Group levels, comments per level (n) and per level and theme (k, levels x themes)."""
    groups = group_series(sub, column)
    levels = sort_values(groups.unique().tolist())
    inside = pd.DataFrame(members(sub, list(theme_ids)).astype(int), index=groups.to_numpy())
    table = inside.groupby(level=0).sum().reindex(index=levels, fill_value=0)  # a comment counts in each code
    n = groups.value_counts().reindex(levels, fill_value=0).to_numpy()
    return levels, n, table.to_numpy().reshape(len(levels), len(theme_ids))


def compare_groups(
    comments: pd.DataFrame, column: str, themes: Sequence[tuple[int, str]], method: str = "fdr_bh"
) -> pd.DataFrame:
    """One row per theme and group: share with 95% interval, the rest's share, difference,
    p-value against the rest, adjusted p and whether the difference is significant."""
    sub = _substantive(comments)
    ids = [t for t, _ in themes]
    labels = dict(themes)
    levels, n, k = _counts(sub, column, ids)
    total_n = n.sum()
    total_k = k.sum(axis=0)
    rows = []
    for j, tid in enumerate(ids):
        for i, level in enumerate(levels):
            rest_n, rest_k = total_n - n[i], total_k[j] - k[i, j]
            rows.append({
                TOPIC_ID: tid, "topic_label": labels[tid], "group": level, "n": int(n[i]), "k": int(k[i, j]),
                "share": k[i, j] / n[i] if n[i] else np.nan,
                "rest_n": int(rest_n), "rest_share": rest_k / rest_n if rest_n else np.nan,
                "overall_share": total_k[j] / total_n if total_n else np.nan,
                "p": two_proportion_p(int(k[i, j]), int(n[i]), int(rest_k), int(rest_n)),
                "counted": len(levels) != 2 or i == 0,  # with two groups, "A vs rest" = "B vs rest"
            })
    out = pd.DataFrame(rows, columns=[TOPIC_ID, "topic_label", "group", "n", "k", "share", "rest_n", "rest_share",
                                      "overall_share", "p", "counted"])
    if out.empty:
        return out.assign(ci_low=[], ci_high=[], diff=[], p_adj=[], significant=[]).drop(columns="counted")
    lo, hi = wilson_interval(out["k"].to_numpy(), out["n"].to_numpy())
    out["ci_low"], out["ci_high"] = lo, hi
    out["diff"] = out["share"] - out["rest_share"]
    counted = out["counted"].to_numpy()
    p_adj = np.full(len(out), np.nan)
    p_adj[counted] = adjust(out.loc[counted, "p"].to_numpy(), method)
    if len(levels) == 2:  # copy the single test to the second group
        p_adj = pd.Series(p_adj).groupby(out[TOPIC_ID].to_numpy()).transform("first").to_numpy()
    out["p_adj"] = p_adj
    out["significant"] = out["p_adj"] < ALPHA
    return out.drop(columns="counted")


def trend_across_rounds(
    comments: pd.DataFrame, column: str, themes: Sequence[tuple[int, str]], method: str = "fdr_bh"
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Shares per round (with 95% intervals) and, per theme, the change from the first to the
    last round with its test and the trend test, both adjusted over the themes."""
    sub = _substantive(comments)
    ids = [t for t, _ in themes]
    labels = dict(themes)
    levels, n, k = _counts(sub, column, ids)
    scores = _round_scores(levels)
    per_round = []
    for j, tid in enumerate(ids):
        lo, hi = wilson_interval(k[:, j], n)
        for i, level in enumerate(levels):
            per_round.append({TOPIC_ID: tid, "topic_label": labels[tid], "round": level, "n": int(n[i]),
                              "k": int(k[i, j]), "share": k[i, j] / n[i] if n[i] else np.nan,
                              "ci_low": float(lo[i]), "ci_high": float(hi[i])})
    summary = []
    present = [i for i in range(len(levels)) if n[i] > 0]
    for j, tid in enumerate(ids):
        row = {TOPIC_ID: tid, "topic_label": labels[tid]}
        if len(present) >= 2:
            a, b = present[0], present[-1]
            row.update({"first": levels[a], "last": levels[b], "first_share": k[a, j] / n[a],
                        "last_share": k[b, j] / n[b]})
            row["change"] = row["last_share"] - row["first_share"]
            row["p_change"] = two_proportion_p(int(k[b, j]), int(n[b]), int(k[a, j]), int(n[a]))
            row["p_trend"] = cochran_armitage_p(k[:, j], n, scores)
        else:
            row.update({"first": None, "last": None, "first_share": np.nan, "last_share": np.nan,
                        "change": np.nan, "p_change": np.nan, "p_trend": np.nan})
        summary.append(row)
    summary_df = pd.DataFrame(summary)
    if not summary_df.empty:
        summary_df["p_change_adj"] = adjust(summary_df["p_change"], method)
        summary_df["p_trend_adj"] = adjust(summary_df["p_trend"], method)
        summary_df["significant_change"] = summary_df["p_change_adj"] < ALPHA
        summary_df["significant_trend"] = summary_df["p_trend_adj"] < ALPHA
    return pd.DataFrame(per_round), summary_df


def _round_scores(levels: Sequence[str]) -> list[float]:
    """Numeric rounds (years) score by value, others by position."""
    try:
        return [float(v.replace(",", ".")) for v in levels]
    except ValueError:
        return [float(i) for i in range(len(levels))]


_YEAR_NAMES = ("år", "aar", "year", "ar", "runde", "round", "undersøkelsesår", "årgang")


def _key(name: str) -> str:
    return "".join(ch for ch in unicodedata.normalize("NFKC", str(name)).casefold() if ch.isalnum())


def looks_like_rounds(comments: pd.DataFrame, column: str) -> bool:
    """A column that holds survey rounds: named like a year, or holding years, with 2+ values."""
    values = group_series(comments, column).unique().tolist()
    if not 2 <= len(values) <= 50:
        return False
    if _key(column) in {_key(n) for n in _YEAR_NAMES}:
        return True
    return all(v.isdigit() and len(v) == 4 and 1900 < int(v) < 2200 for v in values)
