"""The dashboard as one A4 landscape page for the director's meeting (Chinese always).

The same six figures as the window (`ui/dashboard.py`), drawn with reportlab's graphics from the
plain `domain.dashboard.Dashboard` record: households by status and by attribute, exits by year
against the plan, villages' incidence against the exit threshold, 两不愁三保障 per indicator and
open problems per village.
"""

from __future__ import annotations

import io
from collections.abc import Sequence

from reportlab.graphics.charts.barcharts import HorizontalBarChart, VerticalBarChart
from reportlab.graphics.charts.legends import Legend
from reportlab.graphics.shapes import Drawing, Line, String
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, landscape
from reportlab.pdfgen.canvas import Canvas

from povdesk.domain.dashboard import QUEUE_NAMES, CodeCount, Dashboard, village_labels
from povdesk.domain.meanings import EXITED_STATUSES
from povdesk.reports import fonts

#: villages shown in the incidence and problems charts (the highest first)
TOP_VILLAGES = 10
#: the window's palette (ui/dashboard.py uses the same colours)
BLUE = colors.HexColor("#3b6ea5")
GREEN = colors.HexColor("#4c9a6a")
RED = colors.HexColor("#c0504d")
AMBER = colors.HexColor("#e0a030")
GREY = colors.HexColor("#a0a0a0")
LIGHT = colors.HexColor("#d9d9d9")

_W, _H = landscape(A4)
_MARGIN = 28.0
_CHART_W = (_W - 2 * _MARGIN - 2 * 14) / 3
#: two rows of charts between the heading (40 pt) and the footer line (16 pt)
_CHART_H = (_H - 2 * _MARGIN - 40 - 16 - 12 - 8) / 2


def _n(value: int) -> str:
    return f"{value:,}"


def _short(text: str, limit: int = 9) -> str:
    return text if len(text) <= limit else text[:limit - 1] + "…"


def _frame(title: str) -> Drawing:
    d = Drawing(_CHART_W, _CHART_H)
    d.add(String(0, _CHART_H - 12, title, fontName=fonts.register(), fontSize=10.5))
    return d


def _empty(d: Drawing, text: str) -> Drawing:
    d.add(String(_CHART_W / 2, _CHART_H / 2, text, fontName=fonts.register(), fontSize=9,
                 textAnchor="middle", fillColor=GREY))
    return d


def _hbar(title: str, names: Sequence[str], series: Sequence[Sequence[float]], fills: Sequence[colors.Color],
          *, stacked: bool = False, labels: Sequence[str] | None = None, legend: Sequence[str] = (),
          value_max: float | None = None, left: float = 78) -> tuple[Drawing, HorizontalBarChart | None]:
    d = _frame(title)
    if not names:
        return _empty(d, "无数据"), None
    font = fonts.register()
    chart = HorizontalBarChart()
    chart.x, chart.y = left, 24 if legend else 14
    chart.width = _CHART_W - left - 38
    chart.height = _CHART_H - chart.y - 22
    # reportlab draws the first category at the bottom: reverse so the list reads top-down
    chart.data = [list(reversed(s)) for s in series]
    chart.categoryAxis.categoryNames = list(reversed([_short(n) for n in names]))
    chart.categoryAxis.labels.fontName = font
    chart.categoryAxis.labels.fontSize = 7.5
    chart.categoryAxis.labels.boxAnchor = "e"
    chart.valueAxis.labels.fontName = font
    chart.valueAxis.labels.fontSize = 7
    chart.valueAxis.valueMin = 0
    top = max((sum(col) if stacked else max(col)) for col in zip(*series, strict=True)) if series else 0
    chart.valueAxis.valueMax = value_max if value_max is not None else max(1, top * 1.15)
    chart.valueAxis.labelTextFormat = "{:,.0f}".format if value_max is None else "{:.0f}%".format
    chart.bars.strokeWidth = 0
    chart.bars.strokeColor = None
    chart.barSpacing = 1
    chart.groupSpacing = 3
    for i, fill in enumerate(fills):
        chart.bars[i].fillColor = fill
    if stacked:
        chart.categoryAxis.style = "stacked"
    if labels is not None:
        chart.barLabelFormat = "values"
        chart.barLabels.fontName = font
        chart.barLabels.fontSize = 7
        chart.barLabels.boxAnchor = "w"
        chart.barLabels.dx = 2
        chart.barLabelArray = [list(reversed(labels))]
    d.add(chart)
    if legend:
        _legend(d, legend, fills)
    return d, chart


def _legend(d: Drawing, names: Sequence[str], fills: Sequence[colors.Color]) -> None:
    lg = Legend()
    lg.x, lg.y = 4, 8
    lg.alignment = "right"
    lg.columnMaximum = 1
    lg.deltax = 60
    lg.dx = lg.dy = 6
    lg.fontName = fonts.register()
    lg.fontSize = 7.5
    lg.colorNamePairs = list(zip(fills, names, strict=True))
    d.add(lg)


def _by_code(title: str, counts: Sequence[CodeCount]) -> Drawing:
    names = [c.label_zh for c in counts]
    values = [float(c.households) for c in counts]
    labels = [f"{_n(c.households)} 户 / {_n(c.people)} 人" for c in counts]
    d, chart = _hbar(title, names, [values], [BLUE], labels=labels, left=92)
    if chart is not None:
        chart.valueAxis.valueMax = max(1.0, max(values) * 1.7)  # room for the labels
    return d


def _exits(board: Dashboard) -> Drawing:
    d = _frame(f"脱贫户数（{board.exits[0].year}–{board.exits[-1].year} 年）与计划")
    font = fonts.register()
    chart = VerticalBarChart()
    chart.x, chart.y = 40, 34
    chart.width, chart.height = _CHART_W - 52, _CHART_H - 60
    has_plan = any(e.plan is not None for e in board.exits)
    chart.data = [[float(e.households) for e in board.exits]]
    if has_plan:
        chart.data.append([float(e.plan or 0) for e in board.exits])
    chart.categoryAxis.categoryNames = [str(e.year) for e in board.exits]
    chart.categoryAxis.labels.fontName = font
    chart.categoryAxis.labels.fontSize = 7.5
    chart.valueAxis.labels.fontName = font
    chart.valueAxis.labels.fontSize = 7
    chart.valueAxis.valueMin = 0
    top = max([1.0, *chart.data[0], *(chart.data[1] if has_plan else [])])
    chart.valueAxis.valueMax = top * 1.18
    chart.valueAxis.labelTextFormat = "{:,.0f}".format
    chart.bars.strokeWidth = 0
    chart.bars.strokeColor = None
    chart.bars[0].fillColor = GREEN
    if has_plan:
        chart.bars[1].fillColor = LIGHT
    chart.barLabelFormat = "{:,.0f}".format
    chart.barLabels.fontName = font
    chart.barLabels.fontSize = 6.5
    chart.barLabels.nudge = 5
    d.add(chart)
    names = ["脱贫户数", "计划户数"] if has_plan else ["脱贫户数（未设计划）"]
    _legend(d, names, [GREEN, LIGHT][:len(names)])
    return d


def _incidence(board: Dashboard) -> Drawing:
    shown = [v for v in board.villages if v.population][:TOP_VILLAGES]
    above = [v.incidence if v.incidence > board.threshold else 0.0 for v in shown]
    below = [v.incidence if v.incidence <= board.threshold else 0.0 for v in shown]
    top = max([board.threshold * 1.5, *(v.incidence * 1.15 for v in shown)])
    d, chart = _hbar(f"贫困发生率最高的村（退出标准 ≤{board.threshold:g}%）",
                     village_labels([(v.township, v.name) for v in shown]),
                     [above, below], [RED, GREEN], stacked=True,
                     legend=[f"高于 {board.threshold:g}%", f"不高于 {board.threshold:g}%"], value_max=top)
    if chart is not None:
        x = chart.x + chart.width * board.threshold / top
        d.add(Line(x, chart.y, x, chart.y + chart.height, strokeColor=colors.black, strokeWidth=0.8,
                   strokeDashArray=[3, 2]))
        for i, v in enumerate(reversed(shown)):  # the figure beside each bar
            y = chart.y + (i + 0.5) * chart.height / len(shown) - 2.5
            d.add(String(chart.x + chart.width * v.incidence / top + 2, y, f"{v.incidence:.1f}%",
                         fontName=fonts.register(), fontSize=6.5))
    return d


def _compliance(board: Dashboard) -> Drawing:
    c = board.compliance
    if c is None or not c.households:
        return _empty(_frame("两不愁三保障（按指标）"), "尚未计算")
    total = float(c.households)
    met = [100 * i.met / total for i in c.indicators]
    not_met = [100 * i.not_met / total for i in c.indicators]
    unknown = [100 * i.unknown / total for i in c.indicators]
    d, chart = _hbar(f"两不愁三保障（{c.year} 年，{_n(c.households)} 户）", [i.title_zh for i in c.indicators],
                     [met, not_met, unknown], [GREEN, RED, LIGHT], stacked=True,
                     legend=["达标", "未达标", "未登记"], value_max=100, left=100)
    if chart is not None:
        for k, i in enumerate(reversed(c.indicators)):
            y = chart.y + (k + 0.5) * chart.height / len(c.indicators) - 2.5
            d.add(String(chart.x + chart.width + 2, y, f"未达标 {_n(i.not_met)}", fontName=fonts.register(),
                         fontSize=6.5, fillColor=RED if i.not_met else GREY))
        chart.width -= 34
    return d


def _problems(board: Dashboard) -> Drawing:
    shown = board.problems[:TOP_VILLAGES]
    d, _chart = _hbar("未处理问题最多的村", village_labels([(v.township, v.name) for v in shown]),
                      [[float(v.errors) for v in shown], [float(v.warnings) for v in shown]], [RED, AMBER],
                      stacked=True, legend=["错误", "提醒"])
    if not shown:
        return _empty(_frame("未处理问题最多的村"), "没有未处理的问题")
    return d


def dashboard_pdf(board: Dashboard) -> bytes:
    """One landscape A4 page of the dashboard (deterministic for one record)."""
    out = io.BytesIO()
    font = fonts.register()
    c = Canvas(out, pagesize=(_W, _H), pageCompression=1, invariant=1, initialFontName=font)
    c.setTitle(f"{board.name_zh}脱贫攻坚数据看板")
    c.setFont(font, 16)
    c.drawString(_MARGIN, _H - _MARGIN - 10, f"{board.name_zh}脱贫攻坚数据看板")
    c.setFont(font, 9.5)
    c.drawRightString(_W - _MARGIN, _H - _MARGIN - 10,
                      f"数据年度 {board.year} 年　生成于 {board.generated:%Y-%m-%d %H:%M}")
    poor = sum(s.households for s in board.by_status if s.code not in EXITED_STATUSES)
    summary = (f"在册 {_n(board.households)} 户 {_n(board.people)} 人；未脱贫（含返贫）{_n(poor)} 户；"
               f"贫困村退出标准：贫困发生率 ≤{board.threshold:g}%")
    c.drawString(_MARGIN, _H - _MARGIN - 28, summary)
    charts = [
        _by_code("户数与人数：按脱贫状态", board.by_status),
        _by_code("户数与人数：按户属性", board.by_attribute),
        _exits(board),
        _incidence(board),
        _compliance(board),
        _problems(board),
    ]
    top = _H - _MARGIN - 40
    for k, drawing in enumerate(charts):
        row, col = divmod(k, 3)
        x = _MARGIN + col * (_CHART_W + 14)
        y = top - (row + 1) * _CHART_H - row * 12
        c.setStrokeColor(LIGHT)
        c.rect(x - 4, y - 4, _CHART_W + 8, _CHART_H + 8, stroke=1, fill=0)
        drawing.drawOn(c, x, y)
    q = board.queues
    waiting = "　".join(f"{QUEUE_NAMES[k][0]} {getattr(q, k)} 件" for k in QUEUE_NAMES)
    c.setFont(font, 9)
    c.drawString(_MARGIN, _MARGIN - 6, f"变更申请待办：{waiting}")
    c.setFillColor(GREY)
    c.drawRightString(_W - _MARGIN, _MARGIN - 6, "两不愁三保障按登记数据逐户评定（与核查规则同一标准）；问题为最近一次检查的未处理问题")
    c.showPage()
    c.save()
    return out.getvalue()
