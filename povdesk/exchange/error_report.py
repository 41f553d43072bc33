"""The error report: a copy of the input with every faulty cell highlighted and a Chinese message column.

Row numbers stay those of the input (empty rows are kept), so "第 12 行" in a message is row 12 of
both files. The report is for the county clerk and the province, so it is Chinese always.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill

from povdesk import workbook
from povdesk.errors import Where

MESSAGE_HEADER = "错误说明"
ERROR_FILL = PatternFill("solid", fgColor="FFC7CE")
ERROR_FONT = Font(color="9C0006")
HEADER_FILL = PatternFill("solid", fgColor="FFEB9C")


@dataclass(frozen=True)
class CellIssue:
    row: int
    col_index: int | None  # 0-based column of the faulty cell; None = the row as a whole
    message: str


def _safe(value: Any) -> Any:
    """A value as the reader gave it, as a workbook can hold it (text is made safe by
    `povdesk.workbook`): anything not a number, date or text is written as text."""
    if value == "":
        return None
    if isinstance(value, dt.timedelta):
        return str(value)
    if value is None or isinstance(value, (str, int, float, dt.date, dt.time)):
        return value
    return str(value)


def write(out: Path, rows: Iterable[tuple[int, list[Any]]], issues: Iterable[CellIssue], *,
          header_row: int, file_name: str, summary: list[str]) -> None:
    by_row: dict[int, list[CellIssue]] = {}
    for issue in issues:
        by_row.setdefault(issue.row, []).append(issue)
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("错误报告")
    ws.freeze_panes = f"A{header_row + 1}"
    width = 0
    next_row = 1
    bold = Font(bold=True)
    for row_no, cells in rows:
        while next_row < row_no:
            ws.append([])
            next_row += 1
        if row_no == header_row:
            width = len(cells)
        out_row: list[Any] = []
        found = by_row.get(row_no, [])
        bad_cols = {i.col_index for i in found if i.col_index is not None}
        for index, value in enumerate(cells):
            if index in bad_cols:
                cell = workbook.cell(ws, _safe(value))
                cell.fill, cell.font = ERROR_FILL, ERROR_FONT
                text = "；".join(i.message for i in found if i.col_index == index)
                cell.comment = Comment(workbook.clean(text), "povdesk")
                out_row.append(cell)
            else:
                out_row.append(_safe(value))
        if row_no == header_row or found:
            out_row.extend([None] * (max(width, len(cells)) - len(cells)))
            if row_no == header_row:
                cell = workbook.cell(ws, MESSAGE_HEADER)
                cell.font, cell.fill = bold, HEADER_FILL
            else:
                cell = workbook.cell(ws, "；".join(i.message for i in found))
                cell.fill, cell.font = ERROR_FILL, ERROR_FONT
                cell.alignment = Alignment(wrap_text=False)
            out_row.append(cell)
        workbook.append(ws, out_row)
        next_row = row_no + 1
    info = wb.create_sheet("说明")
    info.column_dimensions["A"].width = 100
    workbook.append(info, [f"povdesk 导入错误报告：{file_name}"])
    workbook.append(info, ["红色单元格为有格式错误的单元格；最后一列“错误说明”给出原因。有错误的户整户未导入，改正后可重新导入。"])
    for line in summary:
        workbook.append(info, [line])
    _save(wb, out)


def write_message_only(out: Path, file_name: str, message_zh: str, where: Where) -> None:
    """The report for a file that could not be read at all: the one message that says why."""
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("错误报告")
    ws.column_dimensions["A"].width = 100
    workbook.append(ws, [f"povdesk 导入错误报告：{file_name}"])
    place = where.describe("zh")
    workbook.append(ws, [f"{place}：{message_zh}" if place else message_zh])
    workbook.append(ws, ["该文件未导入任何数据。"])
    _save(wb, out)


def _save(wb: Workbook, out: Path) -> None:
    workbook.save(wb, out)
