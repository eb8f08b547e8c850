"""A survey tool's wide export against the long file it was built from, and drivers of a rating.

    python benchmarks/bench_wide.py

`data/kommuneundersokelse_wide.csv` is the sample reshaped to one row per respondent
(`data/make_wide_sample.py`), with a rating built with known effects: grants -1.2, settlement
-0.6, IMDi's guidance +0.8 (per respondent who mentions the gold theme; noise sd 0.7). Both
files are analysed the way a user would (`nlp.analyze.analyze`), in one run:

* themes: NMI between the long and the wide run over the same answers (target >= 0.9);
* drivers: fritekst's drivers table, each theme read as the gold theme most of its comments have,
  side by side with the drivers computed from the gold themes themselves (the best any theme
  model could do): the constructed effects' signs and order must come out.

Writes the "Wide exports and drivers" section of RESULTS.md.
"""

from __future__ import annotations

import sys
import time
import warnings
from pathlib import Path

import pandas as pd
from sklearn.metrics import normalized_mutual_info_score

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from nlp.analyze import AnalyzeOptions, analyze  # noqa: E402
from nlp.io import load_survey  # noqa: E402
from nlp.report.rating_drivers import theme_drivers  # noqa: E402

from results import write_section  # noqa: E402

DATA = ROOT / "data"
RATING = "Hvor nyttig er samarbeidet med IMDi? (1-5)"
EFFECTS = {"tilskudd": -1.2, "bosetting": -0.6, "imdi_samarbeid": 0.8}
KEYS = ["År", "Kommunenr", "Rolle", "Spørsmål"]


def main() -> None:
    warnings.filterwarnings("ignore")
    wide_head = pd.read_csv(DATA / "kommuneundersokelse_wide.csv", sep=";", encoding="utf-8-sig", nrows=0)
    questions = [c for c in wide_head.columns if c.endswith("?") and c != RATING]
    t = time.perf_counter()
    long_survey = load_survey(DATA / "kommuneundersokelse_2019_2021.csv", "Svar", "Svar-ID", KEYS)
    long = analyze(long_survey, AnalyzeOptions()).comments
    t_long = time.perf_counter() - t
    t = time.perf_counter()
    wide_survey = load_survey(DATA / "kommuneundersokelse_wide.csv", questions, "Respondent", ["År", "Kommunenr", "Rolle"],
                              rating_column=RATING)
    result = analyze(wide_survey, AnalyzeOptions())
    t_wide = time.perf_counter() - t
    wide = result.comments.rename(columns={"question": "Spørsmål"})
    gold = pd.read_csv(DATA / "kommuneundersokelse_2019_2021_fasit.csv", dtype=str).set_index("Svar-ID")["tema"]
    long["tema"] = long["id"].map(gold)
    both = long.merge(wide, on=KEYS, suffixes=("_long", "_wide"))
    nmi = normalized_mutual_info_score(both["topic_id_long"], both["topic_id_wide"])

    # fritekst's drivers, each theme read as its majority gold theme
    drivers = result.drivers.set_index("topic_id")
    drivers["gold"] = both[both["topic_id_wide"] >= 0].groupby("topic_id_wide")["tema"].agg(
        lambda s: s.value_counts().index[0])
    # the same drivers from the gold themes (an oracle theme model)
    codes = {c: i for i, c in enumerate(sorted(gold.unique()))}
    oracle_comments = both.assign(respondent=both["respondent"], topic_id=both["tema"].map(codes).fillna(-1).astype(int))
    oracle, check = theme_drivers(oracle_comments, "respondent", wide_survey.ratings, RATING,
                                  [(i, c) for c, i in codes.items() if c != "ikke_svar"])
    oracle = oracle.set_index("label")

    lines = [
        f"Long file: {len(long_survey.frame)} rows; wide file: {wide_survey.respondents} respondents x "
        f"{len(questions)} questions = {len(wide_survey.frame)} answers and {wide_survey.blank_answers} blank cells. "
        f"analyze took {t_long:.0f} s (long) and {t_wide:.0f} s (wide), embeddings cached.",
        "",
        f"**Themes: NMI between the long and the wide run {nmi:.3f}** over {len(both)} answers (target >= 0.9); "
        f"{long['topic_id'].max() + 1} and {result.comments['topic_id'].max() + 1} themes.",
        "",
        f"Rating check: {check.message or 'no rating left out'}",
        "",
        "Drivers of the constructed rating. Difference = mean rating of respondents who mention the theme minus the "
        "others'; impact = share x difference (how much the overall mean moves because of the theme). fritekst: the "
        "largest fritekst theme whose comments mostly have that gold theme; gold: the gold themes as an oracle.",
        "",
        "| gold theme | constructed effect | fritekst theme | n | difference | impact (95% interval) | significant (BH) "
        "| gold: difference | gold: impact |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for theme, effect in EFFECTS.items():
        mine = drivers[drivers["gold"] == theme].sort_values("n", ascending=False).iloc[0]
        o = oracle.loc[theme]
        lines.append(
            f"| {theme} | {effect:+.1f} | {mine['label']} | {int(mine['n'])} | {mine['difference']:+.2f} | "
            f"{mine['impact']:+.3f} ({mine['impact_low']:+.3f} to {mine['impact_high']:+.3f}) | "
            f"{'yes' if mine['significant'] else 'no'} | {o['difference']:+.2f} | {o['impact']:+.3f} |")
    others = drivers[~drivers["gold"].isin(EFFECTS)]
    lines += [
        "",
        f"Themes of gold themes without a constructed effect: {len(others)}, of which "
        f"{int(others['significant'].sum())} significant after Benjamini-Hochberg (respondents who mention them tend "
        "to mention the themes with effects less or more often: drivers are differences, not causal effects).",
        "",
        "Command: `.venv/bin/python benchmarks/bench_wide.py`",
    ]
    body = "\n".join(lines)
    print(body)
    write_section("Wide exports and drivers", body)


if __name__ == "__main__":
    main()
