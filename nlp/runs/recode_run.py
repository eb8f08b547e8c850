"""The app's codebook edits: a saved run assigned again under an edited codebook, as a new run.

The run's own comments are read back as a survey (the redacted text it shows, or the original
text where the run kept it, its groups, questions and ratings), so nothing outside the runs
folder is needed and every vector comes from the embedding cache. The new run is stored beside
the old one under a key of the old run and the codebook, and records its parent: going back is
opening the parent again.
"""

from __future__ import annotations

import hashlib
import json
import tempfile
from pathlib import Path

import pandas as pd

from nlp import __version__
from nlp.io import Survey
from nlp.progress import Progress, silent
from nlp.runs.app_runs import cached_run, confine, engine_stamp, runs_dir, store_run
from nlp.runs.store import RESPONDENTS, RunData, load_run
from nlp.schema import FITTED_CODE_SENTIMENT, FITTED_CODES, FITTED_TOPIC_ID, ID, TEXT, THEME_COLUMN_PREFIX
from nlp.themes.codebook import Codebook

#: the last column `analyze` writes before the input's own columns (`nlp.analyze.assemble`)
_LAST_OWN_COLUMN = "redacted"


def survey_from_run(run: RunData) -> Survey:
    """The survey a run was computed from, as far as the run keeps it (text redacted unless kept)."""
    c = run.comments
    columns = list(c.columns)
    start = columns.index(_LAST_OWN_COLUMN) + 1
    carried = [col for col in columns[start:] if not str(col).startswith(THEME_COLUMN_PREFIX)
               and col not in (FITTED_TOPIC_ID, FITTED_CODES, FITTED_CODE_SENTIMENT)]
    text = c["original_text"] if "original_text" in c.columns else c[TEXT]
    frame = pd.concat([pd.DataFrame({ID: c[ID].astype(str).to_numpy(), TEXT: text.fillna("").astype(str).to_numpy()}),
                       c[carried].reset_index(drop=True)], axis=1)
    inp = run.metadata.get("input") or {}
    ratings = None
    if (run.folder / RESPONDENTS).is_file():
        table = pd.read_parquet(run.folder / RESPONDENTS)
        ratings = table.set_index(table.columns[0])
    return Survey(source=run.source, frame=frame, text_column=str(inp.get("text_column") or TEXT),
                  id_column=inp.get("id_column"), group_columns=list(run.group_columns),
                  questions=list(inp.get("questions") or []), rating_column=inp.get("rating_column"),
                  respondents=int(inp.get("respondents") or 0), blank_answers=int(inp.get("blank_answers") or 0),
                  ratings=ratings)


def recode_key(run: RunData, codebook: Codebook) -> str:
    """The run (by its folder), its edits as they are now, the codebook and the engine."""
    h = hashlib.sha256(b"recode\0")
    h.update(run.folder.name.encode() + b"\0")
    h.update(json.dumps(run.edits.to_dict(), sort_keys=True).encode() + b"\0")
    h.update(json.dumps(codebook.to_dict(), sort_keys=True, ensure_ascii=False).encode())
    h.update(engine_stamp().encode())
    return h.hexdigest()[:24]


def recode_run(folder: str | Path, codebook: Codebook, progress: Progress = silent,
               root: str | Path | None = None) -> Path:
    """The run in `folder` under `codebook`, stored as a new run (reused if already there); its folder."""
    from nlp.analyze import AnalyzeOptions
    from nlp.recode import recode
    from nlp.runs.model_store import load_model

    root = Path(root) if root is not None else runs_dir()
    folder = confine(folder, root)
    run = load_run(folder)
    key = recode_key(run, codebook)
    done = cached_run(key, root)
    if done is not None:
        return done
    survey = survey_from_run(run)
    result = recode(survey, load_model(run.model_folder), codebook,
                    AnalyzeOptions(keep_original="original_text" in run.comments.columns), progress)
    settings = dict(run.info.get("settings") or {})
    if settings:
        settings["codebook_yaml"] = codebook.to_yaml()
    info = {"key": key, "source": run.source, "settings": settings, "group_columns": run.group_columns,
            "fritekst_version": __version__, "parent": folder.name, "recoded": result.analysis.metadata["recoded"]}
    root.mkdir(mode=0o700, parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="recode-", dir=root) as tmp:
        return store_run(result.analysis, run.group_columns, info, Path(tmp), root)
