"""Text features of the sentiment classifier: tokens, negation scope, lexicon, clauses, n-grams."""

import numpy as np
import scipy.sparse as sp

from nlp.sentiment.features import (
    NgramSpace,
    LEXICON_FEATURES,
    Lexicon,
    NgramConfig,
    TextFeaturizer,
    detokenize,
    lexicon_features,
    mark_negation,
    nynorsk_variants,
    split_clauses,
    tokenize,
)

LEX = Lexicon.build(["bra", "god", "nyttig", "vanskelig"], ["dårlig", "vanskelig", "problem"])


def feats(text: str) -> dict:
    toks, neg = mark_negation(tokenize(text))
    return dict(zip(LEXICON_FEATURES, lexicon_features(toks, neg, LEX)))


def test_detokenize_undoes_corpus_tokenisation_and_leaves_typed_text_alone():
    assert detokenize("Bra , men dyrt ( 400 kr ) !") == "Bra, men dyrt (400 kr)!"
    typed = "Samarbeidet er godt, men tilskuddet er lavt."
    assert detokenize(typed) == typed


def test_negation_scope_ends_at_punctuation_and_contrast():
    toks, neg = mark_negation(tokenize("Ikke bra, men nyttig"))
    assert toks == ["ikke", "bra", "men", "nyttig"]
    assert neg == [False, True, False, False]
    toks, neg = mark_negation(tokenize("Det var ikkje eit stort problem i det heile"))
    assert dict(zip(toks, neg))["problem"] is True  # within three tokens of the negator
    assert dict(zip(toks, neg))["heile"] is False


def test_lexicon_counts_flip_under_negation():
    f = feats("Ikke bra")
    assert (f["pos"], f["pos_negated"], f["has_pos"], f["has_neg"]) == (0, 1, 0.0, 1.0)
    f = feats("Ikke dårlig, og svært nyttig!")
    assert f["neg_negated"] == 1 and f["pos"] == 1 and f["has_neg"] == 0.0 and f["exclamation"] == 1
    assert f["polarity"] > 0


def test_lexicon_drops_forms_listed_as_both_and_adds_nynorsk_variants():
    assert "vanskelig" not in LEX.positive | LEX.negative
    lex = Lexicon.build(["herlig"], ["vanskelig", "manglende"])
    assert {"herleg"} <= lex.positive and {"vanskeleg", "manglande"} <= lex.negative
    assert nynorsk_variants("bra") == []
    assert Lexicon.from_json(lex.to_json()) == lex


def test_split_clauses_on_sentences_and_contrast():
    assert split_clauses("Godt samarbeid. Men for lite penger!") == ["Godt samarbeid.", "Men for lite penger!"]
    assert split_clauses("Flinke lærarar, men manglar lokale") == ["Flinke lærarar", "manglar lokale"]
    assert split_clauses("Ingen merknader") == ["Ingen merknader"]


def test_featurizer_shapes_and_negation_marked_ngrams():
    cfg = NgramConfig(word_bits=10, char_bits=10)
    fz = TextFeaturizer(LEX, cfg)
    counts, lex = fz.transform(["ikke bra", "bra", ""])
    assert counts.shape == (3, cfg.n_features) and lex.shape == (3, len(LEXICON_FEATURES))
    # "ikke bra" and "bra" share no word unigram for "bra" (NEG_bra vs bra)
    words = counts[:, : 2 ** cfg.word_bits].toarray()
    assert words[2].sum() == 0
    assert not np.array_equal(words[0] > 0, words[1] > 0)
    empty_counts, empty_lex = fz.transform([])
    assert empty_counts.shape[0] == 0 and empty_lex.shape == (0, len(LEXICON_FEATURES))


def test_ngram_space_keeps_seen_columns_and_l2_normalises():
    counts = sp.csr_matrix(np.array([[2, 0, 1, 0], [1, 1, 0, 0], [1, 0, 0, 0]], dtype=np.float32))
    space = NgramSpace(min_df=2).fit(counts)
    assert space.index_.tolist() == [0]  # only column 0 occurs in two rows
    x = NgramSpace(min_df=1).fit(counts).transform(sp.csr_matrix(np.array([[0, 3, 0, 5]], np.float32)))
    assert x.shape == (1, 3)  # column 3 never seen in training: dropped
    assert np.isclose(np.linalg.norm(x.toarray()), 1.0)
