"""The bundled Norwegian pipeline: loading, tokenizer exceptions, tagging, annotate() and eval."""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
import sys

import pytest
import spacy

from nlp.pipeline import spacy_pipeline as pl
from nlp.pipeline.spacy_pipeline import (
    DEFAULT_PIPELINE,
    Annotation,
    AnnotationCache,
    PipelineError,
    annotate,
    _components,
    has_variety_heads,
    load_pipeline,
)
from nlp.paths import models_dir

REQUIRED_ABBREVIATIONS = ["bl.a.", "f.eks.", "ca.", "jf.", "mv.", "nr.", "kr.", "o.l.", "dvs.", "evt."]

NB_COMMENT = "Vi har bl.a. fått flere flyktninger i kommunen. Ola Nordmann jobber med bosetting av familiene."
NN_COMMENT = "Kommunen har teke imot fleire flyktningar i år. Kari Nordmann arbeider med busetjinga av familiane."


@pytest.fixture(scope="session")
def nlp():
    return load_pipeline()


@pytest.fixture()
def cache(tmp_path):
    return AnnotationCache(tmp_path / "ann.sqlite")


def test_bundled_model_loads_with_plain_spacy_and_keeps_abbreviations():
    # plain spacy.load, no fritekst callback involved: exceptions live in the tokenizer file
    raw = spacy.load(models_dir() / DEFAULT_PIPELINE, exclude=["ner", "senter"])
    for abbr in REQUIRED_ABBREVIATIONS:
        doc = raw.make_doc(f"Det gjelder {abbr} alle")
        assert [t.text for t in doc] == ["Det", "gjelder", abbr, "alle"], abbr
    # capitalised at sentence start and Nynorsk ones
    assert [t.text for t in raw.make_doc("F.eks. t.d. m.a. osb.")] == ["F.eks.", "t.d.", "m.a.", "osb."]


def test_words_before_a_full_stop_are_not_abbreviations():
    raw = spacy.load(models_dir() / DEFAULT_PIPELINE, exclude=["ner", "senter"])
    # spaCy's list had these as abbreviations: a Nynorsk sentence ending "eg." lost its full stop
    for text, words in [("Det veit eg.", ["Det", "veit", "eg", "."]),
                        ("Vi har det travelt no.", ["Vi", "har", "det", "travelt", "no", "."]),
                        ("Han bur i Bergen med mor min.", ["Han", "bur", "i", "Bergen", "med", "mor", "min", "."]),
                        ("Det er ikkje gjort i.", ["Det", "er", "ikkje", "gjort", "i", "."]),
                        ("Spør Frp. Dei veit.", ["Spør", "Frp", ".", "Dei", "veit", "."]),
                        ("Kontakt (IMDi): ja", ["Kontakt", "(", "IMDi", ")", ":", "ja"])]:
        assert [t.text for t in raw.make_doc(text)] == words, text
    # fritekst's own abbreviations stay whole, also at the end of a sentence
    assert [t.text for t in raw.make_doc("Det kostar 40 kr. Vi betaler mv.")] == [
        "Det", "kostar", "40", "kr.", "Vi", "betaler", "mv."]


@pytest.mark.parametrize("text, words", [
    ("Vi starta i 2006. Då var det få.", ["Vi", "starta", "i", "2006", ".", "Då", "var", "det", "få", "."]),
    ("Vi fekk 15.000.", ["Vi", "fekk", "15.000", "."]),
    ("Møtet er 5. mai og 17. Mai.", ["Møtet", "er", "5.", "mai", "og", "17.", "Mai", "."]),
    ("Han kom på 3. plass.", ["Han", "kom", "på", "3.", "plass", "."]),
])
def test_a_full_stop_after_a_number_ends_the_sentence_before_a_capital_or_the_end(nlp, text, words):
    from nlp.pipeline.full_stops import split_number_full_stops

    doc = split_number_full_stops(nlp.make_doc(text))
    assert [t.text for t in doc] == words
    assert doc.text == text


def test_plain_spacy_load_finds_fritekst_components_without_importing_fritekst():
    # a fresh interpreter that never imports nlp: the components come from the entry points
    code = ("import sys, spacy; nlp = spacy.load(sys.argv[1]); "
            "doc = nlp('Kari Nordmann bor i Bergen. Nordmann jobber i NAV.'); "
            "print('|'.join(f'{e.text}/{e.label_}' for e in doc.ents))")
    run = subprocess.run([sys.executable, "-c", code, str(models_dir() / DEFAULT_PIPELINE)],
                         capture_output=True, text=True, timeout=120, cwd="/")
    assert run.returncode == 0, run.stderr[-2000:]
    # the name-mention rule ran: the lone surname is the person
    assert "Nordmann/PER" in run.stdout.strip().split("|")


def test_bokmaal_comment_lemmas_pos_and_person(nlp):
    (a,) = annotate([NB_COMMENT], nlp, cache=AnnotationCache(":memory:"))
    lem = dict(zip(a.words, a.lemmas))
    assert lem["flyktninger"] == "flyktning"
    assert lem["kommunen"] == "kommune"
    assert lem["fått"] == "få"
    assert lem["familiene"] == "familie"
    assert dict(zip(a.words, a.pos))["jobber"] == "VERB"
    assert (NB_COMMENT.index("Ola"), NB_COMMENT.index(" jobber"), "PER") in a.ents
    assert len(a.sents) == 2


def test_nynorsk_comment_lemmas_and_person(nlp):
    (a,) = annotate([NN_COMMENT], nlp, cache=AnnotationCache(":memory:"))
    lem = dict(zip(a.words, a.lemmas))
    assert lem["flyktningar"] == "flyktning"
    assert lem["fleire"] in {"fleire", "mange"}
    assert lem["teke"] == "ta"
    assert lem["familiane"] == "familie"
    assert (NN_COMMENT.index("Kari"), NN_COMMENT.index(" arbeider"), "PER") in a.ents


def test_variety_heads_pick_bokmaal_or_nynorsk_lemmas(nlp, cache):
    assert has_variety_heads(nlp)
    # plain spaCy runs the Bokmål heads only
    raw = spacy.load(models_dir() / DEFAULT_PIPELINE)
    assert raw.pipe_names == ["fritekst_number_full_stops", "tok2vec", "morphologizer", "trainable_lemmatizer", "ner",
                              "fritekst_name_mentions", "senter", "fritekst_compound_lemmas"]
    # each variety has an encoder of its own; a Nynorsk text runs the *_nn ones in their place
    assert {"tok2vec_nn", "morphologizer_nn", "trainable_lemmatizer_nn", "senter_nn"} <= set(raw.disabled)
    assert [n for n, _ in _components(nlp, "nn")] == ["fritekst_number_full_stops", "tok2vec_nn", "morphologizer_nn",
                                                       "trainable_lemmatizer_nn",
                                                       "ner", "fritekst_name_mentions", "senter_nn",
                                                       "fritekst_compound_lemmas"]
    text = "Dei er heilt einige, og vi er ikke det."
    nb, nn = annotate([text, text], nlp, varieties=["nb", "nn"], cache=cache)
    er_nb = [lem for w, lem in zip(nb.words, nb.lemmas) if w == "er"]
    er_nn = [lem for w, lem in zip(nn.words, nn.lemmas) if w == "er"]
    assert er_nb == ["være", "være"] and er_nn == ["vere", "vere"]
    # detected per text when not given
    (auto,) = annotate(["Eg er ikkje sikker på kva kommunen gjer."], nlp, cache=cache)
    assert dict(zip(auto.words, auto.lemmas))["er"] == "vere"
    with pytest.raises(ValueError):
        annotate(["x"], nlp, varieties=["da"], cache=cache)


def test_annotate_offsets_dedup_empty_and_cache(nlp, cache):
    texts = ["Eg bur i Bergen.", "", "Eg bur i Bergen.", "Hei  på\n\ndeg"]
    out = annotate(texts, nlp, cache=cache)
    assert [a.text for a in out] == texts
    assert out[1] == Annotation("", (), (), (), (), (), ())
    for a in out:
        assert all(a.text[i : i + len(w)] == w for w, i in zip(a.words, a.idx))
    assert out[3].words == ("Hei", "på", "deg")  # whitespace tokens left out
    with sqlite3.connect(cache.path) as con:
        assert con.execute("SELECT COUNT(*) FROM annotations").fetchone()[0] == 3  # deduplicated
    again = annotate(texts, nlp, cache=cache)
    assert again == out


def test_cache_hit_does_not_run_the_pipeline(nlp, cache, monkeypatch):
    annotate(["Ein kort kommentar."], nlp, cache=cache)

    def boom(*a, **k):
        raise AssertionError("pipeline ran on a cached text")

    monkeypatch.setattr(pl, "_run", boom)
    assert annotate(["Ein kort kommentar."], nlp, cache=cache)[0].words[0] == "Ein"


def test_long_text_is_chunked_with_correct_offsets(nlp, monkeypatch):
    monkeypatch.setattr(pl, "MAX_CHUNK_CHARS", 50)
    text = " ".join(["Ola bor i Oslo."] * 12)
    (a,) = pl._run(nlp, [text], 16, None)
    assert len(a.words) == 12 * 5
    assert all(text[i : i + len(w)] == w for w, i in zip(a.words, a.idx))
    chunks = pl._chunks(text, 50)
    assert "".join(c for _, c in chunks) == text and all(len(c) <= 50 for _, c in chunks)


def test_annotate_works_with_a_blank_language(cache):
    blank = spacy.blank("nb")
    (a,) = annotate(["Hei. Dette er to setninger."], blank, cache=cache)
    assert a.words[:2] == ("Hei", ".") and len(a.sents) == 2 and a.ents == ()


def test_missing_damaged_and_unknown_models(tmp_path, monkeypatch):
    with pytest.raises(PipelineError, match="not found"):
        load_pipeline(str(tmp_path / "nope"))
    broken = tmp_path / "broken"
    shutil.copytree(models_dir() / DEFAULT_PIPELINE, broken)
    shutil.rmtree(broken / "ner")
    with pytest.raises(PipelineError, match="damaged"):
        load_pipeline(str(broken))
    (broken / "meta.json").unlink()
    with pytest.raises(PipelineError, match="damaged"):
        load_pipeline(str(broken))
    with pytest.raises(PipelineError, match="unknown spaCy pipeline"):
        load_pipeline("xx_no_such_model_sm")
    monkeypatch.setenv("FRITEKST_MODELS", str(tmp_path / "empty"))
    monkeypatch.delenv("FRITEKST_PIPELINE", raising=False)
    with pytest.raises(PipelineError, match="not found"):
        load_pipeline()


def _install_fake_spacy_package(site, name: str = "nb_fritekst_testpkg") -> str:
    """Lay out a pipeline as `pip install` lays out nb_core_news_*: a package whose `load()`
    reads the data folder next to it, and a dist-info folder so spaCy sees it as installed."""
    pkg = site / name
    pkg.mkdir(parents=True)
    blank = spacy.blank("nb")
    blank.add_pipe("sentencizer")
    ruler = blank.add_pipe("entity_ruler")
    ruler.add_patterns([{"label": "PER", "pattern": "Kari Nordmann"}])
    blank.meta.update({"name": name.split("_", 1)[1], "version": "0.0.1"})
    blank.to_disk(pkg / f"{name}-0.0.1")
    (pkg / "meta.json").write_text(json.dumps(blank.meta))
    (pkg / "__init__.py").write_text("from spacy.util import load_model_from_init_py\n\n"
                                     "def load(**overrides):\n"
                                     "    return load_model_from_init_py(__file__, **overrides)\n")
    info = site / f"{name}-0.0.1.dist-info"
    info.mkdir()
    (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {name}\nVersion: 0.0.1\n")
    return name


def test_an_installed_spacy_package_is_used_by_name(tmp_path):
    name = _install_fake_spacy_package(tmp_path)
    code = ("import sys; from nlp.pipeline.spacy_pipeline import annotate, load_pipeline, AnnotationCache; "
            "nlp = load_pipeline(sys.argv[1]); "
            "(a,) = annotate(['Kari Nordmann ringte. Ho var nøgd.'], nlp, cache=AnnotationCache(':memory:')); "
            "print(nlp.meta['name'], len(a.sents), a.ents)")
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(tmp_path), os.environ.get("PYTHONPATH", "")])}
    run = subprocess.run([sys.executable, "-c", code, name], capture_output=True, text=True, timeout=120, env=env)
    assert run.returncode == 0, run.stderr[-2000:]
    assert run.stdout.split() == ["fritekst_testpkg", "2", "((0,", "13,", "'PER'),)"]


def test_env_var_overrides_default(monkeypatch):
    path = str(models_dir() / DEFAULT_PIPELINE)
    monkeypatch.setenv("FRITEKST_PIPELINE", path)
    assert load_pipeline() is load_pipeline(path)


CONLLU = """\
# text = Ola Nordmann bor i Oslo.
1	Ola	Ola	PROPN	_	_	3	nsubj	_	name=B-PER
2	Nordmann	Nordmann	PROPN	_	_	1	flat:name	_	name=I-PER
3	bor	bo	VERB	_	Mood=Ind|Tense=Pres|VerbForm=Fin	0	root	_	_
4	i	i	ADP	_	_	5	case	_	name=O
5	Oslo	Oslo	PROPN	_	_	3	obl	_	SpaceAfter=No|name=B-GPE_LOC
6	.	$.	PUNCT	_	_	3	punct	_	name=O

# text = Eg likar det.
1	Eg	eg	PRON	_	Animacy=Hum|Case=Nom|Number=Sing|Person=1|PronType=Prs	2	nsubj	_	name=O
2	likar	like	VERB	_	Mood=Ind|Tense=Pres|VerbForm=Fin	0	root	_	name=O
3	det	det	PRON	_	Gender=Neut|Number=Sing|Person=3|PronType=Prs	2	obj	_	SpaceAfter=No|name=O
4	.	$.	PUNCT	_	_	2	punct	_	name=O

"""


def test_eval_pipeline_cli_prints_scores(tmp_path, capsys):
    from nlp.cli import main

    f = tmp_path / "tiny.conllu"
    f.write_text(CONLLU, encoding="utf-8")
    assert main(["eval", "pipeline", "--conllu", str(f)]) == 0
    res = json.loads(capsys.readouterr().out)
    for key in ("upos", "morph", "lemma", "sents_f", "ents_p", "ents_r", "ents_f", "ents_per_type", "words_per_second"):
        assert key in res
    assert res["words"] == 10 and res["sentences"] == 2
    assert 0 <= res["upos"] <= 100 and res["lemma"] > 50


def test_eval_pipeline_bad_file(tmp_path, capsys):
    from nlp.cli import main

    f = tmp_path / "bad.conllu"
    f.write_text("1\tfoo\n\n", encoding="utf-8")
    assert main(["eval", "pipeline", "--conllu", str(f)]) == 2
    assert "CoNLL-U" in capsys.readouterr().err


def test_annotate_reports_progress_over_uncached_texts(nlp, cache):
    annotate(["Ein kort kommentar."], nlp, cache=cache)
    steps = []
    texts = ["Ein kort kommentar.", "Kommunen gjer ein god jobb.", "Vi har god dialog med NAV.", "Det går bra."]
    annotate(texts, nlp, cache=cache, varieties=["nn", "nn", "nb", "nb"], on_step=lambda d, t: steps.append((d, t)))
    assert steps[-1] == (3, 3)  # the cached text is not counted
    assert [d for d, _ in steps] == sorted(d for d, _ in steps)


def test_unseen_compounds_get_the_lemma_of_their_head(nlp, cache):
    (nb,) = annotate(["Vi har få praksisplasser og kontaktpersonene i flyktningtjenesten slutter."], nlp,
                     varieties=["nb"], cache=cache)
    (nn,) = annotate(["Vi manglar praksisplassar i flyktningtenesta."], nlp, varieties=["nn"], cache=cache)
    lemmas = dict(zip(nb.words, nb.lemmas)) | dict(zip(nn.words, nn.lemmas))
    assert lemmas["praksisplasser"] == lemmas["praksisplassar"] == "praksisplass"
    assert lemmas["kontaktpersonene"] == "kontaktperson"
    assert lemmas["flyktningtjenesten"] == "flyktningtjeneste"
    assert lemmas["flyktningtenesta"] == "flyktningteneste"


def test_compound_rule_leaves_known_words_names_and_short_words_alone():
    from nlp.pipeline.compounds import CompoundLemmatizer

    c = CompoundLemmatizer().fit([("plasser", "plass", "NOUN"), ("var", "være", "AUX"), ("ut", "ut", "ADP")])
    assert c.lemma_for("Praksisplasser", "NOUN") == "praksisplass"
    assert c.lemma_for("plasser", "NOUN") is None  # seen in training: the lemmatizer knows it
    assert c.lemma_for("Kristiansplasser", "PROPN") is None  # names keep their form
    assert c.lemma_for("uplasser", "NOUN") is None  # prefix shorter than 3 letters
    assert c.lemma_for("IMDi-plasser", "NOUN") is None
