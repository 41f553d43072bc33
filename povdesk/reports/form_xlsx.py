"""The comparison tables as an Excel workbook: one printable, protected sheet per household.

Only the correction column (核实情况/更正) is unlocked, so a clerk can type what the family said
without disturbing the recorded values.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from copy import copy
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Protection, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.cell_range import CellRange, MultiCellRange
from openpyxl.worksheet.worksheet import Worksheet

from povdesk import workbook
from povdesk.errors import Cancelled
from povdesk.reports.forms import CONFIRMATION, HEAD_SIGNATURE, BatchInfo, HouseholdForm, sort_key

#: Sheet columns; every table is spread over this many columns (narrow tables merge cells).
SHEET_COLUMNS = 16
SHEET_WIDTH_CHARS = 150.0
FONT = "SimSun"

_thin = Side(style="thin", color="000000")
_border = Border(left=_thin, right=_thin, top=_thin, bottom=_thin)
_wrap = Alignment(wrap_text=True, vertical="center")
_head_fill = PatternFill("solid", fgColor="DDDDDD")
_label_fill = PatternFill("solid", fgColor="F2F2F2")
_unlocked = Protection(locked=False)
BOXED = frozenset({"text", "label", "head", "edit"})
#: A closed write-only sheet's parts already in its file, which saving the workbook never reads
#: again (it reads the title, state, print titles and area, names, filter and relations).
_WRITTEN_WITH_THE_SHEET = ("column_dimensions", "row_breaks", "col_breaks", "page_setup", "print_options",
                           "page_margins", "views", "protection", "conditional_formatting",
                           "data_validations", "sheet_properties", "sheet_format", "scenarios",
                           "HeaderFooter")


def sheet_name(form: HouseholdForm, used: set[str]) -> str:
    """The household's number as a sheet title Excel accepts, unique in the workbook (`used`)."""
    return workbook.sheet_title(form.household_no, used, fallback=str(form.household_id))


def _spans(weights: Sequence[float]) -> list[tuple[int, int]]:
    """Map a table's relative column widths to runs of sheet columns (1-based, inclusive)."""
    total = sum(weights)
    n = len(weights)
    spans = []
    start, acc = 1, 0.0
    for k, w in enumerate(weights):
        acc += w
        end = round(acc / total * SHEET_COLUMNS)
        end = max(end, start)  # at least one column each
        end = min(end, SHEET_COLUMNS - (n - 1 - k))  # leave one for each column still to come
        spans.append((start, end))
        start = end + 1
    return spans


class _Sheet:
    """Writes sheets row by row in openpyxl's write-only mode (a 1,000-household workbook would
    otherwise hold every cell in memory); styles are built once and copied."""

    def __init__(self, wb: Workbook) -> None:
        self.wb = wb
        self._styles: dict[str, Any] = {}
        self.ws: Any = None
        self.row = 0
        self.buf: list[Any] = []

    def style(self, cell: Any, kind: str) -> None:
        cached = self._styles.get(kind)
        if cached is not None:
            cell._style = copy(cached)
            return
        cell.font = Font(name=FONT, size={"title": 14, "section": 11, "subtitle": 10, "sign": 10}.get(kind, 9),
                         bold=kind in ("title", "section", "head"))
        if kind in BOXED:
            cell.border = _border
            cell.alignment = _wrap
        if kind == "title":
            cell.alignment = Alignment(horizontal="center")
        if kind == "label":
            cell.fill = _label_fill
        if kind == "head":
            cell.fill = _head_fill
            cell.alignment = Alignment(wrap_text=True, vertical="center", horizontal="center")
        if kind == "edit":
            cell.protection = _unlocked
        self._styles[kind] = copy(cell._style)

    def put(self, first: int, last: int, text: str, kind: str) -> None:
        """Fill sheet columns first..last (merged) of the current row."""
        cell = workbook.cell(self.ws)
        self.style(cell, kind)
        workbook.put(cell, text or None)  # after the style: text from data is never a formula
        self.buf[first - 1] = cell
        if last > first:
            self.ws.merged_cells.ranges.add(CellRange(f"{get_column_letter(first)}{self.row}:"
                                                      f"{get_column_letter(last)}{self.row}"))
            for c in range(first, last):
                covered = workbook.cell(self.ws)
                if kind in BOXED:
                    self.style(covered, kind)  # the border runs along the whole merged cell
                self.buf[c] = covered

    def end_row(self, height: float | None = None) -> None:
        if height is not None:
            self.ws.row_dimensions[self.row].height = height
        self.ws.append(self.buf)
        self.row += 1
        self.buf = [None] * SHEET_COLUMNS

    def write(self, title: str, form: HouseholdForm) -> None:
        ws = self.ws = self.wb.create_sheet(title)
        self.row, self.buf = 1, [None] * SHEET_COLUMNS
        # the member table has a sheet column per field: size the columns for it (IDs on one line)
        members = form.table("members")
        weights = ([c.width for c in members.columns] if members is not None
                   and len(members.columns) == SHEET_COLUMNS else [1.0] * SHEET_COLUMNS)
        for c, w in enumerate(weights, start=1):
            ws.column_dimensions[get_column_letter(c)].width = max(4.0, SHEET_WIDTH_CHARS * w / sum(weights))
        # page set-up first: write-only sheets write their properties with the first row
        ws.print_title_rows = "1:2"
        ws.page_setup.paperSize = Worksheet.PAPERSIZE_A4
        ws.page_setup.orientation = Worksheet.ORIENTATION_PORTRAIT
        ws.page_setup.fitToWidth = 1
        ws.page_setup.fitToHeight = 0
        ws.sheet_properties.pageSetUpPr.fitToPage = True
        ws.print_options.horizontalCentered = True
        ws.page_margins.left = ws.page_margins.right = 0.4
        ws.oddFooter.center.text = "本户第 &P 页 共 &N 页"
        ws.oddFooter.right.text = workbook.header_footer_text(form.payload)
        ws.protection.sheet = True
        ws.protection.formatRows = False  # rows may grow for long handwritten notes
        put, end = self.put, self.end_row
        put(1, SHEET_COLUMNS, form.title, "title")
        end(22)
        put(1, SHEET_COLUMNS, f"{form.year}年度  户编号 {form.household_no}  记录版本 {form.version}  "
                              f"打印批次 {form.batch_id}  查询码 {form.payload}", "note")
        end()
        pairs = list(form.header)
        spans = _spans([1.0, 1.4] * 3)
        for i in range(0, len(pairs), 3):
            cells: list[str] = []
            for label, value in pairs[i:i + 3]:
                cells += [label, value]
            for k, (a, b) in enumerate(spans):
                put(a, b, cells[k] if k < len(cells) else "", "label" if k % 2 == 0 else "text")
            end(20)
        for section in form.sections:
            end()
            put(1, SHEET_COLUMNS, section.title, "section")
            end(18)
            for table in section.tables:
                if table.title:
                    put(1, SHEET_COLUMNS, table.title, "subtitle")
                    end()
                spans = _spans([c.width for c in table.columns])
                if not table.key_value:
                    for (a, b), col in zip(spans, table.columns, strict=True):
                        put(a, b, col.title, "head")
                    end(30)
                for values in table.rows:
                    for k, ((a, b), col) in enumerate(zip(spans, table.columns, strict=True)):
                        kind = "edit" if col.correction else "label" if table.key_value and k % 3 == 0 else "text"
                        put(a, b, values[k], kind)
                    end(30 if max(len(v) for v in values) > 14 else 20)
        end()
        # as on paper: the verifiers and the visit's date, the confirmation, the head and its date
        names = list(form.signatures)
        head = names.index(HEAD_SIGNATURE) if HEAD_SIGNATURE in names else len(names)
        for part in (names[:head], names[head:]):
            if not part:
                continue
            if part[0] == HEAD_SIGNATURE:
                put(1, SHEET_COLUMNS, f"{CONFIRMATION}。", "sign")
                end(24)
            for (a, b), name in zip(_spans([1.0] * max(len(part), 2)), part, strict=False):
                put(a, b, f"{name}：" + ("      年    月    日" if name.endswith("日期") else ""), "sign")
            end(30)
        ws.close()  # written to its temporary file now; drop what it no longer needs
        ws.merged_cells = MultiCellRange()
        ws.row_dimensions.clear()
        for name in _WRITTEN_WITH_THE_SHEET:  # ~20 kB a sheet: 100 MB at 5,000 households
            vars(ws).pop(name, None)


class FormsWorkbook:
    """The comparison tables' workbook written as the forms come (write-only: each sheet goes to
    disk when done), so a batch of any size holds one household's sheet at a time.
    `add` takes forms in print order, as often as needed; `save` writes the file."""

    def __init__(self, *, batch: BatchInfo) -> None:
        self.batch = batch
        self.wb = Workbook(write_only=True)
        self._used: set[str] = set()
        self._sheet = _Sheet(self.wb)
        self.households = 0

    def add(self, forms: Sequence[HouseholdForm], *, progress: Callable[[int, int], None] | None = None,
            cancel: Callable[[], bool] | None = None) -> None:
        for n, form in enumerate(forms, start=1):
            if cancel is not None and cancel():
                raise Cancelled()
            self._sheet.write(sheet_name(form, self._used), form)
            self.households += 1
            if progress is not None:
                progress(n, len(forms))

    def save(self, path: str | Path) -> Path:
        path = Path(path)
        self.wb.properties.title = f"对照表 批次 {self.batch.batch_id}"
        self.wb.properties.creator = workbook.clean(self.batch.user)
        self.wb.save(path)
        return path


def write_xlsx(path: str | Path, forms: Sequence[HouseholdForm], *, batch: BatchInfo,
               progress: Callable[[int, int], None] | None = None,
               cancel: Callable[[], bool] | None = None) -> Path:
    """All `forms` (sorted into print order) in one workbook."""
    book = FormsWorkbook(batch=batch)
    book.add(sorted(forms, key=sort_key), progress=progress, cancel=cancel)
    return book.save(path)


@dataclass(frozen=True)
class CorrectionCell:
    """Where `_Sheet.write` put one correction cell of a form (核实情况/更正), and what it belongs to."""

    row: int  # sheet row, 1-based
    column: int  # first sheet column of the cell's merged span, 1-based
    table: str  # FormTable.key: facts, members, insurance, …
    table_row: int  # index into the table's rows
    table_column: int  # index into the table's columns


def correction_cells(form: HouseholdForm) -> list[CorrectionCell]:
    """The correction cells of `form`'s sheet, walking the rows exactly as `_Sheet.write` writes them
    (title, note, header pairs, then per section a blank row, its title, each table's title, header
    and rows); a filled workbook is read back through these positions."""
    out: list[CorrectionCell] = []
    row = 3 + (len(form.header) + 2) // 3  # title, note, the header pairs three to a row
    for section in form.sections:
        row += 2  # the blank row and the section's title
        for table in section.tables:
            if table.title:
                row += 1
            if not table.key_value:
                row += 1
            spans = _spans([c.width for c in table.columns])
            for r in range(len(table.rows)):
                out.extend(CorrectionCell(row, spans[k][0], table.key, r, k)
                           for k, col in enumerate(table.columns) if col.correction)
                row += 1
    return out
