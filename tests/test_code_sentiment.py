"""Sentiment per code (issue 17, point 2): each code of a comment gets the sentiment of its own clauses."""

from __future__ import annotations

import numpy as np
import pytest

from nlp.themes.code_sentiment import assign_clauses, carry_over, code_sentiment_column, column_value, parse_value


def test_clauses_go_to_the_comments_own_most_likely_code():
    owner = np.array([0, 0, 1, 1, 2])
    proba = np.array([[0.7, 0.2, 0.1], [0.1, 0.3, 0.6], [0.5, 0.4, 0.1], [0.6, 0.3, 0.1], [0.2, 0.2, 0.6]])
    ids = [10, 20, 30]
    # comment 0: clause 0 -> 10, clause 1 -> 30; comment 1: both clauses -> 10, no split; comment 2: one clause
    assert assign_clauses(owner, proba, ids, [[10, 30], [10, 20], [30, 10]]) == [{10: [0], 30: [1]}, {}, {}]
    # only the comment's own codes compete: clause 1 goes to 20 when 30 is not a code of comment 0,
    # and comment 1's clauses both go to 20 when 10 is not one of its codes
    assert assign_clauses(owner, proba, ids, [[10, 20], [20, 30], [30]]) == [{10: [0], 20: [1]}, {}, {}]


def test_column_values_and_edits_keep_each_codes_sentiment():
    assert column_value([1, 2], {1: "positive", 2: "negative"}, "mixed") == "positive|negative"
    assert column_value([1, 2], {1: "mixed"}, "mixed") == ""  # all the comment's: empty
    assert parse_value([1, 2], "positive|negative") == {1: "positive", 2: "negative"}
    same = lambda t: t  # noqa: E731
    assert carry_over([1, 2], "positive|negative", [2, 1, 3], "mixed", same) == "negative|positive|mixed"
    into_2 = lambda t: 2 if t == 1 else t  # noqa: E731
    assert carry_over([1, 2], "positive|negative", [2], "mixed", into_2) == ""  # merged, disagreeing: the comment's
    assert carry_over([1, 2, 3], "negative|negative|positive", [2, 3], "mixed", into_2) == "negative|positive"
    assert carry_over([1, 2], "", [1, 2], "mixed", same) == ""


@pytest.fixture(scope="module")
def encoder():
    from nlp.embed.encoders import get_encoder

    return get_encoder()


def test_a_two_code_comment_gets_each_codes_sentiment_from_its_clauses(encoder):
    from nlp.embed.encoders import embed
    from nlp.sentiment.model import SentimentModel

    texts = ["Vi får veldig gode råd fra IMDi og er svært fornøyde med veiledningen. Men tilskuddet kommer alltid "
             "altfor sent, og det er et stort problem for kommunen.",
             "Tilskuddet er for lavt.", "Rådene fra IMDi er gode og tilskuddet er greit"]
    codes = [[1, 2], [2], [1, 2]]
    anchors = embed(["Råd og veiledning fra IMDi", "Tilskudd og penger"], encoder)

    def proba(vectors, rows):  # a stand-in theme model: the nearer of two anchors (theme 1, theme 2)
        z = 30 * vectors @ anchors.T
        e = np.exp(z - z.max(axis=1, keepdims=True))
        return e / e.sum(axis=1, keepdims=True), [1, 2]

    embedded: list[str] = []

    def embed_counted(batch):
        embedded.extend(batch)
        return embed(batch, encoder)

    column = code_sentiment_column(texts, codes, ["mixed", "negative", "positive"], proba, embed_counted,
                                   SentimentModel.load())
    assert column == ["positive|negative", "", ""]  # one code; one clause for both codes: the comment's
    assert not any("lavt" in t or "greit" in t for t in embedded)  # only comments of 2+ codes and clauses
    # the default model reads a fine-tuned encoder: its logits come through the caller's cache when given
    model = SentimentModel.load()
    scored: list[str] = []

    def logits_counted(batch):
        scored.extend(batch)
        return embed(batch, model.finetuned_)

    assert code_sentiment_column(texts, codes, ["mixed", "negative", "positive"], proba, embed_counted, model,
                                 logits_counted) == column
    assert len(scored) == 2 and all(t in texts[0] for t in scored)  # the two codes' clause texts, nothing else
