"""Train a component with its own tok2vec and swap it into the pipeline in place of a shared one.

    # NER (both varieties), then the Bokmål and Nynorsk morphologizers:
    OMP_NUM_THREADS=1 nice -n 10 .venv/bin/python -m training.pipeline.dedicated --component ner \
        --work runs/vec --vectors runs/vectors/spacy_vectors --model models/norsk_pipeline --out runs/vec/ded \
        --max-minutes 95
    ... --component morphologizer --variety nob --model runs/vec/ded --out runs/vec/ded --max-minutes 30
    ... --component morphologizer --variety nno --model runs/vec/ded --out runs/vec/ded --max-minutes 30

Uses the corpus that `training.pipeline.train` converted under --work (NDT train, UD dev, both
varieties) and the pipeline's own floret vectors, so the swapped-in component reads them from
the pipeline's vocab. The shared tok2vec (width 96) serves senter and the lemmatizers; the
components that gained from capacity of their own (`config_ner.cfg`, `config_morph.cfg`) get it.
Writes the pipeline to --out and prints the dev scores of both varieties.
"""

from __future__ import annotations

import os

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import argparse  # noqa: E402
import json  # noqa: E402
from pathlib import Path  # noqa: E402

import spacy  # noqa: E402

from nlp.pipeline.spacy_pipeline import NN_SUFFIX  # noqa: E402

from .callbacks import TimeBudgetReached  # noqa: E402  (also registers the training callbacks)
from .store import all_enabled, put_component, save_pipeline  # noqa: E402

HERE = Path(__file__).resolve().parent
CONFIGS = {"ner": HERE / "config_ner.cfg", "morphologizer": HERE / "config_morph.cfg"}

def swap(model: Path, name: str, trained: Path, factory_name: str, out: Path, note: str) -> None:
    """`model` with component `name` replaced by `factory_name` from `trained`; order and disabled kept."""
    pipeline = spacy.load(model)
    source = spacy.load(trained)
    with all_enabled(pipeline) as disabled:
        # The NER goes before the senter: a predicted sentence boundary inside a name would cut
        # the entity, and the NER learned without boundaries (dev NER F +0.4 nob).
        # An NER already before the senter keeps its place, so the name-mention rule still follows it.
        names = pipeline.component_names
        before = ("senter" if factory_name == "ner" and "senter" in names
                  and (name not in names or names.index(name) > names.index("senter")) else None)
        if put_component(pipeline, name, factory_name, source, before):
            disabled.append(name)  # a new Nynorsk head (e.g. ner_nn), run only for Nynorsk texts
    pipeline.meta.setdefault("dedicated", {})[name] = note
    save_pipeline(pipeline, out)

def dedicated_config(component: str, out: Path, init_from: Path | None = None, learn_rate: float = 2e-4,
                     init_tok2vec: Path | None = None) -> Path:
    """The component's config, optionally fine-tuning a trained one (`init_from`: sourced, lower
    learning rate) or starting its tok2vec from pretrained weights (`init_tok2vec`, pretrain.py)."""
    config = spacy.util.load_config(CONFIGS[component])
    if init_from:
        config["components"][component] = {"source": str(init_from.resolve())}
        config["training"]["optimizer"]["learn_rate"] = learn_rate
        config["training"]["eval_frequency"] = 250
    if init_tok2vec:
        config["initialize"]["after_init"] = {"@callbacks": "fritekst.init_inner_tok2vec.v1",
                                              "path": str(init_tok2vec.resolve()), "component": component}
    out.mkdir(parents=True, exist_ok=True)
    path = out / f"config_{component}_dedicated.cfg"
    config.to_disk(path)
    return path


def train_dedicated(component: str, variety: str, work: Path, vectors: Path, max_minutes: float,
                    seed: int = 0, init_from: Path | None = None, learn_rate: float = 2e-4,
                    init_tok2vec: Path | None = None) -> Path:
    """Train `component` with its own tok2vec on one variety's data ("both": all); returns model-best.
    With `init_from`, fine-tune that trained component instead of starting from scratch; with
    `init_tok2vec`, start its tok2vec from pretrained weights."""
    from spacy.cli.train import train as spacy_train

    corpus = work / "corpus"
    part = "" if variety == "both" else f"{variety}.spacy"
    overrides = {
        "paths.train": str(corpus / "train" / part), "paths.dev": str(corpus / "dev" / part),
        "paths.vectors": str(vectors), "system.seed": seed,
        "training.before_update.max_minutes": max_minutes,
    }
    suffix = (("" if variety == "both" else f"_{variety}") + ("_finetuned" if init_from else "")
              + ("_pretrained" if init_tok2vec else ""))
    train_dir = work / f"dedicated_{component}{suffix}"
    config = (dedicated_config(component, train_dir, init_from, learn_rate, init_tok2vec)
              if init_from or init_tok2vec else CONFIGS[component])
    try:
        spacy_train(config, output_path=train_dir, use_gpu=-1, overrides=overrides)
    except TimeBudgetReached as exc:
        print(f"stopped: {exc}; using model-best", flush=True)
    return train_dir / "model-best"

def target_name(component: str, variety: str) -> str:
    """The pipeline component a dedicated one replaces: Nynorsk heads carry the `_nn` suffix."""
    return component + (NN_SUFFIX if variety == "nno" else "")

def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--component", choices=sorted(CONFIGS), required=True)
    ap.add_argument("--variety", choices=["both", "nob", "nno"], default="both",
                    help="training data; nob/nno replace that variety's head (morphologizer / morphologizer_nn)")
    ap.add_argument("--data", type=Path, default=Path("../shared/data"))
    ap.add_argument("--work", type=Path, default=Path("runs/pipeline"), help="holds corpus/ from train.py")
    ap.add_argument("--vectors", type=Path, required=True, help="the pipeline's spaCy vectors folder")
    ap.add_argument("--model", type=Path, default=Path("models/norsk_pipeline"))
    ap.add_argument("--out", type=Path, required=True)
    ap.add_argument("--max-minutes", type=float, default=60)
    ap.add_argument("--trained", type=Path, help="skip training: swap in this model-best")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--init-from", type=Path,
                    help="fine-tune this trained model's component (e.g. the joint NER) instead of training anew")
    ap.add_argument("--learn-rate", type=float, default=2e-4, help="learning rate when fine-tuning")
    ap.add_argument("--init-tok2vec", type=Path, help="pretrained tok2vec weights (pretrain.py) to start from")
    args = ap.parse_args(argv)

    best = args.trained or train_dedicated(args.component, args.variety, args.work, args.vectors,
                                           args.max_minutes, args.seed, args.init_from, args.learn_rate,
                                           args.init_tok2vec)
    swap(args.model, target_name(args.component, args.variety), best, args.component, args.out,
         f"own tok2vec ({CONFIGS[args.component].name}, trained on {args.variety})")

    from nlp.eval.pipeline import evaluate_file

    scores = {v: evaluate_file(args.data / "ud" / v / "dev.conllu", str(args.out)) for v in ("nob", "nno")}
    print(json.dumps({v: {k: s[k] for k in ("upos", "morph", "lemma", "ents_f", "words_per_second")}
                      for v, s in scores.items()}), flush=True)

if __name__ == "__main__":
    main()
