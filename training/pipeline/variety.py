"""Give each variety an encoder of its own: fine-tune the joint tok2vec and its heads on one variety.

    OMP_NUM_THREADS=1 nice -n 10 .venv/bin/python -m training.pipeline.variety \
        --joint runs/vec/model/model-best --variety nob --work runs/vec --max-minutes 25
    ... --variety nno ...
    ... --assemble --model models/norsk_pipeline --out runs/vec/per_variety
    # or: fine-tune one variety's encoder of an assembled pipeline again and put it back
    ... --continue-from models/norsk_pipeline --variety nno --out runs/vec/continued --seed 2

The joint model learns from both varieties; fine-tuned on one (tok2vec, morphologizer,
lemmatizer and senter together) it fits that variety better. Assembled, the Bokmål encoder and
heads replace the joint ones and the Nynorsk ones are added as `tok2vec_nn`, `morphologizer_nn`,
`trainable_lemmatizer_nn` and `senter_nn` (disabled; `nlp.pipeline.spacy_pipeline.annotate` runs them for
Nynorsk texts). Every text still runs through one encoder, so the pipeline is as fast as before;
it grows by one tok2vec. The heads read the encoder's output from `doc.tensor` at inference, so
the two encoders never meet.
"""

from __future__ import annotations

import os

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import argparse  # noqa: E402
import json  # noqa: E402
from pathlib import Path  # noqa: E402

import spacy  # noqa: E402

from .callbacks import TimeBudgetReached  # noqa: E402  (also registers the training callbacks)
from nlp.pipeline.spacy_pipeline import NN_SUFFIX  # noqa: E402

from .store import all_enabled, install_varieties, put_component, save_pipeline  # noqa: E402

HERE = Path(__file__).resolve().parent
ENCODER = ("tok2vec", "morphologizer", "trainable_lemmatizer", "senter")


def variety_config(joint: Path, learn_rate: float, out: Path) -> Path:
    """The joint config with every encoder component sourced from the joint model, NER left out."""
    config = spacy.util.load_config(HERE / "config.cfg")
    config["nlp"]["pipeline"] = list(ENCODER)
    config["components"] = {name: {"source": str(joint.resolve())} for name in ENCODER}
    config["training"]["optimizer"]["learn_rate"] = learn_rate
    config["training"]["eval_frequency"] = 250
    config["training"]["score_weights"] = {"pos_acc": 0.5, "morph_acc": 0.1, "lemma_acc": 0.3, "sents_f": 0.1}
    config["initialize"]["components"] = {}
    # tokenizer exceptions plus the fix for sourced edit-tree lemmatizers (callbacks.py)
    config["initialize"]["before_init"] = {"@callbacks": "fritekst.stage2_before_init.v1"}
    out.mkdir(parents=True, exist_ok=True)
    path = out / "config_variety.cfg"
    config.to_disk(path)
    return path


def finetune(joint: Path, variety: str, work: Path, vectors: Path, max_minutes: float,
             learn_rate: float = 3e-4, seed: int = 0) -> Path:
    from spacy.cli.train import train as spacy_train

    corpus = work / "corpus"
    out = work / f"variety_{variety}"
    overrides = {
        "paths.train": str(corpus / "train" / f"{variety}.spacy"),
        "paths.dev": str(corpus / "dev" / f"{variety}.spacy"),
        "paths.vectors": str(vectors), "system.seed": seed,
        "training.before_update.max_minutes": max_minutes,
    }
    try:
        spacy_train(variety_config(joint, learn_rate, out), output_path=out, use_gpu=-1, overrides=overrides)
    except TimeBudgetReached as exc:
        print(f"stopped: {exc}; using model-best", flush=True)
    return out / "model-best"


def assemble(model: Path, nob: Path, nno: Path, out: Path) -> None:
    """`model` with the Bokmål encoder and heads swapped in and the Nynorsk ones added (disabled)."""
    pipeline = spacy.load(model)
    install_varieties(pipeline, ENCODER, spacy.load(nob), spacy.load(nno))
    pipeline.meta["per_variety_encoders"] = "tok2vec fine-tuned per variety (training/pipeline/variety.py)"
    save_pipeline(pipeline, out)


def extract(model: Path, variety: str, out: Path) -> Path:
    """One variety's encoder and heads of an assembled pipeline, under the joint names, as a
    pipeline of their own (what `finetune` starts from); the listeners find the encoder anew."""
    pipeline = spacy.load(model)
    suffix = NN_SUFFIX if variety == "nno" else ""
    with all_enabled(pipeline) as disabled:
        for name in list(pipeline.component_names):
            if name not in {c + suffix for c in ENCODER}:
                pipeline.remove_pipe(name)
        if suffix:
            for name in ENCODER:
                pipeline.rename_pipe(name + suffix, name)
        disabled.clear()
    save_pipeline(pipeline, out)
    return out


def put_back(model: Path, variety: str, trained: Path, out: Path) -> None:
    """`model` with one variety's encoder and heads replaced by those of `trained`."""
    pipeline = spacy.load(model)
    source = spacy.load(trained)
    suffix = NN_SUFFIX if variety == "nno" else ""
    with all_enabled(pipeline):
        for name in ENCODER:
            put_component(pipeline, name + suffix, name, source)
    save_pipeline(pipeline, out)


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--joint", type=Path, default=Path("runs/pipeline/model/model-best"))
    ap.add_argument("--variety", choices=["nob", "nno"])
    ap.add_argument("--work", type=Path, default=Path("runs/pipeline"), help="holds corpus/ from train.py")
    ap.add_argument("--vectors", type=Path, help="the joint model's spaCy vectors (default <work>/vectors/spacy_vectors)")
    ap.add_argument("--max-minutes", type=float, default=25)
    ap.add_argument("--learn-rate", type=float, default=3e-4)
    ap.add_argument("--assemble", action="store_true", help="build the pipeline from both fine-tuned models")
    ap.add_argument("--model", type=Path, default=Path("models/norsk_pipeline"))
    ap.add_argument("--out", type=Path)
    ap.add_argument("--data", type=Path, default=Path("../shared/data"))
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--continue-from", type=Path,
                    help="an assembled pipeline: fine-tune its --variety encoder again, write it to --out")
    args = ap.parse_args(argv)
    if args.continue_from:
        start = extract(args.continue_from, args.variety, args.work / f"start_{args.variety}")
        best = finetune(start, args.variety, args.work, args.vectors or args.continue_from, args.max_minutes,
                        args.learn_rate, args.seed)
        put_back(args.continue_from, args.variety, best, args.out)
        from nlp.eval.pipeline import evaluate_file

        v = args.variety
        s = evaluate_file(args.data / "ud" / v / "dev.conllu", str(args.out))
        print(json.dumps({v: {k: s[k] for k in ("upos", "morph", "lemma", "sents_f", "ents_f")}}), flush=True)
        return
    if args.variety:
        finetune(args.joint, args.variety, args.work, args.vectors or args.work / "vectors" / "spacy_vectors",
                 args.max_minutes, args.learn_rate, args.seed)
    if args.assemble:
        assemble(args.model, args.work / "variety_nob" / "model-best", args.work / "variety_nno" / "model-best",
                 args.out)
        from nlp.eval.pipeline import evaluate_file

        scores = {v: evaluate_file(args.data / "ud" / v / "dev.conllu", str(args.out)) for v in ("nob", "nno")}
        print(json.dumps({v: {k: s[k] for k in ("upos", "morph", "lemma", "ents_f", "words_per_second")}
                          for v, s in scores.items()}), flush=True)


if __name__ == "__main__":
    main()
