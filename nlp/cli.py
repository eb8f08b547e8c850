"""The `fritekst` command: analyze, tag, correct, recode and eval.

Each `eval` target lives in its own module exposing `add_arguments(parser)` and
`run(args) -> dict`; the dict is printed as one JSON object on stdout.
"""

from __future__ import annotations

import argparse
import importlib
import json
import sys

from nlp import __version__
from nlp.errors import FritekstError

#: eval target -> (module implementing it, one-line help). A target's module is imported only
#: when that target is asked for: some load spaCy or torch, which every other command would pay.
EVAL_TARGETS = {
    "topics": ("nlp.eval.topics", "Fit themes on a labelled file and score them against the labels (NMI, ARI, outliers)."),
    "pipeline": ("nlp.eval.pipeline", "Score a spaCy pipeline on a CoNLL-U file with NorNE tags in MISC (UPOS, feats, lemma, sents, NER)."),
    "sentiment": ("nlp.eval.sentiment", "Score the sentiment classifier on labelled comments (JSON list, CSV or XLSX)."),
    "redaction": ("nlp.eval.redaction", "Evaluate personal-data redaction on a labelled CSV (columns tekst, spans)."),
}


def build_parser(argv: list[str] | None = None) -> argparse.ArgumentParser:
    """The full parser; `argv` (default: sys.argv) decides which eval target's module is imported."""
    argv = sys.argv[1:] if argv is None else argv
    parser = argparse.ArgumentParser(prog="fritekst", description=__doc__.splitlines()[0])
    parser.add_argument("--version", action="version", version=f"fritekst {__version__}")
    sub = parser.add_subparsers(dest="command", required=True)

    from nlp import commands

    commands.add_analyze(sub)
    commands.add_tag(sub)
    commands.add_correct(sub)
    commands.add_recode(sub)

    cache = sub.add_parser("cache", help="show or clear fritekst's on-disk cache")
    cache.add_argument("action", choices=["info", "clear"])
    cache.set_defaults(func=_cache)

    ev = sub.add_parser("eval", help="evaluate a component and print one JSON object")
    ev_sub = ev.add_subparsers(dest="target", required=True)
    wanted = argv[argv.index("eval") + 1:argv.index("eval") + 2] if "eval" in argv else []
    for target, (module_name, help_text) in EVAL_TARGETS.items():
        p = ev_sub.add_parser(target, help=help_text)
        if target in wanted:
            module = importlib.import_module(module_name)
            module.add_arguments(p)
            p.set_defaults(func=lambda args, m=module: _print_json(m.run(args)))
    return parser


def _cache(args) -> int:
    from nlp import cache

    if args.action == "clear":
        removed = cache.clear()
        print(f"removed {len(removed)} file(s) from {cache.info()['folder']}", file=sys.stderr)
        return 0
    return _print_json(cache.info())


def _print_json(result: dict) -> int:
    json.dump(result, sys.stdout, ensure_ascii=False)
    sys.stdout.write("\n")
    return 0


def main(argv: list[str] | None = None) -> int:
    args = build_parser(argv).parse_args(argv)
    try:
        return int(args.func(args) or 0)
    except FritekstError as exc:
        print(f"fritekst: error: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    raise SystemExit(main())
