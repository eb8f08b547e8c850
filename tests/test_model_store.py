"""Saved model folders: safe formats only, exact round trip, clear errors when damaged."""

import json

import numpy as np
import pytest

from nlp.edits import Edits, text_id
from nlp.errors import ModelError
from nlp.model_store import load_model, save_model
from nlp.topics import ThemeModel


@pytest.fixture(scope="module")
def fitted():
    rng = np.random.default_rng(0)
    X = np.vstack([rng.normal(loc=c, size=(30, 6)) for c in (-3, 0, 3)]).astype(np.float32)
    X /= np.linalg.norm(X, axis=1, keepdims=True)
    toks = [["bolig", "vedtak"]] * 30 + [["språk", "lærer"]] * 30 + [["tilskudd", "midler"]] * 30
    return ThemeModel(min_topic_size=8).fit(X, toks), X


def test_round_trip_assigns_identically(tmp_path, fitted):
    model, X = fitted
    save_model(tmp_path / "m", model, {"encoder": "test"})
    files = {p.name for p in (tmp_path / "m").rglob("*") if p.is_file()}
    assert not any(f.endswith((".pkl", ".pickle", ".joblib", ".bin")) for f in files)
    assert {"metadata.json", "head.safetensors", "themes.json", "edits.json"} <= files
    saved = load_model(tmp_path / "m")
    a, b = model.transform(X), saved.theme_model().transform(X)
    assert np.array_equal(a[0], b[0]) and np.allclose(a[1], b[1])
    meta = json.loads((tmp_path / "m" / "metadata.json").read_text())
    assert {"fritekst_version", "libraries", "created", "encoder"} <= meta.keys()


def test_damaged_and_foreign_models_give_clear_errors(tmp_path, fitted):
    model, _ = fitted
    folder = save_model(tmp_path / "m", model, {})
    with pytest.raises(ModelError, match="not found"):
        load_model(tmp_path / "nowhere")
    (folder / "head.safetensors").write_bytes(b"garbage")
    with pytest.raises(ModelError, match="damaged"):
        load_model(folder)
    folder = save_model(tmp_path / "m2", model, {})
    meta = json.loads((folder / "metadata.json").read_text())
    meta["fritekst_version"] = "0.0.1"
    (folder / "metadata.json").write_text(json.dumps(meta))
    with pytest.raises(ModelError, match="0.0.1"):
        load_model(folder)
    folder = save_model(tmp_path / "m3", model, {})
    (folder / "themes.json").unlink()
    with pytest.raises(ModelError, match="damaged"):
        load_model(folder)


def test_edits_rename_merge_move():
    e = Edits(renames={0: "Bolig"}, merges={2: 1, 1: 0}, moves={text_id("flytt meg"): 2})
    ids = e.apply(np.array([0, 1, 2, -1, -2]), ["a", "b", "c", "flytt meg", "x"])
    assert ids.tolist() == [0, 0, 0, 0, -2]
    assert e.label(0, "x") == "Bolig" and e.label(3, "y") == "y"
    assert Edits.from_dict(json.loads(json.dumps(e.to_dict()))) == e
