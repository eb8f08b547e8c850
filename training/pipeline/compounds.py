"""Build the compound-lemma table from NDT train and add it to a pipeline (see nlp/pipeline/compounds.py).

    .venv/bin/python -m training.pipeline.compounds --data ../shared/data --model models/norsk_pipeline

Reads the native NDT train files of both varieties (mapped to UPOS as for training), learns the
forms and head lemmas, and writes the pipeline back with `fritekst_compound_lemmas` after the
lemmatizers. Train files only: the dev files stay for scoring.
"""

from __future__ import annotations

import argparse
from collections.abc import Iterator
from pathlib import Path

import spacy

import nlp.pipeline.spacy_pipeline  # noqa: F401  (registers fritekst's components: the pipeline to edit has them)
from nlp.pipeline.compounds import FACTORY, CompoundLemmatizer

from .corpus import read_conll
from .mapping import convert_sentence


def treebank_rows(data: Path) -> Iterator[tuple[str, str, str]]:
    for variety in ("nob", "nno"):
        for sent in read_conll(data / "ndt" / variety / "train.conll"):
            for tok, tags in convert_sentence(sent):
                yield tok.form, tok.lemma, tags.upos


def add_to_pipeline(model: Path, data: Path) -> CompoundLemmatizer:
    nlp = spacy.load(model)
    if FACTORY in nlp.component_names:
        nlp.remove_pipe(FACTORY)
    pipe = nlp.add_pipe(FACTORY, name=FACTORY, last=True)
    table = CompoundLemmatizer().fit(treebank_rows(data))
    pipe.known, pipe.heads = table.known, table.heads
    disabled = [n for n in nlp.component_names if n not in nlp.pipe_names]
    nlp.to_disk(model)
    # to_disk keeps the disabled list in the config; nothing else to restore
    assert set(disabled) == set(spacy.load(model).disabled)
    return pipe


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", type=Path, default=Path(__file__).resolve().parents[3] / "shared" / "data")
    ap.add_argument("--model", type=Path, default=Path("models/norsk_pipeline"))
    args = ap.parse_args()
    pipe = add_to_pipeline(args.model, args.data)
    print(f"{args.model}: {len(pipe.known):,} known forms, {len(pipe.heads):,} head lemmas")


if __name__ == "__main__":
    main()
