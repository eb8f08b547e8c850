"""The app's runs folder and upload limits (pure logic, no Streamlit): runs are listed, opened
and edited only inside the runs folder, whatever `..` or symlinks say; uploads are capped."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from nlp.themes.edits import Edits
from nlp.errors import InputError
from nlp.ui.messages import user_message
from nlp.runs.app_runs import (
    RUNS_ENV, OutsideRunsFolder, confine, list_runs, open_saved_run, runs_dir, save_run_edits,
)
from nlp.ui.uploads import (
    DEFAULT_MAX_UPLOAD_MB, DEFAULT_MAX_UPLOAD_ROWS, UploadLimits, UploadTooLarge, read_upload, upload_limits,
)


def _fake_run(folder: Path, source: str = "runde.csv", mtime: float | None = None) -> Path:
    """Enough of a run for listing and saving edits: comments.parquet, model/, run.json."""
    (folder / "model").mkdir(parents=True)
    (folder / "comments.parquet").write_bytes(b"PAR1")
    (folder / "run.json").write_text(json.dumps({"source": source}), encoding="utf-8")
    if mtime is not None:
        os.utime(folder / "comments.parquet", (mtime, mtime))
    return folder


@pytest.fixture()
def root(tmp_path) -> Path:
    runs = tmp_path / "runs"
    runs.mkdir()
    return runs


# ------------------------------------------------------------------ runs folder


def test_runs_dir_follows_the_environment(monkeypatch, tmp_path):
    monkeypatch.setenv(RUNS_ENV, str(tmp_path / "team-runs"))
    assert runs_dir() == tmp_path / "team-runs"
    monkeypatch.setenv(RUNS_ENV, "")
    monkeypatch.setenv("FRITEKST_CACHE", str(tmp_path / "cache"))
    assert runs_dir() == tmp_path / "cache" / "runs"


def test_list_runs_only_runs_inside_the_folder_newest_first(root, tmp_path):
    _fake_run(root / ("a" * 24), "høst.csv", mtime=1_600_000_000)
    _fake_run(root / "runde-2021", "runde-2021.xlsx", mtime=1_700_000_000)
    (root / "tom").mkdir()                                    # not a run
    (root / "upload-x1").mkdir()                              # an analysis being written
    _fake_run(root / "upload-x2")
    _fake_run(root / ".skjult")
    outside = _fake_run(tmp_path / "utenfor")                 # a run, but outside
    (root / "lenke-ut").symlink_to(outside, target_is_directory=True)
    sneaky = _fake_run(root / "lur")                          # inside, with a file leading out
    (sneaky / "comments.parquet").unlink()
    (sneaky / "comments.parquet").symlink_to(outside / "comments.parquet")
    (root / "lenke-inn").symlink_to(root / "runde-2021", target_is_directory=True)  # stays inside: fine

    runs = list_runs(root)
    assert [r.name for r in runs] == ["lenke-inn", "runde-2021", "a" * 24]
    assert runs[1].label.startswith("runde-2021 – runde-2021.xlsx, ")
    assert runs[2].label.startswith("høst.csv – ") and runs[2].label.endswith("(aaaaaa)")
    assert list_runs(tmp_path / "finnes-ikke") == []


def test_open_saved_run_refuses_everything_outside(root, tmp_path):
    _fake_run(root / "runde")
    outside = _fake_run(tmp_path / "utenfor")
    (root / "lenke-ut").symlink_to(outside, target_is_directory=True)
    assert open_saved_run("runde", root) == root / "runde"
    for name in ["..", ".", "", "../utenfor", str(outside), "runde/../../utenfor", "lenke-ut", "runde/model"]:
        with pytest.raises(OutsideRunsFolder):
            open_saved_run(name, root)
    with pytest.raises(InputError, match="run folder not found"):
        open_saved_run("finnes-ikke", root)
    assert "utenfor mappen for lagrede kjøringer" in user_message(OutsideRunsFolder("'x' is outside the runs folder")).text


def test_confine_resolves_dotdot_and_symlinks(root, tmp_path):
    _fake_run(root / "runde")
    assert confine(root / "runde" / "model" / ".." / "run.json", root) == (root / "runde" / "run.json").resolve()
    assert confine("runde", root) == (root / "runde").resolve()
    (tmp_path / "hemmelig.txt").write_text("x")
    (root / "runde" / "lenke").symlink_to(tmp_path / "hemmelig.txt")
    for path in [root, root / "..", root / "runde" / ".." / ".." / "hemmelig.txt", root / "runde" / "lenke",
                 tmp_path / "hemmelig.txt", "../hemmelig.txt"]:
        with pytest.raises(OutsideRunsFolder):
            confine(path, root)
    with pytest.raises(OutsideRunsFolder):
        confine(tmp_path / "x", tmp_path / "ingen-mappe")


def test_edits_are_saved_only_inside_the_runs_folder(root, tmp_path):
    edits = Edits(renames={0: "Bosetting"})
    run = _fake_run(root / "runde")
    save_run_edits(run, edits, root)
    assert json.loads((run / "model" / "edits.json").read_text(encoding="utf-8"))["renames"] == {"0": "Bosetting"}

    outside = _fake_run(tmp_path / "utenfor")
    with pytest.raises(OutsideRunsFolder):
        save_run_edits(outside, edits, root)
    with pytest.raises(OutsideRunsFolder):
        save_run_edits(root / "runde" / ".." / ".." / "utenfor", edits, root)
    # a run inside whose model folder, or edits file, leads out
    linked = _fake_run(root / "lenket-modell")
    (linked / "model").rmdir()
    (linked / "model").symlink_to(outside / "model", target_is_directory=True)
    victim = tmp_path / "offer.json"
    victim.write_text("{}")
    (run / "model" / "edits.json").unlink()
    (run / "model" / "edits.json").symlink_to(victim)
    for folder in (linked, run):
        with pytest.raises(OutsideRunsFolder):
            save_run_edits(folder, edits, root)
    assert not (outside / "model" / "edits.json").exists()
    assert victim.read_text() == "{}"


# ------------------------------------------------------------------ upload limits


def test_upload_limits_from_the_environment():
    assert upload_limits({}) == UploadLimits(DEFAULT_MAX_UPLOAD_MB, DEFAULT_MAX_UPLOAD_ROWS) == UploadLimits(50, 200_000)
    assert upload_limits({"FRITEKST_MAX_UPLOAD_MB": "0.5", "FRITEKST_MAX_UPLOAD_ROWS": "1_000"}) == UploadLimits(0.5, 1000)
    for bad in ("", "x", "-1", "0", "nan", "inf", "1e400"):
        assert upload_limits({"FRITEKST_MAX_UPLOAD_MB": bad, "FRITEKST_MAX_UPLOAD_ROWS": bad}) == UploadLimits()
    assert UploadLimits(0.5).widget_mb == 1 and UploadLimits(50).max_bytes == 50 * 1024 * 1024


def test_uploads_over_the_limits_are_refused_in_norwegian():
    data = "Svar\n" + "".join(f"svar nummer {i}\n" for i in range(10))
    assert len(read_upload(data.encode(), "svar.csv", limits=UploadLimits(max_rows=10)).frame) == 10
    with pytest.raises(UploadTooLarge) as rows:
        read_upload(data.encode(), "svar.csv", limits=UploadLimits(max_rows=9))
    assert user_message(rows.value).text.startswith("Filen har for mange rader: 10. Grensen er 9.")
    big = ("Svar\n" + "x" * 80 + "\n") * 20_000  # about 1.6 MB
    with pytest.raises(UploadTooLarge) as size:
        read_upload(big.encode(), "svar.csv", limits=UploadLimits(max_mb=1))
    assert user_message(size.value).text.startswith("Filen er for stor: 1,6 MB. Grensen er 1 MB.")


def test_engine_stamp_covers_resources_but_not_the_app(monkeypatch, tmp_path):
    """A retrained non-answer model (nlp/resources) is a new engine: stored runs are not reused."""
    from nlp.runs import app_runs as runs

    engine = tmp_path / "nlp"
    (engine / "resources").mkdir(parents=True)
    (engine / "ui").mkdir()
    (engine / "app" / "views").mkdir(parents=True)
    (engine / "clean.py").write_text("x = 1\n")
    (engine / "resources" / "nonanswer_model.json").write_text("{}")
    monkeypatch.setattr(runs, "_ENGINE_DIR", engine)
    monkeypatch.setenv("FRITEKST_MODELS", str(tmp_path / "models"))

    def stamp() -> str:
        runs.engine_stamp.cache_clear()
        return runs.engine_stamp()

    first = stamp()
    (engine / "ui" / "view.py").write_text("y = 2\n")
    (engine / "app" / "views" / "overview.py").write_text("z = 3\n")
    assert stamp() == first
    (engine / "resources" / "nonanswer_model.json").write_text('{"threshold": 0.6}')
    assert stamp() != first
    runs.engine_stamp.cache_clear()
