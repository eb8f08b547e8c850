"""The tables the app shows, with Norwegian headings.

Repeated strings (themes, sentiment, group values, notes) are categorical, so Streamlit sends
each distinct value once (Arrow dictionary encoding): a 5,000-comment table shrinks to a
fraction of its plain size, and reruns stay fast.
"""

from __future__ import annotations

from typing import Sequence

import numpy as np
import pandas as pd

from nlp.schema import CODES, N_CODES, SENTIMENT_NB, TOPIC_ID, ThemeInfo
from nlp.themes.membership import parse_codes
from nlp.ui.page import group_labels

_FLAGS = (("is_nonanswer", "ikke svar"), ("is_duplicate", "duplikat"), ("redacted", "anonymisert"))


def comment_table(frame: pd.DataFrame, group_columns: Sequence[str], show_theme: bool = True,
                  show_original: bool = False, themes: Sequence[ThemeInfo] = ()) -> pd.DataFrame:
    """One row per comment: text, theme (the primary), its other themes (with ``themes`` to name
    them), sentiment, groups, notes and id."""
    out = pd.DataFrame(index=frame.index)
    if show_original and "original_text" in frame:
        out["Originaltekst"] = frame["original_text"].astype(str)
    out["Kommentar"] = frame["text"].astype(str)
    if show_theme:
        out["Tema"] = frame["topic_label"].astype("category")
    if themes and CODES in frame:
        out["Andre temaer"] = pd.Categorical(other_themes(frame, themes))
    out["Sentiment"] = frame["sentiment"].map(lambda s: SENTIMENT_NB.get(s, s)).astype("category")
    for g, label in group_labels(group_columns).items():
        out[label] = frame[g].astype(str).astype("category")
    notes = np.full(len(frame), "", dtype=object)
    for flag, label in _FLAGS:
        on = frame[flag].to_numpy(dtype=bool)
        notes[on] = [f"{n}, {label}" if n else label for n in notes[on]]
    out["Merknad"] = pd.Categorical(notes)
    out["ID"] = frame["id"].astype(str)
    return out


def other_themes(frame: pd.DataFrame, themes: Sequence[ThemeInfo]) -> list[str]:
    """Each comment's codes after the primary, by label ("; "-joined; "" for none)."""
    labels = {t.id: t.label for t in themes}
    several = frame[N_CODES].to_numpy(dtype=int) > 1 if N_CODES in frame else np.ones(len(frame), bool)
    out = [""] * len(frame)
    rows = np.flatnonzero(several)
    if len(rows):
        codes = parse_codes(frame[CODES].to_numpy(dtype=object)[rows], frame[TOPIC_ID].to_numpy(dtype=int)[rows],
                            themes)
        for i, ids in zip(rows, codes):
            out[i] = "; ".join(labels[c] for c in ids[1:])
    return out


def significant_table(cmp: pd.DataFrame, column: str) -> pd.DataFrame:
    """The group differences that survive the correction, strongest first."""
    from nlp.ui.text import fmt_p, fmt_pp

    sig = cmp[cmp["significant"].astype(bool)].sort_values("p_adj")
    return pd.DataFrame({
        "Tema": sig["topic_label"], column: sig["group"], "Andel": sig["share"].round(3),
        "Resten": sig["rest_share"].round(3), "Forskjell": [fmt_pp(d) for d in sig["diff"]],
        "Kommentarer i gruppen": sig["n"], "Justert p": [fmt_p(p) for p in sig["p_adj"]],
    })


def trend_table(per_round: pd.DataFrame, summary: pd.DataFrame) -> tuple[pd.DataFrame, list[str]]:
    """Share per round, change from the first to the last round, and the trend, per theme."""
    from nlp.ui.text import fmt_p, fmt_pp

    first, last = summary["first"].iloc[0], summary["last"].iloc[0]
    wide = per_round.pivot(index=TOPIC_ID, columns="round", values="share")
    rounds = [str(r) for r in wide.columns]
    table = pd.DataFrame({"Tema": summary["topic_label"].values})
    for r, name in zip(wide.columns, rounds):
        table[name] = summary[TOPIC_ID].map(wide[r]).round(3).values
    table[f"Endring {first}–{last}"] = [fmt_pp(c) + (" *" if s else "") for c, s in
                                        zip(summary["change"], summary["significant_change"])]
    table["Trend"] = [("▲ økende" if c > 0 else "▼ synkende") if s else "ingen sikker trend"
                      for c, s in zip(summary["change"], summary["significant_trend"])]
    table["Justert p (trend)"] = [fmt_p(p) for p in summary["p_trend_adj"]]
    return table, rounds
