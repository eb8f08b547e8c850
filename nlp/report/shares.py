"""Theme shares with 95% intervals, overall and per group, and sentiment per theme."""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy.stats import norm
from nlp.schema import TOPIC_ID

Z95 = float(norm.ppf(0.975))


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


def theme_shares(comments: pd.DataFrame, group_column: str | None = None) -> pd.DataFrame:
    """Share of substantive comments in each theme (non-answers are not in the denominator)."""
    sub = comments[~comments["is_nonanswer"]]
    keys = [group_column] if group_column else []
    rows = []
    groups = sub.groupby(keys, sort=True, dropna=False) if keys else [((), sub)]
    for key, frame in groups:
        n = len(frame)
        counts = frame.groupby([TOPIC_ID, "topic_label"], sort=True).size()
        for (tid, label), k in counts.items():
            lo, hi = wilson_interval(k, n)
            row = {TOPIC_ID: int(tid), "topic_label": label, "n": int(k), "total": n,
                   "share": k / n if n else 0.0, "ci_low": float(lo), "ci_high": float(hi)}
            if group_column:
                row = {group_column: key[0] if isinstance(key, tuple) else key, **row}
            rows.append(row)
    return pd.DataFrame(rows)


def sentiment_by_theme(comments: pd.DataFrame) -> pd.DataFrame:
    """Count and share of each sentiment within each theme (substantive comments)."""
    sub = comments[~comments["is_nonanswer"]]
    table = pd.crosstab([sub[TOPIC_ID], sub["topic_label"]], sub["sentiment"])
    for col in ("positive", "negative", "neutral", "mixed"):
        if col not in table:
            table[col] = 0
    table = table[["positive", "negative", "neutral", "mixed"]]
    shares = table.div(table.sum(axis=1), axis=0).add_prefix("share_")
    return pd.concat([table, shares], axis=1).reset_index()
