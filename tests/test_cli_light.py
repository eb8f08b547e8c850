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
