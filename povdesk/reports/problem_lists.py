"""Problem lists for village teams and townships (.xlsx, Chinese): one row per problem, a remark
column for the village team, and a rule × township summary."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from povdesk import workbook
from povdesk.domain import dictionary as dd
from povdesk.domain.filenames import FolderNames, path_inside
from povdesk.domain.records import ProblemRecord
from povdesk.domain.resolutions import STATUS_ZH, closing

SEVERITY_ZH = {"error": "错误", "warning": "提醒"}
LIST_HEADERS = ("序号", "乡(镇)", "行政村", "户编号", "户主姓名", "成员姓名", "证件号码", "规则编号",
                "问题类别", "严重程度", "问题描述", "涉及字段", "状态", "发现时间", "整改情况", "村组备注")
_WIDTHS = (6, 12, 12, 20, 10, 10, 21, 12, 12, 9, 60, 24, 9, 17, 34, 28)
_THIN = Side(style="thin", color="999999")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_HEAD_FILL = PatternFill("solid", fgColor="DDE5F0")
_ERROR_FONT = Font(color="9C0006")


def field_labels(keys: Iterable[str]) -> str:
    out = []
    for key in keys:
        try:
            out.append(dd.field(key).zh)
        except KeyError:
            out.append(key)
    return "、".join(out)


def list_rows(problems: Iterable[ProblemRecord],
              names: Mapping[str, str] | None = None) -> list[tuple[Any, ...]]:
    """The table body: one tuple per problem, in LIST_HEADERS order (the village remark kept).
    整改情况 says how, by whom (`names`: login -> name) and when a problem was closed."""
    rows: list[tuple[Any, ...]] = []
    for n, p in enumerate(problems, start=1):
        rows.append((n, p.township, p.village, p.household_no, p.head_name,
                     p.member_name or "", p.id_number or "", p.rule, p.category,
                     SEVERITY_ZH.get(p.severity, p.severity), p.message_zh, field_labels(p.fields),
                     STATUS_ZH.get(p.status, p.status), p.opened_at.strftime("%Y-%m-%d %H:%M"),
                     closing(p, "zh", names), p.remark or ""))
    return rows


def summary_rows(problems: Iterable[ProblemRecord], rule_titles: Mapping[str, str] | None = None, *,
                 by: str = "township", places: Sequence[str] | None = None,
                 ) -> tuple[list[str], list[list[object]]]:
    """Rule × place counts, the place a township (`by="township"`) or a village: header (规则编号,
    规则, places…, 合计), one row per rule, then totals. Places come in the order of `places`
    (every township of the county, say, so the clean ones show their 0), else in the order the
    problems name them (the service lists problems by place code)."""
    rule_titles = rule_titles or {}
    place_of = (lambda p: p.township) if by == "township" else (lambda p: p.village)
    counts: Counter[tuple[str, str]] = Counter()
    columns: list[str] = list(places or ())
    rules: set[str] = set()
    for p in problems:
        place = place_of(p)
        counts[(p.rule, place)] += 1
        if place not in columns:
            columns.append(place)
        rules.add(p.rule)
    header = ["规则编号", "规则", *columns, "合计"]
    body: list[list[object]] = []
    for r in sorted(rules):
        row = [counts[(r, t)] for t in columns]
        body.append([r, rule_titles.get(r, ""), *row, sum(row)])
    totals = [sum(counts[(r, t)] for r in rules) for t in columns]
    body.append(["合计", "", *totals, sum(totals)])
    return header, body


def _print_setup(ws: Worksheet, title_rows: str) -> None:
    """Landscape, as wide as the page, as many pages long as it takes, headings on every page."""
    ws.print_title_rows = title_rows
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0


def _style_header(ws: Worksheet, row: int, ncols: int) -> None:
    for c in range(1, ncols + 1):
        cell = ws.cell(row=row, column=c)
        cell.font = Font(bold=True)
        cell.fill = _HEAD_FILL
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        cell.border = _BORDER


def write_problem_list(path: str | Path, problems: Iterable[ProblemRecord], *, title: str,
                       rule_titles: Mapping[str, str] | None = None,
                       generated: dt.datetime | None = None,
                       summary_by: str = "township", places: Sequence[str] | None = None,
                       names: Mapping[str, str] | None = None) -> Path:
    """One workbook: sheet 问题清单 (one row per problem) and sheet 汇总 (rule × township, or
    rule × village with `summary_by="village"`; `places` gives every column, see summary_rows)."""
    items = list(problems)
    wb = Workbook()
    ws = wb.active
    ws.title = "问题清单"
    ncols = len(LIST_HEADERS)
    put = workbook.write  # every value through the one writer: text from data is never a formula
    put(ws, 1, 1, title).font = Font(bold=True, size=14)
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=ncols)
    when = (generated or dt.datetime.now()).strftime("%Y-%m-%d %H:%M")
    put(ws, 2, 1, f"生成时间：{when}　问题数：{len(items)}　"
                                   "请村组核实后在“村组备注”栏填写整改情况")
    ws.merge_cells(start_row=2, start_column=1, end_row=2, end_column=ncols)
    for c, text in enumerate(LIST_HEADERS, start=1):
        put(ws, 3, c, text)
    _style_header(ws, 3, ncols)
    for r, values in enumerate(list_rows(items, names), start=4):
        for c, value in enumerate(values, start=1):
            cell = put(ws, r, c, value)
            cell.border = _BORDER
            cell.alignment = Alignment(vertical="top", wrap_text=c in (11, 12, 15, 16))
            if c in (4, 7):
                cell.number_format = "@"  # keep long numbers as text
        if values[9] == SEVERITY_ZH["error"]:
            ws.cell(row=r, column=10).font = _ERROR_FONT
    for c, width in enumerate(_WIDTHS, start=1):
        ws.column_dimensions[get_column_letter(c)].width = width
    ws.freeze_panes = "A4"
    ws.auto_filter.ref = f"A3:{get_column_letter(ncols)}{max(3, len(items) + 3)}"
    _print_setup(ws, "3:3")

    ss = wb.create_sheet("汇总")
    header, body = summary_rows(items, rule_titles, by=summary_by, places=places)
    level = "乡镇" if summary_by == "township" else "行政村"
    put(ss, 1, 1, f"{title}：规则 × {level}汇总").font = Font(bold=True, size=13)
    for c, text in enumerate(header, start=1):
        put(ss, 2, c, text)
    _style_header(ss, 2, len(header))
    for r, counted in enumerate(body, start=3):
        for c, value in enumerate(counted, start=1):
            put(ss, r, c, value).border = _BORDER
    for r in (len(body) + 2,):
        for c in range(1, len(header) + 1):
            ss.cell(row=r, column=c).font = Font(bold=True)
    ss.column_dimensions["A"].width = 12
    ss.column_dimensions["B"].width = 36
    for c in range(3, len(header) + 1):
        ss.column_dimensions[get_column_letter(c)].width = 11
    ss.freeze_panes = "C3"
    _print_setup(ss, "2:2")

    return workbook.save(wb, path)


def write_lists_by(folder: str | Path, problems: Iterable[ProblemRecord], *, level: str = "village",
                   rule_titles: Mapping[str, str] | None = None,
                   names: Mapping[str, str] | None = None) -> list[Path]:
    """One workbook per village (level="village") or township ("township"), named after it.

    The names come from imported data, so each file name is made safe and distinct
    (`FolderNames`: `问题清单_帕哈乡八合村.xlsx`, a clash gets `-2`) and proven to stay in `folder`."""
    groups: dict[tuple[str, ...], list[ProblemRecord]] = {}
    place: dict[tuple[str, ...], str] = {}
    for p in problems:  # grouped by code (by name where none is given): two villages may share a name
        town = p.township_code or p.township
        key: tuple[str, ...] = (town, p.village_code or p.village) if level == "village" else (town,)
        groups.setdefault(key, []).append(p)
        place.setdefault(key, p.township + p.village if level == "village" else p.township)
    shared = Counter(place.values())
    files = FolderNames()
    unnamed = "未命名行政村" if level == "village" else "未命名乡镇"
    out = []
    for key, items in sorted(groups.items()):
        name = place[key]
        if shared[name] > 1:  # the same name twice: the code tells them apart, in the file and its title
            name = f"{name}（{key[-1]}）" if name else key[-1]
        file_name = files.add(name, prefix="问题清单_", ext=".xlsx", fallback=unnamed)
        path = path_inside(folder, file_name)
        out.append(write_problem_list(path, items, title=f"{name}数据质量问题清单",
                                      rule_titles=rule_titles, summary_by="village", names=names))
    return out
