"""The problems panel: open (and closed) data-quality problems, filtered, re-checked off the GUI thread,
accepted as exceptions, and opened on the household with the field marked."""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Iterator, Sequence
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import (
    QAbstractItemModel,
    QCoreApplication,
    QItemSelectionModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    Signal,
)
from PySide6.QtGui import QAction, QBrush, QColor, QFont, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QPushButton,
    QTreeView,
    QVBoxLayout,
    QWidget,
)

from povdesk.domain.records import CountyNode, ProblemRecord
from povdesk.domain.resolutions import STATUSES, closing
from povdesk.domain.roles import DECIDES_EXCEPTIONS
from povdesk.domain.rules.base import CATEGORY_EN
from povdesk.domain.rules.catalogue import by_code, catalogue
from povdesk.services.facade import Services
from povdesk.services.problem_queries import PlaceCount, RuleCount
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
# internal ids: 0 a rule's row; 1 + i a place under rule row i; _PROBLEM + k a problem under place k
_PROBLEM = 1 << 30


class _Rule:
    __slots__ = ("avalanche", "count", "places", "rule", "severity")

    def __init__(self, count: RuleCount, avalanche: Any | None) -> None:
        self.rule, self.severity, self.count = count.rule, count.severity, count.count
        self.avalanche = avalanche
        self.places: list[_Place] | None = None  # read when the rule is expanded


class _Place:
    __slots__ = ("count", "key", "row", "rule_row", "township", "village", "village_id")

    def __init__(self, key: int, rule_row: int, row: int, place: PlaceCount) -> None:
        self.key, self.rule_row, self.row = key, rule_row, row
        self.village_id, self.township, self.village, self.count = (place.village_id, place.township,
                                                                    place.village, place.count)


class ProblemTreeModel(QAbstractItemModel):
    """The problems of a query grouped: one row per rule with its count, under it one row per
    village with that rule's count there, under that one row per problem. Counts come from SQL;
    a rule's villages are read when it is expanded (fetchMore) and a village's problems a page at a
    time as they are shown, so a county with a million open problems costs a row per rule."""

    COLUMNS = ("rule", "count", "severity", "category", "township", "village", "household_no", "head",
               "member", "message", "status", "resolution")

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._rules: list[_Rule] = []
        self._places: list[_Place] = []
        self._pages: OrderedDict[tuple[int, int], list[ProblemRecord]] = OrderedDict()
        self._source: Any = None  # ProblemQueries
        self._query: Any = None
        self.page_fetches = 0  # how many pages were read (tests, benchmarks)
        self.names: dict[str, str] = {}
        # problem id -> its events, for the tooltip (set by the panel; None: not shown)
        self.history: Callable[[int], list[Any]] | None = None

    def set_groups(self, source: Any, query: Any, counts: Sequence[RuleCount], *, avalanches: Sequence[Any] = (),
                   names: dict[str, str] | None = None) -> None:
        """Show a query's rule counts; `source` (ProblemQueries) reads places and pages later."""
        big = {a.rule: a for a in avalanches}
        self.beginResetModel()
        self._rules = [_Rule(c, big.get(c.rule)) for c in counts]
        self._places = []
        self._pages.clear()
        self._source, self._query = source, query
        self.names = dict(names or {})
        self.endResetModel()

    # ------------------------------------------------------------------ what a row is
    def total(self) -> int:
        return sum(r.count for r in self._rules)

    def rule_counts(self) -> dict[str, int]:
        return {r.rule: r.count for r in self._rules}

    @property
    def groups(self) -> list[Any]:
        """The avalanches among the rules shown."""
        return [r.avalanche for r in self._rules if r.avalanche is not None]

    def rule_of(self, index: _Index) -> str | None:
        """The rule of a rule's row."""
        return self._rules[index.row()].rule if index.isValid() and index.internalId() == 0 else None

    def place_of(self, index: _Index) -> _Place | None:
        if not index.isValid() or not 0 < index.internalId() < _PROBLEM:
            return None
        places = self._rules[index.internalId() - 1].places
        return places[index.row()] if places is not None and index.row() < len(places) else None

    def problem(self, index: _Index) -> ProblemRecord | None:
        """The problem a row shows (read with its page), None for a rule's or a place's row."""
        if not index.isValid() or index.internalId() < _PROBLEM:
            return None
        place = self._places[index.internalId() - _PROBLEM]
        return self._problem_at(place, index.row())

    def _problem_at(self, place: _Place, row: int) -> ProblemRecord | None:
        if not 0 <= row < place.count:
            return None
        key = (place.key, row // PAGE_SIZE)
        page = self._pages.get(key)
        if page is None:
            page = self._source.page(self._query, self._rules[place.rule_row].rule, place.village_id,
                                     key[1] * PAGE_SIZE, PAGE_SIZE)
            self.page_fetches += 1
            self._pages[key] = page
            while len(self._pages) > MAX_PAGES:
                self._pages.popitem(last=False)
        else:
            self._pages.move_to_end(key)
        i = row % PAGE_SIZE
        return page[i] if i < len(page) else None

    def cached_pages(self) -> int:
        return len(self._pages)

    def rule_index(self, rule: str) -> QModelIndex:
        for i, r in enumerate(self._rules):
            if r.rule == rule:
                return self.index(i, 0)
        return QModelIndex()

    def place_index(self, rule: str, village_id: int) -> QModelIndex:
        parent = self.rule_index(rule)
        if not parent.isValid():
            return QModelIndex()
        if self.canFetchMore(parent):
            self.fetchMore(parent)
        for place in self._rules[parent.row()].places or []:
            if place.village_id == village_id:
                return self.createIndex(place.row, 0, 1 + parent.row())
        return QModelIndex()

    # ------------------------------------------------------------------ Qt model
    def index(self, row: int, column: int, parent: _Index = _ROOT) -> QModelIndex:
        if not 0 <= column < len(self.COLUMNS) or row < 0 or row >= self.rowCount(parent):
            return QModelIndex()
        if not parent.isValid():
            return self.createIndex(row, column, 0)
        if parent.internalId() == 0:
            return self.createIndex(row, column, 1 + parent.row())
        place = self.place_of(parent)
        return self.createIndex(row, column, _PROBLEM + place.key) if place is not None else QModelIndex()

    # the model's parent(index) overloads QObject.parent(); the stubs give one signature per class
    def parent(self, index: _Index = _ROOT) -> QModelIndex:  # type: ignore[override]
        if not index.isValid() or index.internalId() == 0:
            return QModelIndex()
        if index.internalId() < _PROBLEM:
            return self.createIndex(index.internalId() - 1, 0, 0)
        place = self._places[index.internalId() - _PROBLEM]
        return self.createIndex(place.row, 0, 1 + place.rule_row)

    def rowCount(self, parent: _Index = _ROOT) -> int:
        if not parent.isValid():
            return len(self._rules)
        if parent.column() != 0:
            return 0
        if parent.internalId() == 0:
            return len(self._rules[parent.row()].places or ())
        place = self.place_of(parent)
        return place.count if place is not None else 0

    def columnCount(self, parent: _Index = _ROOT) -> int:
        return len(self.COLUMNS)

    def hasChildren(self, parent: _Index = _ROOT) -> bool:
        if not parent.isValid():
            return bool(self._rules)
        if parent.column() != 0:
            return False
        return parent.internalId() < _PROBLEM  # a rule has places, a place has problems

    def canFetchMore(self, parent: _Index) -> bool:
        return (parent.isValid() and parent.internalId() == 0 and parent.column() == 0
                and self._rules[parent.row()].places is None)

    def fetchMore(self, parent: _Index) -> None:
        if not self.canFetchMore(parent):
            return
        rule_row = parent.row()
        rule = self._rules[rule_row]
        counted = self._source.place_counts(self._query, rule.rule) if self._source is not None else []
        places = []
        for row, c in enumerate(counted):
            places.append(_Place(len(self._places), rule_row, row, c))
            self._places.append(places[-1])
        if not places:
            rule.places = []
            return
        self.beginInsertRows(parent, 0, len(places) - 1)
        rule.places = places
        self.endInsertRows()

    def flags(self, index: _Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        flags = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        if index.internalId() >= _PROBLEM:
            flags |= Qt.ItemFlag.ItemNeverHasChildren
        return flags

    def group_text(self, group: Any) -> str:
        """"HLT-001 fires on 95 % of members (9,500 of 10,000): the column may be missing from the import"."""
        percent = int(group.share * 100)
        if group.scope == "member":
            text = self.tr("{0} fires on {1} % of members ({2} of {3}): the column may be missing from the import")
        else:
            text = self.tr("{0} fires on {1} % of households ({2} of {3}): the data may be missing from the import")
        return text.format(group.rule, percent, f"{group.fired:,}", f"{group.population:,}")

    def _rule_data(self, r: _Rule, column: str, role: int, lang: str) -> Any:
        rule = by_code().get(r.rule)
        if role == Qt.ItemDataRole.DisplayRole:
            if column == "rule":
                return r.rule
            if column == "count":
                return f"{r.count:,}"
            if column == "severity":
                return severity_label(r.severity)
            if column == "category" and rule is not None:
                return CATEGORY_EN.get(rule.category, rule.category) if lang == "en" else rule.category
            if column == "message":
                title = rule.title(lang) if rule is not None else ""
                return f"{title}  —  {self.group_text(r.avalanche)}" if r.avalanche is not None else title
            return ""
        if role == Qt.ItemDataRole.ToolTipRole:
            title = f"{r.rule} {rule.title(lang)}" if rule is not None else r.rule
            if r.avalanche is None:
                return title
            return title + "\n" + self.group_text(r.avalanche) + "\n" + self.tr(
                "Check that the import file has this column before correcting households one by one.")
        if role == Qt.ItemDataRole.FontRole:
            font = QFont()
            font.setBold(True)
            return font
        if role == Qt.ItemDataRole.BackgroundRole and r.avalanche is not None:
            return QBrush(_GROUP_COLOUR)
        if role == Qt.ItemDataRole.ForegroundRole and r.severity == "error" and column in ("rule", "severity"):
            return QBrush(_ERROR_COLOUR)
        if role == Qt.ItemDataRole.TextAlignmentRole and column == "count":
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def _place_data(self, place: _Place, column: str, role: int) -> Any:
        if role == Qt.ItemDataRole.DisplayRole:
            return {"count": f"{place.count:,}", "township": place.township, "village": place.village,
                    "rule": f"{place.township} {place.village}"}.get(column, "")
        if role == Qt.ItemDataRole.TextAlignmentRole and column == "count":
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role != Qt.ItemDataRole.DisplayRole or orientation != Qt.Orientation.Horizontal:
            return None
        if not 0 <= section < len(self.COLUMNS):
            return None
        titles = {"rule": self.tr("Rule"), "count": self.tr("Problems"), "severity": self.tr("Severity"),
                  "category": self.tr("Category"), "township": self.tr("Township"), "village": self.tr("Village"),
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
        if index.internalId() == 0:
            return self._rule_data(self._rules[index.row()], column, role, lang)
        if index.internalId() < _PROBLEM:
            place = self.place_of(index)
            return self._place_data(place, column, role) if place is not None else None
        if role not in _SHOWN_ROLES:
            return None
        p = self.problem(index)
        if p is None:
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return {
                "rule": p.rule, "count": "", "severity": severity_label(p.severity),
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
                 parent: QWidget | None = None, load: bool = True) -> None:
        """`places`: the window's already loaded place tree, so the panel need not query it again;
        `load=False`: the owner calls `reload()` when it is time (the window, once its list shows)."""
        super().__init__(parent)
        self.setObjectName("problemsPanel")
        self.services = services
        self._places = places
        self.task: Task | None = None
        self._opening: int | None = None  # the household a double click opened
        self._paused = False

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

        # the place or household the panel follows (issue 13 §6), "all" one click away
        self._household: int | None = None
        self._household_label = ""
        self.scope = QLabel()
        self.scope.setObjectName("problemScope")
        self.follow = QCheckBox(self.tr("Follow the selection"))
        self.follow.setObjectName("followSelection")
        self.follow.setChecked(True)
        self.follow.setToolTip(self.tr("List the problems of the place or household selected in the window"))
        self.all_button = QPushButton(self.tr("All"))
        self.all_button.setObjectName("showAll")
        self.all_button.setToolTip(self.tr("List the problems of the whole county"))

        self.run_button = QPushButton(self.tr("Run checks"))
        self.accept_button = QPushButton(self.tr("Accept as exception…"))
        self.reopen_button = QPushButton(self.tr("Withdraw exception…"))
        self.remark_button = QPushButton(self.tr("Village remark…"))
        self.export_button = QPushButton(self.tr("Export list…"))
        self.summary = QLabel()
        self.summary.setObjectName("problemSummary")

        self.model = ProblemTreeModel(self)
        self.model.history = self.services.checks.history
        self.view = QTreeView()
        self.view.setObjectName("problemTable")
        self.view.setModel(self.model)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.view.setWordWrap(False)
        self.view.setUniformRowHeights(True)  # a village of 2,000 problems lays out without reading them
        self.view.setExpandsOnDoubleClick(True)
        header = self.view.header()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)  # the resolution takes what is left, never cut off
        header.setMinimumSectionSize(40)
        fm = self.view.fontMetrics()
        for col, sample in enumerate(("HLT-001 锦城镇 新田村", "1,000,000", "Warning", "两不愁三保障", "某某镇",
                                      "某某某村", "51343720420100001", "某某某", "某某某",
                                      "某某某某某某某某某某某某某某某某某某某某", "Rectified", "")):
            if sample:
                self.view.setColumnWidth(col, fm.horizontalAdvance(sample) + 24)

        filters = QHBoxLayout()
        for label, combo in ((self.tr("Township"), self.township), (self.tr("Village"), self.village),
                             (self.tr("Category"), self.category),
                             (self.tr("Rule"), self.rule), (self.tr("Severity"), self.severity),
                             (self.tr("Status"), self.status)):
            filters.addWidget(QLabel(label))
            filters.addWidget(combo)
        filters.addStretch(1)
        filters.insertWidget(0, self.all_button)
        filters.insertWidget(0, self.follow)
        filters.insertWidget(0, self.scope)
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
        self.all_button.clicked.connect(self.show_all)
        if load:
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
                            household_id=self._household, category=self.category.currentData(),
                            rule=self.rule.currentData(), severity=self.severity.currentData(),
                            status=self.status.currentData())

    # ------------------------------------------------------------------ following the window
    def follow_place(self, place: tuple[str, int] | None) -> None:
        """The window's navigator chose a place (None: the county): list its problems, if following."""
        if not self.follow.isChecked() or self._paused:
            return
        kind, place_id = place if place is not None else ("", None)
        township, village = place_id if kind == "township" else None, place_id if kind == "village" else None
        if self._household is None and (township, village) == (self.township.currentData(), self.village.currentData()):
            return  # the view set its current index (on showing): the same place, nothing to read again
        self._household = None
        self._set_filters(township, village)

    def follow_household(self, household_id: int | None, label: str = "") -> None:
        """The window's list chose a household: list its problems, if following."""
        opened, self._opening = self._opening, None
        if not self.follow.isChecked() or self._paused or household_id in (self._household, opened):
            return
        self._household, self._household_label = household_id, label
        self.reload()

    def show_all(self) -> None:
        """The whole county's problems (the place and household the panel followed let go)."""
        self._household = None
        self._set_filters(None, None)

    def _set_filters(self, township_id: int | None, village_id: int | None) -> None:
        for combo in (self.township, self.village):
            combo.blockSignals(True)
        self.township.setCurrentIndex(max(0, self.township.findData(township_id)))
        self._fill_villages()
        self.village.setCurrentIndex(max(0, self.village.findData(village_id)))
        for combo in (self.township, self.village):
            combo.blockSignals(False)
        self.reload()

    def scope_text(self) -> str:
        if self._household is not None:
            return self.tr("Household {0}").format(self._household_label or self._household)
        if self.village.currentData() is not None:
            return self.village.currentText()
        if self.township.currentData() is not None:
            return self.township.currentText()
        return self.tr("Whole county")

    # ------------------------------------------------------------------ loading
    def reload(self) -> None:
        """Show the problems the filters select, grouped: the counts per rule come from SQL (the
        index); a rule's villages and a village's rows are read when expanded and shown."""
        queries = self.services.problem_queries
        query = self.query()
        try:
            counts = queries.rule_counts(query)
            avalanches = queries.avalanches(query, counts)
            names = self.services.users.names()
        except Exception as exc:
            show_error(self, exc)
            return
        expanded = self._expanded()
        self.model.set_groups(queries, query, counts, avalanches=avalanches, names=names)
        errors, warnings = queries.total(counts)
        self.summary.setText(self.tr("Problems shown: {0} (errors {1}, warnings {2})").format(
            f"{errors + warnings:,}", f"{errors:,}", f"{warnings:,}"))
        self.scope.setText(self.scope_text())
        self.all_button.setEnabled(any(x is not None for x in (self._household, self.township.currentData(),
                                                                self.village.currentData())))
        small = errors + warnings <= 50  # a household or a small village: everything at once
        for rule in counts:
            if small or rule.rule in expanded:
                self._expand(rule.rule, None if small else expanded[rule.rule])
        self._update_buttons()

    def _expanded(self) -> dict[str, set[int]]:
        """The rules expanded now, with the villages expanded under each (kept over a reload)."""
        out: dict[str, set[int]] = {}
        m = self.model
        for row in range(m.rowCount()):
            index = m.index(row, 0)
            if self.view.isExpanded(index):
                rule = m.rule_of(index)
                if rule is not None:
                    out[rule] = {p.village_id for r in range(m.rowCount(index))
                                 if self.view.isExpanded(child := m.index(r, 0, index))
                                 and (p := m.place_of(child)) is not None}
        return out

    def _expand(self, rule: str, villages: set[int] | None) -> None:
        """Expand a rule and, of its villages, these (every one: None)."""
        index = self.model.rule_index(rule)
        if not index.isValid():
            return
        self.view.expand(index)
        if self.model.canFetchMore(index):
            self.model.fetchMore(index)
        for row in range(self.model.rowCount(index)):
            child = self.model.index(row, 0, index)
            place = self.model.place_of(child)
            if place is not None and (villages is None or place.village_id in villages):
                self.view.expand(child)

    def refresh(self) -> None:
        self.reload()

    def selected_problem(self) -> ProblemRecord | None:
        rows = self.view.selectionModel().selectedRows()
        return self.model.problem(rows[0]) if rows else None

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
        """Select the problem in the list if it is shown (after a decision, to go on with it): its
        rule and village are expanded and the row is scrolled to."""
        try:
            where = self.services.problem_queries.locate(self.query(), problem_id)
        except Exception as exc:
            show_error(self, exc)
            return False
        if where is None:
            return False
        place = self.model.place_index(where.rule, where.village_id)
        if not place.isValid():
            return False
        self.view.expand(place.parent())
        self.view.expand(place)
        index = self.model.index(where.offset, 0, place)
        if not index.isValid():
            return False
        self.view.selectionModel().setCurrentIndex(
            index, QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows)
        self.view.scrollTo(index)
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

        if not self.model.total():
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

    def model_problems(self) -> Iterator[ProblemRecord]:
        """Every problem listed, streamed from the service a batch at a time."""
        return self.services.checks.iter_problems(self.query())

    def _activated(self, index: QModelIndex) -> None:
        """Double click on a problem: open its household with the field marked (a rule's or a
        village's row expands, as a tree's does)."""
        p = self.model.problem(index)
        if p is not None:
            self._opening = p.household_id  # the panel does not narrow to the household it opened
            self._paused = True  # nor follows the list the window widens to show it
            try:
                self.problem_activated.emit(p.household_id, p.fields[0] if p.fields else "", p.member_id)
            finally:
                self._paused = False


def install_checks(window: Any) -> ProblemsPanel:
    """Add the problems dock, 'Run checks' and 'Year settings…' to the main window."""
    from povdesk.ui.year_settings_dialog import YearSettingsDialog

    panel = ProblemsPanel(services=window.services, places=window.places(), parent=window, load=False)
    window.after_list_shown(panel.reload)  # the problem counts come once the list has painted its rows
    window.problems_dock = window.add_dock(panel, QCoreApplication.translate("ProblemsPanel", "Problems"))
    window.problems_panel = panel
    panel.problem_activated.connect(lambda hid, key, member: window.open_household(hid, key or None, member))
    # the panel follows the place chosen in the navigator and the household the user picks in the list
    window.navigator.selectionModel().currentChanged.connect(lambda *_: panel.follow_place(window.current_place()))

    def household_picked(current: QModelIndex, _previous: QModelIndex | None = None) -> None:
        if not current.isValid() or not window.table.hasFocus():
            return  # the window selected it (start-up, a reload): no narrowing
        record = window.table_model.row_record(current.row())
        if record is not None:
            panel.follow_household(record.id, f"{record.household_no} {record.head_name}".strip())

    window.table.selectionModel().currentRowChanged.connect(household_picked)
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
