"""Analyst edits in the app: rename, merge, move comments, add or remove a code, and what the run looks like after them.

Edits are an `nlp.themes.edits.Edits` log on top of the fitted assignment; every view and download
is computed from `apply_edits(run comments, run themes, edits)`, so undo is just going back to
an earlier log. The same log is saved in the run's model folder, where `fritekst tag` replays it.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Iterable, Sequence

import numpy as np
import pandas as pd

from nlp.schema import (
    CODE_SENTIMENT, CODES, FITTED_CODE_SENTIMENT, FITTED_CODES, FITTED_TOPIC_ID, NONANSWER, NONANSWER_LABEL, OUTLIER,
    OUTLIER_LABEL, TOPIC_ID, Edited, ThemeInfo, theme_column,
)
from nlp.themes.edits import Edits, text_id
from nlp.themes.code_sentiment import carry_over
from nlp.themes.membership import code_columns, code_names, member_mask, membership_columns, parse_codes

MAX_KEYWORDS = 10
MAX_QUOTES = 5


class EditError(ValueError):
    """An edit that cannot be made; the message is Norwegian and shown to the analyst."""



def copy_edits(edits: Edits) -> Edits:
    return Edits.from_dict(edits.to_dict())


def apply_edits(comments: pd.DataFrame, themes: Sequence[ThemeInfo], edits: Edits) -> Edited:
    """Recompute topic ids, codes, labels, theme columns, sizes, shares, keywords and quotes."""
    fitted = comments[FITTED_TOPIC_ID].to_numpy(dtype=int) if FITTED_TOPIC_ID in comments else \
        comments[TOPIC_ID].to_numpy(dtype=int)
    before = fitted_codes(comments, themes, fitted)
    topic, codes = edits.apply_codes(fitted, before, comments["text"].tolist())

    by_id = {t.id: t for t in themes}
    kept = [t for t in themes if edits.target(t.id) == t.id]
    members_of: dict[int, list[int]] = {t.id: [t.id] for t in kept}
    for t in themes:
        root = edits.target(t.id)
        if root != t.id and root in members_of:
            members_of[root].append(t.id)

    out = comments.drop(columns=[c for c in (theme_column(t.id, t.label) for t in themes) if c in comments])
    out = out.copy()
    out[TOPIC_ID] = topic
    labels = {t.id: edits.label(t.id, t.label) for t in kept}
    label_of = {**labels, OUTLIER: OUTLIER_LABEL, NONANSWER: NONANSWER_LABEL}
    out["topic_label"] = [label_of.get(int(t), OUTLIER_LABEL) for t in topic]
    for col, values in code_columns(codes, code_names(themes)).items():
        out[col] = values
    column = FITTED_CODE_SENTIMENT if FITTED_CODES in comments else CODE_SENTIMENT
    if column in comments:  # each code keeps its own sentiment through the edits
        cells, comment_sentiment = comments[column].tolist(), comments["sentiment"].astype(str).tolist()
        out[CODE_SENTIMENT] = [carry_over(f, cell, c, s, edits.target) if isinstance(cell, str) and cell else ""
                               for f, cell, c, s in zip(before, cells, codes, comment_sentiment)]
    n_sub = max(int((~comments["is_nonanswer"].to_numpy(dtype=bool)).sum()), 1)
    columns = membership_columns(codes, [(t.id, labels[t.id]) for t in kept])
    ids = out["id"].astype(str).to_numpy()
    new_themes = []
    for t in kept:
        mask = columns[theme_column(t.id, labels[t.id])].astype(bool)
        size = int(mask.sum())
        member_ids = set(ids[mask])
        keywords = _merge_lists([by_id[m].keywords for m in members_of[t.id]], MAX_KEYWORDS)
        quotes = _merge_lists([[q for q in by_id[m].quote_ids if q in member_ids] for m in members_of[t.id]],
                              MAX_QUOTES)
        new_themes.append(replace(t, label=labels[t.id], keywords=keywords, size=size, share=size / n_sub,
                                  quote_ids=quotes))
    if columns:
        out = pd.concat([out, pd.DataFrame(columns, index=out.index)], axis=1)
    new_themes.sort(key=lambda th: (-th.size, th.id))
    return Edited(out, new_themes)


def fitted_codes(comments: pd.DataFrame, themes: Sequence[ThemeInfo], fitted: np.ndarray) -> list[list[int]]:
    """Each comment's codes as the model assigned them: `fitted_codes` (the run store keeps them),
    else `codes`, else the primary theme alone (a table from before several codes)."""
    column = FITTED_CODES if FITTED_CODES in comments else CODES if CODES in comments else None
    if column is None:
        return [[int(t)] if t >= 0 else [] for t in fitted]
    return parse_codes(comments[column].tolist(), fitted, themes)


def _merge_lists(lists: Iterable[Sequence[str]], limit: int) -> list[str]:
    """Round-robin over the lists (the surviving theme first), without repeats."""
    lists = [list(x) for x in lists]
    out: list[str] = []
    for i in range(max((len(x) for x in lists), default=0)):
        for x in lists:
            if i < len(x) and x[i] not in out:
                out.append(x[i])
    return out[:limit]


# ------------------------------------------------------------------ edit operations


def rename(edits: Edits, current: Edited, theme_id: int, new_label: str) -> Edits:
    label = " ".join(str(new_label).split())
    theme = current.theme(theme_id)
    if theme is None:
        raise EditError("Temaet finnes ikke lenger (det kan være slått sammen med et annet).")
    if not label:
        raise EditError("Skriv inn et navn på temaet.")
    if len(label) > 120:
        raise EditError("Navnet er for langt (maks 120 tegn).")
    if label.casefold() in {OUTLIER_LABEL.casefold(), NONANSWER_LABEL.casefold()}:
        raise EditError(f"«{label}» er reservert og kan ikke brukes som temanavn.")
    if any(t.label.casefold() == label.casefold() and t.id != theme_id for t in current.themes):
        raise EditError(f"Et annet tema heter allerede «{label}». Slå dem heller sammen.")
    out = copy_edits(edits)
    out.renames[theme_id] = label
    return out


def merge(edits: Edits, current: Edited, source_id: int, target_id: int) -> Edits:
    if source_id == target_id:
        raise EditError("Velg to forskjellige temaer.")
    if current.theme(source_id) is None or current.theme(target_id) is None:
        raise EditError("Temaet finnes ikke lenger (det kan være slått sammen med et annet).")
    out = copy_edits(edits)
    out.merges[source_id] = target_id
    return out


def move(edits: Edits, current: Edited, comment_ids: Iterable[str], target_id: int,
         keep_codes: bool = False) -> tuple[Edits, int]:
    """Move comments (by id) to a theme or to "Uten tema"; returns the new log and how many moved.

    The theme becomes the comment's primary theme and, unless ``keep_codes``, its only code (the
    codes added or removed before are forgotten). Moves are keyed by the comment text (as
    `fritekst tag` replays them), so identical comments move together. Non-answers cannot be moved.
    """
    if target_id != OUTLIER and current.theme(target_id) is None:
        raise EditError("Temaet finnes ikke lenger (det kan være slått sammen med et annet).")
    rows = _picked(current, comment_ids, "flyttes til et tema")
    kept = _codes_of(rows, current) if keep_codes else [[] for _ in range(len(rows))]
    out = copy_edits(edits)
    moved = 0
    for text, topic, codes in zip(rows["text"].tolist(), rows[TOPIC_ID].tolist(), kept):
        if int(topic) != target_id:
            moved += 1
        key = text_id(text)
        out.moves[key] = int(target_id)
        out.removed.pop(key, None)
        others = [c for c in codes if c != target_id] if target_id != OUTLIER else []
        if others:
            out.added[key] = others
        else:
            out.added.pop(key, None)
    return out, moved


def add_code(edits: Edits, current: Edited, comment_ids: Iterable[str], theme_id: int) -> tuple[Edits, int]:
    """Give comments (by id) one more code; returns the new log and how many gained it.

    A comment without a theme gets it as its primary theme. Keyed by text, as moves are."""
    if current.theme(theme_id) is None:
        raise EditError("Temaet finnes ikke lenger (det kan være slått sammen med et annet).")
    rows = _picked(current, comment_ids, "få et tema")
    has = member_mask(rows, theme_id)
    out = copy_edits(edits)
    for text, present in zip(rows["text"].tolist(), has):
        key = text_id(text)
        if _drop(out.removed, key, theme_id):  # taking back a removal gives the code back
            continue
        if not present and theme_id not in out.added.get(key, []):
            out.added[key] = out.added.get(key, []) + [int(theme_id)]
    return out, int((~has).sum())


def remove_code(edits: Edits, current: Edited, comment_ids: Iterable[str], theme_id: int) -> tuple[Edits, int]:
    """Take one code from comments (by id); returns the new log and how many lost it.

    Removing the primary theme makes the next code primary; a comment left without codes has no theme."""
    if current.theme(theme_id) is None:
        raise EditError("Temaet finnes ikke lenger (det kan være slått sammen med et annet).")
    rows = _picked(current, comment_ids, "miste et tema")
    has = member_mask(rows, theme_id)
    if not has.any():
        raise EditError("Ingen av de valgte kommentarene har dette temaet.")
    out = copy_edits(edits)
    for text, present in zip(rows["text"].tolist(), has):
        if not present:
            continue
        key = text_id(text)
        if _drop(out.added, key, theme_id):  # taking back an addition takes the code away
            continue
        if theme_id not in out.removed.get(key, []):
            out.removed[key] = out.removed.get(key, []) + [int(theme_id)]
    return out, int(has.sum())


def _picked(current: Edited, comment_ids: Iterable[str], action: str) -> pd.DataFrame:
    """The chosen comments, or an EditError saying why there are none."""
    wanted = {str(i) for i in comment_ids}
    if not wanted:
        raise EditError("Velg minst én kommentar.")
    c = current.comments
    rows = c[c["id"].astype(str).isin(wanted)]
    if rows.empty:
        raise EditError("Fant ikke de valgte kommentarene.")
    rows = rows[~rows["is_nonanswer"].astype(bool)]
    if rows.empty:
        raise EditError(f"«Ikke svar» kan ikke {action}.")
    return rows


def _codes_of(rows: pd.DataFrame, current: Edited) -> list[list[int]]:
    if CODES not in rows:
        return [[int(t)] if t >= 0 else [] for t in rows[TOPIC_ID]]
    return parse_codes(rows[CODES].tolist(), rows[TOPIC_ID].to_numpy(dtype=int), current.themes)


def _drop(log: dict[str, list[int]], key: str, theme_id: int) -> bool:
    """Take a theme out of one comment's list in the log; True if it was there."""
    if theme_id not in log.get(key, []):
        return False
    rest = [t for t in log[key] if t != theme_id]
    if rest:
        log[key] = rest
    else:
        del log[key]
    return True


def describe(edits: Edits, fitted_labels: dict[int, str]) -> list[str]:
    """The log in words, for the sidebar (plain text: the caller renders it safely)."""
    name = lambda i: edits.label(i, fitted_labels.get(i, OUTLIER_LABEL if i == OUTLIER else f"tema {i}"))  # noqa: E731
    lines = [f"Omdøpt: «{fitted_labels.get(i, f'tema {i}')}» → «{lab}»" for i, lab in edits.renames.items()]
    lines += [f"Slått sammen: «{name(s)}» inn i «{name(t)}»" for s, t in edits.merges.items()]
    if edits.moves:
        lines.append(f"Flyttet: {len(edits.moves)} kommentartekst(er)")
    for part, verb in (("added", "Tema lagt til"), ("removed", "Tema fjernet")):
        counts: dict[int, int] = {}
        for themes in getattr(edits, part).values():
            for t in themes:
                counts[t] = counts.get(t, 0) + 1
        lines += [f"{verb}: «{name(edits.target(t))}» på {n} kommentartekst(er)" for t, n in sorted(counts.items())]
    return lines


def is_empty(edits: Edits) -> bool:
    return not (edits.renames or edits.merges or edits.moves or edits.added or edits.removed)
