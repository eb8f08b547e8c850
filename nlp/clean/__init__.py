"""Cleaning open answers: normalisation, non-answers, duplicates and written variety (the public face)."""

from nlp.clean.cleaning import Cleaned, clean
from nlp.clean.nonanswer import is_nonanswer, is_stock_nonanswer, stock_phrase_words
from nlp.clean.normalize import normalize
from nlp.clean.variety import detect_variety

__all__ = ["Cleaned", "clean", "detect_variety", "is_nonanswer", "is_stock_nonanswer", "normalize",
           "stock_phrase_words"]
