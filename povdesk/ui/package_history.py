"""The monthly packages sent so far (issue 12 §5): sequence, month, counts, who exported when, the
file's hash and the province's feedback, with Verify (every check of `package verify`, each finding
shown) and Open folder; and the Changes menu's package actions.

The database keeps each package's file name and hash, not where the file lies: the window remembers
where it wrote each one on this computer (`package_wizard.remember_file`) and otherwise asks.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QCoreApplication, QObject, Qt, QUrl
from PySide6.QtGui import QAction, QDesktopServices
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from povdesk.domain import changes as cr
from povdesk.ui.application import lang_key
from povdesk.ui.messages import ERROR_STYLE, OK_STYLE, error_text
from povdesk.ui.package_wizard import (
    mono_font,
    open_folder,
    package_folder,
    remember_file,
    remembered_file,
    type_label,
)
from povdesk.ui.table_models import ROOT, Index, ReadOnlyTableModel
from povdesk.ui.tasks import Task, run_in_background

if TYPE_CHECKING:  # the service (reportlab, cryptography) loads when a package action is used
    from povdesk.services.packages import PackageRecord


def local_time(at: dt.datetime | None) -> str:
    """A stored time (UTC, naive) in the desk's time zone."""
    if at is None:
        return ""
    return at.replace(tzinfo=dt.UTC).astimezone().strftime("%Y-%m-%d %H:%M")


def _shown(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return QCoreApplication.translate("Packages", "yes") if value else ""
    if isinstance(value, dt.datetime):
        return local_time(value)
    if isinstance(value, int):
        return f"{value:,}"
    return str(value)


class PackageHistoryModel(ReadOnlyTableModel):
    """One package per row, newest first."""

    FILE, PERIOD, SEQUENCE, CHANGES, TYPES, BY, AT, SHA, FEEDBACK, ACCEPTED, REJECTED = range(11)

    def __init__(self, *, parent: QObject | None = None) -> None:
        super().__init__(parent=parent)
        self._records: list[PackageRecord] = []
        self._texts: list[list[str]] = []
        self.set_headers([self.tr("File"), self.tr("Month"), self.tr("No."), self.tr("Changes"),
                          self.tr("By type"), self.tr("Exported by"), self.tr("Exported at"), "SHA-256",
                          self.tr("Feedback received"), self.tr("Accepted"), self.tr("Rejected")])

    def set_records(self, records: Sequence[PackageRecord]) -> None:
        self.beginResetModel()
        self._records = list(records)
        self._texts = [self._row(r) for r in self._records]
        self.endResetModel()

    @staticmethod
    def _row(r: PackageRecord) -> list[str]:
        types = " · ".join(f"{type_label(t)} {r.by_type[t]}" for t in cr.TYPES if r.by_type.get(t))
        return [r.file_name, r.period, f"{r.sequence:03d}", f"{r.changes:,}", types, r.exported_by,
                local_time(r.exported_at), r.sha256[:16] + "…", local_time(r.feedback_at),
                _shown(r.accepted) if r.feedback_files else "", _shown(r.rejected) if r.feedback_files else ""]

    def record(self, row: int) -> PackageRecord | None:
        return self._records[row] if 0 <= row < len(self._records) else None

    def rowCount(self, parent: Index = ROOT) -> int:
        return 0 if parent.isValid() else len(self._records)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid() or not 0 <= index.row() < len(self._texts):
            return None
        r, col = index.row(), index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return self._texts[r][col]
        if role == Qt.ItemDataRole.ToolTipRole:
            if col == self.SHA:
                return self._records[r].sha256
            text = self._texts[r][col]
            return text if len(text) > 24 else None
        if role == Qt.ItemDataRole.TextAlignmentRole and col in (self.SEQUENCE, self.CHANGES, self.ACCEPTED,
                                                                  self.REJECTED):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.FontRole and col == self.SHA:
            return mono_font()
        return None


class VerifyDialog(QDialog):
    """What `verify` found in one package file: passed, or each thing wrong."""

    def __init__(self, *, verification: Any, record: PackageRecord | None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("packageVerifyDialog")
        self.setWindowTitle(self.tr("Verify package"))
        lang = lang_key()
        self.findings = [p.message(lang) for p in verification.problems]
        if not verification.signature_checked and not self.findings:
            self.findings.append(self.tr("The signature was not checked: the office has no key."))
        self.same_file = record is not None and verification.sha256 == record.sha256
        if record is not None and verification.sha256 is not None and not self.same_file:
            self.findings.append(self.tr("The file is not the one exported: its SHA-256 differs from the "
                                         "history's ({0}…).").format(record.sha256[:16]))
        self.ok = verification.ok and not self.findings
        head = QLabel()
        head.setObjectName("verifyVerdict")
        head.setWordWrap(True)
        if self.ok:
            head.setText(self.tr("The package is intact: the signature is the office's, and every file has "
                                 "its listed size and SHA-256."))
            head.setStyleSheet(OK_STYLE + " font-weight: bold;")
        else:
            head.setText(self.tr("{0} things are wrong with this package:").format(len(self.findings)))
            head.setStyleSheet(ERROR_STYLE + " font-weight: bold;")
        file = QLabel(verification.file)
        file.setWordWrap(True)
        file.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        sha = QLabel(verification.sha256 or "")
        sha.setFont(mono_font())
        sha.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        facts = QFormLayout()
        facts.addRow(self.tr("File"), file)
        facts.addRow("SHA-256", sha)
        m = verification.manifest or {}
        if m.get("period") and m.get("sequence") is not None:
            facts.addRow(self.tr("Package"), QLabel(self.tr("{0}, no. {1}, {2} changes").format(
                m["period"], f"{int(m['sequence']):03d}", verification.changes or 0)))
        self.list = QListWidget()
        self.list.setObjectName("verifyFindings")
        self.list.setWordWrap(True)
        for text in self.findings:
            QListWidgetItem(text, self.list)
        self.list.setVisible(bool(self.findings))
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(head)
        layout.addLayout(facts)
        layout.addWidget(self.list, 1)
        if not self.findings:
            layout.addStretch(1)
        layout.addWidget(buttons)
        self.resize(680, 420 if self.findings else 220)


class PackageHistoryWindow(QDialog):
    """The packages sent so far; Verify and Open folder act on the selected one."""

    def __init__(self, *, services: Any, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("packageHistory")
        self.setWindowTitle(self.tr("Monthly packages"))
        self.setWindowFlag(Qt.WindowType.WindowMaximizeButtonHint, True)
        self.services = services
        self.message: str | None = None
        self.opener: Callable[[QUrl], bool] = QDesktopServices.openUrl
        self.ask_file: Callable[[PackageRecord], Path | None] = self._ask_file
        self.ask_feedback_file: Callable[[], Path | None] = self._ask_feedback_file
        self.feedback_task: Task | None = None
        self.verify_task: Task | None = None
        self.verify_dialog: VerifyDialog | None = None
        self.on_export: Callable[[], object] | None = None

        self.model = PackageHistoryModel(parent=self)
        self.view = QTableView()
        self.view.setObjectName("packageHistoryView")
        self.view.setModel(self.model)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.view.setAlternatingRowColors(True)
        self.view.setWordWrap(False)
        self.view.verticalHeader().setVisible(False)
        self.view.verticalHeader().setDefaultSectionSize(self.view.fontMetrics().height() + 8)
        self.view.horizontalHeader().setStretchLastSection(False)
        self.view.doubleClicked.connect(lambda _i: self.verify())
        self.count = QLabel()
        self.count.setObjectName("packageCount")
        self.error = QLabel()
        self.error.setWordWrap(True)
        self.error.setStyleSheet(ERROR_STYLE)
        self.error.hide()
        self.export_button = QPushButton(self.tr("Export package…"))
        self.export_button.setObjectName("packageExport")
        self.export_button.clicked.connect(lambda: self.on_export() if self.on_export else None)
        self.export_button.setVisible(False)
        self.verify_button = QPushButton(self.tr("Verify…"))
        self.verify_button.setObjectName("packageVerify")
        self.verify_button.clicked.connect(lambda: self.verify())
        self.feedback_button = QPushButton(self.tr("Import feedback…"))
        self.feedback_button.setObjectName("packageFeedback")
        self.feedback_button.setToolTip(self.tr("The province's answer to the packages sent (.xlsx or .json): "
                                                "accepted changes are marked, each rejected one comes back "
                                                "to its maker as a returned request"))
        self.feedback_button.clicked.connect(lambda: self.import_feedback())
        self.info = QLabel()
        self.info.setObjectName("packageInfo")
        self.info.setWordWrap(True)
        self.info.hide()
        self.open_button = QPushButton(self.tr("Open folder"))
        self.open_button.setObjectName("packageOpen")
        self.open_button.clicked.connect(lambda: self.open_folder())
        close = QPushButton(self.tr("Close"))
        close.setAutoDefault(False)
        close.clicked.connect(self.close)
        self.view.selectionModel().selectionChanged.connect(lambda *_a: self._enable())

        buttons = QHBoxLayout()
        buttons.addWidget(self.count, 1)
        buttons.addWidget(self.export_button)
        buttons.addWidget(self.verify_button)
        buttons.addWidget(self.feedback_button)
        buttons.addWidget(self.open_button)
        buttons.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addWidget(self.error)
        layout.addWidget(self.info)
        layout.addWidget(self.view, 1)
        layout.addLayout(buttons)
        self.resize(1180, 460)
        self.reload()

    def reload(self) -> None:
        self.error.hide()
        try:
            records = self.services.packages.history()
        except Exception as exc:
            records = []
            self._refused(error_text(exc))
        self.model.set_records(records)
        self.count.setText(self.tr("{0} packages").format(len(records)) if records
                           else self.tr("No package has been exported yet."))
        if records:
            self.view.resizeColumnsToContents()
            header = self.view.horizontalHeader()
            for col in range(self.model.columnCount()):
                header.resizeSection(col, min(header.sectionSize(col) + 14, 320))
            header.setSectionResizeMode(PackageHistoryModel.TYPES, QHeaderView.ResizeMode.Stretch)
            self.view.selectRow(0)
        self._enable()

    def _enable(self) -> None:
        has = self.current() is not None
        self.verify_button.setEnabled(has)
        self.open_button.setEnabled(has)

    def current(self) -> PackageRecord | None:
        index = self.view.currentIndex()
        return self.model.record(index.row()) if index.isValid() else None

    def select(self, row: int) -> bool:
        if not 0 <= row < self.model.rowCount():
            return False
        self.view.selectRow(row)
        return True

    # ------------------------------------------------------------------ the file
    def file_of(self, record: PackageRecord, *, ask: bool = True) -> Path | None:
        """Where the package's file is on this computer: where it was written, or in the package
        folder, or (asked) wherever the user finds it."""
        for candidate in (remembered_file(record.sha256), Path(package_folder()) / record.file_name):
            if candidate is not None and candidate.is_file():
                return candidate
        if not ask:
            return None
        found = self.ask_file(record)
        if found is not None and found.is_file():
            remember_file(found, record.sha256)
            return found
        return None

    def _ask_file(self, record: PackageRecord) -> Path | None:
        path, _ = QFileDialog.getOpenFileName(
            self, self.tr("Where is {0}?").format(record.file_name), package_folder(),
            self.tr("Packages (*.zip);;All files (*)"))
        return Path(path) if path else None

    def open_folder(self) -> bool:
        record = self.current()
        if record is None:
            return False
        path = self.file_of(record)
        if path is None:
            return False
        return open_folder(path, self.opener)

    def verify(self, path: Path | None = None) -> Task | None:
        """Run the service's verify on the selected package's file (off the GUI thread) and show
        each finding."""
        record = self.current()
        if path is None:
            if record is None:
                return None
            path = self.file_of(record)
            if path is None:
                return None
        packages = self.services.packages
        target = path

        def work(_progress: Any, _cancel: Any) -> Any:
            return packages.verify(target)

        def done(verification: Any) -> None:
            self.verify_dialog = VerifyDialog(verification=verification, record=record, parent=self)
            self.verify_dialog.open()

        self.verify_task = run_in_background(work, parent=self, on_done=done, on_error=self._failed,
                                             progress_label=self.tr("Verifying {0}…").format(path.name),
                                             cancellable=False)
        return self.verify_task

    # ------------------------------------------------------------------ the province's feedback
    def _ask_feedback_file(self) -> Path | None:
        path, _ = QFileDialog.getOpenFileName(
            self, self.tr("The province's feedback"), package_folder(),
            self.tr("Feedback (*.xlsx *.xls *.csv *.json);;All files (*)"))
        return Path(path) if path else None

    def import_feedback(self, path: Path | None = None) -> Task | None:
        """Read the province's answer (off the GUI thread) and say what it changed; a refused file
        (every row is checked first, nothing is written) shows each problem."""
        path = path or self.ask_feedback_file()
        if path is None:
            return None
        packages = self.services.packages
        target = path
        self.error.hide()
        self.info.hide()

        def work(_progress: Any, _cancel: Any) -> Any:
            return packages.feedback(target)

        def done(result: Any) -> None:
            if not result.changed:
                text = self.tr("{0}: nothing new, every answer in it was already recorded.").format(target.name)
            else:
                text = self.tr("{0}: {1} accepted, {2} rejected; each rejected change is back in its maker's "
                               "queue as a returned request.").format(target.name, len(result.accepted),
                                                                      len(result.rejected))
            self.message = text
            self.info.setText(text)
            self.info.show()
            self.reload()

        self.feedback_task = run_in_background(work, parent=self, on_done=done, on_error=self._failed,
                                               progress_label=self.tr("Reading {0}…").format(path.name),
                                               cancellable=False)
        return self.feedback_task

    def _failed(self, exc: BaseException) -> None:
        self._refused(error_text(exc))

    def _refused(self, text: str) -> None:
        self.message = text
        self.error.setText(text)
        self.error.show()


def open_history(window: Any) -> PackageHistoryWindow:
    dialog = getattr(window, "package_history", None)
    if dialog is None:
        from povdesk.ui.package_wizard import open_export_wizard

        dialog = PackageHistoryWindow(services=window.services, parent=window)
        dialog.on_export = lambda: open_export_wizard(window)
        dialog.export_button.setVisible(True)
        window.package_history = dialog
    else:
        dialog.reload()
    dialog.setWindowState(dialog.windowState() & ~Qt.WindowState.WindowMinimized)
    dialog.show()
    return dialog


def install_package_actions(window: Any) -> dict[str, QAction]:
    """Changes > Export monthly package…, Monthly packages…, Office signing key…."""
    from povdesk.ui.office_key_dialog import open_office_key
    from povdesk.ui.package_wizard import open_export_wizard

    menu = window.menus["changes"]
    menu.addSeparator()
    made: dict[str, QAction] = {}
    for name, text, slot in (
            ("exportPackageAction", QCoreApplication.translate("Packages", "&Export monthly package…"),
             lambda: open_export_wizard(window)),
            ("packageHistoryAction", QCoreApplication.translate("Packages", "Monthly &packages…"),
             lambda: open_history(window)),
            ("officeKeyAction", QCoreApplication.translate("Packages", "Office signing &key…"),
             lambda: open_office_key(window))):
        action = QAction(text, window)
        action.setObjectName(name)
        action.triggered.connect(slot)
        menu.addAction(action)
        made[name] = action
    window.actions_by_name.update(export_package=made["exportPackageAction"],
                                  package_history=made["packageHistoryAction"],
                                  office_key=made["officeKeyAction"])
    return made

