"""Topic coherence (NPMI of top words) and topic diversity, with sentences as co-occurrence windows."""

from __future__ import annotations

import math
from itertools import combinations
from typing import Sequence


def _contains(doc: Sequence[str], term: str) -> bool:
    """A term is one lemma or a phrase of lemmas; a phrase counts where it occurs contiguously."""
    parts = term.split()
    if len(parts) == 1:
        return term in doc
    n = len(parts)
    return any(list(doc[i:i + n]) == parts for i in range(len(doc) - n + 1))


def npmi(topics: Sequence[Sequence[str]], docs: Sequence[Sequence[str]], top_n: int = 10) -> float:
    """Mean over topics of the mean NPMI over pairs of its top words (Bouma 2009; -1 when a pair never meets).

    Docs are the reference corpus as lemma lists; a pair co-occurs when both terms are in one doc.
    A topic with fewer than two words scores -1.
    """
    terms = sorted({t for topic in topics for t in topic[:top_n]})
    sets = [set(d) for d in docs]
    where: dict[str, set[int]] = {}
    for t in terms:
        if " " in t:
            where[t] = {i for i, d in enumerate(docs) if _contains(d, t)}
        else:
            where[t] = {i for i, s in enumerate(sets) if t in s}
    n = len(docs)
    scores = []
    for topic in topics:
        pairs = []
        for a, b in combinations(topic[:top_n], 2):
            pa, pb = len(where[a]) / n, len(where[b]) / n
            pab = len(where[a] & where[b]) / n
            if pa == 0 or pb == 0 or pab == 0:
                pairs.append(-1.0)
            elif pab == 1.0:
                pairs.append(1.0)
            else:
                pairs.append(math.log(pab / (pa * pb)) / -math.log(pab))
        # a topic with one word has no pair; it scores as if its words never met, not left out
        scores.append(sum(pairs) / len(pairs) if pairs else -1.0)
    return sum(scores) / len(scores) if scores else float("nan")


def diversity(topics: Sequence[Sequence[str]], top_n: int = 10) -> float:
    """Share of unique words among all topics' top words (Dieng et al. 2020); phrases count by their words."""
    words = [w for topic in topics for term in topic[:top_n] for w in term.split()]
    return len(set(words)) / len(words) if words else float("nan")
