"""One household read-only, as the clerk checks it: facts, members, money, conditions, help, history.

Field labels and code labels come from the data dictionary and the code book (already bilingual,
so they are not tr()'d); only the window's own words go through Qt translation.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import (
    QItemSelectionModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    Signal,
)
from PySide6.QtGui import QBrush, QColor, QFont, QPainter, QPaintEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSplitter,
    QStackedWidget,
    QTableView,
    QTabWidget,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from povdesk.domain import dictionary as dd
from povdesk.domain import values
from povdesk.domain.assessment import EDUCATION, HOUSING, INCOME, MEDICAL, POWER, WATER, Assessment
from povdesk.domain.codelists import CodeBook
from povdesk.domain.dictionary import Entity, FieldType
from povdesk.domain.journal import event_label, source_label
from povdesk.domain.records import HouseholdDetail, ProblemRecord
from povdesk.ui.application import lang_key
from povdesk.ui.people import person
from povdesk.ui.table_models import ReadOnlyTableModel

Index = QModelIndex | QPersistentModelIndex
_ROOT = QModelIndex()

HIGHLIGHT = QColor(255, 226, 122)
MUTED = QColor(130, 130, 130)
BAD = QColor(176, 32, 32)
GOOD = QColor(24, 120, 48)
_RIGHT = int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
_LEFT = int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
_NUMERIC = (FieldType.MONEY, FieldType.NUMBER, FieldType.INT)


@dataclass(frozen=True)
class Cell:
    text: str
    numeric: bool = False
    colour: QColor | None = None
    tooltip: str | None = None


def _cell(text: Any, numeric: bool = False, colour: QColor | None = None, tooltip: str | None = None) -> Cell:
    return Cell("" if text is None else str(text), numeric, colour, tooltip)


class FieldRowsModel(ReadOnlyTableModel):
    """One field per row (label first), one value column per record or year.

    `pairs=2` (one value column only): the fields run down two columns of field/value pairs, the
    first half on the left, so a wide pane is used rather than a long, narrow list."""

    def __init__(self, *, parent: QObject | None = None, pairs: int = 1) -> None:
        super().__init__(parent=parent)
        self._rows: list[tuple[str, str | None, list[Cell]]] = []  # label, field key, cells
        self._highlight: str | None = None
        self._pairs = pairs
        self._shown_pairs = 1

    def set_content(self, headers: Sequence[str], rows: Sequence[tuple[str, str | None, Sequence[Cell]]]) -> None:
        self.beginResetModel()
        self._shown_pairs = self._pairs if len(headers) == 2 and len(rows) > 1 else 1
        self.set_headers(list(headers) * self._shown_pairs)
        self._rows = [(label, key, list(cells)) for label, key, cells in rows]
        self._highlight = None
        self.endResetModel()

    def _depth(self) -> int:
        """Display rows: the fields of one pair column."""
        return -(-len(self._rows) // self._shown_pairs)

    def _item(self, row: int, col: int) -> tuple[int, int]:
        """(field index, column inside its pair) of a display cell; the index may be past the end."""
        width = self.columnCount() // self._shown_pairs if self._shown_pairs > 1 else self.columnCount()
        if self._shown_pairs == 1:
            return row, col
        return row + (col // width) * self._depth(), col % width

    def items(self) -> dict[str, str]:
        """Label -> first value of every field, whatever the layout (for tests and copying)."""
        return {label: (cells[0].text if cells else "") for label, _key, cells in self._rows}

    def row_of_key(self, key: str) -> int | None:
        i = next((i for i, r in enumerate(self._rows) if r[1] == key), None)
        return None if i is None else i % self._depth()

    def index_of_key(self, key: str) -> QModelIndex:
        """The value cell of `key` (invalid when not shown)."""
        i = next((i for i, r in enumerate(self._rows) if r[1] == key), None)
        if i is None:
            return QModelIndex()
        pair = i // self._depth()
        width = self.columnCount() // self._shown_pairs
        return self.index(i % self._depth(), pair * width + min(1, width - 1))

    def set_highlight(self, key: str | None, row_id: Any = None) -> int | None:
        """Mark the row of `key` (`row_id` is for record tables); returns that row."""
        self._highlight = key
        if self._rows:
            self.dataChanged.emit(self.index(0, 0), self.index(self.rowCount() - 1, self.columnCount() - 1))
        return self.row_of_key(key) if key else None

    def rowCount(self, parent: Index = _ROOT) -> int:
        return 0 if parent.isValid() else self._depth()

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid():
            return None
        item, col = self._item(index.row(), index.column())
        if item >= len(self._rows):
            return None  # the right column of pairs is one shorter
        label, key, cells = self._rows[item]
        cell = cells[col - 1] if 0 < col <= len(cells) else None
        if role == Qt.ItemDataRole.DisplayRole:
            return label if col == 0 else (cell.text if cell else "")
        if role == Qt.ItemDataRole.BackgroundRole and key is not None and key == self._highlight:
            return QBrush(HIGHLIGHT)
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return _RIGHT if cell is not None and cell.numeric else _LEFT
        if role == Qt.ItemDataRole.ForegroundRole:
            if col == 0:
                return QBrush(MUTED)
            if cell is not None and cell.colour is not None:
                return QBrush(cell.colour)
        if role == Qt.ItemDataRole.ToolTipRole:
            if col == 0 and key:
                return key
            return cell.tooltip if cell else None
        if role == Qt.ItemDataRole.UserRole:
            return key
        return None



class RecordTableModel(ReadOnlyTableModel):
    """One record per row; columns carry field keys so one column can be highlighted."""

    def __init__(self, *, parent: QObject | None = None) -> None:
        super().__init__(parent=parent)
        self._keys: list[str | None] = []
        self._rows: list[list[Cell]] = []
        self._row_ids: list[Any] = []
        self._muted_rows: set[int] = set()
        self._row_labels: list[str] = []
        self._highlight: str | None = None
        self._highlight_row: int | None = None

    def set_content(self, headers: Sequence[str], keys: Sequence[str | None], rows: Sequence[Sequence[Cell]],
                    row_ids: Sequence[Any] | None = None, muted_rows: set[int] | None = None,
                    row_labels: Sequence[str] | None = None) -> None:
        """`row_labels` go in the vertical header, which stays in view when the table scrolls sideways."""
        self.beginResetModel()
        self._row_labels = list(row_labels or ())
        self.set_headers(headers, keys)
        self._keys = list(keys)
        self._rows = [list(r) for r in rows]
        self._row_ids = list(row_ids) if row_ids is not None else [None] * len(self._rows)
        self._muted_rows = set(muted_rows or ())
        self._highlight = None
        self._highlight_row = None
        self.endResetModel()

    def column_of_key(self, key: str) -> int | None:
        return next((i for i, k in enumerate(self._keys) if k == key), None)

    def set_highlight(self, key: str | None, row_id: Any = None) -> int | None:
        """Mark the column of `key`: every row's cell, or only the cell of the row `row_id` (the
        member a problem names) when that row is shown. Returns the column, None if not shown."""
        self._highlight = key
        self._highlight_row = self.row_of_id(row_id) if row_id is not None else None
        if self._rows:
            self.dataChanged.emit(self.index(0, 0), self.index(len(self._rows) - 1, self.columnCount() - 1))
        return self.column_of_key(key) if key else None

    def highlighted_row(self) -> int | None:
        return self._highlight_row

    def row_of_id(self, row_id: Any) -> int | None:
        return next((i for i, r in enumerate(self._row_ids) if r == row_id), None)

    def row_id(self, row: int) -> Any:
        return self._row_ids[row] if 0 <= row < len(self._row_ids) else None

    def rowCount(self, parent: Index = _ROOT) -> int:
        return 0 if parent.isValid() else len(self._rows)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid():
            return None
        row = self._rows[index.row()]
        cell = row[index.column()] if index.column() < len(row) else Cell("")
        if role == Qt.ItemDataRole.DisplayRole:
            return cell.text
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return _RIGHT if cell.numeric else _LEFT
        if role == Qt.ItemDataRole.BackgroundRole and self._highlight is not None \
                and self._keys[index.column()] == self._highlight \
                and self._highlight_row in (None, index.row()):
            return QBrush(HIGHLIGHT)
        if role == Qt.ItemDataRole.ForegroundRole:
            if cell.colour is not None:
                return QBrush(cell.colour)
            if index.row() in self._muted_rows:
                return QBrush(MUTED)
        if role == Qt.ItemDataRole.ToolTipRole:
            return cell.tooltip or (cell.text if len(cell.text) > 24 else None)
        if role == Qt.ItemDataRole.UserRole:
            return self.row_id(index.row())
        return None

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if orientation == Qt.Orientation.Vertical:
            if role == Qt.ItemDataRole.DisplayRole and 0 <= section < len(self._row_labels):
                return self._row_labels[section]
            return None
        return super().headerData(section, orientation, role)


class RecordsView(QTableView):
    """A table that says "No records" when it has none, rather than showing bare headings."""

    def empty_text(self) -> str:
        """What the empty table says ("" while it has rows or no headings yet)."""
        model = self.model()
        if model is not None and model.rowCount() == 0 and model.columnCount() > 0:
            return self.tr("No records")
        return ""

    def paintEvent(self, event: QPaintEvent) -> None:
        super().paintEvent(event)
        text = self.empty_text()
        if text:
            painter = QPainter(self.viewport())
            painter.setPen(MUTED)
            painter.drawText(self.viewport().rect().adjusted(0, 12, 0, 0),
                             int(Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop), text)
            painter.end()


def _table(model: ReadOnlyTableModel, *, object_name: str, stretch_last: bool = True) -> QTableView:
    view = RecordsView()
    view.setObjectName(object_name)
    view.setModel(model)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    view.setAlternatingRowColors(True)
    view.setWordWrap(False)
    view.verticalHeader().setVisible(False)
    view.verticalHeader().setDefaultSectionSize(view.fontMetrics().height() + 8)
    view.horizontalHeader().setStretchLastSection(stretch_last)
    view.horizontalHeader().setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
    view.setHorizontalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
    return view


class HouseholdDetailView(QWidget):
    """Tabs of one household; `show_detail` fills them, `highlight` points at one field."""

    problem_activated = Signal(object)  # ProblemRecord the user double-clicked
    correction_requested = Signal(int)  # household id: "New correction…" was pressed

    TAB_HOUSEHOLD, TAB_MEMBERS, TAB_INCOME, TAB_CONDITIONS, TAB_MEASURES, TAB_CADRES, TAB_HISTORY, \
        TAB_PROBLEMS = range(8)

    def __init__(self, *, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("householdDetail")
        self.detail: HouseholdDetail | None = None
        self.problems: list[ProblemRecord] | None = None
        self.assessment: Assessment | None = None
        self._highlighted: str | None = None
        self._highlighted_member: int | None = None

        self.title = QLabel()
        self.title.setObjectName("detailTitle")
        self.title.setTextFormat(Qt.TextFormat.PlainText)
        font = QFont(self.title.font())
        font.setPointSizeF(font.pointSizeF() * 1.25)
        font.setBold(True)
        self.title.setFont(font)
        self.subtitle = QLabel()
        self.subtitle.setObjectName("detailSubtitle")
        self.subtitle.setTextFormat(Qt.TextFormat.PlainText)
        self.subtitle.setStyleSheet("color: #555;")

        self.facts_model = FieldRowsModel(parent=self, pairs=2)
        self.members_model = RecordTableModel(parent=self)
        self.income_model = FieldRowsModel(parent=self)
        self.assurance_model = RecordTableModel(parent=self)
        self.conditions_model = FieldRowsModel(parent=self)
        self.measures_model = RecordTableModel(parent=self)
        self.cadres_model = RecordTableModel(parent=self)
        self.history_model = RecordTableModel(parent=self)
        self.problems_model = RecordTableModel(parent=self)

        self.facts_view = _table(self.facts_model, object_name="factsView", stretch_last=False)
        self.members_view = _table(self.members_model, object_name="membersView", stretch_last=False)
        names = self.members_view.verticalHeader()
        names.setVisible(True)  # names stay in view beside any column
        names.setMinimumWidth(names.fontMetrics().horizontalAdvance("阿约日哈阿依莫") + 12)
        self.income_view = _table(self.income_model, object_name="incomeView", stretch_last=False)
        self.assurance_view = _table(self.assurance_model, object_name="assuranceView")
        self.conditions_view = _table(self.conditions_model, object_name="conditionsView",
                                      stretch_last=False)
        self.measures_view = _table(self.measures_model, object_name="measuresView")
        self.cadres_view = _table(self.cadres_model, object_name="cadresView", stretch_last=False)
        self.history_view = _table(self.history_model, object_name="historyView")
        self.problems_view = _table(self.problems_model, object_name="problemsView")
        self.problems_view.doubleClicked.connect(self._problem_double_clicked)

        # the conditions list is narrow and long, the assessment short and wide: side by side
        box = QGroupBox(self.tr("Two assurances and three guarantees"))
        box_lay = QVBoxLayout(box)
        box_lay.setContentsMargins(4, 4, 4, 4)
        box_lay.addWidget(self.assurance_view)
        self.assurance_view.setWordWrap(True)
        conditions_tab = QSplitter(Qt.Orientation.Horizontal)
        conditions_tab.setObjectName("conditionsSplitter")
        conditions_tab.setChildrenCollapsible(False)
        conditions_tab.addWidget(self.conditions_view)
        conditions_tab.addWidget(box)
        conditions_tab.setStretchFactor(0, 2)
        conditions_tab.setStretchFactor(1, 3)

        self.tabs = QTabWidget()
        self.tabs.setObjectName("detailTabs")
        self.tabs.setDocumentMode(True)
        self.tabs.addTab(self.facts_view, self.tr("Household"))
        self.tabs.addTab(self.members_view, self.tr("Members"))
        self.tabs.addTab(self.income_view, self.tr("Income"))
        self.tabs.addTab(conditions_tab, self.tr("Conditions"))
        self.tabs.addTab(self.measures_view, self.tr("Measures"))
        self.tabs.addTab(self.cadres_view, self.tr("Cadres"))
        self.tabs.addTab(self.history_view, self.tr("History"))
        self.tabs.addTab(self.problems_view, self.tr("Problems"))
        self.tabs.setTabVisible(self.TAB_PROBLEMS, False)

        self.placeholder = QLabel(self.tr("Select a household in the list to see its details."))
        self.placeholder.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.placeholder.setStyleSheet("color: #777;")
        body = QWidget()
        body_lay = QVBoxLayout(body)
        body_lay.setContentsMargins(0, 0, 0, 0)
        body_lay.setSpacing(2)
        self.correct_button = QPushButton(self.tr("New correction…"))
        self.correct_button.setObjectName("newCorrection")
        self.correct_button.clicked.connect(self._correction_clicked)
        # the other types' dialogs fill its menu (ui.adjust_dialog.install_adjust_actions)
        self.request_button = QToolButton()
        self.request_button.setObjectName("newRequest")
        self.request_button.setText(self.tr("New request"))
        self.request_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        title_row = QHBoxLayout()
        title_row.addWidget(self.title, 1)
        title_row.addWidget(self.correct_button)
        title_row.addWidget(self.request_button)
        body_lay.addLayout(title_row)
        body_lay.addWidget(self.subtitle)
        body_lay.addWidget(self.tabs, 1)
        self.stack = QStackedWidget()
        self.stack.addWidget(self.placeholder)
        self.stack.addWidget(body)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(6, 6, 6, 6)
        outer.addWidget(self.stack)

    # ------------------------------------------------------------------ content
    def clear(self) -> None:
        self.detail = None
        self.problems = None
        self.assessment = None
        self._highlighted = self._highlighted_member = None
        self.stack.setCurrentIndex(0)

    def household_id(self) -> int | None:
        return self.detail.household.id if self.detail is not None else None

    def _correction_clicked(self) -> None:
        if self.detail is not None:
            self.correction_requested.emit(self.detail.household.id)

    def show_detail(self, detail: HouseholdDetail, *, codebook: CodeBook, data_year: int,
                    problems: list[ProblemRecord] | None = None,
                    assessment: Assessment | None = None,
                    people: Mapping[str, str] | None = None) -> None:
        """Fill the tabs; `assessment` (RegistryService.assessment) is what the 两不愁三保障 box
        shows, judged against the office's year settings."""
        self.detail = detail
        self.problems = problems
        self.assessment = assessment
        self.people = dict(people or {})  # login -> display name: the History tab names people
        self._highlighted = self._highlighted_member = None
        lang = lang_key()
        h = detail.household
        loc = detail.location
        self.title.setText(f"{h['head_name'] or ''}  ·  {h['household_no'] or ''}")
        place = " ".join(x for x in (loc.county, loc.township, loc.village, h["group_name"] or "") if x)
        status = values.display(dd.field("household.status"), h["status"], lang, codebook)
        parts = [place, status]
        if not h["active"]:
            parts.append(self.tr("Cancelled household"))
        self.subtitle.setText("  ·  ".join(p for p in parts if p))
        self._fill_facts(detail, codebook, lang)
        self._fill_members(detail, codebook, lang)
        self._fill_years(self.income_model, Entity.INCOME, detail.incomes, data_year, codebook, lang)
        self._fill_years(self.conditions_model, Entity.CONDITIONS, detail.conditions, data_year, codebook,
                         lang)
        self._fill_assurances(assessment, lang)
        self._fill_measures(detail, codebook, lang)
        self._fill_cadres(detail, codebook, lang)
        self._fill_history(detail, codebook, lang)
        self._fill_problems(problems, lang)
        for view in (self.members_view, self.cadres_view, self.measures_view, self.history_view,
                     self.problems_view):
            self._fit_columns(view)
        facts_header = self.facts_view.horizontalHeader()
        for col in range(self.facts_model.columnCount()):  # labels as wide as they are, values share the rest
            facts_header.setSectionResizeMode(col, QHeaderView.ResizeMode.Stretch if col % 2
                                              else QHeaderView.ResizeMode.ResizeToContents)
        for view in (self.income_view, self.conditions_view):
            view.resizeColumnToContents(0)
            for col in range(1, view.model().columnCount()):
                view.resizeColumnToContents(col)
                width = view.columnWidth(col)
                view.setColumnWidth(col, max(130, min(width + 16, 420)))
        for col in (0, 1):
            self.assurance_view.resizeColumnToContents(col)
        self.stack.setCurrentIndex(1)

    @staticmethod
    def _fit_columns(view: QTableView) -> None:
        header = view.horizontalHeader()
        for col in range(view.model().columnCount()):
            view.resizeColumnToContents(col)
            if header.sectionSize(col) > 320:
                header.resizeSection(col, 320)

    def _fill_facts(self, d: HouseholdDetail, books: CodeBook, lang: str) -> None:
        loc = d.location
        rows: list[tuple[str, str | None, list[Cell]]] = [
            (dd.field("location.county").label(lang), "location.county", [_cell(loc.county)]),
            (dd.field("location.township").label(lang), "location.township", [_cell(loc.township)]),
            (dd.field("location.village").label(lang), "location.village",
             [_cell(loc.village + ("" if not loc.village_synthetic else " *"),
                    tooltip=self.tr("Invented village of the demo county") if loc.village_synthetic else None)]),
            (dd.field("location.village_code").label(lang), "location.village_code", [_cell(loc.village_code)]),
        ]
        for f in dd.fields_of(Entity.HOUSEHOLD):
            value = d.household[f.column]
            text = values.display(f, value, lang, books)
            colour = None
            if f.column == "size" and value is not None and value != len(d.current_members):
                colour = BAD
                text = self.tr("{0} (members listed: {1})").format(text, len(d.current_members))
            rows.append((f.label_with_unit(lang), f.key, [_cell(text, colour=colour)]))
        if not d.household["active"]:
            rows.append((self.tr("Cancellation"), None,
                         [_cell(f"{d.household['cancel_date'] or ''} {d.household['cancel_reason'] or ''}",
                                colour=BAD)]))
        self.facts_model.set_content([self.tr("Field"), self.tr("Value")], rows)

    def _fill_members(self, d: HouseholdDetail, books: CodeBook, lang: str) -> None:
        fields = [f for f in dd.fields_of(Entity.MEMBER) if f.column != "person_no"]
        rows = []
        muted = set()
        for i, m in enumerate(d.members):
            rows.append([_cell(values.display(f, m[f.column], lang, books), f.type in _NUMERIC) for f in fields])
            if not m.current:
                muted.add(i)
        self.members_model.set_content([f.label(lang) for f in fields], [f.key for f in fields], rows,
                                       [m.id for m in d.members], muted,
                                       row_labels=[m["name"] or "" for m in d.members])
        # the names stand in the row headings, which stay in view: the name column would repeat them
        name_col = self.members_model.column_of_key("member.name")
        for col in range(self.members_model.columnCount()):
            self.members_view.setColumnHidden(col, col == name_col)

    def _fill_years(self, model: FieldRowsModel, entity: Entity, rows_by_year: Sequence[Any], data_year: int,
                    books: CodeBook, lang: str) -> None:
        years = sorted((r for r in rows_by_year if r["year"] is not None and int(r["year"]) <= data_year),
                       key=lambda r: int(r["year"]), reverse=True)
        headers = [self.tr("Field"), *(str(r["year"]) for r in years)]
        if not years:
            headers.append(str(data_year))
        out = []
        for f in dd.fields_of(entity):
            if f.column == "year":
                continue
            cells = [_cell(values.display(f, r[f.column], lang, books), f.type in _NUMERIC) for r in years]
            out.append((f.label_with_unit(lang), f.key, cells or [_cell(self.tr("not recorded"),
                                                                        colour=MUTED)]))
        model.set_content(headers, out)

    def _fill_assurances(self, assessment: Assessment | None, lang: str) -> None:
        """The assessment's verdicts as the service judged them (nothing is computed here)."""
        met, not_met, unknown = self.tr("Met"), self.tr("Not met"), self.tr("Unknown")
        names = {
            INCOME: self.tr("Food and clothing (income above the exit line)"),
            EDUCATION: self.tr("Compulsory education"),
            MEDICAL: self.tr("Basic medical care"),
            HOUSING: self.tr("Safe housing"),
            WATER: self.tr("Safe drinking water"),
            POWER: self.tr("Electricity, radio and TV"),
        }

        def verdict(ok: bool | None) -> Cell:
            if ok is None:
                return _cell(unknown, colour=MUTED)
            return _cell(met if ok else not_met, colour=GOOD if ok else BAD)

        verdicts = assessment.verdicts if assessment is not None else ()
        rows = [[_cell(names.get(v.key, v.title(lang))), verdict(v.met),
                 _cell(v.basis(lang), tooltip=v.standard(lang))] for v in verdicts]
        self.assurance_model.set_content([self.tr("Indicator"), self.tr("Status"), self.tr("Basis")],
                                         [None, None, None], rows, [v.field for v in verdicts])

    def _fill_measures(self, d: HouseholdDetail, books: CodeBook, lang: str) -> None:
        fields = list(dd.fields_of(Entity.MEASURE))
        ordered = sorted(d.measures, key=lambda m: (-(m["year"] or 0), m["category"] or "", m.id))
        rows = [[_cell(values.display(f, m[f.column], lang, books), f.type in _NUMERIC) for f in fields]
                for m in ordered]
        self.measures_model.set_content([f.label_with_unit(lang) if f.type == FieldType.MONEY else f.label(lang)
                                         for f in fields], [f.key for f in fields], rows,
                                        [m.id for m in ordered])

    def _fill_cadres(self, d: HouseholdDetail, books: CodeBook, lang: str) -> None:
        fields = list(dd.fields_of(Entity.CADRE))
        start, end = dd.field("pairing.start_date"), dd.field("pairing.end_date")
        # the cadres of running pairings first, then the earlier ones (ended: shown muted), latest first
        ordered = sorted(d.cadres, key=lambda c: (c.pairing_end is not None,
                                                  -(c.pairing_start or dt.date.min).toordinal(), c.id))
        rows = [[*(_cell(values.display(f, c[f.column], lang, books)) for f in fields),
                 _cell(values.display(start, c.pairing_start, lang, books)),
                 _cell(values.display(end, c.pairing_end, lang, books))] for c in ordered]
        self.cadres_model.set_content([*(f.label(lang) for f in fields), start.label(lang), end.label(lang)],
                                      [*(f.key for f in fields), start.key, end.key], rows,
                                      [c.id for c in ordered],
                                      {i for i, c in enumerate(ordered) if c.pairing_end is not None})

    def _fill_history(self, d: HouseholdDetail, books: CodeBook, lang: str) -> None:
        names = {m.id: m["name"] for m in d.members}
        rows = []
        for c in d.history:
            label, old, new = _journal_texts(c.field, c.old_value, c.new_value, books, lang)
            who = names.get(c.member_id) if c.member_id else None
            rows.append([_cell(c.at.strftime("%Y-%m-%d %H:%M") if c.at else ""), _cell(person(self.people, c.user), tooltip=c.user),
                         _cell(source_label(c.source, lang)), _cell(f"{label}（{who}）" if who else label,
                                                                    tooltip=c.field),
                         _cell(old), _cell(new), _cell(c.reason or "")])
        self.history_model.set_content(
            [self.tr("When"), self.tr("Who"), self.tr("Source"), self.tr("Field"), self.tr("Old value"),
             self.tr("New value"), self.tr("Reason")],
            [None, None, None, None, None, None, None], rows, [c.id for c in d.history])

    def _fill_problems(self, problems: list[ProblemRecord] | None, lang: str) -> None:
        visible = problems is not None
        self.tabs.setTabVisible(self.TAB_PROBLEMS, visible)
        problems = problems or []
        if visible:
            title = self.tr("Problems ({0})").format(len(problems)) if problems else self.tr("Problems")
            self.tabs.setTabText(self.TAB_PROBLEMS, title)
        rows = []
        for p in problems:
            severity = self.tr("Error") if p.severity == "error" else self.tr("Warning")
            fields = _names([_field_label(k, lang) for k in p.fields], lang)
            rows.append([_cell(severity, colour=BAD if p.severity == "error" else None),
                         _cell(p.member_name or ""), _cell(p.message(lang)), _cell(fields), _cell(p.rule)])
        self.problems_model.set_content(
            [self.tr("Severity"), self.tr("Member"), self.tr("Problem"), self.tr("Fields"), self.tr("Rule")],
            [None] * 5, rows, list(problems))

    def _problem_double_clicked(self, index: QModelIndex) -> None:
        problem = self.problems_model.row_id(index.row())
        if problem is not None:
            if problem.fields:
                self.highlight(problem.fields[0], problem.member_id)
            self.problem_activated.emit(problem)

    # ------------------------------------------------------------------ highlight
    def highlighted_field(self) -> str | None:
        return self._highlighted

    def highlighted_member(self) -> int | None:
        return self._highlighted_member

    def highlight(self, field_key: str | None, member_id: int | None = None) -> bool:
        """Show the tab holding `field_key` and mark that field (only `member_id`'s, when a member
        field names one); False when it is not shown here."""
        for model in (self.facts_model, self.members_model, self.income_model, self.conditions_model,
                      self.measures_model, self.cadres_model):
            model.set_highlight(None)
        self._highlighted = None
        self._highlighted_member = None
        if not field_key or self.detail is None:
            return False
        targets: list[tuple[int, QTableView, Any]] = [
            (self.TAB_HOUSEHOLD, self.facts_view, self.facts_model),
            (self.TAB_MEMBERS, self.members_view, self.members_model),
            (self.TAB_INCOME, self.income_view, self.income_model),
            (self.TAB_CONDITIONS, self.conditions_view, self.conditions_model),
            (self.TAB_MEASURES, self.measures_view, self.measures_model),
            (self.TAB_CADRES, self.cadres_view, self.cadres_model),
        ]
        for tab, view, model in targets:
            member = member_id if model is self.members_model else None
            where = model.set_highlight(field_key, member)
            if where is None:
                model.set_highlight(None)
                continue
            self.tabs.setCurrentIndex(tab)
            if isinstance(model, FieldRowsModel):
                index = model.index_of_key(field_key)
            else:
                row = model.highlighted_row() if isinstance(model, RecordTableModel) else None
                index = model.index(row or 0, where) if model.rowCount() else QModelIndex()
                if row is not None:
                    self._highlighted_member = member
            if index.isValid():
                view.scrollTo(index, QAbstractItemView.ScrollHint.PositionAtCenter)
                view.clearSelection()  # a selected row would hide the highlight colour
                view.selectionModel().setCurrentIndex(index, QItemSelectionModel.SelectionFlag.NoUpdate)
            elif isinstance(model, RecordTableModel):
                view.horizontalScrollBar().setValue(view.columnViewportPosition(where))
            self._highlighted = field_key
            return True
        return False


def _names(items: Sequence[str], lang: str) -> str:
    return ("、" if lang == "zh" else ", ").join(items)


def _field_label(key: str, lang: str) -> str:
    try:
        return dd.field(key).label(lang)
    except KeyError:
        return key


def _journal_texts(key: str, old: str | None, new: str | None, books: CodeBook,
                   lang: str) -> tuple[str, str, str]:
    """Journal values are stable texts (codes, 1/0); show them as labels where the field is known."""
    try:
        f = dd.field(key)
    except KeyError:
        return event_label(key, lang) or key, old or "", new or ""

    def show(text: str | None) -> str:
        if text is None or text == "":
            return ""
        if f.type == FieldType.BOOL:
            return values.display(f, text == "1", lang, books)
        if f.type in (FieldType.CODE, FieldType.CODES):
            return values.display(f, text, lang, books)
        return text

    return f.label(lang), show(old), show(new)
