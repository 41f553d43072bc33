"""Read the rows of a roster file (.xlsx/.xls through python-calamine, .csv in UTF-8 or GBK), refusing bad files clearly.

A file is recognised by its first bytes, not its name: a password-protected workbook is an OLE
container with an ``EncryptedPackage`` stream even when it is called ``.xlsx``. Rows come out as
lists of raw cell values with their 1-based row number as a spreadsheet shows it. Size is checked
before anything is loaded: a workbook's sheet is loaded whole by calamine, so one larger than
`MAX_ROWS` is refused; a CSV is streamed and refused at the same bound.
"""

from __future__ import annotations

import codecs
import contextlib
import csv
import itertools
import re
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import python_calamine as pc

from povdesk.errors import BadInput, Where

#: Largest number of rows a roster may have (a county's national export is far below this).
MAX_ROWS = 300_000

_ZIP = b"PK\x03\x04"
_ZIP_EMPTY = b"PK\x05\x06"
_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ENCRYPTED = "EncryptedPackage".encode("utf-16-le")
_DIMENSION = re.compile(rb'<(?:\w+:)?dimension\s+ref="[A-Z]*\d*:?[A-Z]*(\d+)"')
_ROW_NUMBER = re.compile(rb'\sr="(\d+)"')


def _bad(code: str, path: Path, en: str, zh: str, **where: Any) -> BadInput:
    return BadInput(code=f"input.{code}", en=en, zh=zh, where=Where(file=path.name, **where))


@dataclass(frozen=True)
class SheetSource:
    """One table inside a file: a CSV, or one worksheet of a workbook."""

    path: Path
    kind: str  # "xlsx", "xls", "csv"
    sheet: str | None = None
    encoding: str | None = None  # CSV only

    def rows(self, on_total: Callable[[int], None] | None = None) -> Iterator[tuple[int, list[Any]]]:
        """(row number, cell values) for every row, title rows included; empty rows skipped.

        `on_total` hears the number of rows (an upper bound) once it is known, for progress bars.
        """
        if self.kind == "csv":
            yield from _csv_rows(self.path, self.encoding or "utf-8", on_total)
        else:
            yield from _workbook_rows(self.path, self.sheet, on_total)


def open_sources(path: str | Path) -> list[SheetSource]:
    """The tables a file holds, in order; BadInput when the file is not a usable spreadsheet."""
    path = Path(path)
    if not path.is_file():
        raise _bad("missing", path, "The file does not exist.", "文件不存在。")
    size = path.stat().st_size
    if size == 0:
        raise _bad("empty", path, "The file is empty.", "文件是空的。")
    with path.open("rb") as fh:
        head = fh.read(8)
    if head.startswith((_ZIP, _ZIP_EMPTY)):
        return _open_xlsx(path)
    if head.startswith(_OLE):
        return _open_ole(path)
    if path.suffix.lower() in (".xlsx", ".xlsm", ".xls"):
        # the name promises a workbook, the bytes are something else (often text renamed)
        raise _bad("not_spreadsheet", path,
                   f"The file is named {path.suffix} but is not an Excel workbook. Open it in Excel "
                   "and save it as .xlsx, or give it the .csv name if it is a CSV export.",
                   f"文件扩展名为 {path.suffix}，但内容不是 Excel 工作簿。请用 Excel 打开后另存为 .xlsx；"
                   "如果它本是 CSV 导出文件，请改用 .csv 扩展名。")
    return [SheetSource(path, "csv", encoding=_csv_encoding(path))]


# --------------------------------------------------------------------------- workbooks
def _open_xlsx(path: Path) -> list[SheetSource]:
    try:
        with zipfile.ZipFile(path) as zf:
            names = set(zf.namelist())
            if "xl/workbook.xml" not in names:
                raise _bad("not_spreadsheet", path,
                           "The file is a ZIP archive but not an Excel workbook (.xlsx).",
                           "该文件是压缩包，但不是 Excel 工作簿（.xlsx）。")
            for name in sorted(n for n in names if n.startswith("xl/worksheets/") and n.endswith(".xml")):
                rows = _xml_row_bound(zf, name)
                if rows > MAX_ROWS:
                    raise _too_many(path, rows)
    except zipfile.BadZipFile:
        raise _bad("corrupt", path, "The workbook is damaged (not a readable ZIP file).",
                   "工作簿已损坏（无法作为 ZIP 文件读取）。") from None
    return _calamine_sheets(path, "xlsx")


def _xml_row_bound(zf: zipfile.ZipFile, name: str) -> int:
    """Rows of one sheet from its <dimension>, or else while streaming it: the row number (r="...")
    of the last row tag seen, plus the row tags after it that carry none.

    Row numbers only ascend, so the last one bounds the rows before it without counting them; it
    is also the height calamine gives the sheet, so a few rows numbered in the millions are refused
    too.
    """
    try:
        with zf.open(name) as fh:
            start = fh.read(4096)
            m = _DIMENSION.search(start)
            if m:
                return int(m.group(1))
            numbered, after = 0, 0  # last row number seen; row tags after it without a number
            chunk, tail = start, b""
            while chunk:
                last = chunk.rfind(b"<row ")
                end = chunk.find(b">", last) if last >= 0 else -1
                r = _ROW_NUMBER.search(chunk, last, end) if end > 0 else None
                if r:  # the chunk's last row is numbered: no need to count the ones before it
                    numbered, after = int(r.group(1)), 0
                else:
                    after += chunk.count(b"<row ") + (tail + chunk[:4]).count(b"<row ")
                if numbered + after > MAX_ROWS:
                    break
                tail = chunk[-4:]
                chunk = fh.read(1 << 20)
            return numbered + after
    except Exception as exc:  # zlib.error, EOFError, CRC errors: a damaged member
        raise zipfile.BadZipFile(str(exc)) from exc


def _open_ole(path: Path) -> list[SheetSource]:
    with path.open("rb") as fh:
        data = fh.read(4 << 20)
    if _ENCRYPTED in data:
        raise _bad("encrypted", path,
                   "The workbook is password-protected; open it in Excel, remove the password "
                   "(File > Info > Protect Workbook) and save it again.",
                   "工作簿设置了打开密码。请在 Excel 中打开，取消密码（文件 > 信息 > 保护工作簿）后另存再导入。")
    return _calamine_sheets(path, "xls")


@contextlib.contextmanager
def _calamine_errors(path: Path) -> Iterator[None]:
    """calamine's exceptions as the one message a clerk can act on."""
    try:
        yield
    except pc.PasswordError:
        raise _bad("encrypted", path, "The workbook is password-protected; remove the password first.",
                   "工作簿设置了密码，请先取消密码。") from None
    except (pc.CalamineError, pc.ZipError, pc.XmlError, OSError, ValueError) as exc:
        raise _bad("corrupt", path, f"The workbook cannot be read ({exc}).",
                   f"无法读取该工作簿（{exc}）。") from None


def _calamine_sheets(path: Path, kind: str) -> list[SheetSource]:
    with _calamine_errors(path):
        wb = pc.CalamineWorkbook.from_path(str(path))
    try:
        sheets = [m.name for m in wb.sheets_metadata
                  if str(m.typ).endswith("WorkSheet") and str(m.visible).endswith("Visible")]
        if not sheets:
            sheets = [m.name for m in wb.sheets_metadata if str(m.typ).endswith("WorkSheet")]
    finally:
        wb.close()
    if not sheets:
        raise _bad("empty", path, "The workbook has no worksheet.", "工作簿中没有工作表。")
    return [SheetSource(path, kind, sheet=name) for name in sheets]


def _workbook_rows(path: Path, sheet: str | None,
                   on_total: Callable[[int], None] | None) -> Iterator[tuple[int, list[Any]]]:
    """(row number, cells) pairs made in C (zip/count): blank cells are "", blank rows included."""
    with _calamine_errors(path):
        wb = pc.CalamineWorkbook.from_path(str(path))
        try:
            ws = wb.get_sheet_by_name(sheet) if sheet else wb.get_sheet_by_index(0)
        finally:
            wb.close()
        if ws.total_height > MAX_ROWS:
            raise _too_many(path, ws.total_height)
        if on_total is not None:
            on_total(ws.height)
        first = ws.start[0] if ws.start else 0
        rows = ws.iter_rows()
    return zip(itertools.count(first + 1), rows)


def _too_many(path: Path, rows: int) -> BadInput:
    return _bad("too_many_rows", path,
                f"The file has more than {MAX_ROWS:,} rows (counted {rows:,}); povdesk reads at most "
                f"{MAX_ROWS:,} rows per file. Split it by township and import the parts.",
                f"该文件超过 {MAX_ROWS:,} 行（已数到 {rows:,} 行），超过了每个文件 {MAX_ROWS:,} 行的上限。"
                "请按乡镇拆分后分别导入。")


# --------------------------------------------------------------------------- CSV
def _csv_encoding(path: Path) -> str:
    """utf-8-sig, utf-8 or gb18030 (a superset of GBK); BadInput for binary data."""
    with path.open("rb") as fh:
        sample = fh.read(1 << 16)
    if sample.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if b"\x00" in sample:
        if sample.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
            return "utf-16"
        raise _bad("not_spreadsheet", path,
                   "The file is neither an Excel workbook nor a CSV text file.",
                   "该文件既不是 Excel 工作簿，也不是 CSV 文本文件。")
    for encoding in ("utf-8", "gb18030"):
        try:
            codecs.getincrementaldecoder(encoding)().decode(sample, final=False)
            return encoding
        except UnicodeDecodeError:
            continue
    raise _bad("not_spreadsheet", path,
               "The file is not a text file in UTF-8 or GBK, nor an Excel workbook.",
               "该文件不是 UTF-8 或 GBK 编码的文本，也不是 Excel 工作簿。")


def count_lines(path: Path, limit: int) -> int:
    """Line count of a text file, stopping once it passes `limit` (memory stays at one chunk)."""
    count = 0
    with path.open("rb") as fh:
        while chunk := fh.read(1 << 20):
            count += chunk.count(b"\n")
            if count > limit:
                break
    return count


def _csv_rows(path: Path, encoding: str,
              on_total: Callable[[int], None] | None) -> Iterator[tuple[int, list[Any]]]:
    lines = count_lines(path, MAX_ROWS + 1)
    if lines > MAX_ROWS + 1:
        raise _too_many(path, lines)
    if on_total is not None:
        on_total(lines + 1)
    with path.open("r", encoding=encoding, newline="") as fh:
        sample = fh.read(8192)
        fh.seek(0)
        delimiter = "\t" if sample.count("\t") > sample.count(",") else ","
        reader = csv.reader(fh, delimiter=delimiter)
        number = 0
        try:
            for number, cells in enumerate(reader, start=1):
                if any(c.strip() for c in cells):
                    yield number, [c if c.strip() else None for c in cells]
        except UnicodeDecodeError as exc:
            raise _bad("encoding", path, f"The text is not valid {encoding} ({exc.reason}).",
                       f"文件中有无法按 {encoding} 解码的字符。", row=number + 1) from None
        except csv.Error as exc:
            raise _bad("csv", path, f"The CSV file is malformed: {exc}.", f"CSV 文件格式错误：{exc}。",
                       row=number + 1) from None


__all__ = ["MAX_ROWS", "SheetSource", "count_lines", "open_sources"]
