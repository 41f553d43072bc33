"""Problem lists for village teams and townships (.xlsx, Chinese): one row per problem, a remark
column for the village team, and a rule × township summary."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.cell.cell import Cell
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


def list_row(n: int, p: ProblemRecord, names: Mapping[str, str] | None = None) -> tuple[Any, ...]:
    """Problem number `n` of the list as a row, in LIST_HEADERS order (the village remark kept).
    整改情况 says how, by whom (`names`: login -> name) and when a problem was closed."""
    return (n, p.township, p.village, p.household_no, p.head_name,
            p.member_name or "", p.id_number or "", p.rule, p.category,
            SEVERITY_ZH.get(p.severity, p.severity), p.message_zh, field_labels(p.fields),
            STATUS_ZH.get(p.status, p.status), p.opened_at.strftime("%Y-%m-%d %H:%M"),
            closing(p, "zh", names), p.remark or "")


def list_rows(problems: Iterable[ProblemRecord],
              names: Mapping[str, str] | None = None) -> list[tuple[Any, ...]]:
    """The table body: one tuple per problem (see `list_row`)."""
    return [list_row(n, p, names) for n, p in enumerate(problems, start=1)]


class _Summary:
    """Rule × place counts gathered one problem at a time (see `summary_rows`)."""

    def __init__(self, by: str, places: Sequence[str] | None) -> None:
        self.township = by == "township"
        self.counts: Counter[tuple[str, str]] = Counter()
        self.columns: list[str] = list(places or ())
        self._known = set(self.columns)

    def add(self, p: ProblemRecord) -> None:
        place = p.township if self.township else p.village
        self.counts[(p.rule, place)] += 1
        if place not in self._known:
            self._known.add(place)
            self.columns.append(place)

    def rows(self, rule_titles: Mapping[str, str]) -> tuple[list[str], list[list[object]]]:
        counts, columns = self.counts, self.columns
        rules = sorted({r for r, _ in counts})
        header = ["规则编号", "规则", *columns, "合计"]
        body: list[list[object]] = []
        for r in rules:
            row = [counts[(r, t)] for t in columns]
            body.append([r, rule_titles.get(r, ""), *row, sum(row)])
        totals = [sum(counts[(r, t)] for r in rules) for t in columns]
        body.append(["合计", "", *totals, sum(totals)])
        return header, body


def summary_rows(problems: Iterable[ProblemRecord], rule_titles: Mapping[str, str] | None = None, *,
                 by: str = "township", places: Sequence[str] | None = None,
                 ) -> tuple[list[str], list[list[object]]]:
    """Rule × place counts, the place a township (`by="township"`) or a village: header (规则编号,
    规则, places…, 合计), one row per rule, then totals. Places come in the order of `places`
    (every township of the county, say, so the clean ones show their 0), else in the order the
    problems name them (the service lists problems by place code)."""
    summary = _Summary(by, places)
    for p in problems:
        summary.add(p)
    return summary.rows(rule_titles or {})


def _print_setup(ws: Any, title_rows: str) -> None:
    """Landscape, as wide as the page, as many pages long as it takes, headings on every page (set
    before a write-only sheet's first row)."""
    ws.print_title_rows = title_rows
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = Worksheet.PAPERSIZE_A4
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0


_HEAD_ALIGN = Alignment(horizontal="center", vertical="center", wrap_text=True)
_TOP = Alignment(vertical="top")
_TOP_WRAPPED = Alignment(vertical="top", wrap_text=True)
#: the list's columns (1-based) whose text wraps, and those formatted as text (long numbers)
_WRAPPED = (11, 12, 15, 16)
_AS_TEXT = (4, 7)


class _Styles:
    """The list's cell styles, each made once as a template cell of the sheet: a row's cells copy
    them (`workbook.styled`), so a million rows do not look a style up sixteen million times."""

    def __init__(self, ws: Any) -> None:
        def template(**style: Any) -> Cell:
            c = workbook.cell(ws)
            for k, v in style.items():
                setattr(c, k, v)
            return c
        self.header = template(font=Font(bold=True), fill=_HEAD_FILL, alignment=_HEAD_ALIGN, border=_BORDER)
        self.body = [template(border=_BORDER, alignment=_TOP_WRAPPED if c in _WRAPPED else _TOP,
                              **({"number_format": "@"} if c in _AS_TEXT else {}))
                     for c in range(1, len(LIST_HEADERS) + 1)]
        self.error = template(border=_BORDER, alignment=_TOP, font=_ERROR_FONT)
        self.bordered = template(border=_BORDER)
        self.total = template(border=_BORDER, font=Font(bold=True))


def write_problem_list(path: str | Path, problems: Iterable[ProblemRecord], *, title: str,
                       rule_titles: Mapping[str, str] | None = None,
                       generated: dt.datetime | None = None,
                       summary_by: str = "township", places: Sequence[str] | None = None,
                       names: Mapping[str, str] | None = None, count: int | None = None) -> Path:
    """One workbook: sheet 问题清单 (one row per problem) and sheet 汇总 (rule × township, or
    rule × village with `summary_by="village"`; `places` gives every column, see summary_rows).

    Written in write-only mode, row by row as `problems` yields them: a county's million problems
    are streamed from the database, never held (the summary is counted on the way). `count`: how
    many `problems` yields, for the heading, when it is an iterator (else it is listed first)."""
    if count is None:
        problems = problems if isinstance(problems, Sequence) else list(problems)
        count = len(problems)
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("问题清单")
    ncols = len(LIST_HEADERS)
    for c, width in enumerate(_WIDTHS, start=1):  # (a write-only sheet takes widths and panes first)
        ws.column_dimensions[get_column_letter(c)].width = width
    ws.freeze_panes = "A4"
    _print_setup(ws, "3:3")
    styles = _Styles(ws)
    cell = workbook.cell  # every value through the one writer: text from data is never a formula
    heading = cell(ws, title)
    heading.font = Font(bold=True, size=14)
    ws.append([heading])
    when = (generated or dt.datetime.now()).strftime("%Y-%m-%d %H:%M")
    ws.append([cell(ws, f"生成时间：{when}　问题数：{count}　请村组核实后在“村组备注”栏填写整改情况")])
    ws.append([workbook.styled(ws, text, styles.header) for text in LIST_HEADERS])
    summary = _Summary(summary_by, places)
    body, error_style, severity = styles.body, styles.error, SEVERITY_ZH["error"]
    styled = workbook.styled
    written = 0
    for written, p in enumerate(problems, start=1):
        summary.add(p)
        values = list_row(written, p, names)
        row = [styled(ws, v, t) for v, t in zip(values, body, strict=True)]
        if values[9] == severity:
            row[9] = styled(ws, values[9], error_style)
        ws.append(row)
    ws.merged_cells.add(f"A1:{get_column_letter(ncols)}1")
    ws.merged_cells.add(f"A2:{get_column_letter(ncols)}2")
    ws.auto_filter.ref = f"A3:{get_column_letter(ncols)}{max(3, written + 3)}"

    ss = wb.create_sheet("汇总")
    header, counted = summary.rows(rule_titles or {})
    ss.column_dimensions["A"].width = 12
    ss.column_dimensions["B"].width = 36
    for c in range(3, len(header) + 1):
        ss.column_dimensions[get_column_letter(c)].width = 11
    ss.freeze_panes = "C3"
    _print_setup(ss, "2:2")
    level = "乡镇" if summary_by == "township" else "行政村"
    heading = cell(ss, f"{title}：规则 × {level}汇总")
    heading.font = Font(bold=True, size=13)
    ss.append([heading])
    ss.append([styled(ss, text, styles.header) for text in header])
    for r, counts in enumerate(counted, start=1):
        style = styles.total if r == len(counted) else styles.bordered
        ss.append([styled(ss, v, style) for v in counts])
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
