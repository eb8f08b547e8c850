"""A codebook of known themes, read from YAML, that seeds the theme model."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import yaml

from nlp.errors import InputError


@dataclass(frozen=True)
class CodebookTheme:
    id: str
    name: str
    description: str
    seeds: tuple[str, ...]
    #: the theme (codebook id, T3 or label) whose comments this new code takes a share of
    split_from: str | None = None

    def prompt(self) -> str:
        """The text embedded to represent the theme: name, description and seed words."""
        return f"{self.name}. {self.description} {', '.join(self.seeds)}"


@dataclass(frozen=True)
class Codebook:
    themes: tuple[CodebookTheme, ...]

    def to_dict(self) -> dict:
        return {"themes": [
            {"id": t.id, "name": t.name, "description": t.description, "seeds": list(t.seeds),
             **({"split_from": t.split_from} if t.split_from else {})}
            for t in self.themes
        ]}

    def to_yaml(self) -> str:
        """The YAML `load_codebook` reads back."""
        return yaml.safe_dump(self.to_dict(), allow_unicode=True, sort_keys=False)

    def with_theme(self, theme: CodebookTheme) -> "Codebook":
        """This codebook with one more code (an edit in the app); InputError if its id is taken."""
        if any(t.id == theme.id for t in self.themes):
            raise InputError(f"codebook: the code id {theme.id!r} is already in use")
        return Codebook((*self.themes, theme))


def codebook_from_dict(data: object, source: str = "codebook") -> Codebook:
    if not isinstance(data, dict) or not isinstance(data.get("themes"), list) or not data["themes"]:
        raise InputError(f"{source}: expected a mapping with a non-empty list 'themes'")
    themes, seen = [], set()
    for i, item in enumerate(data["themes"], start=1):
        if not isinstance(item, dict):
            raise InputError(f"{source}: theme {i} is not a mapping")
        name = str(item.get("name") or "").strip()
        if not name:
            raise InputError(f"{source}: theme {i} has no 'name'")
        tid = str(item.get("id") or name).strip()
        if tid in seen:
            raise InputError(f"{source}: theme id {tid!r} appears twice")
        seen.add(tid)
        seeds = item.get("seeds") or []
        if not isinstance(seeds, list):
            raise InputError(f"{source}: theme {tid!r}: 'seeds' must be a list")
        split_from = item.get("split_from")
        if split_from is not None and (not isinstance(split_from, (str, int)) or not str(split_from).strip()):
            raise InputError(f"{source}: theme {tid!r}: 'split_from' must name one theme (codebook id, T3 or label)")
        themes.append(CodebookTheme(
            id=tid, name=name, description=str(item.get("description") or "").strip(),
            seeds=tuple(str(s).strip() for s in seeds if str(s).strip()),
            split_from=str(split_from).strip() if split_from is not None else None,
        ))
    return Codebook(tuple(themes))


def load_codebook(path: str | Path) -> Codebook:
    path = Path(path)
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise InputError(f"{path.name}: codebook file not found") from None
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise InputError(f"{path.name}: cannot read codebook: {exc}".splitlines()[0]) from None
    return codebook_from_dict(data, path.name)
