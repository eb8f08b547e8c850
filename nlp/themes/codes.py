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


def _mean_f1(proba: np.ndarray, gold: list[set[int]], threshold: float, topic_ids: np.ndarray) -> float:
    primary = topic_ids[proba.argmax(axis=1)]
    scores = []
    for codes, g in zip(code_sets(proba, topic_ids, primary, threshold), gold):
        scores.append(2 * len(set(codes) & g) / (len(set(codes)) + len(g)))
    return float(np.mean(scores)) if scores else 0.0


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
    single_p, pair_p = predict_proba(X[rows]), predict_proba(mixed.astype(np.float32))
    single_gold = [{int(t)} for t in labels[rows]]
    pair_gold = [{int(x), int(y)} for x, y in zip(labels[a], labels[b])]
    best, best_score = 1.0, -1.0
    for t in CANDIDATES:
        score = ((1 - TWO_CODE_SHARE) * _mean_f1(single_p, single_gold, t, topic_ids)
                 + TWO_CODE_SHARE * _mean_f1(pair_p, pair_gold, t, topic_ids))
        if score > best_score + 1e-9:
            best, best_score = float(t), score
    return best
