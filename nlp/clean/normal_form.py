"""Normalising answer text: Unicode form, control characters, whitespace and Excel's escapes."""

from __future__ import annotations

import re
import unicodedata


#: Unicode categories removed outright: controls (Cc), format characters (Cf: zero-width
#: space/joiners, soft hyphen, BOM, bidi marks), unassigned (Cn), private use (Co) and
#: lone surrogates (Cs).
_DROP_CATEGORIES = {"Cc", "Cf", "Cn", "Co", "Cs"}
_OOXML_ESCAPE = re.compile(r"_x000[dDaA9]_")  # Excel's escaped \r \n \t left in exports


def normalize(text: str) -> str:
    """NFC, drop invisible control/format characters, collapse all whitespace to one space.

    The result is a single line without leading or trailing spaces. ``None``/NaN give ``""``.
    """
    if not isinstance(text, str):
        return ""
    text = unicodedata.normalize("NFC", text)
    if "_x" in text:
        text = _OOXML_ESCAPE.sub(" ", text)
    if text.isprintable():  # fast path: no controls, format characters or odd spaces
        return " ".join(text.split()) if "  " in text else text.strip()
    chars = []
    for ch in text:
        if ch.isspace():
            chars.append(" ")
        elif unicodedata.category(ch) not in _DROP_CATEGORIES:
            chars.append(ch)
    return " ".join("".join(chars).split())
