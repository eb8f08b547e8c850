"""Each comment's redacted text and keyword lemmas: computed once, kept on disk in redacted form only.

The spaCy pass and redaction are the slow part of a rerun after embedding. Their annotations
hold every word of the original comment, names included, so they are never written to disk;
what the rest of fritekst needs from them (the text with placeholders, the number of redacted
spans, the keyword lemmas, which never include names) is cached instead, under a keyed hash
of the cleaned text (see `nlp.cache`).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Sequence

from nlp import __version__
from nlp.cache import BlobStore, keyed_hash, secret_key
from nlp.themes.keyword_lemmas import keyword_tokens
from nlp.paths import cache_dir
from nlp.pipeline.spacy_pipeline import PipelineRef, annotate
from nlp.privacy.redactor import Redactor


@dataclass(frozen=True)
class RedactedComment:
    text: str                # the cleaned comment with personal data replaced by placeholders
    n_redacted: int          # spans replaced
    tokens: tuple[str, ...]  # keyword lemmas outside names and redacted spans


def redact_comments(
    texts: Sequence[str],
    varieties: Sequence[str],
    pipeline: PipelineRef,
    on_step: Callable[[int, int], None] | None = None,
    store: BlobStore | None = None,
) -> list[RedactedComment]:
    """One RedactedComment per text, in order; cached in `store` (default: the user's cache).

    spaCy is loaded (`pipeline.nlp`) only if some comment is not in the cache yet."""
    texts = list(texts)
    store = store or BlobStore(cache_dir() / "comments.sqlite")
    ns = f"{pipeline.id}|fritekst-{__version__}"
    key = secret_key(Path(store.path).parent)
    keys = [keyed_hash(key, f"{v}\x1f{t}") for t, v in zip(texts, varieties)]
    found = store.get_many(ns, list(dict.fromkeys(keys)))
    out: list[RedactedComment | None] = [_decode(found[k]) if k in found else None for k in keys]
    todo = [i for i, r in enumerate(out) if r is None]
    if todo:
        sub = [texts[i] for i in todo]
        annotations = annotate(sub, pipeline, varieties=[varieties[i] for i in todo], on_step=on_step)
        redactions = Redactor(nlp=pipeline.nlp).redact_many(sub, annotations)
        fresh: dict[bytes, bytes] = {}
        for i, a, r in zip(todo, annotations, redactions):
            out[i] = RedactedComment(r.text, len(r.spans),
                                     tuple(keyword_tokens(a, [(s.start, s.end) for s in r.spans])))
            fresh[keys[i]] = _encode(out[i])
        store.put_many(ns, fresh.items())
    if on_step is not None:
        on_step(len(todo), len(todo))
    return out  # type: ignore[return-value]


def _encode(c: RedactedComment) -> bytes:
    return json.dumps([c.text, c.n_redacted, list(c.tokens)], ensure_ascii=False).encode("utf-8")


def _decode(blob: bytes) -> RedactedComment:
    text, n, tokens = json.loads(blob.decode("utf-8"))
    return RedactedComment(text, int(n), tuple(tokens))
