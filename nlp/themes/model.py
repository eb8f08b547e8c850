"""Themes in survey comments: BERTopic discovery, a codebook seed, and one assignment rule.

Discovery runs BERTopic (UMAP + HDBSCAN, sized to the number of comments) on the comment
embeddings, or, with a codebook, matches comments to the known themes first and lets BERTopic
find new themes among the rest. A multinomial logistic "head" is then fitted on the discovered
memberships and *is* the assignment rule: `analyze` and `tag` both label comments with
`transform`, so a saved model tags the file it was fitted on exactly as `analyze` did. The
final themes are represented by a BERTopic model fitted on that assignment (c-TF-IDF over
lemmas; keywords from `theme_keywords`), which is what gets saved with BERTopic's safetensors
serialization.
"""

from __future__ import annotations

import hashlib
import json
import logging
import math
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Sequence

import numpy as np

from nlp.themes.codebook import Codebook
from nlp.themes.codebook_match import match_codes
from nlp.schema import OUTLIER
from nlp.themes.bertopic_import import import_bertopic
from nlp.themes.blas import one_blas_thread
from nlp.themes.codes import calibrate_code_threshold, code_sets
from nlp.themes.cosine_umap import CosineUMAP
from nlp.themes.labels import make_label
from nlp.themes.keywords import theme_keywords

#: at most this share of comments is left without a theme, however diffuse the data
MAX_OUTLIER_SHARE = 0.10
HEAD_FILE = "head.safetensors"
THEMES_FILE = "themes.json"
BERTOPIC_DIR = "bertopic"
_EMPTY_DOC = "emptydoc"  # BERTopic's stand-in for a comment with no keyword tokens
#: weight of the lexical half against the (unit-length) embedding half when finding themes
LEXICAL_WEIGHT = 0.5


@dataclass
class Theme:
    id: int
    label: str
    keywords: list[str]
    codebook_id: str | None = None


@dataclass
class ThemeParams:
    """Settings resolved for one fit (recorded in the model's metadata)."""

    n_docs: int
    n_neighbors: int
    n_components: int
    min_cluster_size: int
    min_samples: int
    n_epochs: int


#: UMAP's threshold for a large dataset (10,000 points) times its default neighbour count (15)
LARGE_GRAPH_EDGES = 10_000 * 15


def adaptive_params(n_docs: int, min_topic_size: int | None = None, n_components: int = 5) -> ThemeParams:
    """Neighbourhood and cluster sizes that scale with the corpus.

    Fixed BERTopic defaults (15 neighbours, clusters of 10) give two giant themes on a few
    hundred comments and hundreds of micro-themes on tens of thousands; these grow slowly with n.
    """
    n = max(n_docs, 2)
    n_neighbors = int(np.clip(round(math.sqrt(n) / 2), 10, 50))
    mcs = min_topic_size or int(np.clip(round(0.65 * math.sqrt(n)), 5, 250))
    min_samples = max(2, mcs // 5)
    n_neighbors = min(n_neighbors, n - 1)
    # UMAP's own rule, 200 layout epochs for a large graph and 500 for a small one, counted in
    # edges: with neighbours growing with n, about 4,500 comments give the graph UMAP's defaults give
    # 10,000 points. On 10,000 NoReC sentences (loaded machine) analyze took 56 s instead of 84 s, NPMI -0.338
    # against -0.407 (held out -0.455 against -0.502).
    n_epochs = 200 if n * n_neighbors > LARGE_GRAPH_EDGES else 500
    return ThemeParams(n, n_neighbors, n_components, mcs, min_samples, n_epochs)


def _softmax(z: np.ndarray) -> np.ndarray:
    z = z - z.max(axis=1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=1, keepdims=True)


class ThemeModel:
    """Fit themes on comment embeddings and lemma tokens; assign themes to new comments.

    Parameters follow scikit-learn conventions; learned state ends in an underscore.
    """

    def __init__(
        self,
        *,
        min_topic_size: int | None = None,
        n_components: int = 5,
        max_outlier_share: float = MAX_OUTLIER_SHARE,
        min_score: float = 0.30,
        n_keywords: int = 10,
        codebook: Codebook | None = None,
        codebook_threshold: float = -0.5,
        seed_weight: float = 1.0,
        unsure_share: float = 0.4,
        head_c: float = 4.0,
        seed: int = 42,
    ) -> None:
        self.min_topic_size = min_topic_size
        self.n_components = n_components
        self.max_outlier_share = max_outlier_share
        self.min_score = min_score
        self.n_keywords = n_keywords
        self.codebook = codebook
        self.codebook_threshold = codebook_threshold
        self.seed_weight = seed_weight
        self.unsure_share = unsure_share
        self.head_c = head_c
        self.seed = seed

    # ------------------------------------------------------------------ fitting
    @one_blas_thread
    def fit(
        self,
        embeddings: np.ndarray,
        tokens: Sequence[Sequence[str]],
        codebook_embeddings: np.ndarray | None = None,
        sample_weight: np.ndarray | None = None,
    ) -> "ThemeModel":
        """Fit on substantive comments (non-answers and duplicates removed by the caller).

        `sample_weight`: how many comments each row stands for (its duplicates), so the cap on
        comments without a theme counts comments, not distinct texts."""
        X = np.asarray(embeddings, dtype=np.float32)
        if len(X) != len(tokens):
            raise ValueError("embeddings and tokens differ in length")
        if len(X) < 3:
            raise ValueError("at least 3 distinct substantive comments are needed to find themes")
        docs = [" ".join(t) for t in tokens]
        self.params_ = adaptive_params(len(X), self.min_topic_size, self.n_components)

        F = discovery_features(X, docs, self.seed)
        if self.codebook is not None:
            C = None if codebook_embeddings is None else np.asarray(codebook_embeddings, dtype=np.float32)
            if C is None or len(C) != len(self.codebook.themes) or C.ndim not in (2, 3):
                raise ValueError("codebook_embeddings must hold one or more vectors per codebook theme")
            labels, origin = self._discover_with_codebook(X, F, docs, C if C.ndim == 3 else C[:, None, :])
        else:
            labels = self._discover(F, docs)
            origin = {int(k): None for k in np.unique(labels) if k != OUTLIER}

        labels, origin = self._renumber(labels, origin)
        # what discovery found, per fitted comment (keyed by its vector): an edited codebook
        # re-assigns from these (nlp.themes.recode), so comments it does not concern stay put
        self.fit_keys_, self.fit_labels_ = vector_keys(X), labels.astype(np.int64)
        self._fit_head(X, labels, sample_weight)
        final = self.transform(X)[0]
        self.code_threshold_ = calibrate_code_threshold(self.predict_proba, X, final, self.topic_ids_, self.seed)
        self._represent(X, docs, final, origin)
        return self

    def _discover(self, X: np.ndarray, docs: list[str]) -> np.ndarray:
        """BERTopic with UMAP + HDBSCAN sized by `adaptive_params` on discovery features; -1 marks outliers."""
        BERTopic = import_bertopic()
        from hdbscan import HDBSCAN

        from nlp.themes import numba_cache
        numba_cache.enable()
        p = self.params_
        if len(X) < 3 * p.min_cluster_size:  # too few comments to find density: one theme
            return np.zeros(len(X), dtype=int)
        model = BERTopic(
            umap_model=CosineUMAP(
                n_neighbors=p.n_neighbors, n_components=p.n_components, min_dist=0.0,
                n_epochs=p.n_epochs, random_state=self.seed, n_jobs=1,
            ),
            hdbscan_model=HDBSCAN(
                min_cluster_size=p.min_cluster_size, min_samples=p.min_samples,
                metric="euclidean", cluster_selection_method="eom", prediction_data=False,
            ),
            vectorizer_model=_vectorizer(),
            calculate_probabilities=False,
            language="multilingual",  # "english" strips every non-ASCII letter (æ, ø, å)
        )
        topics, _ = model.fit_transform(docs, X)
        topics = np.asarray(topics)
        if (topics != OUTLIER).sum() == 0:
            return np.zeros(len(X), dtype=int)
        return topics

    def _discover_with_codebook(
        self, X: np.ndarray, F: np.ndarray, docs: list[str], C: np.ndarray
    ) -> tuple[np.ndarray, dict[int, str | None]]:
        """Match comments to the codebook, then let the matches teach a classifier (self-training).

        `C` holds one or more vectors per theme (its prompt, the centroid of its seed words). The
        first guess adds up the similarity to each of them (standardised per theme, since some
        prompts are close to everything) and the seed words found in the lemmas, compounds
        included ("tilskudd" in "integreringstilskudd"). The most clear-cut comments train a
        logistic regression on the discovery features (embeddings plus lexical view), whose
        predictions retrain it twice. Comments unlike every theme and without any seed word go to
        BERTopic to form new themes.
        """
        from sklearn.linear_model import LogisticRegression

        assert self.codebook is not None
        k = len(self.codebook.themes)
        origin: dict[int, str | None] = {j: t.id for j, t in enumerate(self.codebook.themes)}
        match = match_codes(X, docs, self.codebook, C)
        score = match.score(self.seed_weight)
        labels = score.argmax(axis=1)
        unlike = match.unlike(self.codebook_threshold)
        top2 = np.sort(score, axis=1)[:, -2:] if k > 1 else np.hstack([np.zeros((len(X), 1)), score])
        margin = top2[:, 1] - top2[:, 0]
        confident = (margin >= np.quantile(margin, self.unsure_share)) & ~unlike
        if k > 1 and len(np.unique(labels[confident])) > 1:
            for _ in range(3):
                clf = LogisticRegression(C=self.head_c, max_iter=2000, class_weight="balanced", random_state=self.seed)
                clf.fit(F[confident], labels[confident])
                labels = clf.classes_[clf.predict_proba(F).argmax(axis=1)]
        labels = np.where(unlike, OUTLIER, labels)

        rest = np.flatnonzero(unlike)
        if len(rest) >= 3 * self.params_.min_cluster_size:
            found = self._discover(F[rest], [docs[i] for i in rest])
            for c in np.unique(found):
                if c == OUTLIER:
                    continue
                labels[rest[found == c]] = k + c
                origin[int(k + c)] = None
        return labels, origin

    @staticmethod
    def _renumber(labels: np.ndarray, origin: dict[int, str | None]) -> tuple[np.ndarray, dict[int, str | None]]:
        """Theme ids 0..k-1 by decreasing size (outliers stay -1); drop empty codebook themes."""
        kept = [k for k in np.unique(labels) if k != OUTLIER]
        kept.sort(key=lambda k: (-int((labels == k).sum()), k))
        mapping = {old: new for new, old in enumerate(kept)}
        out = np.array([mapping.get(k, OUTLIER) for k in labels], dtype=int)
        return out, {mapping[k]: origin.get(k) for k in kept}

    def _fit_head(self, X: np.ndarray, labels: np.ndarray, sample_weight: np.ndarray | None = None) -> None:
        from sklearn.linear_model import LogisticRegression

        members = labels != OUTLIER
        classes = np.unique(labels[members])
        self.topic_ids_ = classes.astype(int)
        if len(classes) == 1:
            self.coef_ = np.zeros((1, X.shape[1]), dtype=np.float32)
            self.intercept_ = np.zeros(1, dtype=np.float32)
            self.threshold_ = 0.0
            return
        head = LogisticRegression(C=self.head_c, max_iter=2000, class_weight="balanced", random_state=self.seed)
        head.fit(X[members], labels[members])
        self.coef_ = head.coef_.astype(np.float32)
        self.intercept_ = head.intercept_.astype(np.float32)
        best = self.predict_proba(X).max(axis=1)
        # Never leave more than max_outlier_share without a theme, however diffuse the data. The
        # comment whose score set the quantile must stay above it whichever batch scores it later
        # (float32 products differ in the last bits with the batch's shape): hence the 1e-6.
        self.threshold_ = float(min(self.min_score, _weighted_quantile(best, self.max_outlier_share, sample_weight)) - 1e-6)

    def _represent(
        self, X: np.ndarray, docs: list[str], labels: np.ndarray, origin: dict[int, str | None]
    ) -> None:
        """Fit the saved BERTopic on the final assignment: c-TF-IDF labels, distinct keywords, topic vectors."""
        BERTopic = import_bertopic()
        from bertopic.cluster import BaseCluster
        from bertopic.dimensionality import BaseDimensionalityReduction
        from bertopic.vectorizers import ClassTfidfTransformer

        self.bertopic_ = BERTopic(
            umap_model=BaseDimensionalityReduction(),
            hdbscan_model=BaseCluster(),
            vectorizer_model=_vectorizer(),
            ctfidf_model=ClassTfidfTransformer(reduce_frequent_words=True),
            top_n_words=self.n_keywords,
            language="multilingual",
        )
        self.bertopic_.fit(docs, X, y=labels)
        names = {t.id: t.name for t in self.codebook.themes} if self.codebook else {}
        # BERTopic renumbers topics by size when fitted with y; map our ids to its ids.
        fitted = np.asarray(self.bertopic_.topics_)
        ours_to_bertopic = {int(k): int(fitted[labels == k][0]) for k in np.unique(labels)}
        vocab = self.bertopic_.vectorizer_model.get_feature_names_out()
        present = (self.bertopic_.vectorizer_model.transform(docs) > 0).tocsr()
        picked = theme_keywords(present, labels, [int(k) for k in self.topic_ids_], vocab, self.n_keywords,
                                skip=(_EMPTY_DOC,))
        self.themes_: list[Theme] = []
        for k in self.topic_ids_:
            bt = ours_to_bertopic.get(int(k))
            topic = self.bertopic_.get_topic(bt) if bt is not None else None
            top = [w for w, _ in (topic or []) if w and w != _EMPTY_DOC]
            words = [w for w, _ in picked[int(k)]] if bt is not None else []
            if bt is not None:
                self.bertopic_.topic_representations_[bt] = picked[int(k)]
            cb = origin.get(int(k))
            label = names[cb] if cb else make_label(top)
            self.themes_.append(Theme(int(k), label, words, cb))

    # --------------------------------------------------------------- assigning
    @property
    def dim(self) -> int:
        """The embedding size the assignment head takes."""
        return int(self.coef_.shape[1])

    def predict_proba(self, embeddings: np.ndarray) -> np.ndarray:
        """Per theme; with the analyst's corrections (`corrections_`, nlp.themes.corrections), by the head they refitted."""
        X = np.asarray(embeddings, dtype=np.float32)
        if len(self.topic_ids_) == 1:
            return np.ones((len(X), 1), dtype=np.float32)
        corrections = getattr(self, "corrections_", None)
        if corrections is not None and corrections.coef is not None:
            return _softmax(X @ corrections.coef.T + corrections.intercept)
        z = X @ self.coef_.T + self.intercept_
        if z.shape[1] == 1:  # binary logistic regression stores one row
            z = np.hstack([-z, z]) / 2
        return _softmax(z)

    def transform(self, embeddings: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Theme id (or -1 when no theme is likely enough) and its probability, per comment."""
        proba = self.predict_proba(embeddings)
        best = proba.argmax(axis=1)
        score = proba[np.arange(len(proba)), best]
        ids = np.where(score >= self.threshold_, self.topic_ids_[best], OUTLIER)
        return ids.astype(int), score.astype(np.float32)

    def transform_codes(self, embeddings: np.ndarray) -> list[list[int]]:
        """Every theme of each comment, primary first (`transform`'s id); none without a primary."""
        primary = self.transform(embeddings)[0]
        return code_sets(self.predict_proba(embeddings), self.topic_ids_, primary, self.code_threshold_)

    def fit_transform(self, embeddings, tokens, codebook_embeddings=None):
        return self.fit(embeddings, tokens, codebook_embeddings).transform(embeddings)

    # ------------------------------------------------------------ persistence
    def save(self, folder: str | Path) -> None:
        """Arrays in safetensors, themes in JSON, BERTopic in its own safetensors form: never pickle."""
        from safetensors.numpy import save_file

        folder = Path(folder)
        folder.mkdir(parents=True, exist_ok=True)
        if getattr(self, "bertopic_", None) is not None:
            # BERTopic warns that no embedding model is saved: by design, the encoder is recorded by name
            log = logging.getLogger("BERTopic")
            level = log.level
            log.setLevel(logging.ERROR)
            try:
                self.bertopic_.save(str(folder / BERTOPIC_DIR), serialization="safetensors", save_ctfidf=True,
                                    save_embedding_model=False)
            finally:
                log.setLevel(level)
        arrays = {"coef": np.ascontiguousarray(self.coef_, dtype=np.float32),
                  "intercept": np.ascontiguousarray(self.intercept_, dtype=np.float32),
                  "topic_ids": np.ascontiguousarray(self.topic_ids_, dtype=np.int64)}
        if getattr(self, "fit_keys_", None) is not None:
            arrays |= {"fit_keys": np.ascontiguousarray(self.fit_keys_, dtype=np.uint64),
                       "fit_labels": np.ascontiguousarray(self.fit_labels_, dtype=np.int64)}
        save_file(arrays, str(folder / HEAD_FILE))
        doc = {"threshold": float(self.threshold_), "code_threshold": float(self.code_threshold_),
               "themes": [asdict(t) for t in self.themes_]}
        (folder / THEMES_FILE).write_text(json.dumps(doc, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")

    @classmethod
    def load(cls, folder: str | Path) -> "ThemeModel":
        """The fitted assignment (head and themes), exactly as saved; ValueError says what does not fit.

        BERTopic's folder is kept for inspection but not loaded: assigning needs only the head."""
        from safetensors import SafetensorError
        from safetensors.numpy import load_file

        folder = Path(folder)
        try:
            head = load_file(str(folder / HEAD_FILE))
        except (OSError, SafetensorError) as exc:
            raise ValueError(f"{HEAD_FILE}: {exc}") from None
        try:
            doc = json.loads((folder / THEMES_FILE).read_text(encoding="utf-8"))
            themes = [Theme(**t) for t in doc["themes"]]
            threshold = float(doc["threshold"])
            model = cls()
            model.topic_ids_ = head["topic_ids"].astype(int)
            model.coef_, model.intercept_ = head["coef"], head["intercept"]
            model.fit_keys_, model.fit_labels_ = head.get("fit_keys"), head.get("fit_labels")
        except FileNotFoundError:
            raise ValueError(f"{THEMES_FILE} is missing") from None
        except (OSError, UnicodeDecodeError, json.JSONDecodeError, KeyError, TypeError, ValueError) as exc:
            raise ValueError(f"{THEMES_FILE}: {type(exc).__name__}: {exc}") from None
        model.threshold_, model.themes_ = threshold, themes
        model.code_threshold_ = float(doc.get("code_threshold", 1.0))  # 1.0: one code per comment
        problem = model._head_problem()
        if problem:
            raise ValueError(f"{HEAD_FILE}: {problem}")
        return model

    def _head_problem(self) -> str | None:
        """The head's arrays must fit each other and the themes (k themes: k x dim, or 1 x dim for 2)."""
        ids, coef, intercept = self.topic_ids_, self.coef_, self.intercept_
        k = len(self.themes_)
        rows = 1 if k <= 2 else k
        if ids.ndim != 1 or sorted(ids.tolist()) != sorted(t.id for t in self.themes_):
            return f"topic_ids {list(ids.shape)} do not match the {k} themes in {THEMES_FILE}"
        if coef.ndim != 2 or coef.shape[0] != rows or coef.shape[1] < 1:
            return f"coef has shape {list(coef.shape)}, expected [{rows}, dim] for {k} themes"
        if intercept.shape != (rows,):
            return f"intercept has shape {list(intercept.shape)}, expected [{rows}]"
        if not (np.isfinite(coef).all() and np.isfinite(intercept).all()):
            return "the head holds NaN or infinite values"
        keys, labels = getattr(self, "fit_keys_", None), getattr(self, "fit_labels_", None)
        if (keys is None) != (labels is None) or (keys is not None and (
                keys.ndim != 1 or labels.shape != keys.shape
                or not set(labels.tolist()) <= {OUTLIER, *(int(t) for t in ids)})):
            return "fit_keys and fit_labels do not fit each other or the themes"
        return None



def vector_keys(X: np.ndarray) -> np.ndarray:
    """A 64-bit key per vector (a text's vector is the same in any batch, so it keys the text)."""
    X = np.ascontiguousarray(X, dtype=np.float32)
    return np.array([int.from_bytes(hashlib.sha256(row.tobytes()).digest()[:8], "little") for row in X],
                    dtype=np.uint64)


def _weighted_quantile(values: np.ndarray, q: float, weight: np.ndarray | None) -> float:
    """The largest value with at most a share q of the total weight strictly below it."""
    if weight is None:
        return float(np.quantile(values, q))
    order = np.argsort(values, kind="stable")
    v, w = values[order], np.asarray(weight, dtype=float)[order]
    below = np.concatenate([[0.0], np.cumsum(w)[:-1]]) / w.sum()
    return float(v[np.flatnonzero(below <= q)[-1]])


def _vectorizer():
    from sklearn.feature_extraction.text import CountVectorizer

    # BERTopic fits this on one joined document per topic, so min_df counts topics, not
    # comments: anything above 1 would drop exactly the words specific to one theme.
    return CountVectorizer(tokenizer=str.split, token_pattern=None, lowercase=False, ngram_range=(1, 3))


def discovery_features(
    X: np.ndarray, docs: Sequence[str], seed: int, n_components: int = 100, lexical_weight: float = LEXICAL_WEIGHT
) -> np.ndarray:
    """Embeddings side by side with a compact lexical view (char n-grams of the keyword lemmas).

    Sentence embeddings of short survey comments mix topic with tone and style; the lexical
    half pulls comments that share content words (and compounds of them) together. Used only to
    find themes; assignment uses the embeddings alone.
    """
    from sklearn.decomposition import TruncatedSVD
    from sklearn.feature_extraction.text import TfidfVectorizer

    if len(docs) < 20:
        return X
    try:
        tfidf = TfidfVectorizer(analyzer="char_wb", ngram_range=(4, 6), min_df=3, sublinear_tf=True,
                                max_features=20000).fit_transform(docs)
    except ValueError:  # no n-gram occurs three times
        return X
    dims = min(n_components, tfidf.shape[1] - 1, len(docs) - 1)
    if dims < 2:
        return X
    lex = TruncatedSVD(dims, random_state=seed).fit_transform(tfidf)
    lex /= np.linalg.norm(lex, axis=1, keepdims=True) + 1e-9
    F = np.hstack([X, lexical_weight * lex]).astype(np.float32)
    return F / (np.linalg.norm(F, axis=1, keepdims=True) + 1e-9)


__all__ = ["ThemeModel", "Theme", "ThemeParams", "adaptive_params", "discovery_features"]
