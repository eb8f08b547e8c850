"""Pretrain the dedicated NER's tok2vec on raw NoReC text (`spacy pretrain`, character objective).

    OMP_NUM_THREADS=1 nice -n 10 .venv/bin/python -m training.pipeline.pretrain \
        --data ../shared/data --vectors runs/vectors/spacy_vectors --out runs/pretrain --max-minutes 45

NDT + NorNE is small (30k sentences); the tok2vec learns word shapes, suffixes and context
from 13M words of reviews first. Each checkpoint (`model*.bin`) can seed training through
the NER's tok2vec (`fritekst.init_inner_tok2vec.v1`, dedicated.py `--init-tok2vec`). Only NoReC train is read; its sentences
never appear in the UD dev files.
"""

from __future__ import annotations

import os

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import argparse  # noqa: E402
import gzip  # noqa: E402
import json  # noqa: E402
import multiprocessing  # noqa: E402
from pathlib import Path  # noqa: E402

import spacy  # noqa: E402

from . import callbacks  # noqa: E402,F401  (registers the config's training callbacks)

HERE = Path(__file__).resolve().parent

PRETRAINING = {
    "max_epochs": 1,
    "dropout": 0.2,
    "n_save_every": 2000,
    "n_save_epoch": None,
    "component": "tok2vec",
    "layer": "",
    "corpus": "corpora.pretrain",
    "batcher": {"@batchers": "spacy.batch_by_words.v1", "size": 3000, "discard_oversize": False,
                "tolerance": 0.2, "get_length": None},
    "objective": {"@architectures": "spacy.PretrainCharacters.v1", "maxout_pieces": 3,
                  "hidden_size": 300, "n_characters": 4},
    "optimizer": {"@optimizers": "Adam.v1", "beta1": 0.9, "beta2": 0.999, "L2_is_weight_decay": True,
                  "L2": 0.01, "grad_clip": 1.0, "use_averages": True, "eps": 1e-8, "learn_rate": 0.001},
}


def write_raw_text(data: Path, out: Path, max_words: int) -> int:
    """NoReC train paragraphs as spaCy JSONL ({"text": ...}); returns the number of words written."""
    words = 0
    with gzip.open(data / "norec" / "train.jsonl.gz", "rt", encoding="utf-8") as src, \
            out.open("w", encoding="utf-8") as dst:
        for line in src:
            for para in json.loads(line)["text"].split("\n\n"):
                text = " ".join(para.split())
                n = len(text.split())
                if n < 5:
                    continue
                dst.write(json.dumps({"text": text}, ensure_ascii=False) + "\n")
                words += n
                if words >= max_words:
                    return words
    return words


def pretrain_config(raw_text: Path, vectors: Path, out: Path) -> Path:
    config = spacy.util.load_config(HERE / "config_ner.cfg", interpolate=True)
    # The NER's inner tok2vec as a standalone component: the ref "tok2vec" of a transition-based
    # parser also holds its output projection, which the pretraining objective cannot sit on.
    tok2vec = config["components"]["ner"]["model"]["tok2vec"]
    config["nlp"]["pipeline"] = ["tok2vec"]
    config["components"] = {"tok2vec": {"factory": "tok2vec", "model": tok2vec}}
    config["paths"]["raw_text"] = str(raw_text.resolve())
    config["paths"]["vectors"] = str(vectors.resolve())
    config["corpora"]["pretrain"] = {"@readers": "spacy.JsonlCorpus.v1", "path": "${paths.raw_text}",
                                     "min_length": 5, "max_length": 500, "limit": 0}
    config["pretraining"] = PRETRAINING
    config["nlp"]["after_creation"] = {"@callbacks": "fritekst.load_vectors.v1", "path": "${paths.vectors}"}
    path = out / "config_pretrain.cfg"
    config.to_disk(path)
    return path


def _run(config: Path, out: Path) -> None:
    from spacy.training.pretrain import pretrain

    pretrain(spacy.util.load_config(config, interpolate=True), out, silent=False)


def main(argv: list[str] | None = None) -> Path | None:
    """Returns the last checkpoint written."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", type=Path, default=Path("../shared/data"))
    ap.add_argument("--vectors", type=Path, required=True, help="the pipeline's spaCy vectors folder")
    ap.add_argument("--out", type=Path, default=Path("runs/pretrain"))
    ap.add_argument("--max-words", type=int, default=14_000_000, help="raw text to read (one epoch)")
    ap.add_argument("--max-minutes", type=float, default=45, help="stop after this; the last checkpoint stays")
    args = ap.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    raw = args.out / "raw_text.jsonl"
    print(f"raw text: {write_raw_text(args.data, raw, args.max_words):,} words", flush=True)
    config = pretrain_config(raw, args.vectors, args.out)
    proc = multiprocessing.get_context("spawn").Process(target=_run, args=(config, args.out))
    proc.start()
    proc.join(args.max_minutes * 60)
    if proc.is_alive():
        proc.terminate()
        proc.join()
        print(f"stopped after {args.max_minutes} min", flush=True)
    checkpoints = sorted(args.out.glob("model*.bin"), key=lambda p: p.stat().st_mtime)
    print(f"last checkpoint: {checkpoints[-1] if checkpoints else None}", flush=True)
    return checkpoints[-1] if checkpoints else None


if __name__ == "__main__":
    main()
