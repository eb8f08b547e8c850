"""Analyst edits to fitted themes: rename, merge, move a comment; applied after assignment.

Edits are data, not code: a JSON-able log that `tag` replays on new rounds and the app can undo.
`Edits.from_dict` accepts only the structure `to_dict` writes, and `Edits.validate` checks the
log against a model's themes (what `load_model` does with `edits.json`): a malformed or foreign
log raises ValueError with a one-line reason.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from typing import Iterable

import numpy as np

from nlp.schema import OUTLIER


def text_id(text: str) -> str:
    """Moves are keyed by the comment's cleaned, redacted text (what analysts see), so the same
    comment in a later round follows the move."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


@dataclass
class Edits:
    renames: dict[int, str] = field(default_factory=dict)
    merges: dict[int, int] = field(default_factory=dict)  # source theme -> target theme
    moves: dict[str, int] = field(default_factory=dict)   # text_id -> theme

    def to_dict(self) -> dict:
        return {
            "renames": {str(k): v for k, v in self.renames.items()},
            "merges": {str(k): v for k, v in self.merges.items()},
            "moves": dict(self.moves),
        }

    @classmethod
    def from_dict(cls, data: dict) -> "Edits":
        """The log `to_dict` wrote; ValueError (one line) for anything else."""
        if not isinstance(data, dict):
            raise ValueError(f"expected a JSON object, not {_kind(data)}")
        unknown = sorted(set(map(str, data)) - {"renames", "merges", "moves"})
        if unknown:
            raise ValueError(f"unknown entry '{unknown[0]}' (expected renames, merges, moves)")
        parts = {}
        for part in ("renames", "merges", "moves"):
            value = data.get(part) or {}
            if not isinstance(value, dict):
                raise ValueError(f"'{part}' must be an object, not {_kind(value)}")
            parts[part] = value
        renames, merges, moves = {}, {}, {}
        for k, v in parts["renames"].items():
            if not isinstance(v, str):
                raise ValueError(f"renames: the name of theme {k!r} must be text, not {_kind(v)}")
            renames[_theme_id(k, "renames")] = v
        for k, v in parts["merges"].items():
            merges[_theme_id(k, "merges")] = _theme_id(v, "merges")
        for k, v in parts["moves"].items():
            if not isinstance(k, str) or not _TEXT_ID.fullmatch(k):
                raise ValueError(f"moves: {k!r} is not a comment key (16 hex digits)")
            moves[k] = _theme_id(v, "moves")
        return cls(renames=renames, merges=merges, moves=moves)

    def validate(self, theme_ids: Iterable[int]) -> "Edits":
        """Check the log against a model's themes; ValueError names the first entry that does not fit."""
        ids = {int(t) for t in theme_ids}
        for k in self.renames:
            if k not in ids:
                raise ValueError(f"renames theme {k}, which does not exist")
        for k, v in self.merges.items():
            for theme in (k, v):
                if theme not in ids:
                    raise ValueError(f"merges theme {k} into {v}, but theme {theme} does not exist")
            if k == v:
                raise ValueError(f"merges theme {k} into itself")
        for k in self.merges:
            seen = {k}
            theme = self.merges[k]
            while theme in self.merges:
                if theme in seen:
                    raise ValueError(f"merges go round in a circle (theme {k})")
                seen.add(theme)
                theme = self.merges[theme]
        for k, v in self.moves.items():
            if v != OUTLIER and v not in ids:
                raise ValueError(f"moves a comment to theme {v}, which does not exist")
        return self

    def target(self, theme: int) -> int:
        """Follow merge chains (a merged into b merged into c gives c)."""
        seen = set()
        while theme in self.merges and theme not in seen:
            seen.add(theme)
            theme = self.merges[theme]
        return theme

    def apply(self, topic_ids: np.ndarray, texts: list[str]) -> np.ndarray:
        out = np.array([self.target(int(t)) if t >= OUTLIER else int(t) for t in topic_ids], dtype=int)
        if self.moves:
            for i, text in enumerate(texts):
                moved = self.moves.get(text_id(text))
                if moved is not None:
                    out[i] = self.target(moved)
        return out

    def label(self, theme: int, default: str) -> str:
        return self.renames.get(theme, default)


_TEXT_ID = re.compile(r"[0-9a-f]{16}")


def _kind(value) -> str:
    return {dict: "an object", list: "a list", str: "text", type(None): "null", bool: "true/false"}.get(
        type(value), type(value).__name__)


def _theme_id(value, part: str) -> int:
    """A theme id as JSON holds it: an integer, or (as an object key) its decimal text."""
    if isinstance(value, bool):
        raise ValueError(f"{part}: {value!r} is not a theme id")
    if isinstance(value, int):
        return value
    if isinstance(value, str) and re.fullmatch(r"-?[0-9]+", value.strip()):
        return int(value)
    raise ValueError(f"{part}: {value!r} is not a theme id")
