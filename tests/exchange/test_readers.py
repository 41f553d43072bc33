"""Bad files get one clear bilingual message; good ones are read in every accepted encoding."""

from __future__ import annotations

import csv
import io
import struct
import time
import zipfile
from pathlib import Path

import msoffcrypto
import openpyxl
import pytest

from povdesk.domain.codelists import builtin_codebook
from povdesk.errors import BadInput
from povdesk.exchange import layouts, readers, xlsx_stream
from tests.exchange.rosters import PERSON_HEADER, person_rows, person_xlsx, write_csv, write_xlsx


def read(path: Path) -> layouts.ParsedRoster:
    return layouts.read_roster(str(path), builtin_codebook())


def refused(path: Path) -> BadInput:
    with pytest.raises(BadInput) as info:
        read(path)
    exc = info.value
    assert exc.code.startswith("input.")
    assert exc.where.file == path.name
    assert exc.zh and exc.en and exc.zh != exc.en
    return exc


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk"])
def test_csv_in_each_encoding_reads_the_same_households(tmp_path: Path, encoding: str) -> None:
    path = write_csv(tmp_path / "roster.csv", PERSON_HEADER, person_rows(), encoding=encoding)
    roster = read(path)
    assert sorted(roster.households) == ["51343720420100001", "51343720420100002", "51343720420100003"]
    first = roster.households["51343720420100001"]
    assert [m.values["name"] for m in first.members] == ["沙马拉则", "沙马阿依莫", "沙马木呷"]
    assert first.values["household"]["status"] == "0"
    assert not roster.errors


def test_not_a_spreadsheet(tmp_path: Path) -> None:
    path = tmp_path / "photo.xlsx"
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 20)
    assert refused(path).code == "input.not_spreadsheet"


def test_text_renamed_to_xlsx_is_called_what_it_is(tmp_path: Path) -> None:
    path = tmp_path / "花名册.xlsx"
    path.write_text("户编号,姓名,证件号码\n1,张三,513437198503120017\n", encoding="utf-8")
    exc = refused(path)
    assert exc.code == "input.not_spreadsheet"
    assert "不是 Excel 工作簿" in exc.message("zh") and "花名册.xlsx" in exc.message("zh")


def test_zip_that_is_not_a_workbook(tmp_path: Path) -> None:
    path = tmp_path / "letter.xlsx"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("word/document.xml", "<w:document/>")
    exc = refused(path)
    assert exc.code == "input.not_spreadsheet"
    assert "不是 Excel 工作簿" in exc.zh


def test_corrupt_zip(tmp_path: Path) -> None:
    good = person_xlsx(tmp_path / "good.xlsx")
    data = good.read_bytes()
    path = tmp_path / "broken.xlsx"
    path.write_bytes(data[: len(data) // 2])
    exc = refused(path)
    assert exc.code == "input.corrupt"
    assert "损坏" in exc.zh


def test_password_protected_workbook(tmp_path: Path) -> None:
    plain = person_xlsx(tmp_path / "plain.xlsx")
    path = tmp_path / "locked.xlsx"
    with plain.open("rb") as src, path.open("wb") as out:
        msoffcrypto.OfficeFile(src).encrypt("secret", out)
    exc = refused(path)
    assert exc.code == "input.encrypted"
    assert "密码" in exc.zh and "password" in exc.en


def test_empty_file_and_empty_sheet(tmp_path: Path) -> None:
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    assert refused(empty).code == "input.empty"
    wb = openpyxl.Workbook()
    wb.save(tmp_path / "blank.xlsx")
    exc = refused(tmp_path / "blank.xlsx")
    assert exc.code == "input.empty_sheet"
    assert "空" in exc.zh


def test_no_recognisable_header(tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "shopping.xlsx", ["商品", "数量", "单价"], [["大米", 2, 3.5]])
    exc = refused(path)
    assert exc.code == "input.no_header"
    assert "户编号" in exc.zh


def test_a_big5_csv_is_told_to_be_saved_as_utf8(tmp_path: Path) -> None:
    """Traditional-Chinese Big5 bytes decode as GBK into other characters: no header matches, and
    the message says which encoding was assumed and what to do (it used to say nothing of it)."""
    path = tmp_path / "roster.csv"
    path.write_bytes("戶編號,姓名,證件號碼,與戶主關係\n51343720420100001,沙馬拉則,513437198005170011,戶主\n"
                     .encode("big5"))
    exc = refused(path)
    assert exc.code == "input.no_header"
    assert "Big5" in exc.zh and "CSV UTF-8" in exc.zh and "CSV UTF-8" in exc.en
    utf8 = write_xlsx(tmp_path / "shopping.xlsx", ["商品", "数量", "单价"], [["大米", 2, 3.5]])
    assert "Big5" not in refused(utf8).zh  # a workbook has no encoding to blame


def test_duplicated_columns_name_both(tmp_path: Path) -> None:
    header = [*PERSON_HEADER, "身份证号"]  # a synonym of 证件号码: the same field twice
    rows = [[*r, r[7]] for r in person_rows()]
    exc = refused(write_xlsx(tmp_path / "dup.xlsx", header, rows))
    assert exc.code == "input.duplicate_columns"
    assert "证件号码" in exc.zh and "身份证号" in exc.zh
    assert exc.where.column == "身份证号"


def test_missing_required_column(tmp_path: Path) -> None:
    header = [h for h in PERSON_HEADER if h != "姓名"]
    rows = [[v for h, v in zip(PERSON_HEADER, r, strict=True) if h != "姓名"] for r in person_rows()]
    exc = refused(write_xlsx(tmp_path / "noname.xlsx", header, rows))
    assert exc.code == "input.missing_columns"
    assert "姓名" in exc.zh


def test_million_row_csv_is_refused_before_reading(tmp_path: Path) -> None:
    path = tmp_path / "huge.csv"
    line = b"51343720420100001,x,1\n"
    with path.open("wb") as fh:
        fh.write("户编号,姓名,人数\n".encode())
        block = line * 10_000
        for _ in range(100):
            fh.write(block)
    exc = refused(path)
    assert exc.code == "input.too_many_rows"
    assert f"{readers.MAX_ROWS:,}" in exc.zh


def test_a_roster_of_the_largest_county_is_not_refused_by_default(tmp_path: Path) -> None:
    """Issue 17: a 300,244-row person list was refused ("at most 300,000 rows per file"); a file of
    up to 600,000 rows now reads in one go, and the limit is still a setting."""
    assert readers.DEFAULT_LIMITS.max_rows >= 600_000
    path = tmp_path / "large.csv"
    with path.open("wb") as fh:
        fh.write("户编号,姓名,人数\n".encode())
        fh.write(b"51343720420100001,x,1\n" * 300_244)
    assert readers.count_lines(path, readers.DEFAULT_LIMITS.max_rows + 1) == 300_245
    small = readers.DEFAULT_LIMITS.with_overrides({"max_rows": 300_000})
    assert readers.count_lines(path, small.max_rows + 1) > small.max_rows + 1  # an office may still lower it


def test_million_row_workbook_is_refused_as_it_is_read(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A sheet of a million rows without a <dimension>: the stream refuses it at the first row past
    the limit, formatted rows as filled ones (calamine, which would hold it whole, never opens it)."""
    path = tmp_path / "huge.xlsx"
    person_xlsx(path)
    src = zipfile.ZipFile(path)
    out = tmp_path / "huge2.xlsx"
    header = b"".join(b'<c r="%s1" t="inlineStr"><is><t>%s</t></is></c>' % (xlsx_stream.column_letters(i).encode(),
                                                                          h.encode()) for i, h in
                     enumerate(PERSON_HEADER, start=1))
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        for item in src.infolist():
            if item.filename == "xl/worksheets/sheet1.xml":
                with zf.open("xl/worksheets/sheet1.xml", "w") as fh:
                    fh.write(b'<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/'
                             b'spreadsheetml/2006/main"><sheetData><row r="1">' + header + b"</row>")
                    buf = io.BytesIO()
                    for r in range(2, 1_000_001):
                        buf.write(b'<row r="%d"><c r="A%d" s="0"/><c r="B%d" s="0"/></row>' % (r, r, r))
                        if r % 50_000 == 0:
                            fh.write(buf.getvalue())
                            buf = io.BytesIO()
                    fh.write(buf.getvalue() + b"</sheetData></worksheet>")
            else:
                zf.writestr(item, src.read(item.filename))
    src.close()
    _never_calamine(monkeypatch)
    exc = refused(out)
    assert exc.code == "input.too_many_rows"
    assert f"{readers.MAX_ROWS + readers.HEADER_ROWS + 1:,}" in exc.en  # the first row past the limit


def test_title_rows_and_merged_title_are_skipped(tmp_path: Path) -> None:
    path = person_xlsx(tmp_path / "titled.xlsx", title="雷波县2019年建档立卡贫困人口花名册")
    roster = read(path)
    assert roster.header.header_row == 2
    assert roster.data_rows == 7
    assert roster.households["51343720420100003"].rows == [8, 9]


def _sheet_xml_workbook(tmp_path: Path, rows_xml: bytes) -> Path:
    """A copy of a small roster whose sheet holds `rows_xml` (no <dimension>)."""
    src_path = person_xlsx(tmp_path / "src.xlsx")
    out = tmp_path / "numbered.xlsx"
    with zipfile.ZipFile(src_path) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        for item in src.infolist():
            if item.filename == "xl/worksheets/sheet1.xml":
                zf.writestr(item.filename, b'<?xml version="1.0"?><worksheet xmlns="http://schemas.'
                            b'openxmlformats.org/spreadsheetml/2006/main"><sheetData>' + rows_xml
                            + b"</sheetData></worksheet>")
            else:
                zf.writestr(item, src.read(item.filename))
    return out


def test_rows_numbered_past_the_limit_are_refused_without_loading(tmp_path: Path,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    """Two rows, the second numbered past the limit: calamine would make a sheet that tall."""
    far = readers.MAX_ROWS + 100_000
    path = _sheet_xml_workbook(tmp_path, b'<row r="1"><c r="A1"><v>1</v></c></row>'
                                         b'<row r="%d"><c r="A%d"><v>1</v></c></row>' % (far, far))

    def never(*args: object) -> None:
        raise AssertionError("calamine must not open the workbook")

    monkeypatch.setattr(readers.pc.CalamineWorkbook, "from_path", never)
    assert refused(path).code == "input.too_many_rows"


def test_unnumbered_rows_follow_the_row_before_and_count_towards_the_limit(tmp_path: Path) -> None:
    rows = b"".join(b'<row r="%d"><c><v>1</v></c></row>' % n for n in range(1, 6))
    rows += b'<row spans="1:1"><c><v>1</v></c></row>' * 3
    path = _sheet_xml_workbook(tmp_path, rows)
    (source,) = readers.open_sources(path)
    assert [number for number, _ in source.rows()] == list(range(1, 9))
    (source,) = readers.open_sources(path, readers.DEFAULT_LIMITS.with_overrides({"max_rows": 6}))
    with pytest.raises(BadInput) as info:
        list(source.rows())
    assert info.value.code == "input.too_many_rows" and "counted 8" in info.value.en


# --------------------------------------------------------------------------- zip bombs (issue 9, item 7)
_SHEET_HEAD = (b'<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/'
               b'2006/main"><sheetData>')


def _workbook_with_sheet(tmp_path: Path, write_sheet: object, name: str = "bomb.xlsx") -> Path:
    """A copy of a small roster whose sheet1.xml is written by `write_sheet(fh)` (streamed, deflated)."""
    src_path = person_xlsx(tmp_path / "src.xlsx")
    out = tmp_path / name
    with zipfile.ZipFile(src_path) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        for item in src.infolist():
            if item.filename == "xl/worksheets/sheet1.xml":
                with zf.open(item.filename, "w", force_zip64=True) as fh:
                    write_sheet(fh)  # type: ignore[operator]
            else:
                zf.writestr(item, src.read(item.filename))
    return out


def _repeated(total: int, piece: bytes = b"<!-- " + b"A" * 1000 + b" -->") -> object:
    def write(fh: io.BufferedIOBase) -> None:
        fh.write(_SHEET_HEAD)
        block = piece * ((1 << 20) // len(piece))
        for _ in range(total // len(block)):
            fh.write(block)
        fh.write(b"</sheetData></worksheet>")
    return write


def _never_calamine(monkeypatch: pytest.MonkeyPatch) -> None:
    def never(*args: object) -> None:
        raise AssertionError("calamine must not open the workbook")
    monkeypatch.setattr(readers.pc.CalamineWorkbook, "from_path", never)


def _lie_about_size(path: Path, member: str, declared: int) -> None:
    """Write `declared` as the member's uncompressed size in its local header and the central directory."""
    data = bytearray(path.read_bytes())
    with zipfile.ZipFile(path) as zf:
        info = zf.getinfo(member)
    assert info.file_size < 0xFFFFFFFF  # not a zip64 entry: the size sits in the headers themselves
    struct.pack_into("<I", data, info.header_offset + 22, declared)
    at = data.find(b"PK\x01\x02")
    while at >= 0:
        n = struct.unpack_from("<H", data, at + 28)[0]
        if data[at + 46:at + 46 + n] == member.encode():
            struct.pack_into("<I", data, at + 24, declared)
        at = data.find(b"PK\x01\x02", at + 4)
    path.write_bytes(bytes(data))


def test_zip_bomb_is_refused_by_its_ratio_before_calamine(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """64 MB of repeated bytes in a file of well under 1 MB: refused from the zip directory alone."""
    path = _workbook_with_sheet(tmp_path, _repeated(64 << 20))
    assert path.stat().st_size < 1 << 20
    _never_calamine(monkeypatch)
    started = time.perf_counter()
    exc = refused(path)
    assert time.perf_counter() - started < 1  # nothing was unzipped
    assert exc.code == "input.zip_bomb"
    assert "xl/worksheets/sheet1.xml" in exc.en and "膨胀" in exc.zh and "bomb.xlsx" in exc.message("zh")


def test_member_larger_than_the_limit_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = _workbook_with_sheet(tmp_path, _repeated(4 << 20))
    _never_calamine(monkeypatch)
    limits = readers.ReadLimits(max_member_bytes=2_000_000, max_ratio=10_000)
    with pytest.raises(BadInput) as info:
        layouts.read_roster(str(path), builtin_codebook(), limits=limits)
    assert info.value.code == "input.too_large"
    assert "2.0 MB" in info.value.zh and info.value.where.file == "bomb.xlsx"
    limits = readers.ReadLimits(max_total_bytes=3_000_000, max_ratio=10_000)
    with pytest.raises(BadInput) as info:
        layouts.read_roster(str(path), builtin_codebook(), limits=limits)
    assert info.value.code == "input.too_large" and "工作簿解压后" in info.value.zh


def test_member_whose_header_lies_about_its_size_is_refused_unread(tmp_path: Path,
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    """With the default limits: the sheet declares 1,000 bytes but unzips to 200 MB. The stream is
    counted, and stops at the first megabyte past the declared size, so this is quick."""
    path = _workbook_with_sheet(tmp_path, _repeated(200 << 20))
    _lie_about_size(path, "xl/worksheets/sheet1.xml", 1000)
    _never_calamine(monkeypatch)
    started = time.perf_counter()
    exc = refused(path)
    assert time.perf_counter() - started < 2
    assert exc.code == "input.corrupt"


def test_sheet_reaching_far_columns_is_refused_before_calamine(tmp_path: Path,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    """Two cells, A1 and XFD2000: calamine would allocate 2,000 x 16,384 cells (a gigabyte) for them,
    whatever the <dimension> claims."""
    path = _sheet_xml_workbook(tmp_path, b'<row r="1"><c r="A1"><v>1</v></c></row>'
                                         b'<row r="2000"><c r="XFD2000"><v>1</v></c></row>')
    _never_calamine(monkeypatch)
    exc = refused(path)
    assert exc.code == "input.too_many_columns"
    assert "XFD" in exc.zh and "16,384" in exc.en


def test_cells_without_references_count_towards_the_width(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    wide = b"<row>" + b"<c><v>1</v></c>" * 1500 + b"</row>"
    path = _sheet_xml_workbook(tmp_path, wide + b'<row r="5000"><c r="A5000"><v>1</v></c></row>')
    _never_calamine(monkeypatch)
    assert refused(path).code == "input.too_many_columns"


def test_rows_numbered_far_apart_count_as_the_height(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A lying <dimension> does not hide a row numbered past the limit (calamine ignores it)."""
    far = readers.MAX_ROWS + 100_000
    path = _sheet_xml_workbook(tmp_path, b'<row r="1"><c r="A1"><v>1</v></c></row>'
                                         b'<row r="%d"><c r="B%d"><v>1</v></c></row>' % (far, far)
                                         + b'<row r="3"><c r="A3"><v>1</v></c></row>')
    data = path.read_bytes()
    assert b"dimension" not in data
    _never_calamine(monkeypatch)
    assert refused(path).code == "input.too_many_rows"


def test_workbook_file_larger_than_the_limit_is_refused(tmp_path: Path) -> None:
    path = person_xlsx(tmp_path / "a.xlsx")
    limits = readers.ReadLimits(max_file_bytes=1000)
    for source in (path, _xls(tmp_path)):
        with pytest.raises(BadInput) as info:
            readers.open_sources(source, limits)
        assert info.value.code == "input.too_large"


def _xls(tmp_path: Path) -> Path:
    """An OLE container (what .xls files are); its content does not matter for the size check."""
    path = tmp_path / "old.xls"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(4096))
    return path


def test_real_roster_passes_the_default_limits_and_limits_can_be_raised(tmp_path: Path) -> None:
    path = person_xlsx(tmp_path / "a.xlsx")
    assert read(path).data_rows == 7
    limits = readers.DEFAULT_LIMITS.with_overrides({"max_rows": 600_000, "max_ratio": -1, "nonsense": 3,
                                                    "max_columns": "9"})
    assert limits.max_rows == 600_000 and limits.max_ratio == readers.DEFAULT_LIMITS.max_ratio
    assert limits.max_columns == readers.DEFAULT_LIMITS.max_columns


# --------------------------------------------------------------------------- formulas without values (item 11)
def test_uncomputed_formulas_come_out_in_place_even_outside_the_block_calamine_reads(tmp_path: Path) -> None:
    """calamine drops empty cells, so a formula alone in a last row or a far column is not in its
    block at all; the reader puts it back where the sheet has it."""
    path = person_xlsx(tmp_path / "a.xlsx")
    wb = openpyxl.load_workbook(path)
    ws = wb.active
    ws["B3"] = "=A3"  # inside the block
    ws.cell(row=4, column=40).value = "=SUM(A1:A2)"  # right of it
    ws["C12"] = '="x"&"y"'  # a row of its own below it
    ws["D13"] = 5  # a computed cell after it, so the formula row is inside the block
    ws["E13"] = "=1/0"
    wb.save(path)
    (source,) = readers.open_sources(path)
    rows = dict(source.rows())
    assert rows[3][1] == "=A3" and isinstance(rows[3][1], readers.UncomputedFormula)
    assert rows[4][39] == "=SUM(A1:A2)" and len(rows[4]) == 40
    assert rows[12][2] == '="x"&"y"' and isinstance(rows[12][2], readers.UncomputedFormula)
    assert rows[13][3] == 5 and rows[13][4] == "=1/0"
    assert not isinstance(rows[2][1], readers.UncomputedFormula)
    with pytest.raises(TypeError):
        hash(rows[3][1])  # never taken for plain text by a memo of converted values


def test_formula_cell_left_of_the_block_widens_every_row(tmp_path: Path) -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append([None, "户编号", "姓名", "证件号码"])
    ws.append([None, "1", "甲", "513437198005170011"])
    ws["A3"] = "=1+1"
    ws["B3"] = "2"
    wb.save(tmp_path / "left.xlsx")
    (source,) = readers.open_sources(tmp_path / "left.xlsx")
    rows = dict(source.rows())
    assert rows[1][1:] == ["户编号", "姓名", "证件号码"]
    assert rows[3][:2] == ["=1+1", "2"] and isinstance(rows[3][0], readers.UncomputedFormula)


# --------------------------------------------------------------------------- headers over two rows
_ROW = ["雷波县", "帕哈乡", "八合村", "51343720420100001", "沙马拉则", "51343719800517001X", 3650.5]


def _sheet(path: Path, rows: list[list[object]], merges: tuple[str, ...] = ()) -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    for row in rows:
        ws.append(row)
    for cells in merges:
        ws.merge_cells(cells)
    wb.save(path)
    return path


def test_header_merged_over_two_rows_is_read_as_one(tmp_path: Path) -> None:
    """县/乡/村/人均纯收入 merged down over rows 1-2, 户编号/姓名/证件号码 under a group heading:
    before, row 1 won (three names, no 户编号) and the file was refused as having no header."""
    path = _sheet(tmp_path / "two.xlsx",
                  [["县", "乡", "村", "户主信息", None, None, "人均纯收入"],
                   [None, None, None, "户编号", "姓名", "证件号码", None], _ROW, _ROW],
                  ("A1:A2", "B1:B2", "C1:C2", "D1:F1", "G1:G2"))
    roster = read(path)
    assert roster.header.header_row == 2 and roster.header.two_rows
    assert [c.field_key for c in roster.header.columns] == [
        "location.county", "location.township", "location.village", "household.household_no",
        "member.name", "member.id_number", "income.per_capita_net"]
    assert roster.data_rows == 2 and not roster.errors
    assert roster.households["51343720420100001"].values["income"]["per_capita_net"] == 3650.5


def test_header_texts_broken_over_two_rows_are_joined(tmp_path: Path) -> None:
    path = _sheet(tmp_path / "broken.xlsx", [["县", "乡", "村", "户", "姓", "证件", "人均纯"],
                                             [None, None, None, "编号", "名", "号码", "收入"], _ROW])
    roster = read(path)
    assert roster.header.header_row == 2
    assert [c.header for c in roster.header.mapped] == ["县", "乡", "村", "户编号", "姓名", "证件号码", "人均纯收入"]


def test_a_one_row_header_never_takes_the_data_row_below_it(tmp_path: Path) -> None:
    """A data row whose cells happen to read as column names does not join the header."""
    path = _sheet(tmp_path / "one.xlsx", [["户编号", "姓名", "证件号码", "备注"],
                                          ["1", "甲", "513437198005170011", "民族"],
                                          ["2", "乙", "513437198005170021", None]])
    roster = read(path)
    assert roster.header.header_row == 1 and not roster.header.two_rows
    assert roster.data_rows == 2


def test_header_without_household_number_is_called_that(tmp_path: Path) -> None:
    path = _sheet(tmp_path / "nohn.xlsx", [["县", "乡", "村", "姓名", "证件号码"], _ROW[:3] + _ROW[4:6]])
    exc = refused(path)
    assert exc.code == "input.no_household_column"
    assert exc.where.row == 1
    assert "第 1 行是表头" in exc.zh and "户编号" in exc.zh and "姓名" in exc.zh
    assert "no 户编号" in exc.en and "姓名" in exc.en


# --------------------------------------------------------------------------- CSV errors in both languages
def test_csv_field_over_the_limit_is_named_in_both_languages(tmp_path: Path) -> None:
    """An unclosed quotation mark makes the rest of the file one cell; before, the Chinese message
    carried Python's "field larger than field limit (131072)"."""
    path = tmp_path / "quote.csv"
    lines = ["户编号,姓名,证件号码", "1,甲,513437198005170011", '2,"乙,513437198005170021']
    lines += [f"{n},丙{n},513437198005170031" for n in range(3, 20_000)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    exc = refused(path)
    assert exc.code == "input.csv_field_too_long"
    assert exc.where.row == 3
    assert "field limit" not in exc.zh and "引号" in exc.zh and "第 3 行" in exc.zh
    assert "quotation mark" in exc.en and "row 3" in exc.en


def test_other_csv_errors_keep_python_text_out_of_chinese(tmp_path: Path) -> None:
    error = readers._csv_error(tmp_path / "x.csv", csv.Error("some new csv problem"), 7)
    assert "some new csv problem" in error.en and "some new csv problem" not in error.zh
    assert error.where.row == 7 and "第 7 行" in error.zh


@pytest.mark.parametrize("kind", ["xlsx", "csv"])
def test_a_file_of_max_rows_members_and_its_header_is_read(tmp_path: Path, kind: str) -> None:
    """Issue 17: 600,000 members are 600,001 rows with the header; a workbook was refused at the
    header row (a CSV was not). The limit counts data rows in both, and one row more is refused."""
    rows = person_rows()
    path = (person_xlsx(tmp_path / "a.xlsx", rows) if kind == "xlsx"
            else write_csv(tmp_path / "a.csv", PERSON_HEADER, rows))
    fits = readers.DEFAULT_LIMITS.with_overrides({"max_rows": len(rows)})
    assert layouts.read_roster(str(path), builtin_codebook(), limits=fits).data_rows == len(rows)
    short = readers.DEFAULT_LIMITS.with_overrides({"max_rows": len(rows) - 1})
    with pytest.raises(BadInput) as info:
        layouts.read_roster(str(path), builtin_codebook(), limits=short)
    assert info.value.code == "input.too_many_rows"
