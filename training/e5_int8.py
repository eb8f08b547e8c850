"""SmoothQuant scales for the int8 e5-small (`nlp.embed.e5_int8`), from NoReC train sentences.

    .venv/bin/python -m training.e5_int8 --data ../shared/data [--calibration 600] [--check 400]

Calibration: the largest activation of every input channel of every linear layer, over
`--calibration` NoReC train sentences run through the float32 model. Alpha (how much of the
activation range moves into the weights) is chosen from ALPHAS on `--check` other NoReC train
sentences, by the lowest cosine to the float32 vectors (then the mean). Survey comments and
dev/test splits are not used. Writes models/e5_int8/activation_max.safetensors and meta.json.
"""

from __future__ import annotations

import argparse
import gzip
import json
import random
from pathlib import Path

import torch

from nlp.embed.e5_int8 import INT8_PARTS, convert
from nlp.embed.e5_torch import TorchE5
from nlp.paths import models_dir

ALPHAS = (0.5, 0.6, 0.7, 0.8)


def norec_train_sentences(data: Path, n: int, seed: int) -> list[str]:
    sentences = []
    with gzip.open(data / "norec" / "train.jsonl.gz", "rt", encoding="utf-8") as f:
        for line in f:
            lines = json.loads(line)["text"].split("\n")[1:]  # the first line is the title
            sentences += [s.strip() for s in lines if len(s.split()) >= 5]
    sentences = sorted(set(sentences))
    return random.Random(seed).sample(sentences, n)


def activation_max(enc: TorchE5, texts: list[str]) -> dict[str, torch.Tensor]:
    found: dict[str, torch.Tensor] = {}
    hooks = []
    for i, layer in enumerate(enc.model.layers):
        for part in INT8_PARTS:
            def hook(_m, inputs, _out, key=f"layers.{i}.{part}"):
                x = inputs[0].detach().abs().reshape(-1, inputs[0].shape[-1]).amax(0).float()
                found[key] = torch.maximum(found[key], x) if key in found else x
            hooks.append(getattr(layer, part).register_forward_hook(hook))
    try:
        enc.encode(texts)
    finally:
        for h in hooks:
            h.remove()
    return found


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", type=Path, default=Path("../shared/data"))
    ap.add_argument("--calibration", type=int, default=600)
    ap.add_argument("--check", type=int, default=400)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--out", type=Path, default=models_dir() / "e5_int8")
    args = ap.parse_args()
    torch.manual_seed(args.seed)
    sentences = norec_train_sentences(args.data, args.calibration + args.check, args.seed)
    calib, check = sentences[:args.calibration], sentences[args.calibration:]

    ref = TorchE5(precision="fp32")
    amax = activation_max(ref, calib)
    target = ref.encode(check)
    trials = {}
    for alpha in ALPHAS:
        enc = TorchE5(precision="fp32")
        convert(enc.model, amax, alpha, bf16_rest=False)
        cos = (enc.encode(check) * target).sum(axis=1)
        trials[alpha] = {"cos_min": float(cos.min()), "cos_mean": float(cos.mean())}
        print(f"alpha {alpha}: cosine to float32 on {len(check)} check sentences: mean {cos.mean():.6f} "
              f"min {cos.min():.5f}", flush=True)
    best = max(ALPHAS, key=lambda a: (trials[a]["cos_min"], trials[a]["cos_mean"]))
    args.out.mkdir(parents=True, exist_ok=True)
    from safetensors.torch import save_file

    save_file({k: v.contiguous() for k, v in amax.items()}, str(args.out / "activation_max.safetensors"))
    meta = {"alpha": best, "trials": {str(a): t for a, t in trials.items()}, "calibration_sentences": len(calib),
            "check_sentences": len(check), "seed": args.seed, "source": "NoReC 2.1 train (norec/train.jsonl.gz)",
            "command": f"python -m training.e5_int8 --data {args.data} --calibration {args.calibration} "
                       f"--check {args.check} --seed {args.seed}"}
    (args.out / "meta.json").write_text(json.dumps(meta, indent=2) + "\n", encoding="utf-8")
    print(f"alpha {best} -> {args.out}")


if __name__ == "__main__":
    main()
