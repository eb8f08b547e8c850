"""Themes by the names analysts use for them: in a label column (`correct`) or a codebook's `split_from`."""

from __future__ import annotations

from nlp.themes.edits import Edits


def theme_lookup(themes, edits: Edits) -> dict[str, int]:
    """Every name a theme answers to, casefolded: codebook id, id, T<id>, label (as renamed);
    the theme it stands for after merges. ``themes``: a model's `themes_`."""
    names: dict[str, int] = {}
    for t in themes:
        target = edits.target(t.id)
        for name in (t.codebook_id, str(t.id), f"T{t.id}", t.label, edits.label(t.id, t.label)):
            if name:
                names.setdefault(str(name).strip().casefold(), target)
    return names
