"""The one workbook writer: string cells with Excel's quote prefix, no unwritable characters, safe titles."""

from __future__ import annotations

import datetime as dt
import re
import zipfile
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook

from povdesk import workbook

VALUES = ['=HYPERLINK("http://x","click")', "=cmd|' /C calc'!A0", "+86 139", "-5", "@SUM(A1)", "\t=1",
          "#N/A", "plain", 3, 2.5, None]


def _sheet_xml(path: Path) -> str:
    with zipfile.ZipFile(path) as z:
        return z.read(next(n for n in z.namelist() if n.startswith("xl/worksheets/sheet"))).decode()


def _quote_prefixed_styles(path: Path) -> set[int]:
    with zipfile.ZipFile(path) as z:
        styles = z.read("xl/styles.xml").decode()
    xfs = re.findall(r"<xf [^>]*>", styles.split("<cellXfs", 1)[1].split("</cellXfs>", 1)[0])
    return {i for i, xf in enumerate(xfs) if 'quotePrefix="1"' in xf}


@pytest.mark.parametrize("write_only", [False, True])
def test_formula_text_is_a_quote_prefixed_string_with_no_apostrophe(tmp_path: Path, write_only: bool) -> None:
    wb = Workbook(write_only=write_only)
    if write_only:
        ws = wb.create_sheet("x")
        workbook.append(ws, VALUES)
    else:
        ws = wb.active
        for c, value in enumerate(VALUES, start=1):
            workbook.write(ws, 1, c, value)
    path = workbook.save(wb, tmp_path / "w.xlsx")
    assert not (tmp_path / "w.xlsx.part").exists()
    xml = _sheet_xml(path)
    assert "<f>" not in xml and "'=" not in xml and 't="e"' not in xml
    quoted = _quote_prefixed_styles(path)
    for ref in ("A1", "B1", "C1", "D1", "E1", "F1"):  # = + - @ and a tab: string cells, quote prefix
        cell = re.search(rf'<c r="{ref}" ([^>]*)>', xml)
        assert cell is not None and 't="inlineStr"' in cell.group(1)
        assert int(re.search(r's="(\d+)"', cell.group(1)).group(1)) in quoted  # type: ignore[union-attr]
    assert re.search(r'<c r="H1" t="inlineStr">', xml)  # plain text: no style needed
    back = load_workbook(path).worksheets[0]
    cells = back[1]
    assert [c.value for c in cells[:len(VALUES) - 1]] == VALUES[:-1]
    assert [c.quotePrefix for c in cells[:8]] == [True] * 6 + [False, False]
    assert all(c.data_type != "f" for c in cells)


def test_unwritable_characters_are_left_out_never_fatal(tmp_path: Path) -> None:
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(workbook.sheet_title("表\x0b一", set()))
    text = "沙马\x0b拉则\x00\x1f\ufffe\uffff\ud800!"
    workbook.append(ws, [text, "a\r\nb\rc", workbook.cell(ws, "=x\x0b")])
    path = workbook.save(wb, tmp_path / "c.xlsx")
    back = load_workbook(path)
    assert back.sheetnames == ["表一"]
    assert [c.value for c in back.worksheets[0][1]] == ["沙马拉则!", "a\nb\nc", "=x"]
    assert workbook.clean("plain") == "plain"


def test_sheet_titles_are_safe_short_and_unique_ignoring_case() -> None:
    used: set[str] = set()
    titles = [workbook.sheet_title(t, used, fallback="户") for t in
              ["51/34*37[2]:0?4", "51_34_37_2__0_4", "ABC", "abc", "", "'quoted'", "x" * 40, "x" * 40,
               "History", "\x0b", "𠮷" * 20]]
    assert titles[:4] == ["51_34_37_2__0_4", "51_34_37_2__0_4-2", "ABC", "abc-2"]
    assert titles[4] == "户" and titles[5] == "quoted" and titles[8] == "History_" and titles[9] == "户-2"
    assert titles[6] == "x" * 31 and titles[7] == "x" * 29 + "-2"
    assert titles[10] == "𠮷" * 15  # 30 UTF-16 units: Excel counts those
    assert len({t.casefold() for t in titles}) == len(titles)
    wb = Workbook(write_only=True)
    for t in titles:
        wb.create_sheet(t)  # openpyxl accepts every one, with no warning (warnings fail tests)


def test_a_plain_sheet_row_wider_than_its_headers_is_refused() -> None:
    sheet = workbook.PlainSheet("t", ["a"], [10], [["x", "y"]])
    with pytest.raises(ValueError):
        workbook.plain_workbook([sheet], dt.datetime(2020, 1, 31))
