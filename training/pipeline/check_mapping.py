"""Agreement of the NDT -> UD mapping with the UD annotation of the same dev sentences.

    python -m training.pipeline.check_mapping --data ../shared/data [--errors 30]
"""

from __future__ import annotations

import argparse
import json
from collections import Counter
from dataclasses import asdict, dataclass
from pathlib import Path

from .corpus import align_by_tokens, read_conll
from .mapping import convert_sentence, is_headline_marker


@dataclass
class Agreement:
    variety: str
    sentences: int
    tokens: int
    upos: float
    feats: float
    upos_feats: float


def agreement(data: Path, variety: str, errors: Counter | None = None) -> Agreement:
    ndt = list(read_conll(data / "ndt" / variety / "dev.conll"))
    for s in ndt:
        s.tokens = [t for t in s.tokens if not is_headline_marker(t)] or s.tokens
    ud = list(read_conll(data / "ud" / variety / "dev.conllu"))
    pairs = align_by_tokens(ndt, ud)
    n = up = fe = both = 0
    for a, b in pairs:
        for (tok, tags), gold in zip(convert_sentence(a), b.tokens):
            n += 1
            u_ok = tags.upos == gold.pos
            f_ok = tags.feats == gold.feats
            up += u_ok
            fe += f_ok
            both += u_ok and f_ok
            if errors is not None and not (u_ok and f_ok):
                errors[(tok.pos, tok.feats, tok.lemma.lower() if tok.pos not in {"subst", "adj", "verb"} else "*",
                        tags.upos, tags.feats, gold.pos, gold.feats)] += 1
    return Agreement(variety, len(pairs), n, 100 * up / n, 100 * fe / n, 100 * both / n)


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", type=Path, default=Path("../shared/data"))
    ap.add_argument("--errors", type=int, default=0, help="print the N most frequent disagreements")
    args = ap.parse_args(argv)
    errs: Counter = Counter()
    for v in ("nob", "nno"):
        print(json.dumps(asdict(agreement(args.data, v, errs))))
    for k, c in errs.most_common(args.errors):
        print(c, k)


if __name__ == "__main__":
    main()
