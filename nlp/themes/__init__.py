"""Themes: discovery with BERTopic, the analyst's codebook, keywords, labels, quotes and edits."""

from nlp.faces import public_face

__getattr__, __all__ = public_face(__name__, {
    "ThemeModel": "model",
    "Theme": "model",
    "adaptive_params": "model",
    "Codebook": "codebook",
    "load_codebook": "codebook",
    "Edits": "edits",
    "select_quotes": "quotes",
    "theme_keywords": "keywords",
})
