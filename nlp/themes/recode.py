"""Re-assign comments after the analyst edited the codebook, without finding themes again.

Discovery (UMAP, HDBSCAN, BERTopic's clusters) is the slow part of a fit, and its themes are what
the analyst has been reading: they stay, with their ids. The edited codebook decides the codes:

- a code the model already has keeps its theme (a new name or description is taken over);
- a new code takes the comments it matches best of all codes: the codebook's first guess
  (`nlp.themes.codebook_match`, as in `ThemeModel.fit`), with one of its seed words or clearly like
  it (`CLEAR_MATCH`); themes found in the data compete through the centroid of their comments;
- codes with ``split_from: X`` share theme X's comments between them (and X's own code when it is
  still in the codebook), each comment to the one it matches best; X goes unless its code stays;
- a codebook theme whose code left the codebook goes.

Memberships start from what discovery found when the model was fitted (kept in the model,
`fit_labels_`), so with an unchanged codebook the head comes out as it was. The assignment head is
then fitted again on the comments with the new memberships (comments of a theme that went are
left to it), which is what carries a new code to comments its words did not
reach, and the themes are described again. The analyst's corrections of themes that stay are
refitted onto the new head.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from typing import Sequence

import numpy as np

from nlp.schema import OUTLIER
from nlp.themes.codebook import Codebook
from nlp.themes.codebook_match import match_codes, zscore_columns
from nlp.themes.codes import calibrate_code_threshold
from nlp.themes.model import ThemeModel, vector_keys

#: a new code takes a comment that has one of its seed words or is this many standard deviations
#: (per code vector) more like it than comments are on average: short answers ("Bra.", "Bolig.")
#: are like nothing in particular and stay where they are
CLEAR_MATCH = 1.0


@dataclass
class RecodeReport:
    """What an edited codebook changed, for the analyst."""

    added: list[str] = field(default_factory=list)         # new codes that got a theme
    split: dict[int, list[str]] = field(default_factory=dict)  # theme id -> the codes that share it
    removed: list[int] = field(default_factory=list)       # themes that went
    empty: list[str] = field(default_factory=list)         # new codes no comment matched: left out
    moved: int = 0                                          # fitted comments whose primary theme changed

    def to_dict(self) -> dict:
        """As JSON holds it (the run's metadata and run.json)."""
        return {"added": self.added, "split": {str(k): v for k, v in self.split.items()},
                "removed": self.removed, "empty": self.empty, "moved": self.moved}


def discovered_labels(model: ThemeModel, X: np.ndarray, assigned: np.ndarray) -> np.ndarray:
    """What discovery gave each comment when the model was fitted on it; the assignment (``assigned``)
    for comments it was not fitted on. With an unchanged codebook the head then comes out as it was."""
    keys, fitted = getattr(model, "fit_keys_", None), getattr(model, "fit_labels_", None)
    labels = np.asarray(assigned, dtype=int).copy()
    if keys is None or not len(keys):
        return labels
    found = dict(zip(keys.tolist(), fitted.tolist()))
    ids = {int(t) for t in model.topic_ids_}
    for i, key in enumerate(vector_keys(X).tolist()):
        label = found.get(key)
        if label is not None and (label in ids or label == OUTLIER):
            labels[i] = label
    return labels


def _found_theme_scores(X: np.ndarray, labels: np.ndarray, model: ThemeModel, gone: set[int],
                        n_vectors: int) -> np.ndarray:
    """Themes found in the data compete with a new code by the centroid of their comments, scored as
    a code is (similarity z-scored per theme, once per code vector), so a new code takes a comment
    only where it fits better than the found theme it sits in."""
    found = [int(t.id) for t in model.themes_ if not t.codebook_id and t.id not in gone and (labels == t.id).any()]
    if not found:
        return np.zeros((len(X), 0), dtype=np.float32)
    centroids = np.stack([X[labels == t].mean(axis=0) for t in found])
    centroids /= np.linalg.norm(centroids, axis=1, keepdims=True) + 1e-9
    return (n_vectors * zscore_columns(X @ centroids.T)).astype(np.float32)


def recode_themes(
    model: ThemeModel,
    X: np.ndarray,
    docs: Sequence[str],
    codebook: Codebook,
    codebook_vectors: np.ndarray,
    splits: dict[str, int] | None = None,
    sample_weight: np.ndarray | None = None,
) -> tuple[ThemeModel, RecodeReport]:
    """A new model with the edited codebook's codes, fitted on the comments the model was fitted on.

    ``X``/``docs``: the fitted comments' vectors and lemma docs; ``codebook_vectors`` one or more
    vectors per code (`embed_codebook`); ``splits``: new code id -> the theme id it splits
    (``split_from`` resolved by the caller)."""
    splits = dict(splits or {})
    X = np.asarray(X, dtype=np.float32)
    before = model.transform(X)[0]
    labels = discovered_labels(model, X, before)
    by_code = {t.codebook_id: t.id for t in model.themes_ if t.codebook_id}
    next_id = max(int(t) for t in model.topic_ids_) + 1
    theme_of: dict[int, int] = {}   # codebook index -> theme id
    new: list[int] = []
    for j, code in enumerate(codebook.themes):
        if code.id in by_code:
            theme_of[j] = by_code[code.id]
        else:
            theme_of[j], next_id = next_id, next_id + 1
            new.append(j)
    in_codebook = {code.id for code in codebook.themes}
    gone = {t.id for t in model.themes_ if t.codebook_id and t.codebook_id not in in_codebook}

    match = match_codes(X, docs, codebook, np.asarray(codebook_vectors, dtype=np.float32))
    score = match.score(model.seed_weight)
    report = RecodeReport()
    split_codes: dict[int, list[int]] = {}
    for j in new:
        source = splits.get(codebook.themes[j].id)
        if source is not None:
            split_codes.setdefault(int(source), []).append(j)
    for source, js in split_codes.items():
        own = [j for j, code in enumerate(codebook.themes) if theme_of[j] == source]
        candidates = np.array(js + own)
        members = np.flatnonzero(labels == source)
        if len(members):
            labels[members] = [theme_of[int(j)] for j in candidates[score[np.ix_(members, candidates)].argmax(axis=1)]]
        if not own:
            gone.add(source)
        report.split[source] = [codebook.themes[j].id for j in js]

    best = np.hstack([score, _found_theme_scores(X, labels, model, gone, match.n_vectors)]).argmax(axis=1)
    unlike = match.unlike(model.codebook_threshold)
    for j in new:
        if codebook.themes[j].id not in splits:
            evidence = (match.hits[:, j] > 0) | (match.z[:, j] >= CLEAR_MATCH * match.n_vectors)
            labels[(best == j) & ~unlike & evidence] = theme_of[j]

    labels[np.isin(labels, list(gone))] = OUTLIER  # the new head decides where they go
    present = set(np.unique(labels).tolist())
    report.added = [codebook.themes[j].id for j in new if theme_of[j] in present]
    report.empty = [codebook.themes[j].id for j in new if theme_of[j] not in present]
    report.removed = sorted(gone)
    if len(present - {OUTLIER}) < 1:
        raise ValueError("no comment is left with a theme")

    recoded = copy.copy(model)
    recoded.codebook = codebook
    corrections = getattr(model, "corrections_", None)
    recoded.corrections_ = None
    recoded.fit_keys_, recoded.fit_labels_ = vector_keys(X), labels.astype(np.int64)  # what this fit started from
    recoded._fit_head(X, labels, sample_weight)
    if corrections is not None and len(corrections):
        keep = np.isin(corrections.theme_ids, recoded.topic_ids_)
        if keep.any():
            kept = type(corrections)(corrections.vectors[keep], corrections.theme_ids[keep])
            recoded.corrections_ = kept.fit(recoded.coef_, recoded.intercept_, recoded.topic_ids_)
    final = recoded.transform(X)[0]
    recoded.code_threshold_ = calibrate_code_threshold(recoded.predict_proba, X, final, recoded.topic_ids_,
                                                       model.seed)
    code_of = {theme_of[j]: codebook.themes[j].id for j in theme_of}
    origin = {int(t): code_of.get(int(t)) for t in recoded.topic_ids_}
    recoded._represent(X, list(docs), final, origin)
    report.moved = int((final != before).sum())
    return recoded, report
