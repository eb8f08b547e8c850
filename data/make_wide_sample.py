"""The sample as a survey tool exports it: one row per respondent, one column per open question.

    python data/make_wide_sample.py

Reads the long sample (`kommuneundersokelse_2019_2021.csv`, one row per answer) and its gold
themes, and writes `kommuneundersokelse_wide.csv`: a respondent is one role in one municipality
in one round (787 of them); each of the 10 open questions is a column, blank where the
respondent did not answer it. Deterministic (seed 7).

It adds a rating with a known effect, for the drivers benchmark: `Hvor nyttig er samarbeidet med
IMDi? (1-5)`. A respondent's rating is 3.6, minus 1.2 if any of their answers is about grants
(gold theme `tilskudd`), minus 0.6 for settlement (`bosetting`), plus 0.8 for IMDi's guidance
(`imdi_samarbeid`), plus normal noise (sd 0.7), rounded and clipped to 1-5. Ten respondents get a
rating a tool might export by mistake (text, blank, 0, 6), which the drivers leave out by row.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

HERE = Path(__file__).resolve().parent
LONG = HERE / "kommuneundersokelse_2019_2021.csv"
GOLD = HERE / "kommuneundersokelse_2019_2021_fasit.csv"
WIDE = HERE / "kommuneundersokelse_wide.csv"
RATING = "Hvor nyttig er samarbeidet med IMDi? (1-5)"
EFFECTS = {"tilskudd": -1.2, "bosetting": -0.6, "imdi_samarbeid": 0.8}
BASE, NOISE = 3.6, 0.7
RESPONDENT_KEYS = ["År", "Kommunenr", "Kommune", "Fylke", "Rolle"]


def main() -> None:
    rng = np.random.default_rng(7)
    long = pd.read_csv(LONG, sep=";", encoding="utf-8-sig", dtype=str, keep_default_na=False)
    gold = pd.read_csv(GOLD, dtype=str, keep_default_na=False).set_index("Svar-ID")["tema"]
    long["tema"] = long["Svar-ID"].map(gold)
    questions = list(dict.fromkeys(long["Spørsmål"]))  # questionnaire order, as in the long file
    groups = long.groupby(RESPONDENT_KEYS, sort=False)
    rows = []
    for n, (key, answers) in enumerate(groups, start=1):
        row = {"Respondent": f"R{n:04d}", **dict(zip(RESPONDENT_KEYS, key))}
        for q in questions:
            hit = answers.loc[answers["Spørsmål"] == q, "Svar"]
            row[q] = hit.iloc[0] if len(hit) else ""
        effect = sum(v for theme, v in EFFECTS.items() if (answers["tema"] == theme).any())
        row[RATING] = str(int(np.clip(np.rint(BASE + effect + rng.normal(0, NOISE)), 1, 5)))
        rows.append(row)
    wide = pd.DataFrame(rows)
    bad = rng.choice(len(wide), size=10, replace=False)
    for i, value in zip(bad, ["vet ikke", "", "0", "6", "ikke relevant", "", "4,5", "-", "9", "N/A"]):
        wide.loc[i, RATING] = value  # "4,5" is a valid rating with a decimal comma
    wide.to_csv(WIDE, sep=";", index=False, encoding="utf-8-sig")
    print(f"{len(wide)} respondents, {len(questions)} questions, "
          f"{int((wide[questions] != '').to_numpy().sum())} answers -> {WIDE.name}")


if __name__ == "__main__":
    main()
