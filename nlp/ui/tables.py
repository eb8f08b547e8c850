"""The tables the app shows, with Norwegian headings.

Repeated strings (themes, sentiment, group values, notes) are categorical, so Streamlit sends
each distinct value once (Arrow dictionary encoding): a 5,000-comment table shrinks to a
fraction of its plain size, and reruns stay fast.
"""

from __future__ import annotations

from typing import Sequence

import numpy as np
import pandas as pd

from .text import SENTIMENT_NB

_FLAGS = (("is_nonanswer", "ikke svar"), ("is_duplicate", "duplikat"), ("redacted", "anonymisert"))


def comment_table(frame: pd.DataFrame, group_columns: Sequence[str], show_theme: bool = True,
                  show_original: bool = False) -> pd.DataFrame:
    """One row per comment: text, theme, sentiment, groups, notes and id."""
    out = pd.DataFrame(index=frame.index)
    if show_original and "original_text" in frame:
        out["Originaltekst"] = frame["original_text"].astype(str)
    out["Kommentar"] = frame["text"].astype(str)
    if show_theme:
        out["Tema"] = frame["topic_label"].astype("category")
    out["Sentiment"] = frame["sentiment"].map(lambda s: SENTIMENT_NB.get(s, s)).astype("category")
    for g in group_columns:
        out[g] = frame[g].astype(str).astype("category")
    notes = np.full(len(frame), "", dtype=object)
    for flag, label in _FLAGS:
        on = frame[flag].to_numpy(dtype=bool)
        notes[on] = [f"{n}, {label}" if n else label for n in notes[on]]
    out["Merknad"] = pd.Categorical(notes)
    out["ID"] = frame["id"].astype(str)
    return out
