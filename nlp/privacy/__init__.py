"""Finding and replacing personal data (names, phone numbers, e-mail, national id numbers, addresses) and keeping only redacted text on disk."""

from nlp.faces import public_face

__getattr__, __all__ = public_face(__name__, {
    "Redactor": "redactor",
    "Redaction": "redactor",
    "Span": "redactor",
    "PLACEHOLDERS": "redactor",
    "apply_spans": "redactor",
    "redact_comments": "redacted",
})
