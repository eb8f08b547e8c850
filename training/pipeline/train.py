"""Retrain fritekst's Norwegian spaCy pipeline (Bokmål + Nynorsk) from the shared data.

    OMP_NUM_THREADS=1 nice -n 10 .venv/bin/python -m training.pipeline.train \
        --data ../shared/data --out models/norsk_pipeline --max-minutes 47 --jobs 2 \
        --variety-minutes 15 --pretrain-minutes 50 --dedicated-minutes 24

Steps: floret vectors on NoReC (vectors.py; skipped when <work>/vectors exists); convert NDT
train (mapped to UD tags) and UD dev to DocBin files under --work; stage 1 trains the joint
Bokmål+Nynorsk model with `config.cfg` (dev = UD dev of both varieties); stage 2 fine-tunes
the joint tok2vec with its morphologizer, lemmatizer and senter on each variety (variety.py;
with `--variety-minutes 0`, the older heads-only stage on the frozen joint tok2vec,
`config_heads.cfg`, heads.py); the assembled pipeline goes to --out with the tokenizer
exceptions stored in it; then a NER with a tok2vec of its own, started from weights pretrained
on NoReC (pretrain.py), replaces the shared-tok2vec one (dedicated.py;
`--dedicated-morphologizers` does the same for the morphologizers); that NER is fine-tuned
again on gold plus NoReC sentences tagged by an e5-small teacher (training/teacher), the name-mention rule
(nlp/pipeline/name_mentions.py) goes after the NER, the number full-stop rule (nlp/pipeline/full_stops.py) first,
the compound-lemma table is added (compounds.py),
and the pipeline is scored on the UD dev file of each variety (`<out>/scores.json`).
"""

from __future__ import annotations

import os

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import argparse  # noqa: E402
import json  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

from . import tokenizer_exceptions  # noqa: E402
from .callbacks import TimeBudgetReached  # noqa: E402  (also registers the training callbacks)
from .check_mapping import agreement  # noqa: E402
from .convert import convert_file  # noqa: E402
from .heads import assemble, train_heads  # noqa: E402
from .store import save_pipeline  # noqa: E402

HERE = Path(__file__).resolve().parent
PIPELINE_NAME = "norsk_pipeline"
PIPELINE_VERSION = "1.1.0"

def build_corpus(data: Path, work: Path, per_doc: int = 10) -> dict[str, int]:
    counts = {}
    for v in ("nob", "nno"):
        counts[f"train_{v}"] = convert_file(data / "ndt" / v / "train.conll", work / "corpus" / "train" / f"{v}.spacy", True, per_doc)
        counts[f"dev_{v}"] = convert_file(data / "ud" / v / "dev.conllu", work / "corpus" / "dev" / f"{v}.spacy", False, per_doc)
    return counts

def finalize(nlp, out: Path, extra_meta: dict) -> None:
    """Write the pipeline to `out`, with a config that loads without fritekst installed."""
    tokenizer_exceptions.add_tokenizer_exceptions(nlp)  # idempotent; already there from before_init
    nlp.meta.update(extra_meta)
    # the before_init callback is only needed for training; drop it so plain spacy.load and
    # `spacy train` on the saved config need no fritekst code
    nlp.config["initialize"]["before_init"] = None
    nlp.config["training"]["before_update"] = None
    save_pipeline(nlp, out)

def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", type=Path, default=Path("../shared/data"))
    ap.add_argument("--out", type=Path, default=Path("models") / PIPELINE_NAME)
    ap.add_argument("--work", type=Path, default=Path("runs/pipeline"), help="corpus and checkpoints")
    ap.add_argument("--config", type=Path, default=HERE / "config.cfg")
    ap.add_argument("--max-epochs", type=int, default=None, help="override [training] max_epochs")
    ap.add_argument("--max-steps", type=int, default=None, help="override [training] max_steps")
    ap.add_argument("--vectors", type=Path, default=None,
                    help="spaCy vectors folder (default: <work>/vectors/spacy_vectors, trained on NoReC if absent)")
    ap.add_argument("--no-vectors", action="store_true", help="train without static vectors")
    ap.add_argument("--max-minutes", type=float, default=None, help="stop stage 1 after this wall time")
    ap.add_argument("--heads-minutes", type=float, default=25, help="wall-time budget of each stage-2 run")
    ap.add_argument("--heads-steps", type=int, default=None, help="override stage-2 max_steps")
    ap.add_argument("--jobs", type=int, default=1, choices=[1, 2], help="2: train both stage-2 runs at once")
    ap.add_argument("--joint-model", type=Path, default=None,
                    help="skip stage 1 and use this trained joint model (e.g. <work>/model/model-best)")
    ap.add_argument("--dedicated-minutes", type=float, default=25,
                    help="wall-time budget of each dedicated component (NER; 0 skips it)")
    ap.add_argument("--variety-minutes", type=float, default=15,
                    help="fine-tune the joint encoder per variety for this long each (0: heads-only stage 2)")
    ap.add_argument("--variety-seed", type=int, default=1,
                    help="seed of the per-variety fine-tuning (the shipped encoders used 1)")
    ap.add_argument("--pretrain-minutes", type=float, default=50,
                    help="pretrain the dedicated NER's tok2vec on NoReC for this long (0 skips it)")
    ap.add_argument("--teacher-epochs", type=int, default=3,
                    help="fine-tune an e5-small NER teacher this many epochs and distil it into the NER "
                         "(training/teacher; ~15 min an epoch on 2 CPU cores, 0 skips it)")
    ap.add_argument("--silver", type=int, default=30000,
                    help="unlabelled NoReC sentences per variety the teacher tags (Nynorsk: as many as there are)")
    ap.add_argument("--distill-minutes", type=float, default=24,
                    help="fine-tune the NER on gold + the teacher's silver entities for this long")
    ap.add_argument("--teacher-smoke", action="store_true",
                    help="run the teacher with 1 layer on 200 sentences a part (checks the recipe's path only)")
    ap.add_argument("--dedicated-morphologizers", action="store_true",
                    help="also give each variety's morphologizer its own tok2vec (+0.1-0.15 UPOS on dev, "
                         "but the pipeline runs at ~5,000 instead of ~7,700 words/s)")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--skip-convert", action="store_true")
    args = ap.parse_args(argv)

    from spacy.cli.train import train as spacy_train

    t0 = time.time()
    if not args.skip_convert:
        print("corpus:", build_corpus(args.data, args.work), flush=True)
    mapping = {v: agreement(args.data, v).__dict__ for v in ("nob", "nno")}
    print("mapping agreement on dev:", json.dumps(mapping), flush=True)

    overrides = {
        "paths.train": str(args.work / "corpus" / "train"),
        "paths.dev": str(args.work / "corpus" / "dev"),
        "system.seed": args.seed,
    }
    if args.max_epochs is not None:
        overrides["training.max_epochs"] = args.max_epochs
    if args.max_steps is not None:
        overrides["training.max_steps"] = args.max_steps
    if args.max_minutes is not None:
        overrides["training.before_update.max_minutes"] = args.max_minutes
    if not args.no_vectors and args.joint_model is None:
        if args.vectors is None:
            args.vectors = args.work / "vectors" / "spacy_vectors"
            if not args.vectors.exists():
                from .vectors import main as train_vectors

                train_vectors(["--data", str(args.data), "--work", str(args.work / "vectors")])
        overrides["paths.vectors"] = str(args.vectors)
        overrides["components.tok2vec.model.embed.include_static_vectors"] = True
    train_dir = args.work / "model"
    joint = args.joint_model
    if joint is None:
        try:
            spacy_train(args.config, output_path=train_dir, use_gpu=-1, overrides=overrides)
        except TimeBudgetReached as exc:
            print(f"stopped: {exc}; using model-best", flush=True)
        joint = train_dir / "model-best"
    stage1_s = time.time() - t0

    vectors = args.vectors or args.work / "vectors" / "spacy_vectors"  # the joint model's vectors
    meta = {
        "name": PIPELINE_NAME,
        "version": PIPELINE_VERSION,
        "description": "fritekst: Norwegian Bokmål + Nynorsk pipeline (UPOS, features, lemmas, "
        "sentences, NorNE entities) trained on NDT mapped to UD",
        "sources": [{"name": "NDT + NorNE", "url": "https://github.com/ltgoslo/norne", "license": "CC0"}],
        "license": "CC0 annotations; see data licences",
    }
    if args.variety_minutes > 0:
        import spacy

        from . import variety

        encoders = run_varieties(joint, args, vectors)
        finalize(spacy.load(joint), args.out, meta)
        variety.assemble(args.out, encoders["nob"], encoders["nno"], args.out)
    else:
        finalize(assemble(joint, *stage2_heads(joint, args)), args.out, meta)
    train_s = time.time() - t0
    dedicated(args, vectors)
    distill(args, vectors)

    from nlp.pipeline.full_stops import FACTORY as NUMBER_FULL_STOPS
    from nlp.pipeline.name_mentions import FACTORY as NAME_MENTIONS

    from .compounds import add_to_pipeline
    from .store import add_rule_component

    add_rule_component(args.out, NAME_MENTIONS, after="ner")  # surname-only mentions of a named person
    add_rule_component(args.out, NUMBER_FULL_STOPS)  # "i 2006. Då": the full stop ends the sentence

    add_to_pipeline(args.out, args.data)  # lemmas for unseen compounds, from NDT train

    from nlp.eval.pipeline import evaluate_file

    scores = {"mapping_agreement_dev": mapping, "stage1_seconds": round(stage1_s), "train_seconds": round(train_s)}
    for v in ("nob", "nno"):
        scores[f"dev_{v}"] = evaluate_file(args.data / "ud" / v / "dev.conllu", str(args.out))
    (args.out / "scores.json").write_text(json.dumps(scores, indent=2, ensure_ascii=False) + "\n")
    print(json.dumps(scores, ensure_ascii=False), flush=True)


def _in_parallel(module: str, joint: Path, args, extra: list[str]) -> None:
    """Run `module` for both varieties at once (--jobs 2), each in a process of its own."""
    procs = {v: subprocess.Popen([sys.executable, "-m", module, "--joint", str(joint), "--work", str(args.work),
                                  "--variety", v] + extra) for v in ("nob", "nno")}
    for v, p in procs.items():
        if p.wait() != 0:
            raise SystemExit(f"{module} for {v} failed")


def run_varieties(joint: Path, args, vectors: Path) -> dict[str, Path]:
    """Stage 2: the joint encoder and heads fine-tuned on each variety (variety.py)."""
    from .variety import finetune

    if args.jobs == 2:
        _in_parallel("training.pipeline.variety", joint, args,
                     ["--vectors", str(vectors), "--max-minutes", str(args.variety_minutes),
                      "--seed", str(args.variety_seed)])
        return {v: args.work / f"variety_{v}" / "model-best" for v in ("nob", "nno")}
    return {v: finetune(joint, v, args.work, vectors, args.variety_minutes, seed=args.variety_seed)
            for v in ("nob", "nno")}


def stage2_heads(joint: Path, args) -> tuple[Path, Path]:
    """The older stage 2: per-variety heads on the frozen joint tok2vec (heads.py)."""
    if args.jobs == 2:
        _in_parallel("training.pipeline.heads", joint, args, ["--max-minutes", str(args.heads_minutes)]
                     + (["--max-steps", str(args.heads_steps)] if args.heads_steps else []))
        return args.work / "heads_nob" / "model-best", args.work / "heads_nno" / "model-best"
    return tuple(train_heads(joint, args.work, v, args.heads_minutes, args.heads_steps, args.seed)
                 for v in ("nob", "nno"))


def dedicated(args, vectors: Path) -> None:
    """NER (and optionally morphologizers) with a tok2vec of their own, swapped into --out."""
    if args.dedicated_minutes <= 0:
        return
    from .dedicated import CONFIGS, swap, target_name, train_dedicated

    init_tok2vec = None
    if args.pretrain_minutes > 0:
        from .pretrain import main as pretrain

        init_tok2vec = pretrain(["--data", str(args.data), "--vectors", str(vectors),
                                 "--out", str(args.work / "pretrain"), "--max-minutes", str(args.pretrain_minutes)])
    steps = [("ner", "both")] + ([("morphologizer", "nob"), ("morphologizer", "nno")]
                                 if args.dedicated_morphologizers else [])
    for component, variety in steps:
        best = train_dedicated(component, variety, args.work, vectors, args.dedicated_minutes, args.seed,
                               init_tok2vec=init_tok2vec if component == "ner" else None)
        swap(args.out, target_name(component, variety), best, component, args.out,
             f"own tok2vec ({CONFIGS[component].name}, trained on {variety}"
             + (", pretrained on NoReC)" if init_tok2vec and component == "ner" else ")"))


def distill(args, vectors: Path) -> None:
    """The NER fine-tuned on gold plus NoReC sentences tagged by a fine-tuned e5-small teacher
    (training/teacher): the teacher reads names better than the CNN (dev F 84.2 / 80.1 vs 78.9 /
    75.3) but is too slow to ship; its silver entities carry some of that into the CNN."""
    if args.teacher_epochs <= 0 or args.dedicated_minutes <= 0:
        return
    from .dedicated import swap, train_dedicated

    teacher, work = args.work / "teacher", args.work / "distill"
    steps = [
        ["training.teacher.prep", "--corpus", str(args.work / "corpus"), "--data", str(args.data),
         "--model", str(args.out), "--silver-nob", str(args.silver), "--silver-nno", str(args.silver),
         "--out", str(teacher)],
        ["training.teacher.train", "--bundle", str(teacher / "bundle.npz"), "--out", str(teacher / "out"),
         "--epochs", str(args.teacher_epochs), "--lr", "1e-4", "--max-tokens", "4096", "--max-minutes", "600",
         "--seed", str(args.seed)] + (["--layers", "1", "--limit", "200"] if args.teacher_smoke else []),
        ["training.teacher.silver", "--teacher", str(teacher), "--gold", str(args.work / "corpus"),
         "--gold-copies", "2", "--out", str(work)],
    ]
    env = {k: v for k, v in os.environ.items() if k not in ("OMP_NUM_THREADS", "MKL_NUM_THREADS")}
    for step in steps:  # the teacher uses every core; the spaCy steps one thread
        subprocess.run([sys.executable, "-m", *step], check=True, env=env)
    best = train_dedicated("ner", "both", work, vectors, args.distill_minutes, args.seed,
                           init_from=args.out, learn_rate=2e-4)
    swap(args.out, "ner", best, "ner", args.out,
         "own tok2vec (config_ner.cfg), pretrained on NoReC, fine-tuned on gold + e5-small teacher silver")


if __name__ == "__main__":
    main()
