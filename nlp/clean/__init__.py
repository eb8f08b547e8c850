"""Cleaning open answers: normalisation, non-answers, duplicates and written variety."""

from nlp.faces import public_face

__getattr__, __all__ = public_face(__name__, {
    "Cleaned": "cleaning",
    "clean": "cleaning",
    "is_nonanswer": "nonanswer",
    "is_stock_nonanswer": "nonanswer",
    "stock_phrase_words": "nonanswer",
    "normalize": "normal_form",
    "detect_variety": "variety",
})
