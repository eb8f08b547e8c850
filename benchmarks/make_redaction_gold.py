"""Build data/redaction_gold.csv from the hand-written marked-up source.

The source (data/redaction_gold_marked.txt) marks personal data inline as [[TYPE:text]]; this
script strips the marks, records exact character offsets, and checks them: every FNR span must
pass the mod-11 check and no unmarked 11-digit number may pass it.

    .venv/bin/python benchmarks/make_redaction_gold.py
"""

from __future__ import annotations

import argparse
import csv
import json
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MARK = re.compile(r"\[\[(PER|PHONE|EMAIL|FNR|ADDRESS):(.+?)\]\]")
W1 = (3, 7, 6, 1, 8, 9, 4, 5, 2)
W2 = (5, 4, 3, 2, 7, 6, 5, 4, 3, 2)


def _mod11(digits: str) -> bool:
    def control(part: str, weights: tuple[int, ...]) -> int | None:
        r = 11 - sum(int(d) * w for d, w in zip(part, weights)) % 11
        return 0 if r == 11 else (None if r == 10 else r)

    k1 = control(digits[:9], W1)
    k2 = control(digits[:10], W2)
    return k1 is not None and k2 is not None and k1 == int(digits[9]) and k2 == int(digits[10])


def parse_line(line: str) -> tuple[str, list[list]]:
    line = line.replace("\\n", "\n")
    out, spans, pos = [], [], 0
    for m in MARK.finditer(line):
        out.append(line[pos:m.start()])
        start = sum(len(x) for x in out)
        out.append(m.group(2))
        spans.append([start, start + len(m.group(2)), m.group(1)])
        pos = m.end()
    out.append(line[pos:])
    text = "".join(out)
    for start, end, kind in spans:
        assert text[start:end].strip() == text[start:end], (line, start, end)
        if kind == "FNR":
            assert _mod11(re.sub(r"\D", "", text[start:end])), f"FNR fails mod-11: {line}"
    covered = [(s, e) for s, e, _ in spans]
    for m in re.finditer(r"(?<!\d)\d{11}(?!\d)", text):
        inside = any(s <= m.start() and m.end() <= e for s, e in covered)
        assert inside or not _mod11(m.group()), f"unmarked valid FNR: {line}"
    return text, spans


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--src", type=Path, default=ROOT / "data" / "redaction_gold_marked.txt")
    ap.add_argument("--out", type=Path, default=ROOT / "data" / "redaction_gold.csv")
    args = ap.parse_args()
    rows = []
    for raw in args.src.read_text(encoding="utf-8").splitlines():
        if not raw.strip() or raw.startswith("#"):
            continue
        rows.append(parse_line(raw))
    texts = [t for t, _ in rows]
    assert len(set(texts)) == len(texts), "duplicate rows"
    with args.out.open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["tekst", "spans"])
        for text, spans in rows:
            w.writerow([text, json.dumps(spans, ensure_ascii=False)])
    n_clean = sum(1 for _, s in rows if not s)
    counts: dict[str, int] = {}
    for _, spans in rows:
        for *_, kind in spans:
            counts[kind] = counts.get(kind, 0) + 1
    print(f"{len(rows)} rows, {n_clean} without personal data; spans {counts}")


if __name__ == "__main__":
    main()
