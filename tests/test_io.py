"""Reading and writing survey files: formats, encodings, column matching and every error."""

from __future__ import annotations

import zipfile
from pathlib import Path

import openpyxl
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
import xlsxwriter

from nlp.errors import InputError
from nlp.io import (
    SUPPORTED_SUFFIXES,
    Survey,
    load_survey,
    read_table,
    resolve_column,
    write_table,
)

HEADER = ["Svar-ID", "År", "Kommune", "Tekst"]
ROWS = [
    ["0301", "2019", "Oslo", "Godt samarbeid med IMDi, særlig om bosetting."],
    ["1103", "2020", "Stavanger", "Vi treng meir tilskot; dette er for lite."],
    ["5001", "2021", "Trondheim", "1"],
    ["4601", "2021", "Bergen", ""],
]


def write_text(path: Path, text: str, encoding: str = "utf-8") -> Path:
    path.write_bytes(text.encode(encoding))
    return path


def csv_text(delimiter: str, header=HEADER, rows=ROWS) -> str:
    def cell(value: str) -> str:
        if any(ch in value for ch in (delimiter, '"', "\n", "\r")):
            return '"' + value.replace('"', '""') + '"'
        return value

    lines = [delimiter.join(cell(v) for v in row) for row in [header, *rows]]
    return "\r\n".join(lines) + "\r\n"


def write_xlsx(path: Path, sheets: dict[str, list[list[object]]]) -> Path:
    wb = xlsxwriter.Workbook(str(path), {"strings_to_numbers": False})
    for name, rows in sheets.items():
        ws = wb.add_worksheet(name)
        for r, row in enumerate(rows):
            for c, value in enumerate(row):
                if value is None:
                    continue
                if isinstance(value, str):
                    ws.write_string(r, c, value)
                else:
                    ws.write(r, c, value)
    wb.close()
    return path


def expected_frame() -> pd.DataFrame:
    return pd.DataFrame(ROWS, columns=HEADER)


def assert_same(df: pd.DataFrame, expected: pd.DataFrame) -> None:
    assert list(df.columns) == list(expected.columns)
    assert df.values.tolist() == expected.values.tolist()
    for column in df.columns:
        assert all(isinstance(v, str) for v in df[column].tolist())


# ----------------------------------------------------------------------- CSV


@pytest.mark.parametrize("delimiter", [",", ";", "\t"])
@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp1252"])
def test_csv_delimiters_and_encodings(tmp_path, delimiter, encoding):
    path = write_text(tmp_path / "data.csv", csv_text(delimiter), encoding)
    assert_same(read_table(path), expected_frame())


def test_tsv_and_txt_suffixes(tmp_path):
    for name in ("data.tsv", "data.txt"):
        path = write_text(tmp_path / name, csv_text("\t"))
        assert_same(read_table(path), expected_frame())


def test_cp1252_norwegian_letters_are_not_misdetected(tmp_path):
    text = "id;tekst\n1;Være på skolen i Bærum, Ørsta og Ålesund\n2;Mål: større økonomisk støtte\n"
    path = write_text(tmp_path / "ansi.csv", text, "cp1252")
    df = read_table(path)
    assert df["tekst"].tolist() == [
        "Være på skolen i Bærum, Ørsta og Ålesund",
        "Mål: større økonomisk støtte",
    ]


def test_utf16_with_bom_from_excel_unicode_text(tmp_path):
    path = tmp_path / "unicode.txt"
    path.write_bytes(csv_text("\t").encode("utf-16"))  # Python writes a BOM
    assert_same(read_table(path), expected_frame())


def test_quoted_fields_with_newlines_delimiters_and_quotes(tmp_path):
    rows = [
        ["1", "2020", "Bodø", 'Første linje,\nandre linje; og "sitat"'],
        ["2", "2020", "Tromsø", "Kort"],
    ]
    for delimiter in (",", ";", "\t"):
        path = write_text(tmp_path / "multi.csv", csv_text(delimiter, rows=rows))
        df = read_table(path)
        assert df["Tekst"].tolist() == [rows[0][3], "Kort"]
        assert len(df) == 2


def test_semicolon_file_with_commas_in_every_answer(tmp_path):
    # Norwegian Excel writes semicolons and leaves commas unquoted
    text = "id;tekst;år\n" + "".join(f"{i};Bra, men dyrt, synes vi;2020\n" for i in range(30))
    df = read_table(write_text(tmp_path / "semi.csv", text))
    assert list(df.columns) == ["id", "tekst", "år"]
    assert df["tekst"].iloc[0] == "Bra, men dyrt, synes vi"


def test_single_column_file_with_commas(tmp_path):
    text = "Kommentar\nBra, men dyrt\nIngen\nHei, hei, hei\n"
    df = read_table(write_text(tmp_path / "one.csv", text))
    assert list(df.columns) == ["Kommentar"]
    assert df["Kommentar"].tolist() == ["Bra, men dyrt", "Ingen", "Hei, hei, hei"]


def test_no_type_inference(tmp_path):
    text = "id,tall,dato,tekst\n0301,007,2020-01-02,1\n0302,1.50,,TRUE\n"
    df = read_table(write_text(tmp_path / "types.csv", text))
    assert df.values.tolist() == [["0301", "007", "2020-01-02", "1"], ["0302", "1.50", "", "TRUE"]]


MISSING = ["NaN", "nan", "N/A", "n/a", "#N/A", "NA", "null", "None", " NULL ", "none"]


@pytest.mark.parametrize("suffix", [".csv", ".xlsx", ".parquet"])
def test_missing_value_markers_are_empty_cells(tmp_path, suffix):
    texts = MISSING + ["Nan-sen var her", "NA-tiltak", "N/A eller ikke"]
    frame = pd.DataFrame({"id": [str(i) for i in range(len(texts))], "tekst": texts})
    path = tmp_path / f"data{suffix}"
    if suffix == ".csv":
        frame.to_csv(path, index=False)
    elif suffix == ".xlsx":
        write_xlsx(path, {"s": [list(frame.columns), *frame.values.tolist()]})
    else:
        frame.to_parquet(path)
    survey = load_survey(path, "tekst", "id")
    assert survey.frame["text"].tolist() == [""] * len(MISSING) + texts[len(MISSING):]


def test_rows_of_only_missing_markers_are_skipped_and_ids_must_not_be_missing(tmp_path):
    path = write_text(tmp_path / "d.csv", "id,tekst\n1,hei\nNA,N/A\n3,#N/A\nnull,svar\n")
    df = read_table(path)
    assert df.values.tolist() == [["1", "hei"], ["3", ""], ["", "svar"]]
    with pytest.raises(InputError, match=r"d\.csv: column 'id' has empty ids at rows 5 \(spreadsheet rows\)"):
        load_survey(path, "tekst", "id")


def test_short_rows_are_padded_and_blank_header_cells_named(tmp_path):
    text = "id,,tekst,tekst\n1,a,b\n2,c,d,e\n"
    df = read_table(write_text(tmp_path / "ragged.csv", text))
    assert list(df.columns) == ["id", "column_2", "tekst", "tekst (2)"]
    assert df.values.tolist() == [["1", "a", "b", ""], ["2", "c", "d", "e"]]


def test_trailing_unnamed_empty_columns_are_dropped(tmp_path):
    text = "id;tekst;;\n1;a;;\n2;b;;\n"
    df = read_table(write_text(tmp_path / "excel.csv", text))
    assert list(df.columns) == ["id", "tekst"]


def test_blank_lines_before_header_keep_row_numbers(tmp_path):
    path = write_text(tmp_path / "late.csv", "\n\nid,tekst\n1,a\n2,b\n")
    assert load_survey(path, "tekst").frame["id"].tolist() == ["1", "2"]
    path = write_text(tmp_path / "late2.csv", "\n\nid,tekst\n1,a\n2,b,c\n")
    with pytest.raises(InputError, match=r"row 5 \(spreadsheet row\) has 3 fields"):
        read_table(path)


def test_row_with_too_many_fields_names_the_row(tmp_path):
    text = "id;tekst\n1;ok\n2;for;mange\n"
    with pytest.raises(InputError, match=r"wide\.csv: row 3 \(spreadsheet row\) has 3 fields"):
        read_table(write_text(tmp_path / "wide.csv", text))


def test_unclosed_quote_names_the_row(tmp_path):
    text = 'id,tekst\n1,ok\n2,"aldri lukket\n3,tekst\n'
    with pytest.raises(InputError, match=r"quote\.csv: row 3 .*never closed"):
        read_table(write_text(tmp_path / "quote.csv", text))


def test_header_only_csv_gives_empty_frame_but_survey_error(tmp_path):
    path = write_text(tmp_path / "header.csv", "id,tekst\n")
    df = read_table(path)
    assert list(df.columns) == ["id", "tekst"] and len(df) == 0
    with pytest.raises(InputError, match=r"header\.csv: no data rows"):
        load_survey(path, "tekst")


@pytest.mark.parametrize("content", [b"", b"   \r\n\n", b"\xef\xbb\xbf", b";;;\n;;\n"])
def test_empty_csv(tmp_path, content):
    path = tmp_path / "empty.csv"
    path.write_bytes(content)
    with pytest.raises(InputError, match=r"^empty\.csv: the file is empty"):
        read_table(path)


def test_binary_data_in_csv_is_reported(tmp_path):
    path = tmp_path / "book.csv"
    path.write_bytes(b"PK\x03\x04" + bytes(range(256)) * 4)
    with pytest.raises(InputError, match=r"book\.csv: is a zip/Excel file"):
        read_table(path)


def test_bytes_undefined_in_cp1252_fall_back_to_dos_or_mac_norwegian(tmp_path):
    text = "id;tekst\n1;Bra samarbeid, særlig på Ørsta og Ålesund. Økt tilskudd ønskes.\n"
    for codec in ("cp850", "mac_roman"):
        path = tmp_path / f"{codec}.csv"
        path.write_bytes(text.encode(codec))
        assert read_table(path)["tekst"].tolist() == [text.split(";")[-1].strip()], codec
    # cp1252 with a stray undefined byte still reads as cp1252
    path = tmp_path / "stray.csv"
    path.write_bytes("id;tekst\n1;Være på skolen\x81\n".encode("latin-1"))
    assert read_table(path)["tekst"].tolist() == ["Være på skolen\ufffd"]


def test_binary_garbage_is_reported(tmp_path):
    import random

    rng = random.Random(0)
    for name, data in (
        ("noise.csv", bytes(rng.randrange(256) for _ in range(4000))),
        ("zeros.csv", b"\x00\x01\x02\x03" * 1000),
    ):
        path = tmp_path / name
        path.write_bytes(data)
        with pytest.raises(InputError, match=rf"^{name}: is a binary file"):
            read_table(path)


def test_utf16_without_bom(tmp_path):
    path = tmp_path / "u16.txt"
    path.write_bytes(csv_text("\t").encode("utf-16-le"))
    assert_same(read_table(path), expected_frame())


# --------------------------------------------------------------------- Excel


def test_xlsx_first_sheet_and_named_sheet(tmp_path):
    other = [["Kolonne"], ["annet ark"]]
    path = write_xlsx(tmp_path / "data.xlsx", {"Forside": [HEADER, *ROWS], "Svar 2021": other})
    assert_same(read_table(path), expected_frame())
    named = read_table(path, sheet="Svar 2021")
    assert named.values.tolist() == [["annet ark"]]
    assert read_table(path, sheet="svar 2021").values.tolist() == [["annet ark"]]


def test_xlsx_cell_types_become_display_text(tmp_path):
    import datetime as dt

    rows = [
        ["id", "tall", "desimal", "dato", "sann", "tekst"],
        ["0301", 1103, 2.5, dt.datetime(2021, 3, 4), True, "Linje én\r\nlinje to"],
        ["0302", 1.0, None, dt.datetime(2021, 3, 4, 12, 30), False, "=1+1"],
    ]
    wb = xlsxwriter.Workbook(str(tmp_path / "types.xlsx"))
    ws = wb.add_worksheet()
    date = wb.add_format({"num_format": "yyyy-mm-dd"})
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            if value is None:
                continue
            if isinstance(value, dt.datetime):
                ws.write_datetime(r, c, value, date)
            elif isinstance(value, str):
                ws.write_string(r, c, value)
            else:
                ws.write(r, c, value)
    wb.close()
    df = read_table(tmp_path / "types.xlsx")
    assert df.values.tolist() == [
        ["0301", "1103", "2.5", "2021-03-04", "TRUE", "Linje én\r\nlinje to"],
        ["0302", "1", "", "2021-03-04 12:30:00", "FALSE", "=1+1"],
    ]


def test_xlsx_gaps_keep_spreadsheet_row_numbers(tmp_path):
    path = write_xlsx(
        tmp_path / "gaps.xlsx",
        {"Ark1": [["id", "tekst"], ["a", "første"], [None, None], [None, None], ["b", "andre"]]},
    )
    survey = load_survey(path, "tekst")
    assert survey.frame["id"].tolist() == ["1", "4"]  # spreadsheet rows 2 and 5
    assert survey.frame["text"].tolist() == ["første", "andre"]


def test_xlsx_values_beside_the_table_get_a_column(tmp_path):
    path = write_xlsx(
        tmp_path / "side.xlsx",
        {"Ark1": [["id", "tekst"], ["1", "a"], ["2", "b", None, "notat"]]},
    )
    df = read_table(path)
    assert list(df.columns) == ["id", "tekst", "column_4"]  # by spreadsheet position (D)
    assert df.values.tolist() == [["1", "a", ""], ["2", "b", "notat"]]


def test_xlsm_suffix_is_read(tmp_path):
    write_xlsx(tmp_path / "book.xlsx", {"Ark1": [HEADER, *ROWS]})
    (tmp_path / "book.xlsx").rename(tmp_path / "book.xlsm")
    assert_same(read_table(tmp_path / "book.xlsm"), expected_frame())


def test_missing_sheet_lists_the_sheets(tmp_path):
    path = write_xlsx(tmp_path / "data.xlsx", {"2020": [HEADER], "2021": [HEADER]})
    with pytest.raises(InputError, match=r"data\.xlsx: no sheet 'Svar' \(sheets: 2020, 2021\)"):
        read_table(path, sheet="Svar")


def test_corrupt_xlsx(tmp_path):
    path = tmp_path / "broken.xlsx"
    path.write_bytes(b"this is not a workbook at all")
    with pytest.raises(InputError, match=r"broken\.xlsx: is not a valid Excel"):
        read_table(path)
    # a zip that is not a workbook
    with zipfile.ZipFile(tmp_path / "zip.xlsx", "w") as zf:
        zf.writestr("hello.txt", "hei")
    with pytest.raises(InputError, match=r"^zip\.xlsx: cannot read the Excel file \(.+\)"):
        read_table(tmp_path / "zip.xlsx")
    # a workbook cut in half
    good = write_xlsx(tmp_path / "good.xlsx", {"Ark1": [HEADER, *ROWS] * 50})
    half = tmp_path / "half.xlsx"
    half.write_bytes(good.read_bytes()[: good.stat().st_size // 2])
    with pytest.raises(InputError, match=r"^half\.xlsx: cannot read"):
        read_table(half)


def test_old_xls_or_encrypted_xlsx(tmp_path):
    path = tmp_path / "old.xlsx"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 512)
    with pytest.raises(InputError, match=r"old\.xlsx: is an old Excel \(\.xls\) or password"):
        read_table(path)


def test_empty_sheet(tmp_path):
    path = write_xlsx(tmp_path / "blank.xlsx", {"Ark1": []})
    with pytest.raises(InputError, match=r"blank\.xlsx: sheet 'Ark1' is empty"):
        read_table(path)


# ------------------------------------------------------------------- Parquet


def test_parquet_with_types_and_nulls(tmp_path):
    table = pa.table(
        {
            "Svar-ID": pa.array(["0301", "1103", None]),
            "År": pa.array([2019, None, 2021], pa.int64()),
            "Andel": pa.array([0.5, 1.0, None]),
            "Tekst": pa.array(["a", "", "c"]).dictionary_encode(),
        }
    )
    pq.write_table(table, tmp_path / "data.parquet")
    df = read_table(tmp_path / "data.parquet")
    assert df.values.tolist() == [
        ["0301", "2019", "0.5", "a"],
        ["1103", "", "1", ""],
        ["", "2021", "", "c"],
    ]


def test_corrupt_parquet(tmp_path):
    path = tmp_path / "bad.parquet"
    path.write_bytes(b"PAR1 not really parquet PAR1")
    with pytest.raises(InputError, match=r"^bad\.parquet: cannot read the Parquet file \(.+\)"):
        read_table(path)


# -------------------------------------------------------------- file errors


def test_unsupported_suffix_lists_formats(tmp_path):
    path = write_text(tmp_path / "data.xls", "x")
    with pytest.raises(InputError, match=r"data\.xls: unsupported file type '\.xls'") as exc:
        read_table(path)
    for suffix in SUPPORTED_SUFFIXES:
        assert suffix in str(exc.value)


def test_missing_file_and_folder(tmp_path):
    with pytest.raises(InputError, match=r"nope\.csv: file not found"):
        read_table(tmp_path / "nope.csv")
    (tmp_path / "dir.csv").mkdir()
    with pytest.raises(InputError, match=r"dir\.csv: is a folder"):
        read_table(tmp_path / "dir.csv")


def test_unreadable_file(tmp_path):
    import os

    path = write_text(tmp_path / "locked.csv", csv_text(","))
    path.chmod(0)
    try:
        if not os.access(path, os.R_OK):  # permissions apply (not root)
            with pytest.raises(InputError, match=r"^locked\.csv: cannot read file"):
                read_table(path)
    finally:
        path.chmod(0o644)
    # a file that exists but fails on read for every user, root included (EIO)
    mem = Path("/proc/self/mem")
    if mem.exists():
        link = tmp_path / "mem.csv"
        link.symlink_to(mem)
        with pytest.raises(InputError, match=r"^mem\.csv: cannot read file \(.+\)$"):
            read_table(link)


def test_errors_are_single_lines(tmp_path):
    path = write_text(tmp_path / "data.csv", csv_text(","))
    with pytest.raises(InputError) as exc:
        load_survey(path, "svar")
    assert "\n" not in str(exc.value)


# ------------------------------------------------------------ column matching


@pytest.mark.parametrize(
    "name", ["Svar-ID", "svar-id", "Svar ID", "SVAR_ID", "svarid", " svar id "]
)
def test_resolve_column_is_case_space_and_punctuation_insensitive(name):
    df = pd.DataFrame(columns=HEADER)
    assert resolve_column(df, name, "data.csv") == "Svar-ID"


def test_resolve_column_keeps_norwegian_letters_and_prefers_exact():
    df = pd.DataFrame(columns=["År", "Ar", "tekst", "Tekst"])
    assert resolve_column(df, "år", "d.csv") == "År"
    assert resolve_column(df, "Tekst", "d.csv") == "Tekst"
    assert resolve_column(df, "tekst", "d.csv") == "tekst"
    with pytest.raises(InputError, match=r"ambiguous .*'tekst', 'Tekst'"):
        resolve_column(df, "TEKST", "d.csv")


def test_missing_column_lists_available_columns():
    df = pd.DataFrame(columns=HEADER)
    with pytest.raises(InputError) as exc:
        resolve_column(df, "svar", "data.csv")
    assert str(exc.value).startswith(
        "data.csv: no column 'svar' (available: Svar-ID, År, Kommune, Tekst)"
    )
    with pytest.raises(InputError, match=r"did you mean 'Kommune'\?"):
        resolve_column(df, "kommuen", "data.csv")


# ------------------------------------------------------------------ surveys


def test_load_survey_with_id_and_groups(tmp_path):
    path = write_text(tmp_path / "data.csv", csv_text(";"))
    survey = load_survey(path, "tekst", id_column="svar id", group_columns=["kommune", "ÅR"])
    assert isinstance(survey, Survey)
    assert survey.source == "data.csv"
    assert survey.text_column == "Tekst"
    assert survey.id_column == "Svar-ID"
    assert survey.group_columns == ["Kommune", "År"]
    frame = survey.frame
    assert list(frame.columns) == ["id", "text", "Kommune", "År"]
    assert isinstance(frame.index, pd.RangeIndex)
    assert frame["id"].tolist() == ["0301", "1103", "5001", "4601"]
    assert frame["text"].tolist() == [r[3] for r in ROWS]
    assert frame["Kommune"].tolist() == [r[2] for r in ROWS]


def test_ids_default_to_data_row_numbers_and_order_is_kept(tmp_path):
    rows = [[str(i), "", "", f"svar {n}"] for i, n in enumerate([5, 3, 9, 1, 7])]
    rows.insert(2, ["", "", "", ""])  # a wholly empty row carries nothing and is skipped
    path = write_text(tmp_path / "data.csv", csv_text(",", rows=rows))
    survey = load_survey(path, "Tekst")
    assert survey.id_column is None
    assert survey.frame["text"].tolist() == ["svar 5", "svar 3", "svar 9", "svar 1", "svar 7"]
    assert survey.frame["id"].tolist() == ["1", "2", "4", "5", "6"]


def test_every_row_is_kept_including_empty_answers(tmp_path):
    n = 500
    rows = [[f"R{i:04d}", "2020", "X", "" if i % 3 else f"tekst {i}"] for i in range(n)]
    path = write_text(tmp_path / "big.csv", csv_text("\t", rows=rows))
    survey = load_survey(path, "tekst", id_column="svar-id")
    assert len(survey.frame) == n
    assert survey.frame["id"].tolist() == [r[0] for r in rows]
    assert survey.frame["text"].tolist() == [r[3] for r in rows]


def test_ids_are_stripped_and_keep_leading_zeros(tmp_path):
    path = write_text(tmp_path / "d.csv", "id,tekst\n 0301 ,a\n0007,b\n")
    assert load_survey(path, "tekst", "id").frame["id"].tolist() == ["0301", "0007"]


def test_duplicate_ids_name_the_rows(tmp_path):
    rows = [[f"KU19-{i:04d}", "", "", "t"] for i in range(1, 50)]
    rows[38][0] = "KU19-0003"  # spreadsheet row 40 repeats row 4
    path = write_text(tmp_path / "data.csv", csv_text(",", rows=rows))
    with pytest.raises(InputError) as exc:
        load_survey(path, "tekst", id_column="Svar-ID")
    assert str(exc.value) == (
        "data.csv: column 'Svar-ID' has duplicate ids at rows 4, 40 "
        "(spreadsheet rows; first: 'KU19-0003')"
    )


def test_empty_ids_name_the_rows(tmp_path):
    path = write_text(tmp_path / "data.csv", "id,tekst\n1,a\n,b\n3,c\n")
    with pytest.raises(InputError, match=r"column 'id' has empty ids at rows 3 \(spreadsheet"):
        load_survey(path, "tekst", id_column="id")


def test_no_text_in_text_column(tmp_path):
    path = write_text(tmp_path / "data.csv", "id,tekst,annet\n1,,x\n2,  ,y\n")
    with pytest.raises(InputError, match=r"data\.csv: column 'tekst' has no text in any of its 2"):
        load_survey(path, "tekst")


def test_missing_text_column_in_survey(tmp_path):
    path = write_text(tmp_path / "data.csv", csv_text(","))
    with pytest.raises(InputError, match=r"no column 'kommentar' \(available: Svar-ID, År"):
        load_survey(path, "kommentar")
    with pytest.raises(InputError, match=r"no column 'fylke'"):
        load_survey(path, "tekst", group_columns=["fylke"])
    with pytest.raises(InputError, match=r"no column 'nr'"):
        load_survey(path, "tekst", id_column="nr")


def test_load_survey_from_xlsx_named_sheet_and_parquet(tmp_path):
    xlsx = write_xlsx(tmp_path / "s.xlsx", {"Info": [["x"], ["y"]], "Svar": [HEADER, *ROWS]})
    survey = load_survey(xlsx, "Tekst", "Svar-ID", ["År"], sheet="Svar")
    assert survey.frame["id"].tolist() == [r[0] for r in ROWS]
    pd.DataFrame(ROWS, columns=HEADER).to_parquet(tmp_path / "s.parquet")
    survey = load_survey(tmp_path / "s.parquet", "tekst")
    assert survey.frame["id"].tolist() == ["1", "2", "3", "4"]
    assert survey.frame["text"].tolist() == [r[3] for r in ROWS]


# ------------------------------------------------------------------- writing


def frame_to_write() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "id": ["0301", "2", "3", "4"],
            "text": ["=HYPERLINK(\"http://x\")", "- punkt én", "@sum", "vanlig\x01tekst\x0b"],
            "score": [0.5, -1.0, 2.0, None],
            "topic": [1, -1, 3, 4],
        }
    )


def test_write_xlsx_neutralises_formulas_and_control_characters(tmp_path):
    path = tmp_path / "ut.xlsx"
    write_table(frame_to_write(), path)
    wb = openpyxl.load_workbook(path)
    ws = wb.active
    values = [[c.value for c in row] for row in ws.iter_rows()]
    assert values[0] == ["id", "text", "score", "topic"]
    assert [r[1] for r in values[1:]] == [
        '\'=HYPERLINK("http://x")', "'- punkt én", "'@sum", "vanligtekst"
    ]
    for row in ws.iter_rows(min_row=2, max_col=2):
        id_cell, text_cell = row
        assert id_cell.data_type == "s" and text_cell.data_type == "s"  # text, never a formula
    assert ws.cell(2, 1).value == "0301"
    # numbers stay numbers: a negative number is not a formula and gets no prefix
    assert ws.cell(3, 3).value == -1 and ws.cell(3, 3).data_type == "n"
    assert ws.cell(3, 4).value == -1 and ws.cell(3, 4).data_type == "n"
    assert ws.cell(5, 3).value is None


def test_xlsx_control_character_cannot_hide_a_formula(tmp_path):
    write_table(pd.DataFrame({"t": ["\x0b=1+1", "\x01@SUM(A1)"]}), tmp_path / "ut.xlsx")
    ws = openpyxl.load_workbook(tmp_path / "ut.xlsx").active
    assert [ws.cell(r, 1).value for r in (2, 3)] == ["'=1+1", "'@SUM(A1)"]


def test_write_csv_is_utf8_with_bom_and_escapes_formulas(tmp_path):
    df = pd.DataFrame({"id": ["0301", "2"], "tekst": ["Æøå, \"sitat\"\nny linje", "=1+1"]})
    path = tmp_path / "ut.csv"
    write_table(df, path)
    assert path.read_bytes().startswith(b"\xef\xbb\xbfid,tekst")
    assert read_table(path).values.tolist() == [["0301", "Æøå, \"sitat\"\nny linje"], ["2", "'=1+1"]]


def test_write_parquet_and_tsv_round_trip(tmp_path):
    df = pd.DataFrame({"id": ["0301", "2"], "tekst": ["a\tb", "c"]})
    for name in ("ut.parquet", "ut.tsv"):
        write_table(df, tmp_path / name)
        assert read_table(tmp_path / name).values.tolist() == df.values.tolist()


def test_write_unsupported_suffix(tmp_path):
    with pytest.raises(InputError, match=r"ut\.json: cannot write '\.json' files"):
        write_table(pd.DataFrame({"a": [1]}), tmp_path / "ut.json")


def test_xlsx_round_trip_of_survey_frame(tmp_path):
    path = write_text(tmp_path / "data.csv", csv_text(","))
    frame = load_survey(path, "tekst", "svar-id", ["år"]).frame
    write_table(frame, tmp_path / "ut.xlsx")
    back = read_table(tmp_path / "ut.xlsx")
    assert back.values.tolist() == frame.values.tolist()


# ------------------------------------------------------------------ wide exports (one row per respondent)

WIDE = ("Resp-ID;Rolle;Hva fungerer bra?;Hva kan bli bedre?;Kommentar;Kommentar;Score (1-5)\n"
        "r1;Rektor;Godt samarbeid med IMDi.;;Ingen;Bra kurs;4\n"
        "r2;Leder;;Tilskuddet kommer sent.;;;2\n"
        "r3;Leder;;;;;5\n"
        "r4;Rektor;Fin dialog;Mer tid;Nei;Takk;vet ikke\n")


def test_wide_file_gives_one_row_per_answer_with_respondent_and_question(tmp_path):
    path = write_text(tmp_path / "wide.csv", WIDE)
    survey = load_survey(path, ["Hva fungerer bra?", "hva kan bli bedre", "Kommentar", "Kommentar (2)"],
                         id_column="Resp-ID", group_columns=["Rolle"], rating_column="Score (1-5)")
    f = survey.frame
    assert survey.wide and survey.respondents == 4 and survey.blank_answers == 8 and len(f) == 8
    assert f["id"].tolist()[:3] == ["r1-1", "r1-3", "r1-4"]
    assert f["respondent"].tolist() == ["r1", "r1", "r1", "r2", "r4", "r4", "r4", "r4"]
    assert f.loc[f["id"] == "r2-2", "question"].item() == "Hva kan bli bedre?"
    assert set(f["question"]) == {"Hva fungerer bra?", "Hva kan bli bedre?", "Kommentar", "Kommentar (2)"}
    assert survey.group_columns == ["Rolle", "question"]
    assert "Score (1-5)" in survey.carried_columns and "Resp-ID" not in f.columns
    # r3 answered nothing: no row, but counted, with its rating
    assert "r3" not in set(f["respondent"]) and survey.ratings.loc["r3", "rating"] == "5"
    assert survey.ratings.loc["r4", "row"] == 5


def test_wide_respondents_and_answers_account_for_every_cell(tmp_path):
    path = write_text(tmp_path / "wide.csv", WIDE)
    survey = load_survey(path, ["Hva fungerer bra?", "Hva kan bli bedre?"])
    assert survey.respondents == 4
    assert len(survey.frame) + survey.blank_answers == 4 * 2
    assert survey.frame["respondent"].tolist() == ["1", "2", "4", "4"]  # row numbers without --id-column


def test_wide_text_column_named_twice_or_as_group_is_an_error(tmp_path):
    path = write_text(tmp_path / "wide.csv", WIDE)
    with pytest.raises(InputError, match=r"wide\.csv: text column 'Kommentar' is given twice"):
        load_survey(path, ["Kommentar", "kommentar"])
    with pytest.raises(InputError, match="both a text column and a group column"):
        load_survey(path, ["Kommentar", "Hva kan bli bedre?"], group_columns=["Kommentar"])
    with pytest.raises(InputError, match="no column 'Hva er bra'"):
        load_survey(path, ["Hva er bra", "Kommentar"])


def test_wide_file_with_no_answers_at_all(tmp_path):
    path = write_text(tmp_path / "wide.csv", "id;A?;B?\n1;;\n2; ;\n")
    with pytest.raises(InputError, match=r"columns 'A\?', 'B\?' have no text in any of their 2 rows"):
        load_survey(path, ["A?", "B?"])


def test_columns_clashing_with_output_names_are_kept_under_another_name(tmp_path):
    path = write_text(tmp_path / "wide.csv", "question;respondent;A;B\nq;x;svar a;svar b\n")
    f = load_survey(path, ["A", "B"]).frame
    assert f["question"].tolist() == ["A", "B"] and f["question (fil)"].tolist() == ["q", "q"]
    assert f["respondent (fil)"].tolist() == ["x", "x"]
