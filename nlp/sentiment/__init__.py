"""Sentiment of survey comments (positive, negative, neutral, mixed) with calibrated probabilities."""

from nlp.faces import public_face

__getattr__, __all__ = public_face(__name__, {
    "SentimentModel": "model",
    "SentimentResult": "model",
    "LABELS": "model",
    "LABELS4": "model",
    "MIXED": "model",
    "DEFAULT_MODEL": "bundled",
    "FROZEN_MODEL": "bundled",
    "saved_sentiment_model": "bundled",
})
