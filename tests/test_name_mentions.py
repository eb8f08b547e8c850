"""Surname-only mentions of a person named in full in the same text, and the component runner."""

from __future__ import annotations

import spacy
from spacy.language import Language
from spacy.tokens import Doc, Span

from nlp.pipeline.name_mentions import mark_name_mentions, name_parts
from nlp.pipeline.spacy_pipeline import annotate, AnnotationCache, load_pipeline, process


def _doc(words, ents):
    doc = Doc(spacy.blank("nb").vocab, words=words)
    doc.ents = [Span(doc, s, e, label=lab) for s, e, lab in ents]
    return doc


def test_surname_and_genitive_after_a_full_name_become_persons():
    words = ["Kari", "Nordmann", "kom", ".", "Nordmann", "sa", "at", "Nordmanns", "hund", "og", "Kari", "lo", "."]
    doc = mark_name_mentions(_doc(words, [(0, 2, "PER"), (4, 5, "ORG")]))
    assert [(e.start, e.end, e.label_) for e in doc.ents] == [
        (0, 2, "PER"), (4, 5, "PER"), (7, 8, "PER"), (10, 11, "PER")]


def test_nothing_changes_without_a_multiword_person():
    words = ["Nordmann", "kom", ".", "Nordmann", "og", "Oslo", "kommune", "."]
    doc = mark_name_mentions(_doc(words, [(0, 1, "PER"), (5, 7, "GPE_ORG")]))
    assert [(e.start, e.end, e.label_) for e in doc.ents] == [(0, 1, "PER"), (5, 7, "GPE_ORG")]


def test_lowercase_words_and_longer_entities_are_left_alone():
    words = ["Per", "Hansen", "leder", "Hansen", "Bygg", "AS", ";", "per", "dag", "."]
    doc = mark_name_mentions(_doc(words, [(0, 2, "PER"), (3, 6, "ORG")]))
    assert name_parts(doc) == {"Per", "Hansen"}
    assert [(e.start, e.end, e.label_) for e in doc.ents] == [(0, 2, "PER"), (3, 6, "ORG")]


def test_process_runs_every_plain_function_component_in_order():
    # a generator expression would bind the loop variable late and run the last one twice
    @Language.component("_test_mark_a")
    def mark_a(doc):
        doc.user_data.setdefault("ran", []).append("a")
        return doc

    @Language.component("_test_mark_b")
    def mark_b(doc):
        doc.user_data.setdefault("ran", []).append("b")
        return doc

    nlp = spacy.blank("nb")
    nlp.add_pipe("_test_mark_a")
    nlp.add_pipe("_test_mark_b")
    docs = list(process(nlp, (nlp.make_doc(t) for t in ["en", "to"])))
    assert [d.user_data["ran"] for d in docs] == [["a", "b"], ["a", "b"]]


def test_bundled_pipeline_marks_a_later_surname_mention():
    text = "Kari Nordmann kom i går. Nordmann sa at Nordmanns hund var borte."
    (a,) = annotate([text], load_pipeline(), cache=AnnotationCache(":memory:"))
    found = {(text[s:e], label) for s, e, label in a.ents}
    assert {("Kari Nordmann", "PER"), ("Nordmann", "PER"), ("Nordmanns", "PER")} <= found


def test_add_rule_component_places_it_after_the_named_one_once(tmp_path):
    from training.pipeline.store import add_rule_component

    base = spacy.blank("nb")
    base.add_pipe("sentencizer")
    base.add_pipe("fritekst_name_mentions", first=True)  # in the wrong place, as after a re-run
    base.add_pipe("ner", first=True)
    base.initialize()
    base.disable_pipe("sentencizer")
    base.to_disk(tmp_path / "p")
    add_rule_component(tmp_path / "p", "fritekst_name_mentions", after="sentencizer")
    loaded = spacy.load(tmp_path / "p")
    assert loaded.component_names == ["ner", "sentencizer", "fritekst_name_mentions"]
    assert loaded.disabled == ["sentencizer"]
