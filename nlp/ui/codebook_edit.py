"""The codebook as the app edits it: the run's codes, a new code, a theme split in two (pure logic).

The edited codebook is what `nlp.runs.recode_run` assigns the run's comments by again; codes
get an id made from their name (as an analyst would write it in the YAML), seeds are typed one
per line or separated by commas.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

import pandas as pd

from nlp.errors import InputError
from nlp.schema import OUTLIER, Edited
from nlp.themes.codebook import Codebook, CodebookTheme, codebook_from_dict

_FOLD = str.maketrans({"æ": "ae", "ø": "o", "å": "a", "Æ": "ae", "Ø": "o", "Å": "a"})


@dataclass(frozen=True)
class CodeDraft:
    """One code as typed into a form."""

    name: str
    description: str = ""
    seeds: str = ""


def run_codebook(metadata: dict) -> Codebook:
    """The codebook a run was made with (no codes when its themes were all found in the data)."""
    data = (metadata.get("parameters") or {}).get("codebook")
    return codebook_from_dict(data, "codebook") if data else Codebook(())


def code_id(name: str, taken: set[str]) -> str:
    """An id from a code's name: lower case, ASCII, words joined by _ ("Søknader om tilskudd" ->
    soknader_om_tilskudd), made unique with _2, _3 ..."""
    ascii_ = unicodedata.normalize("NFKD", name.strip().translate(_FOLD)).encode("ascii", "ignore").decode()
    base = re.sub(r"[^a-z0-9]+", "_", ascii_.lower()).strip("_") or "kode"
    out, n = base, 2
    while out in taken:
        out, n = f"{base}_{n}", n + 1
    return out


def parse_seeds(text: str) -> tuple[str, ...]:
    """Seed words and phrases, one per line or separated by commas or semicolons; each once."""
    return tuple(dict.fromkeys(s.strip() for s in re.split(r"[\n,;]+", text or "") if s.strip()))


def _code(draft: CodeDraft, taken: set[str], split_from: str | None = None) -> CodebookTheme:
    name = draft.name.strip()
    if not name:
        raise InputError("a new code needs a name")
    seeds = parse_seeds(draft.seeds)
    if not seeds and not draft.description.strip():
        raise InputError(f"code {name!r} needs a description or seed words to be recognised by")
    return CodebookTheme(code_id(name, taken), name, draft.description.strip(), seeds, split_from)


def add_code(codebook: Codebook, draft: CodeDraft) -> Codebook:
    """The codebook with one more code (its comments are found among all comments)."""
    taken = {t.id for t in codebook.themes}
    if any(t.name.casefold() == draft.name.strip().casefold() for t in codebook.themes):
        raise InputError(f"the codebook already has a code named {draft.name.strip()!r}")
    return codebook.with_theme(_code(draft, taken))


def theme_ref(edited: Edited, theme_id: int) -> str:
    """How the codebook names a run's theme: its code, or T<id> for a theme found in the data."""
    theme = edited.theme(theme_id)
    return theme.codebook_id if theme is not None and theme.codebook_id else f"T{theme_id}"


def split_theme(codebook: Codebook, ref: str, drafts: list[CodeDraft]) -> Codebook:
    """The codebook with theme `ref` replaced by the drafted codes, which share its comments."""
    drafts = [d for d in drafts if d.name.strip() or d.description.strip() or d.seeds.strip()]
    if len(drafts) < 2:
        raise InputError("a theme is split into at least two codes")
    kept = tuple(t for t in codebook.themes if t.id != ref)
    taken = {t.id for t in codebook.themes}
    names = {t.name.casefold() for t in kept}
    out = list(kept)
    for d in drafts:
        if d.name.strip().casefold() in names:
            raise InputError(f"the codebook already has a code named {d.name.strip()!r}")
        names.add(d.name.strip().casefold())
        code = _code(d, taken, split_from=ref)
        taken.add(code.id)
        out.append(code)
    return Codebook(tuple(out))


def codes_table(codebook: Codebook, edited: Edited) -> pd.DataFrame:
    """The codes with their comment counts (as edited), then the themes found in the data."""
    size = {t.codebook_id: t.size for t in edited.themes if t.codebook_id}
    rows = [{"Kode": t.id, "Navn": t.name, "Beskrivelse": t.description, "Stikkord": ", ".join(t.seeds),
             "Kommentarer": size.get(t.id, 0)} for t in codebook.themes]
    rows += [{"Kode": f"T{t.id}", "Navn": t.label, "Beskrivelse": "(funnet i dataene)",
              "Stikkord": ", ".join(t.keywords[:5]), "Kommentarer": t.size}
             for t in edited.themes if not t.codebook_id and t.id != OUTLIER]
    return pd.DataFrame(rows, columns=["Kode", "Navn", "Kommentarer", "Stikkord", "Beskrivelse"])


def describe_recode(info: dict, labels: dict[str, str]) -> str:
    """What the last codebook edit did, in one Norwegian sentence (from run.json's "recoded")."""
    r = info or {}
    parts = []
    if r.get("added"):
        parts.append("ny kode: " + ", ".join(labels.get(c, c) for c in r["added"]))
    if r.get("split"):
        parts.append(f"{len(r['split'])} tema delt opp")
    if r.get("empty"):
        parts.append("ingen kommentarer passet til " + ", ".join(labels.get(c, c) for c in r["empty"]))
    moved = int(r.get("moved", 0))
    parts.append(f"{moved} kommentartekst{'er' if moved != 1 else ''} fikk nytt hovedtema")
    if r.get("dropped_edits"):
        parts.append(f"{r['dropped_edits']} endring(er) gjaldt et tema som forsvant og er fjernet")
    return "Kodeboken er endret: " + "; ".join(parts) + "."
