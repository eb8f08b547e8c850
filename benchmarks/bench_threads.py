"""Embedding after a theme fit in the same process (the app's server, a notebook): numba's threads.

    python benchmarks/bench_threads.py

UMAP's parallel loops run on numba threads. With numba's OpenMP layer (its default here) the
encoder that runs after a fit in the same process was many times slower; fritekst now runs numba
on its workqueue layer (`nlp.themes.cosine_umap.sleeping_numba_threads`). Each case is a fresh
process that embeds 300 sample comments with the default encoder: without a fit before it, after
a UMAP fit on numba's default layer (OpenMP here; the old behaviour, forced with NUMBA_THREADING_LAYER=default), and
after a UMAP fit as fritekst runs it now. Each case twice, interleaved. Writes the "Embedding after
a theme fit" section of RESULTS.md.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from results import write_section  # noqa: E402

CHILD = """
import json, sys, time, warnings
sys.path.insert(0, {root!r}); warnings.filterwarnings("ignore")
import numpy as np, pandas as pd
if {fit}:
    from nlp.themes.cosine_umap import CosineUMAP
    X = np.random.default_rng(0).normal(size=(300, 8)).astype(np.float32)
    CosineUMAP(n_neighbors=10, n_components=5, random_state=42, n_jobs=1).fit_transform(X)
from nlp.embed.encoders import get_encoder
texts = pd.read_csv({sample!r}, sep=";", encoding="utf-8-sig", dtype=str, keep_default_na=False)["Svar"].tolist()[:300]
encoder = get_encoder()
encoder.encode(texts[:16])
t = time.perf_counter(); encoder.encode(texts); s = time.perf_counter() - t
import numba
print(json.dumps({{"texts_per_s": len(texts) / s, "layer": numba.threading_layer() if {fit} else "-"}}))
"""
CASES = [("no theme fit before", False, None), ("after a UMAP fit, numba's default layer (before)", True, "default"),
         ("after a UMAP fit, as fritekst runs it now", True, None)]


def run(fit: bool, layer: str | None) -> dict:
    env = {k: v for k, v in os.environ.items() if k != "NUMBA_THREADING_LAYER"}
    if layer:
        env["NUMBA_THREADING_LAYER"] = layer
    code = CHILD.format(root=str(ROOT), fit=fit, sample=str(ROOT / "data" / "kommuneundersokelse_2019_2021.csv"))
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    results: dict[str, list[dict]] = {name: [] for name, _, _ in CASES}
    for _ in range(2):
        for name, fit, layer in CASES:
            results[name].append(run(fit, layer))
            print(name, results[name][-1])
    lines = ["300 sample comments embedded by the default encoder (PyTorch, e5-small) in a fresh process; each case "
             "twice, interleaved.", "", "| case | numba layer | texts/s (two runs) |", "|---|---|---|"]
    for name, _, _ in CASES:
        runs = results[name]
        speeds = " / ".join(f"{r['texts_per_s']:.1f}" for r in runs)
        lines.append(f"| {name} | {runs[0]['layer']} | {speeds} |")
    lines += ["", "Command: `.venv/bin/python benchmarks/bench_threads.py`"]
    write_section("Embedding after a theme fit", "\n".join(lines))


if __name__ == "__main__":
    main()
