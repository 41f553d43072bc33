"""Write the registry back in the national person-list layout (domain.md §7 (a)) for the province,
followed by the fields of the 2019 record (issue 14; `groups.PERSON_LIST_2019`, headed by the data
dictionary's labels, which the import reads back).

Codes are written as their Chinese labels and flags as 是/否, as the national system's own export
does, so the file reads like the one the county received and imports back unchanged. Household
numbers, person numbers, ID numbers and phones are text cells formatted as text (`@`), never
numbers. Every value goes through `povdesk.workbook`: text beginning with = + - @ (or a tab) is a
string cell with Excel's quote-prefix style, so no spreadsheet runs it as a formula and the text
itself is unchanged (older versions put an apostrophe into it; the importer still removes that,
`layouts.restore`); characters a workbook cannot hold are left out instead of failing the export.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from povdesk import workbook
from povdesk.domain import dictionary as dd
from povdesk.domain import values
from povdesk.domain.codelists import CodeBook
from povdesk.domain.dictionary import FieldType
from povdesk.domain.groups import NATIONAL_PERSON_LIST, PERSON_LIST_2019, ROSTER_EXPORT
from povdesk.errors import Cancelled

#: Column widths of layout (a), one per field of `groups.NATIONAL_PERSON_LIST`.
WIDTHS = (12, 12, 12, 10, 20, 20, 12, 21, 6, 11, 8, 12, 12, 12, 12, 14, 9, 9, 16, 9, 14, 14, 7, 8, 8, 11, 14)


def _width(header: str) -> float:
    """A column of the 2019 record's fields: as wide as its header (a CJK character is two columns),
    at least as wide as a date, at most 24."""
    return max(11, min(24, 2 * len(header)))


#: The export: header (the national system's, then the dictionary's label for the 2019 record's
#: fields, `groups.ROSTER_EXPORT`), the field it holds, column width.
PERSON_LIST: tuple[tuple[str, str, float], ...] = tuple(
    zip(ROSTER_EXPORT.headers, ROSTER_EXPORT.keys,
        (*WIDTHS, *map(_width, PERSON_LIST_2019.headers)),
        strict=True))
TEXT_FORMAT = "@"
SHEET_TITLE = NATIONAL_PERSON_LIST.zh


def _cell_writer(key: str, books: CodeBook) -> Callable[[Any], Any]:
    f = dd.field(key)
    if f.type in (FieldType.CODE, FieldType.CODES, FieldType.BOOL):
        memo: dict[Any, str] = {}

        def label(value: Any) -> Any:
            if value is None:
                return None
            try:
                return memo[value]
            except KeyError:
                memo[value] = text = values.display(f, value, "zh", books)
                return text
        return label
    if f.type == FieldType.MONEY:
        return lambda v: None if v is None else round(float(v), 2)
    if f.type == FieldType.NUMBER:  # the field's decimals (a GPS position keeps six)
        return lambda v: None if v is None else round(float(v), f.decimals)
    if f.type in (FieldType.INT, FieldType.YEAR):
        return lambda v: None if v is None else int(v)
    return lambda v: None if v is None or v == "" else str(v)


def write_person_list(out: Path, rows: Iterable[dict[str, Any]], books: CodeBook, *, total: int = 0,
                      progress: Callable[[int, int], None] | None = None,
                      cancel: Callable[[], bool] | None = None) -> int:
    """Write `rows` (dicts keyed by the field keys of PERSON_LIST); returns the count."""
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(SHEET_TITLE)
    ws.freeze_panes = "A2"
    for i, (_, _, width) in enumerate(PERSON_LIST, start=1):
        ws.column_dimensions[get_column_letter(i)].width = width
    bold = Font(bold=True)
    fill = PatternFill("solid", fgColor="DDEBF7")
    wrap = Alignment(horizontal="center", vertical="center", wrap_text=True)
    header = []
    for title, _, _ in PERSON_LIST:
        cell = workbook.cell(ws, title)
        cell.font, cell.fill, cell.alignment = bold, fill, wrap
        header.append(cell)
    ws.append(header)
    writers = []
    for _, key, _ in PERSON_LIST:
        f = dd.field(key)
        textual = f.type in (FieldType.TEXT, FieldType.ID_NUMBER, FieldType.PHONE) and key != "member.name"
        writers.append((key, _cell_writer(key, books), textual))
    count = 0
    for row in rows:
        out_row: list[Any] = []
        for key, write, textual in writers:
            value = write(row.get(key))
            if textual and value is not None:
                cell = workbook.cell(ws, value)
                cell.number_format = TEXT_FORMAT
                out_row.append(cell)
            else:
                out_row.append(value)
        workbook.append(ws, out_row)
        count += 1
        if count % 2000 == 0:
            if cancel is not None and cancel():
                raise Cancelled()
            if progress is not None:
                progress(count, max(total, count))
    workbook.save(wb, out)
    if progress is not None:
        progress(count, max(total, count))
    return count
