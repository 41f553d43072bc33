"""调整明细.xlsx: the provincial adjustment workbook of a monthly package, one sheet per change type
(信息更正 … 贫困村退出), Chinese headers, frozen header row, column widths, ID numbers as text, every
cell written through `povdesk.workbook` (never a formula). Its bytes depend on the data only."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from operator import attrgetter
from typing import NamedTuple

from povdesk import workbook
from povdesk.domain import changes as cr
from povdesk.exchange.verify_package import CHANGE_TYPES


class AdjustmentRow(NamedTuple):
    """One row: a field a request changes, or the request itself when it changes no listed field
    (a named tuple: a package makes one per changed field, ten thousands at once)."""

    request_id: int
    type: str
    township: str
    village: str
    village_code: str
    household_no: str
    head_name: str
    member_name: str
    member_id_number: str
    field: str
    national_code: str
    before: str
    after: str
    cause: str
    event_date: str
    year: str
    reason: str
    assessment_date: str
    notice_start: str
    notice_end: str
    township_review: str
    maker: str
    reviewer: str
    signer: str
    signed_at: str


#: header, width (characters), attribute; ID-like columns are text
COLUMNS: tuple[tuple[str, int, str], ...] = (
    ("申请编号", 10, "request_id"), ("乡镇", 12, "township"), ("行政村", 12, "village"),
    ("行政村代码", 14, "village_code"), ("户编号", 20, "household_no"), ("户主姓名", 10, "head_name"),
    ("成员姓名", 10, "member_name"), ("成员证件号码", 21, "member_id_number"), ("变更项目", 16, "field"),
    ("国家指标代码", 12, "national_code"), ("变更前", 16, "before"), ("变更后", 16, "after"),
    ("原因类别", 12, "cause"), ("变更日期", 12, "event_date"), ("年度", 7, "year"), ("变更原因", 24, "reason"),
    ("村民代表评议日期", 12, "assessment_date"), ("公示开始", 12, "notice_start"), ("公示结束", 12, "notice_end"),
    ("乡镇审核", 18, "township_review"), ("申请人", 10, "maker"), ("审核人", 10, "reviewer"),
    ("签发人", 10, "signer"), ("签发时间", 20, "signed_at"),
)
_TEXT_COLUMNS = {"village_code", "household_no", "member_id_number", "national_code"}


def sheet_names() -> list[str]:
    return [cr.TYPES[t].zh for t in CHANGE_TYPES]


def workbook_bytes(rows: Sequence[AdjustmentRow], at: dt.datetime) -> bytes:
    """The workbook's bytes: every type's sheet (empty ones with their headers), rows in the order
    given (the package's order)."""
    by_type: dict[str, list[tuple[object, ...]]] = {t: [] for t in CHANGE_TYPES}
    attrs = [attr for _h, _w, attr in COLUMNS]
    values = attrgetter(*attrs)
    for r in rows:
        by_type[r.type].append(values(r))
    used: set[str] = set()
    text = frozenset(i for i, a in enumerate(attrs) if a in _TEXT_COLUMNS)
    sheets = [workbook.PlainSheet(workbook.sheet_title(cr.TYPES[t].zh, used), [h for h, _w, _a in COLUMNS],
                                  [w for _h, w, _a in COLUMNS], by_type[t], text) for t in CHANGE_TYPES]
    return workbook.plain_workbook(sheets, at)
