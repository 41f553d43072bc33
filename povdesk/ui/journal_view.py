"""The county's change journal (issue 11 §5): every journalled change - who, when, which field, old
and new value, which request or import carried it - filtered by dates, user, village or household,
field and request. The model pages from SQL (`RegistryService.journal_page`, newest first), so a
county's hundreds of thousands of rows are never loaded at once.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from PySide6.QtCore import QCoreApplication, QModelIndex, QObject, Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QCompleter,
    QDialog,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from povdesk.domain import dictionary as dd
from povdesk.domain.journal import event_label, source_label
from povdesk.services.registry import JournalEntry, JournalQuery
from povdesk.ui.adjust_dialog import DateField
from povdesk.ui.application import lang_key
from povdesk.ui.household_detail import _journal_texts
from povdesk.ui.messages import ERROR_STYLE, error_text
from povdesk.ui.people import display_names, person
from povdesk.ui.table_models import ROOT, Index, ReadOnlyTableModel

PAGE = 200


def utc_start(day: dt.date) -> dt.datetime:
    """The local day's first moment, as the journal stores times (UTC, naive)."""
    return dt.datetime.combine(day, dt.time()).astimezone(dt.UTC).replace(tzinfo=None)


def _local(at: dt.datetime) -> str:
    return at.replace(tzinfo=dt.UTC).astimezone().strftime("%Y-%m-%d %H:%M")


class JournalModel(ReadOnlyTableModel):
    """The rows of a `JournalQuery`, a page at a time as the view scrolls (`fetchMore`)."""

    def __init__(self, *, services: Any, parent: QObject | None = None) -> None:
        super().__init__(parent=parent)
        self.services = services
        self.query = JournalQuery()
        self.total = 0
        self._rows: list[JournalEntry] = []
        self._texts: list[tuple[str, ...]] = []
        self._more = False
        self.set_headers([self.tr("When"), self.tr("Who"), self.tr("Household"), self.tr("Member"),
                          self.tr("Field"), self.tr("Old value"), self.tr("New value"), self.tr("Source"),
                          self.tr("Request"), self.tr("Reason")])

    def load(self, query: JournalQuery) -> None:
        """Count and show the first page (a service error propagates to the caller)."""
        total = self.services.registry.journal_count(query)
        first = self.services.registry.journal_page(query, limit=PAGE)
        self.beginResetModel()
        self.query = query
        self.total = total
        self._rows = []
        self._texts = []
        self._add(first)
        self.endResetModel()

    def _add(self, rows: list[JournalEntry]) -> None:
        lang = lang_key()
        books = self.services.db.codebook()
        people = display_names(self.services)
        for e in rows:
            label, old, new = _journal_texts(e.field, e.old_value, e.new_value, books, lang)
            self._texts.append((_local(e.at), person(people, e.user), e.household_no or "", e.member_name or "", label, old, new,
                                source_label(e.source, lang), e.reference or "", e.reason or ""))
        self._rows.extend(rows)
        self._more = len(rows) == PAGE

    def entry(self, row: int) -> JournalEntry | None:
        return self._rows[row] if 0 <= row < len(self._rows) else None

    def rowCount(self, parent: Index = ROOT) -> int:
        return 0 if parent.isValid() else len(self._rows)

    def canFetchMore(self, parent: Index = ROOT) -> bool:
        return not parent.isValid() and self._more

    def fetchMore(self, parent: Index = ROOT) -> None:
        if parent.isValid() or not self._more or not self._rows:
            return
        rows = self.services.registry.journal_page(self.query, before_id=self._rows[-1].id, limit=PAGE)
        if not rows:
            self._more = False
            return
        self.beginInsertRows(QModelIndex(), len(self._rows), len(self._rows) + len(rows) - 1)
        self._add(rows)
        self.endInsertRows()

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid() or not 0 <= index.row() < len(self._texts):
            return None
        text = self._texts[index.row()][index.column()]
        if role == Qt.ItemDataRole.DisplayRole:
            return text
        if role == Qt.ItemDataRole.ToolTipRole:
            e = self._rows[index.row()]
            return e.field if index.column() == 4 else (text if len(text) > 20 else None)
        if role == Qt.ItemDataRole.UserRole:
            return self._rows[index.row()].household_id
        return None


class JournalWindow(QDialog):
    """The journal with its filters; double-clicking a row opens the household in the main window."""

    def __init__(self, *, services: Any, window: Any = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("journalWindow")
        self.setWindowTitle(self.tr("Change journal"))
        self.setWindowFlag(Qt.WindowType.WindowMaximizeButtonHint, True)
        self.services = services
        self.window_ = window
        self.message: str | None = None
        lang = lang_key()

        self.since = DateField(object_name="journalSince")
        self.until = DateField(object_name="journalUntil")
        self.user = QComboBox()
        self.user.setObjectName("journalUser")
        self.place = QLineEdit()
        self.place.setObjectName("journalPlace")
        self.place.setPlaceholderText(self.tr("village code or household number"))
        self.place.setClearButtonEnabled(True)
        self.field = QComboBox()
        self.field.setObjectName("journalField")
        self.field.setEditable(True)
        self.field.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.reference = QLineEdit()
        self.reference.setObjectName("journalRequest")
        self.reference.setPlaceholderText(self.tr("request number (12 or CR-12) or reference"))
        self.reference.setClearButtonEnabled(True)
        try:
            users, fields = services.registry.journal_choices()
        except Exception as exc:
            users, fields = [], []
            self.message = error_text(exc)
        self.user.addItem(self.tr("(all)"), None)
        people = display_names(services)
        for u in users:
            self.user.addItem(person(people, u), u)
        self.field.addItem(self.tr("(all)"), None)
        for key in fields:
            try:
                label = dd.field(key).label(lang)
            except KeyError:
                label = event_label(key, lang) or key
            self.field.addItem(f"{label}  ({key})", key)
        completer = QCompleter(self.field.model(), self.field)
        completer.setFilterMode(Qt.MatchFlag.MatchContains)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.field.setCompleter(completer)
        self.apply_button = QPushButton(self.tr("Show"))
        self.apply_button.setObjectName("journalApply")
        self.apply_button.setDefault(True)
        self.apply_button.clicked.connect(lambda: self.apply())
        reset = QPushButton(self.tr("Clear filters"))
        reset.setAutoDefault(False)
        reset.clicked.connect(self.clear_filters)
        for edit in (self.place, self.reference, self.since.edit, self.until.edit):
            edit.returnPressed.connect(lambda: self.apply())

        grid = QGridLayout()
        grid.addWidget(QLabel(self.tr("From")), 0, 0)
        grid.addWidget(self.since, 0, 1)
        grid.addWidget(QLabel(self.tr("To")), 0, 2)
        grid.addWidget(self.until, 0, 3)
        grid.addWidget(QLabel(self.tr("User")), 0, 4)
        grid.addWidget(self.user, 0, 5)
        grid.addWidget(QLabel(self.tr("Village or household")), 1, 0)
        grid.addWidget(self.place, 1, 1)
        grid.addWidget(QLabel(self.tr("Field")), 1, 2)
        grid.addWidget(self.field, 1, 3)
        grid.addWidget(QLabel(self.tr("Request")), 1, 4)
        grid.addWidget(self.reference, 1, 5)
        for col in (1, 3, 5):
            grid.setColumnStretch(col, 1)

        self.model = JournalModel(services=services, parent=self)
        self.view = QTableView()
        self.view.setObjectName("journalView")
        self.view.setModel(self.model)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.view.setAlternatingRowColors(True)
        self.view.setWordWrap(False)
        self.view.verticalHeader().setVisible(False)
        self.view.verticalHeader().setDefaultSectionSize(self.view.fontMetrics().height() + 8)
        self.view.horizontalHeader().setStretchLastSection(True)
        self.view.doubleClicked.connect(self._open_household)
        self.count = QLabel()
        self.count.setObjectName("journalCount")
        self.error = QLabel()
        self.error.setWordWrap(True)
        self.error.setStyleSheet(ERROR_STYLE)
        self.error.hide()

        buttons = QHBoxLayout()
        buttons.addWidget(self.count, 1)
        buttons.addWidget(reset)
        buttons.addWidget(self.apply_button)
        layout = QVBoxLayout(self)
        layout.addLayout(grid)
        layout.addWidget(self.error)
        layout.addWidget(self.view, 1)
        layout.addLayout(buttons)
        self.resize(1200, 720)
        self.apply()

    def filters(self) -> JournalQuery:
        since, until = self.since.date(), self.until.date()
        text = self.field.currentText().strip()
        index = self.field.findText(text, Qt.MatchFlag.MatchFixedString)
        field = self.field.itemData(index) if index >= 0 else (text or None)  # typed: a field key
        return JournalQuery(
            since=utc_start(since) if since else None,
            until=utc_start(until + dt.timedelta(days=1)) if until else None,
            user=self.user.currentData(),
            place=self.place.text().strip() or None,
            field=field,
            reference=self.reference.text().strip() or None)

    def apply(self) -> bool:
        self.error.hide()
        bad = [w for w in (self.since, self.until) if w.text() and w.date() is None]
        if bad:
            self._refused(self.tr("A date is written YYYY-MM-DD."))
            return False
        try:
            self.model.load(self.filters())
        except Exception as exc:
            self._refused(error_text(exc))
            return False
        self.count.setText(self.tr("{0} entries").format(f"{self.model.total:,}"))
        if self.model.rowCount():
            self.view.resizeColumnsToContents()
            header = self.view.horizontalHeader()
            for col in range(self.model.columnCount()):
                header.resizeSection(col, min(header.sectionSize(col) + 12, 260))
        return True

    def clear_filters(self) -> None:
        for w in (self.since, self.until):
            w.set_text(None)
        self.user.setCurrentIndex(0)
        self.field.setCurrentIndex(0)
        self.place.clear()
        self.reference.clear()
        self.apply()

    def _refused(self, text: str) -> None:
        self.message = text
        self.error.setText(text)
        self.error.show()

    def _open_household(self, index: QModelIndex) -> None:
        entry = self.model.entry(index.row())
        if entry is not None and entry.household_id is not None and self.window_ is not None:
            self.window_.open_household(entry.household_id, entry.field if "." in entry.field else None)


def open_journal(window: Any) -> JournalWindow:
    dialog = getattr(window, "journal_window", None)
    if dialog is None:
        dialog = JournalWindow(services=window.services, window=window, parent=window)
        window.journal_window = dialog
    else:
        dialog.apply()
    dialog.setWindowState(dialog.windowState() & ~Qt.WindowState.WindowMinimized)
    dialog.show()
    return dialog


def install_journal(window: Any) -> QAction:
    action = QAction(QCoreApplication.translate("Changes", "Change &journal…"), window)
    action.setObjectName("changeJournal")
    action.setShortcut(QKeySequence("Ctrl+J"))
    action.triggered.connect(lambda: open_journal(window))
    window.menus["changes"].addAction(action)
    return action
