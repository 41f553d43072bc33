"""Fuzzing the readers and the import: whatever the bytes, the answer is a roster (or an import
result) or a clean bilingual BadInput / PovdeskError, never another exception (issue 9)."""

from __future__ import annotations

import csv
import io
import os
import tempfile
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from povdesk.domain.codelists import builtin_codebook
from povdesk.errors import PovdeskError
from povdesk.exchange import layouts
from povdesk.services.database import Database
from povdesk.services.importer import ImportResult, ImportService
from tests.exchange.rosters import PERSON_HEADER, person_rows, person_xlsx, write_csv

#: POVDESK_FUZZ_EXAMPLES=1000 for a longer hunt; the default keeps the suite quick
FUZZ = settings(max_examples=int(os.environ.get("POVDESK_FUZZ_EXAMPLES", "40")), deadline=None, database=None,
                suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])


@pytest.fixture(scope="module")
def roster_bytes(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    return person_xlsx(tmp_path_factory.mktemp("fuzz") / "roster.xlsx").read_bytes()


@pytest.fixture
def work() -> Iterator[Path]:
    with tempfile.TemporaryDirectory() as d:
        yield Path(d)


def read_or_refuse(path: Path) -> layouts.ParsedRoster | None:
    try:
        return layouts.read_roster(str(path), builtin_codebook())
    except PovdeskError as exc:
        _clean(exc, path)
        return None


def import_or_refuse(db: Database, path: Path) -> ImportResult | None:
    try:
        return ImportService(db=db).preview(path)
    except PovdeskError as exc:
        _clean(exc, path)
        return None


def _clean(exc: PovdeskError, path: Path) -> None:
    assert exc.zh and exc.en and exc.code
    assert exc.where.file in (None, path.name)
    assert "Traceback" not in exc.zh


# --------------------------------------------------------------------------- bytes
@FUZZ
@given(data=st.binary(max_size=4096), suffix=st.sampled_from([".xlsx", ".xls", ".csv", ".txt"]))
def test_random_bytes(work: Path, data: bytes, suffix: str) -> None:
    path = work / f"random{suffix}"
    path.write_bytes(data)
    read_or_refuse(path)


@FUZZ
@given(head=st.sampled_from([b"PK\x03\x04", b"PK\x05\x06", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",
                             b"\xef\xbb\xbf", b"\xff\xfe"]),
       data=st.binary(max_size=4096))
def test_random_bytes_behind_a_known_signature(work: Path, head: bytes, data: bytes) -> None:
    path = work / "signed.xlsx"
    path.write_bytes(head + data)
    read_or_refuse(path)


@FUZZ
@given(cut=st.floats(min_value=0.0, max_value=1.0, exclude_max=True))
def test_truncated_workbook(work: Path, roster_bytes: bytes, cut: float) -> None:
    path = work / "truncated.xlsx"
    path.write_bytes(roster_bytes[:max(1, int(len(roster_bytes) * cut))])
    read_or_refuse(path)


@FUZZ
@given(flips=st.lists(st.tuples(st.floats(min_value=0.0, max_value=1.0, exclude_max=True),
                                st.integers(min_value=0, max_value=255)), min_size=1, max_size=8))
def test_workbook_with_damaged_bytes(work: Path, roster_bytes: bytes, flips: list[tuple[float, int]]) -> None:
    data = bytearray(roster_bytes)
    for where, value in flips:
        data[int(len(data) * where)] = value
    path = work / "damaged.xlsx"
    path.write_bytes(bytes(data))
    read_or_refuse(path)


_SHEET_XML = st.sampled_from([
    b"", b"<row>", b"<row r=\"0\">", b"<row r=\"-3\"><c r=\"A1\"><v>1</v></c></row>",
    b"<row r=\"99999999999\"><c><v>1</v></c></row>", b"<c r=\"A\"><v>x</v></c>", b"<c r=\"1A\"><f>",
    b"<c r=\"ZZZZZZ1\"><v>1</v></c>", b"<c r=\"B2\" t=\"s\"><v>999</v></c>", b"<c><f>SUM(</f><v/></c>",
    b"<c r=\"C3\" t=\"str\"><f>A1</f><v></v></c>", b"<x:row r=\"2\">", b"</row>", b"</c>", b"<v>",
    b"&amp;&lt;&#0;", "中文".encode(), b"\xff\xfe", b"<f t=\"shared\" si=\"0\"/>", b"<c r=\"D4\"><is><t>t</t></is></c>",
])


@FUZZ
@given(parts=st.lists(_SHEET_XML, max_size=20))
def test_workbook_with_a_strange_sheet(work: Path, roster_bytes: bytes, parts: list[bytes]) -> None:
    """Damaged or odd sheet XML inside an intact zip: the scan of the sheet and calamine both meet it."""
    path = work / "odd.xlsx"
    with zipfile.ZipFile(io.BytesIO(roster_bytes)) as src, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                at = data.find(b"</sheetData>")
                data = data[:at] + b"".join(parts) + data[at:]
            zf.writestr(item, data)
    read_or_refuse(path)


# --------------------------------------------------------------------------- random cell values
_TEXT = st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc")), max_size=30)
_CELL = st.one_of(st.none(), _TEXT, st.integers(min_value=-10**20, max_value=10**20),
                  st.floats(allow_nan=True, allow_infinity=False, width=64), st.booleans(),
                  st.sampled_from(["=1+1", "=A1", "是", "否", "户主", "未脱贫", "5.13437E+17", "1e30", "-1",
                                   "2019", "1900-01-01", "13900000001", "'=HYPERLINK(\"x\")", " ", "\u3000"]))
_ROWS = st.lists(st.lists(_CELL, min_size=0, max_size=len(PERSON_HEADER) + 2), min_size=1, max_size=6)


def _mixed_rows(rows: list[list[Any]]) -> list[list[Any]]:
    """Random rows among real ones, so households are formed and compared."""
    return [*person_rows()[:3], *rows, *person_rows()[3:]]


@FUZZ
@given(rows=_ROWS, formulas=st.booleans())
def test_random_cells_in_a_real_workbook(work: Path, db: Database, rows: list[list[Any]], formulas: bool) -> None:
    path = work / "cells.xlsx"
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(PERSON_HEADER)
    for row in _mixed_rows(rows):
        ws.append(row)
        if not formulas:
            for cell in ws[ws.max_row]:
                if isinstance(cell.value, str):
                    cell.data_type = "s"
    wb.save(path)
    read_or_refuse(path)
    import_or_refuse(db, path)


@FUZZ
@given(rows=st.lists(st.lists(st.one_of(st.none(), st.text(max_size=30), st.integers()), max_size=30),
                     min_size=1, max_size=6),
       encoding=st.sampled_from(["utf-8", "utf-8-sig", "gb18030"]), delimiter=st.sampled_from([",", "\t"]))
def test_random_cells_in_a_real_csv(work: Path, db: Database, rows: list[list[Any]], encoding: str,
                                    delimiter: str) -> None:
    path = work / "cells.csv"
    with path.open("w", encoding=encoding, errors="replace", newline="") as fh:
        w = csv.writer(fh, delimiter=delimiter)
        w.writerow(PERSON_HEADER)
        for row in _mixed_rows(rows):
            w.writerow(["" if v is None else v for v in row])
    read_or_refuse(path)
    import_or_refuse(db, path)


@FUZZ
@given(cut=st.integers(min_value=1, max_value=2000), noise=st.binary(max_size=64))
def test_csv_cut_and_noise(work: Path, db: Database, cut: int, noise: bytes) -> None:
    full = write_csv(work / "full.csv", PERSON_HEADER, person_rows()).read_bytes()
    path = work / "cut.csv"
    path.write_bytes(full[:cut] + noise + full[cut:])
    read_or_refuse(path)
    import_or_refuse(db, path)
