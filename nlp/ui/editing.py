"""Analyst edits in the app: rename, merge, move comments, and what the run looks like after them.

Edits are an `nlp.themes.edits.Edits` log on top of the fitted assignment; every view and download
is computed from `apply_edits(run comments, run themes, edits)`, so undo is just going back to
an earlier log. The same log is saved in the run's model folder, where `fritekst tag` replays it.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Iterable, Sequence

import numpy as np
import pandas as pd

from nlp.schema import NONANSWER, NONANSWER_LABEL, OUTLIER, OUTLIER_LABEL, TOPIC_ID, Edited, ThemeInfo, theme_column
from nlp.themes.edits import Edits, text_id

MAX_KEYWORDS = 10
MAX_QUOTES = 5


class EditError(ValueError):
    """An edit that cannot be made; the message is Norwegian and shown to the analyst."""



def copy_edits(edits: Edits) -> Edits:
    return Edits.from_dict(edits.to_dict())


def apply_edits(comments: pd.DataFrame, themes: Sequence[ThemeInfo], edits: Edits) -> Edited:
    """Recompute topic ids, labels, theme columns, sizes, shares, keywords and quotes."""
    fitted = comments["fitted_topic_id"].to_numpy(dtype=int) if "fitted_topic_id" in comments else \
        comments[TOPIC_ID].to_numpy(dtype=int)
    nonanswer = comments["is_nonanswer"].to_numpy(dtype=bool)
    topic = fitted.copy()
    sub = np.flatnonzero(~nonanswer)
    if len(sub):
        texts = comments["text"].to_numpy()[sub].tolist()
        topic[sub] = edits.apply(fitted[sub], texts)

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
    ids = out["id"].astype(str).to_numpy()
    n_sub = max(len(sub), 1)
    new_themes = []
    columns = {}
    for t in kept:
        mask = topic == t.id
        columns[theme_column(t.id, labels[t.id])] = mask.astype(np.int8)
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


def move(edits: Edits, current: Edited, comment_ids: Iterable[str], target_id: int) -> tuple[Edits, int]:
    """Move comments (by id) to a theme or to "Uten tema"; returns the new log and how many moved.

    Moves are keyed by the comment text (as `fritekst tag` replays them), so identical comments
    move together. Non-answers cannot be moved.
    """
    if target_id != OUTLIER and current.theme(target_id) is None:
        raise EditError("Temaet finnes ikke lenger (det kan være slått sammen med et annet).")
    wanted = {str(i) for i in comment_ids}
    if not wanted:
        raise EditError("Velg minst én kommentar.")
    c = current.comments
    rows = c[c["id"].astype(str).isin(wanted)]
    if rows.empty:
        raise EditError("Fant ikke de valgte kommentarene.")
    rows = rows[~rows["is_nonanswer"].astype(bool)]
    if rows.empty:
        raise EditError("«Ikke svar» kan ikke flyttes til et tema.")
    out = copy_edits(edits)
    moved = 0
    for text, topic in zip(rows["text"].tolist(), rows[TOPIC_ID].tolist()):
        if int(topic) != target_id:
            moved += 1
        out.moves[text_id(text)] = int(target_id)
    return out, moved


def describe(edits: Edits, fitted_labels: dict[int, str]) -> list[str]:
    """The log in words, for the sidebar (plain text: the caller renders it safely)."""
    name = lambda i: fitted_labels.get(i, OUTLIER_LABEL if i == OUTLIER else f"tema {i}")  # noqa: E731
    lines = [f"Omdøpt: «{name(i)}» → «{lab}»" for i, lab in edits.renames.items()]
    lines += [f"Slått sammen: «{edits.label(s, name(s))}» inn i «{edits.label(t, name(t))}»"
              for s, t in edits.merges.items()]
    if edits.moves:
        lines.append(f"Flyttet: {len(edits.moves)} kommentartekst(er)")
    return lines


def is_empty(edits: Edits) -> bool:
    return not (edits.renames or edits.merges or edits.moves)
