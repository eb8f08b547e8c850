"""Cheap text features for the sentiment classifier: tokens with negation scope, lexicon counts,
hashed word and character n-grams.

Everything here works on word forms (no spaCy pass), so the features are the same whether or not
the caller has annotations, and fast enough to run on every sentence of every comment.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Iterable, Sequence

import numpy as np
import scipy.sparse as sp
from sklearn.feature_extraction.text import HashingVectorizer

#: Words that open a negation scope (Bokmål and Nynorsk).
NEGATORS = frozenset(
    "ikke ikkje aldri ingen inga ingenting inkje intet inget verken hverken korkje "
    "neppe knapt uten utan mangler manglar".split()
)
#: Tokens that close a negation scope besides punctuation.
SCOPE_BREAKERS = frozenset("men og eller fordi som da når så mens likevel".split())
#: How many tokens after a negator are marked as negated.
NEG_SCOPE = 3

_TOKEN = re.compile(r"[^\W\d_]+(?:[-'’][^\W\d_]+)*|\d+(?:[.,]\d+)?|[.,;:!?]")
_PUNCT = frozenset(".,;:!?")
_KEEP_PUNCT = frozenset("!?")

# Clause splitting for comment-level "mixed": sentence ends, semicolons, line breaks and
# contrastive conjunctions (Bokmål and Nynorsk).
_CLAUSE_SPLIT = re.compile(
    r"(?<=[.!?;])\s+|\n+|,?\s+\b(?:men|samtidig|likevel|derimot|dessverre)\b\s+", re.IGNORECASE
)
_DETOK_BEFORE = re.compile(r"\s+([,.!?:;%)\]}])")
_DETOK_AFTER = re.compile(r"([(\[{])\s+")


def detokenize(text: str) -> str:
    """Undo corpus tokenisation ("bra , men dyrt .") so it reads like a typed comment.

    NoReC_sentence is whitespace-tokenised; survey comments are not. The embedding is sensitive to
    the difference, so training data and tokenised evaluation data are detokenised before
    embedding. On ordinary text this is a no-op.
    """
    return _DETOK_AFTER.sub(r"\1", _DETOK_BEFORE.sub(r"\1", text)).strip()


def tokenize(text: str) -> list[str]:
    """Lowercased word, number and punctuation tokens."""
    return _TOKEN.findall(text.lower())


def mark_negation(tokens: Sequence[str]) -> tuple[list[str], list[bool]]:
    """Drop punctuation except ! and ?, and flag the tokens inside a negation scope.

    The scope is the next `NEG_SCOPE` tokens after a negator, cut short by punctuation or a
    clause-opening conjunction ("ikke bra, men ..." does not negate what follows "men").
    """
    out: list[str] = []
    negated: list[bool] = []
    left = 0
    for tok in tokens:
        if tok in _PUNCT:
            left = 0
            if tok in _KEEP_PUNCT:
                out.append(tok)
                negated.append(False)
            continue
        if tok in SCOPE_BREAKERS:
            left = 0
        out.append(tok)
        negated.append(left > 0)
        if tok in NEGATORS:
            left = NEG_SCOPE
        elif left:
            left -= 1
    return out, negated


def split_clauses(text: str) -> list[str]:
    """Split a comment into sentences and contrastive clauses for the per-part signal."""
    parts = [p.strip() for p in _CLAUSE_SPLIT.split(text) if p and p.strip()]
    return parts or [text]


# -- lexicon -------------------------------------------------------------------------------------

_NN_SUFFIXES = (  # Bokmål -> Nynorsk suffix correspondences for adjectives and nouns
    ("ligere", "legare"), ("ligste", "legaste"), ("ligst", "legast"), ("lige", "lege"),
    ("lig", "leg"), ("ende", "ande"), ("heten", "heita"), ("het", "heit"),
)


def nynorsk_variants(word: str) -> list[str]:
    """Regular Nynorsk forms of a Bokmål word form (vanskelig -> vanskeleg, manglende -> manglande)."""
    for bm, nn in _NN_SUFFIXES:
        if word.endswith(bm) and len(word) > len(bm) + 2:
            return [word[: -len(bm)] + nn]
    return []


@dataclass(frozen=True)
class Lexicon:
    """Positive and negative word forms (lowercase); a form in both lists counts as neither."""

    positive: frozenset[str]
    negative: frozenset[str]

    @classmethod
    def build(cls, positive: Iterable[str], negative: Iterable[str], nynorsk: bool = True) -> "Lexicon":
        pos = {w.strip().lower() for w in positive if w.strip()}
        neg = {w.strip().lower() for w in negative if w.strip()}
        if nynorsk:
            pos |= {v for w in pos for v in nynorsk_variants(w)}
            neg |= {v for w in neg for v in nynorsk_variants(w)}
        both = pos & neg
        return cls(frozenset(pos - both), frozenset(neg - both))

    def to_json(self) -> dict:
        return {"positive": sorted(self.positive), "negative": sorted(self.negative)}

    @classmethod
    def from_json(cls, data: dict) -> "Lexicon":
        return cls(frozenset(data["positive"]), frozenset(data["negative"]))


LEXICON_FEATURES = (
    "pos", "neg", "pos_negated", "neg_negated", "polarity", "pos_share", "neg_share",
    "has_pos", "has_neg", "exclamation", "question", "negators", "log_len",
)


def lexicon_features(tokens: Sequence[str], negated: Sequence[bool], lexicon: Lexicon) -> np.ndarray:
    """Counts of lexicon hits with negation flipping; length-normalised shares; punctuation cues."""
    pos = neg = pos_n = neg_n = 0
    negators = exclam = quest = 0
    n_words = 0
    for tok, is_neg in zip(tokens, negated):
        if tok == "!":
            exclam += 1
            continue
        if tok == "?":
            quest += 1
            continue
        n_words += 1
        if tok in NEGATORS:
            negators += 1
        if tok in lexicon.positive:
            if is_neg:
                pos_n += 1
            else:
                pos += 1
        elif tok in lexicon.negative:
            if is_neg:
                neg_n += 1
            else:
                neg += 1
    eff_pos = pos + neg_n  # "ikke dårlig" leans positive
    eff_neg = neg + pos_n  # "ikke bra" is negative
    denom = max(n_words, 1)
    return np.array(
        [
            pos, neg, pos_n, neg_n,
            (eff_pos - eff_neg) / np.sqrt(eff_pos + eff_neg + 1.0),
            eff_pos / denom, eff_neg / denom,
            float(eff_pos > 0), float(eff_neg > 0),
            min(exclam, 3), min(quest, 3), negators, np.log1p(n_words),
        ],
        dtype=np.float32,
    )


# -- n-grams -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class NgramConfig:
    """Hashed n-gram spaces; stateless, so nothing but these numbers needs saving."""

    word_bits: int = 18
    char_bits: int = 18
    word_ngrams: tuple[int, int] = (1, 2)
    char_ngrams: tuple[int, int] = (2, 5)

    def to_json(self) -> dict:
        return {"word_bits": self.word_bits, "char_bits": self.char_bits,
                "word_ngrams": list(self.word_ngrams), "char_ngrams": list(self.char_ngrams)}

    @classmethod
    def from_json(cls, data: dict) -> "NgramConfig":
        return cls(int(data["word_bits"]), int(data["char_bits"]),
                   tuple(data["word_ngrams"]), tuple(data["char_ngrams"]))

    @property
    def n_features(self) -> int:
        return 2 ** self.word_bits + 2 ** self.char_bits


def _identity(x):
    return x


class TextFeaturizer:
    """Tokens -> (hashed word/char n-gram counts, lexicon features) for a batch of texts."""

    def __init__(self, lexicon: Lexicon, ngrams: NgramConfig = NgramConfig()) -> None:
        self.lexicon = lexicon
        self.ngrams = ngrams
        self._word = HashingVectorizer(
            analyzer=_identity, n_features=2 ** ngrams.word_bits, alternate_sign=False, norm=None,
        )
        self._char = HashingVectorizer(
            analyzer="char_wb", ngram_range=ngrams.char_ngrams, n_features=2 ** ngrams.char_bits,
            alternate_sign=False, norm=None, lowercase=False,
        )

    def _word_terms(self, tokens: Sequence[str], negated: Sequence[bool]) -> list[str]:
        marked = [("NEG_" + t) if n else t for t, n in zip(tokens, negated)]
        lo, hi = self.ngrams.word_ngrams
        terms: list[str] = []
        for n in range(lo, hi + 1):
            terms.extend(" ".join(marked[i : i + n]) for i in range(len(marked) - n + 1))
        return terms

    def transform(self, texts: Sequence[str]) -> tuple[sp.csr_matrix, np.ndarray]:
        if len(texts) == 0:
            return (sp.csr_matrix((0, self.ngrams.n_features), dtype=np.float32),
                    np.zeros((0, len(LEXICON_FEATURES)), np.float32))
        toks = [mark_negation(tokenize(t)) for t in texts]
        words = self._word.transform([self._word_terms(t, n) for t, n in toks])
        chars = self._char.transform([" ".join(t) for t, _ in toks])
        counts = sp.hstack([words, chars], format="csr", dtype=np.float32)
        lex = np.stack([lexicon_features(t, n, self.lexicon) for t, n in toks])
        return counts, lex


class NgramSpace:
    """TF-IDF over the hashed n-gram columns seen in training (sublinear tf, smooth idf, L2 rows).

    Columns never seen in training are dropped before normalisation, like a vocabulary-based
    TfidfVectorizer, so only the kept columns and their idf need saving.
    """

    def __init__(self, min_df: int = 2) -> None:
        self.min_df = min_df

    def fit(self, counts: sp.csr_matrix) -> "NgramSpace":
        df = np.bincount(counts.indices, minlength=counts.shape[1])
        self.index_ = np.flatnonzero(df >= self.min_df).astype(np.int64)
        n = counts.shape[0]
        self.idf_ = (np.log((1.0 + n) / (1.0 + df[self.index_])) + 1.0).astype(np.float32)
        return self

    def transform(self, counts: sp.csr_matrix) -> sp.csr_matrix:
        x = counts[:, self.index_].tocsr().astype(np.float32)
        x.data = 1.0 + np.log(x.data)
        x = x @ sp.diags(self.idf_)
        norms = np.sqrt(np.asarray(x.multiply(x).sum(axis=1)).ravel())
        norms[norms == 0] = 1.0
        return sp.csr_matrix(sp.diags(1.0 / norms) @ x, dtype=np.float32)


def clause_pieces(texts: Sequence[str]) -> tuple[list[str], np.ndarray]:
    """Sentences and contrastive clauses of every text, with the index of the text each came from."""
    pieces: list[str] = []
    owner: list[int] = []
    for i, text in enumerate(texts):
        parts = split_clauses(text)
        pieces.extend(parts)
        owner.extend([i] * len(parts))
    return pieces, np.asarray(owner, dtype=np.int64)
