"""Write and edit spaCy pipeline folders: one way to swap components in, one atomic writer."""

from __future__ import annotations

import shutil
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator, Sequence

from nlp.pipeline.spacy_pipeline import NN_SUFFIX  # importing nlp.pipeline.spacy_pipeline registers fritekst's components


def save_pipeline(nlp, out: Path) -> None:
    """`nlp.to_disk` into a sibling folder, then replace `out` with it."""
    tmp = out.with_name(out.name + ".tmp")
    if tmp.exists():
        shutil.rmtree(tmp)
    nlp.to_disk(tmp)
    if out.exists():
        shutil.rmtree(out)
    tmp.rename(out)


@contextmanager
def all_enabled(pipeline) -> Iterator[list[str]]:
    """Every component enabled while the pipeline is edited (spaCy positions only enabled ones);
    afterwards the disabled ones, plus any name the caller appends to the list, are disabled."""
    disabled = list(pipeline.disabled)
    for name in disabled:
        pipeline.enable_pipe(name)
    yield disabled
    for name in disabled:
        pipeline.disable_pipe(name)


def put_component(pipeline, name: str, factory: str, source, before: str | None = None) -> bool:
    """Component `name` from the trained pipeline `source`: in place of an existing one (or just
    before `before`), else added last. Call inside `all_enabled`. Returns True when it is new."""
    names = pipeline.component_names
    new = name not in names
    if not new:
        i = names.index(name)
        before = before or (names[i + 1] if i + 1 < len(names) else None)
        pipeline.remove_pipe(name)
    pipeline.add_pipe(factory, name=name, source=source, **({"before": before} if before else {}))
    return new


def install_varieties(pipeline, names: Sequence[str], nob, nno) -> None:
    """`names` from the Bokmål model in place of the pipeline's, and the Nynorsk model's as
    `<name>_nn`, disabled (`nlp.pipeline.spacy_pipeline.annotate` runs them for Nynorsk texts)."""
    with all_enabled(pipeline) as disabled:
        for name in names:
            put_component(pipeline, name, name, nob)
        for name in names:
            put_component(pipeline, name + NN_SUFFIX, name, nno)
            if name + NN_SUFFIX not in disabled:
                disabled.append(name + NN_SUFFIX)


def add_rule_component(model: Path, factory: str, after: str | None = None) -> None:
    """Add (or re-add) a rule component with no trained state right after `after` (first when
    None), in place."""
    import spacy

    pipeline = spacy.load(model)
    with all_enabled(pipeline):
        if factory in pipeline.component_names:
            pipeline.remove_pipe(factory)
        pipeline.add_pipe(factory, **({"after": after} if after else {"first": True}))
    save_pipeline(pipeline, model)
