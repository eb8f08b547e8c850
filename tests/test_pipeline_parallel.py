"""Annotation split over two processes gives exactly what one process gives, and a failing child loses nothing."""

import sys

import pytest

import nlp.pipeline.spacy_pipeline as sp

TEXTS = [
    "Kari Nordmann i Bergen ringte om tilskuddet i går.",
    "Vi har eit godt samarbeid med fylkeskommunen.",
    "Tilskotet kjem for seint, og det er eit problem for kommunen.",
    "IMDi gir gode råd om kvalifisering.",
    "Ola Hansen (tlf 912 34 567) er kontaktperson.",
    "Introduksjonsprogrammet fungerer bra.",
] * 7


@pytest.fixture()
def split_small(monkeypatch):
    monkeypatch.setattr(sp, "PARALLEL_MIN_TEXTS", 10)
    monkeypatch.setattr(sp, "CHILD_HEAD_START_TEXTS", 6)
    monkeypatch.setattr(sp, "_cpu_count", lambda: 2)


def _distinct(texts):
    return [f"{t} ({i})" for i, t in enumerate(texts)]  # distinct, so nothing is deduplicated away


def test_two_processes_match_one():
    texts = _distinct(TEXTS)
    nlp = sp.load_pipeline()
    one = sp.annotate(texts, nlp)
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(sp, "PARALLEL_MIN_TEXTS", 10)
        mp.setattr(sp, "CHILD_HEAD_START_TEXTS", 6)
        mp.setattr(sp, "_cpu_count", lambda: 2)
        started = []
        real_child = sp._Child
        mp.setattr(sp, "_Child", lambda *a: started.append(len(a[1])) or real_child(*a))
        steps = []
        two = sp.annotate(texts, nlp, on_step=lambda done, total: steps.append((done, total)))
    assert two == one
    assert started == [2]  # one child, given both varieties' parts
    assert steps[-1] == (len(texts), len(texts))
    assert all(d <= t for d, t in steps)


def test_failed_child_is_redone_here(split_small, monkeypatch, caplog):
    texts = _distinct(TEXTS)
    nlp = sp.load_pipeline()
    monkeypatch.setattr(sys, "executable", "/bin/false")
    with caplog.at_level("WARNING"):
        got = sp.annotate(texts, nlp)
    monkeypatch.undo()
    assert got == sp.annotate(texts, nlp)
    assert "second spaCy process failed" in caplog.text


def test_pipeline_without_folder_runs_here(split_small):
    import spacy

    blank = spacy.blank("nb")
    assert blank.path is None
    got = sp.annotate(_distinct(TEXTS), blank)
    assert [a.words[0] for a in got[:2]] == ["Kari", "Vi"]


def test_pipeline_ref_starts_child_before_loading_and_matches(split_small):
    texts = _distinct(TEXTS)
    ref = sp.PipelineRef()
    assert ref.has_variety_heads == sp.has_variety_heads(sp.load_pipeline())
    assert ref.id == sp.pipeline_id(sp.load_pipeline())
    got = sp.annotate(texts, ref)
    sp.PARALLEL_MIN_TEXTS = 10**9
    assert got == sp.annotate(texts, sp.load_pipeline())


def test_head_start_gives_the_child_more(monkeypatch):
    """The child starts sooner (it blocks torch; this process imports it for the embedding stage)."""
    monkeypatch.setattr(sp, "_cpu_count", lambda: 2)
    sizes = []
    real_child = sp._Child
    monkeypatch.setattr(sp, "_Child", lambda path, jobs, b: sizes.append(sum(len(t) for _, t in jobs)) or real_child(path, jobs, b))
    texts = _distinct(TEXTS * 30)  # 1,260 texts
    sp.annotate(texts, sp.PipelineRef())
    assert sizes == [round((len(texts) + sp.CHILD_HEAD_START_TEXTS) / 2)]


def test_worker_starts_without_torch():
    """thinc imports torch when installed; the worker blocks it (~1.5 s of its start), spaCy still loads."""
    import subprocess
    import sys

    code = ("import sys, nlp.pipeline.annotate_worker as w\n"
            "from nlp.pipeline.spacy_pipeline import load_pipeline\nload_pipeline()\n"
            "print(sys.modules.get('torch') is None)")
    out = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True).stdout
    assert out.strip() == "True"
