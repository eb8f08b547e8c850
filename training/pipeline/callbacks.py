"""spaCy registry callbacks used only while training (the saved model does not need them)."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any, Callable

import spacy
from spacy.language import Language

from . import tokenizer_exceptions  # noqa: F401  (registers fritekst.add_tokenizer_exceptions.v1)


class TimeBudgetReached(RuntimeError):
    """Raised from `before_update` to end training; spaCy keeps model-best and saves model-last."""


@spacy.registry.callbacks("fritekst.time_budget.v1")
def create_time_budget(max_minutes: float = 0.0) -> Callable[[Language, dict[str, Any]], None]:
    """Stop training after `max_minutes` of wall time (0 = no limit), so a retrain fits its slot."""
    start = time.monotonic()

    def before_update(nlp: Language, info: dict[str, Any]) -> None:
        if max_minutes and time.monotonic() - start > 60 * max_minutes:
            raise TimeBudgetReached(f"time budget of {max_minutes} min reached at step {info['step']}, epoch {info['epoch']}")

    return before_update


def restore_lemmatizer_labels(nlp: Language) -> Language:
    """Rebuild the tree -> label map of loaded edit-tree lemmatizers.

    spaCy 3.8's `EditTreeLemmatizer.from_disk` restores `cfg["labels"]` but not `tree2label`,
    so resuming training of a sourced lemmatizer maps every gold tree to label 0 and the
    lemmatizer collapses (measured: dev lemma accuracy 96.8 -> 54.6 within 250 steps).
    """
    for _, proc in nlp.components:  # disabled ones too: sourced components are disabled in before_init
        if hasattr(proc, "tree2label") and "labels" in getattr(proc, "cfg", {}):
            proc.tree2label.clear()
            for label, tree in enumerate(proc.cfg["labels"]):
                proc.tree2label[tree] = label
    return nlp


@spacy.registry.callbacks("fritekst.stage2_before_init.v1")
def create_stage2_before_init() -> Callable[[Language], Language]:
    """Stage 2: tokenizer exceptions plus the lemmatizer label fix for sourced components."""

    def before_init(nlp: Language) -> Language:
        tokenizer_exceptions.add_tokenizer_exceptions(nlp)
        return restore_lemmatizer_labels(nlp)

    return before_init


@spacy.registry.callbacks("fritekst.load_vectors.v1")
def create_load_vectors(path: str) -> Callable[[Language], Language]:
    """`nlp.after_creation` for `spacy pretrain`, which builds the pipeline without running
    `[initialize]`: a tok2vec with static vectors needs them in the vocab before it can be built."""

    def load(nlp: Language) -> Language:
        from spacy.training.initialize import load_vectors_into_model

        load_vectors_into_model(nlp, path)
        return nlp

    return load


@spacy.registry.callbacks("fritekst.init_inner_tok2vec.v1")
def create_init_inner_tok2vec(path: str, component: str = "ner") -> Callable[[Language], Language]:
    """`[initialize.after_init]`: load pretrained weights (training/pipeline/pretrain.py) into the
    tok2vec inside `component`. spaCy's own `init_tok2vec` loads into the ref named "tok2vec",
    which in a transition-based parser also holds the output projection, so it cannot be used."""

    def load(nlp: Language) -> Language:
        inner = nlp.get_pipe(component).model.get_ref("tok2vec").layers[0]
        inner.from_bytes(Path(path).read_bytes())
        return nlp

    return load
