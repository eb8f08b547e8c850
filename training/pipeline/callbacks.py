"""spaCy registry callbacks used only while training (the saved model does not need them)."""

from __future__ import annotations

import time
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
