"""Sentiment per code (issue 17, point 2): each code of a comment gets the sentiment of its own clauses.

"Vi får gode råd fra IMDi, men tilskuddet kommer for sent" is positive about the advice and
negative about the grant. A comment with two or more codes is split into sentences and
contrastive clauses (the sentiment model's own split, `nlp.sentiment.features.clause_pieces`);
each clause goes to the comment's code the theme model finds most likely for it. When the codes
sit in different clauses, each code's sentiment is that of the text made of its clauses, by the
same sentiment model as whole comments; a code without a clause of its own, and every code of a
comment whose clauses all go to one code, keeps the comment's sentiment. Only comments with two
or more codes are split, so the cost is a few embeddings per such comment (cached like all others).

The result is the comment table's `code_sentiment` column: per code, aligned with `codes`, and
empty when every code has the comment's sentiment (`nlp.themes.membership.code_sentiments` reads
it). The analyst's edits keep each code's sentiment (`carry_over`): a merged code keeps it when
its sources agree, an added code takes the comment's.
"""

from __future__ import annotations

from typing import Callable, Sequence

import numpy as np

from nlp.themes.membership import SEPARATOR

MIXED = "mixed"


def assign_clauses(owner: np.ndarray, proba: np.ndarray, topic_ids: Sequence[int],
                   code_sets: Sequence[Sequence[int]]) -> list[dict[int, list[int]]]:
    """Per comment, its codes -> the indices of the clauses that go to them (most likely code of
    the comment's own, by ``proba``: clauses x the model's themes in ``topic_ids`` order); empty
    where the comment's clauses do not go to two or more of its codes."""
    column = {int(t): j for j, t in enumerate(topic_ids)}
    out: list[dict[int, list[int]]] = [{} for _ in code_sets]
    for i, codes in enumerate(code_sets):
        clauses = np.flatnonzero(owner == i)
        known = [c for c in codes if c in column]
        if len(clauses) < 2 or len(known) < 2:
            continue
        scores = proba[np.ix_(clauses, [column[c] for c in known])]
        picked: dict[int, list[int]] = {}
        for k, best in zip(clauses, scores.argmax(axis=1)):
            picked.setdefault(known[best], []).append(int(k))
        if len(picked) >= 2:
            out[i] = picked
    return out


def column_value(codes: Sequence[int], own: dict[int, str], comment: str) -> str:
    """The `code_sentiment` cell: each code's sentiment (its own, else the comment's), or "" when
    all are the comment's."""
    labels = [own.get(int(c), comment) for c in codes]
    return SEPARATOR.join(labels) if any(s != comment for s in labels) else ""


def parse_value(codes: Sequence[int], cell: object) -> dict[int, str]:
    """A `code_sentiment` cell back as code -> sentiment (empty for an empty cell)."""
    if not isinstance(cell, str) or not cell:
        return {}
    return {int(c): s for c, s in zip(codes, cell.split(SEPARATOR)) if s}


def carry_over(fitted_codes: Sequence[int], fitted_cell: object, codes: Sequence[int], comment: str,
               target: Callable[[int], int]) -> str:
    """A comment's `code_sentiment` after edits: a code keeps its sentiment through a merge
    (``target`` maps a fitted code to the theme it was merged into) when the codes merged into it
    agree; a code added by the analyst, or whose sources disagree, has the comment's."""
    fitted = parse_value(fitted_codes, fitted_cell)
    if not fitted:
        return ""
    by_target: dict[int, set[str]] = {}
    for c in fitted_codes:
        by_target.setdefault(target(int(c)), set()).add(fitted.get(int(c), comment))
    own = {c: next(iter(s)) for c, s in by_target.items() if len(s) == 1}
    return column_value(codes, own, comment)


def code_sentiment_column(texts: Sequence[str], code_sets: Sequence[Sequence[int]], comment_labels: Sequence[str],
                          proba: Callable[[np.ndarray, Sequence[int]], tuple[np.ndarray, Sequence[int]]],
                          embed: Callable[[list[str]], np.ndarray], sentiment,
                          logits: Callable[[list[str]], np.ndarray] | None = None) -> list[str]:
    """`code_sentiment` for every comment (see the module docstring).

    ``proba(vectors, rows)``: the theme probabilities of clause vectors whose comments are ``rows``
    and the theme ids of its columns; ``embed(texts)``: vectors of texts; ``sentiment``: a
    `nlp.sentiment.model.SentimentModel` (its public `predict`); ``logits(texts)``: its fine-tuned
    encoder's logits where it reads one (through the cache, as `embed`), else computed by `predict`."""
    from nlp.sentiment.features import clause_pieces

    out = [""] * len(texts)
    rows = [i for i, codes in enumerate(code_sets) if len(codes) >= 2]
    pieces, owner = clause_pieces([texts[i] for i in rows])
    split = np.bincount(owner, minlength=len(rows)) >= 2 if len(owner) else np.zeros(len(rows), bool)
    rows = [i for i, two in zip(rows, split) if two]  # only comments of two or more clauses are embedded
    keep = np.flatnonzero(split[owner]) if len(owner) else owner
    pieces = [pieces[k] for k in keep]
    owner = np.cumsum(split)[owner[keep]] - 1 if len(keep) else owner[keep]
    if not pieces:
        return out
    vectors = embed(pieces)
    scores, topic_ids = proba(vectors, [rows[k] for k in owner])
    assigned = assign_clauses(owner, scores, topic_ids, [code_sets[i] for i in rows])
    jobs = [(k, code, " ".join(pieces[p] for p in clauses))
            for k, by_code in enumerate(assigned) for code, clauses in by_code.items()]
    if not jobs:
        return out
    code_texts = [text for _, _, text in jobs]
    labels = sentiment.predict(code_texts, embed(code_texts), finetuned=logits(code_texts) if logits else None).label
    own: dict[int, dict[int, str]] = {}
    for (k, code, _), label in zip(jobs, labels):
        own.setdefault(k, {})[code] = label
    for k, by_code in own.items():
        i = rows[k]
        out[i] = column_value(code_sets[i], by_code, comment_labels[i])
    return out
