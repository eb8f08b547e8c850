"""Library versions recorded in saved models, so a model can say what it was made with."""

from __future__ import annotations

import platform
from importlib.metadata import PackageNotFoundError, version
from typing import Sequence


def library_versions(libraries: Sequence[str]) -> dict[str, str]:
    """Python, fritekst and each installed library's version (missing ones left out)."""
    from nlp import __version__

    out = {"python": platform.python_version(), "fritekst": __version__}
    for lib in libraries:
        try:
            out[lib] = version(lib)
        except PackageNotFoundError:
            pass
    return out
