"""The dashboard: the window's first view, for the county or the place selected in the tree.

Six charts (QtCharts) drawn from `services.dashboard`'s plain record: households and people by
status and by attribute, exits by year against the plan, villages' incidence against the exit
threshold, 两不愁三保障 per indicator, open problems per village; the change-request queues above
them. Every figure drills down: a click emits `drill_down` with a `DrillDown` (the criteria of the
household list to open); the main window opens the list filtered (`install_dashboard`).

The SQL figures load on a worker and show at once; the compliance chart follows when the one
assessment has gone over the scope's households (cached by the service until the data change).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCharts import (
    QAbstractBarSeries,
    QBarCategoryAxis,
    QBarSeries,
    QBarSet,
    QChart,
    QChartView,
    QHorizontalBarSeries,
    QHorizontalPercentBarSeries,
    QHorizontalStackedBarSeries,
    QLineSeries,
    QValueAxis,
)
from PySide6.QtCore import QCoreApplication, QMargins, QPointF, QStandardPaths, Qt, Signal
from PySide6.QtGui import QColor, QFont, QPainter, QPen
from PySide6.QtWidgets import (
    QFileDialog,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from povdesk.domain.dashboard import (
    COUNTY,
    QUEUE_NAMES,
    CodeCount,
    Compliance,
    Dashboard,
    Scope,
    village_labels,
)
from povdesk.domain.filenames import safe_file_name
from povdesk.domain.meanings import EXITED_STATUSES
from povdesk.errors import Cancelled
from povdesk.services.facade import Services
from povdesk.services.registry import HouseholdFilter
from povdesk.ui.messages import show_error, ui_language
from povdesk.ui.tasks import Task, run_in_background

if TYPE_CHECKING:
    from povdesk.ui.main_window import MainWindow

# villages in the incidence and problems charts (highest first)
TOP_VILLAGES = 10
# the PDF's palette (reports/dashboard_pdf.py)
BLUE, TEAL, GREEN, RED, AMBER, LIGHT = "#3b6ea5", "#7aa6c9", "#4c9a6a", "#c0504d", "#e0a030", "#c8c8c8"
CHART_MIN_SIZE = (300, 230)


@dataclass(frozen=True)
class DrillDown:
    """Which households a click on a figure asks for: the household list's criteria.

    Fields the list's `HouseholdQuery` has of the same name are applied by `query()` (place and
    status today); the others (attribute, exit year, problems, failing an indicator) are for the
    list's filters as they arrive. `household_ids`: the households exactly (an indicator not met)."""

    township_id: int | None = None
    village_id: int | None = None
    status: str | None = None
    attribute: str | None = None
    exit_year: int | None = None
    # "any", "error" or "warning": households with open problems (of that severity)
    problems: str | None = None
    # an indicator key of `domain.assessment.INDICATORS`: households not meeting it
    indicator: str | None = None
    household_ids: tuple[int, ...] | None = None
    # what the list shows, for its label ("已脱贫(享受政策) · 某某村")
    title: str = ""

    def to_filter(self) -> HouseholdFilter:
        """The household list's criteria for this figure (the list's filter bar shows what it can)."""
        severity = self.problems if self.problems in ("error", "warning") else None
        return HouseholdFilter(township_id=self.township_id if self.village_id is None else None,
                               village_id=self.village_id, status=self.status, attribute=self.attribute,
                               exit_year=self.exit_year, open_problems=self.problems is not None,
                               problem_severity=severity, household_ids=self.household_ids)


class _ChartView(QChartView):
    def __init__(self, key: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName(f"chart_{key}")
        self.setRenderHint(QPainter.RenderHint.Antialiasing)
        self.setMinimumSize(*CHART_MIN_SIZE)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.series: QAbstractBarSeries | None = None

    def replace_chart(self, chart: QChart) -> None:
        old = self.chart()
        self.setChart(chart)
        if old is not None:
            old.deleteLater()


class DashboardView(QWidget):
    """The figures of one scope; `set_scope` follows the tree, `drill_down` asks for a list."""

    drill_down = Signal(object)  # DrillDown
    queue_activated = Signal(str)  # a key of domain.dashboard.QUEUE_NAMES
    loaded = Signal()  # the SQL figures are shown
    compliance_loaded = Signal()

    def __init__(self, *, services: Services, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("dashboard")
        self.services = services
        self.scope: Scope = COUNTY
        self.board: Dashboard | None = None
        self.loading = False
        self._generation = 0
        self._compliance_task: Task | None = None
        # per chart: what a click on (bar index, set index) asks for
        self._targets: dict[str, Callable[[int, int], DrillDown | None]] = {}

        self.title = QLabel()
        self.title.setObjectName("dashboardTitle")
        font = self.title.font()
        font.setPointSizeF(font.pointSizeF() * 1.35)
        font.setBold(True)
        self.title.setFont(font)
        self.summary = QLabel()
        self.summary.setObjectName("dashboardSummary")
        self.summary.setWordWrap(True)
        self.pdf_button = QPushButton(self.tr("Export PDF report…"))
        self.pdf_button.setObjectName("dashboardPdf")
        self.pdf_button.clicked.connect(self.export_pdf)
        self.refresh_button = QPushButton(self.tr("Refresh"))
        self.refresh_button.clicked.connect(self.reload)

        self.queue_label = QLabel(self.tr("Requests waiting:"))
        self.queue_buttons: dict[str, QToolButton] = {}
        queues = QHBoxLayout()
        queues.setSpacing(6)
        queues.addWidget(self.queue_label)
        for key in QUEUE_NAMES:
            button = QToolButton()
            button.setObjectName(f"queue_{key}")
            button.setAutoRaise(True)
            button.setCursor(Qt.CursorShape.PointingHandCursor)
            button.clicked.connect(lambda _checked=False, k=key: self.queue_activated.emit(k))
            self.queue_buttons[key] = button
            queues.addWidget(button)
        queues.addStretch(1)

        head = QHBoxLayout()
        head.addWidget(self.title)
        head.addStretch(1)
        head.addWidget(self.refresh_button)
        head.addWidget(self.pdf_button)

        self.views: dict[str, _ChartView] = {}
        grid = QGridLayout()
        grid.setSpacing(6)
        for k, key in enumerate(("status", "attribute", "exits", "incidence", "compliance", "problems")):
            view = _ChartView(key)
            self.views[key] = view
            grid.addWidget(view, k // 3, k % 3)
        for col in range(3):
            grid.setColumnStretch(col, 1)
        for row in range(2):
            grid.setRowStretch(row, 1)
        charts = QWidget()
        charts.setLayout(grid)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        scroll.setWidget(charts)

        lay = QVBoxLayout(self)
        lay.setContentsMargins(8, 6, 8, 4)
        lay.setSpacing(4)
        lay.addLayout(head)
        lay.addWidget(self.summary)
        lay.addLayout(queues)
        lay.addWidget(scroll, 1)

    # ------------------------------------------------------------------ loading
    def set_scope(self, scope: Scope) -> None:
        # the scope being read is not read again (the tree setting its current index at the first
        # show read the whole county's figures a second time: 1.7 s of CPU at 52,000 households)
        if scope != self.scope or (self.board is None and not self.loading):
            self.scope = scope
            self.reload()

    def reload(self) -> None:
        """Load the scope's figures on a worker; `loaded` fires when they are shown."""
        self._generation += 1
        generation, scope = self._generation, self.scope
        if self._compliance_task is not None and self._compliance_task.running:
            self._compliance_task.cancel()
        self.loading = True
        dashboard = self.services.dashboard

        def done(board: Dashboard) -> None:
            if generation == self._generation:
                self.show_board(board)
                if board.compliance is None:
                    self._load_compliance(generation, scope)

        def failed(exc: BaseException) -> None:
            if generation == self._generation:
                self.loading = False
                show_error(self, exc)

        run_in_background(lambda _p, _c: dashboard.overview(scope), on_done=done, on_error=failed, parent=self)

    def _load_compliance(self, generation: int, scope: Scope) -> None:
        dashboard = self.services.dashboard

        def done(result: Compliance) -> None:
            if generation == self._generation and self.board is not None:
                self.board = replace(self.board, compliance=result)
                self._draw_compliance(self.board)
                self.compliance_loaded.emit()

        def failed(exc: BaseException) -> None:
            if generation == self._generation and not isinstance(exc, Cancelled):
                show_error(self, exc)

        self._compliance_task = run_in_background(
            lambda _p, cancel: dashboard.compliance(scope, cancel=cancel), on_done=done, on_error=failed,
            on_cancelled=lambda: None, parent=self)

    # ------------------------------------------------------------------ drawing
    def show_board(self, board: Dashboard) -> None:
        self.board = board
        self.loading = False
        zh = ui_language() == "zh_CN"
        lang = "zh" if zh else "en"
        self.title.setText(self.tr("{0}: overview, data year {1}").format(board.name(lang), board.year))
        poor = sum(c.households for c in board.by_status if c.code not in EXITED_STATUSES)
        self.summary.setText(self.tr(
            "{0} households, {1} people on the register · {2} households not exited (returned included) · "
            "a poor village may exit at an incidence of {3} % or less").format(
            f"{board.households:,}", f"{board.people:,}", f"{poor:,}", f"{board.threshold:g}"))
        for key, button in self.queue_buttons.items():
            name = QUEUE_NAMES[key][0 if zh else 1]
            button.setText(f"{name} {getattr(board.queues, key)}")
        self._draw_codes("status", self.tr("Households and people by poverty status"), board.by_status,
                         lambda c: self._here(status=c.code, title=c.label(lang)))
        self._draw_codes("attribute", self.tr("Households and people by attribute"), board.by_attribute,
                         lambda c: self._here(attribute=c.code, title=c.label(lang)))
        self._draw_exits(board)
        self._draw_incidence(board)
        self._draw_compliance(board)
        self._draw_problems(board)
        self.loaded.emit()

    def _here(self, **criteria: Any) -> DrillDown:
        """The criteria within the dashboard's place."""
        return replace(DrillDown(township_id=self.scope.township_id, village_id=self.scope.village_id), **criteria)

    def _chart(self, title: str) -> QChart:
        chart = QChart()
        chart.setTitle(title)
        font = QFont(self.font())
        font.setBold(True)
        chart.setTitleFont(font)
        chart.setAnimationOptions(QChart.AnimationOption.NoAnimation)
        chart.setMargins(QMargins(2, 2, 2, 2))
        chart.setBackgroundRoundness(0)
        chart.legend().setAlignment(Qt.AlignmentFlag.AlignBottom)
        small = QFont(self.font())
        small.setPointSizeF(max(7.0, small.pointSizeF() * 0.85))
        chart.legend().setFont(small)
        return chart

    def _small(self) -> QFont:
        font = QFont(self.font())
        font.setPointSizeF(max(7.0, font.pointSizeF() * 0.85))
        return font

    def _bars(self, key: str, chart: QChart, series: QAbstractBarSeries, categories: Sequence[str],
              sets: Sequence[tuple[str, Sequence[float], str]], *, horizontal: bool, value_max: float | None = None,
              percent: bool = False) -> QValueAxis:
        """Fill `series` with `sets` (name, values, colour) over `categories` (top-down when
        horizontal), put it on the chart with its axes, and make its bars clickable."""
        order = list(reversed(range(len(categories)))) if horizontal else list(range(len(categories)))
        for name, values, colour in sets:
            bar_set = QBarSet(name)
            bar_set.append([float(values[i]) for i in order])
            bar_set.setColor(QColor(colour))
            bar_set.setBorderColor(QColor(colour))
            series.append(bar_set)
        chart.addSeries(series)
        cats = QBarCategoryAxis()
        cats.append([categories[i] for i in order])
        cats.setLabelsFont(self._small())
        values_axis = QValueAxis()
        values_axis.setLabelsFont(self._small())
        values_axis.setMin(0)
        if value_max is not None:
            values_axis.setMax(value_max)
        if horizontal:
            chart.addAxis(cats, Qt.AlignmentFlag.AlignLeft)
            chart.addAxis(values_axis, Qt.AlignmentFlag.AlignBottom)
        else:
            chart.addAxis(cats, Qt.AlignmentFlag.AlignBottom)
            chart.addAxis(values_axis, Qt.AlignmentFlag.AlignLeft)
        series.attachAxis(cats)
        series.attachAxis(values_axis)
        if not any(v for _name, values, _colour in sets for v in values):  # (an empty range is NaN to QtCharts)
            values_axis.setRange(0, value_max or (100 if percent else 5))
        values_axis.applyNiceNumbers()
        if not percent and values_axis.max() < 5:  # small counts: whole numbers, one tick each
            values_axis.setRange(0, 5)
            values_axis.setTickCount(6)
        values_axis.setLabelFormat("%g%%" if percent else "%d")
        cats.setTruncateLabels(False)
        labels = QColor("#303030")
        for bar_set in series.barSets():
            bar_set.setLabelColor(labels)
            bar_set.setLabelFont(self._small())
        n = len(categories)
        view = self.views[key]
        view.series = series
        series.clicked.connect(lambda index, bar_set, k=key, s=series: self._clicked(
            k, (n - 1 - index) if horizontal else index, s.barSets().index(bar_set)))
        return values_axis

    def _clicked(self, key: str, index: int, set_index: int) -> None:
        target = self._targets.get(key)
        criteria = target(index, set_index) if target is not None else None
        if criteria is not None:
            self.drill_down.emit(criteria)

    def _draw_codes(self, key: str, title: str, counts: Sequence[CodeCount],
                    make: Callable[[CodeCount], DrillDown]) -> None:
        chart = self._chart(title)
        lang = "zh" if ui_language() == "zh_CN" else "en"
        series = QHorizontalBarSeries()
        series.setLabelsVisible(True)
        series.setLabelsPosition(QAbstractBarSeries.LabelsPosition.LabelsOutsideEnd)
        series.setLabelsFormat("@value")
        self._bars(key, chart, series, [c.label(lang) for c in counts],
                   [(self.tr("Households"), [c.households for c in counts], BLUE),
                    (self.tr("People"), [c.people for c in counts], TEAL)], horizontal=True,
                   value_max=max([1, *(c.people for c in counts)]) * 1.25)
        self._targets[key] = lambda index, _set: make(counts[index])
        self.views[key].replace_chart(chart)

    def _draw_exits(self, board: Dashboard) -> None:
        chart = self._chart(self.tr("Households exited by year, against the plan"))
        series = QBarSeries()
        series.setLabelsVisible(True)
        series.setLabelsPosition(QAbstractBarSeries.LabelsPosition.LabelsOutsideEnd)
        exits = board.exits
        planned = [e for e in exits if e.plan is not None]
        top = max([1, *(e.households for e in exits), *(e.plan or 0 for e in exits)])
        self._bars("exits", chart, series, [str(e.year) for e in exits],
                   [(self.tr("Exited"), [e.households for e in exits], GREEN)], horizontal=False,
                   value_max=top * 1.15)
        if planned:  # the plan as a line of points over the years' bars
            line = QLineSeries()
            line.setName(self.tr("Plan"))
            line.setPointsVisible(True)
            line.setPen(QPen(QColor(AMBER), 2))
            line.append([QPointF(i, float(e.plan)) for i, e in enumerate(exits) if e.plan is not None])
            chart.addSeries(line)
            for axis in chart.axes():
                line.attachAxis(axis)
        else:
            chart.setTitle(chart.title() + self.tr(" (no plan set)"))
        self._targets["exits"] = lambda index, _set: self._here(exit_year=exits[index].year,
                                                               title=self.tr("exited in {0}").format(exits[index].year))
        self.views["exits"].replace_chart(chart)

    def _draw_incidence(self, board: Dashboard) -> None:
        shown = [v for v in board.villages if v.population][:TOP_VILLAGES]
        chart = self._chart(self.tr("Incidence of poverty by village (exit at {0} % or less)").format(
            f"{board.threshold:g}"))
        series = QHorizontalStackedBarSeries()
        names = village_labels([(v.township, v.name) for v in shown])
        top = max([board.threshold * 1.5, *(v.incidence * 1.1 for v in shown)])
        self._bars("incidence", chart, series, names,
                   [(self.tr("Above {0} %").format(f"{board.threshold:g}"),
                     [v.incidence if v.incidence > board.threshold else 0 for v in shown], RED),
                    (self.tr("At or below"), [v.incidence if v.incidence <= board.threshold else 0 for v in shown],
                     GREEN)], horizontal=True, value_max=top, percent=True)
        if shown:  # the threshold as a dashed line across the bars
            line = QLineSeries()
            line.setName(self.tr("Threshold"))
            line.append([QPointF(board.threshold, -0.5), QPointF(board.threshold, len(shown) - 0.5)])
            pen = QPen(QColor("#202020"))
            pen.setStyle(Qt.PenStyle.DashLine)
            pen.setWidthF(1.2)
            line.setPen(pen)
            chart.addSeries(line)
            for axis in chart.axes():
                line.attachAxis(axis)
        self._targets["incidence"] = lambda index, _set: DrillDown(village_id=shown[index].village_id,
                                                                   title=shown[index].name)
        self.views["incidence"].replace_chart(chart)

    def _draw_compliance(self, board: Dashboard) -> None:
        c = board.compliance
        lang = "zh" if ui_language() == "zh_CN" else "en"
        if c is None:
            chart = self._chart(self.tr("Two assurances, three guarantees: computing…"))
            self.views["compliance"].replace_chart(chart)
            self._targets.pop("compliance", None)
            return
        chart = self._chart(self.tr("Two assurances, three guarantees ({0})").format(c.year))
        series = QHorizontalPercentBarSeries()
        indicators = c.indicators
        self._bars("compliance", chart, series,
                   [f"{i.title(lang)} ({i.not_met:,})" for i in indicators],
                   [(self.tr("Met"), [i.met for i in indicators], GREEN),
                    (self.tr("Not met"), [i.not_met for i in indicators], RED),
                    (self.tr("Not recorded"), [i.unknown for i in indicators], LIGHT)], horizontal=True, percent=True)
        self._targets["compliance"] = lambda index, _set: self._here(
            indicator=indicators[index].key, household_ids=indicators[index].failing,
            title=self.tr("not met: {0}").format(indicators[index].title(lang)))
        self.views["compliance"].replace_chart(chart)

    def _draw_problems(self, board: Dashboard) -> None:
        shown = board.problems[:TOP_VILLAGES]
        chart = self._chart(self.tr("Open problems by village"))
        if not shown:
            chart.setTitle(self.tr("Open problems by village: none"))
        series = QHorizontalStackedBarSeries()
        self._bars("problems", chart, series, village_labels([(v.township, v.name) for v in shown]),
                   [(self.tr("Errors"), [v.errors for v in shown], RED),
                    (self.tr("Warnings"), [v.warnings for v in shown], AMBER)], horizontal=True)
        severities = ("error", "warning")
        self._targets["problems"] = lambda index, set_index: DrillDown(
            village_id=shown[index].village_id, problems=severities[set_index],
            title=shown[index].name)
        self.views["problems"].replace_chart(chart)

    # ------------------------------------------------------------------ the PDF
    def export_pdf(self) -> None:
        board = self.board
        # the place's name is data: made a safe file name, in Documents as the printed forms are
        name = safe_file_name(f"{board.name_zh if board else '数据看板'}-数据看板", ext=".pdf")
        folder = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation) or str(Path.home())
        path, _ = QFileDialog.getSaveFileName(self, self.tr("Export the dashboard as PDF"),
                                              str(Path(folder) / name), self.tr("PDF files (*.pdf)"))
        if path:
            self.write_pdf(path)

    def write_pdf(self, path: str) -> Task:
        scope = self.scope
        dashboard = self.services.dashboard
        return run_in_background(lambda _p, _c: dashboard.export_pdf(path, scope), parent=self,
                                 on_error=lambda exc: show_error(self, exc),
                                 progress_label=self.tr("Writing the dashboard report…"), cancellable=False)


# ---------------------------------------------------------------------- the main window
def install_dashboard(window: MainWindow) -> DashboardView:
    """The dashboard as the window's first tab, beside the household list and detail; it follows
    the tree, and its drill-downs open the list filtered."""
    from PySide6.QtWidgets import QTabWidget

    view = DashboardView(services=window.services)
    tabs = QTabWidget()
    tabs.setObjectName("centralTabs")
    splitter = window.main_splitter
    index = splitter.indexOf(window.right_splitter)
    sizes = splitter.sizes()
    splitter.insertWidget(index, tabs)  # (replaceWidget would hand the list back to Python to delete)
    tabs.addTab(view, QCoreApplication.translate("DashboardView", "Overview"))
    tabs.addTab(window.right_splitter, QCoreApplication.translate("DashboardView", "Household list"))  # moves it out of the splitter
    splitter.setStretchFactor(index, 1)
    splitter.setSizes(sizes)
    tabs.setCurrentWidget(view)

    def place_changed(*_args: object) -> None:
        place = window.current_place()
        view.set_scope(Scope(township_id=place[1] if place and place[0] == "township" else None,
                             village_id=place[1] if place and place[0] == "village" else None))

    def start() -> None:  # the county's figures are read once the list shows (they took its CPU)
        window.navigator.selectionModel().currentChanged.connect(place_changed)
        place_changed()

    window.after_list_shown(start)

    def find_household() -> None:  # Ctrl+F: the search box is on the list's tab
        window.show_list()
        window.search.setFocus()
        window.search.selectAll()

    window.actions_by_name["find"].triggered.connect(find_household)
    view.drill_down.connect(lambda criteria: open_drill_down(window, criteria))
    return view


def open_drill_down(window: MainWindow, criteria: DrillDown) -> None:
    """Show the household list for `criteria` (`MainWindow.show_households`), titled by the figure."""
    window.show_list()
    window.show_households(criteria.to_filter())
    if criteria.title:
        window.place_label.setText(criteria.title)
