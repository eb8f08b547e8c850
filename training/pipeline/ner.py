"""Train a dedicated NER (`config_ner.cfg`, its own tok2vec) and swap it into a pipeline.

    OMP_NUM_THREADS=1 nice -n 10 .venv/bin/python -m training.pipeline.ner --work runs/vec \
        --vectors runs/vectors/spacy_vectors --model models/norsk_pipeline --out runs/vec/final_ner \
        --max-minutes 100

Uses the corpus that `training.pipeline.train` converted under --work (NDT train, UD dev with
NorNE entities, both varieties) and the same floret vectors as the pipeline, so the swapped-in
component reads the pipeline's own vectors. Writes the pipeline with the new NER to --out and
prints the dev scores of both varieties; copy it over models/ only if they are better.
"""

from __future__ import annotations

import os

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import argparse  # noqa: E402
import json  # noqa: E402
import shutil  # noqa: E402
from pathlib import Path  # noqa: E402

import spacy  # noqa: E402

from .callbacks import TimeBudgetReached  # noqa: E402  (also registers the training callbacks)

HERE = Path(__file__).resolve().parent


def swap_ner(model: Path, ner_model: Path, out: Path) -> None:
    """`model` with its `ner` replaced by the one in `ner_model`; disabled components stay disabled."""
    import nlp.compounds  # noqa: F401  (registers the compound-lemma component)

    pipeline = spacy.load(model)
    disabled = list(pipeline.disabled)
    for name in disabled:
        pipeline.enable_pipe(name)
    order = pipeline.pipe_names
    after = order[order.index("ner") + 1] if order.index("ner") + 1 < len(order) else None
    pipeline.remove_pipe("ner")
    source = spacy.load(ner_model)
    if after is not None:
        pipeline.add_pipe("ner", source=source, before=after)
    else:
        pipeline.add_pipe("ner", source=source)
    for name in disabled:
        pipeline.disable_pipe(name)
    pipeline.meta["ner"] = "dedicated tok2vec (training/pipeline/config_ner.cfg)"
    tmp = out.with_name(out.name + ".tmp")
    if tmp.exists():
        shutil.rmtree(tmp)
    pipeline.to_disk(tmp)
    if out.exists():
        shutil.rmtree(out)
    tmp.rename(out)


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", type=Path, default=Path("../shared/data"))
    ap.add_argument("--work", type=Path, default=Path("runs/pipeline"), help="holds corpus/ from train.py")
    ap.add_argument("--vectors", type=Path, required=True, help="the pipeline's spaCy vectors folder")
    ap.add_argument("--model", type=Path, default=Path("models/norsk_pipeline"))
    ap.add_argument("--out", type=Path, required=True)
    ap.add_argument("--config", type=Path, default=HERE / "config_ner.cfg")
    ap.add_argument("--max-minutes", type=float, default=100)
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args(argv)

    from spacy.cli.train import train as spacy_train

    overrides = {
        "paths.train": str(args.work / "corpus" / "train"),
        "paths.dev": str(args.work / "corpus" / "dev"),
        "paths.vectors": str(args.vectors),
        "system.seed": args.seed,
        "training.before_update.max_minutes": args.max_minutes,
    }
    train_dir = args.work / "ner"
    try:
        spacy_train(args.config, output_path=train_dir, use_gpu=-1, overrides=overrides)
    except TimeBudgetReached as exc:
        print(f"stopped: {exc}; using model-best", flush=True)
    swap_ner(args.model, train_dir / "model-best", args.out)

    from nlp.eval_pipeline import evaluate_file

    scores = {v: evaluate_file(args.data / "ud" / v / "dev.conllu", str(args.out)) for v in ("nob", "nno")}
    print(json.dumps({v: {k: s[k] for k in ("upos", "lemma", "ents_p", "ents_r", "ents_f", "words_per_second")}
                      for v, s in scores.items()}), flush=True)


if __name__ == "__main__":
    main()
