import numpy as np
import pandas as pd

from nlp.report.stats import sentiment_by_theme, wilson_interval


def test_wilson_interval_known_values():
    lo, hi = wilson_interval(np.array([0, 5, 10]), np.array([10, 10, 10]))
    assert lo[0] == 0 and 0.2 < hi[0] < 0.35
    assert abs(lo[1] - 0.2366) < 1e-3 and abs(hi[1] - 0.7634) < 1e-3
    assert abs(hi[2] - 1) < 1e-12


def test_sentiment_counts_and_shares_per_theme():
    c = pd.DataFrame({
        "topic_id": [0, 0, 1, -2, 1], "topic_label": ["A", "A", "B", "Ikke svar", "B"],
        "is_nonanswer": [False, False, False, True, False], "rolle": ["x", "y", "x", "x", "y"],
        "sentiment": ["positive", "negative", "neutral", "neutral", "mixed"],
    })
    s = sentiment_by_theme(c).set_index("topic_id")
    assert s.loc[0, "positive"] == 1 and s.loc[1, "mixed"] == 1 and s.loc[0, "share_negative"] == 0.5
