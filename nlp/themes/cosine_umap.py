"""UMAP on cosine distance with exact neighbours: faster than UMAP's own search at survey sizes."""

from __future__ import annotations

import os
import warnings

import numpy as np


class CosineUMAP:
    """UMAP on cosine distance with exact neighbours computed by matrix products.

    Below 4,096 points UMAP computes all pairwise distances itself, calling its numba metric
    once per pair from Python (about 5 s for 1,500 comments), so it gets the exact distance
    matrix instead. Up to 50,000 points it gets the exact nearest neighbours (blocks of one
    matrix product each; under a second for 10,000): its own approximate search (pynndescent)
    compiles numba code that cannot be cached, 15 s on every run. Above that, UMAP searches as usual.
    """

    EXACT_BELOW = 4096
    EXACT_KNN_BELOW = 50_000

    def __init__(self, **umap_params) -> None:
        self.umap_params = umap_params

    def fit_transform(self, X: np.ndarray, y=None) -> np.ndarray:
        from umap import UMAP

        sleeping_numba_threads()
        X = np.asarray(X, dtype=np.float32)
        unit = X / (np.linalg.norm(X, axis=1, keepdims=True) + 1e-12)
        if len(X) < self.EXACT_BELOW:
            dist = np.clip(1.0 - unit @ unit.T, 0.0, 2.0).astype(np.float64)
            np.fill_diagonal(dist, 0.0)
            with warnings.catch_warnings():  # UMAP's note that inverse_transform (never used) needs a metric
                warnings.filterwarnings("ignore", message="using precomputed metric", category=UserWarning)
                self.embedding_ = UMAP(metric="precomputed", **self.umap_params).fit_transform(dist)
        elif len(X) < self.EXACT_KNN_BELOW:
            knn = exact_cosine_knn(unit, self.umap_params.get("n_neighbors", 15))
            with warnings.catch_warnings():  # UMAP's note that precomputed neighbours cannot transform new data
                warnings.filterwarnings("ignore", message=".*precomputed_knn.*", category=UserWarning)
                self.embedding_ = UMAP(metric="cosine", precomputed_knn=(*knn, None),
                                       **self.umap_params).fit_transform(X)
        else:
            self.embedding_ = UMAP(metric="cosine", **self.umap_params).fit_transform(X)
        return self.embedding_


def sleeping_numba_threads() -> None:
    """Run numba's parallel loops on its workqueue threads, which sleep when idle.

    Its default OpenMP threads keep spinning after UMAP's parallel loops and take the cores from
    PyTorch's: in one process (the app's server, a notebook, the test suite) embedding after a theme
    fit ran 13x slower (4.1 against 53 texts/s on 2 cores), and a vector computed then could differ
    in its last bits. Set before numba starts its first parallel loop; NUMBA_THREADING_LAYER, if
    given, wins.
    """
    if "NUMBA_THREADING_LAYER" in os.environ:
        return
    import numba

    numba.config.THREADING_LAYER = "workqueue"


def exact_cosine_knn(unit: np.ndarray, k: int, block: int = 1024) -> tuple[np.ndarray, np.ndarray]:
    """Indices and cosine distances of each row's k nearest rows (itself first), as UMAP wants them."""
    n = len(unit)
    k = min(k, n)
    indices = np.empty((n, k), dtype=np.int32)
    dists = np.empty((n, k), dtype=np.float32)
    for start in range(0, n, block):
        sim = unit[start:start + block] @ unit.T
        rows = np.arange(sim.shape[0])
        sim[rows, start + rows] = np.inf  # a point is its own nearest neighbour, as in UMAP's search
        top = np.argpartition(-sim, k - 1, axis=1)[:, :k]
        order = np.argsort(-np.take_along_axis(sim, top, axis=1), axis=1, kind="stable")
        top = np.take_along_axis(top, order, axis=1)
        indices[start:start + block] = top
        d = 1.0 - np.take_along_axis(sim, top, axis=1)
        d[:, 0] = 0.0
        dists[start:start + block] = np.clip(d, 0.0, 2.0)
    return indices, dists
