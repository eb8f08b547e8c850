"""What the page says about a run, a theme or a stage, as pure functions the app's views share."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime

import pandas as pd

from nlp.report import workbook
from nlp.schema import OUTLIER, QUESTION, RESPONDENT, TOPIC_ID, Edited
from nlp.sentiment.bundled import DEFAULT_MODEL as DEFAULT_SENTIMENT
from nlp.sentiment.bundled import FROZEN_MODEL as FROZEN_SENTIMENT
from nlp.ui.text import fmt_int

PRIVACY_NOTE = (
    "Tekstene er anonymisert: navn, telefonnumre, e\\-postadresser, fødselsnumre og adresser er "
    "erstattet med \\[NAVN\\], \\[TELEFON\\], \\[E\\-POST\\], \\[FØDSELSNUMMER\\] og \\[ADRESSE\\]\\."
)


def theme_choices(edited: Edited) -> list[int]:
    """The themes a comment can be in or moved to: every theme, then "no theme"."""
    return [t.id for t in edited.themes] + [OUTLIER]


def theme_order(edited: Edited) -> list[tuple[int, str]]:
    """(id, label) of every theme, biggest first as fitted, then "no theme"."""
    return [(t.id, t.label) for t in edited.themes] + [(OUTLIER, edited.label_of(OUTLIER))]


def theme_name(edited: Edited, tid: int, with_size: bool = True) -> str:
    """A theme's label for a picker, with its number of comments unless `with_size` is False."""
    if tid == OUTLIER:
        n = int((edited.comments[TOPIC_ID] == OUTLIER).sum())
        return f"{edited.label_of(OUTLIER)} ({fmt_int(n)})" if with_size else edited.label_of(OUTLIER)
    t = edited.theme(tid)
    if t is None:
        return edited.label_of(tid)
    return f"{t.label} ({fmt_int(t.size)})" if with_size else t.label


#: how the app names the columns a wide run adds (the file's own columns keep their names)
COLUMN_LABELS = {QUESTION: "Spørsmål", RESPONDENT: "Respondent"}


def group_labels(columns: Sequence[str]) -> dict[str, str]:
    """Display names of a run's group columns: `question` is "Spørsmål" (or "Spørsmål (åpent)"
    when the file has a column of that name too); every other column keeps its own name."""
    out: dict[str, str] = {}
    for col in columns:
        label = COLUMN_LABELS.get(col, col)
        if label != col and label in columns:
            label = f"{label} (åpent)"
        out[col] = label
    return out


def group_label(column: str, columns: Sequence[str] = ()) -> str:
    """One group column's display name (see `group_labels`)."""
    return group_labels([*columns, column] if column not in columns else columns)[column]


def wide_counts(metadata: Mapping) -> tuple[int, int, int] | None:
    """(respondents, answers, blank answer cells) of a wide run; None for a long one."""
    inp = metadata.get("input") or {}
    if not inp.get("questions"):
        return None
    return int(inp.get("respondents", 0)), int(inp.get("rows", 0)), int(inp.get("blank_answers", 0))


def run_caption(source: str, created: str, total: int, n_themes: int,
                wide: tuple[int, int, int] | None = None, sentiment_model: str | None = None) -> str:
    """The line under the title: file, comments (wide runs: respondents, answers and blank answer
    cells), themes, a sentiment model other than the default (`saved_sentiment_model`), and the day of the analysis (unescaped)."""
    try:
        when = datetime.fromisoformat(created).astimezone().strftime("%d.%m.%Y")
    except ValueError:
        when = ""
    if wide is None:
        parts = [source, f"{fmt_int(total)} kommentarer", f"{fmt_int(n_themes)} temaer"]
    else:
        respondents, answers, blank = wide
        parts = [source, f"{fmt_int(respondents)} respondenter", f"{fmt_int(answers)} svar",
                 f"{fmt_int(blank)} tomme svarfelt", f"{fmt_int(n_themes)} temaer"]
    if sentiment_model and sentiment_model != DEFAULT_SENTIMENT:
        parts.append("rask sentimentmodell" if sentiment_model == FROZEN_SENTIMENT
                     else f"sentimentmodell {sentiment_model}")
    if when:
        parts.append(f"analysert {when}")
    return " · ".join(parts)


def stage_progress(stage: str, done: int, total: int) -> tuple[float, str]:
    """A stage's progress bar: the fraction done and its text ("Temaer: 120 av 500")."""
    frac = min(max(done / total, 0.0), 1.0) if total else 1.0
    detail = "ferdig" if frac >= 1 else (f"{fmt_int(done)} av {fmt_int(total)}" if total > 1 else "pågår")
    return frac, f"{stage}: {detail}"


def clicked_theme(points: Iterable[Mapping]) -> int | None:
    """The theme id of the first clicked bar in the overview chart (its customdata[2]), if any."""
    for point in points:
        data = point.get("customdata") or []
        if len(data) >= 3:
            return int(data[2])
    return None


def overview_table(comments: pd.DataFrame, edited: Edited) -> pd.DataFrame:
    """The overview's theme table: count, share, positive and negative share within each theme."""
    table = workbook.theme_table(Edited(comments, edited.themes))
    shown = table.drop(columns=["Tema-ID", "95 % KI nedre", "95 % KI øvre"])
    n_theme = table[["Positiv", "Nøytral", "Blandet", "Negativ"]].sum(axis=1).replace(0, 1)
    for s in ("Positiv", "Negativ"):
        shown[s] = (table[s] / n_theme).round(3)
    shown["Andel"] = shown["Andel"].round(3)
    return shown.drop(columns=["Nøytral", "Blandet"])


def _quoted(value: object) -> str:
    """A shell word in double quotes (as the analyst copies it into a terminal)."""
    text = str(value)
    for ch in ("\\", '"', "$", "`"):
        text = text.replace(ch, "\\" + ch)
    return f'"{text}"'


def tag_command(metadata: Mapping, model_folder: object) -> str:
    """The `fritekst tag` line for the next round, with the run's own text columns (and, for a
    wide run, its respondent id column)."""
    inp = metadata.get("input") or {}
    questions = inp.get("questions") or []
    if questions:
        columns = "--text-columns " + " ".join(_quoted(q) for q in questions)
        if inp.get("id_column"):
            columns += f" --id-column {_quoted(inp['id_column'])}"
    else:
        columns = f"--text-column {_quoted(inp.get('text_column') or 'Svar')}"
    return f"fritekst tag NY_RUNDE.xlsx {columns} --model {_quoted(model_folder)}"
