"""Bad files get one clear bilingual message; good ones are read in every accepted encoding."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import msoffcrypto
import openpyxl
import pytest

from povdesk.domain.codelists import builtin_codebook
from povdesk.errors import BadInput
from povdesk.exchange import layouts, readers
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


def test_million_row_workbook_is_refused_without_loading_it(tmp_path: Path) -> None:
    """A sheet without a <dimension> is counted while streaming; calamine never loads it."""
    path = tmp_path / "huge.xlsx"
    person_xlsx(path)
    src = zipfile.ZipFile(path)
    out = tmp_path / "huge2.xlsx"
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        for item in src.infolist():
            if item.filename == "xl/worksheets/sheet1.xml":
                with zf.open("xl/worksheets/sheet1.xml", "w") as fh:
                    fh.write(b'<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/'
                             b'spreadsheetml/2006/main"><sheetData>')
                    buf = io.BytesIO()
                    for r in range(1, 1_000_001):
                        buf.write(b'<row r="%d"><c r="A%d"><v>1</v></c></row>' % (r, r))
                        if r % 50_000 == 0:
                            fh.write(buf.getvalue())
                            buf = io.BytesIO()
                    fh.write(b"</sheetData></worksheet>")
            else:
                zf.writestr(item, src.read(item.filename))
    src.close()
    exc = refused(out)
    assert exc.code == "input.too_many_rows"


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
    """Two rows, the second numbered 400,000: calamine would make a sheet that tall."""
    path = _sheet_xml_workbook(tmp_path, b'<row r="1"><c r="A1"><v>1</v></c></row>'
                                         b'<row r="400000"><c r="A400000"><v>1</v></c></row>')

    def never(*args: object) -> None:
        raise AssertionError("calamine must not open the workbook")

    monkeypatch.setattr(readers.pc.CalamineWorkbook, "from_path", never)
    assert refused(path).code == "input.too_many_rows"


def test_row_bound_counts_unnumbered_rows_after_the_last_numbered_one(tmp_path: Path) -> None:
    rows = b"".join(b'<row r="%d"><c><v>1</v></c></row>' % n for n in range(1, 6))
    rows += b'<row spans="1:1"><c><v>1</v></c></row>' * 3
    path = _sheet_xml_workbook(tmp_path, rows)
    with zipfile.ZipFile(path) as zf:
        assert readers._xml_row_bound(zf, "xl/worksheets/sheet1.xml") >= 8
