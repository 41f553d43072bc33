"""Read a comparison-table workbook (`forms --xlsx`) whose correction column was filled in the office.

The reading only: each sheet's title, the printed form's code (`PD1-…`, written in the sheet's second
row) and its non-blank cells by (row, column), both 1-based as a spreadsheet shows them. Which cell is
a correction of which field is decided by the service, from the printed form the code names
(`reports.form_xlsx.correction_cells`); nothing here touches the database.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from povdesk.errors import BadInput, Where
from povdesk.exchange.readers import ReadLimits, UncomputedFormula, open_sources
from povdesk.exchange.xlsx_stream import column_letters

#: the printed form's code as `forms --xlsx` writes it in a sheet's second row (查询码 PD1-B1-H…-V1)
_PAYLOAD = re.compile(r"PD1-B\d+-H[0-9A-Za-z]+-V\d+", re.IGNORECASE)
#: rows searched for the code
_HEAD_ROWS = 3


@dataclass(frozen=True)
class FilledSheet:
    title: str
    #: the printed form's code (None: the sheet has none, it is not a comparison table)
    payload: str | None
    #: non-blank cells: (row, column) -> the cell's value (text, number, date)
    cells: Mapping[tuple[int, int], Any]


def cell_text(value: Any) -> str:
    """A cell as a person reads it (a whole number without `.0`, a date as YYYY-MM-DD)."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value).strip()


def read_filled_forms(path: str | Path, limits: ReadLimits | None = None) -> list[FilledSheet]:
    """The sheets of a filled comparison-table workbook; BadInput when it is no workbook, or holds a
    formula saved without its value (a row error with its cell)."""
    path = Path(path)
    sources = open_sources(path, limits)
    if any(src.kind == "csv" for src in sources):
        raise BadInput("input.not_workbook", "A comparison-table workbook (.xlsx, written by forms --xlsx) is "
                       "needed, not a CSV file.", "需要对照表工作簿（forms --xlsx 生成的 .xlsx），而不是 CSV 文件。",
                       Where(file=path.name))
    sheets: list[FilledSheet] = []
    for src in sources:
        cells: dict[tuple[int, int], Any] = {}
        payload: str | None = None
        for row_no, values in src.rows():
            for k, value in enumerate(values):
                if isinstance(value, UncomputedFormula):
                    raise BadInput("input.formula",
                                   f"Sheet {src.sheet}, cell {column_letters(k + 1)}{row_no}: a formula saved "
                                   f"without its value ({value}); type the value instead.",
                                   f"工作表“{src.sheet}”单元格 {column_letters(k + 1)}{row_no}：公式没有保存计算结果"
                                   f"（{value}），请直接填写数值。", Where(file=path.name, row=row_no))
                if value is None or (isinstance(value, str) and not value.strip()):
                    continue
                cells[(row_no, k + 1)] = value
                if payload is None and row_no <= _HEAD_ROWS and isinstance(value, str):
                    found = _PAYLOAD.search(value)
                    payload = found.group(0).upper() if found else None
        sheets.append(FilledSheet(src.sheet or "", payload, cells))
    return sheets
