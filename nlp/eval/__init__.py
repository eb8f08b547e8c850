"""Evaluation behind `fritekst eval`: one module per target, each with add_arguments(parser) and run(args) -> dict."""

from nlp.faces import public_face

__getattr__, __all__ = public_face(__name__, {
    "score_themes": "topics",
})
