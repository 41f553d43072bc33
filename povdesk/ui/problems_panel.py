"""The problems panel: open (and closed) data-quality problems, filtered, re-checked off the GUI thread,
accepted as exceptions, and opened on the household with the field marked."""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QCoreApplication,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    Signal,
)
from PySide6.QtGui import QAction, QBrush, QColor, QFont, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from povdesk.domain.records import CountyNode, ProblemRecord
from povdesk.domain.resolutions import STATUSES, closing
from povdesk.domain.roles import DECIDES_EXCEPTIONS
from povdesk.domain.rules.base import CATEGORY_EN
from povdesk.domain.rules.catalogue import by_code, catalogue
from povdesk.services.facade import Services
from povdesk.ui.messages import show_error, show_info, ui_language
from povdesk.ui.tasks import CancelCheck, Progress, Task, run_in_background

if TYPE_CHECKING:
    from povdesk.services.checks import CheckRunResult

_Index = QModelIndex | QPersistentModelIndex
_ROOT = QModelIndex()
_ERROR_COLOUR = QColor("#b00020")
_DIM_COLOUR = QColor("#777777")
_GROUP_COLOUR = QColor("#fff4d6")
_SHOWN_ROLES = (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole, Qt.ItemDataRole.ForegroundRole,
                Qt.ItemDataRole.UserRole)


def severity_label(severity: str) -> str:
    return QCoreApplication.translate("ProblemsPanel", "Error") if severity == "error" else QCoreApplication.translate("ProblemsPanel", "Warning")


def status_label(status: str) -> str:
    return {"open": QCoreApplication.translate("ProblemsPanel", "Open"),
            "rectified": QCoreApplication.translate("ProblemsPanel", "Rectified"),
            "accepted": QCoreApplication.translate("ProblemsPanel", "Accepted"),
            "lapsed": QCoreApplication.translate("ProblemsPanel", "No longer applies")}.get(status, status)


# rows read from the service at a time, and pages kept (like the household list)
PAGE_SIZE = 200
MAX_PAGES = 40


class ProblemTableModel(QAbstractTableModel):
    """One row per problem, after one grouped line per rule that fires on most of the households or
    members looked at (an avalanche: a column missing from the import). The model holds the ids of
    the problems the service listed and reads their rows a page at a time as they are shown, so a
    county with 200,000 open problems costs a list of ints, not 200,000 records."""

    COLUMNS = ("rule", "severity", "category", "township", "village", "household_no", "head", "member",
               "message", "status", "resolution")

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._ids: list[int] = []
        self._row_of: dict[int, int] | None = None
        self._groups: list[Any] = []  # the service's Avalanche records, shown first
        self._pages: OrderedDict[int, dict[int, ProblemRecord]] = OrderedDict()
        self._rows_for: Callable[[Sequence[int]], list[ProblemRecord]] = lambda ids: []
        self.page_fetches = 0  # how many pages were read (tests, benchmarks)
        self.names: dict[str, str] = {}
        # problem id -> its events, for the tooltip (set by the panel; None: not shown)
        self.history: Callable[[int], list[Any]] | None = None

    def set_problems(self, problems: list[ProblemRecord], names: dict[str, str] | None = None) -> None:
        """Show these problems (already read). `names`: login -> display name, for who closed a problem."""
        by_id = {p.id: p for p in problems}
        self.set_source([p.id for p in problems], lambda ids: [by_id[i] for i in ids], names=names)

    def set_source(self, ids: list[int], rows: Callable[[Sequence[int]], list[ProblemRecord]], *,
                   groups: Sequence[Any] = (), names: dict[str, str] | None = None) -> None:
        """Show the problems with these ids, in this order, reading a page of them with `rows(ids)`
        as it is shown; `groups` (avalanches) come first."""
        self.beginResetModel()
        self._ids = ids
        self._row_of = None
        self._groups = list(groups)
        self._pages.clear()
        self._rows_for = rows
        self.names = dict(names or {})
        self.endResetModel()

    @property
    def groups(self) -> list[Any]:
        return list(self._groups)

    def group(self, row: int) -> Any | None:
        """The avalanche a grouped line shows, None for a problem's row."""
        return self._groups[row] if 0 <= row < len(self._groups) else None

    def problem_count(self) -> int:
        return len(self._ids)

    def problem_ids(self) -> list[int]:
        return list(self._ids)

    def row_of(self, problem_id: int) -> int | None:
        """The row showing this problem, None if it is not listed."""
        if self._row_of is None:
            self._row_of = {pid: i for i, pid in enumerate(self._ids)}
        i = self._row_of.get(problem_id)
        return None if i is None else i + len(self._groups)

    def problem(self, row: int) -> ProblemRecord | None:
        i = row - len(self._groups)
        if not 0 <= i < len(self._ids):
            return None
        page_no = i // PAGE_SIZE
        page = self._pages.get(page_no)
        if page is None:
            chunk = self._ids[page_no * PAGE_SIZE:(page_no + 1) * PAGE_SIZE]
            page = {p.id: p for p in self._rows_for(chunk)}
            self.page_fetches += 1
            self._pages[page_no] = page
            while len(self._pages) > MAX_PAGES:
                self._pages.popitem(last=False)
        else:
            self._pages.move_to_end(page_no)
        return page.get(self._ids[i])

    def cached_pages(self) -> int:
        return len(self._pages)

    def rowCount(self, parent: _Index = _ROOT) -> int:
        return 0 if parent.isValid() else len(self._groups) + len(self._ids)

    def columnCount(self, parent: _Index = _ROOT) -> int:
        return 0 if parent.isValid() else len(self.COLUMNS)

    def group_text(self, group: Any) -> str:
        """"HLT-001 fires on 95 % of members (9,500 of 10,000): the column may be missing from the import"."""
        percent = int(group.share * 100)
        if group.scope == "member":
            text = self.tr("{0} fires on {1} % of members ({2} of {3}): the column may be missing from the import")
        else:
            text = self.tr("{0} fires on {1} % of households ({2} of {3}): the data may be missing from the import")
        return text.format(group.rule, percent, f"{group.fired:,}", f"{group.population:,}")

    def _group_data(self, group: Any, column: str, role: int, lang: str) -> Any:
        rule = by_code().get(group.rule)
        if role == Qt.ItemDataRole.DisplayRole:
            if column == "rule":
                return group.rule
            if column == "message":
                return self.group_text(group)
            if rule is not None and column == "severity":
                return severity_label(rule.severity)
            if rule is not None and column == "category":
                return CATEGORY_EN.get(rule.category, rule.category) if lang == "en" else rule.category
            return ""
        if role == Qt.ItemDataRole.ToolTipRole:
            title = f"{group.rule} {rule.title(lang)}\n" if rule is not None else ""
            return title + self.group_text(group) + "\n" + self.tr(
                "Check that the import file has this column before correcting households one by one; "
                "choose the rule in the filter to list its problems.")
        if role == Qt.ItemDataRole.FontRole:
            font = QFont()
            font.setBold(True)
            return font
        if role == Qt.ItemDataRole.BackgroundRole:
            return QBrush(_GROUP_COLOUR)
        return None

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role != Qt.ItemDataRole.DisplayRole or orientation != Qt.Orientation.Horizontal:
            return None
        if not 0 <= section < len(self.COLUMNS):
            return None
        titles = {"rule": self.tr("Rule"), "severity": self.tr("Severity"), "category": self.tr("Category"),
                  "township": self.tr("Township"), "village": self.tr("Village"),
                  "household_no": self.tr("Household"), "head": self.tr("Head"), "member": self.tr("Member"),
                  "message": self.tr("Problem"), "status": self.tr("Status"),
                  "resolution": self.tr("Resolution")}
        return titles[self.COLUMNS[section]]

    def _event_line(self, e: Any, lang: str) -> str:
        """One step of a problem's history: when, who, the change of state (if any), the note."""
        change = ""
        if e.old_status != e.new_status:
            change = (f"{status_label(e.old_status)} → " if e.old_status else "") + status_label(e.new_status)
        note = f"{'：' if lang == 'zh' else ': '}{e.note}" if e.note else ""
        return " ".join(x for x in (f"  {e.at:%Y-%m-%d %H:%M}", self.names.get(e.user, e.user), change) if x) + note

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.column() < len(self.COLUMNS):
            return None
        column = self.COLUMNS[index.column()]
        lang = ui_language()
        group = self.group(index.row())
        if group is not None:
            return self._group_data(group, column, role, lang)
        if role not in _SHOWN_ROLES:
            return None
        p = self.problem(index.row())
        if p is None:
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return {
                "rule": p.rule, "severity": severity_label(p.severity),
                "category": CATEGORY_EN.get(p.category, p.category) if lang == "en" else p.category,
                "township": p.township, "village": p.village, "household_no": p.household_no, "head": p.head_name,
                "member": p.member_name or "", "message": p.message(lang), "status": status_label(p.status),
                "resolution": closing(p, lang, self.names),
            }[column]
        if role == Qt.ItemDataRole.ToolTipRole:
            rule = by_code().get(p.rule)
            parts = [p.message(lang)]
            if rule is not None:
                parts.insert(0, f"{p.rule} {rule.title(lang)}")
            if p.status != "open":
                parts.append(self.tr("Resolution: {0}").format(closing(p, lang, self.names)))
            if p.remark:
                parts.append(self.tr("Village remark: {0}").format(p.remark))
            if self.history is not None:
                parts.append(self.tr("History:"))
                parts += [self._event_line(e, lang) for e in self.history(p.id)]
            return "\n".join(parts)
        if role == Qt.ItemDataRole.ForegroundRole:
            if p.status != "open":
                return QBrush(_DIM_COLOUR)
            if p.severity == "error" and column in ("rule", "severity"):
                return QBrush(_ERROR_COLOUR)
        if role == Qt.ItemDataRole.UserRole:
            return p.id
        return None


class ProblemsPanel(QWidget):
    """Dockable list of problems with filters; `problem_activated(household_id, field_key, member_id)` on
    double click, `checks_ran(object)` (a CheckRunResult) after a run."""

    problem_activated = Signal(int, str, object)  # household id, field key, member id or None
    checks_ran = Signal(object)
    problems_changed = Signal()  # a decision or remark was recorded (counts elsewhere may change)

    def __init__(self, *, services: Services, places: list[CountyNode] | None = None,
                 parent: QWidget | None = None) -> None:
        """`places`: the window's already loaded place tree, so the panel need not query it again."""
        super().__init__(parent)
        self.setObjectName("problemsPanel")
        self.services = services
        self._places = places
        self.task: Task | None = None

        self.township = QComboBox()
        self.township.setObjectName("townshipFilter")
        self.village = QComboBox()
        self.village.setObjectName("villageFilter")
        self.category = QComboBox()
        self.category.setObjectName("categoryFilter")
        self.rule = QComboBox()
        self.rule.setObjectName("ruleFilter")
        self.severity = QComboBox()
        self.severity.setObjectName("severityFilter")
        self.status = QComboBox()
        self.status.setObjectName("statusFilter")
        self._fill_filters()

        self.run_button = QPushButton(self.tr("Run checks"))
        self.accept_button = QPushButton(self.tr("Accept as exception…"))
        self.reopen_button = QPushButton(self.tr("Withdraw exception…"))
        self.remark_button = QPushButton(self.tr("Village remark…"))
        self.export_button = QPushButton(self.tr("Export list…"))
        self.summary = QLabel()
        self.summary.setObjectName("problemSummary")

        self.model = ProblemTableModel(self)
        self.model.history = self.services.checks.history
        self.view = QTableView()
        self.view.setObjectName("problemTable")
        self.view.setModel(self.model)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.view.setWordWrap(False)
        self.view.verticalHeader().setVisible(False)
        header = self.view.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)  # the resolution takes what is left
        for col, width in enumerate((80, 60, 130, 80, 90, 150, 70, 70, 500, 80, 220)):
            self.view.setColumnWidth(col, width)

        filters = QHBoxLayout()
        for label, combo in ((self.tr("Township"), self.township), (self.tr("Village"), self.village),
                             (self.tr("Category"), self.category),
                             (self.tr("Rule"), self.rule), (self.tr("Severity"), self.severity),
                             (self.tr("Status"), self.status)):
            filters.addWidget(QLabel(label))
            filters.addWidget(combo)
        filters.addStretch(1)
        buttons = QHBoxLayout()
        buttons.addWidget(self.run_button)
        buttons.addWidget(self.accept_button)
        buttons.addWidget(self.reopen_button)
        buttons.addWidget(self.remark_button)
        buttons.addWidget(self.export_button)
        buttons.addWidget(self.summary, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addLayout(filters)
        layout.addLayout(buttons)
        layout.addWidget(self.view)

        for combo in (self.village, self.category, self.rule, self.severity, self.status):
            combo.currentIndexChanged.connect(self.reload)
        self.township.currentIndexChanged.connect(self._township_changed)
        self.run_button.clicked.connect(self.run_checks)
        self.accept_button.clicked.connect(self.accept_selected)
        self.reopen_button.clicked.connect(self.reopen_selected)
        self.remark_button.clicked.connect(self.remark_selected)
        self.export_button.clicked.connect(self.export_list)
        self.view.doubleClicked.connect(self._activated)
        self.view.selectionModel().selectionChanged.connect(lambda *_: self._update_buttons())
        self.reload()

    # ------------------------------------------------------------------ filters
    def _fill_filters(self) -> None:
        lang = ui_language()
        places = self._places if self._places is not None else self.services.registry.navigator()
        self._towns = [town for county in places for town in county.townships]
        self.township.addItem(self.tr("All townships"), None)
        for town in self._towns:
            self.township.addItem(town.name, town.id)
        self._fill_villages()
        self.category.addItem(self.tr("All categories"), None)
        categories: list[str] = []
        for r in catalogue():
            if r.category not in categories:
                categories.append(r.category)
        for c in categories:
            self.category.addItem(CATEGORY_EN.get(c, c) if lang == "en" else c, c)
        self.rule.addItem(self.tr("All rules"), None)
        for r in catalogue():
            self.rule.addItem(f"{r.code} {r.title(lang)}", r.code)
        self.rule.setMaximumWidth(320)
        self.severity.addItem(self.tr("All severities"), None)
        self.severity.addItem(severity_label("error"), "error")
        self.severity.addItem(severity_label("warning"), "warning")
        for code in STATUSES:
            self.status.addItem(status_label(code), code)
        self.status.addItem(self.tr("Any status"), None)

    def _fill_villages(self) -> None:
        """The village filter offers the chosen township's villages (every village otherwise)."""
        chosen = self.township.currentData()
        self.village.blockSignals(True)
        self.village.clear()
        self.village.addItem(self.tr("All villages"), None)
        for town in self._towns:
            if chosen is None or town.id == chosen:
                for v in town.villages:
                    self.village.addItem(f"{town.name} {v.name}" if chosen is None else v.name, v.id)
        self.village.blockSignals(False)

    def _township_changed(self) -> None:
        self._fill_villages()
        self.reload()

    def set_village(self, village_id: int | None) -> None:
        index = self.village.findData(village_id)
        if index < 0 and village_id is not None and self.township.currentData() is not None:
            self.township.setCurrentIndex(0)  # the village is in another township: show them all
            index = self.village.findData(village_id)
        if index >= 0:
            self.village.setCurrentIndex(index)

    def query(self) -> Any:
        from povdesk.services.checks import ProblemQuery

        return ProblemQuery(township_id=self.township.currentData(), village_id=self.village.currentData(),
                            category=self.category.currentData(),
                            rule=self.rule.currentData(), severity=self.severity.currentData(),
                            status=self.status.currentData())

    # ------------------------------------------------------------------ loading
    def reload(self) -> None:
        """List the problems the filters select: their ids, the avalanches and the counts come from
        the service (SQL); rows are read a page at a time as they are shown."""
        checks = self.services.checks
        query = self.query()
        try:
            ids = checks.problem_ids(query)
            groups = checks.avalanches(query)
            by_severity = checks.count_problems(query, "severity")
            names = self.services.users.names()
        except Exception as exc:
            show_error(self, exc)
            return
        self.model.set_source(ids, checks.problem_rows, groups=groups, names=names)
        errors = by_severity.get("error", 0)
        self.summary.setText(self.tr("Problems shown: {0} (errors {1}, warnings {2})").format(
            len(ids), errors, sum(by_severity.values()) - errors))
        self._update_buttons()

    def refresh(self) -> None:
        self.reload()

    def selected_problem(self) -> ProblemRecord | None:
        rows = self.view.selectionModel().selectedRows()
        return self.model.problem(rows[0].row()) if rows else None

    def may_decide(self) -> bool:
        """Whether the user's role lets them accept exceptions (a reviewer or the director)."""
        return self.services.users.role_of() in DECIDES_EXCEPTIONS

    def _update_buttons(self) -> None:
        p = self.selected_problem()
        allowed = self.may_decide()
        self.accept_button.setEnabled(allowed and p is not None and p.status == "open")
        self.accept_button.setToolTip("" if allowed else self.tr(
            "Only a reviewer or the director may accept a problem as an exception."))
        self.reopen_button.setEnabled(allowed and p is not None and p.status == "accepted")
        self.reopen_button.setToolTip("" if allowed else self.tr(
            "Only a reviewer or the director may withdraw an accepted exception."))
        self.remark_button.setEnabled(p is not None)
        running = self.task is not None and self.task.running
        self.run_button.setEnabled(not running)

    # ------------------------------------------------------------------ actions
    def run_checks(self) -> Task:
        """Run the whole catalogue on the writer thread; the list reloads when it is done."""
        checks = self.services.checks

        def work(progress: Progress, cancel: CancelCheck) -> object:
            return checks.run(progress=progress, cancel=cancel)

        self.task = run_in_background(work, parent=self, on_done=self._ran,
                                      progress_label=self.tr("Running the data-quality checks…"),
                                      cancellable=True, writes=True)
        self._update_buttons()
        self.task.ended.connect(self._update_buttons)
        return self.task

    def _ran(self, result: CheckRunResult) -> None:
        self.reload()
        ran = self.tr("Checked {0} households in {1:.1f} s: {2} found for the first time, {3} found again, "
                      "{4} rectified, {5} no longer apply").format(
            result.households, result.seconds, result.opened, result.still_open, result.rectified,
            result.lapsed)
        self.summary.setText(f"{ran}  ·  {self.summary.text()}")
        self.checks_ran.emit(result)

    def accept_selected(self, reason: str | None = None) -> None:
        """Accept the selected open problem as an exception; asks for the reason."""
        self._act_on_selected("open", reason, lambda p: self._ask(
            self.tr("Accept as exception"),
            self.tr("Why is this not a data error? (recorded with your name)\n{0}").format(p.message(ui_language())),
            multiline=True), self.services.checks.accept)

    def reopen_selected(self, note: str | None = None) -> None:
        """Withdraw the selected accepted exception (the problem is open again); asks why."""
        self._act_on_selected("accepted", note, lambda p: self._ask(
            self.tr("Withdraw exception"), self.tr("Why is the exception withdrawn? (recorded with your name)")),
            self.services.checks.reopen)

    def remark_selected(self, remark: str | None = None) -> None:
        """The village team's note on the selected problem (printed in the lists' remark column)."""
        self._act_on_selected(None, remark, lambda p: self._ask(
            self.tr("Village remark"), self.tr("What the village team says about this problem:"), p.remark or ""),
            self.services.checks.set_remark)

    def _act_on_selected(self, status: str | None, text: str | None, ask: Callable[[ProblemRecord], str | None],
                         act: Callable[[int, str], Any]) -> None:
        """Apply `act(problem id, text)` to the selected problem (of `status`, if given), asking
        for the text unless it is given; then show the list again."""
        p = self.selected_problem()
        if p is None or (status is not None and p.status != status):
            return
        if text is None:
            text = ask(p)
            if text is None:
                return
        try:
            act(p.id, text)
        except Exception as exc:
            show_error(self, exc)
            return
        self.reload()
        self.select_problem(p.id)
        self.problems_changed.emit()

    def select_problem(self, problem_id: int) -> bool:
        """Select the problem in the list if it is shown (after a decision, to go on with it)."""
        row = self.model.row_of(problem_id)
        if row is None:
            return False
        self.view.selectRow(row)
        return True

    def _ask(self, title: str, label: str, text: str = "", *, multiline: bool = False) -> str | None:
        """The text the user typed, None if they cancelled."""
        if multiline:
            answer, ok = QInputDialog.getMultiLineText(self, title, label, text)
        else:
            answer, ok = QInputDialog.getText(self, title, label, text=text)
        return answer if ok else None

    def export_list(self, path: str | None = None) -> str | None:
        """Write the problems shown to an .xlsx list (one row each, with a remark column)."""
        from povdesk.reports.problem_lists import write_problem_list

        if not self.model.problem_count():
            show_info(self, self.tr("Export problem list"),
                      self.tr("No problems are shown, so there is nothing to export."))
            return None
        if path is None:
            path, _ = QFileDialog.getSaveFileName(self, self.tr("Export problem list"), "问题清单.xlsx",
                                                  self.tr("Excel workbook (*.xlsx)"))
            if not path:
                return None
        try:
            items = self.model_problems()
            titles = {r.code: r.title_zh for r in catalogue()}
            town, village = self.township.currentData(), self.village.currentData()
            if village is not None:
                scope, by, columns = self.village.currentText(), "village", None
            elif town is not None:
                scope, by, columns = self.township.currentText(), "village", self.services.checks.place_names(town)
            else:
                scope, by, columns = "全县", "township", self.services.checks.place_names()
            write_problem_list(path, items, title=f"{scope}数据质量问题清单", rule_titles=titles,
                               summary_by=by, places=columns, names=self.model.names)
        except Exception as exc:
            show_error(self, exc)
            return None
        return path

    def model_problems(self) -> list[ProblemRecord]:
        """Every problem listed, read from the service a page at a time."""
        ids = self.model.problem_ids()
        out: list[ProblemRecord] = []
        for start in range(0, len(ids), 2000):
            out += self.services.checks.problem_rows(ids[start:start + 2000])
        return out

    def _activated(self, index: QModelIndex) -> None:
        group = self.model.group(index.row())
        if group is not None:  # a grouped line: list that rule's problems
            self.rule.setCurrentIndex(max(0, self.rule.findData(group.rule)))
            return
        p = self.model.problem(index.row())
        if p is not None:
            self.problem_activated.emit(p.household_id, p.fields[0] if p.fields else "", p.member_id)


def install_checks(window: Any) -> ProblemsPanel:
    """Add the problems dock, 'Run checks' and 'Year settings…' to the main window."""
    from povdesk.ui.year_settings_dialog import YearSettingsDialog

    panel = ProblemsPanel(services=window.services, places=window.places(), parent=window)
    window.problems_dock = window.add_dock(panel, QCoreApplication.translate("ProblemsPanel", "Problems"))
    window.problems_panel = panel
    panel.problem_activated.connect(lambda hid, key, member: window.open_household(hid, key or None, member))
    panel.checks_ran.connect(lambda _result: window.refresh())
    panel.problems_changed.connect(window.refresh)

    run_action = QAction(QCoreApplication.translate("ProblemsPanel", "Run checks"), window)
    run_action.setShortcut(QKeySequence("Ctrl+Shift+K"))
    run_action.triggered.connect(lambda: (window.problems_dock.show(), panel.run_checks()))
    settings_action = QAction(QCoreApplication.translate("ProblemsPanel", "Year settings…"), window)

    def open_settings() -> YearSettingsDialog:
        dialog = YearSettingsDialog(services=window.services, parent=window)
        dialog.saved.connect(lambda _years: window.refresh())  # the detail pane's verdicts follow
        dialog.show()
        window._year_settings_dialog = dialog
        return dialog

    settings_action.triggered.connect(open_settings)
    window.menus["checks"].addAction(run_action)
    window.menus["checks"].addAction(window.problems_dock.toggleViewAction())
    window.menus["checks"].addSeparator()
    window.menus["checks"].addAction(settings_action)
    window.actions_by_name.update(run_checks=run_action, year_settings=settings_action)
    return panel
