"""The app's "Lær av rettingene": the analyst's corrections in a run teach its model, as `fritekst correct` does.

Every comment of the run whose theme the analyst changed (moved it, or removed its theme so that
its next code took over) becomes a correction (its vector, from the embedding cache, and the
theme), the assignment head is refitted on them
(`nlp.themes.corrections`), and the result is saved as the model's `corrections.safetensors`,
so `fritekst tag` also moves the comments of a later round that resemble them. The run itself
keeps showing the analyst's edits exactly; only the model learns. Corrections from `fritekst
correct` are kept (a comment corrected again takes its new theme).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from nlp.errors import InputError
from nlp.schema import FITTED_CODES, FITTED_TOPIC_ID
from nlp.themes.edits import Edits
from nlp.themes.membership import parse_codes


def corrected_comments(comments: pd.DataFrame, themes, edits: Edits) -> tuple[list[str], np.ndarray]:
    """Distinct texts of the run whose primary theme the analyst changed, and that theme.

    A move sets it; removing a comment's theme makes its next code the primary, which teaches the
    same (``themes``: the model's, to read the fitted codes). A merge changes no comment's theme in the model's eyes (it maps whole themes) and is not
    a correction; a code added beside the primary is replayed exactly (`edits.json`) but not taught:
    the head learns primaries, and further codes follow from its probabilities."""
    sub = comments.loc[~comments["is_nonanswer"].astype(bool)].drop_duplicates("text")
    fitted = sub[FITTED_TOPIC_ID].astype(int).to_numpy()
    codes = (parse_codes(sub[FITTED_CODES].tolist(), fitted, themes) if FITTED_CODES in sub
             else [[int(t)] if t >= 0 else [] for t in fitted])
    texts = sub["text"].astype(str).tolist()
    primary, _ = edits.apply_codes(fitted, codes, texts)
    out_texts, themes = [], []
    for text, before, after in zip(texts, fitted, primary):
        if after >= 0 and after != (edits.target(int(before)) if before >= 0 else before):
            out_texts.append(text)
            themes.append(int(after))
    return out_texts, np.asarray(themes, dtype=int)


def learn_from_edits(folder: str | Path, comments: pd.DataFrame, edits: Edits, root: str | Path | None = None) -> int:
    """Refit the run's model on the analyst's moves and save the corrections; returns how many.

    InputError when there is nothing to learn or the model cannot learn (themes per question)."""
    from nlp.atomic import atomic_file
    from nlp.embed.encoders import EmbeddingCache, embed, get_encoder
    from nlp.runs.app_runs import confine, runs_dir
    from nlp.runs.model_store import load_model
    from nlp.themes.corrections import FILE, Corrections
    from nlp.themes.model import ThemeModel

    model_folder = Path(folder) / "model"
    root = Path(root) if root is not None else runs_dir()
    for path in (Path(folder), model_folder, model_folder / FILE):
        confine(path, root)
    saved = load_model(model_folder)
    model = saved.model
    if not isinstance(model, ThemeModel):
        raise InputError("corrections are not supported for themes fitted per question (--per-question) yet")
    texts, themes = corrected_comments(comments, model.themes_, edits)
    if not texts:
        raise InputError("no comment was given another theme (moved, or its theme removed): nothing to learn from")
    encoder = get_encoder(saved.metadata.get("encoder_spec"))
    vectors = embed(texts, encoder, EmbeddingCache.default())
    previous = getattr(model, "corrections_", None) or Corrections(np.zeros((0, model.dim), np.float32),
                                                                  np.zeros(0, int))
    corrections = previous.add(vectors, themes).fit(model.coef_, model.intercept_, model.topic_ids_)
    with atomic_file(model_folder / FILE) as tmp:
        corrections.save_to(tmp)
    return len(texts)
