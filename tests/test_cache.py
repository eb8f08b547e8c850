"""The on-disk cache: private modes, expiry, size cap, keyed hashes, `fritekst cache`."""

import json
import sqlite3
import stat
import time

import numpy as np
import pytest

from nlp import cache as fc
from nlp.embed.encoders import EmbeddingCache


def mode(path):
    return stat.S_IMODE(path.stat().st_mode)


def test_files_are_private_and_legacy_annotations_go(tmp_path):
    folder = tmp_path / "c"
    folder.mkdir(mode=0o755)
    (folder / "annotations.sqlite").write_bytes(b"Kari Nordmann")
    store = fc.BlobStore(folder / "embeddings.sqlite")
    store.put_many("m", [(b"k", b"v")])
    assert mode(folder) == 0o700 and mode(folder / "embeddings.sqlite") == 0o600
    assert not (folder / "annotations.sqlite").exists()
    assert store.get_many("m", [b"k", b"x"]) == {b"k": b"v"}
    key = fc.secret_key(folder)
    assert len(key) == 32 and mode(folder / "key") == 0o600 and fc.secret_key(folder) == key


def test_rows_unused_for_too_long_expire(tmp_path, monkeypatch):
    monkeypatch.setenv("FRITEKST_CACHE_DAYS", "30")
    store = fc.BlobStore(tmp_path / "s.sqlite")
    store.put_many("m", [(b"old", b"1"), (b"new", b"2")])
    with sqlite3.connect(store.path) as con:
        con.execute("UPDATE blobs SET used = used - 31 WHERE key = ?", [b"old"])
    store.put_many("m", [(b"other", b"3")])  # writing prunes
    assert store.get_many("m", [b"old", b"new", b"other"]) == {b"new": b"2", b"other": b"3"}


def test_reading_refreshes_last_use(tmp_path):
    store = fc.BlobStore(tmp_path / "s.sqlite")
    store.put_many("m", [(b"a", b"1")])
    with sqlite3.connect(store.path) as con:
        con.execute("UPDATE blobs SET used = used - 10")
    store.get_many("m", [b"a"])
    with sqlite3.connect(store.path) as con:
        assert con.execute("SELECT used FROM blobs").fetchone()[0] == int(time.time() // 86400)


def test_size_cap_drops_least_recently_used(tmp_path, monkeypatch):
    monkeypatch.setenv("FRITEKST_CACHE_MAX_MB", "0.2")
    store = fc.BlobStore(tmp_path / "s.sqlite")
    for day in range(8):
        store.put_many("m", [(f"{day}-{i}".encode(), bytes(1000)) for i in range(40)])
        with sqlite3.connect(store.path) as con:
            con.execute("UPDATE blobs SET used = used - 1")  # everything so far ages a day
    assert (tmp_path / "s.sqlite").stat().st_size <= 0.2 * 1024 * 1024 * 1.3
    newest = store.get_many("m", [f"7-{i}".encode() for i in range(40)])
    oldest = store.get_many("m", [f"0-{i}".encode() for i in range(40)])
    assert len(newest) == 40 and len(oldest) == 0


def test_embedding_cache_keeps_no_text(tmp_path):
    c = EmbeddingCache(tmp_path / "e.sqlite")
    c.put("enc", ["Ring [NAVN]"], np.ones((1, 4), np.float32))
    assert list(c.get("enc", ["Ring [NAVN]", "x"], 4)) == ["Ring [NAVN]"]
    assert c.get("other-engine", ["Ring [NAVN]"], 4) == {}  # engines never share vectors
    assert b"Ring" not in (tmp_path / "e.sqlite").read_bytes()


def test_cli_cache_info_and_clear(tmp_path, monkeypatch, capsys):
    from nlp.cli import main

    monkeypatch.setenv("FRITEKST_CACHE", str(tmp_path / "c"))
    fc.BlobStore(tmp_path / "c" / "comments.sqlite").put_many("m", [(b"k", b"v")])
    fc.secret_key(tmp_path / "c")
    assert main(["cache", "info"]) == 0
    info = json.loads(capsys.readouterr().out)
    assert info["files"]["comments.sqlite"]["rows"] == 1 and info["files"]["key"]["mode"] == "0o600"
    assert main(["cache", "clear"]) == 0
    assert "removed 2 file(s)" in capsys.readouterr().err
    assert list((tmp_path / "c").iterdir()) == []


@pytest.mark.slow
def test_comment_cache_is_redacted_and_keyed(tmp_path, monkeypatch):
    from nlp.pipeline.spacy_pipeline import PipelineRef, load_pipeline, pipeline_id
    from nlp.privacy.redacted import redact_comments

    monkeypatch.setenv("FRITEKST_CACHE", str(tmp_path))
    texts = ["Ring Kari Nordmann på 412 34 567 om bustadene.", "Samarbeidet med IMDi går fint."]
    nlp = PipelineRef()
    assert nlp.id == pipeline_id(load_pipeline())  # the same identity, read from meta.json without loading
    first = redact_comments(texts, ["nb", "nb"], nlp)
    assert first[0].text == "Ring [NAVN] på [TELEFON] om bustadene." and first[0].n_redacted == 2
    assert "Kari" not in " ".join(first[0].tokens) and "IMDi" in first[1].tokens
    raw = (tmp_path / "comments.sqlite").read_bytes()
    assert b"Kari" not in raw and b"412" not in raw
    import nlp.privacy.redacted as red

    monkeypatch.setattr(red, "annotate", lambda *a, **k: pytest.fail("cached comment annotated again"))
    assert redact_comments(texts, ["nb", "nb"], nlp) == first
