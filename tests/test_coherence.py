"""The coherence and diversity measures used by benchmarks/bench_topic_quality.py."""

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "benchmarks"))
from coherence import diversity, npmi  # noqa: E402

DOCS = [["skole", "elev"], ["skole", "elev", "lærer"], ["bolig", "flyktning"], ["bolig", "flyktning", "kommune"]]


def test_npmi_prefers_words_that_meet():
    together = npmi([["skole", "elev"], ["bolig", "flyktning"]], DOCS)
    apart = npmi([["skole", "bolig"], ["elev", "flyktning"]], DOCS)
    assert together == pytest.approx(1.0)
    assert apart == pytest.approx(-1.0)


def test_npmi_of_independent_words_is_zero():
    docs = [["a", "b"], ["a"], ["b"], []]
    assert npmi([["a", "b"]], docs) == pytest.approx(0.0, abs=1e-12)


def test_phrases_count_only_where_contiguous():
    docs = [["sosial", "kontroll", "barn"], ["kontroll", "sosial"], ["barn"]]
    # "sosial kontroll" occurs once, with "barn": p=1/3 each, joint 1/3 -> NPMI 0.5/… > 0
    assert npmi([["sosial kontroll", "barn"]], docs) > 0


def test_diversity_counts_unique_words():
    assert diversity([["a", "b"], ["a", "c"]]) == pytest.approx(3 / 4)
    assert diversity([["a b", "c"], ["d"]]) == pytest.approx(1.0)


def test_a_one_word_topic_counts_as_never_meeting():
    # left out, it would raise the mean of a model that gives some themes one keyword
    assert npmi([["skole", "elev"], ["bolig"]], DOCS) == pytest.approx((1.0 - 1.0) / 2)
