"""Theme model: adaptive sizes, assignment head, determinism, labels and quotes."""

import numpy as np
import pytest

from nlp.themes.codebook import Codebook, CodebookTheme
from nlp.themes.labels import distinct_keywords, make_label
from nlp.themes.quotes import select_quotes
from nlp.themes.keywords import distinct_terms, theme_keywords
from nlp.themes.model import ThemeModel, adaptive_params
from nlp.schema import OUTLIER

WORDS = {
    0: ["tilskudd", "økonomi", "midler", "budsjett"],
    1: ["bosetting", "bolig", "flyktning", "vedtak"],
    2: ["norskopplæring", "språk", "prøve", "lærer"],
}
FILLER = ["samarbeid", "erfaring", "behov", "ansvar", "utfordring", "ressurs", "tiltak", "plan",
          "rutine", "dialog", "kapasitet", "oppfølging"]


def blobs(n_per=40, dim=16, seed=0):
    rng = np.random.default_rng(seed)
    centres = rng.normal(size=(3, dim)) * 4
    X, y, toks = [], [], []
    for k in range(3):
        pts = centres[k] + rng.normal(size=(n_per, dim))
        X.append(pts)
        y += [k] * n_per
        toks += [list(rng.permutation(WORDS[k])) + [rng.choice(FILLER)] for _ in range(n_per)]
    X = np.vstack(X).astype(np.float32)
    X /= np.linalg.norm(X, axis=1, keepdims=True)
    return X, np.array(y), toks


def test_adaptive_params_grow_with_corpus():
    small, large = adaptive_params(200), adaptive_params(20_000)
    assert small.min_cluster_size < large.min_cluster_size
    assert small.n_neighbors <= large.n_neighbors
    assert adaptive_params(200, min_topic_size=7).min_cluster_size == 7


@pytest.mark.slow
def test_finds_planted_themes_and_is_deterministic():
    X, y, toks = blobs()
    a = ThemeModel(seed=1).fit(X, toks)
    ids, scores = a.transform(X)
    from sklearn.metrics import adjusted_rand_score

    assert adjusted_rand_score(y, ids) > 0.9
    assert (ids == OUTLIER).mean() <= 0.10
    b = ThemeModel(seed=1).fit(X, toks)
    assert np.array_equal(ids, b.transform(X)[0])
    assert [t.keywords for t in a.themes_] == [t.keywords for t in b.themes_]
    # each planted theme's words lead its keywords
    for t in a.themes_:
        members = y[ids == t.id]
        planted = np.bincount(members).argmax()
        assert set(t.keywords[0].split()) & set(WORDS[planted])


def test_codebook_themes_take_their_names():
    X, y, toks = blobs(n_per=15)
    cb = Codebook((
        CodebookTheme("tilskudd", "Tilskudd", "Penger", ("tilskudd",)),
        CodebookTheme("bosetting", "Bosetting", "Boliger", ("bosetting",)),
        CodebookTheme("norsk", "Norskopplæring", "Språk", ("norskopplæring",)),
    ))
    C = np.stack([X[y == k].mean(axis=0) for k in range(3)])
    C /= np.linalg.norm(C, axis=1, keepdims=True)
    m = ThemeModel(codebook=cb).fit(X, toks, C)
    ids, _ = m.transform(X)
    by_id = {t.id: t for t in m.themes_}
    for k, cid in enumerate(["tilskudd", "bosetting", "norsk"]):
        majority = np.bincount(ids[y == k][ids[y == k] >= 0]).argmax()
        assert by_id[majority].codebook_id == cid


def test_transform_never_leaves_more_than_the_cap_without_theme():
    rng = np.random.default_rng(3)
    X = rng.normal(size=(90, 8)).astype(np.float32)  # no structure at all
    X /= np.linalg.norm(X, axis=1, keepdims=True)
    m = ThemeModel(min_topic_size=5).fit(X, [["ord"]] * 90)
    ids, _ = m.transform(X)
    assert (ids == OUTLIER).mean() <= 0.10 + 1e-9


def test_labels_are_short_and_avoid_repeats():
    assert make_label(["tilskudd", "integreringstilskudd", "økonomi"]) == "Tilskudd og økonomi"
    assert make_label(["kontroll", "negativ sosial kontroll", "skole"]).startswith("Negativ sosial kontroll")
    assert make_label(["NAV", "praksisplass"]) == "NAV og praksisplass"
    assert make_label([]) == "Uten nøkkelord"
    assert distinct_keywords(["bolig", "boliger", "bosetting"], 2) == ["bolig", "bosetting"]


def test_quotes_are_diverse_and_distinct():
    rng = np.random.default_rng(0)
    base = rng.normal(size=8)
    X = np.stack([base + rng.normal(scale=0.3, size=8) for _ in range(12)]).astype(np.float32)
    X[1] = X[0]  # a near-copy of the most typical comment
    X /= np.linalg.norm(X, axis=1, keepdims=True)
    texts = [f"kommentar nummer {i} om bosetting av flyktninger i kommunen" for i in range(12)]
    texts[1] = texts[0].upper()
    picked = select_quotes(texts, X, np.arange(12), k=5)
    assert len(picked) == 5 and len(set(picked)) == 5
    assert not {0, 1} <= set(picked)


def test_keywords_belong_to_their_own_theme():
    """Regression: BERTopic renumbers topics by size, keywords must follow our theme ids."""
    X, y, toks = blobs(n_per=30)
    # make the planted sizes unequal so BERTopic's order differs from ours
    keep = np.r_[0:30, 30:45, 60:90]
    X, y, toks = X[keep], y[keep], [toks[i] for i in keep]
    m = ThemeModel(min_topic_size=5).fit(X, toks)
    ids, _ = m.transform(X)
    for t in m.themes_:
        planted = np.bincount(y[ids == t.id]).argmax()
        words = [w for kw in t.keywords[:3] for w in kw.split()]
        own = sum(w in WORDS[planted] for w in words)
        other = sum(any(w in WORDS[k] for k in WORDS if k != planted) for w in words)
        assert own >= 1 and other == 0, (t.id, t.keywords)


def test_distinct_terms_repeat_no_word_and_keep_whole_phrases():
    ranked = ["kontroll", "flyktningtjeneste", "negativ sosial", "flyktningtjenesten", "samarbeid flyktningtjeneste",
              "negativ sosial kontroll", "vold", "bolig"]
    assert distinct_terms(ranked, 4) == ["negativ sosial kontroll", "samarbeid flyktningtjeneste", "vold", "bolig"]
    assert distinct_terms(["emptydoc", "a", "b"], 1, skip=("emptydoc",)) == ["a"]


def test_umap_compiled_code_is_cached_on_disk():
    from numba.core.registry import CPUDispatcher

    from nlp.themes import numba_cache
    import umap.layouts

    assert numba_cache.enable() > 100
    assert numba_cache.enable() == numba_cache.enable()  # once per process
    jitted = [v for v in vars(umap.layouts).values() if isinstance(v, CPUDispatcher)]
    assert jitted and all(type(v._cache).__name__ != "NullCache" for v in jitted)


def test_cosine_umap_on_exact_distances_matches_umap_cosine_neighbours():
    from nlp.themes.cosine_umap import CosineUMAP

    X, y, _ = blobs(n_per=30)
    emb = CosineUMAP(n_neighbors=10, n_components=2, min_dist=0.0, random_state=0, n_jobs=1).fit_transform(X)
    assert emb.shape == (90, 2)
    from sklearn.metrics import adjusted_rand_score
    from sklearn.cluster import KMeans

    assert adjusted_rand_score(y, KMeans(3, n_init=10, random_state=0).fit_predict(emb)) > 0.95


def _present(docs):
    from sklearn.feature_extraction.text import CountVectorizer

    cv = CountVectorizer(tokenizer=str.split, token_pattern=None, lowercase=False, ngram_range=(1, 3))
    return (cv.fit_transform(docs) > 0).tocsr(), cv.get_feature_names_out()


def test_theme_keywords_name_one_theme_each_and_need_support():
    # "samarbeid" is in most comments of both themes (an inflection in theme 1), "engang" in one comment
    docs = (["samarbeid bolig bosetting"] * 6 + ["samarbeid bolig"] * 2 + ["bolig engang"]
            + ["samarbeidet tilskudd midler"] * 5 + ["tilskudd budsjett"] * 3)
    labels = np.array([0] * 9 + [1] * 8)
    present, vocab = _present(docs)
    kw = theme_keywords(present, labels, [0, 1], vocab, k=10)
    words = {t: [w for term, _ in kw[t] for w in term.split()] for t in kw}
    assert "bolig" in words[0] and "tilskudd" in words[1]
    assert "engang" not in words[0]  # used by 1 comment of 9
    shared = [w for w in words[0] if any(w.startswith(v[:6]) or v.startswith(w[:6]) for v in words[1])]
    assert shared == [], kw  # samarbeid / samarbeidet names one theme only
    assert all(0 < r <= 1 for t in kw for _, r in kw[t])


def test_theme_keywords_prefer_terms_that_occur_together():
    # theme 0: "bolig" leads; "vedtak" goes with it in the same comments, "flyktning" never does
    docs = (["bolig vedtak"] * 4 + ["bolig"] * 2 + ["flyktning"] * 4 + ["annet tema"] * 10)
    labels = np.array([0] * 10 + [1] * 10)
    present, vocab = _present(docs)
    kw = theme_keywords(present, labels, [0, 1], vocab, k=2)
    assert [t for t, _ in kw[0]][0] in ("bolig", "bolig vedtak")
    terms = [t for t, _ in kw[0]]
    assert "flyktning" not in terms[:1]

def test_a_theme_whose_words_are_all_taken_keeps_its_best_one():
    docs = ["bolig bosetting"] * 8 + ["bolig"] * 3
    labels = np.array([0] * 8 + [1] * 3)
    present, vocab = _present(docs)
    kw = theme_keywords(present, labels, [0, 1], vocab, k=5)
    assert "bolig" in [w for term, _ in kw[0] for w in term.split()]
    assert [t for t, _ in kw[1]] == ["bolig"]


def test_layout_epochs_follow_graph_size():
    # UMAP's rule (500 epochs small, 200 large) counted in edges: the sample (1,741) stays at 500
    assert adaptive_params(1741).n_epochs == 500
    assert adaptive_params(10_000).n_epochs == 200
    assert adaptive_params(4600).n_epochs == 200
    assert adaptive_params(4400).n_epochs == 500


def test_umap_runs_numba_on_sleeping_threads(tmp_path):
    """numba's OpenMP threads spun after a theme fit and slowed the encoder in the same process
    ~35x (benchmarks/bench_threads.py); the fit now runs numba on its workqueue layer."""
    import os
    import subprocess
    import sys

    code = ("import numpy as np, numba\n"
            "from nlp.themes.cosine_umap import CosineUMAP\n"
            "X = np.random.default_rng(0).normal(size=(120, 6)).astype(np.float32)\n"
            "CosineUMAP(n_neighbors=10, n_components=5, random_state=42, n_jobs=1).fit_transform(X)\n"
            "print(numba.threading_layer())\n")
    env = {k: v for k, v in os.environ.items() if k != "NUMBA_THREADING_LAYER"}
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, cwd=tmp_path,
                         check=True)
    assert out.stdout.strip().splitlines()[-1] == "workqueue"
