"""How well comments match the codes of a codebook: the first guess that seeds codebook themes.

Used where comments meet a codebook: discovery with a codebook (`ThemeModel.fit`) and
re-assignment after the codebook was edited (`nlp.themes.recode`), so both read a code the same way.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

import numpy as np

from nlp.themes.codebook import Codebook


@dataclass(frozen=True)
class CodeMatch:
    """Per comment and code: similarity (z-scored per code and vector, summed) and seed words found."""

    z: np.ndarray      # (comments, codes)
    hits: np.ndarray   # (comments, codes)
    n_vectors: int     # vectors per code (the z-scores' sum runs over them)

    def score(self, seed_weight: float) -> np.ndarray:
        return self.z + seed_weight * self.hits

    def unlike(self, threshold: float) -> np.ndarray:
        """Comments unlike every code and without any of their seed words."""
        return (self.z.max(axis=1) < threshold * self.n_vectors) & (self.hits.max(axis=1) == 0)


def match_codes(X: np.ndarray, docs: Sequence[str], codebook: Codebook, C: np.ndarray) -> CodeMatch:
    """`C` holds one or more vectors per code (its prompt, the centroid of its seed words), shape
    (codes, vectors, dim). Similarities are standardised per code, since some prompts are close to
    everything; seed words are counted in the lemmas, compounds included."""
    C = C if C.ndim == 3 else C[:, None, :]
    z = sum(zscore_columns(X @ C[:, v, :].T) for v in range(C.shape[1]))
    return CodeMatch(z, seed_hits(docs, codebook), C.shape[1])


def zscore_columns(sim: np.ndarray) -> np.ndarray:
    """Similarity to each theme relative to how similar comments are to it in general."""
    mu = sim.mean(axis=0, keepdims=True)
    sd = sim.std(axis=0, keepdims=True) + 1e-6
    return (sim - mu) / sd


def seed_hits(docs: Sequence[str], codebook: Codebook) -> np.ndarray:
    """How many of a theme's seed words occur in each lemma doc.

    Seeds of five letters or more also match inside words, which catches Norwegian compounds
    and inflections ("tilskudd" in "integreringstilskuddet"); shorter seeds (NAV) match whole
    words; multi-word seeds match as phrases.
    """
    out = np.zeros((len(docs), len(codebook.themes)), dtype=np.float32)
    for i, doc in enumerate(docs):
        lowered = doc.lower()
        words = set(lowered.split())
        padded = f" {lowered} "
        for j, theme in enumerate(codebook.themes):
            n = 0
            for seed in theme.seeds:
                s = seed.lower()
                if " " in s:
                    n += f" {s} " in padded
                elif len(s) >= 5:
                    n += s in lowered
                else:
                    n += s in words
            out[i, j] = n
    return out
