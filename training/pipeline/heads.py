"""Stage 2: per-variety morphologizer + lemmatizer heads on the joint model's frozen tok2vec.

    OMP_NUM_THREADS=1 nice -n 10 .venv/bin/python -m training.pipeline.heads \
        --joint runs/pipeline/model/model-best --variety nno --work runs/pipeline

The result is assembled into one pipeline: the Bokmål heads are the enabled `morphologizer` and
`trainable_lemmatizer` (so plain `spacy.load` gives Bokmål tags and lemmas); the Nynorsk heads are
the disabled `morphologizer_nn` and `trainable_lemmatizer_nn`, which `nlp.pipeline.spacy_pipeline.annotate` runs
instead for texts detected (or declared) as Nynorsk. tok2vec, senter and NER stay joint.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from .callbacks import TimeBudgetReached
from .store import install_varieties

HERE = Path(__file__).resolve().parent
HEAD_COMPONENTS = ("morphologizer", "trainable_lemmatizer")


def train_heads(joint: Path, work: Path, variety: str, max_minutes: float | None = None,
                max_steps: int | None = None, seed: int = 0) -> Path:
    """Train one variety's heads; returns the best stage-2 model folder."""
    from spacy.cli.train import train as spacy_train

    out = work / f"heads_{variety}"
    overrides = {
        "paths.train": str(work / "corpus" / "train" / f"{variety}.spacy"),
        "paths.dev": str(work / "corpus" / "dev" / f"{variety}.spacy"),
        "paths.source": str(joint),
        "system.seed": seed,
    }
    if max_minutes is not None:
        overrides["training.before_update.max_minutes"] = max_minutes
    if max_steps is not None:
        overrides["training.max_steps"] = max_steps
    try:
        spacy_train(HERE / "config_heads.cfg", output_path=out, use_gpu=-1, overrides=overrides)
    except TimeBudgetReached as exc:
        print(f"stopped: {exc}; using model-best", flush=True)
    return out / "model-best"


def assemble(joint: Path, nb_heads: Path, nn_heads: Path):
    """Joint model with the Bokmål heads enabled and the Nynorsk heads added, disabled."""
    import spacy

    nlp = spacy.load(joint)
    install_varieties(nlp, HEAD_COMPONENTS, spacy.load(nb_heads), spacy.load(nn_heads))
    return nlp


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--joint", type=Path, required=True)
    ap.add_argument("--work", type=Path, required=True, help="the joint run's --work (holds corpus/)")
    ap.add_argument("--variety", choices=["nob", "nno"], required=True)
    ap.add_argument("--max-minutes", type=float, default=None)
    ap.add_argument("--max-steps", type=int, default=None)
    args = ap.parse_args(argv)
    print(train_heads(args.joint, args.work, args.variety, args.max_minutes, args.max_steps))


if __name__ == "__main__":
    main()
