"""Build the multi-code dev set (issue 17, point 3): data/codes_dev/comments.csv.

The codebook (data/codes_dev/codebook.yaml) was written first and committed on its own.
This script then maps the sample's gold themes onto its codes and builds one-code,
two-code (two comments of different codes joined) and no-code comments, split into a
`tune` and a `report` half that share no source comment.

Deterministic (seeded); stdlib + pandas. Run from the repository root:

    python data/codes_dev/make_codes_dev.py
"""

from __future__ import annotations

import argparse
import itertools
import json
import random
from pathlib import Path

import pandas as pd

HERE = Path(__file__).resolve().parent
DATA = HERE.parent
SEED = 17

# Old gold theme (data/codebook.yaml, fasit `tema`) -> code of the dev codebook.
# `ikke_svar` (non-answers) is left out. The sample has no "other" gold theme, so the
# no-code comments come from no_code.jsonl (see README.md).
THEME_TO_CODE = {
    "imdi_samarbeid": "imdi_kontakt",
    "fylkeskommune": "fylke_rolle",
    "kvalifisering_arbeid": "intro_jobb",
    "norskopplaering": "norsk_samfunnsfag",
    "tilskudd": "finansiering",
    "negativ_sosial_kontroll": "aeresvold_kontroll",
    "pandemi": "korona",
    "integreringsloven": "ny_lov",
    "bosetting": "bosetting_bolig",
    "skole_barn_unge": "barn_skole",
}
LEFT_OUT = {"ikke_svar"}

# Per half (tune / report): ~65 % one-code, ~27 % two-code, ~8 % no-code of 200 rows.
N_ONE = 130
N_TWO = 54
N_NONE = 16

MIN_WORDS_ONE = 4  # one-code comments: drop bare "Bra." / "Fungerer fint." (question-dependent)
MIN_WORDS_PART = 6  # parts of a joined comment must say what they are about on their own


def n_words(text: str) -> int:
    return len(text.split())


def join_two(a: str, b: str) -> str:
    """Join two comments as "A B", A ending in . ! or ?, B starting with a capital."""
    a = a.strip()
    b = b.strip()
    a = a.rstrip(",;:-– ")
    if not a.endswith((".", "!", "?")):
        a = a + "."
    if b and b[0].islower():
        b = b[0].upper() + b[1:]
    return f"{a} {b}"


def load_gold() -> pd.DataFrame:
    g = pd.read_csv(DATA / "kommuneundersokelse_2019_2021_fasit.csv", dtype=str, keep_default_na=False)
    unknown = set(g["tema"]) - set(THEME_TO_CODE) - LEFT_OUT
    if unknown:
        raise SystemExit(f"unmapped gold themes: {sorted(unknown)}")
    g = g[~g["tema"].isin(LEFT_OUT)].copy()
    # One source comment = one distinct text (the sample adds exact copies of short answers).
    g["key"] = g["Svar"].str.strip().str.casefold()
    g = g.sort_values("Svar-ID").drop_duplicates("key", keep="first")
    g["code"] = g["tema"].map(THEME_TO_CODE)
    g["words"] = g["Svar"].map(n_words)
    return g[g["words"] >= MIN_WORDS_ONE].reset_index(drop=True)


def deal_halves(rows: list, rng: random.Random, strat) -> tuple[list, list]:
    """Shuffle and deal alternately into two halves, within each stratum."""
    tune, report = [], []
    groups: dict = {}
    for r in rows:
        groups.setdefault(strat(r), []).append(r)
    flip = 0
    for k in sorted(groups):
        grp = groups[k][:]
        rng.shuffle(grp)
        for r in grp:
            (tune if flip % 2 == 0 else report).append(r)
            flip += 1
    return tune, report


def one_code_quota(sizes: dict[str, int], total: int, minimum: int) -> dict[str, int]:
    """Largest-remainder allocation proportional to theme size, at least `minimum` each."""
    n = sum(sizes.values())
    raw = {c: total * s / n for c, s in sizes.items()}
    q = {c: max(minimum, int(v)) for c, v in raw.items()}
    rest = sorted(sizes, key=lambda c: (-(raw[c] - int(raw[c])), c))
    i = 0
    while sum(q.values()) < total:
        q[rest[i % len(rest)]] += 1
        i += 1
    return q


def build_half(name: str, pool: pd.DataFrame, no_code: list[dict], rng: random.Random) -> list[dict]:
    codes = sorted(pool["code"].unique())
    by_code = {c: pool[pool["code"] == c].sample(frac=1.0, random_state=rng.randrange(2**31)) for c in codes}
    used: set[str] = set()
    out: list[dict] = []

    # Two-code first (they need the longer comments): every pair of codes once, plus
    # random extra pairs; order within a pair random; B in A's variety when possible.
    pairs = list(itertools.combinations(codes, 2))
    rng.shuffle(pairs)
    extra = [pairs[i] for i in rng.sample(range(len(pairs)), N_TWO - len(pairs))] if N_TWO > len(pairs) else []
    chosen = (pairs + extra)[:N_TWO]
    for ca, cb in chosen:
        if rng.random() < 0.5:
            ca, cb = cb, ca
        cand_a = by_code[ca][(by_code[ca]["words"] >= MIN_WORDS_PART) & ~by_code[ca]["Svar-ID"].isin(used)]
        a = cand_a.iloc[0]
        cand_b = by_code[cb][(by_code[cb]["words"] >= MIN_WORDS_PART) & ~by_code[cb]["Svar-ID"].isin(used)]
        same = cand_b[cand_b["målform"] == a["målform"]]
        b = (same if len(same) else cand_b).iloc[0]
        used.update([a["Svar-ID"], b["Svar-ID"]])
        out.append({
            "Svar": join_two(a["Svar"], b["Svar"]),
            "koder": f"{ca}|{cb}",
            "n_koder": 2,
            "split": name,
            "kilde": f"{a['Svar-ID']}+{b['Svar-ID']}",
        })

    # One-code, proportional to the themes' sizes in the sample.
    quota = one_code_quota({c: len(by_code[c]) for c in codes}, N_ONE, 5)
    for c in codes:
        cand = by_code[c][~by_code[c]["Svar-ID"].isin(used)].head(quota[c])
        if len(cand) < quota[c]:
            raise SystemExit(f"{name}: not enough comments for {c}")
        for _, r in cand.iterrows():
            used.add(r["Svar-ID"])
            out.append({"Svar": r["Svar"].strip(), "koder": c, "n_koder": 1, "split": name, "kilde": r["Svar-ID"]})

    # No-code: substantive comments that fit none of the codes.
    if len(no_code) < N_NONE:
        raise SystemExit(f"{name}: only {len(no_code)} no-code comments")
    for r in no_code[:N_NONE]:
        out.append({"Svar": r["text"], "koder": "", "n_koder": 0, "split": name, "kilde": r["id"]})

    rng.shuffle(out)
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", default=str(HERE / "comments.csv"))
    ap.add_argument("--seed", type=int, default=SEED)
    args = ap.parse_args()
    rng = random.Random(args.seed)

    gold = load_gold()
    no_code = [json.loads(l) for l in (HERE / "no_code.jsonl").read_text(encoding="utf-8").splitlines() if l.strip()]

    # Halves by source comment: dealt alternately within each (code, variety) stratum,
    # so no source comment can appear in both halves.
    recs = gold.to_dict("records")
    t_recs, r_recs = deal_halves(recs, rng, lambda r: (r["code"], r["målform"]))
    t_nc, r_nc = deal_halves(no_code, rng, lambda r: r["variety"])

    rows = build_half("tune", pd.DataFrame(t_recs), t_nc, rng) + build_half("report", pd.DataFrame(r_recs), r_nc, rng)
    df = pd.DataFrame(rows, columns=["Svar", "koder", "n_koder", "split", "kilde"])
    df.insert(0, "id", [f"CD{i:04d}" for i in range(1, len(df) + 1)])

    # Checks: no source comment in both halves, none twice within a half.
    src = df.assign(s=df["kilde"].str.split("+")).explode("s")
    assert not src.duplicated("s").any(), "a source comment is used twice"
    df.to_csv(args.out, index=False, encoding="utf-8")

    for name, d in df.groupby("split", sort=False):
        counts = d["n_koder"].value_counts().sort_index().to_dict()
        print(f"{name}: {len(d)} rows, n_koder {counts}, mean codes {d['n_koder'].mean():.3f}")
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
