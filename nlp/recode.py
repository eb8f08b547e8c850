"""`fritekst recode` and the app's codebook edits: a saved run's themes under an edited codebook.

The comments are read again (vectors come from the embedding cache, so nothing is embedded
twice), the model's discovered themes are kept, and the assignment is redone for the edited
codebook (`nlp.themes.recode`): new codes, codes split off a theme, codes taken out. The analyst's
edits that name a theme that is gone are dropped, and counted.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass

import numpy as np

from nlp.analyze import (
    AnalyzeOptions, assemble, check_encoder, distinct_fit_rows, follow_saved, outlier_budget, embed_codebook, prepare,
    run_metadata, with_drivers,
)
from nlp.embed.encoders import get_encoder
from nlp.errors import InputError
from nlp.io import Survey
from nlp.progress import Progress, silent
from nlp.runs.model_store import SavedModel
from nlp.schema import Analysis
from nlp.themes.codebook import Codebook
from nlp.themes.lookup import theme_lookup
from nlp.themes.model import MAX_OUTLIER_SHARE, ThemeModel
from nlp.themes.recode import RecodeReport, recode_themes


@dataclass
class Recoded:
    analysis: Analysis
    report: RecodeReport
    dropped_edits: int  # entries of the analyst's edits that named a theme that went


def split_sources(codebook: Codebook, saved: SavedModel) -> dict[str, int]:
    """New codes with ``split_from`` -> the theme they split; InputError names a source that is no theme.

    A code the model already has is not split again (an edited codebook can be applied twice)."""
    model = saved.model
    have = {t.codebook_id for t in model.themes_ if t.codebook_id}
    names = theme_lookup(model.themes_, saved.edits)
    out: dict[str, int] = {}
    for code in codebook.themes:
        if not code.split_from or code.id in have:
            continue
        theme = names.get(code.split_from.strip().casefold())
        if theme is None:
            raise InputError(f"codebook: code {code.id!r} splits {code.split_from!r}, which is not a theme of the model; "
                             "use a codebook id, a theme id (3 or T3) or a theme's label")
        out[code.id] = theme
    return out


def recode(survey: Survey, saved: SavedModel, codebook: Codebook, options: AnalyzeOptions | None = None,
           progress: Progress = silent) -> Recoded:
    if not isinstance(saved.model, ThemeModel):
        raise InputError("a codebook cannot be edited for themes fitted per question (--per-question) yet")
    options = follow_saved(options or AnalyzeOptions(), saved)
    options.codebook = codebook
    splits = split_sources(codebook, saved)  # before the slow part
    prep = prepare(survey, options, progress)
    check_encoder(saved, prep)
    rows = distinct_fit_rows(prep)
    if not len(rows):
        raise InputError(f"{survey.source}: no substantive comments in column '{survey.text_column}' to assign")
    weight, share = outlier_budget(prep, rows, MAX_OUTLIER_SHARE, np.ones(len(prep.safe_text), bool))
    progress("Temaer", 0, 1)
    vectors = embed_codebook(codebook, get_encoder(options.encoder, options.device))
    model = copy.copy(saved.model)  # the caller's model stays as it was
    model.max_outlier_share = share
    try:
        recoded, report = recode_themes(model, prep.embeddings[rows], [" ".join(prep.tokens[i]) for i in rows],
                                        codebook, vectors, splits, weight)
    except ValueError as exc:
        raise InputError(f"codebook: {exc}") from None
    progress("Temaer", 1, 1)
    edits, dropped = saved.edits.restrict(recoded.topic_ids_)
    fitted = dict(saved.metadata.get("parameters") or {})
    options.seed = int(fitted.get("seed", options.seed))
    options.min_topic_size = fitted.get("min_topic_size", options.min_topic_size)
    discovery = {k: v for k, v in fitted.items() if k not in ("seed", "min_topic_size", "codebook", "per_question")}
    metadata = run_metadata(survey, prep, options, discovery)  # discovery's settings, the edited codebook
    metadata["recoded"] = {**report.to_dict(), "dropped_edits": dropped}
    result = assemble(survey, prep, recoded, edits, metadata, options, with_quotes=True)
    return Recoded(with_drivers(result, survey, options), report, dropped)
