"""Probabilities that mean what they say: temperature scaling, its error measure, and the logistic fits."""

from __future__ import annotations

import numpy as np


def softmax(z: np.ndarray) -> np.ndarray:
    z = z - z.max(axis=1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=1, keepdims=True)

def sigmoid(z: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-z))

def fit_temperature(logits: np.ndarray, y: np.ndarray) -> float:
    """Scalar temperature minimising the negative log-likelihood (Guo et al. 2017)."""
    from scipy.optimize import minimize_scalar

    idx = np.arange(len(y))

    def nll(log_t: float) -> float:
        z = logits / np.exp(log_t)
        z = z - z.max(axis=1, keepdims=True)
        return float(np.mean(np.log(np.exp(z).sum(axis=1)) - z[idx, y]))

    res = minimize_scalar(nll, bounds=(-3.0, 3.0), method="bounded")
    return float(np.exp(res.x))

def expected_calibration_error(proba: np.ndarray, y: np.ndarray, n_bins: int = 15) -> float:
    """Top-label ECE with equal-width confidence bins."""
    conf = proba.max(axis=1)
    correct = (proba.argmax(axis=1) == y).astype(float)
    bins = np.minimum((conf * n_bins).astype(int), n_bins - 1)
    ece = 0.0
    for b in range(n_bins):
        m = bins == b
        if m.any():
            ece += m.mean() * abs(correct[m].mean() - conf[m].mean())
    return float(ece)

def fit_lr(x, y, c: float, sample_weight=None, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    from sklearn.linear_model import LogisticRegression

    lr = LogisticRegression(C=c, max_iter=5000, random_state=seed)
    lr.fit(x, y, sample_weight=sample_weight)
    # classes_ are 0..2 because y is encoded in LABELS order
    return lr.coef_.astype(np.float32), lr.intercept_.astype(np.float32)
