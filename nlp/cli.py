"""The `fritekst` command: analyze, tag, correct and eval.

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

#: eval target -> module implementing it
EVAL_TARGETS = {
    "topics": "nlp.eval.topics",
    "pipeline": "nlp.eval.pipeline",
    "sentiment": "nlp.eval.sentiment",
    "redaction": "nlp.eval.redaction",
}


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="fritekst", description=__doc__.splitlines()[0])
    parser.add_argument("--version", action="version", version=f"fritekst {__version__}")
    sub = parser.add_subparsers(dest="command", required=True)

    from nlp import commands

    commands.add_analyze(sub)
    commands.add_tag(sub)
    commands.add_correct(sub)

    cache = sub.add_parser("cache", help="show or clear fritekst's on-disk cache")
    cache.add_argument("action", choices=["info", "clear"])
    cache.set_defaults(func=_cache)

    ev = sub.add_parser("eval", help="evaluate a component and print one JSON object")
    ev_sub = ev.add_subparsers(dest="target", required=True)
    for target, module_name in EVAL_TARGETS.items():
        try:
            module = importlib.import_module(module_name)
        except ModuleNotFoundError as exc:
            if exc.name != module_name:
                raise
            continue
        p = ev_sub.add_parser(target, help=(module.__doc__ or "").strip().splitlines()[0])
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
    args = build_parser().parse_args(argv)
    try:
        return int(args.func(args) or 0)
    except FritekstError as exc:
        print(f"fritekst: error: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    raise SystemExit(main())
