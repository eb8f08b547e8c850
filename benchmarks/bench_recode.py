"""Editing the codebook without finding themes again (issue 17, point 5): how close is it to a full fit?

    python benchmarks/bench_recode.py

On the sample with `data/codebook.yaml` and its gold themes (`tema`):

- **add a code**: fit with the codebook minus one code, then `recode` with the whole codebook; side by
  side with the fit without that code (the baseline) and the fit with every code from the start;
- **split a theme**: fit with two codes merged into one (names, descriptions and seeds joined), then
  `recode` with the two codes `split_from` the merged one; side by side with the full fit;
- **an unchanged codebook** gives the same assignment (share of comments unchanged);
- **a first code on themes found without a codebook**: the code's precision and recall;
- time: `recode` against a full `analyze` with the same (warm) embedding cache, in the same run.

Accuracy: the primary theme's codebook id equals the gold theme, over substantive answers (a
discovered theme or no theme counts as wrong). Writes the "Editing the codebook" section of RESULTS.md.
"""

from __future__ import annotations

import dataclasses
import sys
import time
import warnings
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from nlp.analyze import AnalyzeOptions, analyze  # noqa: E402
from nlp.io import load_survey  # noqa: E402
from nlp.recode import recode  # noqa: E402
from nlp.runs.model_store import SavedModel  # noqa: E402
from nlp.themes.codebook import Codebook, CodebookTheme, load_codebook  # noqa: E402
from nlp.themes.edits import Edits  # noqa: E402

from results import write_section  # noqa: E402

SAMPLE = ROOT / "data" / "kommuneundersokelse_2019_2021.csv"
GOLD = ROOT / "data" / "kommuneundersokelse_2019_2021_fasit.csv"
PAIRS = [("tilskudd", "bosetting"), ("imdi_samarbeid", "fylkeskommune"), ("norskopplaering", "skole_barn_unge"),
         ("pandemi", "integreringsloven")]


def scores(result, gold: np.ndarray, codes: list[str]) -> tuple[float, list[float]]:
    """Accuracy over substantive answers, and each code's F1."""
    code = {t.id: t.codebook_id for t in result.model.themes_}
    pred = result.comments["topic_id"].map(lambda t: code.get(int(t)) or "").to_numpy()
    m = gold != "ikke_svar"
    f1 = [2 * ((pred == c) & (gold == c)).sum() / max((pred == c).sum() + (gold == c).sum(), 1) for c in codes]
    return float((pred[m] == gold[m]).mean()), [float(x) for x in f1]


def main() -> None:
    warnings.filterwarnings("ignore")
    codebook = load_codebook(ROOT / "data" / "codebook.yaml")
    gold = pd.read_csv(GOLD, dtype=str, keep_default_na=False)["tema"].to_numpy()
    survey = load_survey(SAMPLE, "Svar", "Svar-ID", ["Rolle", "År"])
    analyze(survey, AnalyzeOptions(codebook=codebook))  # warm the caches: both sides read vectors from them
    t = time.perf_counter()
    full = analyze(survey, AnalyzeOptions(codebook=codebook))
    t_full = time.perf_counter() - t
    t = time.perf_counter()
    same = recode(survey, SavedModel(full.model, full.metadata, Edits()), codebook)
    t_recode = time.perf_counter() - t
    unchanged = float((same.analysis.comments["topic_id"] == full.comments["topic_id"]).mean())
    print(f"unchanged codebook: {unchanged:.4f} of comments keep their theme; analyze {t_full:.1f} s, "
          f"recode {t_recode:.1f} s")

    added = []
    for theme in codebook.themes:
        fewer = Codebook(tuple(x for x in codebook.themes if x.id != theme.id))
        without = analyze(survey, AnalyzeOptions(codebook=fewer))
        back = recode(survey, SavedModel(without.model, without.metadata, Edits()), codebook).analysis
        row = (theme.id, scores(without, gold, [theme.id])[0], *scores(full, gold, [theme.id]),
               *scores(back, gold, [theme.id]))
        added.append(row)
        print("add", theme.id, [round(x[0], 3) if isinstance(x, list) else x for x in row[1:]])

    split = []
    for a, b in PAIRS:
        ta, tb = (next(x for x in codebook.themes if x.id == c) for c in (a, b))
        merged = CodebookTheme("merged", f"{ta.name} / {tb.name}", f"{ta.description} {tb.description}",
                               ta.seeds + tb.seeds)
        rest = tuple(x for x in codebook.themes if x.id not in (a, b))
        fitted = analyze(survey, AnalyzeOptions(codebook=Codebook(rest + (merged,))))
        parts = Codebook(rest + (dataclasses.replace(ta, split_from="merged"),
                                 dataclasses.replace(tb, split_from="merged")))
        back = recode(survey, SavedModel(fitted.model, fitted.metadata, Edits()), parts).analysis
        row = (f"{a} + {b}", scores(fitted, gold, [])[0], *scores(full, gold, [a, b]), *scores(back, gold, [a, b]))
        split.append(row)
        print("split", row)

    t = time.perf_counter()
    found = analyze(survey, AnalyzeOptions())
    t_found = time.perf_counter() - t
    onto_found = []
    for theme in codebook.themes:
        back = recode(survey, SavedModel(found.model, found.metadata, Edits()), Codebook((theme,))).analysis
        code = {t.id: t.codebook_id for t in back.model.themes_}
        pred = back.comments["topic_id"].map(lambda t: code.get(int(t)) or "").to_numpy() == theme.id
        hit = pred & (gold == theme.id)
        onto_found.append((theme.id, int(pred.sum()), int((gold == theme.id).sum()), hit.sum() / max(pred.sum(), 1),
                           hit.sum() / (gold == theme.id).sum()))
        print("onto found themes", onto_found[-1])

    lines = [
        "Sample (1,741 answers) with `data/codebook.yaml`, scored against its gold themes: accuracy = the primary "
        "theme's codebook id equals the gold theme, over substantive answers. `recode` keeps the themes found "
        "and assigns again under the edited codebook (`fritekst recode`, the app's «Kodebok»).",
        "",
        f"- Unchanged codebook: {unchanged:.1%} of comments keep their theme.",
        f"- Time, same warm cache, same run: full `analyze` {t_full:.1f} s with the codebook ({t_found:.1f} s "
        f"without one: discovery then runs UMAP and HDBSCAN on every comment), `recode` {t_recode:.1f} s.",
        "",
        "**Add a code**: fitted without it, then the code added back.",
        "",
        "| code added | accuracy without it | full fit: accuracy | full fit: code F1 | recode: accuracy | recode: code F1 |",
        "|---|---|---|---|---|---|",
    ]
    for cid, a0, a_full, f_full, a_rc, f_rc in added:
        lines.append(f"| {cid} | {a0:.3f} | {a_full:.3f} | {f_full[0]:.3f} | {a_rc:.3f} | {f_rc[0]:.3f} |")
    mean = np.mean([[r[1], r[2], r[3][0], r[4], r[5][0]] for r in added], axis=0)
    lines.append(f"| **mean** | {mean[0]:.3f} | {mean[1]:.3f} | {mean[2]:.3f} | {mean[3]:.3f} | {mean[4]:.3f} |")
    lines += [
        "",
        "**Split a theme**: fitted with two codes merged into one, then split into the two (`split_from`).",
        "",
        "| codes split | accuracy merged (both wrong) | full fit: accuracy | full fit: F1 of the two | "
        "recode: accuracy | recode: F1 of the two |",
        "|---|---|---|---|---|---|",
    ]
    for name, a0, a_full, f_full, a_rc, f_rc in split:
        lines.append(f"| {name} | {a0:.3f} | {a_full:.3f} | {f_full[0]:.3f} / {f_full[1]:.3f} | {a_rc:.3f} | "
                     f"{f_rc[0]:.3f} / {f_rc[1]:.3f} |")
    lines += [
        "",
        f"**A first code on themes found without a codebook** ({len(found.model.themes_)} themes found): one code of "
        "`data/codebook.yaml` added. A new code takes a comment with one of its seed words or clearly like it, and "
        "only where it fits better than the found theme the comment sits in (by that theme's centroid), so a code "
        "that a found theme already covers takes the clearest part of it: precision over recall.",
        "",
        "| code | comments coded | gold comments | precision | recall |",
        "|---|---|---|---|---|",
    ]
    lines += [f"| {c} | {n} | {g} | {p:.2f} | {r:.2f} |" for c, n, g, p, r in onto_found]
    lines += ["", "Command: `.venv/bin/python benchmarks/bench_recode.py`"]
    write_section("Editing the codebook", "\n".join(lines))


if __name__ == "__main__":
    main()
