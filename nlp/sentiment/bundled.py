"""The bundled comment models by name, and which of them a saved run was analysed with."""

from __future__ import annotations

#: The default reads a fine-tuned e5-small beside the frozen embeddings (`models/sentiment_finetuned`,
#: issue 19: 5 points more macro-F1 on NoReC dev, an encoder pass that costs about as much as the
#: embedding pass); the frozen one reads the theme embeddings only (`models/sentiment`): a cold analyze
#: about two thirds of the time, and the model of every run saved before the default changed.
DEFAULT_MODEL, FROZEN_MODEL = "sentiment_finetuned", "sentiment"


def saved_sentiment_model(metadata: dict) -> str:
    """The sentiment model a saved run was analysed with, so `tag`, `recode` and the app say and do as
    it did. Runs saved before the fine-tuned model became the default recorded no name: they used the
    frozen one."""
    return metadata.get("sentiment_spec") or FROZEN_MODEL
