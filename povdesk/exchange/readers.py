"""Read the rows of a roster file (.xlsx streamed, .xls through python-calamine, .csv in UTF-8 or GBK), refusing bad files clearly.

A file is recognised by its first bytes, not its name: a password-protected workbook is an OLE
container with an ``EncryptedPackage`` stream even when it is called ``.xlsx``. Rows come out as
lists of raw cell values with their 1-based row number as a spreadsheet shows it; in a workbook
``cells[i]`` is column i + 1 (A is 0) wherever the data starts.

Size is bounded against `ReadLimits`. Before an .xlsx is read, every zip member's declared size,
their total and the compression ratio are checked (a "zip bomb" of a few MB would otherwise expand
to gigabytes). Its sheets are then read as a stream (`povdesk.exchange.xlsx_stream`, where the
reasons are): memory stays at a piece of the sheet whatever its size, and the stream refuses the
sheet as soon as it passes the row or column limit, or unzips to more than a member may (counted,
not taken from the zip header). A formula cell saved without a computed value comes out as an
`UncomputedFormula`. An .xls is loaded whole by calamine, after its size on disk is checked. A CSV
is streamed and refused at the same row bound.
"""

from __future__ import annotations

import codecs
import contextlib
import csv
import itertools
import zipfile
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, fields, replace
from pathlib import Path
from typing import Any

import python_calamine as pc

from povdesk.errors import BadInput, Where
from povdesk.exchange import xlsx_stream
from povdesk.exchange.xlsx_stream import SheetProblem, column_letters

#: Largest number of rows a roster may have by default: the largest registered-poor counties hold
#: about 300,000 people, so one file of 600,000 rows imports in one go (issue 17); an office raises
#: it with `import_limits` ("max_rows") in settings.json.
MAX_ROWS = 600_000
#: the header row a file holds besides its `max_rows` rows of data (a workbook as a CSV file): a
#: person list of 600,000 members, 600,001 rows in all, imports
HEADER_ROWS = 1


@dataclass(frozen=True)
class ReadLimits:
    """How large a roster file may be before it is refused unread, declared once with its defaults.

    The defaults are generous for real rosters: a 100,000-member person list is about 12 MB on
    disk and 150 MB unzipped, and compresses about 12:1. An office with a larger file changes them
    in settings.json (the data folder), e.g. ``"import_limits": {"max_rows": 600000}``; see
    `povdesk.config.Settings.import_limits` and `ReadLimits.with_overrides`.
    """

    max_rows: int = MAX_ROWS
    #: columns a sheet's cells may reach (calamine allocates rows x columns cells for an .xls)
    max_columns: int = 1_000
    #: a workbook file (.xlsx, .xls) on disk
    max_file_bytes: int = 1_000_000_000
    #: one member of an .xlsx once unzipped (a worksheet, the shared strings)
    max_member_bytes: int = 2_000_000_000
    #: all members of an .xlsx together, unzipped
    max_total_bytes: int = 3_000_000_000
    #: unzipped size / zipped size of a member larger than `ratio_free_bytes`
    max_ratio: int = 100
    ratio_free_bytes: int = 16_000_000
    max_members: int = 10_000

    def with_overrides(self, overrides: Mapping[str, Any] | None) -> ReadLimits:
        """These limits with an office's own values laid on top (unknown names and values that are
        not positive whole numbers are ignored, so a typo cannot switch a protection off)."""
        known = {f.name for f in fields(self)}
        if not isinstance(overrides, Mapping):
            return self
        good = {k: v for k, v in overrides.items()
                if k in known and isinstance(v, int) and not isinstance(v, bool) and v > 0}
        return replace(self, **good)


DEFAULT_LIMITS = ReadLimits()


class UncomputedFormula(str):
    """A formula cell saved without its computed value (openpyxl and some other programs do this):
    calamine reads it as blank, which would clear a stored value. The text is the formula, "=..."
    (so an error report shows it); unhashable, so no memo of converted values ever takes it for
    plain text."""

    __slots__ = ()
    # unhashable on purpose; typeshed declares str.__hash__ a method, so None is an assignment error
    __hash__ = None  # type: ignore[assignment]

_ZIP = b"PK\x03\x04"
_ZIP_EMPTY = b"PK\x05\x06"
_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ENCRYPTED = "EncryptedPackage".encode("utf-16-le")


def _bad(code: str, path: Path, en: str, zh: str, **where: Any) -> BadInput:
    return BadInput(code=f"input.{code}", en=en, zh=zh, where=Where(file=path.name, **where))


@dataclass(frozen=True)
class SheetSource:
    """One table inside a file: a CSV, or one worksheet of a workbook."""

    path: Path
    kind: str  # "xlsx", "xls", "csv"
    sheet: str | None = None
    encoding: str | None = None  # CSV only
    limits: ReadLimits = DEFAULT_LIMITS
    part: str | None = None  # xlsx: the worksheet's member in the zip

    def rows(self, on_total: Callable[[int], None] | None = None) -> Iterator[tuple[int, list[Any]]]:
        """(row number, cell values) for every row, title rows included. A CSV's empty lines are
        skipped; a workbook gives the rows between its first and last row with a value, blank ones
        too, and ``cells[i]`` is column i + 1.

        `on_total` hears the number of rows (an estimate for an .xlsx) before the first row comes,
        for progress bars. A formula cell saved without its value comes out as an
        `UncomputedFormula`, never as blank.
        """
        if self.kind == "csv":
            yield from _csv_rows(self.path, self.encoding or "utf-8", on_total, self.limits)
        elif self.kind == "xlsx":
            yield from _xlsx_rows(self, on_total)
        else:
            yield from _xls_rows(self, on_total)


def open_sources(path: str | Path, limits: ReadLimits | None = None) -> list[SheetSource]:
    """The tables a file holds, in order; BadInput when the file is not a usable spreadsheet or is
    larger than `limits` allow (checked before the workbook is loaded)."""
    path = Path(path)
    limits = limits or DEFAULT_LIMITS
    if not path.is_file():
        raise _bad("missing", path, "The file does not exist.", "文件不存在。")
    size = path.stat().st_size
    if size == 0:
        raise _bad("empty", path, "The file is empty.", "文件是空的。")
    with path.open("rb") as fh:
        head = fh.read(8)
    if head.startswith((_ZIP, _ZIP_EMPTY)):
        _check_file_size(path, size, limits)
        return _open_xlsx(path, limits)
    if head.startswith(_OLE):
        _check_file_size(path, size, limits)
        return _open_ole(path, limits)
    if path.suffix.lower() in (".xlsx", ".xlsm", ".xls"):
        # the name promises a workbook, the bytes are something else (often text renamed)
        raise _bad("not_spreadsheet", path,
                   f"The file is named {path.suffix} but is not an Excel workbook. Open it in Excel "
                   "and save it as .xlsx, or give it the .csv name if it is a CSV export.",
                   f"文件扩展名为 {path.suffix}，但内容不是 Excel 工作簿。请用 Excel 打开后另存为 .xlsx；"
                   "如果它本是 CSV 导出文件，请改用 .csv 扩展名。")
    return [SheetSource(path, "csv", encoding=_csv_encoding(path), limits=limits)]


# --------------------------------------------------------------------------- size guards
def _mb(n: int) -> str:
    return f"{n / 1e6:,.0f} MB" if n >= 10_000_000 else f"{n / 1e6:,.1f} MB"


def _too_large(path: Path, what_en: str, what_zh: str, size: int, limit: int) -> BadInput:
    return _bad("too_large", path,
                f"The workbook is too large to read safely: {what_en} is {_mb(size)} "
                f"(the limit is {_mb(limit)}). If it is a real roster, split it by township; "
                "the limit can be raised in the settings (import_limits).",
                f"工作簿过大，无法安全读取：{what_zh}为 {_mb(size)}（上限 {_mb(limit)}）。"
                "如确为花名册，请按乡镇拆分后分别导入；上限可在设置（import_limits）中调整。")


def _check_file_size(path: Path, size: int, limits: ReadLimits) -> None:
    if size > limits.max_file_bytes:
        raise _too_large(path, "the file", "文件", size, limits.max_file_bytes)


def _bomb(path: Path, member: str, ratio: float, limits: ReadLimits) -> BadInput:
    return _bad("zip_bomb", path,
                f"The workbook is refused: its part '{member}' would expand {ratio:,.0f} times when "
                f"unzipped (at most {limits.max_ratio} times is accepted). A real roster never "
                "compresses like this; the file is damaged or made to exhaust the computer's memory.",
                f"拒绝读取该工作簿：其中的“{member}”解压后将膨胀 {ratio:,.0f} 倍（最多允许 "
                f"{limits.max_ratio} 倍）。正常的花名册不会这样压缩，该文件已损坏，或是为耗尽内存而特意制作的。")


def _check_zip(path: Path, zf: zipfile.ZipFile, limits: ReadLimits) -> None:
    """Every member's declared size, their total and the compression ratio, before anything is
    unzipped. Python's zip reader stops at a member's declared size (and the sheet's stream counts
    what it unzips), so a member cannot give more than it declares; and only stored and deflated
    members are accepted, so a member cannot expand more than ~1032 times its zipped size either."""
    infos = zf.infolist()
    if len(infos) > limits.max_members:
        raise _bad("zip_bomb", path,
                   f"The workbook is refused: it holds {len(infos):,} parts (at most "
                   f"{limits.max_members:,} are accepted).",
                   f"拒绝读取该工作簿：其中包含 {len(infos):,} 个部件（最多允许 {limits.max_members:,} 个）。")
    total = 0
    for info in infos:
        if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            raise _bad("corrupt", path,
                       f"The workbook is damaged or not made by a spreadsheet program: its part "
                       f"'{info.filename}' uses an unusual compression (method {info.compress_type}).",
                       f"工作簿已损坏或并非由电子表格软件生成：其中的“{info.filename}”使用了非常规的压缩方式"
                       f"（方法 {info.compress_type}）。")
        declared = info.file_size
        if declared > limits.max_member_bytes:
            raise _too_large(path, f"its part '{info.filename}' unzipped", f"其中的“{info.filename}”解压后",
                             declared, limits.max_member_bytes)
        if declared > limits.ratio_free_bytes and declared > limits.max_ratio * max(info.compress_size, 1):
            raise _bomb(path, info.filename, declared / max(info.compress_size, 1), limits)
        total += declared
        if total > limits.max_total_bytes:
            raise _too_large(path, "the workbook unzipped", "工作簿解压后", total, limits.max_total_bytes)


# --------------------------------------------------------------------------- workbooks
def _open_xlsx(path: Path, limits: ReadLimits) -> list[SheetSource]:
    """The visible worksheets (all worksheets when none is visible), from the workbook's XML."""
    try:
        with zipfile.ZipFile(path) as zf:
            if "xl/workbook.xml" not in set(zf.namelist()):
                raise _bad("not_spreadsheet", path,
                           "The file is a ZIP archive but not an Excel workbook (.xlsx).",
                           "该文件是压缩包，但不是 Excel 工作簿（.xlsx）。")
            _check_zip(path, zf, limits)
            book = xlsx_stream.read_book(zf)
    except BadInput:
        raise
    except SheetProblem as exc:
        raise _sheet_problem(path, exc, "xl/workbook.xml", limits) from None
    except Exception:  # BadZipFile, zlib.error, EOFError, struct.error...: the zip is damaged somewhere
        raise _bad("corrupt", path, "The workbook is damaged (not a readable ZIP file).",
                   "工作簿已损坏（无法作为 ZIP 文件读取）。") from None
    sheets = [s for s in book.sheets if s.worksheet]
    shown = [s for s in sheets if s.visible] or sheets
    if not shown:
        raise _bad("empty", path, "The workbook has no worksheet.", "工作簿中没有工作表。")
    return [SheetSource(path, "xlsx", sheet=s.name, limits=limits, part=s.part) for s in shown]


def _xlsx_rows(source: SheetSource,
               on_total: Callable[[int], None] | None) -> Iterator[tuple[int, list[Any]]]:
    """The sheet's rows streamed (`xlsx_stream.Reader`), its limits kept as it is read."""
    path, limits, part = source.path, source.limits, source.part
    try:
        with zipfile.ZipFile(path) as zf:
            book = xlsx_stream.read_book(zf)
            if part is None:
                raise SheetProblem("damaged", detail=f"the part of sheet '{source.sheet}' is missing")
            reader = xlsx_stream.Reader(strings=lambda: xlsx_stream.read_strings(zf, book.strings, limits.max_member_bytes),
                            dates=xlsx_stream.read_date_styles(zf, book.styles), date1904=book.date1904,
                            max_rows=limits.max_rows + HEADER_ROWS, max_columns=limits.max_columns,
                            max_bytes=limits.max_member_bytes, uncomputed=UncomputedFormula)
            yield from reader.rows(zf, part, on_total)
    except BadInput:
        raise
    except SheetProblem as exc:
        raise _sheet_problem(path, exc, part or "", limits) from None
    except Exception as exc:  # zlib.error, BadZipFile (a CRC, a member larger than it says), bad XML
        raise _bad("corrupt", path, f"The workbook is damaged and cannot be read ({exc}). Open it in "
                   "Excel and save it again.", "工作簿已损坏，无法读取。请用 Excel 打开后重新保存再导入。") from None


def _sheet_problem(path: Path, exc: SheetProblem, part: str, limits: ReadLimits) -> BadInput:
    if exc.kind == "rows":
        return _too_many(path, exc.count, limits)
    if exc.kind == "columns":
        return _too_wide(path, exc.count, limits)
    if exc.kind == "size":
        name = exc.detail or part
        return _too_large(path, f"its part '{name}' unzipped", f"其中的“{name}”解压后", exc.count,
                          limits.max_member_bytes)
    return _bad("corrupt", path, f"The workbook is damaged and cannot be read ({exc.detail}). Open it in "
                "Excel and save it again.", "工作簿已损坏，无法读取。请用 Excel 打开后重新保存再导入。")


def _too_wide(path: Path, column: int, limits: ReadLimits) -> BadInput:
    letters = column_letters(min(column, 10**6))
    return _bad("too_many_columns", path,
                f"The sheet has cells as far as column {letters} (column {column:,}); povdesk reads at "
                f"most {limits.max_columns:,} columns. Delete the columns that are not part of the roster.",
                f"工作表中的数据一直延伸到 {letters} 列（第 {column:,} 列），超过了 {limits.max_columns:,} 列的上限。"
                "请删去不属于花名册的列后再导入。")


def _open_ole(path: Path, limits: ReadLimits) -> list[SheetSource]:
    with path.open("rb") as fh:
        data = fh.read(4 << 20)
    if _ENCRYPTED in data:
        raise _bad("encrypted", path,
                   "The workbook is password-protected; open it in Excel, remove the password "
                   "(File > Info > Protect Workbook) and save it again.",
                   "工作簿设置了打开密码。请在 Excel 中打开，取消密码（文件 > 信息 > 保护工作簿）后另存再导入。")
    return _calamine_sheets(path, "xls", limits)


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


def _calamine_sheets(path: Path, kind: str, limits: ReadLimits) -> list[SheetSource]:
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
    return [SheetSource(path, kind, sheet=name, limits=limits) for name in sheets]


def _xls_rows(source: SheetSource,
              on_total: Callable[[int], None] | None) -> Iterator[tuple[int, list[Any]]]:
    """(row number, cells) pairs made in C (zip/count): blank cells are "", blank rows included,
    each row widened on the left to start at column A."""
    path, limits = source.path, source.limits
    with _calamine_errors(path):
        wb = pc.CalamineWorkbook.from_path(str(path))
        try:
            ws = wb.get_sheet_by_name(source.sheet) if source.sheet else wb.get_sheet_by_index(0)
        finally:
            wb.close()
        if ws.total_height > limits.max_rows + HEADER_ROWS:
            raise _too_many(path, ws.total_height, limits)
        if ws.width > limits.max_columns:
            raise _too_wide(path, ws.width, limits)
        if on_total is not None:
            on_total(ws.height)
        if ws.start is None:
            return iter(())
        first_col = ws.start[1]
        rows = ws.iter_rows()  # from row 1: the rows above the first value come blank
    numbered = zip(itertools.count(1), rows)
    if not first_col:
        return numbered
    lead = [""] * first_col
    return ((number, [*lead, *cells]) for number, cells in numbered)


def _too_many(path: Path, rows: int, limits: ReadLimits = DEFAULT_LIMITS) -> BadInput:
    limit = limits.max_rows
    return _bad("too_many_rows", path,
                f"The file has more than {limit:,} rows (counted {rows:,}); povdesk reads at most "
                f"{limit:,} rows per file. Split it by township and import the parts.",
                f"该文件超过 {limit:,} 行（已数到 {rows:,} 行），超过了每个文件 {limit:,} 行的上限。"
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
    whole = len(sample) < 1 << 16  # the sample is the whole file: it must also end cleanly
    for encoding in ("utf-8", "gb18030"):
        try:
            codecs.getincrementaldecoder(encoding)().decode(sample, final=whole)
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


def _csv_rows(path: Path, encoding: str, on_total: Callable[[int], None] | None,
              limits: ReadLimits = DEFAULT_LIMITS) -> Iterator[tuple[int, list[Any]]]:
    lines = count_lines(path, limits.max_rows + HEADER_ROWS)
    if lines > limits.max_rows + HEADER_ROWS:
        raise _too_many(path, lines, limits)
    if on_total is not None:
        on_total(lines + 1)
    with path.open("r", encoding=encoding, newline="") as fh:
        number = 0
        try:
            sample = fh.read(8192)
            fh.seek(0)
            delimiter = "\t" if sample.count("\t") > sample.count(",") else ","
            reader = csv.reader(fh, delimiter=delimiter)
            for number, cells in enumerate(reader, start=1):
                if any(c.strip() for c in cells):
                    yield number, [c if c.strip() else None for c in cells]
        except UnicodeDecodeError as exc:
            raise _bad("encoding", path, f"The text is not valid {encoding} ({exc.reason}).",
                       f"文件中有无法按 {encoding} 解码的字符。", row=number + 1) from None
        except csv.Error as exc:
            raise _csv_error(path, exc, number + 1) from None


def _csv_error(path: Path, exc: csv.Error, row: int) -> BadInput:
    """The csv module's English error as a message in both languages."""
    text = str(exc)
    if "field limit" in text:
        limit = csv.field_size_limit()
        return _bad("csv_field_too_long", path,
                    f"A cell in row {row} is longer than {limit:,} characters. Most often a quotation "
                    "mark (\") that is never closed makes the rest of the file one cell: check the "
                    "quotation marks in that row.",
                    f"第 {row} 行有一个单元格超过 {limit:,} 个字符。这通常是因为某个英文引号（\"）没有配对，"
                    "使文件其余部分都被当作一个单元格：请检查该行的引号。", row=row)
    if "NUL" in text:
        return _bad("not_spreadsheet", path,
                    f"Row {row} holds a NUL byte: the file is not a CSV text file.",
                    f"第 {row} 行含有空字节（NUL），该文件不是 CSV 文本文件。", row=row)
    return _bad("csv", path, f"The CSV file is malformed in row {row} ({text}).",
                f"CSV 文件第 {row} 行格式错误，无法读取。请用 Excel 打开检查该行后另存为 CSV 或 .xlsx。", row=row)


__all__ = ["DEFAULT_LIMITS", "MAX_ROWS", "ReadLimits", "SheetSource", "UncomputedFormula", "count_lines",
           "open_sources"]
