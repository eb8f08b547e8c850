"""fritekst's on-disk cache: private to the user, bounded in age and size, cleared on request.

What is kept (all under `cache_dir()`, folder 0700, files 0600):
  embeddings.sqlite  vectors of redacted comments, keyed by (encoder, sha256 of the redacted text)
  comments.sqlite    each comment's redacted text and keyword lemmas, keyed by an HMAC of the
                     cleaned text under `key` (a random secret of this cache), so the key says
                     nothing about the comment to anyone without the secret
  key                that secret
Rows unused for `FRITEKST_CACHE_DAYS` days (default 30) are dropped, and the oldest rows go when
a file outgrows `FRITEKST_CACHE_MAX_MB` (default 1024). `fritekst cache clear` removes it all.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
import sqlite3
import time
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Sequence

from nlp.paths import cache_dir

#: files this module owns; `annotations.sqlite` held unredacted annotations before 0.2 and is removed
CACHE_FILES = ("embeddings.sqlite", "comments.sqlite", "key")
LEGACY_FILES = ("annotations.sqlite",)
_SQLITE_SIDECARS = ("", "-journal", "-wal", "-shm")
_DAY = 86400


def max_age_days() -> float:
    return float(os.environ.get("FRITEKST_CACHE_DAYS", 30))


def max_bytes() -> int:
    return int(float(os.environ.get("FRITEKST_CACHE_MAX_MB", 1024)) * 1024 * 1024)


def private_dir(path: Path) -> Path:
    """Create `path` (0700) or tighten it; also removes cache files an older fritekst left."""
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    os.chmod(path, 0o700)
    for name in LEGACY_FILES:
        for suffix in _SQLITE_SIDECARS:
            (path / (name + suffix)).unlink(missing_ok=True)
    return path


def private_file(path: Path) -> Path:
    """Create `path` empty with mode 0600 if missing (SQLite gives its journals the same mode)."""
    private_dir(path.parent)
    fd = os.open(path, os.O_CREAT | os.O_WRONLY, 0o600)
    os.close(fd)
    os.chmod(path, 0o600)
    return path


def secret_key(folder: Path | None = None) -> bytes:
    """This cache's random HMAC key (created on first use, 0600)."""
    path = (folder or cache_dir()) / "key"
    if not path.exists() or path.stat().st_size != 32:
        private_dir(path.parent)
        tmp = path.with_name(f".key-{os.getpid()}")
        fd = os.open(tmp, os.O_CREAT | os.O_WRONLY | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "wb") as f:
            f.write(secrets.token_bytes(32))
        try:
            os.link(tmp, path)  # first writer wins; a concurrent process keeps the same key
        except FileExistsError:
            pass
        tmp.unlink(missing_ok=True)
    return path.read_bytes()


def keyed_hash(key: bytes, text: str) -> bytes:
    return hmac.new(key, text.encode("utf-8"), hashlib.sha256).digest()


@dataclass
class BlobStore:
    """A (namespace, key) -> bytes table in one SQLite file, with last-use days for expiry."""

    path: Path

    def _connect(self) -> sqlite3.Connection:
        if str(self.path) != ":memory:":
            private_file(Path(self.path))
        con = sqlite3.connect(self.path, timeout=30)
        con.execute("CREATE TABLE IF NOT EXISTS blobs (ns TEXT, key BLOB, value BLOB, used INTEGER, "
                    "PRIMARY KEY (ns, key))")
        return con

    def get_many(self, ns: str, keys: Sequence[bytes]) -> dict[bytes, bytes]:
        found: dict[bytes, bytes] = {}
        today = int(time.time() // _DAY)
        with closing(self._connect()) as con, con:
            for i in range(0, len(keys), 500):
                part = list(keys[i:i + 500])
                marks = ",".join("?" * len(part))
                for key, value in con.execute(
                        f"SELECT key, value FROM blobs WHERE ns = ? AND key IN ({marks})", [ns, *part]):
                    found[bytes(key)] = bytes(value)
                con.execute(f"UPDATE blobs SET used = ? WHERE ns = ? AND used < ? AND key IN ({marks})",
                            [today, ns, today, *part])
        return found

    def put_many(self, ns: str, items: Iterable[tuple[bytes, bytes]]) -> None:
        today = int(time.time() // _DAY)
        with closing(self._connect()) as con:
            with con:
                con.executemany("INSERT OR REPLACE INTO blobs VALUES (?, ?, ?, ?)",
                                [(ns, k, v, today) for k, v in items])
            self._prune(con, today)

    def _prune(self, con: sqlite3.Connection, today: int) -> None:
        with con:
            con.execute("DELETE FROM blobs WHERE used < ?", [today - max_age_days()])
            limit = max_bytes()
            while self._size(con) > limit:
                n = con.execute("SELECT count(*) FROM blobs").fetchone()[0]
                if n == 0:
                    break
                # the least recently used tenth (at least one row) at a time
                con.execute("DELETE FROM blobs WHERE rowid IN (SELECT rowid FROM blobs ORDER BY used "
                            "LIMIT ?)", [max(1, n // 10)])
                con.commit()
                con.execute("VACUUM")

    @staticmethod
    def _size(con: sqlite3.Connection) -> int:
        pages = con.execute("PRAGMA page_count").fetchone()[0]
        free = con.execute("PRAGMA freelist_count").fetchone()[0]
        return (pages - free) * con.execute("PRAGMA page_size").fetchone()[0]

    def rows(self) -> int:
        if not Path(self.path).exists():
            return 0
        with closing(self._connect()) as con:
            return con.execute("SELECT count(*) FROM blobs").fetchone()[0]


def clear(folder: Path | None = None) -> list[Path]:
    """Remove every cache file (and legacy ones); returns what was removed."""
    folder = folder or cache_dir()
    removed = []
    for name in (*CACHE_FILES, *LEGACY_FILES):
        for suffix in _SQLITE_SIDECARS if name.endswith(".sqlite") else ("",):
            path = folder / (name + suffix)
            if path.exists():
                path.unlink()
                removed.append(path)
    return removed


def info(folder: Path | None = None) -> dict:
    """Where the cache is, what it holds and its limits (for `fritekst cache info`)."""
    folder = folder or cache_dir()
    files = {}
    for name in CACHE_FILES:
        path = folder / name
        if path.exists():
            entry = {"bytes": path.stat().st_size, "mode": oct(path.stat().st_mode & 0o777)}
            if name.endswith(".sqlite"):
                entry["rows"] = BlobStore(path).rows()
            files[name] = entry
    return {"folder": str(folder), "files": files, "max_age_days": max_age_days(),
            "max_mb_per_file": max_bytes() / 1024 / 1024}
