"""From a loaded survey to tagged comments and themes: the path `analyze`, `tag` and the app share.

Every comment passes once through cleaning, the Norwegian pipeline, redaction, embedding and
sentiment (`prepare`); `analyze` then fits themes on the substantive comments and `tag`
applies a saved model. Both return an `Analysis` with one row per input row, in input order.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

import numpy as np
import pandas as pd

from nlp.clean import Cleaned, clean
from nlp.themes.codebook import Codebook
from nlp.themes.edits import Edits
from nlp.embed.encoders import EmbeddingCache, embed, get_encoder
from nlp.errors import InputError, ModelError
from nlp.io import Survey
from nlp.runs.model_store import SavedModel, fingerprint
from nlp.pipeline.spacy_pipeline import PipelineRef
from nlp.report.rating_drivers import theme_drivers
from nlp.progress import Progress, for_stage, silent
from nlp.themes.quotes import select_quotes
from nlp.privacy.redacted import redact_comments
from nlp.sentiment.model import LABELS as SENTIMENT_LABELS
from nlp.sentiment.bundled import DEFAULT_MODEL, saved_sentiment_model
from nlp.sentiment.model import SentimentModel, SentimentResult
from nlp.schema import (
    CODE_SENTIMENT, ID, QUESTION, TEXT, NONANSWER, NONANSWER_LABEL, OUTLIER, OUTLIER_LABEL, TOPIC_ID, Analysis,
    ThemeInfo,
)
from nlp.themes.code_sentiment import carry_over, code_sentiment_column
from nlp.themes.membership import code_columns, code_names, membership_columns, membership_matrix
from nlp.themes.model import MAX_OUTLIER_SHARE, ThemeModel
from nlp.themes.per_question import ID_STEP, QuestionThemeModels, shift_ids

@dataclass
class AnalyzeOptions:
    codebook: Codebook | None = None
    encoder: str | None = None
    pipeline: str | None = None
    seed: int = 42
    min_topic_size: int | None = None
    keep_original: bool = False
    n_quotes: int = 5
    device: str | None = None       # for PyTorch encoders: cpu (default), cuda, auto
    rating_scale: tuple[float, float] | None = None  # default: inferred (1-5, 1-7 or 0-10)
    per_question: bool = False  # wide surveys: themes of each question's own
    sentiment_model: str | None = None  # a folder or bundled name (default: DEFAULT_MODEL, fine-tuned)


@dataclass
class Prepared:
    """The per-comment layer computed once and shared by themes, sentiment and outputs."""

    cleaned: Cleaned
    safe_text: list[str]            # cleaned text with personal data replaced by placeholders
    redacted_spans: list[int]       # number of redacted spans per comment
    tokens: list[list[str]]         # keyword lemmas (never names)
    embeddings: np.ndarray          # rows for non-answers are zero
    sentiment: SentimentResult
    encoder_name: str               # the vectors' identity (model and engine)
    encoder_model: str              # the model's identity: engines of one model are interchangeable
    pipeline_name: str
    sentiment_model: SentimentModel | None = None  # the model that scored them, reused per code (loaded once)


def prepare(survey: Survey, options: AnalyzeOptions, progress: Progress = silent) -> Prepared:
    texts = survey.frame["text"].tolist()
    progress("Rensing", 0, 1)
    cleaned = clean(texts)
    progress("Rensing", 1, 1)

    progress("Språkanalyse", 0, 1)
    pipeline = PipelineRef(options.pipeline)
    redacted = redact_comments(cleaned.text, cleaned.variety, pipeline, for_stage(progress, "Språkanalyse"))
    progress("Anonymisering", 1, 1)
    safe = [r.text for r in redacted]
    tokens = [list(r.tokens) for r in redacted]

    encoder = get_encoder(options.encoder, options.device)
    substantive = np.flatnonzero(~np.asarray(cleaned.is_nonanswer, dtype=bool))
    embeddings = np.zeros((len(texts), encoder.dim), dtype=np.float32)
    progress("Embedding", 0, max(len(substantive), 1))
    if len(substantive):
        embeddings[substantive] = embed(
            [safe[i] for i in substantive], encoder, EmbeddingCache.default(), for_stage(progress, "Embedding")
        )
    progress("Embedding", max(len(substantive), 1), max(len(substantive), 1))

    progress("Sentiment", 0, 1)
    model = SentimentModel.load(options.sentiment_model)
    finetuned = None
    if model.finetuned_ is not None:  # its logits are cached like vectors, and from redacted text too
        finetuned = np.zeros((len(texts), model.finetuned_.dim), dtype=np.float32)
        if len(substantive):
            finetuned[substantive] = embed([safe[i] for i in substantive], model.finetuned_,
                                           EmbeddingCache.default(), for_stage(progress, "Sentiment"))
    sentiment = model.predict(cleaned.text, embeddings, nonanswer=cleaned.is_nonanswer, finetuned=finetuned)
    progress("Sentiment", 1, 1)
    return Prepared(
        cleaned=cleaned, safe_text=safe, redacted_spans=[r.n_redacted for r in redacted],
        tokens=tokens, embeddings=embeddings, sentiment=sentiment,
        encoder_name=encoder.name, encoder_model=encoder.model, pipeline_name=pipeline.name,
        sentiment_model=model,
    )


def embed_codebook(codebook: Codebook, encoder) -> np.ndarray:
    """Two vectors per theme, shape (themes, 2, dim): its prompt and the centroid of its seed words.

    The prompt carries the description; the seed centroid keeps one long description from
    drowning out the words analysts actually chose.
    """
    cache = EmbeddingCache.default()
    prompts = embed([t.prompt() for t in codebook.themes], encoder, cache)
    seeds = embed([s for t in codebook.themes for s in t.seeds], encoder, cache) if any(
        t.seeds for t in codebook.themes) else np.zeros((0, prompts.shape[1]), dtype=np.float32)
    out, start = np.empty((len(prompts), 2, prompts.shape[1]), dtype=np.float32), 0
    for j, theme in enumerate(codebook.themes):
        n = len(theme.seeds)
        centroid = seeds[start:start + n].mean(axis=0) if n else prompts[j]
        start += n
        out[j, 0], out[j, 1] = prompts[j], centroid / (np.linalg.norm(centroid) + 1e-9)
    return out


def analyze(survey: Survey, options: AnalyzeOptions | None = None, progress: Progress = silent) -> Analysis:
    """Fit themes on a survey round and tag every comment."""
    options = options or AnalyzeOptions()
    prep = prepare(survey, options, progress)
    fit_rows = distinct_fit_rows(prep)
    with_words = sum(1 for i in fit_rows if prep.tokens[i])
    if with_words < 3:  # a theme needs words: with none there is no vocabulary to describe it
        letterless = int((_letterless(prep) & ~np.asarray(prep.cleaned.is_nonanswer, dtype=bool)).sum())
        raise InputError(
            f"{survey.source}: only {with_words} distinct substantive comments with content words in column "
            f"'{survey.text_column}'" + (f" ({letterless} hold only numbers or symbols)" if letterless else "")
            + "; at least 3 are needed to find themes"
        )
    codebook_vectors = None
    if options.codebook is not None:
        codebook_vectors = embed_codebook(options.codebook, get_encoder(options.encoder, options.device))
    progress("Temaer", 0, 1)
    if options.per_question and survey.wide:
        question = survey.frame[QUESTION].to_numpy()
        models = {}
        for k, q in enumerate(survey.questions, start=1):
            rows = fit_rows[question[fit_rows] == q]
            if sum(1 for i in rows if prep.tokens[i]) < 3:
                raise InputError(f"{survey.source}: question '{q}' has fewer than 3 distinct substantive answers "
                                 "with content words, too few for themes of its own; leave out --per-question")
            models[q] = shift_ids(_fit_themes(prep, rows, question == q, options, codebook_vectors), k * ID_STEP)
        model = QuestionThemeModels(models)
        params = {q: vars(m.params_) for q, m in models.items()}
    else:
        model = _fit_themes(prep, fit_rows, np.ones(len(prep.safe_text), bool), options, codebook_vectors)
        params = vars(model.params_)
    progress("Temaer", 1, 1)
    metadata = run_metadata(survey, prep, options, params)
    return with_drivers(assemble(survey, prep, model, Edits(), metadata, options, with_quotes=True), survey, options)


def run_metadata(survey: Survey, prep: Prepared, options: AnalyzeOptions, params: dict) -> dict:
    """What a run records about how it was made: engines, settings and the input's identity."""
    return {
        "encoder": prep.encoder_model,
        "encoder_engine": prep.encoder_name,
        "encoder_spec": options.encoder,
        "pipeline": prep.pipeline_name,
        "pipeline_spec": options.pipeline,
        "sentiment_spec": options.sentiment_model or DEFAULT_MODEL,
        "embedding_dim": int(prep.embeddings.shape[1]),
        "parameters": {
            "seed": options.seed, "min_topic_size": options.min_topic_size,
            "codebook": options.codebook.to_dict() if options.codebook else None,
            "per_question": bool(options.per_question and survey.wide),
            **({"questions": params} if options.per_question and survey.wide else params),
        },
        "input": {
            "source": survey.source, "rows": len(survey.frame),
            "fingerprint": fingerprint(survey.frame["id"].tolist(), survey.frame["text"].tolist()),
            "text_column": survey.text_column, "id_column": survey.id_column,
            "group_columns": survey.group_columns,
            **({"questions": survey.questions, "respondents": survey.respondents,
                "blank_answers": survey.blank_answers} if survey.wide else {}),
            "rating_column": survey.rating_column,
        },
    }


def with_drivers(result: Analysis, survey: Survey, options: AnalyzeOptions) -> Analysis:
    """With a rating column: how each theme moves the mean rating (recorded in the metadata)."""
    if survey.ratings is not None:
        result.ratings = survey.ratings
        result.drivers, check = theme_drivers(result.comments, survey.respondent_column, survey.ratings,
                                              survey.rating_column, [(t.id, t.label) for t in result.themes],
                                              options.rating_scale)
        result.metadata["rating"] = {"column": survey.rating_column, "scale": list(check.scale),
                                     "scale_inferred": check.scale_inferred, "respondents": len(check.values),
                                     "valid": check.valid, "left_out": check.left_out, "message": check.message}
    return result


def _fit_themes(prep: Prepared, fit_rows: np.ndarray, scope: np.ndarray, options: AnalyzeOptions,
                codebook_vectors: np.ndarray | None) -> ThemeModel:
    """One theme model on ``fit_rows``; ``scope`` marks the rows (of all) whose comments it stands for."""
    weight, share = outlier_budget(prep, fit_rows, MAX_OUTLIER_SHARE, scope)
    model = ThemeModel(min_topic_size=options.min_topic_size, codebook=options.codebook, seed=options.seed,
                       max_outlier_share=share)
    return model.fit(prep.embeddings[fit_rows], [prep.tokens[i] for i in fit_rows], codebook_vectors,
                     sample_weight=weight)


def tag(survey: Survey, saved: SavedModel, options: AnalyzeOptions | None = None,
        progress: Progress = silent) -> Analysis:
    """Tag a new round with a saved model's themes (and the analyst's edits)."""
    options = follow_saved(options or AnalyzeOptions(), saved)
    if isinstance(saved.model, QuestionThemeModels):  # before the slow part
        fitted = list(saved.model.models)
        unknown = [q for q in (survey.questions or [survey.text_column]) if q not in fitted]
        if unknown:
            raise InputError(f"{survey.source}: the model has no themes for question '{unknown[0]}' (it has themes "
                             f"per question, fitted on: {', '.join(repr(q) for q in fitted)})")
    prep = prepare(survey, options, progress)
    check_encoder(saved, prep)
    return assemble(survey, prep, saved.model, saved.edits, saved.metadata, options, with_quotes=False)


def follow_saved(options: AnalyzeOptions, saved: SavedModel) -> AnalyzeOptions:
    """Unless given, the encoder, pipeline and sentiment model the saved run was analysed with, so a
    new round is read as that one was."""
    options.encoder = options.encoder or saved.metadata.get("encoder_spec")
    options.pipeline = options.pipeline or saved.metadata.get("pipeline_spec")
    options.sentiment_model = options.sentiment_model or saved_sentiment_model(saved.metadata)
    return options


def check_encoder(saved: SavedModel, prep: Prepared) -> None:
    """ModelError unless the vectors come from the encoder the saved model was fitted with."""
    if prep.encoder_model != saved.metadata.get("encoder"):
        raise ModelError(
            f"model was fitted with encoder {saved.metadata.get('encoder')!r} but this run uses "
            f"{prep.encoder_model!r}; themes would not match"
        )
    if saved.model.dim != prep.embeddings.shape[1]:
        raise ModelError(
            f"model's assignment head takes {saved.model.dim} dimensions but encoder "
            f"{prep.encoder_name!r} gives {prep.embeddings.shape[1]}; refit it with `fritekst analyze`"
        )


def distinct_fit_rows(prep: Prepared) -> np.ndarray:
    """Substantive comments with a letter, each distinct text once (duplicates would fake dense
    themes; a comment of only numbers or symbols has nothing to find a theme in).

    The rows come in an order set by the texts alone (a hash), with the same representative of
    each set of duplicates whatever the row order: UMAP's layout depends on the order of its
    input, and the same comments must give the same themes however a file is sorted or shaped
    (long or wide)."""
    groups: dict[str, list[int]] = {}
    letterless = _letterless(prep)
    for i, (text, nonanswer) in enumerate(zip(prep.safe_text, prep.cleaned.is_nonanswer)):
        if not (nonanswer or letterless[i]):
            groups.setdefault(text.lower(), []).append(i)
    rows = [min(members, key=lambda i: prep.safe_text[i]) for members in groups.values()]
    rows.sort(key=lambda i: hashlib.sha256(prep.safe_text[i].lower().encode("utf-8")).digest())
    return np.asarray(rows, dtype=int)


def outlier_budget(prep: Prepared, fit_rows: np.ndarray, cap: float,
                    scope: np.ndarray) -> tuple[np.ndarray, float]:
    """Weights (comments per fitted text) and the share of them that may go without a theme, so
    that at most `cap` of the substantive comments in ``scope`` do, numbers-only comments (never themed) included."""
    substantive = ~np.asarray(prep.cleaned.is_nonanswer, dtype=bool) & scope
    letterless = _letterless(prep) & substantive
    row_of = {prep.safe_text[i].lower(): k for k, i in enumerate(fit_rows)}
    weight = np.zeros(len(fit_rows))
    for i in np.flatnonzero(substantive & ~letterless):
        k = row_of.get(prep.safe_text[i].lower())
        if k is not None:
            weight[k] += 1
    allowed = cap * substantive.sum() - letterless.sum()
    return weight, float(max(0.0, allowed) / max(weight.sum(), 1.0))


def _letterless(prep: Prepared) -> np.ndarray:
    """Comments of only numbers, punctuation or symbols ("12345", "3,5", "7/10"), as typed."""
    return np.array([not any(ch.isalpha() for ch in t) for t in prep.cleaned.text], dtype=bool)


def assemble(
    survey: Survey, prep: Prepared, model: ThemeModel, edits: Edits, metadata: dict,
    options: AnalyzeOptions, with_quotes: bool,
) -> Analysis:
    n = len(survey.frame)
    nonanswer = np.asarray(prep.cleaned.is_nonanswer, dtype=bool)
    topic_id = np.full(n, NONANSWER, dtype=int)
    score = np.zeros(n, dtype=np.float32)
    letterless = _letterless(prep)
    sub = np.flatnonzero(~nonanswer & ~letterless)
    topic_id[~nonanswer & letterless] = OUTLIER  # kept, without a theme: nothing to assign it by
    fitted_codes: list[list[int]] = [[] for _ in range(n)]
    if len(sub):
        if isinstance(model, QuestionThemeModels):
            questions = survey.frame[QUESTION].to_numpy() if survey.wide else np.full(n, survey.text_column, object)
            ids, sc = model.transform(prep.embeddings[sub], questions[sub])
            found = model.transform_codes(prep.embeddings[sub], questions[sub])
        else:
            ids, sc = model.transform(prep.embeddings[sub])
            found = model.transform_codes(prep.embeddings[sub])
        topic_id[sub], score[sub] = ids, sc
        for i, codes in zip(sub, found):
            fitted_codes[i] = codes
    fitted_sentiment = _code_sentiment(survey, prep, model, fitted_codes, options)
    # the app keys moves and code changes by the shown (redacted) text
    topic_id, code_sets = edits.apply_codes(topic_id, fitted_codes, prep.safe_text)
    code_sentiment = [carry_over(f, cell, c, label, edits.target) if cell else ""
                      for f, cell, c, label in zip(fitted_codes, fitted_sentiment, code_sets, prep.sentiment.label)]

    labels = {t.id: edits.label(t.id, t.label) for t in model.themes_ if edits.target(t.id) == t.id}
    label_of = {**labels, OUTLIER: OUTLIER_LABEL, NONANSWER: NONANSWER_LABEL}

    frame = pd.DataFrame({"id": survey.frame["id"].astype(str)})
    if options.keep_original:
        frame["original_text"] = survey.frame["text"].values
    frame["text"] = prep.safe_text
    frame["is_nonanswer"] = nonanswer
    frame["is_duplicate"] = np.asarray(prep.cleaned.is_duplicate, dtype=bool)
    frame["variety"] = prep.cleaned.variety
    frame[TOPIC_ID] = topic_id
    frame["topic_label"] = [label_of.get(int(t), OUTLIER_LABEL) for t in topic_id]
    frame["topic_score"] = np.round(score, 4)
    for col, values in code_columns(code_sets, code_names(model.themes_)).items():
        frame[col] = values
    frame[CODE_SENTIMENT] = code_sentiment
    frame["sentiment"] = prep.sentiment.label
    frame["sentiment_score"] = np.round(prep.sentiment.score, 4)
    for j, lab in enumerate(SENTIMENT_LABELS):
        frame[f"p_{lab}"] = np.round(prep.sentiment.proba[:, j], 4)
    frame["redacted"] = np.asarray(prep.redacted_spans) > 0
    for col in survey.frame.columns.drop([ID, TEXT]):  # respondent, question, groups, the rest
        frame[col] = survey.frame[col].values
    for col, values in membership_columns(code_sets, list(labels.items())).items():  # every code counts
        frame[col] = values

    substantive = max(int((~nonanswer).sum()), 1)
    inside = membership_matrix(code_sets, list(labels)).astype(bool)
    position = {tid: j for j, tid in enumerate(labels)}
    themes: list[ThemeInfo] = []
    for t in model.themes_:
        if t.id not in labels:
            continue
        members = np.flatnonzero(inside[:, position[t.id]])
        quote_ids: list[str] = []
        if with_quotes:
            picked = select_quotes(prep.safe_text, prep.embeddings, _distinct(members, prep.safe_text),
                                   k=options.n_quotes)
            quote_ids = frame["id"].iloc[picked].tolist()
        themes.append(ThemeInfo(t.id, labels[t.id], list(t.keywords), len(members),
                                len(members) / substantive, quote_ids, t.codebook_id))
    themes.sort(key=lambda th: (-th.size, th.id))
    return Analysis(frame, themes, model, edits, metadata)


def _code_sentiment(survey: Survey, prep: Prepared, model, code_sets: list[list[int]],
                    options: AnalyzeOptions) -> list[str]:
    """Each code's sentiment where a comment's codes sit in different clauses (`nlp.themes.code_sentiment`)."""
    if not any(len(c) >= 2 for c in code_sets):
        return [""] * len(code_sets)
    encoder = get_encoder(options.encoder, options.device)
    models = getattr(model, "models", None)  # per-question themes: each row's question has its own
    questions = (survey.frame[QUESTION].to_numpy() if survey.wide else
                 np.full(len(code_sets), survey.text_column, object)) if models else None

    def proba(vectors: np.ndarray, rows: list[int]) -> tuple[np.ndarray, list[int]]:
        if not models:
            return model.predict_proba(vectors), [int(t) for t in model.topic_ids_]
        ids = [int(t) for m in models.values() for t in m.topic_ids_]
        out, start = np.zeros((len(vectors), len(ids)), np.float32), 0
        for question, m in models.items():
            k = len(m.topic_ids_)
            mine = np.flatnonzero(questions[rows] == question)
            if len(mine):
                out[np.ix_(mine, np.arange(start, start + k))] = m.predict_proba(vectors[mine])
            start += k
        return out, ids

    scorer = prep.sentiment_model or SentimentModel.load(options.sentiment_model)
    cache = EmbeddingCache.default()
    return code_sentiment_column(prep.safe_text, code_sets, prep.sentiment.label, proba,
                                 lambda texts: embed(texts, encoder, cache), scorer,
                                 (lambda texts: embed(texts, scorer.finetuned_, cache)) if scorer.finetuned_ is not None else None)


def _distinct(rows: np.ndarray, texts: list[str]) -> np.ndarray:
    seen: set[str] = set()
    keep = []
    for i in rows:
        key = texts[i].lower()
        if key not in seen:
            seen.add(key)
            keep.append(i)
    return np.asarray(keep, dtype=int)
