"""The learned half of the non-answer detector: logistic regression on the shape of a text.

The stock-phrase rules in `nlp.clean` know the forms they were written for; this model knows
the *shape* of a non-answer ("Har for liten innsikt i dette", "Det må leder for
introduksjonsprogrammet svare på") from a hand-written tuning set (`data/nonanswer_train.csv`,
with made-up texts and the sample pools; see `training/nonanswer.py`): word and character
n-grams of the casefolded words, the number of words, how many of them are content words
(neither function words nor words of the stock phrases) and how many of those are new (not
words of non-answers). It needs nothing but the text, so `clean()` stays independent of the
encoder and runs before the embeddings.

The weights are plain JSON (`nlp/resources/nonanswer_model.json`), written by
`python -m training.nonanswer`; scoring is a sum of weights and a logistic function.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Iterable
from functools import lru_cache
from pathlib import Path

__all__ = ["MODEL_PATH", "NonanswerModel", "features", "load_model"]

MODEL_PATH = Path(__file__).resolve().parents[1] / "resources" / "nonanswer_model.json"
FORMAT = "fritekst-nonanswer-logreg/1"
#: character n-gram lengths (within a word marked "<word>")
CHAR_NGRAMS = (3, 4, 5)


def _bucket(n: int, edges: tuple[int, ...]) -> str:
    for edge in edges:
        if n <= edge:
            return str(edge)
    return f">{edges[-1]}"


def features(tokens: list[str], known_words: frozenset[str],
             in_nonanswers: Callable[[str], bool]) -> dict[str, float]:
    """Binary features of a text given as casefolded words (`nlp.clean.nonanswer.phrase_key(...).split()`).

    ``known_words`` are the words that carry no content of their own (function words and the
    words of the stock phrases); every other word of three letters or more counts as content.
    ``in_nonanswers(word)`` says whether a word occurs in the tuning set's non-answers; a
    content word that does not is *new*, and new words are what answers are made of.
    """
    feats: dict[str, float] = {}
    content_words = [w for w in tokens if len(w) >= 3 and not w.isdigit() and w not in known_words]
    new = sum(1 for w in content_words if not in_nonanswers(w))
    words = _bucket(len(tokens), (1, 2, 3, 5, 8, 12, 18))
    content_bucket = _bucket(len(content_words), (0, 1, 2))
    new_bucket = _bucket(new, (0, 1, 2))
    feats["n_words=" + words] = 1.0
    feats["n_content=" + content_bucket] = 1.0
    feats[f"n_words={words}|n_content={content_bucket}"] = 1.0
    feats["n_new=" + new_bucket] = 1.0
    feats[f"n_words={words}|n_new={new_bucket}"] = 1.0
    feats["content_share=" + _bucket(round(10 * len(content_words) / max(len(tokens), 1)),
                                     (0, 2, 4, 6))] = 1.0
    padded = ["<s>", *tokens, "</s>"]
    for word in tokens:
        feats["w=" + word] = 1.0
        marked = f"<{word}>"
        for n in CHAR_NGRAMS:
            for i in range(len(marked) - n + 1):
                feats["c=" + marked[i:i + n]] = 1.0
    for left, right in zip(padded, padded[1:]):
        feats[f"b={left} {right}"] = 1.0
    return feats


class NonanswerModel:
    """Logistic regression over `features`; ``probability`` is P(non-answer)."""

    def __init__(self, weights: dict[str, float], bias: float, threshold: float,
                 known_words: Iterable[str], nonanswer_words: Iterable[str], min_words: int,
                 max_words: int, meta: dict | None = None):
        self.weights = weights
        self.bias = float(bias)
        self.threshold = float(threshold)
        self.known_words = frozenset(known_words)
        self.nonanswer_words = frozenset(nonanswer_words)
        self.min_words = int(min_words)
        self.max_words = int(max_words)
        self.meta = meta or {}

    def probability(self, tokens: list[str]) -> float:
        z = self.bias + sum(self.weights.get(f, 0.0) * v
                            for f, v in features(tokens, self.known_words,
                                                 self.nonanswer_words.__contains__).items())
        if z < -60:
            return 0.0
        return 1.0 / (1.0 + math.exp(-z))

    def is_nonanswer(self, tokens: list[str]) -> bool:
        """True when the text has ``min_words`` to ``max_words`` words and the model's probability
        reaches the threshold. One word is left to the rules: a single word is either a stock
        word ("Nei", "Usikker") or content ("NAV", "Bolig")."""
        if not self.min_words <= len(tokens) <= self.max_words:
            return False
        return self.probability(tokens) >= self.threshold

    def to_json(self) -> dict:
        return {
            "format": FORMAT,
            "bias": round(self.bias, 6),
            "threshold": round(self.threshold, 6),
            "min_words": self.min_words,
            "max_words": self.max_words,
            "known_words": sorted(self.known_words),
            "nonanswer_words": sorted(self.nonanswer_words),
            "meta": self.meta,
            "weights": {f: round(w, 5) for f, w in sorted(self.weights.items())},
        }

    def save(self, path: Path = MODEL_PATH) -> None:
        text = json.dumps(self.to_json(), ensure_ascii=False, indent=0, sort_keys=False)
        Path(path).write_text(text + "\n", encoding="utf-8")

    @classmethod
    def from_json(cls, data: dict) -> NonanswerModel:
        if data.get("format") != FORMAT:
            raise ValueError(f"not a non-answer model: format {data.get('format')!r}")
        return cls(weights={str(k): float(v) for k, v in data["weights"].items()},
                   bias=data["bias"], threshold=data["threshold"],
                   known_words=data["known_words"], nonanswer_words=data["nonanswer_words"],
                   min_words=data["min_words"], max_words=data["max_words"],
                   meta=data.get("meta"))

    @classmethod
    def load(cls, path: Path = MODEL_PATH) -> NonanswerModel:
        return cls.from_json(json.loads(Path(path).read_text(encoding="utf-8")))


@lru_cache(maxsize=1)
def load_model() -> NonanswerModel:
    """The bundled model (shipped with the package; retrain with `python -m training.nonanswer`)."""
    return NonanswerModel.load(MODEL_PATH)
