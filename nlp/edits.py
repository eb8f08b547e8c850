"""Analyst edits to fitted themes: rename, merge, move a comment; applied after assignment.

Edits are data, not code: a JSON-able log that `tag` replays on new rounds and the app can undo.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

import numpy as np

from .topics import OUTLIER


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
        return cls(
            renames={int(k): str(v) for k, v in (data.get("renames") or {}).items()},
            merges={int(k): int(v) for k, v in (data.get("merges") or {}).items()},
            moves={str(k): int(v) for k, v in (data.get("moves") or {}).items()},
        )

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
