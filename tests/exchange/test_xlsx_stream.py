"""The streamed .xlsx reader gives what calamine gives (issue 17 §1): the same values of the same
types in the same places, on workbooks written by openpyxl, saved with shared strings as Excel
saves them, and written by hand where programs differ; and it reads a sheet a piece at a time."""

from __future__ import annotations

import datetime as dt
import math
import re
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import openpyxl
import pytest
import python_calamine as pc
from hypothesis import given
from hypothesis import strategies as st
from openpyxl.cell.rich_text import CellRichText, TextBlock
from openpyxl.cell.text import InlineFont
from openpyxl.utils.datetime import CALENDAR_MAC_1904

from povdesk.errors import BadInput
from povdesk.exchange import readers, xlsx_stream
from tests.exchange.rosters import PERSON_HEADER, person_rows
from tests.exchange.test_fuzz_readers import FUZZ

Rows = list[tuple[int, list[Any]]]


# --------------------------------------------------------------------------- the two readers, side by side
def _trim(cells: list[Any]) -> list[Any]:
    cells = list(cells)
    while cells and cells[-1] == "":
        cells.pop()
    return cells


def _edges(rows: Rows) -> Rows:
    """Without blank rows at the start and the end (calamine keeps a row whose only cell is an
    error or an empty text; both readers give such cells as "")."""
    while rows and not rows[0][1]:
        rows = rows[1:]
    while rows and not rows[-1][1]:
        rows = rows[:-1]
    return rows


def calamine_rows(path: Path, sheet: str | None = None) -> Rows:
    """calamine's rows, placed from column A and row 1 as the stream places them."""
    wb = pc.CalamineWorkbook.from_path(str(path))
    ws = wb.get_sheet_by_name(sheet) if sheet else wb.get_sheet_by_index(0)
    wb.close()
    if ws.start is None:
        return []
    first_col = ws.start[1]  # iter_rows gives the rows from row 1, the columns from the first with a value
    return _edges([(1 + i, _trim([""] * first_col + row)) for i, row in enumerate(ws.iter_rows())])


def stream_rows(path: Path, sheet: str | None = None, *, uncomputed_blank: bool = False) -> Rows:
    sources = readers.open_sources(path)
    source = next(s for s in sources if sheet is None or s.sheet == sheet)
    out = []
    for number, cells in source.rows():
        if uncomputed_blank:  # calamine reads a formula without its value as blank
            cells = _trim(["" if isinstance(c, readers.UncomputedFormula) else c for c in cells])
        assert cells == _trim(cells), f"row {number} ends in a blank"
        out.append((number, cells))
    return _edges(out)


def _typed(rows: Rows) -> list[tuple[int, list[tuple[str, Any]]]]:
    """Rows with every value's type (1.0 and 1 or True differ) and NaN made comparable."""
    return [(n, [(type(c).__name__, "nan" if isinstance(c, float) and math.isnan(c) else c) for c in cells])
            for n, cells in rows]


def assert_same(path: Path, sheet: str | None = None) -> Rows:
    ours = stream_rows(path, sheet, uncomputed_blank=True)
    assert _typed(ours) == _typed(calamine_rows(path, sheet))
    return ours


def shared_strings(path: Path) -> Path:
    """The workbook with its inline strings moved into a shared strings table, as Excel saves it
    (openpyxl writes every string inline)."""
    out = path.with_name(path.stem + "-sst.xlsx")
    table: list[bytes] = []
    index: dict[bytes, int] = {}

    def share(m: re.Match[bytes]) -> bytes:
        content = m.group(2)
        if content not in index:
            index[content] = len(table)
            table.append(content)
        return m.group(1) + b't="s"><v>%d</v></c>' % index[content]

    with zipfile.ZipFile(path) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        sheets = {}
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename.startswith("xl/worksheets/sheet"):
                sheets[item.filename] = re.sub(rb'(<c r="[A-Z]+\d+"(?: s="\d+")? )t="inlineStr"><is>(.*?)</is></c>',
                                               share, data)
        for item in src.infolist():
            data = sheets.get(item.filename) or src.read(item.filename)
            if item.filename == "xl/_rels/workbook.xml.rels":
                data = data.replace(b"</Relationships>", b'<Relationship Id="rIdSst" Type="http://schemas.'
                                    b'openxmlformats.org/officeDocument/2006/relationships/sharedStrings" '
                                    b'Target="sharedStrings.xml"/></Relationships>')
            zf.writestr(item, data)
        zf.writestr("xl/sharedStrings.xml", b'<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.'
                    b'openxmlformats.org/spreadsheetml/2006/main" count="%d" uniqueCount="%d">' % (len(table), len(table))
                    + b"".join(b"<si>" + t + b"</si>" for t in table) + b"</sst>")
    return out


_NS = b'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'


def handmade(path: Path, sheet_data: bytes, *, strings: bytes | None = None, styles: bytes | None = None,
             date1904: bool = False, prefix: bytes = b"", dimension: bytes = b"") -> Path:
    """A workbook of one sheet whose <sheetData> content (and shared strings, styles) are given."""
    rel = b'<Relationship Id="rId%d" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/%s" ' \
          b'Target="%s"/>'
    rels = rel % (1, b"worksheet", b"worksheets/sheet1.xml")
    if strings is not None:
        rels += rel % (2, b"sharedStrings", b"sharedStrings.xml")
    if styles is not None:
        rels += rel % (3, b"styles", b"styles.xml")
    ns = _NS.replace(b"xmlns=", b"xmlns:" + prefix[:-1] + b"=") if prefix else _NS
    p = prefix
    sheet = (b'<?xml version="1.0"?><' + p + b"worksheet " + ns + b">" + dimension + b"<" + p + b"sheetData>"
             + sheet_data + b"</" + p + b"sheetData></" + p + b"worksheet>")
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("[Content_Types].xml", b'<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/'
                    b'package/2006/content-types"/>')
        zf.writestr("_rels/.rels", b'<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/'
                    b'package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/'
                    b'officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>')
        zf.writestr("xl/workbook.xml", b'<?xml version="1.0"?><workbook ' + _NS + b' xmlns:r="http://schemas.'
                    b'openxmlformats.org/officeDocument/2006/relationships">'
                    + (b'<workbookPr date1904="1"/>' if date1904 else b"")
                    + b'<sheets><sheet name="S" sheetId="1" r:id="rId1"/></sheets></workbook>')
        zf.writestr("xl/_rels/workbook.xml.rels", b'<?xml version="1.0"?><Relationships xmlns="http://schemas.'
                    b'openxmlformats.org/package/2006/relationships">' + rels + b"</Relationships>")
        zf.writestr("xl/worksheets/sheet1.xml", sheet)
        if strings is not None:
            zf.writestr("xl/sharedStrings.xml", b'<?xml version="1.0"?><sst ' + _NS + b">" + strings + b"</sst>")
        if styles is not None:
            zf.writestr("xl/styles.xml", b'<?xml version="1.0"?><styleSheet ' + _NS + b">" + styles + b"</styleSheet>")
    return path


# --------------------------------------------------------------------------- workbooks openpyxl writes
_FORMATS = ["General", "0.00", "@", "yyyy年m月d日", "yyyy/m/d", "yyyy-mm-dd h:mm:ss", "h:mm AM/PM", "mm:ss",
            "[h]:mm:ss", "d-mmm-yy", '"Y"0', "[Red]0.00", "0%", "#,##0", "yyyy-mm-dd;@", "[$-804]aaaa",
            "hh:mm:ss.000", '0.0" m"', "m/d/yy h:mm", "[mm]:ss"]
_NUMBERS = [0, 0.25, 1, 1.5, 59, 60, 61, 366.75, 43831, 43831.5, 43831.000005787, 2958465, 2958466.5, -1,
            -0.5, 1e10, 12345678901234567890, -7.125e-5]


def _kinds(path: Path, *, epoch: Any = None, write_only: bool = False) -> Path:
    wb = openpyxl.Workbook(write_only=write_only)
    ws = wb.create_sheet("values") if write_only else wb.active
    if epoch is not None:
        wb.epoch = epoch
    rows: list[list[Any]] = [
        ["text", "  padded  ", "多行\n文本", "tab\there", "a&b<c>\"d'", "_x000D_ kept as text", "雷波县", ""],
        [0, -1, 3.25, 1e20, 12345678901234567890, 2**53 + 1, -0.0, True, False, None, "x"],
        [dt.date(2020, 1, 2), dt.datetime(2020, 1, 2, 3, 4, 5, 678000), dt.time(13, 14, 15),
         dt.timedelta(days=2, hours=3, seconds=1), dt.date(1900, 1, 1), dt.date(1900, 2, 28),
         dt.date(1900, 3, 1), dt.datetime(1999, 12, 31, 23, 59, 59, 999000), dt.date(9999, 12, 31)],
        [None, None, None],
        ["   ", "\u3000", "line\r\nend", "x" * 300],
    ]
    for row in rows:
        ws.append(row)
    if write_only:
        wb.save(path)
        return path
    for col, fmt in enumerate(_FORMATS, start=1):
        for r, value in enumerate(_NUMBERS, start=7):
            if "[" in fmt and abs(value) > 1e8:
                continue  # a duration of 10**10 days is past Python's timedelta: calamine raises
            cell = ws.cell(row=r, column=col, value=value)
            cell.number_format = fmt
    ws.cell(row=40, column=3, value="sparse")
    ws.cell(row=40, column=30, value=7)
    ws.cell(row=45, column=2, value=CellRichText(["plain ", TextBlock(InlineFont(b=True), "bold"), " end "]))
    wb.save(path)
    return path


@pytest.mark.parametrize("make", ["normal", "write_only", "1904", "shared"])
def test_values_types_and_dates_as_calamine_reads_them(tmp_path: Path, make: str) -> None:
    path = _kinds(tmp_path / "kinds.xlsx", write_only=make == "write_only",
                  epoch=CALENDAR_MAC_1904 if make == "1904" else None)
    if make == "shared":
        path = shared_strings(path)
        assert b'"s"' in zipfile.ZipFile(path).read("xl/worksheets/sheet1.xml")
    rows = dict(assert_same(path, "values" if make == "write_only" else None))
    assert rows[1][:3] == ["text", "  padded  ", "多行\n文本"]  # openpyxl writes xml:space="preserve"
    assert rows[2][:3] == [0.0, -1.0, 3.25] and rows[2][7:9] == [True, False]
    if make != "write_only":
        assert rows[3][:3] == [dt.date(2020, 1, 2), dt.datetime(2020, 1, 2, 3, 4, 5, 678000), dt.time(13, 14, 15)]
        assert rows[3][3] == dt.timedelta(days=2, hours=3, seconds=1)
        assert isinstance(rows[10][3], dt.date) and rows[40][29] == 7.0 and rows[45][1] == "plain bold end "


def test_sparse_cells_start_at_column_a_and_blank_rows_come_empty(tmp_path: Path) -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws["C5"] = "first"
    ws["F5"] = 2
    ws["AB9"] = "far"
    ws["D12"] = "last"
    ws["E14"] = "=1+1"  # a formula without its value: a value for the rows' bounds
    ws["H3"].number_format = "0.00"  # a formatted blank cell is no value
    wb.save(tmp_path / "sparse.xlsx")
    rows = assert_same(tmp_path / "sparse.xlsx")
    assert [n for n, _ in rows] == list(range(5, 13))
    assert rows[0][1] == ["", "", "first", "", "", 2.0] and rows[1][1] == []
    mine = stream_rows(tmp_path / "sparse.xlsx")
    assert mine[-1] == (14, ["", "", "", "", "=1+1"]) and isinstance(mine[-1][1][4], readers.UncomputedFormula)


def test_the_calamine_path_of_an_xls_numbers_and_places_rows_as_the_stream(tmp_path: Path) -> None:
    """An .xls is still loaded by calamine, whose iter_rows gives the rows from row 1 but the
    columns from the first one with a value: its rows are numbered from 1 and widened to start at
    column A (numbered from the first row with a value, they were off by the blank rows above it)."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws["C4"] = "户编号"
    ws["D6"] = 5
    wb.save(tmp_path / "late.xlsx")
    as_xls = readers.SheetSource(tmp_path / "late.xlsx", "xls", sheet="Sheet")  # calamine reads either
    assert _edges([(n, _trim(cells)) for n, cells in as_xls.rows()]) == stream_rows(tmp_path / "late.xlsx") == [
        (4, ["", "", "户编号"]), (5, []), (6, ["", "", "", 5.0])]


def test_hidden_sheets_are_left_out_unless_none_is_visible(tmp_path: Path) -> None:
    wb = openpyxl.Workbook()
    wb.active.title = "hidden one"
    wb.active.sheet_state = "hidden"
    wb.active.append(["h"])
    wb.create_sheet("花名册").append(["户编号", 1])
    very = wb.create_sheet("very")
    very.sheet_state = "veryHidden"
    very.append(["v"])
    wb.create_sheet("empty")
    wb.create_sheet("second").append([None, "b", 2.5])
    wb.save(tmp_path / "sheets.xlsx")
    sources = readers.open_sources(tmp_path / "sheets.xlsx")
    assert [s.sheet for s in sources] == ["花名册", "empty", "second"]
    for source in sources:
        assert_same(tmp_path / "sheets.xlsx", source.sheet)
    assert stream_rows(tmp_path / "sheets.xlsx", "empty") == []
    for sheet in wb.worksheets:
        sheet.sheet_state = "hidden"
    wb.worksheets[0].sheet_state = "visible"  # openpyxl needs one visible; then hide it by hand
    wb.save(tmp_path / "all.xlsx")
    data = zipfile.ZipFile(tmp_path / "all.xlsx")
    with zipfile.ZipFile(tmp_path / "hidden.xlsx", "w") as out:
        for item in data.infolist():
            body = data.read(item.filename)
            if item.filename == "xl/workbook.xml":
                body = body.replace(b'state="visible"', b'state="hidden"')
            out.writestr(item, body)
    assert [s.sheet for s in readers.open_sources(tmp_path / "hidden.xlsx")] == [
        "hidden one", "花名册", "very", "empty", "second"]


def test_formulas_rich_text_and_the_person_roster(tmp_path: Path) -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(PERSON_HEADER)
    for row in person_rows():
        ws.append(row)
    ws["AC2"] = "=A2&B2"
    ws["AD3"] = CellRichText([TextBlock(InlineFont(color="FF0000"), "红"), "色 ", TextBlock(InlineFont(i=True), " x")])
    wb.save(tmp_path / "roster.xlsx")
    for path in (tmp_path / "roster.xlsx", shared_strings(tmp_path / "roster.xlsx")):
        rows = dict(assert_same(path))
        assert rows[3][29] == "红色  x" and len(rows[2]) == len(PERSON_HEADER)  # calamine: the formula is blank
        assert dict(stream_rows(path))[2][28] == "=A2&B2"


_VALUE = st.one_of(
    st.none(), st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc")), max_size=12),
    st.sampled_from([" x ", "\t", "a\nb", "&<>\"'", "_x0041_", "\u3000", "0", "1e5", "=notaformula"]),
    st.integers(min_value=-10**15, max_value=10**15), st.floats(allow_nan=False, allow_infinity=False),
    st.booleans(), st.dates(min_value=dt.date(1900, 1, 1)),
    st.datetimes(min_value=dt.datetime(1900, 3, 1), max_value=dt.datetime(9999, 1, 1)),
    st.times(), st.timedeltas(min_value=dt.timedelta(0), max_value=dt.timedelta(days=9999)))


@FUZZ
@given(rows=st.lists(st.lists(_VALUE, max_size=8), min_size=1, max_size=8), skip=st.integers(0, 3),
       formats=st.lists(st.sampled_from(_FORMATS), min_size=1, max_size=3))
def test_random_cells_read_as_calamine_reads_them(rows: list[list[Any]], skip: int, formats: list[str]) -> None:
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        wb = openpyxl.Workbook()
        ws = wb.active
        for r, row in enumerate(rows, start=1 + skip):
            for c, value in enumerate(row, start=1 + skip):
                cell = ws.cell(row=r, column=c, value=value)
                if isinstance(value, (int, float)) and not isinstance(value, bool) and abs(value) < 1e8:
                    cell.number_format = formats[(r + c) % len(formats)]  # calamine panics past that
        path = Path(tmp) / "random.xlsx"
        wb.save(path)
        assert_same(path)
        assert_same(shared_strings(path))


# --------------------------------------------------------------------------- sheets written by hand
_STYLES = ('<numFmts count="2"><numFmt numFmtId="164" formatCode="yyyy&quot;年&quot;m&quot;月&quot;"/>'.encode()
           + b'<numFmt numFmtId="14" formatCode="0.00"/></numFmts>'
           b'<cellStyleXfs count="1"><xf numFmtId="22"/></cellStyleXfs>'
           b'<cellXfs count="6"><xf numFmtId="0"/><xf numFmtId="164" applyNumberFormat="1"/><xf numFmtId="14"/>'
           b'<xf numFmtId="46"/><xf numFmtId="21"><alignment/></xf><xf/></cellXfs>')
_STRINGS = (b'<si><t> trimmed </t></si><si><r><t>x </t></r><r><rPr><b/></rPr><t xml:space="preserve"> y</t></r>'
            b'<rPh sb="0" eb="1"><t>PH</t></rPh></si><si><t>_x000D_q_x0041_\r\nz&amp;</t></si>'
            b'<si><t><![CDATA[<c r="A1">]]></t></si><si/><si><t></t></si><si><t xml:space="preserve"> kept </t></si>')

_HANDMADE: dict[str, bytes] = {
    "types": (b'<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c><c r="C1" t="s"><v>2</v></c>'
              b'<c r="D1" t="s"><v>3</v></c><c r="E1" t="s"><v>6</v></c><c r="F1" t="str"><v> d&amp;_x0041_ </v></c>'
              b'<c r="G1" t="inlineStr"><is><t> b </t></is></c><c r="H1" t="inlineStr"><is><t xml:space="preserve"> c'
              b' </t></is></c><c r="I1" t="b"><v>0</v></c><c r="J1" t="b"><v>1</v></c><c r="K1"><v>abc</v></c>'
              b'<c r="L1" t="n"><v>1E+2</v></c><c r="M1"><v>-0</v></c><c r="N1" t="e"><v>#N/A</v></c>'
              b'<c r="O1" t="s"><v>4</v></c><c r="P1" t="s"><v>5</v></c><c r="Q1" t="str"><v></v></c>'
              b'<c r="R1"><v>.5</v></c><c r="S1"><v>1e400</v></c><c r="T1"><v>NaN</v></c><c r="U1" t="inlineStr"><v>zz'
              b'</v></c><c r="V1" t="b"><v>true</v></c><c r="W1" t="b"><v>false</v></c></row>'),
    "dates": (b'<row r="2"><c r="A2" s="1"><v>43831</v></c><c r="B2" s="2"><v>43831</v></c><c r="C2" s="3"><v>1.25'
              b'</v></c><c r="D2" s="4"><v>0.5</v></c><c r="E2" s="5"><v>43831</v></c><c r="F2" s="9"><v>43831</v>'
              b'</c><c r="G2" s="01"><v>43831.5</v></c><c r="H2" s="4"><v>43831.5</v></c><c r="I2" t="d"><v>2020-'
              b'01-02</v></c><c r="J2" t="d"><v>2020-01-02T03:04:05</v></c><c r="K2" t="d"><v>03:04</v></c>'
              b'<c r="L2" t="d"><v>junk</v></c><c r="M2" s="4"><v>59.99999999</v></c><c r="N2" s="1"><v>60</v></c>'
              b'</row>'),
    "no references": (b'<row><c><v>1</v></c><c/><c t="s"><v>0</v></c></row><row r="4"><c r="C4"><v>2</v></c><c>'
                      b'<v>3</v></c></row><row><c s="1"/><c><v>4</v></c></row><row spans="1:2"/><row><c><v>5</v>'
                      b'</c></row>'),
    "odd attributes": (b'<row r="2" spans="1:3" ht="20" customHeight="1"><c s="4" r="B2"><v>0.5</v></c><c r="c2" '
                       b'cm="1"><v>7</v></c><c r=\'D2\' t=\'s\'><v>1</v></c><c  r="E2"  t="inlineStr" ><is><t>e'
                       b'</t></is></c><c r="F2" s="2" t="n" vm="1"><v>3</v></c></row>'),
    "formulas": (b'<row r="1"><c r="A1"><f>1+1</f><v>2</v></c><c r="B1" t="str"><f>"a"&amp;"b"</f><v>ab</v></c>'
                 b'<c r="C1" t="b"><f>TRUE()</f><v>1</v></c><c r="D1" t="e"><f>1/0</f><v>#DIV/0!</v></c>'
                 b'<c r="E1"><f t="shared" ref="E1:E3" si="0">A1*2</f><v>4</v></c><c r="F1" s="1"><f>TODAY()</f>'
                 b'<v>43831</v></c><c r="G1" t="str"><f>""</f><v></v></c></row><row r="2"><c r="E2"><f t="shared" '
                 b'si="0"/><v>6</v></c><c r="F2"><f>SUM(A1:A9)</f><v></v></c><c r="G2"><f>A1</f></c></row>'),
    "blanks and gaps": (b'<row r="3"><c r="B3" s="3"/><c r="C3"></c><c r="D3"><v></v></c></row><row r="5"><c r="C5">'
                        b'<v>1</v></c><c r="E5" t="inlineStr"><is></is></c><c r="G5" t="s"><v>4</v></c><c r="H5" '
                        b't="inlineStr"><v>ignored</v></c><c r="I5"><v>2</v></c></row><row r="9"/><row r="11">'
                        b'<c r="A11" t="e"><v>#REF!</v></c></row><row r="12"><c r="B12"><v>3</v></c><c r="B12"><v>4'
                        b'</v></c></row><row r="20"><c r="A20" s="3"/></row>'),
    "text in values": (b'<row r="1"><c r="A1" t="inlineStr"><is><t>&#x41;&#66;&lt;&amp;&quot;&apos;&gt;</t></is></c>'
                       b'<c r="B1" t="inlineStr"><is><t>\ta\xc2\xa0</t></is></c><c r="C1" t="inlineStr"><is><t>x\r\n'
                       b'y\rz</t></is></c><c r="D1" t="inlineStr"><is><r><t>r1</t></r><r><t>r2</t></r></is></c>'
                       b'<c r="E1" t="str"><v>line\r\nend&#13;</v></c><c r="F1" t="inlineStr"><is><t>_x0009__x00e9__x0'
                       b'04G_</t></is></c></row>'),
}


@pytest.mark.parametrize("case", list(_HANDMADE))
@pytest.mark.parametrize("prefix", [b"", b"x:"])
def test_handmade_sheets_as_calamine_reads_them(tmp_path: Path, case: str, prefix: bytes) -> None:
    data = _HANDMADE[case]
    if prefix:
        data = re.sub(rb"<(/?)(row|c|v|f|is|t|r|rPr|b)(?=[\s>/])", rb"<\1x:\2", data)
    path = handmade(tmp_path / "hand.xlsx", data, strings=_STRINGS, styles=_STYLES, prefix=prefix)
    assert_same(path)


def test_empty_tags_with_attributes(tmp_path: Path) -> None:
    """``<t xml:space="preserve"/>``, ``<v a="1"/>``, ``<f .../>``, ``<sheetData a="1"/>``: each ends
    where it starts, the text, value or rows after it are not taken into it."""
    strings = b'<si><t xml:space="preserve"/></si><si count="1"/><si><t>b</t></si>'
    data = (b'<row r="1"><c r="A1" t="s"><v>2</v></c><c r="B1" t="inlineStr"><is><r><t xml:space="preserve"/></r>'
            b'<r><t>x</t></r></is></c><c r="C1"><v a="1"/><extLst/></c><c r="D1"><f t="shared" si="0"/><v>5</v>'
            b'</c><c r="E1"><f t="shared" si="0"/><v a="1"/></c><c r="F1"><v>6</v></c></row>')
    path = handmade(tmp_path / "empty.xlsx", data, strings=strings)
    assert stream_rows(path) == [(1, ["b", "x", "", 5.0, "=", 6.0])]
    with zipfile.ZipFile(handmade(tmp_path / "none.xlsx", b""), "a") as zf:
        zf.writestr("xl/worksheets/sheet2.xml", b'<worksheet ' + _NS + b'><sheetData a="1"/><mergeCells/></worksheet>')
    source = readers.SheetSource(tmp_path / "none.xlsx", "xlsx", sheet="S", part="xl/worksheets/sheet2.xml")
    assert list(source.rows()) == []


def test_cells_of_opening_tags_that_never_close_are_read_in_one_pass(tmp_path: Path) -> None:
    """Crafted cells and strings of 40,000 opening tags and no closing one: each pattern stops at
    the next tag of its name, so this is one pass (a lazy "anything up to the closing tag" took a
    pass per tag: minutes)."""
    many = 40_000
    strings = (b"<si><rPh>" + b"<rPh>x" * many + b"</si><si><t>" + b"x<![CDATA[" * many + b"</t></si>"
               b"<si><t>" + b"x<!--" * many + b"</t></si>")
    data = (b'<row r="1"><c r="A1" t="inlineStr"><is>' + b"<t>x" * many + b'</is></c><c r="B1"><f>1</f>'
            + b"<v>" * many + b'</c><c r="C1" t="inlineStr"><is>' + b"<is>" * many + b'</is></c>'
            b'<c r="D1" t="s"><v>0</v></c><c r="E1" t="s"><v>1</v></c><c r="F1" t="s"><v>2</v></c></row>')
    path = handmade(tmp_path / "tags.xlsx", data, strings=strings)
    try:
        rows = stream_rows(path)
    except BadInput as exc:
        assert exc.code == "input.corrupt"
    else:
        assert rows[0][0] == 1


def test_the_1904_date_system_and_a_dimension(tmp_path: Path) -> None:
    data = b'<row r="1"><c r="A1" s="1"><v>0</v></c><c r="B1" s="4"><v>1.5</v></c><c r="C1" s="3"><v>2</v></c></row>'
    path = handmade(tmp_path / "mac.xlsx", data, styles=_STYLES, date1904=True, dimension=b'<dimension ref="A1:C1"/>')
    rows = assert_same(path)
    assert rows[0][1] == [dt.time(0), dt.datetime(1904, 1, 2, 12), dt.timedelta(days=2)]  # under 1: a time


def test_what_calamine_refuses(tmp_path: Path) -> None:
    """An error value calamine does not know is blank (Excel 365 writes #SPILL!); a type no program
    writes, or a shared string past the table, is a damaged workbook."""
    path = handmade(tmp_path / "spill.xlsx", b'<row r="1"><c r="A1" t="e"><v>#SPILL!</v></c><c r="B1"><v>1</v></c>'
                    b"</row>")
    assert stream_rows(path) == [(1, ["", 1.0])]
    for bad in (b'<c r="A1" t="zz"><v>1</v></c>', b'<c r="A1" t="s"><v>9</v></c>', b'<c r="A1" t="n"><v>x</v></c>',
                b'<c r="1A"><v>1</v></c>'):
        path = handmade(tmp_path / "bad.xlsx", b'<row r="1">' + bad + b"</row>", strings=b"<si><t>a</t></si>")
        with pytest.raises(BadInput) as info:
            stream_rows(path)
        assert info.value.code == "input.corrupt" and info.value.where.file == "bad.xlsx"


def test_rows_that_go_back_are_refused(tmp_path: Path) -> None:
    path = handmade(tmp_path / "back.xlsx", b'<row r="5"><c r="A5"><v>1</v></c></row><row r="3"><c r="A3"><v>1</v>'
                    b"</c></row>")
    with pytest.raises(BadInput) as info:
        stream_rows(path)
    assert info.value.code == "input.corrupt" and "row 3" in info.value.en


# --------------------------------------------------------------------------- a piece at a time
@pytest.fixture
def small_pieces(monkeypatch: pytest.MonkeyPatch) -> Iterator[int]:
    monkeypatch.setattr(xlsx_stream, "CHUNK", 97)
    yield 97


def test_pieces_cut_anywhere_give_the_same_rows(tmp_path: Path, small_pieces: int) -> None:
    path = shared_strings(_kinds(tmp_path / "kinds.xlsx"))
    assert_same(path)
    for case, data in _HANDMADE.items():
        assert_same(handmade(tmp_path / f"{case}.xlsx", data, strings=_STRINGS, styles=_STYLES))


def test_a_large_sheet_is_read_a_piece_at_a_time_and_never_by_calamine(tmp_path: Path,
                                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    """calamine would hold the whole sheet; the stream has read one piece (and the next, to find a
    row's end) when the first row comes out."""
    monkeypatch.setattr(xlsx_stream, "CHUNK", 4096)

    def never(*args: object) -> None:
        raise AssertionError("calamine must not open an .xlsx")

    monkeypatch.setattr(pc.CalamineWorkbook, "from_path", never)
    wb = openpyxl.Workbook(write_only=True)
    ws = wb.create_sheet("名册")
    ws.append(PERSON_HEADER)
    for _ in range(300):
        for row in person_rows():
            ws.append(row)
    wb.save(tmp_path / "large.xlsx")
    opened: list[Any] = []

    class Counting(zipfile.ZipFile):
        def open(self, *args: Any, **kwargs: Any) -> Any:  # type: ignore[override]
            handle = super().open(*args, **kwargs)
            opened.append(handle)
            return handle

    monkeypatch.setattr(readers.zipfile, "ZipFile", Counting)
    (source,) = readers.open_sources(tmp_path / "large.xlsx")
    totals: list[int] = []
    rows = source.rows(totals.append)
    assert next(rows)[1][:2] == PERSON_HEADER[:2]
    sheet = opened[-1]
    size = Counting(tmp_path / "large.xlsx").getinfo("xl/worksheets/sheet1.xml").file_size
    assert size > 100 * 4096 and sheet.tell() <= 2 * 4096
    assert 0.8 * 2101 < totals[0] < 1.25 * 2101  # the rows, estimated from the first piece
    assert sum(1 for _ in rows) == 2100


def test_the_chinese_built_in_date_formats_are_dates(tmp_path: Path) -> None:
    """A Chinese Excel saves ``yyyy年m月d日`` as the built-in format 31 and ``h时mm分`` as 32, by id
    alone: dates and times, not serial numbers (calamine reads them as numbers; here the stream
    knows better)."""
    styles = (b'<cellXfs count="4"><xf numFmtId="0"/><xf numFmtId="31"/><xf numFmtId="57"/><xf numFmtId="32"/>'
              b'</cellXfs>')
    data = b'<row r="1"><c r="A1" s="1"><v>27485</v></c><c r="B1" s="2"><v>43466</v></c><c r="C1" s="3"><v>0.5</v></c></row>'
    rows = stream_rows(handmade(tmp_path / "zh.xlsx", data, styles=styles))
    assert rows == [(1, [dt.date(1975, 4, 1), dt.date(2019, 1, 1), dt.time(12)])]
