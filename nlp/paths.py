"""Where fritekst finds its bundled models and its on-disk cache."""

from __future__ import annotations

import os
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def models_dir() -> Path:
    """Bundled trained artifacts; FRITEKST_MODELS overrides for installs outside the source tree."""
    return Path(os.environ.get("FRITEKST_MODELS", PROJECT_ROOT / "models"))


def cache_dir() -> Path:
    """Embedding and annotation cache; FRITEKST_CACHE overrides (tests point it at a tmp dir)."""
    default = Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "fritekst"
    return Path(os.environ.get("FRITEKST_CACHE", default))
