"""Corrections that teach the assignment: comments the analyst coded refit the model's head.

An edit moves one exact text; a correction also moves the comments that resemble it. The saved
model keeps each corrected comment's vector (of its redacted text) and theme, and the assignment
head is refitted on them: the head's weights W0 move as little as they must to get the corrected
comments right, minimising sum(cross-entropy on the corrections) + lam/2 ||W - W0||^2. The
strength lam is chosen by leave-one-out over the corrections themselves (each predicted by a head
refitted without it), the largest on ties: the least change that generalises best; a single
correction (nothing to leave out) gets the largest strength that gets it right. Kept in
`corrections.safetensors` (vectors, themes and the refitted head) beside `edits.json`, outside the
manifest (it grows after fitting), and checked against the model's themes when loaded.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

FILE = "corrections.safetensors"
STRENGTHS = (30.0, 10.0, 3.0, 1.0, 0.3)  # lam, most conservative first


def _softmax(z: np.ndarray) -> np.ndarray:
    z = z - z.max(axis=1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=1, keepdims=True)


def _full(coef: np.ndarray, intercept: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """A binary head (one row) as two rows, so every case is a softmax over themes."""
    if coef.shape[0] == 1:
        return np.vstack([-coef, coef]) / 2, np.concatenate([-intercept, intercept]) / 2
    return coef, intercept


def refit(coef0: np.ndarray, intercept0: np.ndarray, X: np.ndarray, y: np.ndarray, lam: float
          ) -> tuple[np.ndarray, np.ndarray]:
    """The head nearest (coef0, intercept0) that fits rows X to class indices y (see module docstring)."""
    from scipy.optimize import minimize

    W0 = np.concatenate([coef0, intercept0[:, None]], axis=1).astype(np.float64)
    Xb = np.concatenate([X, np.ones((len(X), 1))], axis=1).astype(np.float64)
    onehot = np.eye(W0.shape[0])[y]

    def loss(w: np.ndarray) -> tuple[float, np.ndarray]:
        W = w.reshape(W0.shape)
        p = _softmax(Xb @ W.T)
        d = W - W0
        value = -np.log(p[np.arange(len(y)), y] + 1e-12).sum() + lam / 2 * (d * d).sum()
        grad = (p - onehot).T @ Xb + lam * d
        return float(value), grad.ravel()

    w = minimize(loss, W0.ravel(), jac=True, method="L-BFGS-B", options={"maxiter": 200}).x.reshape(W0.shape)
    return w[:, :-1].astype(np.float32), w[:, -1].astype(np.float32)


@dataclass
class Corrections:
    vectors: np.ndarray    # (m, dim) float32
    theme_ids: np.ndarray  # (m,) int
    coef: np.ndarray | None = None       # the refitted head (softmax rows in topic_ids_ order)
    intercept: np.ndarray | None = None

    def __len__(self) -> int:
        return len(self.theme_ids)

    def add(self, vectors: np.ndarray, theme_ids: np.ndarray) -> "Corrections":
        """These comments' themes, replacing earlier corrections of the same comments."""
        new = np.asarray(vectors, np.float32)
        keep = np.ones(len(self), bool)
        if len(self) and len(new):
            unit = lambda a: a / (np.linalg.norm(a, axis=1, keepdims=True) + 1e-12)  # noqa: E731
            keep = (unit(self.vectors) @ unit(new).T).max(axis=1) < 0.9999
        return Corrections(np.vstack([self.vectors[keep], new]).astype(np.float32),
                           np.concatenate([self.theme_ids[keep], np.asarray(theme_ids, int)]))

    def fit(self, coef0: np.ndarray, intercept0: np.ndarray, topic_ids: np.ndarray) -> "Corrections":
        """Refit the head on the corrections, with the strength leave-one-out picks."""
        coef0, intercept0 = _full(np.asarray(coef0, np.float32), np.asarray(intercept0, np.float32))
        index = {int(t): k for k, t in enumerate(topic_ids)}
        y = np.array([index[int(t)] for t in self.theme_ids], dtype=int)
        if not len(y):
            return Corrections(self.vectors, self.theme_ids)
        best_lam, best_hits = STRENGTHS[0], -1
        if len(y) == 1:  # nothing to leave out: the least change that gets the correction right
            best_lam = STRENGTHS[-1]
            for lam in STRENGTHS:
                c, b = refit(coef0, intercept0, self.vectors, y, lam)
                if (self.vectors[0] @ c.T + b).argmax() == y[0]:
                    best_lam = lam
                    break
        else:
            for lam in STRENGTHS:
                hits = 0
                for i in range(len(y)):
                    rest = np.arange(len(y)) != i
                    c, b = refit(coef0, intercept0, self.vectors[rest], y[rest], lam)
                    hits += int((self.vectors[i] @ c.T + b).argmax() == y[i])
                if hits > best_hits:
                    best_lam, best_hits = lam, hits
        coef, intercept = refit(coef0, intercept0, self.vectors, y, best_lam)
        return Corrections(self.vectors, self.theme_ids, coef, intercept)

    def save_to(self, path: str | Path) -> None:
        from safetensors.numpy import save_file

        arrays = {"vectors": np.ascontiguousarray(self.vectors, np.float32),
                  "theme_ids": np.ascontiguousarray(self.theme_ids, np.int64)}
        if self.coef is not None:
            arrays |= {"coef": np.ascontiguousarray(self.coef, np.float32),
                       "intercept": np.ascontiguousarray(self.intercept, np.float32)}
        save_file(arrays, str(path))

    @classmethod
    def load(cls, folder: str | Path, dim: int, topic_ids: np.ndarray) -> "Corrections | None":
        """None when the folder has none; ValueError (one line) when they do not fit the model."""
        from safetensors import SafetensorError
        from safetensors.numpy import load_file

        path = Path(folder) / FILE
        if not path.is_file():
            return None
        try:
            a = load_file(str(path))
            vectors, ids, coef, intercept = a["vectors"], a["theme_ids"].astype(int), a.get("coef"), a.get("intercept")
        except (OSError, SafetensorError, KeyError) as exc:
            raise ValueError(f"{FILE}: {exc}") from None
        k = max(len(topic_ids), 2)
        if vectors.ndim != 2 or vectors.shape[1] != dim or len(vectors) != len(ids):
            raise ValueError(f"{FILE}: {list(vectors.shape)} vectors for {len(ids)} themes do not fit dimension {dim}")
        if coef is not None and (coef.shape != (k, dim) or intercept is None or intercept.shape != (k,)):
            raise ValueError(f"{FILE}: the refitted head does not fit the model's {len(topic_ids)} themes")
        unknown = sorted(set(ids.tolist()) - {int(t) for t in topic_ids})
        if unknown:
            raise ValueError(f"{FILE}: theme {unknown[0]} is not one of the model's themes")
        return cls(vectors.astype(np.float32), ids, coef, intercept)
