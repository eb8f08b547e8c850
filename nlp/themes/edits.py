"""Analyst edits to fitted themes: rename, merge, move a comment, add or remove a code; applied after assignment.

Edits are data, not code: a JSON-able log that `tag` replays on new rounds and the app can undo.
`Edits.from_dict` accepts only the structure `to_dict` writes, and `Edits.validate` checks the
log against a model's themes (what `load_model` does with `edits.json`): a malformed or foreign
log raises ValueError with a one-line reason.

A comment has a primary theme and a set of codes, the primary first (`nlp.themes.codes`). Merges
map both; a move sets the primary and replaces the codes with it; then the codes added to a
comment are appended (the first becomes the primary of a comment without one) and the removed
ones dropped (removing the primary makes the next code primary). Moves and code changes are
keyed by the comment's text, so identical comments and the same comment in a later round
follow them.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from typing import Iterable, Sequence

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
    added: dict[str, list[int]] = field(default_factory=dict)    # text_id -> themes added as codes
    removed: dict[str, list[int]] = field(default_factory=dict)  # text_id -> codes removed

    def to_dict(self) -> dict:
        out = {
            "renames": {str(k): v for k, v in self.renames.items()},
            "merges": {str(k): v for k, v in self.merges.items()},
            "moves": dict(self.moves),
        }
        for part in ("added", "removed"):  # only when used, so a log without them reads as before
            value = {k: list(v) for k, v in getattr(self, part).items() if v}
            if value:
                out[part] = value
        return out

    @classmethod
    def from_dict(cls, data: dict) -> "Edits":
        """The log `to_dict` wrote; ValueError (one line) for anything else."""
        if not isinstance(data, dict):
            raise ValueError(f"expected a JSON object, not {_kind(data)}")
        unknown = sorted(set(map(str, data)) - set(_PARTS))
        if unknown:
            raise ValueError(f"unknown entry '{unknown[0]}' (expected {', '.join(_PARTS)})")
        parts = {}
        for part in _PARTS:
            value = data.get(part, {})
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
            moves[_text_key(k, "moves")] = _theme_id(v, "moves")
        codes: dict[str, dict[str, list[int]]] = {"added": {}, "removed": {}}
        for part, out in codes.items():
            for k, v in parts[part].items():
                key = _text_key(k, part)
                if not isinstance(v, list) or not v:
                    raise ValueError(f"{part}: the codes of comment {k} must be a non-empty list of theme ids, "
                                     f"not {'an empty list' if v == [] else _kind(v)}")
                text = next((t for t in v if isinstance(t, str)), None)
                if text is not None:
                    raise ValueError(f"{part}: {text!r} is not a theme id")
                ids = [_theme_id(t, part) for t in v]
                if len(set(ids)) != len(ids):
                    raise ValueError(f"{part}: comment {k} lists a theme twice")
                out[key] = ids
        overlap = sorted(set(codes["added"]) & set(codes["removed"]))
        for key in overlap:
            both = set(codes["added"][key]) & set(codes["removed"][key])
            if both:
                raise ValueError(f"comment {key} both adds and removes theme {min(both)}")
        return cls(renames=renames, merges=merges, moves=moves, added=codes["added"], removed=codes["removed"])

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
        for part, verb in (("added", "adds"), ("removed", "removes")):
            for k, themes in getattr(self, part).items():
                for v in themes:
                    if v not in ids:
                        raise ValueError(f"{verb} code {v} of a comment, but theme {v} does not exist")
        return self

    def restrict(self, theme_ids: Iterable[int]) -> tuple["Edits", int]:
        """The edits that only name these themes (a moved comment may also go to no theme), and
        how many entries named another: after the codebook was edited, some themes are gone."""
        ids = {int(t) for t in theme_ids}
        kept = Edits(renames={k: v for k, v in self.renames.items() if k in ids},
                     merges={k: v for k, v in self.merges.items() if k in ids and v in ids},
                     moves={k: v for k, v in self.moves.items() if v == OUTLIER or v in ids})
        dropped = sum(len(getattr(self, part)) - len(getattr(kept, part)) for part in ("renames", "merges", "moves"))
        for part in ("added", "removed"):
            for key, themes in getattr(self, part).items():
                left = [t for t in themes if t in ids]
                dropped += len(themes) - len(left)
                if left:
                    getattr(kept, part)[key] = left
        return kept, dropped

    def target(self, theme: int) -> int:
        """Follow merge chains (a merged into b merged into c gives c)."""
        seen = set()
        while theme in self.merges and theme not in seen:
            seen.add(theme)
            theme = self.merges[theme]
        return theme

    def apply(self, topic_ids: np.ndarray, texts: list[str]) -> np.ndarray:
        """The primary theme after the edits (see `apply_codes`)."""
        return self.apply_codes(topic_ids, [[int(t)] if t >= 0 else [] for t in topic_ids], texts)[0]

    def apply_codes(self, topic_ids: np.ndarray, codes: Sequence[Sequence[int]], texts: Sequence[str]
                    ) -> tuple[np.ndarray, list[list[int]]]:
        """Primary themes and codes (primary first) after the edits, per comment.

        ``topic_ids`` and ``codes`` as assigned (a comment without a primary theme has no codes;
        non-answers, -2, are left as they are), ``texts`` the texts the edits are keyed by."""
        primary = np.array([self.target(int(t)) if t >= 0 else int(t) for t in topic_ids], dtype=int)
        out = [list(dict.fromkeys(self.target(int(c)) for c in row)) if p >= 0 else []
               for p, row in zip(primary, codes)]
        for i, p in enumerate(primary):
            if p >= 0 and (not out[i] or out[i][0] != p):
                out[i] = [int(p)] + [c for c in out[i] if c != p]
        if not (self.moves or self.added or self.removed):
            return primary, out
        for i, text in enumerate(texts):
            if primary[i] < OUTLIER:
                continue
            key = text_id(text)
            moved = self.moves.get(key)
            if moved is not None:
                primary[i] = self.target(moved)
                out[i] = [int(primary[i])] if primary[i] >= 0 else []
            for theme in self.added.get(key, ()):
                theme = self.target(theme)
                if theme not in out[i]:
                    out[i].append(theme)
            for theme in self.removed.get(key, ()):
                theme = self.target(theme)
                if theme in out[i]:
                    out[i].remove(theme)
            primary[i] = out[i][0] if out[i] else OUTLIER
        return primary, out

    def label(self, theme: int, default: str) -> str:
        return self.renames.get(theme, default)


_TEXT_ID = re.compile(r"[0-9a-f]{16}")
_PARTS = ("renames", "merges", "moves", "added", "removed")


def _text_key(value, part: str) -> str:
    if not isinstance(value, str) or not _TEXT_ID.fullmatch(value):
        raise ValueError(f"{part}: {value!r} is not a comment key (16 hex digits)")
    return value


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
