"""Load the Norwegian spaCy pipeline and annotate comments with lemmas, UPOS, names and sentences.

The bundled pipeline (`models/norsk_pipeline`, Bokmål and Nynorsk in one model) is the default.
It shares one tok2vec, sentence segmenter and NER between the varieties and has a tagging and
lemmatizing head pair for each: the Bokmål pair is enabled (what plain `spacy.load` runs), the
Nynorsk pair (`*_nn`) is run instead for texts detected or declared as Nynorsk. Other pipelines
(e.g. `nb_core_news_sm`) ignore the variety. An installed spaCy package or any folder
can be chosen by name or path, or with the `FRITEKST_PIPELINE` environment variable. Annotations
hold the unredacted words and are not written to disk (`nlp.privacy.redacted` caches what survives
redaction); benchmarks on public corpora may pass an explicit `AnnotationCache`.
"""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import closing
from dataclasses import asdict, dataclass
from functools import cached_property, lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from nlp.errors import ModelError
from nlp.paths import models_dir
from nlp.progress import StepCallback

if TYPE_CHECKING:  # spaCy (and through thinc, torch) is imported only when a pipeline loads:
    from spacy.language import Language  # a rerun whose comments are all cached never needs it
    from spacy.tokens import Doc

DEFAULT_PIPELINE = "norsk_pipeline"
ENV_VAR = "FRITEKST_PIPELINE"

#: suffix of the Nynorsk head components in a pipeline that has per-variety heads
NN_SUFFIX = "_nn"
VARIETIES = ("nb", "nn")

#: longest piece of text given to spaCy at once; longer comments are split at whitespace
MAX_CHUNK_CHARS = 100_000


class PipelineError(ModelError):
    """The pipeline folder is missing or damaged, or the name is not an installed spaCy package."""


@dataclass(frozen=True)
class Annotation:
    """One comment's annotation; whitespace-only tokens are left out of the word columns."""

    text: str
    words: tuple[str, ...]
    idx: tuple[int, ...]
    lemmas: tuple[str, ...]
    pos: tuple[str, ...]
    ents: tuple[tuple[int, int, str], ...]
    sents: tuple[tuple[int, int], ...]

    def to_json(self) -> str:
        d = asdict(self)
        del d["text"]
        return json.dumps(d, ensure_ascii=False, separators=(",", ":"))

    @classmethod
    def from_json(cls, text: str, value: str) -> Annotation:
        d = json.loads(value)
        return cls(
            text=text,
            words=tuple(d["words"]),
            idx=tuple(d["idx"]),
            lemmas=tuple(d["lemmas"]),
            pos=tuple(d["pos"]),
            ents=tuple((int(s), int(e), str(lab)) for s, e, lab in d["ents"]),
            sents=tuple((int(s), int(e)) for s, e in d["sents"]),
        )


# --------------------------------------------------------------------------- loading


def _looks_like_path(name: str) -> bool:
    return os.sep in name or "/" in name or name.startswith(".") or name.startswith("~")


def _load_folder(path: Path, label: str) -> Language:
    if not path.is_dir():
        raise PipelineError(
            f"spaCy pipeline folder not found: {path} ({label}). Retrain it with "
            "`python -m training.pipeline.train` or choose an installed model by name."
        )
    if not (path / "config.cfg").is_file() or not (path / "meta.json").is_file():
        raise PipelineError(f"spaCy pipeline folder {path} is damaged: config.cfg or meta.json is missing")
    spacy = _spacy()
    try:
        return spacy.load(path)
    except Exception as exc:  # spaCy raises OSError, ValueError, KeyError, config errors...
        raise PipelineError(f"spaCy pipeline folder {path} is damaged or incompatible: {type(exc).__name__}: {exc}") from exc


def _spacy():
    import spacy

    from nlp.pipeline import compounds, full_stops, name_mentions  # noqa: F401  (register fritekst's components)

    return spacy


@lru_cache(maxsize=8)
def _load_cached(key: str, kind: str) -> Language:
    if kind == "folder":
        return _load_folder(Path(key), "the bundled default pipeline")
    path = Path(key).expanduser()
    if path.exists() or _looks_like_path(key):
        return _load_folder(path, f"given as {key!r}")
    spacy = _spacy()
    if not spacy.util.is_package(key):
        raise PipelineError(
            f"unknown spaCy pipeline {key!r}: not a folder and not an installed spaCy package "
            f"(install it, e.g. `python -m spacy download {key}`, or give a folder path)"
        )
    try:
        return spacy.load(key)
    except Exception as exc:
        raise PipelineError(f"installed spaCy pipeline {key!r} could not be loaded: {exc}") from exc


def _resolve(name_or_path: str | None) -> tuple[str, str]:
    """(key, kind) for `_load_cached`: the bundled default, a folder, or an installed package name."""
    if name_or_path is None or name_or_path == "":
        name_or_path = os.environ.get(ENV_VAR) or None
    if name_or_path is None:
        return str((models_dir() / DEFAULT_PIPELINE).resolve()), "folder"
    name_or_path = str(name_or_path)
    if not Path(name_or_path).expanduser().exists() and not _looks_like_path(name_or_path):
        bundled = models_dir() / name_or_path
        if bundled.is_dir():
            return str(bundled.resolve()), "path"
        return name_or_path, "name"
    return str(Path(name_or_path).expanduser().resolve()), "path"


def load_pipeline(name_or_path: str | None = None) -> Language:
    """None -> $FRITEKST_PIPELINE or the bundled default; a folder path; or an installed package name.

    A bare name that is a folder under `models_dir()` loads that bundled folder. Loaded pipelines
    are cached per resolved name or path.
    """
    return _load_cached(*_resolve(name_or_path))


class PipelineRef:
    """A pipeline named but not yet loaded: its identity comes from its meta.json, and spaCy is
    loaded only when a comment must be annotated (a rerun whose comments are all cached never does)."""

    def __init__(self, name_or_path: str | None = None) -> None:
        self.key, self.kind = _resolve(name_or_path)

    @cached_property
    def nlp(self) -> Language:
        return _load_cached(self.key, self.kind)

    @cached_property
    def meta(self) -> dict:
        meta_file = Path(self.key) / "meta.json"
        if self.kind != "name" and meta_file.is_file():
            import srsly  # spaCy reads meta.json with it (its float parsing is part of the identity)

            return srsly.read_json(meta_file)  # what spacy.load puts in nlp.meta
        return self.nlp.meta

    @property
    def id(self) -> str:
        return meta_id(self.meta)

    @property
    def folder(self) -> str | None:
        """The pipeline's folder, known without loading it (None for an installed package)."""
        return None if self.kind == "name" else self.key

    @property
    def has_variety_heads(self) -> bool:
        """`has_variety_heads` read from the meta, without loading the pipeline."""
        names = self.meta.get("components") or self.meta.get("pipeline") or []
        return any(n.endswith(NN_SUFFIX) and n[: -len(NN_SUFFIX)] in names for n in names)

    @property
    def name(self) -> str:
        """lang_name-version, as model metadata records it."""
        return f"{self.meta.get('lang', '?')}_{self.meta.get('name', '?')}-{self.meta.get('version', '?')}"


def pipeline_id(nlp: Language) -> str:
    """Identity for the cache: name, version and a hash of the meta (changes on retraining)."""
    return meta_id(nlp.meta)


def meta_id(meta: dict) -> str:
    digest = hashlib.sha256(json.dumps(meta, sort_keys=True, default=str).encode()).hexdigest()[:16]
    return f"{meta.get('lang', '?')}_{meta.get('name', 'pipeline')}-{meta.get('version', '0')}-{digest}"


# --------------------------------------------------------------------------- annotation


def has_variety_heads(nlp: Language) -> bool:
    """True when the pipeline has Nynorsk heads (`*_nn`) beside its default (Bokmål) ones."""
    return any(n.endswith(NN_SUFFIX) and n[: -len(NN_SUFFIX)] in nlp.component_names for n in nlp.component_names)


def _components(nlp: Language, variety: str | None = None) -> list[tuple[str, object]]:
    """Components to run, in order: everything enabled, a senter instead of a parser when there is
    one, and for Nynorsk the `*_nn` heads in place of the default ones."""
    names = list(nlp.pipe_names)
    has_senter = "senter" in nlp.component_names
    if has_senter and "parser" in names:
        names.remove("parser")
        if "senter" not in names:
            names.append("senter")
    names = [n for n in names if not n.endswith(NN_SUFFIX)]
    if variety == "nn":
        names = [n + NN_SUFFIX if n + NN_SUFFIX in nlp.component_names else n for n in names]
    order = {n: i for i, n in enumerate(nlp.component_names)}
    base = {n: order[n[: -len(NN_SUFFIX)]] if n.endswith(NN_SUFFIX) else order[n] for n in names}
    procs = [(n, nlp.get_pipe(n)) for n in sorted(names, key=base.__getitem__)]
    if not has_senter and "parser" not in names and "sentencizer" not in names:
        procs.append(("sentencizer", nlp.create_pipe("sentencizer")))
    return procs


def process(nlp: Language, docs: Iterable[Doc], variety: str | None = None, batch_size: int = 64) -> Iterator[Doc]:
    """Docs through `_components` lazily, in order.

    `map` binds each component as it is chained; a generator expression would look the loop
    variable up only when consumed, running the last component in place of every plain function.
    """
    out: Iterator[Doc] = iter(docs)
    for _, proc in _components(nlp, variety):
        out = proc.pipe(out, batch_size=batch_size) if hasattr(proc, "pipe") else map(proc, out)
    return out


def _chunks(text: str, limit: int = MAX_CHUNK_CHARS) -> list[tuple[int, str]]:
    """Split very long text at whitespace into pieces of at most `limit` characters."""
    if len(text) <= limit:
        return [(0, text)]
    out, start = [], 0
    while start < len(text):
        end = min(start + limit, len(text))
        if end < len(text):
            cut = max(text.rfind("\n", start, end), text.rfind(" ", start, end))
            if cut > start:
                end = cut + 1
        out.append((start, text[start:end]))
        start = end
    return out


def _doc_columns(doc: Doc, offset: int) -> dict[str, list]:
    words, idx, lemmas, pos = [], [], [], []
    for tok in doc:
        if tok.is_space:
            continue
        words.append(tok.text)
        idx.append(tok.idx + offset)
        lemmas.append(tok.lemma_ or tok.text)
        pos.append(tok.pos_)
    ents = [(e.start_char + offset, e.end_char + offset, e.label_) for e in doc.ents]
    sents = []
    if doc.has_annotation("SENT_START") or len(doc) == 0:
        for s in doc.sents if len(doc) else []:
            toks = [t for t in s if not t.is_space]
            if toks:
                sents.append((toks[0].idx + offset, toks[-1].idx + len(toks[-1].text) + offset))
    return {"words": words, "idx": idx, "lemmas": lemmas, "pos": pos, "ents": ents, "sents": sents}


def _run(nlp: Language, texts: Sequence[str], batch_size: int, on_step: Callable[[int], None] | None,
         variety: str | None = None) -> list[Annotation]:
    pieces = [(i, off, chunk) for i, t in enumerate(texts) for off, chunk in _chunks(t)]
    docs = process(nlp, (nlp.make_doc(chunk) for _, _, chunk in pieces), variety, batch_size)
    cols: list[dict[str, list]] = [
        {"words": [], "idx": [], "lemmas": [], "pos": [], "ents": [], "sents": []} for _ in texts
    ]
    for n, ((i, off, _), doc) in enumerate(zip(pieces, docs), start=1):
        for k, v in _doc_columns(doc, off).items():
            cols[i][k].extend(v)
        if on_step is not None and (n % 64 == 0 or n == len(pieces)):
            on_step(i + 1)
    return [
        Annotation(
            text=t,
            words=tuple(c["words"]),
            idx=tuple(c["idx"]),
            lemmas=tuple(c["lemmas"]),
            pos=tuple(c["pos"]),
            ents=tuple(tuple(e) for e in c["ents"]),
            sents=tuple(tuple(s) for s in c["sents"]),
        )
        for t, c in zip(texts, cols)
    ]


#: below this many texts to annotate a second process costs more than it saves (it imports spaCy
#: and loads the pipeline, ~3 s, mostly while this process does the same); above it the texts are
#: split over two processes
PARALLEL_MIN_TEXTS = 1000
#: texts the child annotates while this process is still starting: this process imports spaCy and,
#: through thinc, torch (which the embedding stage needs next), ~1 s more than the child, which
#: blocks torch; at ~3.5 ms a comment on 2 Zen 4 cores the child takes half plus these, so both
#: finish about together. Measured on the sample's first 1,500 rows, spaCy stage (s): child +300:
#: 4.3 / 4.4; even split: 4.4 / 4.7 / 5.3; this process +200: 4.8 / 5.5 / 5.4; +700: 5.6 / 5.9.
CHILD_HEAD_START_TEXTS = 300


def _run_all(source: Language | PipelineRef, jobs: list[tuple[str | None, list[str]]], batch_size: int,
             on_step: Callable[[int], None] | None) -> list[list[Annotation]]:
    """Annotations for each (variety, texts) job; with two or more cores, the second half of every
    job's texts (plus a head start, `CHILD_HEAD_START_TEXTS`) in a second process.

    spaCy runs on one core, and it is the longest stage of a cold `analyze` after embedding (34 of
    106 s of `tag` on 10,000 comments). The split is by position, so the same input is always
    split the same way. The child is a plain `python -m nlp.pipeline.annotate_worker` fed over a
    pipe (not multiprocessing, which re-imports the caller's main script, and not a file: the
    texts are not yet redacted); it loads the pipeline from its folder. Pipelines without one
    (built in memory) run here, and so does the second half if the child fails. Given a
    `PipelineRef` with a folder, the child starts first and both load the pipeline at once.
    """
    total = sum(len(texts) for _, texts in jobs)
    split = total >= PARALLEL_MIN_TEXTS and _cpu_count() >= 2
    path = source.folder if isinstance(source, PipelineRef) else None
    if split and path is None:
        nlp = source.nlp if isinstance(source, PipelineRef) else source
        path = None if nlp.path is None else str(nlp.path)
    split = split and path is not None
    share = min(0.9, (total + CHILD_HEAD_START_TEXTS) / 2 / total) if split else 0.0  # the child's share of each job
    cut = [len(texts) - round(share * len(texts)) for _, texts in jobs]
    halves = [(v, texts[:c], texts[c:]) for (v, texts), c in zip(jobs, cut)]
    mine_total = sum(cut)
    child = None
    if mine_total < total:
        child = _Child(path, [(v, second) for v, _, second in halves], batch_size)
    nlp = source.nlp if isinstance(source, PipelineRef) else source
    mine, offset = [], 0
    for v, first, _ in halves:  # progress: this process's part stands for the whole
        step = None if on_step is None else (
            lambda n, o=offset: on_step(min(total, (o + n) * total // max(mine_total, 1))))
        mine.append(_run(nlp, first, batch_size, step, v) if first else [])
        offset += len(first)
    if child is None:
        return mine
    theirs = child.result()
    if theirs is None:  # the child failed: lose nothing, annotate its half here
        theirs = [_run(nlp, second, batch_size, None, v) if second else [] for v, _, second in halves]
    return [a + b for a, b in zip(mine, theirs)]


class _Child:
    """`nlp.pipeline.annotate_worker` in a second process; `result()` waits for its annotations."""

    def __init__(self, path: str, jobs: list[tuple[str | None, list[str]]], batch_size: int) -> None:
        import subprocess
        import sys
        import threading

        self.jobs = jobs
        env = {**os.environ, "PYTHONPATH": os.pathsep.join(p for p in sys.path if p)}
        self.proc = subprocess.Popen([sys.executable, "-m", "nlp.pipeline.annotate_worker"], env=env,
                                     stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        payload = json.dumps({"path": path, "batch_size": batch_size, "jobs": jobs}, ensure_ascii=False)
        self.out: tuple[bytes, bytes] = (b"", b"")
        self.thread = threading.Thread(target=self._talk, args=(payload.encode("utf-8"),), daemon=True)
        self.thread.start()

    def _talk(self, payload: bytes) -> None:
        self.out = self.proc.communicate(payload)

    def result(self) -> list[list[Annotation]] | None:
        self.thread.join()
        if self.proc.returncode != 0:
            import logging

            logging.getLogger(__name__).warning(
                "second spaCy process failed (exit %s); annotating its half here: %s",
                self.proc.returncode, self.out[1].decode("utf-8", "replace")[-500:])
            return None
        values = json.loads(self.out[0])
        return [[Annotation.from_json(t, v) for t, v in zip(texts, vals)] for (_, texts), vals in zip(self.jobs, values)]


def _cpu_count() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)


class AnnotationCache:
    """SQLite store of annotations keyed by (pipeline id, sha256 of the text).

    Annotations hold every word of the text, names included, so the product never uses this:
    only benchmarks and tests on public corpora pass one to `annotate` explicitly.
    """

    def __init__(self, path: Path):
        self.path = Path(path)

    def _connect(self) -> sqlite3.Connection:
        if str(self.path) != ":memory:":
            from nlp.cache import private_file

            private_file(self.path)
        con = sqlite3.connect(self.path, timeout=30)
        con.execute("CREATE TABLE IF NOT EXISTS annotations (pipeline TEXT, sha TEXT, value TEXT, PRIMARY KEY (pipeline, sha))")
        return con

    @staticmethod
    def key(text: str) -> str:
        return hashlib.sha256(text.encode("utf-8")).hexdigest()

    def get_many(self, pipeline: str, texts: Sequence[str]) -> dict[str, Annotation]:
        found: dict[str, Annotation] = {}
        by_key = {self.key(t): t for t in texts}
        keys = list(by_key)
        with closing(self._connect()) as con:
            for i in range(0, len(keys), 500):
                part = keys[i : i + 500]
                q = f"SELECT sha, value FROM annotations WHERE pipeline = ? AND sha IN ({','.join('?' * len(part))})"
                for sha, value in con.execute(q, [pipeline, *part]):
                    text = by_key[sha]
                    found[text] = Annotation.from_json(text, value)
        return found

    def put_many(self, pipeline: str, annotations: Iterable[Annotation]) -> None:
        rows = [(pipeline, self.key(a.text), a.to_json()) for a in annotations]
        with closing(self._connect()) as con, con:
            con.executemany("INSERT OR REPLACE INTO annotations VALUES (?, ?, ?)", rows)


def annotate(
    texts: Sequence[str],
    nlp: Language | PipelineRef | None = None,
    *,
    batch_size: int = 256,
    on_step: StepCallback | None = None,
    varieties: Sequence[str] | None = None,
    cache: AnnotationCache | None = None,
) -> list[Annotation]:
    """Annotate texts (deduplicated; cached only in an explicit `cache`); one Annotation per text, in order.

    `varieties` ("nb"/"nn" per text) picks the Bokmål or Nynorsk heads of the bundled pipeline;
    when None each text's variety is detected (`nlp.clean.detect_variety`). Pipelines without
    per-variety heads ignore it. `on_step(done, total)` reports texts analysed (cache hits
    excluded), so the app and terminal can show a real bar for this slow stage. Given a
    `PipelineRef`, a second process (see `_run_all`) starts before this one loads the pipeline.
    """
    if nlp is None:
        nlp = load_pipeline()
    texts = [t if isinstance(t, str) else "" if t is None else str(t) for t in texts]
    if varieties is not None and len(varieties) != len(texts):
        raise ValueError(f"{len(varieties)} varieties for {len(texts)} texts")
    ref = nlp if isinstance(nlp, PipelineRef) else None
    pid = ref.id if ref is not None else pipeline_id(nlp)
    if ref.has_variety_heads if ref is not None else has_variety_heads(nlp):
        if varieties is None:
            from nlp.clean import detect_variety

            varieties = [detect_variety(t) for t in texts]
        for v in set(varieties):
            if v not in VARIETIES:
                raise ValueError(f"unknown variety {v!r}; expected one of {VARIETIES}")
        keys = list(zip(varieties, texts))
    else:
        keys = [(None, t) for t in texts]
    done: dict[tuple[str | None, str], Annotation] = {}
    work: list[tuple[str | None, str, dict[str, Annotation], list[str]]] = []
    for v in dict.fromkeys(k[0] for k in keys):
        vid = pid if v is None else f"{pid}:{v}"
        unique = list(dict.fromkeys(t for kv, t in keys if kv == v))
        found = cache.get_many(vid, unique) if cache is not None else {}
        work.append((v, vid, found, [t for t in unique if t not in found]))
    total = sum(len(todo) for *_, todo in work)
    new = _run_all(nlp, [(v, todo) for v, _, _, todo in work], batch_size,
                   None if on_step is None else (lambda n: on_step(n, total)))
    for (v, vid, found, todo), annotations in zip(work, new):
        if cache is not None and annotations:
            cache.put_many(vid, annotations)
        found.update((a.text, a) for a in annotations)
        done.update(((v, t), a) for t, a in found.items())
    if on_step is not None:
        on_step(total, total)
    return [done[k] for k in keys]
