"""CSV, TSV and TXT files: encoding, delimiter and quoting worked out, never guessed silently."""

from __future__ import annotations

import csv
import io


from nlp.errors import InputError
from nlp.io.raw import RawTable, assemble


_DELIMITERS = (",", ";", "\t")
_DELIMITER_NAMES = {",": "comma", ";": "semicolon", "\t": "tab"}
#: records inspected when choosing the delimiter
_SNIFF_RECORDS = 200

_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # old .xls and encrypted .xlsx
_ZIP_MAGIC = b"PK\x03\x04"
_PARQUET_MAGIC = b"PAR1"


def _decode(data: bytes, source: str) -> tuple[str, str]:
    """Bytes to text: UTF-8 (with or without BOM) strictly, UTF-16 with BOM, then cp1252.

    cp1252 decodes Norwegian ``æøå`` from Windows Excel correctly, and it is only tried when
    strict UTF-8 fails, so UTF-8 text is never misread. charset-normalizer only breaks the tie
    for the rare bytes that cp1252 leaves undefined.
    """
    if data.startswith(b"\xef\xbb\xbf"):
        try:
            return data[3:].decode("utf-8"), "utf-8-sig"
        except UnicodeDecodeError as exc:
            raise InputError(
                f"{source}: starts with a UTF-8 marker but is not valid UTF-8 "
                f"(byte {exc.start + 3}: {exc.reason})"
            ) from None
    for bom, codec in ((b"\xff\xfe", "utf-16-le"), (b"\xfe\xff", "utf-16-be")):
        if data.startswith(bom):
            try:
                return data[2:].decode(codec), "utf-16"
            except UnicodeDecodeError as exc:
                raise InputError(f"{source}: invalid UTF-16 text ({exc.reason})") from None
    if data.startswith(_ZIP_MAGIC):
        raise InputError(f"{source}: is a zip/Excel file, not text; save it as .xlsx or export CSV")
    if data.startswith(_OLE_MAGIC):
        raise InputError(
            f"{source}: is an old Excel (.xls) or encrypted file, not text; export CSV"
        )
    if data.startswith(_PARQUET_MAGIC):
        raise InputError(f"{source}: is a Parquet file, not text; rename it to .parquet")
    head = data[:8192]
    if head.count(b"\x00") > len(head) // 4:
        # UTF-16 without a byte-order mark: every other byte of ASCII text is zero
        codec = "utf-16-le" if head[1::2].count(0) > head[0::2].count(0) else "utf-16-be"
        try:
            text = data.decode(codec)
        except UnicodeDecodeError:
            raise InputError(f"{source}: is a binary file, not CSV text") from None
        sample = text[:4096]
        if sum(ch.isascii() for ch in sample) < len(sample) // 2:
            raise InputError(f"{source}: is a binary file, not CSV text")
        return text, codec
    controls = sum(b < 9 or 13 < b < 32 or b == 127 for b in head)
    if controls > len(head) // 20:
        raise InputError(f"{source}: is a binary file, not CSV text")
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252"), "cp1252"
    except UnicodeDecodeError:
        pass
    # Bytes cp1252 leaves undefined: an old DOS (cp850) or Mac export, or cp1252 with stray
    # bytes. Pick the reading with the most Norwegian letters and the fewest oddities.
    # (charset-normalizer was tried here and misreads short Norwegian samples as UTF-16/CJK.)
    candidates = []
    for order, codec in enumerate(("cp1252", "cp850", "mac_roman")):
        sample = data[:65536].decode(codec, errors="replace")
        candidates.append((_plausibility(sample), -order, codec))
    codec = max(candidates)[2]
    return data.decode(codec, errors="replace"), codec


_NORWEGIAN_LETTERS = set("æøåÆØÅ")
_PLAIN = set(
    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
    " \t\r\n.,;:!?-_()[]/'\"%&+=*@#éÉèüÜöÖäÄ«»–—’“”§€"
)


def _plausibility(text: str) -> int:
    """Norwegian letters count for a decoding, characters unusual in survey answers against."""
    norwegian = sum(ch in _NORWEGIAN_LETTERS for ch in text)
    odd = sum(ch not in _PLAIN and ch not in _NORWEGIAN_LETTERS for ch in text)
    return norwegian - 3 * odd


def _parse(text: str, delimiter: str, strict: bool, limit: int | None = None) -> list[list[str]]:
    reader = csv.reader(
        io.StringIO(text, newline=""),
        delimiter=delimiter,
        quotechar='"',
        doublequote=True,
        strict=strict,
    )
    records = []
    for record in reader:
        records.append(record)
        if limit is not None and len(records) >= limit:
            break
    return records


def _choose_delimiter(text: str, suffix: str) -> str:
    """Pick ``,`` ``;`` or tab: the one that gives a multi-column header with consistent rows.

    csv.Sniffer only breaks ties: on its own it is fooled by commas inside answers of
    semicolon files (the Norwegian Excel default) and by quoted multi-line fields.
    """
    try:
        sniffed = csv.Sniffer().sniff(text[:16384], delimiters="".join(_DELIMITERS)).delimiter
    except csv.Error:
        sniffed = None
    default = "\t" if suffix == ".tsv" else ","
    scored = []
    for order, delim in enumerate(_DELIMITERS):
        records = [r for r in _parse(text, delim, strict=False, limit=_SNIFF_RECORDS) if r]
        if not records:
            continue
        width = len(records[0])
        body = records[1:]
        consistency = sum(len(r) == width for r in body) / len(body) if body else 1.0
        key = (
            width > 1,
            consistency,
            delim == default if width == 1 else delim == sniffed,
            delim == sniffed,
            width,
            -order,
        )
        scored.append((key, delim))
    if not scored:
        return default
    return max(scored)[1]


def read_delimited(data: bytes, source: str, suffix: str) -> RawTable:
    text, encoding = _decode(data, source)
    if text.startswith("\ufeff"):  # a BOM inside UTF-16, or a doubled one
        text = text[1:]
    if not text.strip():
        raise InputError(f"{source}: the file is empty")
    csv.field_size_limit(2**31 - 1)
    delimiter = _choose_delimiter(text, suffix)
    try:
        records = _parse(text, delimiter, strict=True)
    except csv.Error as exc:
        if "unexpected end of data" in str(exc):
            row = len(_parse(text, delimiter, strict=False)) or 1
            raise InputError(
                f'{source}: row {row} (spreadsheet row) opens a quote (") that is never closed'
            ) from None
        records = _parse(text, delimiter, strict=False)  # stray quotes inside fields
    return assemble(
        records, source, details={"encoding": encoding, "delimiter": _DELIMITER_NAMES[delimiter]}
    )
