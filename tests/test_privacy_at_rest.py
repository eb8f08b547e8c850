"""Nothing personal at rest: analyse and tag a file full of names, phone numbers and e-mail
addresses, then search every file written (cache and outputs, SQLite rows and XLSX parts
included) for them."""

import os
import sqlite3
import stat
import subprocess
import sys
import zipfile
from pathlib import Path

import pandas as pd
import pytest

from conftest import SAMPLE

pytestmark = pytest.mark.slow

PEOPLE = [
    ("Kari Nordmann", "412 34 567", "kari.nordmann@lunde.kommune.no"),
    ("Ola Bergersen", "+47 928 11 430", "ola.bergersen@gmail.com"),
    ("Ingrid Solbakken", "95 51 27 83", "ingrid.solbakken@nav.no"),
    ("Ahmed Yusuf Farah", "471 09 352", "a.farah@flyktningtenesta.no"),
    ("Sigrid Haugeland", "22 45 67 01", "sigrid@haugeland.net"),
    ("Tor Erik Lunde", "48203917", "tor.erik.lunde@imdi.no"),
]


def needles() -> list[str]:
    out = []
    for name, phone, email in PEOPLE:
        out += [name, *[p for p in name.split() if len(p) > 3], phone, phone.replace(" ", ""), email,
                email.split("@")[0]]
    return out


def survey(tmp_path: Path) -> Path:
    src = pd.read_csv(SAMPLE, sep=";", encoding="utf-8-sig", dtype=str, keep_default_na=False)
    comments = [t for t in src["Svar"] if len(t) > 60][:90]
    rows = []
    for i, text in enumerate(comments):
        name, phone, email = PEOPLE[i % len(PEOPLE)]
        first = name.split()[0]
        extra = [f"Ta kontakt med {name} på {phone}.", f"Send e-post til {email}.",
                 f"{name} ({email}, tlf. {phone}) kan svare på dette. {first} kjenner saka."][i % 3]
        rows.append({"id": f"R{i:03d}", "Svar": f"{text} {extra}", "Rolle": ["Leder", "Rådgiver", "Kommunedirektør"][i % 3]})
    path = tmp_path / "personal.csv"
    pd.DataFrame(rows).to_csv(path, sep=";", index=False)
    return path


def texts_in(path: Path) -> list[str]:
    """Every piece of text a file holds, in the forms a reader of the disk would find it."""
    raw = path.read_bytes()
    out = [raw.decode("utf-8", "ignore"), raw.decode("latin-1")]
    if raw[:16] == b"SQLite format 3\x00":
        with sqlite3.connect(path) as con:
            for (table,) in con.execute("SELECT name FROM sqlite_master WHERE type = 'table'"):
                for row in con.execute(f'SELECT * FROM "{table}"'):
                    for cell in row:
                        out.append(cell.decode("utf-8", "ignore") if isinstance(cell, bytes) else str(cell))
    if zipfile.is_zipfile(path):
        with zipfile.ZipFile(path) as z:
            out += [z.read(n).decode("utf-8", "ignore") for n in z.namelist()]
    if path.suffix == ".parquet":
        out.append(pd.read_parquet(path).to_csv())
    return out


def cli(env, *argv):
    return subprocess.run([sys.executable, "-m", "nlp.cli", *argv], capture_output=True, text=True, env=env)


def test_no_personal_data_anywhere_on_disk(tmp_path):
    data = survey(tmp_path)
    cache, out, tagged = tmp_path / "cache", tmp_path / "run", tmp_path / "tagged.xlsx"
    env = {**os.environ, "FRITEKST_CACHE": str(cache)}
    # an older fritekst left unredacted annotations in the cache: they must go
    cache.mkdir(mode=0o755)
    legacy = cache / "annotations.sqlite"
    sqlite3.connect(legacy).execute("CREATE TABLE t (v TEXT)").connection.commit()
    proc = cli(env, "analyze", str(data), "--text-column", "Svar", "--id-column", "id", "--group-columns",
               "Rolle", "--out", str(out), "--quiet")
    assert proc.returncode == 0, proc.stderr
    proc = cli(env, "tag", str(data), "--model", str(out / "model"), "--text-column", "Svar",
               "--id-column", "id", "--group-columns", "Rolle", "--out", str(tagged), "--quiet")
    assert proc.returncode == 0, proc.stderr
    proc = cli(env, "tag", str(data), "--model", str(out / "model"), "--text-column", "Svar",
               "--out", str(tmp_path / "tagged.csv"), "--quiet")
    assert proc.returncode == 0, proc.stderr

    assert not legacy.exists()
    written = [p for root in (cache, out) for p in root.rglob("*") if p.is_file()]
    written += [tagged, tmp_path / "tagged.csv"]
    assert {p.name for p in written} >= {"embeddings.sqlite", "comments.sqlite", "comments.parquet",
                                          "comments.xlsx", "summary.xlsx", "topics.csv"}
    leaks = {}
    for path in written:
        found = {n for text in texts_in(path) for n in needles() if n.lower() in text.lower()}
        if found:
            leaks[str(path.relative_to(tmp_path))] = sorted(found)
    assert leaks == {}, leaks

    # the comments were analysed (the test would pass vacuously on empty outputs)
    comments = pd.read_parquet(out / "comments.parquet")
    assert len(comments) == 90 and comments["text"].str.contains(r"\[NAVN\]").sum() >= 60
    assert comments["text"].str.contains(r"\[TELEFON\]").sum() >= 30

    assert stat.S_IMODE(cache.stat().st_mode) == 0o700
    for path in cache.iterdir():
        assert stat.S_IMODE(path.stat().st_mode) == 0o600, path


def test_keep_original_is_the_one_way_to_write_personal_data(tmp_path):
    data = survey(tmp_path)
    env = {**os.environ, "FRITEKST_CACHE": str(tmp_path / "cache")}
    out = tmp_path / "run"
    proc = cli(env, "analyze", str(data), "--text-column", "Svar", "--id-column", "id", "--out", str(out),
               "--quiet", "--keep-original")
    assert proc.returncode == 0, proc.stderr
    assert "Kari Nordmann" in " ".join(pd.read_parquet(out / "comments.parquet")["original_text"])
    cache_text = " ".join(t for p in (tmp_path / "cache").rglob("*") if p.is_file() for t in texts_in(p))
    assert "Nordmann" not in cache_text  # the cache stays redacted even then
