"""Theme drivers of a rating (issue 18): respondent-level themes, rating checks, impact and significance."""

import math
import warnings

import numpy as np
import pandas as pd
import pytest

from nlp.errors import InputError
from nlp.report.rating_drivers import (
    adjust_p,
    answer_themes,
    check_ratings,
    drivers,
    infer_scale,
    parse_rating,
    respondent_themes,
)

LABELS = {0: "Bolig", 1: "Veiledning", 2: "Språk"}


def constructed_survey(n: int = 600, seed: int = 7, scale=(1, 5)):
    """Respondents with up to two answers; theme 0 scores 1.5 lower, theme 1 0.5 higher, theme 2 no effect."""
    rng = np.random.default_rng(seed)
    has = rng.random((n, 3)) < np.array([0.25, 0.3, 0.3])
    mid = (scale[0] + scale[1]) / 2 + 0.3
    spread = (scale[1] - scale[0]) / 4
    score = mid - 1.5 * spread * has[:, 0] + 0.5 * spread * has[:, 1] + rng.normal(0, 0.6 * spread, n)
    rating = np.clip(np.round(score), *scale).astype(int)
    rows = []
    for i in range(n):
        themes = [t for t in range(3) if has[i, t]]
        # split a respondent's themes over two answers, and repeat one, to check they count once
        first, second = themes[: len(themes) // 2 + 1], themes[len(themes) // 2:]
        rows.append((f"r{i:04d}", "|".join(map(str, first)) or "-1"))
        if second and rng.random() < 0.5:
            rows.append((f"r{i:04d}", "|".join(map(str, second))))
    answers = pd.DataFrame(rows, columns=["id", "codes"])
    ratings = pd.Series(rating.astype(str), index=[f"r{i:04d}" for i in range(n)], name="rating")
    return answers, ratings, has, rating


# --------------------------------------------------------------------------- membership


def test_answer_themes_reads_codes_and_topic_ids():
    codes = answer_themes(pd.Series(["1|3", "-1", "", None, "3", " 2 | 3 "]))
    assert list(codes.columns) == [1, 2, 3]
    assert codes.to_numpy().tolist() == [[1, 0, 1], [0, 0, 0], [0, 0, 0], [0, 0, 0], [0, 0, 1], [0, 1, 1]]
    topics = answer_themes(pd.Series([0, -1, -2, 4, 0]), theme_ids=[4, 0, 7])
    assert list(topics.columns) == [4, 0, 7]
    assert topics.to_numpy().tolist() == [[0, 1, 0], [0, 0, 0], [0, 0, 0], [1, 0, 0], [0, 1, 0]]


def test_answer_themes_rejects_bad_codes():
    with pytest.raises(InputError, match="'bolig'"):
        answer_themes(pd.Series(["1|bolig"]))


def test_respondent_with_two_answers_counts_once():
    answers = pd.DataFrame({"id": ["a", "a", "b", "c", "a"], "topic_id": [0, 0, 1, -2, -1]})
    themes = respondent_themes(answers, "id", "topic_id")
    assert list(themes.index) == ["a", "b", "c"]
    assert themes.loc["a"].tolist() == [1, 0] and themes.loc["c"].tolist() == [0, 0]
    ratings = pd.Series([2.0, 4.0, 4.0], index=["a", "b", "c"])
    table = drivers(themes, ratings, {0: "x", 1: "y"}).set_index("topic_id")
    assert table.loc[0, "n"] == 1 and table.loc[0, "mean_with"] == 2.0 and table.loc[0, "mean_without"] == 4.0


def test_missing_column_names_it():
    with pytest.raises(InputError, match="'codes'"):
        respondent_themes(pd.DataFrame({"id": [1]}), "id")


# --------------------------------------------------------------------------- ratings


@pytest.mark.parametrize("value, expected", [
    ("4", 4.0), ("4,0", 4.0), ("4,5", 4.5), (" 3.5 ", 3.5), (4, 4.0), (4.0, 4.0), ("10", 10.0), ("\u00a07", 7.0),
])
def test_parse_rating_numbers(value, expected):
    assert parse_rating(value) == expected


@pytest.mark.parametrize("value", ["", "  ", None, float("nan")])
def test_parse_rating_blank(value):
    assert math.isnan(parse_rating(value))


@pytest.mark.parametrize("value", ["vet ikke", "4-5", "1.000,5", "5 - Svært fornøyd", True])
def test_parse_rating_text(value):
    assert parse_rating(value) is None


def test_infer_scale():
    assert infer_scale(np.array([1, 2, 3, 4, 5, 3.5])) == (1, 5)
    assert infer_scale(np.array([1, 2, 6, 7, 4])) == (1, 7)
    assert infer_scale(np.array([0, 3, 9, 10, 7, 8])) == (0, 10)
    # one stray typo does not stretch a 1-5 scale
    assert infer_scale(np.array([1, 2, 3, 4, 5] * 20 + [55])) == (1, 5)
    assert infer_scale(np.array([1, 2, 3, 4, 5] * 20 + [0, 9])) == (1, 5)
    assert infer_scale(np.array([1, 2, 3, 4, 5] * 4 + [0, 9])) == (0, 10)  # few values: two outside is a lot
    assert infer_scale(np.array([1, 50, 100, 75] * 10)) is None


def test_bad_ratings_named_and_only_those_left_out():
    answers, ratings, _, _ = constructed_survey(n=200)
    raw = ratings.copy()
    raw.iloc[3] = "vet ikke"   # spreadsheet row 5
    raw.iloc[5] = ""           # row 7
    raw.iloc[7] = "9"          # row 9, outside 1-5
    raw.iloc[8] = "4,5"        # valid: decimal comma
    raw.iloc[9] = "0"          # row 11, outside 1-5
    check = check_ratings(raw, "Nytte av veiledning")
    assert check.scale == (1, 5) and check.scale_inferred
    assert check.text_rows == (5,) and check.blank_rows == (7,) and check.out_of_range_rows == (9, 11)
    assert check.left_out == 4 and check.valid == 196
    assert check.values.iloc[8] == 4.5
    assert list(check.values.index) == list(raw.index)
    assert check.values[check.values.isna()].index.tolist() == [raw.index[i] for i in (3, 5, 7, 9)]
    msg = check.message
    assert "'Nytte av veiledning'" in msg and "\n" not in msg
    assert "text in row 5" in msg and "blank in row 7" in msg and "outside 1-5 in rows 9, 11" in msg
    assert "header = row 1" in msg
    table = drivers(respondent_themes(answers, "id"), check.values, LABELS)
    assert int(table["n"].iloc[0] + table["n_without"].iloc[0]) == 196


def test_message_lists_ten_rows_then_counts():
    raw = pd.Series(["x"] * 25 + ["3"] * 5)
    check = check_ratings(raw, "R", rows=[10 + i for i in range(30)])
    assert "rows 10, 11, 12, 13, 14, 15, 16, 17, 18, 19 and 15 more" in check.message


def test_clean_ratings_have_no_message():
    check = check_ratings(pd.Series([1, 2, 3, 4, 5]), "R")
    assert check.message == "" and check.left_out == 0


def test_given_scale_is_used():
    check = check_ratings(pd.Series(["1", "7", "6"]), "R", scale=(1, 5))
    assert not check.scale_inferred and check.out_of_range_rows == (3, 4)
    assert "given scale 1-5" in check.message


def test_unusable_rating_column_raises():
    with pytest.raises(InputError, match="'R' has no numeric values"):
        check_ratings(pd.Series(["ja", "nei", ""]), "R")
    with pytest.raises(InputError, match="fit none of the scales"):
        check_ratings(pd.Series([str(v) for v in range(0, 101, 5)]), "R")


# --------------------------------------------------------------------------- drivers


def test_constructed_effects_recovered():
    answers, ratings, has, rating = constructed_survey()
    check = check_ratings(ratings, "rating")
    table = drivers(respondent_themes(answers, "id"), check.values, LABELS)
    by_id = table.set_index("topic_id")
    # sign
    assert by_id.loc[0, "impact"] < 0 < by_id.loc[1, "impact"]
    # ranking by impact magnitude: A (-1.5 on a quarter) before B (+0.5 on 30%) before C (none)
    assert table["topic_id"].tolist() == [0, 1, 2]
    assert by_id.loc[0, "significant"] and by_id.loc[1, "significant"] and not by_id.loc[2, "significant"]
    # the interval holds the estimate and, for the real effects, not zero
    for t in (0, 1):
        low, high = by_id.loc[t, ["impact_low", "impact_high"]]
        assert low < by_id.loc[t, "impact"] < high and not low < 0 < high
    # counts and means match a direct computation at respondent level
    assert by_id.loc[0, "n"] == has[:, 0].sum()
    assert by_id.loc[0, "mean_with"] == pytest.approx(rating[has[:, 0]].mean())
    assert by_id.loc[0, "mean_without"] == pytest.approx(rating[~has[:, 0]].mean())
    # impact = overall mean - mean without = share * difference
    overall = rating.mean()
    for t in (0, 1, 2):
        row = by_id.loc[t]
        assert row["impact"] == pytest.approx(overall - row["mean_without"])
        assert row["impact"] == pytest.approx(row["share"] * (row["mean_with"] - row["mean_without"]))
    assert by_id.loc[0, "label"] == "Bolig"


def test_welch_p_matches_scipy():
    from scipy import stats

    answers, ratings, has, rating = constructed_survey(n=300)
    table = drivers(respondent_themes(answers, "id"), check_ratings(ratings, "r").values, LABELS)
    row = table.set_index("topic_id").loc[1]
    expected = stats.ttest_ind(rating[has[:, 1]], rating[~has[:, 1]], equal_var=False).pvalue
    assert row["p_value"] == pytest.approx(expected, rel=1e-9)


def test_zero_to_ten_promoters_and_detractors():
    themes = pd.DataFrame({0: [1, 1, 1, 1, 0, 0, 0, 0], 1: [0, 0, 0, 0, 1, 1, 1, 1]},
                          index=list("abcdefgh"))
    ratings = pd.Series([10, 9, 6, 2, 8, 7, 9, 0], index=list("abcdefgh"), dtype=float)
    table = drivers(themes, ratings, {0: "x", 1: "y"}, scale=(0, 10)).set_index("topic_id")
    assert table.loc[0, "promoters_with"] == 0.5 and table.loc[0, "detractors_with"] == 0.5
    assert table.loc[0, "nps_with"] == 0.0
    assert table.loc[0, "promoters_without"] == 0.25 and table.loc[0, "detractors_without"] == 0.25
    assert table.loc[1, "nps_with"] == pytest.approx(0.0)
    plain = drivers(themes, ratings, {0: "x", 1: "y"}, scale=(1, 5))
    assert "promoters_with" not in plain.columns


def test_respondent_without_answers_counts_as_no_theme():
    themes = pd.DataFrame({0: [1, 1, 0]}, index=["a", "b", "c"])
    ratings = pd.Series([1.0, 2.0, 4.0, 5.0], index=["a", "b", "c", "d"])
    row = drivers(themes, ratings, {0: "x"}).iloc[0]
    assert row["n"] == 2 and row["n_without"] == 2 and row["mean_without"] == 4.5


def test_degenerate_themes_are_nan_and_not_significant():
    themes = pd.DataFrame({0: [1, 0, 0, 0], 1: [1, 1, 1, 1], 2: [1, 1, 0, 0]}, index=list("abcd"))
    ratings = pd.Series([3.0, 3.0, 3.0, 3.0], index=list("abcd"))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        table = drivers(themes, ratings, {0: "one", 1: "all", 2: "flat", 9: "nobody"}).set_index("topic_id")
    assert set(table.index) == {0, 1, 2, 9}
    assert not table["significant"].any()
    for t in (0, 1, 2, 9):
        assert math.isnan(table.loc[t, "p_value"]) and math.isnan(table.loc[t, "impact_low"])
    assert table.loc[9, "n"] == 0 and math.isnan(table.loc[9, "mean_with"]) and math.isnan(table.loc[9, "impact"])
    assert math.isnan(table.loc[1, "mean_without"]) and math.isnan(table.loc[1, "impact"])
    assert table.loc[0, "impact"] == 0.0  # one respondent: the difference is still there, only untestable
    assert table.index[-1] in (1, 9)  # NaN impact sorts last


def test_deterministic():
    answers, ratings, _, _ = constructed_survey(n=300)
    values = check_ratings(ratings, "r").values
    first = drivers(respondent_themes(answers, "id"), values, LABELS)
    shuffled = answers.sample(frac=1.0, random_state=3)
    second = drivers(respondent_themes(shuffled, "id"), values.sample(frac=1.0, random_state=4), LABELS)
    pd.testing.assert_frame_equal(first, second, check_exact=False, rtol=1e-12)


def test_duplicate_respondent_ratings_rejected():
    with pytest.raises(InputError, match="more than once"):
        drivers(pd.DataFrame({0: [1]}, index=["a"]), pd.Series([1.0, 2.0], index=["a", "a"]), {0: "x"})


def test_adjust_p():
    p = np.array([0.01, 0.04, 0.03, np.nan, 0.5])
    bh = adjust_p(p, "bh")
    assert np.isnan(bh[3])
    assert bh[[0, 2, 1, 4]] == pytest.approx([0.04, 0.04 * 4 / 3, 0.04 * 4 / 3, 0.5])
    holm = adjust_p(p, "holm")
    assert holm[[0, 2, 1, 4]] == pytest.approx([0.04, 0.09, 0.09, 0.5])
    assert np.isnan(adjust_p(np.array([np.nan]))).all()
