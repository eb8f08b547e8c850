import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "data"
SAMPLE = DATA / "kommuneundersokelse_2019_2021.csv"
GOLD = DATA / "kommuneundersokelse_2019_2021_fasit.csv"
CODEBOOK = DATA / "codebook.yaml"

#: personal data written into the sample file (invented), which must never reach an output or the app
SAMPLE_PERSONAL_DATA = [
    "Lise Haugland", "917 43 208", "Magnus Tveit", "452 18 703", "magnus.tveit@fjordheim.kommune.no",
    "Kristin Aune", "kristin.aune@kommunepost.no", "Geir Hoff", "geir.hoff@vo-skolen.no",
    "Fatima Osmani", "fatima.osmani@sjovik.kommune.no", "Jonas Eikeland", "Hanne Strømsvik",
]


@pytest.fixture(scope="session", autouse=True)
def _isolated_cache(tmp_path_factory):
    """Tests never touch the user's cache, but share one cache across the session for speed."""
    if "FRITEKST_CACHE" not in os.environ:
        os.environ["FRITEKST_CACHE"] = str(tmp_path_factory.mktemp("cache"))
    yield


def small_theme_model():
    """A real ThemeModel fitted on three well-separated synthetic themes (90 comments, 6 dims)."""
    import numpy as np

    from nlp.themes.model import ThemeModel

    rng = np.random.default_rng(0)
    X = np.vstack([rng.normal(loc=c, size=(30, 6)) for c in (-3, 0, 3)]).astype(np.float32)
    X /= np.linalg.norm(X, axis=1, keepdims=True)
    toks = [["bolig", "vedtak"]] * 30 + [["språk", "lærer"]] * 30 + [["tilskudd", "midler"]] * 30
    return ThemeModel(min_topic_size=8).fit(X, toks), X
