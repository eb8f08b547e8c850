"""Saved model folders: safe formats only, exact round trip, clear errors when damaged."""

import json

import numpy as np
import pytest

from conftest import small_theme_model

from nlp.themes.edits import Edits, text_id
from nlp.errors import ModelError
from nlp.runs.model_store import FORMAT, load_model, save_model, save_edits, write_manifest
from nlp.themes.model import ThemeModel


@pytest.fixture(scope="module")
def fitted():
    return small_theme_model()


def test_round_trip_assigns_identically(tmp_path, fitted):
    model, X = fitted
    save_model(tmp_path / "m", model, {"encoder": "test"})
    files = {p.name for p in (tmp_path / "m").rglob("*") if p.is_file()}
    assert not any(f.endswith((".pkl", ".pickle", ".joblib", ".bin")) for f in files)
    assert {"metadata.json", "head.safetensors", "themes.json", "edits.json"} <= files
    saved = load_model(tmp_path / "m")
    a, b = model.transform(X), saved.model.transform(X)
    assert np.array_equal(a[0], b[0]) and np.allclose(a[1], b[1])
    meta = json.loads((tmp_path / "m" / "metadata.json").read_text())
    assert {"fritekst_version", "libraries", "created", "encoder"} <= meta.keys()


def test_theme_model_saves_and_loads_itself(tmp_path, fitted):
    model, X = fitted
    model.save(tmp_path / "t")
    loaded = ThemeModel.load(tmp_path / "t")
    assert [t.label for t in loaded.themes_] == [t.label for t in model.themes_]
    assert np.array_equal(loaded.transform(X)[0], model.transform(X)[0])
    (tmp_path / "t" / "themes.json").write_text('{"threshold": 0.5, "themes": []}')
    with pytest.raises(ValueError, match="do not match the 0 themes"):
        ThemeModel.load(tmp_path / "t")


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
    write_manifest(folder)  # as another version would have saved it
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


# ------------------------------------------------------------------ integrity (issue 14, D)


def _model(tmp_path, fitted, name="m"):
    model, _ = fitted
    return save_model(tmp_path / name, model, {"encoder": "test"})


def _refused(folder, pattern):
    with pytest.raises(ModelError, match=pattern) as exc:
        load_model(folder)
    assert "\n" not in str(exc.value)
    return str(exc.value)


def test_manifest_covers_every_file_and_metadata(tmp_path, fitted):
    folder = _model(tmp_path, fitted)
    manifest = json.loads((folder / "manifest.json").read_text())
    on_disk = {p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file()}
    assert manifest["format"] == FORMAT
    assert set(manifest["files"]) == on_disk - {"manifest.json", "edits.json"}
    assert "metadata.json" in manifest["files"] and any(f.startswith("bertopic/") for f in manifest["files"])
    meta = json.loads((folder / "metadata.json").read_text())
    assert sorted(meta["files"]) == sorted(manifest["files"])


@pytest.mark.parametrize("manifest", [None, {}, {"format": FORMAT, "files": {}}, []])
def test_missing_or_empty_manifest_is_refused(tmp_path, fitted, manifest):
    folder = _model(tmp_path, fitted)
    if manifest is None:
        (folder / "manifest.json").unlink()
    else:
        (folder / "manifest.json").write_text(json.dumps(manifest))
    _refused(folder, r"manifest\.json (is missing|is empty|is not a JSON object)")


def test_older_format_says_refit(tmp_path, fitted):
    folder = _model(tmp_path, fitted)
    (folder / "manifest.json").unlink()
    meta = json.loads((folder / "metadata.json").read_text())
    meta["format"] = 1
    (folder / "metadata.json").write_text(json.dumps(meta))
    assert "Refit" in _refused(folder, r"format 1\).*format 2")


@pytest.mark.parametrize("rel", ["../outside.json", "/etc/passwd", "bertopic/../../x", "C:/x"])
def test_paths_outside_the_folder_are_refused(tmp_path, fitted, rel):
    folder = _model(tmp_path, fitted)
    (tmp_path / "outside.json").write_text("{}")
    doc = json.loads((folder / "manifest.json").read_text())
    doc["files"][rel] = "0" * 64
    (folder / "manifest.json").write_text(json.dumps(doc))
    _refused(folder, "outside the model folder")


def test_symlink_leading_out_is_refused(tmp_path, fitted):
    folder = _model(tmp_path, fitted)
    secret = tmp_path / "secret.txt"
    secret.write_text("not the model's")
    (folder / "link.json").symlink_to(secret)
    _refused(folder, r"link\.json is not in manifest")
    write_manifest(folder)  # even listed, it leads out
    _refused(folder, "leads outside the model folder")


def test_unlisted_file_is_refused(tmp_path, fitted):
    folder = _model(tmp_path, fitted)
    (folder / "bertopic" / "extra.pkl").write_bytes(b"\x80\x04K\x01.")
    _refused(folder, r"bertopic/extra\.pkl is not in manifest\.json")


@pytest.mark.parametrize("rel", ["themes.json", "metadata.json", "bertopic/topics.json", "head.safetensors"])
def test_edited_file_is_refused(tmp_path, fitted, rel):
    folder = _model(tmp_path, fitted)
    path = folder / rel
    data = path.read_bytes()
    path.write_bytes(data.replace(b"0", b"1", 1) if b"0" in data else data + b" ")
    _refused(folder, rf"{rel} was changed after fitting")


def test_dropping_an_entry_from_the_manifest_is_caught(tmp_path, fitted):
    folder = _model(tmp_path, fitted)
    doc = json.loads((folder / "manifest.json").read_text())
    del doc["files"]["themes.json"]
    (folder / "manifest.json").write_text(json.dumps(doc))
    _refused(folder, r"themes\.json is not in manifest")
    (folder / "themes.json").unlink()  # and removing the file too: metadata.json still lists it
    _refused(folder, "does not match the file list in metadata.json")
    doc["files"].pop("metadata.json")
    (folder / "manifest.json").write_text(json.dumps(doc))
    _refused(folder, "does not cover metadata.json")


def _head(folder):
    from safetensors.numpy import load_file
    return load_file(str(folder / "head.safetensors"))


@pytest.mark.parametrize("change", ["coef_rows", "coef_dim", "intercept", "topic_ids"])
def test_wrong_shape_arrays_are_refused(tmp_path, fitted, change):
    from safetensors.numpy import save_file

    model, _ = fitted
    folder = save_model(tmp_path / "m", model, {"encoder": "test", "embedding_dim": 6})
    head = _head(folder)
    if change == "coef_rows":
        head["coef"] = head["coef"][:1]
    elif change == "coef_dim":
        head["coef"] = np.hstack([head["coef"], head["coef"]])
    elif change == "intercept":
        head["intercept"] = head["intercept"][:-1]
    else:
        head["topic_ids"] = head["topic_ids"] + 10
    save_file(head, str(folder / "head.safetensors"))
    write_manifest(folder)  # consistent files, inconsistent arrays
    _refused(folder, r"head\.safetensors: .*(shape|columns|do not match)")


def test_edits_are_validated_against_the_themes(tmp_path, fitted):
    folder = _model(tmp_path, fitted)
    ids = [t.id for t in load_model(folder).model.themes_]
    good = Edits(renames={ids[0]: "Bolig"}, merges={ids[1]: ids[0]}, moves={text_id("x"): -1})
    save_edits(folder, good)  # the app saves edits after fitting: no manifest change needed
    assert load_model(folder).edits == good
    for bad, pattern in [
        ({"merges": {str(ids[0]): 99}}, r"does not fit this model's themes \(merges theme 0 into 99"),
        ({"moves": {text_id("x"): 42}}, "moves a comment to theme 42"),
        ({"renames": {"77": "x"}}, "renames theme 77"),
        ({"merges": {str(ids[0]): ids[1], str(ids[1]): ids[0]}}, "circle"),
        ([1, 2], r"edits\.json is malformed \(expected a JSON object"),
        ({"merges": {"a": 1}}, "is malformed"),
        ({"moves": {"../../etc": 1}}, "is malformed"),
        ({"renames": {"0": ["x"]}}, "is malformed"),
        ({"extra": {}}, "unknown entry"),
    ]:
        (folder / "edits.json").write_text(json.dumps(bad))
        _refused(folder, pattern)
    (folder / "edits.json").write_text("{not json")
    _refused(folder, r"edits\.json is malformed")
    (folder / "edits.json").unlink()  # no edits file: no edits
    assert load_model(folder).edits == Edits()


def test_save_model_refuses_a_used_folder(tmp_path, fitted):
    model, _ = fitted
    (tmp_path / "m").mkdir()
    (tmp_path / "m" / "old.txt").write_text("x")
    with pytest.raises(ModelError, match="new or empty folder"):
        save_model(tmp_path / "m", model, {})
