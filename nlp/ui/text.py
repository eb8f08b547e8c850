"""Norwegian number formats, labels, and safe rendering of user-supplied text.

Comment text, group values and theme names come from respondents and analysts. Streamlit's
markdown renders links, images, emoji short codes, colours and LaTeX, so anything user-supplied
that must sit inside markdown (headers, captions, widget labels) goes through `md_escape`;
comment text itself is only ever shown with `st.text` or `st.dataframe`.
"""

from __future__ import annotations

import html
import math
import re

from nlp.schema import SENTIMENT_NB

SENTIMENT_COLOURS = {"positive": "#2E8540", "neutral": "#A7A9AC", "mixed": "#E3A21A", "negative": "#C0392B"}

_MD_SPECIAL = re.compile(r"([!-/:-@\[-`{-~])")  # every ASCII punctuation character
_NBSP = "\u00a0"


def md_escape(value: object, max_len: int | None = None) -> str:
    """Literal text inside Streamlit markdown: every ASCII punctuation mark backslash-escaped.

    CommonMark treats a backslash before any ASCII punctuation as that character, so nothing
    can open a link, image, HTML tag, emphasis, code span, `:emoji:`/`:color[...]` directive
    or `$LaTeX$`. Whitespace runs (including newlines that would start a list or heading)
    collapse to one space.
    """
    text = " ".join(str(value).split())
    if max_len is not None and len(text) > max_len:
        text = text[: max_len - 1].rstrip() + "…"
    return _MD_SPECIAL.sub(r"\\\1", text)


def plot_escape(value: object, max_len: int | None = None) -> str:
    """Literal text inside Plotly labels and hover text (Plotly reads a subset of HTML tags)."""
    text = " ".join(str(value).split())
    if max_len is not None and len(text) > max_len:
        text = text[: max_len - 1].rstrip() + "…"
    return html.escape(text, quote=False)


def fmt_int(n: int | float) -> str:
    """1234567 -> '1 234 567' (Norwegian thousands separator: a non-breaking space)."""
    return f"{int(round(n)):,}".replace(",", _NBSP)


def fmt_pct(share: float, decimals: int = 1) -> str:
    """0.1234 -> '12,3 %' (Norwegian: decimal comma, space before the percent sign)."""
    if share is None or (isinstance(share, float) and math.isnan(share)):
        return "–"
    return f"{share * 100:.{decimals}f}".replace(".", ",") + f"{_NBSP}%"


def fmt_pp(diff: float, decimals: int = 1) -> str:
    """A difference in shares in percentage points with its sign: 0.052 -> '+5,2 pp'."""
    if diff is None or (isinstance(diff, float) and math.isnan(diff)):
        return "–"
    value = f"{abs(diff) * 100:.{decimals}f}".replace(".", ",")
    sign = "+" if diff > 0 else "−" if diff < 0 and value.strip("0,") else ""
    return f"{sign}{value}{_NBSP}pp"


def fmt_p(p: float) -> str:
    """A p-value for a table: '< 0,001' or three decimals with a comma."""
    if p is None or (isinstance(p, float) and math.isnan(p)):
        return "–"
    if p < 0.001:
        return "<\u00a00,001"
    return f"{p:.3f}".replace(".", ",")


def sentiment_nb(label: str) -> str:
    return SENTIMENT_NB.get(str(label), str(label))
