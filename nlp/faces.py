"""A subpackage's public face, imported on first use: `from nlp.embed import get_encoder` works, and
importing one light module of a package (`nlp.privacy.patterns`) does not load spaCy or PyTorch."""

from __future__ import annotations

from importlib import import_module
from typing import Any, Callable


def public_face(package: str, names: dict[str, str]) -> tuple[Callable[[str], Any], list[str]]:
    """`__getattr__` and `__all__` for a package whose public names live in its modules."""

    def __getattr__(name: str) -> Any:
        if name in names:
            return getattr(import_module(f"{package}.{names[name]}"), name)
        raise AttributeError(f"module {package!r} has no attribute {name!r}")

    return __getattr__, sorted(names)
