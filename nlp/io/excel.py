"""XLSX and XLSM files: every cell as the text Excel shows."""

from __future__ import annotations

import datetime as _dt
import io
import re
import zipfile
from collections.abc import Sequence


from nlp.errors import InputError
from nlp.io.raw import RawTable, assemble, column_key, reason


_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # old .xls and encrypted .xlsx
_ZIP_MAGIC = b"PK\x03\x04"


_OOXML_ESCAPE = re.compile(r"_x([0-9A-Fa-f]{4})_")


def excel_text(value: object) -> str:
    """A cell value as the text a user sees, without float noise (``1.0`` -> ``"1"``)."""
    if value is None:
        return ""
    if isinstance(value, str):
        # OOXML escapes control characters as _xHHHH_ (Excel writes "\r" as _x000D_)
        return _OOXML_ESCAPE.sub(lambda m: chr(int(m.group(1), 16)), value)
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        if value.is_integer() and abs(value) < 1e15:
            return str(int(value))
        return format(value, ".15g")
    if isinstance(value, _dt.datetime):
        if value.time() == _dt.time(0):
            return value.date().isoformat()
        return value.isoformat(sep=" ")
    if isinstance(value, (_dt.date, _dt.time)):
        return value.isoformat()
    return str(value)


def read_excel(data: bytes, source: str, sheet: str | None) -> RawTable:
    if data.startswith(_OLE_MAGIC):
        raise InputError(
            f"{source}: is an old Excel (.xls) or password-protected workbook; "
            "save it as an unprotected .xlsx"
        )
    if not data.startswith(_ZIP_MAGIC):
        raise InputError(f"{source}: is not a valid Excel .xlsx file (not a zip archive)")
    import openpyxl

    try:
        wb = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError, TypeError, AttributeError) as exc:
        raise InputError(f"{source}: cannot read the Excel file ({reason(exc)})") from None
    except Exception as exc:  # openpyxl raises assorted types on damaged XML
        raise InputError(f"{source}: cannot read the Excel file ({reason(exc)})") from None
    try:
        names = [ws.title for ws in wb.worksheets]
        if not names:
            raise InputError(f"{source}: the workbook has no worksheets")
        if sheet is None:
            ws = wb.worksheets[0]
        else:
            title = _match_sheet(sheet, names)
            if title is None:
                raise InputError(
                    f"{source}: no sheet '{sheet}' (sheets: {', '.join(names)})"
                )
            ws = wb[title]
        try:
            ws.reset_dimensions()  # some writers store wrong dimensions; read every cell
            records = [
                [excel_text(cell.value) for cell in row] for row in ws.iter_rows()
            ]
        except InputError:
            raise
        except Exception as exc:
            raise InputError(
                f"{source}: cannot read sheet '{ws.title}' ({reason(exc)})"
            ) from None
    finally:
        wb.close()
    while records and not any(c.strip() for c in records[-1]):
        records.pop()
    if not records:
        raise InputError(f"{source}: sheet '{ws.title}' is empty")
    return assemble(records, source, details={"sheet": ws.title}, extend_header=True)


def _match_sheet(wanted: str, names: Sequence[str]) -> str | None:
    if wanted in names:
        return wanted
    key = column_key(wanted)
    matches = [n for n in names if column_key(n) == key]
    return matches[0] if len(matches) == 1 else None
