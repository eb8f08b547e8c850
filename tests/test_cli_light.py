"""The command line parser stays light: no command pays for spaCy or torch before it needs them."""

import subprocess
import sys

import pytest

from nlp.cli import EVAL_TARGETS


@pytest.mark.parametrize("argv", [["analyze", "x.csv", "--text-column", "t"], ["tag", "--help"], ["cache", "info"]])
def test_parser_imports_no_heavy_library(argv):
    code = (
        "import sys; from nlp.cli import build_parser; build_parser(%r)\n"
        "heavy = [m for m in ('spacy', 'torch', 'sklearn', 'bertopic', 'umap') if m in sys.modules]\n"
        "assert not heavy, heavy" % (argv,)
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_eval_help_matches_each_module_docstring():
    import importlib

    for target, (module_name, help_text) in EVAL_TARGETS.items():
        first = (importlib.import_module(module_name).__doc__ or "").strip().splitlines()[0]
        assert help_text == first, target


@pytest.mark.slow
def test_a_fully_cached_rerun_loads_neither_spacy_nor_torch(tmp_path):
    """A warm `analyze` reads annotations and vectors from the cache: importing spaCy (and through
    thinc, torch) or torch for the encoder's name cost ~1.5-2.5 s of a 9 s run (issue 15)."""
    import os

    rows = ["Svar-ID;Svar"] + [f"r{i};{t}" for i, t in enumerate([
        "Samarbeidet med IMDi fungerer godt.", "Tilskuddet kommer for sent til kommunen.",
        "Vi trenger mer veiledning om negativ sosial kontroll.", "Fylkeskommunen har blitt en viktig partner.",
        "Pandemien gjorde det vanskelig å drive norskopplæring.", "Nei"] * 5)]
    data = tmp_path / "svar.csv"
    data.write_text("\n".join(rows) + "\n", encoding="utf-8")
    args = ["analyze", str(data), "--text-column", "Svar", "--id-column", "Svar-ID", "--quiet"]
    env = dict(os.environ, FRITEKST_CACHE=str(tmp_path / "cache"))
    code = ("import sys\nfrom nlp.cli import main\ntry:\n    main(%r)\nexcept SystemExit as exc:\n    assert not exc.code, exc\n"
            "print(sorted(m for m in ('spacy', 'thinc', 'torch') if m in sys.modules))")
    runs = [subprocess.run([sys.executable, "-c", code % (args + ["--out", str(tmp_path / f"out{i}")],)],
                           env=env, check=True, capture_output=True, text=True).stdout.splitlines()[-1]
            for i in range(2)]
    assert runs[0] == "['spacy', 'thinc', 'torch']"  # the cold run needs them all
    assert runs[1] == "[]"
