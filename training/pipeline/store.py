"""Write a spaCy pipeline folder so that a crash never leaves a half-written model behind."""

from __future__ import annotations

import shutil
from pathlib import Path


def save_pipeline(nlp, out: Path) -> None:
    """`nlp.to_disk` into a sibling folder, then replace `out` with it."""
    tmp = out.with_name(out.name + ".tmp")
    if tmp.exists():
        shutil.rmtree(tmp)
    nlp.to_disk(tmp)
    if out.exists():
        shutil.rmtree(out)
    tmp.rename(out)
