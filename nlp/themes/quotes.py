"""Representative quotes: typical of the theme, readable, and not saying the same thing twice."""

from __future__ import annotations

from typing import Sequence

import numpy as np


def select_quotes(
    texts: Sequence[str],
    embeddings: np.ndarray,
    members: np.ndarray,
    k: int = 5,
    diversity: float = 0.5,
    max_similarity: float = 0.92,
) -> list[int]:
    """Pick up to k member indices by maximal marginal relevance around the theme centroid.

    Relevance is closeness to the centroid, discounted for very short or very long comments
    (a two-word or a 300-word quote is a poor illustration); a candidate whose embedding is
    nearly identical to an already chosen quote, or whose text is the same, is skipped.
    """
    members = np.asarray(members, dtype=int)
    if len(members) == 0:
        return []
    X = embeddings[members]
    centroid = X.mean(axis=0)
    centroid /= np.linalg.norm(centroid) + 1e-9
    relevance = X @ centroid
    lengths = np.array([len(texts[i].split()) for i in members])
    relevance = relevance - 0.05 * (lengths < 6) - 0.05 * (lengths > 120)
    chosen: list[int] = []
    seen_texts: set[str] = set()
    order = np.argsort(-relevance, kind="stable")
    candidates = list(order)
    while candidates and len(chosen) < k:
        if chosen:
            sim_to_chosen = (X[candidates] @ X[chosen].T).max(axis=1)
            mmr = (1 - diversity) * relevance[candidates] - diversity * sim_to_chosen
            pick_pos = int(np.argmax(mmr))
        else:
            sim_to_chosen = np.zeros(len(candidates))
            pick_pos = 0
        pick = candidates.pop(pick_pos)
        key = " ".join(texts[members[pick]].lower().split())
        if key in seen_texts or (chosen and sim_to_chosen[pick_pos] > max_similarity):
            continue
        seen_texts.add(key)
        chosen.append(pick)
    return [int(members[i]) for i in chosen]
