"""Sentiment of survey comments (positive, negative, neutral, mixed): the public face."""

from nlp.sentiment.model import LABELS, LABELS4, MIXED, SentimentModel, SentimentResult

__all__ = ["LABELS", "LABELS4", "MIXED", "SentimentModel", "SentimentResult"]
