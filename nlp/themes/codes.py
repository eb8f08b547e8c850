"""Several codes per comment: a comment gets every theme it carries, the primary one first.

The assignment head gives each comment a probability per theme. A comment about two things
("Vi får gode råd fra IMDi, men tilskuddet kommer for sent") splits its probability between
them, so a second theme is a code when its probability reaches `code_threshold_`. The threshold
is calibrated at fit time without labels: comments that each carry one theme should keep one
code, and the mixture of two comments of different themes (the normalised sum of their vectors,
which is close to the vector of the two written together) should get both. It maximises the
mean F1 of the code sets over the fitted comments and such mixtures, weighted as if a quarter of
comments carried two themes.
"""

from __future__ import annotations

from typing import Callable

import numpy as np

TWO_CODE_SHARE = 0.25  # the prior share of comments that carry two themes
MAX_PAIRS = 2000
CANDIDATES = np.round(np.arange(0.05, 0.61, 0.01), 2)


def code_sets(proba: np.ndarray, topic_ids: np.ndarray, primary: np.ndarray, threshold: float) -> list[list[int]]:
    """Per comment: its primary theme, then the others whose probability reaches ``threshold``
    (most likely first); nothing for a comment without a primary theme."""
    out: list[list[int]] = []
    order = np.argsort(-proba, axis=1, kind="stable")
    for i, p in enumerate(primary):
        if p < 0:
            out.append([])
            continue
        extra = [int(topic_ids[j]) for j in order[i] if proba[i, j] >= threshold and int(topic_ids[j]) != p]
        out.append([int(p), *extra])
    return out


def _mean_f1_per_threshold(proba: np.ndarray, gold: np.ndarray) -> np.ndarray:
    """Mean F1 of `code_sets` against gold (an (n, 2) array of class indices; a repeated index is
    one code) for every threshold in CANDIDATES at once."""
    rows = np.arange(len(proba))
    primary = proba.argmax(axis=1)
    others = proba.copy()
    others[rows, primary] = -1.0
    t = CANDIDATES[:, None, None]
    n_codes = 1 + (others[None] >= t).sum(axis=2)                      # (thresholds, n)
    distinct = gold[:, 0] != gold[:, 1]
    n_gold = 1 + distinct
    in_gold = (gold == primary[:, None])                                 # primary hits
    hits = in_gold.any(axis=1)[None].astype(int).repeat(len(CANDIDATES), 0)
    for k in range(2):
        extra = (gold[:, k] != primary) & ((k == 0) | distinct)
        hits += (extra[None] & (proba[rows, gold[:, k]][None] >= t[:, :, 0])).astype(int)
    return (2 * hits / (n_codes + n_gold[None])).mean(axis=1)


def calibrate_code_threshold(predict_proba: Callable[[np.ndarray], np.ndarray], X: np.ndarray, labels: np.ndarray,
                             topic_ids: np.ndarray, seed: int) -> float:
    """The threshold for second codes (see the module docstring); 1.0 (one code each) with fewer than 2 themes."""
    rows = np.flatnonzero(labels >= 0)
    if len(np.unique(labels[rows])) < 2:
        return 1.0
    rng = np.random.default_rng(seed)
    a = rng.choice(rows, size=min(MAX_PAIRS * 2, 4 * len(rows)))
    b = rng.choice(rows, size=len(a))
    keep = labels[a] != labels[b]
    a, b = a[keep][:MAX_PAIRS], b[keep][:MAX_PAIRS]
    unit = X / (np.linalg.norm(X, axis=1, keepdims=True) + 1e-12)
    mixed = unit[a] + unit[b]
    mixed /= np.linalg.norm(mixed, axis=1, keepdims=True) + 1e-12
    index = {int(t): k for k, t in enumerate(topic_ids)}
    to_index = np.vectorize(lambda t: index[int(t)])
    single = to_index(labels[rows])
    scores = ((1 - TWO_CODE_SHARE) * _mean_f1_per_threshold(predict_proba(X[rows]), np.stack([single, single], 1))
              + TWO_CODE_SHARE * _mean_f1_per_threshold(predict_proba(mixed.astype(np.float32)),
                                                        np.stack([to_index(labels[a]), to_index(labels[b])], 1)))
    best = int(np.flatnonzero(scores >= scores.max() - 1e-9)[0])  # the lowest threshold of the best, as before
    return float(CANDIDATES[best])
