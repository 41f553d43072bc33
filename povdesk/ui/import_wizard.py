"""The import wizard: choose the roster, map its columns, see the dry run, import, keep the error report.

Reading, previewing and importing run off the GUI thread (`tasks.run_in_background`); the import
runs on the single writer thread and can be cancelled, which leaves the database as it was.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import (
    QT_TRANSLATE_NOOP,
    QAbstractTableModel,
    QCoreApplication,
    QModelIndex,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
    Signal,
)
from PySide6.QtGui import QAction, QBrush, QColor, QKeySequence
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
    QWizard,
    QWizardPage,
)

from povdesk.domain import dictionary as dd
from povdesk.domain import values
from povdesk.domain.codelists import CodeBook
from povdesk.domain.dictionary import FieldType
from povdesk.errors import PovdeskError
from povdesk.services.facade import Services
from povdesk.ui.messages import error_text, show_error, ui_language
from povdesk.ui.tasks import Task, run_in_background

if TYPE_CHECKING:  # the importer is imported when the wizard first reads a file (the window's start)
    from povdesk.services.checks import CheckRunResult
    from povdesk.services.importer import FieldChange, HeaderPreview, ImportIssue, ImportResult

_Index = QModelIndex | QPersistentModelIndex
_ROOT = QModelIndex()
# Fields a column may be mapped to: where a roster row's values can go.
_ENTITIES = ("location", "household", "member", "income", "conditions")


def tr(text: object) -> str:
    """Translate a text marked elsewhere with QT_TRANSLATE_NOOP("ImportWizard", …) (which PySide
    types as returning object: the text itself)."""
    return QCoreApplication.translate("ImportWizard", str(text))


def mappable_fields() -> list[dd.Field]:
    return [f for f in dd.FIELDS if str(f.entity) in _ENTITIES]


def field_label(key: str | None, lang: str) -> str:
    if not key:
        return QCoreApplication.translate("ImportWizard", "(not imported)")
    f = dd.field(key)
    return f"{dd.entity_label(f.entity, lang)} · {f.label(lang)}"


# ----------------------------------------------------------------------------- models
class ColumnMappingModel(QAbstractTableModel):
    """The file's columns and the dictionary field each goes to; the second column is editable."""

    mapping_changed = Signal(str, object)  # header, field key or None

    HEADERS = (QT_TRANSLATE_NOOP("ImportWizard", "Column in file"),
               QT_TRANSLATE_NOOP("ImportWizard", "Imported as"),
               QT_TRANSLATE_NOOP("ImportWizard", "Recognised by"))

    def __init__(self, *, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._rows: list[list[Any]] = []  # [header, key, source]

    def set_columns(self, preview: HeaderPreview) -> None:
        self.beginResetModel()
        self._rows = [[c.header, c.field_key, c.source] for c in preview.columns]
        self.endResetModel()

    def mapping(self) -> dict[str, str | None]:
        """Columns the user mapped here, by their header text."""
        return {h: k for h, k, src in self._rows if src == "user"}

    def unknown_count(self) -> int:
        return sum(1 for _, k, src in self._rows if src == "unknown" and not k)

    def rowCount(self, parent: _Index = _ROOT) -> int:
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: _Index = _ROOT) -> int:
        return 0 if parent.isValid() else 3

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return tr(self.HEADERS[section])
        return None

    def flags(self, index: _Index) -> Qt.ItemFlag:
        base = super().flags(index)
        if index.isValid() and index.column() == 1:
            return base | Qt.ItemFlag.ItemIsEditable
        return base

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or index.row() >= len(self._rows):
            return None
        header, key, source = self._rows[index.row()]
        col = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            if col == 0:
                return header
            if col == 1:
                return field_label(key, ui_language())
            return {"dictionary": QCoreApplication.translate("ImportWizard", "data dictionary"), "remembered": QCoreApplication.translate("ImportWizard", "your earlier choice"),
                    "ignored": QCoreApplication.translate("ImportWizard", "your earlier choice"), "user": QCoreApplication.translate("ImportWizard", "chosen now"),
                    "unknown": QCoreApplication.translate("ImportWizard", "unknown")}.get(source, source)
        if role == Qt.ItemDataRole.EditRole and col == 1:
            return key or ""
        if role == Qt.ItemDataRole.ForegroundRole and source == "unknown" and not key:
            return QBrush(QColor("#b00020"))
        if role == Qt.ItemDataRole.ToolTipRole and col == 1 and source == "unknown" and not key:
            return QCoreApplication.translate("ImportWizard", "Not a known roster column: choose a field to import it, or leave it out.")
        return None

    def setData(self, index: _Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if not index.isValid() or index.column() != 1 or role != Qt.ItemDataRole.EditRole:
            return False
        key = str(value) if value else None
        if key is not None:
            try:
                dd.field(key)
            except KeyError:
                return False
        row = self._rows[index.row()]
        if row[1] == key:
            return False
        row[1], row[2] = key, "user"
        self.dataChanged.emit(self.index(index.row(), 1), self.index(index.row(), 2))
        self.mapping_changed.emit(row[0], key)
        return True


class FieldDelegate(QStyledItemDelegate):
    """A combo of the dictionary fields (and "not imported") for the mapping column."""

    def createEditor(self, parent: QWidget, option: QStyleOptionViewItem, index: _Index) -> QWidget:
        combo = QComboBox(parent)
        combo.setObjectName("fieldCombo")
        lang = ui_language()
        combo.addItem(QCoreApplication.translate("ImportWizard", "(not imported)"), "")
        for f in mappable_fields():
            combo.addItem(field_label(f.key, lang), f.key)
        combo.setMaxVisibleItems(20)
        return combo

    def setEditorData(self, editor: QWidget, index: _Index) -> None:
        assert isinstance(editor, QComboBox)
        editor.setCurrentIndex(max(0, editor.findData(index.data(Qt.ItemDataRole.EditRole) or "")))

    def setModelData(self, editor: QWidget, model: Any, index: _Index) -> None:
        assert isinstance(editor, QComboBox)
        model.setData(index, editor.currentData(), Qt.ItemDataRole.EditRole)


class IssueModel(QAbstractTableModel):
    """Format errors of the file, then notices: row, column, household number, message."""

    HEADERS = (QT_TRANSLATE_NOOP("ImportWizard", "Row"), QT_TRANSLATE_NOOP("ImportWizard", "Column"),
               QT_TRANSLATE_NOOP("ImportWizard", "Household"),
               QT_TRANSLATE_NOOP("ImportWizard", "Problem"))

    def __init__(self, *, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._issues: list[ImportIssue] = []

    def set_issues(self, issues: tuple[ImportIssue, ...]) -> None:
        self.beginResetModel()
        self._issues = list(issues)
        self.endResetModel()

    def rowCount(self, parent: _Index = _ROOT) -> int:
        return 0 if parent.isValid() else len(self._issues)

    def columnCount(self, parent: _Index = _ROOT) -> int:
        return 0 if parent.isValid() else 4

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return tr(self.HEADERS[section])
        return None

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or index.row() >= len(self._issues):
            return None
        if role not in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return None
        e = self._issues[index.row()]
        return (e.row, e.column or "", e.household_no or "", e.message(ui_language()))[index.column()]


class ChangeModel(QAbstractTableModel):
    """Every field an import changes: household, member, field, old value -> new value. A changed
    ID number (a change of who the person is) is marked."""

    HEADERS = (QT_TRANSLATE_NOOP("ImportWizard", "Household"), QT_TRANSLATE_NOOP("ImportWizard", "Member"),
               QT_TRANSLATE_NOOP("ImportWizard", "Field"), QT_TRANSLATE_NOOP("ImportWizard", "Old value"),
               QT_TRANSLATE_NOOP("ImportWizard", "New value"))

    def __init__(self, *, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._changes: list[FieldChange] = []
        self._codebook: CodeBook | None = None
        self._identity: frozenset[str] = frozenset()

    def set_changes(self, changes: tuple[FieldChange, ...] | list[FieldChange],
                    codebook: CodeBook | None = None) -> None:
        from povdesk.services.importer import IDENTITY_FIELDS

        self.beginResetModel()
        self._changes = list(changes)
        self._codebook = codebook
        self._identity = IDENTITY_FIELDS
        self.endResetModel()

    def _value(self, key: str, value: str | None) -> str:
        """A code as its label (彝族, not 07); other values as the file and the registry hold them."""
        if value in (None, ""):
            return QCoreApplication.translate("ImportWizard", "(empty)")
        try:
            f = dd.field(key)
        except KeyError:
            return str(value)
        if f.type in (FieldType.CODE, FieldType.CODES):
            return values.display(f, value, ui_language(), self._codebook) or str(value)
        return str(value)

    def rowCount(self, parent: _Index = _ROOT) -> int:
        return 0 if parent.isValid() else len(self._changes)

    def columnCount(self, parent: _Index = _ROOT) -> int:
        return 0 if parent.isValid() else 5

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return tr(self.HEADERS[section])
        return None

    @staticmethod
    def _field(key: str) -> str:
        try:
            return dd.field(key).label(ui_language())
        except KeyError:  # a journal event (a member added), not a field
            return QCoreApplication.translate("ImportWizard", "member added") if key.startswith("member") else key

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or index.row() >= len(self._changes):
            return None
        c = self._changes[index.row()]
        identity = c.field_key in self._identity and c.old not in (None, "")
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            if role == Qt.ItemDataRole.ToolTipRole and identity:
                return QCoreApplication.translate("ImportWizard", "A changed ID number is a change of identity: "
                                                  "a reviewer should confirm it.")
            col = index.column()
            if col == 3:
                return self._value(c.field_key, c.old)
            if col == 4:
                return self._value(c.field_key, c.new)
            return (c.household_no, c.member or "", self._field(c.field_key))[col]
        if role == Qt.ItemDataRole.BackgroundRole and identity:
            return QBrush(QColor("#fde7e9"))
        return None


class ChangeList(QWidget):
    """The changes of a dry run or an import, with a filter (any column) and a count."""

    def __init__(self, *, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = ChangeModel(parent=self)
        self.proxy = QSortFilterProxyModel(self)
        self.proxy.setSourceModel(self.model)
        self.proxy.setFilterKeyColumn(-1)
        self.proxy.setFilterCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.filter = QLineEdit()
        self.filter.setObjectName("changeFilter")
        self.filter.setClearButtonEnabled(True)
        self.filter.setPlaceholderText(QCoreApplication.translate(
            "ImportWizard", "Filter by household number, name, field or value"))
        self.filter.textChanged.connect(self.proxy.setFilterFixedString)
        self.view = QTableView()
        self.view.setObjectName("changeView")
        self.view.setModel(self.proxy)
        self.view.setSortingEnabled(True)
        self.view.setWordWrap(False)
        self.view.horizontalHeader().setStretchLastSection(True)
        self.view.verticalHeader().setVisible(False)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.filter)
        layout.addWidget(self.view, 1)

    def set_changes(self, changes: tuple[FieldChange, ...], codebook: CodeBook | None = None) -> None:
        self.model.set_changes(changes, codebook)
        self.view.resizeColumnsToContents()

    def shown(self) -> int:
        return self.proxy.rowCount()


def _identity_text(result: ImportResult) -> str:
    n = len(result.identity_changes)
    if not n:
        return ""
    if result.dry_run:
        return QCoreApplication.translate("ImportWizard", "{0} identity changes will be sent for review. A changed ID "
                                          "number is a change of identity, not a correction: the import leaves it "
                                          "as held and makes a change request for a reviewer.").format(n)
    return QCoreApplication.translate("ImportWizard", "{0} identity changes were sent for review. The ID numbers stay "
                                      "as held until a reviewer approves each change request.").format(n)


class ResultTabs(QTabWidget):
    """Changes, identity changes (marked) and the file's errors and notices, each in a tab."""

    def __init__(self, *, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.changes = ChangeList()
        self.identity = ChangeList()
        self.identity.setObjectName("identityChanges")
        self.issues = IssueModel(parent=self)
        self.issue_view = QTableView()
        self.issue_view.setObjectName("issueView")
        self.issue_view.setModel(self.issues)
        self.issue_view.horizontalHeader().setStretchLastSection(True)
        self.issue_view.verticalHeader().setVisible(False)
        self.addTab(self.changes, "")
        self.addTab(self.identity, "")
        self.addTab(self.issue_view, "")
        self.show_result(None)

    def show_result(self, result: ImportResult | None, codebook: CodeBook | None = None) -> None:
        changes = result.changes if result is not None else ()
        identity = result.identity_changes if result is not None else ()
        issues = (result.errors + result.notices) if result is not None else ()
        self.changes.set_changes(changes, codebook)
        self.identity.set_changes(identity, codebook)
        self.issues.set_issues(issues)
        self.issue_view.resizeColumnsToContents()
        self.setTabText(0, QCoreApplication.translate("ImportWizard", "Changes ({0})").format(len(changes)))
        self.setTabText(1, QCoreApplication.translate("ImportWizard", "Identity changes ({0})").format(len(identity)))
        self.setTabText(2, QCoreApplication.translate("ImportWizard", "Errors and notices ({0})").format(len(issues)))
        self.tabBar().setTabTextColor(1, QColor("#b00020") if identity else self.tabBar().tabTextColor(0))
        if identity:
            self.setCurrentIndex(1)
        elif result is not None and result.errors:
            self.setCurrentIndex(2)
        else:
            self.setCurrentIndex(0)


# ----------------------------------------------------------------------------- pages
def _summary_lines(result: ImportResult) -> list[tuple[str, str]]:
    return [
        (QCoreApplication.translate("ImportWizard", "New households"), str(result.households_new)),
        (QCoreApplication.translate("ImportWizard", "New members"), str(result.members_new)),
        (QCoreApplication.translate("ImportWizard", "Changed fields"), QCoreApplication.translate("ImportWizard", "{0} in {1} households").format(result.fields_changed,
                                                                  result.households_changed)),
        (QCoreApplication.translate("ImportWizard", "Values to be cleared (blank in the file)") if result.dry_run
         else QCoreApplication.translate("ImportWizard", "Values cleared (blank in the file)"), "、".join(
            f"{field_label(k, ui_language())} {n}" for k, n in list(result.cleared().items())[:5]) or "0"),
        (QCoreApplication.translate("ImportWizard", "Unchanged households"), str(result.households_unchanged)),
        (QCoreApplication.translate("ImportWizard", "Skipped households (format errors)"), str(len(result.households_skipped))),
        (QCoreApplication.translate("ImportWizard", "Format errors"), str(len(result.errors))),
        (QCoreApplication.translate("ImportWizard", "Notices (imported: control characters removed, "
                                    "repeated rows merged)"), str(len(result.notices))),
        (QCoreApplication.translate("ImportWizard", "Members missing from the file (kept, to review)"), str(len(result.missing_members))),
        (QCoreApplication.translate("ImportWizard", "Places created"), ", ".join(
            f"{p.name} {p.code}" + (QCoreApplication.translate("ImportWizard", " (placeholder code)") if p.placeholder_code else "")
            for p in result.places_created) or "0"),
    ]


class _SummaryForm(QWidget):
    def __init__(self, *, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.form = QFormLayout(self)
        self.values: dict[str, QLabel] = {}

    def show_result(self, result: ImportResult) -> None:
        while self.form.rowCount():
            self.form.removeRow(0)
        self.values = {}
        for label, value in _summary_lines(result):
            widget = QLabel(value)
            widget.setWordWrap(True)
            widget.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            self.values[label] = widget
            self.form.addRow(label + ":", widget)


class FilePage(QWizardPage):
    def __init__(self, *, wizard: ImportWizard) -> None:
        super().__init__()
        self._wizard = wizard
        self.setTitle(QCoreApplication.translate("ImportWizard", "Choose the roster file"))
        self.setSubTitle(QCoreApplication.translate("ImportWizard", "The person list or household list exported by the national system "
                            "(.xlsx, .xls, or .csv in UTF-8 or GBK)."))
        self.path_edit = QLineEdit()
        self.path_edit.setObjectName("pathEdit")
        self.path_edit.setPlaceholderText(QCoreApplication.translate("ImportWizard", "Roster file"))
        browse = QPushButton(QCoreApplication.translate("ImportWizard", "Browse…"))
        browse.clicked.connect(self._browse)
        self.error_label = QLabel()
        self.error_label.setObjectName("fileError")
        self.error_label.setWordWrap(True)
        self.error_label.setStyleSheet("color: #b00020;")
        row = QHBoxLayout()
        row.addWidget(self.path_edit, 1)
        row.addWidget(browse)
        layout = QVBoxLayout(self)
        layout.addLayout(row)
        layout.addWidget(self.error_label)
        layout.addStretch(1)
        self.registerField("path*", self.path_edit)

    def _browse(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, QCoreApplication.translate("ImportWizard", "Choose the roster file"), str(Path.home()),
                                              QCoreApplication.translate("ImportWizard", "Rosters (*.xlsx *.xls *.csv);;All files (*)"))
        if path:
            self.path_edit.setText(path)

    def validatePage(self) -> bool:
        self.error_label.clear()
        try:
            self._wizard.header = self._wizard.services.importer.inspect(self.path_edit.text().strip())
        except PovdeskError as exc:
            self.error_label.setText(error_text(exc))
            return False
        self._wizard.path = Path(self.path_edit.text().strip())
        self._wizard.mapping = {}
        return True


class MappingPage(QWizardPage):
    def __init__(self, *, wizard: ImportWizard) -> None:
        super().__init__()
        self._wizard = wizard
        self.setTitle(QCoreApplication.translate("ImportWizard", "Columns"))
        self.layout_label = QLabel()
        self.layout_label.setObjectName("layoutLabel")
        self.layout_label.setWordWrap(True)
        self.model = ColumnMappingModel(parent=self)
        self.view = QTableView()
        self.view.setObjectName("mappingView")
        self.view.setModel(self.model)
        self.view.setItemDelegateForColumn(1, FieldDelegate(self.view))
        self.view.setEditTriggers(QTableView.EditTrigger.AllEditTriggers)
        self.view.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.view.verticalHeader().setVisible(False)
        layout = QVBoxLayout(self)
        layout.addWidget(self.layout_label)
        layout.addWidget(self.view, 1)

    def initializePage(self) -> None:
        header = self._wizard.header
        assert header is not None
        self.model.set_columns(header)
        kind = (QCoreApplication.translate("ImportWizard", "person list: one row per member") if header.layout == "person"
                else QCoreApplication.translate("ImportWizard", "household list: one row per household"))
        self.setSubTitle(QCoreApplication.translate("ImportWizard", "Header found in row {0}. Unknown columns are not imported unless you "
                            "choose a field for them; your choice is remembered.").format(header.header_row))
        self.layout_label.setText(QCoreApplication.translate("ImportWizard", "{0}: {1}; {2} columns, {3} unknown.").format(
            header.file, kind, self.model.rowCount(), self.model.unknown_count()))
        self.view.resizeColumnToContents(0)

    def validatePage(self) -> bool:
        mapping = self.model.mapping()
        importer = self._wizard.services.importer
        for header, key in mapping.items():
            importer.remember_mapping(header, key)
        self._wizard.mapping = mapping
        return True


class _TaskPage(QWizardPage):
    """A page that runs one background task with an embedded progress bar."""

    def __init__(self, *, wizard: ImportWizard) -> None:
        super().__init__()
        self._wizard = wizard
        self.task: Task | None = None
        self._complete = False
        self.progress = QProgressBar()
        self.progress.setObjectName("progressBar")
        self.status = QLabel()
        self.status.setObjectName("statusLabel")
        self.status.setWordWrap(True)

    def isComplete(self) -> bool:
        return self._complete

    def _set_complete(self, value: bool) -> None:
        self._complete = value
        self.completeChanged.emit()

    def _show_progress(self, done: int, total: int) -> None:
        self.progress.setMaximum(max(total, 0))
        self.progress.setValue(min(done, total) if total > 0 else 0)


class PreviewPage(_TaskPage):
    def __init__(self, *, wizard: ImportWizard) -> None:
        super().__init__(wizard=wizard)
        self.setTitle(QCoreApplication.translate("ImportWizard", "What the import will do"))
        self.setSubTitle(QCoreApplication.translate("ImportWizard", "A dry run: nothing has been written yet."))
        self.summary = _SummaryForm()
        self.identity_label = QLabel()
        self.identity_label.setObjectName("identityLabel")
        self.identity_label.setWordWrap(True)
        self.identity_label.setStyleSheet("color: #b00020;")
        self.tabs = ResultTabs()
        self.issues = self.tabs.issues
        self.issue_view = self.tabs.issue_view
        layout = QVBoxLayout(self)
        layout.addWidget(self.progress)
        layout.addWidget(self.status)
        layout.addWidget(self.summary)
        layout.addWidget(self.identity_label)
        layout.addWidget(self.tabs, 1)
        self.setButtonText(QWizard.WizardButton.NextButton, QCoreApplication.translate("ImportWizard", "Import"))

    def initializePage(self) -> None:
        self._set_complete(False)
        self.tabs.show_result(None)
        self.identity_label.clear()
        self.status.setText(QCoreApplication.translate("ImportWizard", "Reading the file…"))
        self.progress.show()
        w = self._wizard
        path, mapping = w.chosen_path, dict(w.mapping)
        importer = w.services.importer

        def work(progress: Any, cancel: Any) -> ImportResult:
            return importer.preview(path, mapping=mapping, progress=progress, cancel=cancel)

        self.task = run_in_background(work, parent=self, on_done=self._done, on_error=self._failed)
        self.task.progressed.connect(self._show_progress)

    def cleanupPage(self) -> None:
        if self.task is not None and self.task.running:
            self.task.cancel()

    def _done(self, result: ImportResult) -> None:
        self._wizard.preview = result
        self.progress.hide()
        self.summary.show_result(result)
        self.tabs.show_result(result, self._wizard.services.db.codebook())
        self.identity_label.setText(_identity_text(result))
        self.identity_label.setVisible(bool(result.identity_changes))
        if result.imported_anything:
            self.status.setText(QCoreApplication.translate("ImportWizard", "Press Import to write these changes in one step."))
        else:
            self.status.setText(QCoreApplication.translate("ImportWizard", "Nothing can be imported: every household has format errors."))
        self._set_complete(result.imported_anything)

    def _failed(self, exc: BaseException) -> None:
        self.progress.hide()
        self.status.setText(error_text(exc))


class RunPage(_TaskPage):
    def __init__(self, *, wizard: ImportWizard) -> None:
        super().__init__(wizard=wizard)
        self.setTitle(QCoreApplication.translate("ImportWizard", "Importing"))
        self.setSubTitle(QCoreApplication.translate("ImportWizard", "All changes are written in one step; cancelling leaves the database as it was."))
        self.cancel_button = QPushButton(QCoreApplication.translate("ImportWizard", "Cancel import"))
        self.cancel_button.setObjectName("cancelImport")
        self.cancel_button.clicked.connect(self.cancel)
        layout = QVBoxLayout(self)
        layout.addWidget(self.progress)
        layout.addWidget(self.status)
        layout.addWidget(self.cancel_button)
        layout.addStretch(1)
        self.setCommitPage(True)

    def initializePage(self) -> None:
        self._set_complete(False)
        self.cancel_button.setEnabled(True)
        self.status.setText(QCoreApplication.translate("ImportWizard", "Importing…"))
        w = self._wizard
        path, mapping = w.chosen_path, dict(w.mapping)
        importer = w.services.importer

        def work(progress: Any, cancel: Any) -> ImportResult:
            return importer.run(path, mapping=mapping, progress=progress, cancel=cancel)

        self.task = run_in_background(work, parent=self, on_done=self._done, on_error=self._failed,
                                      on_cancelled=self._cancelled, writes=True)
        self.task.progressed.connect(self._show_progress)

    def cancel(self) -> None:
        if self.task is not None and self.task.running:
            self.task.cancel()
            self.status.setText(QCoreApplication.translate("ImportWizard", "Cancelling…"))
            self.cancel_button.setEnabled(False)

    def _done(self, result: ImportResult) -> None:
        self._wizard.import_result = result
        self.cancel_button.setEnabled(False)
        self.progress.setValue(self.progress.maximum())
        self.status.setText(QCoreApplication.translate("ImportWizard", "Done."))
        self._set_complete(True)
        self._wizard.imported.emit(result)
        self._wizard.next()

    def _cancelled(self) -> None:
        self.cancel_button.setEnabled(False)
        self.status.setText(QCoreApplication.translate("ImportWizard", "Import cancelled. Nothing was changed."))
        self._wizard.cancelled_import = True

    def _failed(self, exc: BaseException) -> None:
        self.cancel_button.setEnabled(False)
        self.status.setText(QCoreApplication.translate("ImportWizard", "The import failed and nothing was changed: {0}").format(error_text(exc)))


class ResultPage(QWizardPage):
    def __init__(self, *, wizard: ImportWizard) -> None:
        super().__init__()
        self._wizard = wizard
        self.setTitle(QCoreApplication.translate("ImportWizard", "Import finished"))
        self.summary = _SummaryForm()
        self.checks_label = QLabel()
        self.checks_label.setObjectName("checksLabel")
        self.checks_label.setWordWrap(True)
        self.identity_label = QLabel()
        self.identity_label.setObjectName("identityLabel")
        self.identity_label.setWordWrap(True)
        self.identity_label.setStyleSheet("color: #b00020;")
        self.tabs = ResultTabs()
        self.check_task: Task | None = None
        self.check_result: CheckRunResult | None = None
        self.note = QLabel()
        self.note.setObjectName("resultNote")
        self.note.setWordWrap(True)
        self.report_button = QPushButton(QCoreApplication.translate("ImportWizard", "Save error report…"))
        self.report_button.setObjectName("reportButton")
        self.report_button.clicked.connect(self._choose_report)
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addWidget(self.checks_label)
        layout.addWidget(self.identity_label)
        layout.addWidget(self.tabs, 1)
        layout.addWidget(self.note)
        layout.addWidget(self.report_button)

    def initializePage(self) -> None:
        result = self._wizard.import_result
        assert result is not None
        self.summary.show_result(result)
        self.tabs.show_result(result, self._wizard.services.db.codebook())
        self.identity_label.setText(_identity_text(result))
        self.identity_label.setVisible(bool(result.identity_changes))
        self._run_checks(result)
        self.report_button.setEnabled(bool(result.errors or result.kept))
        notes = []
        if result.errors:
            notes.append(QCoreApplication.translate("ImportWizard", "Households with format errors were skipped whole. The error report is a "
                            "copy of the file with every faulty cell marked and a message column."))
            skipped = set(result.households_skipped)
            notes.append(QCoreApplication.translate(
                "ImportWizard", "Kept: {0} households of the file were imported; only the {1} households "
                "with errors wait for the corrected file.").format(
                result.households_in_file - len(skipped), len(skipped)))
        if result.kept:
            notes.append(QCoreApplication.translate(
                "ImportWizard", "{0} cells could not be read: only those fields were left out, the rest of "
                "their rows was imported (see the notices and the error report).").format(len(result.kept)))
        if result.missing_members:
            notes.append(QCoreApplication.translate("ImportWizard", "Members no longer in the file were kept; review them: {0}").format(
                ", ".join(f"{m.household_no} {m.name}" for m in result.missing_members[:20])))
        self.note.setText("\n".join(notes))

    def _run_checks(self, result: ImportResult) -> None:
        """The checks on the households the import added or changed; say what opened and closed."""
        ids = list(result.household_ids)
        self.check_result = None
        if not ids:
            self.checks_label.setText(QCoreApplication.translate(
                "ImportWizard", "No household changed: the checks have nothing new to look at."))
            return
        self.checks_label.setText(QCoreApplication.translate(
            "ImportWizard", "Checking the {0} changed households…").format(len(ids)))
        checks = self._wizard.services.checks

        def work(progress: Any, cancel: Any) -> CheckRunResult:
            return checks.run(household_ids=ids, progress=progress, cancel=cancel)

        def done(run: CheckRunResult) -> None:
            self.check_result = run
            self.checks_label.setText(QCoreApplication.translate(
                "ImportWizard", "Checks on the {0} changed households: {1} problems opened, {2} closed, "
                "{3} still open.").format(run.households, run.opened, run.rectified + run.lapsed,
                                          run.still_open))
            self._wizard.checked.emit(run)

        def failed(exc: BaseException) -> None:
            self.checks_label.setText(QCoreApplication.translate(
                "ImportWizard", "The import is saved, but the checks did not run: {0}").format(error_text(exc)))

        self.check_task = run_in_background(work, parent=self, on_done=done, on_error=failed, writes=True)

    def _choose_report(self) -> None:
        assert self._wizard.path is not None
        default = self._wizard.path.with_name(self._wizard.path.stem + "_错误报告.xlsx")
        out, _ = QFileDialog.getSaveFileName(self, QCoreApplication.translate("ImportWizard", "Save error report"), str(default),
                                             QCoreApplication.translate("ImportWizard", "Excel workbook (*.xlsx)"))
        if out:
            self.save_report(Path(out))

    def save_report(self, out: Path) -> Task:
        w = self._wizard
        path, mapping, result = w.chosen_path, dict(w.mapping), w.import_result
        importer = w.services.importer

        def work(progress: Any, cancel: Any) -> Path:
            return importer.write_error_report(path, out, result, mapping=mapping)

        def done(written: Path) -> None:
            w.report_written = written
            self.note.setText(self.note.text() + "\n" + QCoreApplication.translate("ImportWizard", "Error report saved: {0}").format(written))

        return run_in_background(work, parent=self, on_done=done,
                                 progress_label=QCoreApplication.translate("ImportWizard", "Writing the error report…"), cancellable=False)


class ImportWizard(QWizard):
    """Choose file → columns → dry run → import (progress, cancel) → result with error report."""

    imported = Signal(object)  # ImportResult, after the transaction committed
    checked = Signal(object)  # CheckRunResult of the changed households, after the import

    def __init__(self, *, services: Services, path: str | Path | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.services = services
        self.path: Path | None = None
        self.header: HeaderPreview | None = None
        self.mapping: dict[str, str | None] = {}
        self.preview: ImportResult | None = None
        self.import_result: ImportResult | None = None
        self.report_written: Path | None = None
        self.cancelled_import = False
        self.setObjectName("importWizard")
        self.setWindowTitle(QCoreApplication.translate("ImportWizard", "Import roster"))
        self.setWizardStyle(QWizard.WizardStyle.ModernStyle)
        self.setOption(QWizard.WizardOption.NoBackButtonOnLastPage, True)
        # the import is written by then: a Cancel button would suggest it could still be undone
        self.setOption(QWizard.WizardOption.NoCancelButtonOnLastPage, True)
        self.file_page = FilePage(wizard=self)
        self.mapping_page = MappingPage(wizard=self)
        self.preview_page = PreviewPage(wizard=self)
        self.run_page = RunPage(wizard=self)
        self.result_page = ResultPage(wizard=self)
        for page in (self.file_page, self.mapping_page, self.preview_page, self.run_page,
                     self.result_page):
            self.addPage(page)
        self.resize(900, 680)
        if path is not None:
            self.file_page.path_edit.setText(str(path))


    @property
    def chosen_path(self) -> Path:
        """The file chosen on the first page (the pages after it are reached only with one)."""
        if self.path is None:
            raise RuntimeError("no file has been chosen")
        return self.path
    def reject(self) -> None:
        task = self.run_page.task
        if task is not None and task.running:  # closing mid-import cancels it first
            self.run_page.cancel()
            task.ended.connect(super().reject)
            return
        super().reject()


# ----------------------------------------------------------------------------- main window
def install_import_actions(window: Any) -> tuple[QAction, QAction]:
    """'Import roster…' and 'Export roster…' in the main window's data menu."""
    menu = window.menus["data"]
    import_action = QAction(QCoreApplication.translate("ImportWizard", "Import roster…"), window)
    import_action.setObjectName("importRosterAction")
    export_action = QAction(QCoreApplication.translate("ImportWizard", "Export roster…"), window)
    export_action.setObjectName("exportRosterAction")

    def open_wizard() -> ImportWizard:
        wizard = ImportWizard(services=window.services, parent=window)
        wizard.imported.connect(lambda _result: window.refresh())
        wizard.checked.connect(lambda _run: window.refresh())
        wizard.show()
        window._import_wizard = wizard  # kept alive while open; tests reach it here
        return wizard

    def export() -> None:
        out, _ = QFileDialog.getSaveFileName(window, QCoreApplication.translate("ImportWizard", "Export roster"), str(Path.home() / "花名册.xlsx"),
                                             QCoreApplication.translate("ImportWizard", "Excel workbook (*.xlsx)"))
        if out:
            export_roster(window, Path(out))

    import_action.triggered.connect(lambda: open_wizard())
    export_action.triggered.connect(export)
    menu.addSeparator()
    menu.addAction(import_action)
    menu.addAction(export_action)
    import_action.setShortcut(QKeySequence("Ctrl+I"))
    export_action.setShortcut(QKeySequence("Ctrl+Shift+S"))
    window.actions_by_name.update(import_roster=import_action, export_roster=export_action)
    return import_action, export_action


def export_roster(window: Any, out: Path) -> Task:
    """Write the roster (layout (a)) in the background; the status bar says where it went."""
    importer = window.services.importer

    def work(progress: Any, cancel: Any) -> int:
        return importer.export_roster(out, progress=progress, cancel=cancel)

    def done(count: int) -> None:
        window.statusBar().showMessage(QCoreApplication.translate("ImportWizard", "Exported {0} members to {1}").format(count, out), 10_000)

    return run_in_background(work, parent=window, on_done=done,
                             on_error=lambda exc: show_error(window, exc),
                             progress_label=QCoreApplication.translate("ImportWizard", "Exporting the roster…"))
