"""The bad-input matrix: every case run through the real CLI, and what happens (exit status and
the first line of stderr, or for a run that succeeds what its outputs were checked for).

Writes the "Safety" section of benchmarks/RESULTS.md. Small inputs (120 sample rows plus the
odd rows); the model-folder cases share one small fitted model. About three minutes on 2 cores:

    nice .venv/bin/python benchmarks/bench_safety.py [--no-write]
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from results import write_section  # noqa: E402

from nlp.report.safe_cells import FORMULA_START  # noqa: E402

SAMPLE = ROOT / "data" / "kommuneundersokelse_2019_2021.csv"
SMALL_ROWS = 120
FORMULAS = ["=1+1 og mer tilskudd til bosetting", "+47 99 ringte om introduksjonsprogrammet",
            "-hei, vi trenger flere boliger", "@SUM(A1) samarbeidet med IMDi er godt",
            "\tTabulator foran: norskopplæring"]


@dataclass
class Case:
    name: str
    argv: list[str]
    expect: int
    check: Callable[[], str] | None = None  # for exit 0: what was verified in the outputs


@dataclass
class Outcome:
    case: Case
    code: int
    first_line: str
    checked: str
    seconds: float
    extra_lines: int = 0

    @property
    def ok(self) -> bool:
        return self.code == self.case.expect and not self.checked.startswith("FAILED")


def sample_rows(n: int = SMALL_ROWS) -> pd.DataFrame:
    return pd.read_csv(SAMPLE, sep=";", encoding="utf-8-sig", dtype=str, keep_default_na=False).head(n)


def add_rows(base: pd.DataFrame, rows: list[dict]) -> pd.DataFrame:
    extra = [{**base.iloc[0].to_dict(), "Svar-ID": f"X{i}", **r} for i, r in enumerate(rows)]
    return pd.concat([base, pd.DataFrame(extra)], ignore_index=True)


def xlsx_problems(path: Path) -> tuple[int, int]:
    """(formula cells or text starting like one, escaped text cells) over every sheet."""
    import openpyxl

    bad = escaped = 0
    for ws in openpyxl.load_workbook(path).worksheets:
        for row in ws.iter_rows():
            for cell in row:
                if cell.data_type == "f":
                    bad += 1
                elif isinstance(cell.value, str):
                    bad += cell.value.startswith(FORMULA_START)
                    escaped += cell.value.startswith("'") and cell.value[1:2] in FORMULA_START
    return bad, escaped


def csv_problems(path: Path) -> tuple[int, int]:
    import re

    bad = escaped = 0
    for row in csv.reader(io.StringIO(path.read_text(encoding="utf-8-sig"), newline="")):
        for value in row:
            if re.fullmatch(r"-?[0-9]+(\.[0-9]+)?", value):
                continue
            bad += value.startswith(FORMULA_START)
            escaped += value.startswith("'") and value[1:2] in FORMULA_START
    return bad, escaped


def run(case: Case, tmp: Path) -> Outcome:
    start = time.perf_counter()
    env = {**os.environ, "FRITEKST_CACHE": str(tmp / "cache")}
    proc = subprocess.run([sys.executable, "-m", "nlp.cli", *case.argv], capture_output=True, text=True,
                          cwd=tmp, env=env)
    seconds = time.perf_counter() - start
    lines = [line for line in proc.stderr.splitlines() if line.strip()]
    first = lines[0] if lines else ""
    checked = ""
    if case.check is not None and proc.returncode == 0:
        try:
            checked = case.check()
        except AssertionError as exc:
            checked = f"FAILED: {exc}"
    shown = first.replace(str(tmp) + os.sep, "").replace(str(tmp), ".")
    return Outcome(case, proc.returncode, shown, checked, seconds, max(0, len(lines) - 1))


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--no-write", action="store_true", help="print the table, leave RESULTS.md alone")
    args = ap.parse_args()

    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="fritekst-safety-") as tmp_name:
        tmp = Path(tmp_name)
        os.chdir(tmp)  # paths in messages are then short and machine-independent
        base = sample_rows()
        survey_args = ["--text-column", "Svar", "--id-column", "Svar-ID", "--quiet"]

        # ---------------------------------------------------------------- inputs
        formulas = add_rows(base.rename(columns={"Fylke": "@Fylke"}), [
            {"Svar": t, "Rolle": r} for t, r in zip(FORMULAS, ["=Rådmann", "+47 99", "-leder", "@x", "=y"])])
        formulas.to_csv("formler.csv", index=False, sep=";")
        numbers = add_rows(base, [{"Svar": t} for t in ("12345", "2020", "3,5", "42", "7 / 10")])
        numbers.to_csv("tall.csv", index=False, sep=";")
        pd.DataFrame({"Svar": np.arange(40, dtype=np.int64) * 7 % 500}).to_parquet("tall.parquet")
        nan = add_rows(base, [{"Svar": t, "Rolle": t} for t in ("NaN", "nan", "N/A", "n/a", "#N/A", "NA",
                                                                "null", "None")])
        nan.to_csv("nan.csv", index=False, sep=";")
        pd.DataFrame({"Svar": ["NaN", "N/A", "null", "#N/A"], "Rolle": ["a", "b", "c", "d"]}).to_csv(
            "bare_nan.csv", index=False)
        Path("kopi.csv").write_bytes(SAMPLE.read_bytes())
        header = "Svar-ID;År;Kommune;Svar\n"
        Path("cp1252.csv").write_bytes((header + "1;2020;Tromsø;Bra samarbeid, særlig på bolig\n").encode("cp1252"))
        Path("utf16.csv").write_bytes(("\ufeff" + header.replace(";", "\t")
                                       + "1\t2020\tÅlesund\tGodt\n").encode("utf-16-le"))
        Path("komma.csv").write_text("Svar-ID,Kommune,Svar\n1,Bodø,\"Bra, men for lite\"\n", encoding="utf-8")
        Path("felt.csv").write_text("Svar-ID;Svar\n1;ok\n2;for;mange;felt\n", encoding="utf-8")
        Path("sitat.csv").write_text('Svar-ID;Svar\n1;"ok\n2;aldri lukket\n', encoding="utf-8")
        Path("tom.csv").write_text("", encoding="utf-8")
        Path("binær.csv").write_bytes(bytes(range(256)) * 20)
        Path("ødelagt.xlsx").write_bytes(b"PK\x03\x04" + b"\x00" * 200)
        with zipfile.ZipFile("uten_ark.xlsx", "w") as z:
            z.writestr("[Content_Types].xml", "<Types/>")
        Path("gammel.xlsx").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 512)
        Path("ødelagt.parquet").write_bytes(b"PAR1 not parquet PAR1")
        Path("data.xls").write_bytes(b"x")
        pd.DataFrame({"Svar-ID": ["1", "1"], "Svar": ["a", "b"]}).to_csv("dupl.csv", index=False)
        (tmp / "annet").mkdir()
        (tmp / "annet" / "notater.docx").write_text("viktig")
        run_dir = tmp / "forrige"
        run_dir.mkdir()
        (run_dir / "comments.parquet").write_bytes(b"x")
        unwritable = Path("/sys/fritekst-out") if os.geteuid() == 0 else tmp / "låst" / "ut"
        if os.geteuid() != 0:
            (tmp / "låst").mkdir()
            (tmp / "låst").chmod(0o500)

        # ---------------------------------------------------------------- checks of successful runs
        def check_formula_run() -> str:
            out = tmp / "ut-formler"
            total_bad = total_escaped = 0
            for name in ("comments.xlsx", "summary.xlsx"):
                bad, escaped = xlsx_problems(out / name)
                total_bad, total_escaped = total_bad + bad, total_escaped + escaped
            bad, escaped = csv_problems(out / "topics.csv")
            total_bad += bad
            assert total_bad == 0, f"{total_bad} formula cells"
            kept = pd.read_parquet(out / "comments.parquet")
            assert kept["text"].str.startswith("=1+1").any(), "Parquet lost the text"
            return (f"comments.xlsx, summary.xlsx, topics.csv: 0 formula cells, {total_escaped} text cells "
                    "and headers escaped with `'`; comments.parquet keeps the text as typed")

        def check_tagged(path: Path) -> Callable[[], str]:
            def check() -> str:
                bad, escaped = csv_problems(path) if path.suffix == ".csv" else xlsx_problems(path)
                assert bad == 0, f"{bad} formula cells"
                rows = len(pd.read_csv(path, sep=",", dtype=str)) if path.suffix == ".csv" else None
                assert rows in (None, len(formulas)), f"{rows} rows for {len(formulas)}"
                return f"{path.name}: 0 formula cells, {escaped} escaped, every row"
            return check

        def check_numbers() -> str:
            c = pd.read_parquet(tmp / "ut-tall" / "comments.parquet").set_index("id")
            ids = [f"X{i}" for i in range(5)]
            assert len(c) == len(numbers), "rows lost"
            assert (c.loc[ids, "topic_id"] < 0).all(), "a number got a theme"
            return f"all {len(numbers)} rows kept; the 5 number-only comments have no theme (topic_id -1/-2)"

        def check_nan() -> str:
            c = pd.read_parquet(tmp / "ut-nan" / "comments.parquet").set_index("id")
            ids = [f"X{i}" for i in range(8)]
            assert (c.loc[ids, "text"] == "").all() and (c.loc[ids, "Rolle"] == "").all(), "marker read as text"
            assert c.loc[ids, "is_nonanswer"].all(), "empty comment given a theme"
            return "8 marker cells read as empty: those comments are non-answers (-2), their Rolle is empty"

        def check_force() -> str:
            out = tmp / "ut-formler"
            assert (out / "edits.previous.json").is_file(), "previous edits not kept"
            assert not [p for p in tmp.iterdir() if p.name.startswith(".ut-formler")], "staging left behind"
            return "previous run replaced; its edits kept as edits.previous.json; no staging folder left"

        # ---------------------------------------------------------------- the model folder cases
        def model_case(name: str, change: Callable[[Path], None]) -> str:
            folder = tmp / "modeller" / name
            shutil.copytree(tmp / "ut-formler" / "model", folder, symlinks=True)
            change(folder)
            return str(folder.relative_to(tmp))

        def edit_json(rel: str, fn: Callable[[dict], None]) -> Callable[[Path], None]:
            def change(folder: Path) -> None:
                doc = json.loads((folder / rel).read_text(encoding="utf-8"))
                fn(doc)
                (folder / rel).write_text(json.dumps(doc), encoding="utf-8")
            return change

        def wrong_shape(folder: Path) -> None:
            from safetensors.numpy import load_file, save_file

            from nlp.runs.model_store import write_manifest

            head = load_file(str(folder / "head.safetensors"))
            head["coef"] = np.ascontiguousarray(head["coef"][:1, :100])
            save_file(head, str(folder / "head.safetensors"))
            write_manifest(folder)  # consistent files, inconsistent arrays: only the shape check can catch it

        def symlink_out(folder: Path) -> None:
            from nlp.runs.model_store import write_manifest

            (folder / "link.json").symlink_to("/etc/hostname")
            write_manifest(folder)

        def old_format(folder: Path) -> None:
            (folder / "manifest.json").unlink()
            edit_json("metadata.json", lambda d: d.update(format=1, files={}))(folder)

        outcomes: list[Outcome] = []

        def record(c: Case) -> None:
            o = run(c, tmp)
            outcomes.append(o)
            print(f"{o.code}  {c.name}: {o.first_line} {o.checked}", flush=True)

        # the small fitted model every model case damages a copy of; the analyst has renamed a theme
        record(Case("formula cells in text, group values and a header (`analyze`)",
                    ["analyze", "formler.csv", *survey_args, "--group-columns", "Rolle", "@Fylke", "--out",
                     "ut-formler"], 0, check_formula_run))
        edits = {"renames": {"0": "Mitt navn"}, "merges": {}, "moves": {}}
        (tmp / "ut-formler" / "model" / "edits.json").write_text(json.dumps(edits), encoding="utf-8")
        plan = [
            ("malformed `edits.json`", "edits_syntax", lambda f: (f / "edits.json").write_text("{not json")),
            ("`edits.json` merging into a theme that does not exist", "edits_merge",
             edit_json("edits.json", lambda d: d.update(merges={"0": 999}))),
            ("`edits.json` with the wrong structure", "edits_structure",
             lambda f: (f / "edits.json").write_text('{"moves": ["a", "b"]}')),
            ("head arrays of the wrong shape (manifest rewritten to match)", "shape", wrong_shape),
            ("emptied manifest", "empty_manifest", lambda f: (f / "manifest.json").write_text('{"format": 2}')),
            ("missing manifest (a format-1 model)", "old_format", old_format),
            ("manifest lists a path outside the folder", "outside",
             edit_json("manifest.json", lambda d: d["files"].update({"../../secret.txt": "0" * 64}))),
            ("manifest lists a symlink that leads out", "symlink", symlink_out),
            ("unlisted file added (a pickle)", "unlisted",
             lambda f: (f / "bertopic" / "extra.pkl").write_bytes(b"\x80\x04K\x01.")),
            ("edited file (a label in themes.json)", "edited",
             edit_json("themes.json", lambda d: d["themes"][0].update(label="Endret"))),
            ("model folder missing", "missing", lambda f: shutil.rmtree(f)),
        ]
        model_cases = [
            Case(label, ["tag", "formler.csv", "--model", model_case(name, change), *survey_args, "--out", "t.xlsx"], 2)
            for label, name, change in plan
        ]
        tag_args = ["--model", "ut-formler/model", *survey_args]
        for c in [
            Case("formula cells, `tag --out x.csv`",
                 ["tag", "formler.csv", *tag_args, "--group-columns", "Rolle", "@Fylke", "--out", "tagged.csv"], 0,
                 check_tagged(tmp / "tagged.csv")),
            Case("formula cells, `tag --out x.xlsx`",
                 ["tag", "formler.csv", *tag_args, "--group-columns", "Rolle", "@Fylke", "--out", "tagged.xlsx"], 0,
                 check_tagged(tmp / "tagged.xlsx")),
            Case("`analyze --out` = the input file", ["analyze", "kopi.csv", *survey_args, "--out", "kopi.csv"], 2),
            Case("`tag --out` = the input file", ["tag", "kopi.csv", *tag_args, "--out", "kopi.csv"], 2),
            Case("`tag --out` inside the model folder",
                 ["tag", "kopi.csv", *tag_args, "--out", "ut-formler/model/t.csv"], 2),
            Case("`analyze` into a non-empty folder without `--force`",
                 ["analyze", "formler.csv", *survey_args, "--out", "ut-formler"], 2),
            Case("`analyze --force` into a folder that is not a run (it holds the input)",
                 ["analyze", "kopi.csv", *survey_args, "--out", ".", "--force"], 2),
            Case("`analyze --force` into a folder of other files",
                 ["analyze", "formler.csv", *survey_args, "--out", "annet", "--force"], 2),
            Case("`analyze --force` into a previous run, then the survey is unreadable",
                 ["analyze", "tom.csv", *survey_args, "--out", "forrige", "--force"], 2),
            Case("unwritable `--out`", ["analyze", "formler.csv", *survey_args, "--out", str(unwritable)], 2),
            Case("numbers-only comments among real ones",
                 ["analyze", "tall.csv", *survey_args, "--out", "ut-tall"], 0, check_numbers),
            Case("numeric Parquet text column (every comment a number)",
                 ["analyze", "tall.parquet", "--text-column", "Svar", "--quiet", "--out", "ut-parquet"], 2),
            Case("NaN, nan, N/A, n/a, #N/A, NA, null, None cells",
                 ["analyze", "nan.csv", *survey_args, "--group-columns", "Rolle", "--out", "ut-nan"], 0, check_nan),
            Case("a text column of only NaN, N/A, null, #N/A",
                 ["analyze", "bare_nan.csv", "--text-column", "Svar", "--quiet", "--out", "ut-x"], 2),
            *model_cases,
            Case("`analyze --force` into the previous run (it has edits)",
                 ["analyze", "formler.csv", *survey_args, "--group-columns", "Rolle", "@Fylke", "--out",
                  "ut-formler", "--force"], 0, check_force),
        ]:
            record(c)

        # ---------------------------------------------------------------- reading: the cases of tests/test_io.py
        reading = [
            ("Windows-1252 file: the error lists its columns, 'År' read right",
             ["analyze", "cp1252.csv", "--text-column", "Tekst"]),
            ("UTF-16 tab-separated file: the error lists its columns",
             ["analyze", "utf16.csv", "--text-column", "Tekst"]),
            ("comma file with commas inside quotes: the error lists its columns",
             ["analyze", "komma.csv", "--text-column", "Tekst"]),
            ("row with too many fields", ["analyze", "felt.csv", "--text-column", "Svar"]),
            ("quote never closed", ["analyze", "sitat.csv", "--text-column", "Svar"]),
            ("empty file", ["analyze", "tom.csv", "--text-column", "Svar"]),
            ("binary data named .csv", ["analyze", "binær.csv", "--text-column", "Svar"]),
            ("corrupt .xlsx", ["analyze", "ødelagt.xlsx", "--text-column", "Svar"]),
            ("`.xlsx` without worksheets", ["analyze", "uten_ark.xlsx", "--text-column", "Svar"]),
            ("old .xls / encrypted workbook named .xlsx", ["analyze", "gammel.xlsx", "--text-column", "Svar"]),
            ("corrupt Parquet", ["analyze", "ødelagt.parquet", "--text-column", "Svar"]),
            ("unsupported suffix", ["analyze", "data.xls", "--text-column", "Svar"]),
            ("file not found", ["analyze", "finnes_ikke.csv", "--text-column", "Svar"]),
            ("missing column", ["analyze", "kopi.csv", "--text-column", "Kommentar"]),
            ("duplicate ids", ["analyze", "dupl.csv", "--text-column", "Svar", "--id-column", "Svar-ID"]),
        ]
        for label, argv in reading:
            record(Case(label, [*argv, "--quiet", "--out", "ut-lesing"], 2))
        os.chdir(ROOT)

    failed = [o for o in outcomes if not o.ok]
    lines = [
        "`benchmarks/bench_safety.py` runs each case through the CLI (`python -m nlp.cli`) on small inputs "
        f"({SMALL_ROWS} sample rows plus the odd rows; the model cases are copies of one small fitted model, "
        "each damaged one way) and records the exit status and the first line of stderr; for a run that "
        "succeeds, what its outputs were checked for. Paths are relative to the script's scratch folder. "
        f"The whole matrix took {time.perf_counter() - started:.0f} s.",
        "",
        "| case | exit | first line of stderr | checked |",
        "|---|---|---|---|",
    ]
    for o in outcomes:
        cell = o.first_line.replace("|", "\\|").replace("`", "'") or "(nothing)"
        mark = "" if o.ok else f" **(expected {o.case.expect})**"
        if o.extra_lines:
            cell += f" (+{o.extra_lines} more lines)"
        lines.append(f"| {o.case.name} | {o.code}{mark} | `{cell}` | {o.checked.replace('|', '/')} |")
    noisy = [o for o in outcomes if o.extra_lines or "Traceback" in o.first_line]
    lines += ["", f"{len(outcomes) - len(failed)} of {len(outcomes)} cases as expected"
              + (f"; {len(failed)} NOT (marked above)" if failed else "")
              + (f"; {len(noisy)} printed more than one line of stderr" if noisy else
                 "; every case printed exactly one line of stderr (no traceback, no third-party warning).")]
    body = "\n".join(lines)
    print(body)
    if not args.no_write:
        write_section("Safety", body)
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
