"""The director's export of the monthly package (issue 12 §5): the month and what it holds, the
problems that block it (each opens its household), the password that opens the office key, the
export off the GUI thread with progress and cancel, and the file written with its sequence and hash.

The wizard only shows what `PackageService` decides: the role, the blockers and the password are
checked again by the export itself, and its refusals are shown in the UI language.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QSettings, Qt, QUrl, Signal
from PySide6.QtGui import QDesktopServices, QFont, QFontDatabase
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
    QWizard,
    QWizardPage,
)

from povdesk.config import data_dir
from povdesk.domain import changes as cr
from povdesk.domain.roles import DIRECTOR, role_label
from povdesk.errors import Conflict
from povdesk.ui.application import lang_key
from povdesk.ui.messages import ERROR_STYLE, OK_STYLE, error_text
from povdesk.ui.tasks import Task, run_in_background

if TYPE_CHECKING:  # the service (reportlab, cryptography) loads when the wizard is used
    from povdesk.services.packages import ExportResult, PackagePreview

NOTE_STYLE = ("background: #fff6e0; border: 1px solid #e0c080; border-radius: 3px; padding: 8px;"
              " color: #5a4100;")


def ui_state() -> QSettings:
    """The window's own memory (the package folder, where each package was written)."""
    return QSettings(str(data_dir() / "ui-state.ini"), QSettings.Format.IniFormat)


def remember_file(path: Path, sha256: str) -> None:
    """Where a package was written on this computer: the history opens and verifies it there."""
    s = ui_state()
    s.setValue("packages/folder", str(path.parent))
    s.setValue(f"packages/paths/{sha256}", str(path))
    s.sync()


def remembered_file(sha256: str) -> Path | None:
    value = ui_state().value(f"packages/paths/{sha256}")
    return Path(str(value)) if value else None


def package_folder() -> str:
    value = ui_state().value("packages/folder")
    return str(value) if value else str(Path.home())


def mono_font() -> QFont:
    return QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)


def type_label(code: str) -> str:
    t = cr.TYPES.get(code)
    return t.label(lang_key()) if t is not None else code


def open_folder(path: Path, opener: Callable[[QUrl], bool] | None = None) -> bool:
    folder = path if path.is_dir() else path.parent
    return (opener or QDesktopServices.openUrl)(QUrl.fromLocalFile(str(folder)))


def _table(columns: list[str], object_name: str) -> QTableWidget:
    table = QTableWidget(0, len(columns))
    table.setObjectName(object_name)
    table.setHorizontalHeaderLabels(columns)
    table.verticalHeader().setVisible(False)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.setAlternatingRowColors(True)
    table.setWordWrap(False)
    table.verticalHeader().setDefaultSectionSize(table.fontMetrics().height() + 8)
    return table


def _item(text: str, *, right: bool = False) -> QTableWidgetItem:
    item = QTableWidgetItem(text)
    if right:
        item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
    return item


# ====================================================================== the month
class MonthPage(QWizardPage):
    """Pick the month; see its counts by type and the problems that block it."""

    def __init__(self, *, services: Any, director: bool, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.services = services
        self.director = director
        self.preview: PackagePreview | None = None
        self.message: str | None = None
        self.open_household: Callable[[int], object] | None = None
        self.setTitle(self.tr("The month to send"))
        self.setSubTitle(self.tr("The package carries every request the director signed off in the month "
                                 "that no earlier package carries."))

        self.not_allowed = QLabel()
        self.not_allowed.setObjectName("packageNotAllowed")
        self.not_allowed.setWordWrap(True)
        self.not_allowed.setStyleSheet(NOTE_STYLE)
        self.not_allowed.setVisible(not director)
        if not director:
            role = services.users.role_of()
            self.not_allowed.setText(self.tr(
                "Only the director exports the monthly package: it is signed with the office key, which "
                "the director's password protects. You are logged in as {0} ({1}); you can look at "
                "what the package would hold.").format(services.db.user, role_label(role, lang_key())))

        self.period = QComboBox()
        self.period.setObjectName("packagePeriod")
        self.period.setEditable(True)
        self.period.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.period.setMinimumContentsLength(10)
        edit = self.period.lineEdit()
        if edit is not None:
            edit.setPlaceholderText("YYYY-MM")
        try:
            pending = services.packages.pending_periods()
        except Exception as exc:
            pending = []
            self.message = error_text(exc)
        for period, n in pending:
            self.period.addItem(period, n)
        if not pending:
            self.period.addItem(cr.period_of(dt.date.today()), 0)
        self.period.setCurrentIndex(0)
        self.pending_note = QLabel(self.tr("Months waiting: {0}").format(
            "、".join(f"{p} ({n})" for p, n in pending)) if pending else self.tr("No month is waiting to be sent."))
        self.pending_note.setObjectName("packagePending")
        self.pending_note.setStyleSheet("color: #555;")
        self.period.currentTextChanged.connect(lambda _t: self.load())

        self.summary = QLabel()
        self.summary.setObjectName("packageSummary")
        self.summary.setWordWrap(True)
        self.counts = _table([self.tr("Type"), self.tr("Changes")], "packageCounts")
        header = self.counts.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)

        self.blockers_title = QLabel()
        self.blockers_title.setObjectName("packageBlockersTitle")
        self.blockers_title.setWordWrap(True)
        self.blockers = _table([self.tr("Household"), self.tr("Rule"), self.tr("Problem")], "packageBlockers")
        bh = self.blockers.horizontalHeader()
        bh.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        bh.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        bh.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.blockers.doubleClicked.connect(lambda index: self.jump(index.row()))
        self.blockers.itemSelectionChanged.connect(self._blocker_selected)
        self.jump_button = QPushButton(self.tr("Open household"))
        self.jump_button.setObjectName("packageJump")
        self.jump_button.setEnabled(False)
        self.jump_button.clicked.connect(lambda: self.jump(self.blockers.currentRow()))
        self.blockers_hint = QLabel(self.tr("Correct each problem, or have a reviewer accept it as an exception, "
                                            "then look again."))
        self.blockers_hint.setWordWrap(True)
        self.refresh_button = QPushButton(self.tr("Look again"))
        self.refresh_button.setObjectName("packageRefresh")
        self.refresh_button.clicked.connect(lambda: self.load())
        self.error = QLabel()
        self.error.setWordWrap(True)
        self.error.setStyleSheet(ERROR_STYLE)
        self.error.hide()

        month_row = QHBoxLayout()
        month_row.addWidget(QLabel(self.tr("Month")))
        month_row.addWidget(self.period)
        month_row.addWidget(self.refresh_button)
        month_row.addWidget(self.pending_note, 1)
        jump_row = QHBoxLayout()
        jump_row.addWidget(self.blockers_hint, 1)
        jump_row.addWidget(self.jump_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.not_allowed)
        layout.addLayout(month_row)
        layout.addWidget(self.summary)
        layout.addWidget(self.counts)
        layout.addWidget(self.blockers_title)
        layout.addWidget(self.blockers, 10)
        layout.addLayout(jump_row)
        layout.addWidget(self.error)
        layout.addStretch(1)
        self.load()

    def current_period(self) -> str:
        return self.period.currentText().strip()

    def set_period(self, period: str) -> None:
        self.period.setEditText(period)
        self.load()

    def load(self) -> PackagePreview | None:
        """Read what an export of the month would write now (reads only)."""
        self.error.hide()
        self.message = None
        period = self.current_period()
        self.preview = None
        if not cr.valid_period(period):
            self._show(None)
            if period:
                self._refused(self.tr("A month is written YYYY-MM."))
            return None
        try:
            self.preview = self.services.packages.preview(period)
        except Exception as exc:
            self._show(None)
            self._refused(error_text(exc))
            return None
        self._show(self.preview)
        return self.preview

    def _show(self, p: PackagePreview | None) -> None:
        self.counts.setRowCount(0)
        self.blockers.setRowCount(0)
        self._blocker_ids: list[int] = []
        if p is None:
            self.summary.setText("")
            self.blockers_title.hide()
            self.blockers.hide()
            self.blockers_hint.hide()
            self.jump_button.hide()
            self.completeChanged.emit()
            return
        if p.changes:
            self.summary.setText(self.tr(
                "Package no. {0} of {1}: {2} changes of {3} households.").format(
                f"{p.sequence:03d}", p.period, p.changes, p.households)
                + (self.tr(" {0} requests of this month went into earlier packages.").format(
                    p.already_exported) if p.already_exported else ""))
            self.summary.setStyleSheet("")
        else:
            self.summary.setText(self.tr("{0} holds no signed-off request that is not in a package yet: "
                                         "there is nothing to export.").format(p.period)
                                 + (self.tr(" {0} requests of this month went into earlier packages.")
                                    .format(p.already_exported) if p.already_exported else ""))
            self.summary.setStyleSheet("color: #555;")
        rows = [(type_label(t), n) for t in cr.TYPES if (n := p.by_type.get(t, 0))]
        if rows:
            rows.append((self.tr("Total"), p.changes))
        self.counts.setRowCount(len(rows))
        for r, (label, n) in enumerate(rows):
            self.counts.setItem(r, 0, _item(label))
            self.counts.setItem(r, 1, _item(f"{n:,}", right=True))
        if rows:
            bold = self.counts.font()
            bold.setBold(True)
            for c in range(2):
                cell = self.counts.item(len(rows) - 1, c)
                if cell is not None:
                    cell.setFont(bold)
        self.counts.setVisible(bool(rows))
        self.counts.setFixedHeight(self.counts.horizontalHeader().sizeHint().height()
                                   + self.counts.verticalHeader().defaultSectionSize() * len(rows)
                                   + 2 * self.counts.frameWidth())
        shown = p.changes > 0
        self.blockers_title.setVisible(shown)
        if p.blocked:
            self.blockers_title.setText(self.tr(
                "{0} open error-level problems of the changed households block the export:").format(
                len(p.blockers)))
            self.blockers_title.setStyleSheet(ERROR_STYLE + " font-weight: bold;")
        else:
            self.blockers_title.setText(self.tr("No open error-level problem in the changed households."))
            self.blockers_title.setStyleSheet(OK_STYLE)
        lang = lang_key()
        self.blockers.setRowCount(len(p.blockers))
        for r, b in enumerate(p.blockers):
            self.blockers.setItem(r, 0, _item(b.household_no))
            self.blockers.setItem(r, 1, _item(b.rule))
            message = b.message_zh if lang == "zh" else b.message_en
            cell = _item(message)
            cell.setToolTip(message)
            self.blockers.setItem(r, 2, cell)
            self._blocker_ids.append(b.household_id)
        for w in (self.blockers, self.blockers_hint, self.jump_button):
            w.setVisible(p.blocked)
        self.jump_button.setEnabled(False)
        self.completeChanged.emit()

    def _blocker_selected(self) -> None:
        self.jump_button.setEnabled(self.blockers.currentRow() >= 0 and self.open_household is not None)

    def jump(self, row: int) -> bool:
        """Show the blocking problem's household in the main window."""
        if not 0 <= row < len(self._blocker_ids) or self.open_household is None:
            return False
        self.open_household(self._blocker_ids[row])
        return True

    def _refused(self, text: str) -> None:
        self.message = text
        self.error.setText(text)
        self.error.show()

    def isComplete(self) -> bool:
        p = self.preview
        return self.director and p is not None and p.changes > 0 and not p.blocked


# ====================================================================== the password and the folder
class WritePage(QWizardPage):
    """Where to write and the password that opens the office key; Export runs off the GUI thread."""

    def __init__(self, *, services: Any, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.services = services
        self.result: ExportResult | None = None
        self.task: Task | None = None
        self.message: str | None = None
        self.setTitle(self.tr("Sign and write"))
        self.setSubTitle(self.tr("The package is signed with the office key and written as one file into "
                                 "the folder."))
        self.setCommitPage(True)
        self.setButtonText(QWizard.WizardButton.CommitButton, self.tr("Export"))

        self.folder = QLineEdit(package_folder())
        self.folder.setObjectName("packageFolder")
        self.folder.textChanged.connect(lambda _t: self.completeChanged.emit())
        browse = QPushButton(self.tr("Browse…"))
        browse.setAutoDefault(False)
        browse.clicked.connect(self._browse)
        self.password = QLineEdit()
        self.password.setObjectName("packagePassword")
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.password.textChanged.connect(lambda _t: self.completeChanged.emit())
        self.password_label = QLabel()
        self.key_note = QLabel()
        self.key_note.setObjectName("packageKeyNote")
        self.key_note.setWordWrap(True)
        self.key_note.setStyleSheet("color: #555;")
        self.error = QLabel()
        self.error.setObjectName("packageWriteError")
        self.error.setWordWrap(True)
        self.error.setStyleSheet(ERROR_STYLE)
        self.error.hide()

        folder_row = QHBoxLayout()
        folder_row.addWidget(self.folder, 1)
        folder_row.addWidget(browse)
        form = QFormLayout()
        form.addRow(self.tr("Folder"), folder_row)
        form.addRow(self.password_label, self.password)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.key_note)
        layout.addStretch(1)
        layout.addWidget(self.error)

    def initializePage(self) -> None:
        self.error.hide()
        try:
            key = self.services.packages.public_key()
        except Exception as exc:
            key = None
            self._refused(error_text(exc))
        if key is None:
            self.password_label.setText(self.tr("Your password"))
            self.key_note.setText(self.tr("The office has no signing key yet: it is made now and sealed with "
                                          "your password. Give the province its public key (Changes > Office "
                                          "signing key…)."))
        else:
            self.password_label.setText(self.tr("Password of {0}").format(key.holder))
            self.key_note.setText(self.tr("The office key (fingerprint {0}) is sealed with the password of "
                                          "director {1}.").format(key.fingerprint_shown[:19] + " …", key.holder))
        self.password.setFocus()

    def _browse(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, self.tr("Folder for the package"), self.folder.text())
        if folder:
            self.folder.setText(folder)

    def isComplete(self) -> bool:
        return bool(self.folder.text().strip()) and bool(self.password.text()) and (
            self.task is None or not self.task.running)

    def validatePage(self) -> bool:
        if self.result is not None:
            return True
        if self.task is None or not self.task.running:
            self.start()
        return False

    def start(self) -> Task:
        """Export off the GUI thread; on success the wizard goes on to the file written."""
        wizard = self.wizard()
        assert isinstance(wizard, ExportWizard)
        period = wizard.month.current_period()
        folder = Path(self.folder.text().strip())
        password = self.password.text()
        self.error.hide()
        self.message = None
        packages = self.services.packages

        def work(progress: Any, cancel: Any) -> ExportResult:
            folder.mkdir(parents=True, exist_ok=True)
            return packages.export(period, folder, password=password, progress=progress, cancel=cancel)

        self.task = run_in_background(
            work, parent=self, on_done=self._done, on_error=self._failed, on_cancelled=self._cancelled,
            progress_label=self.tr("Writing the package of {0}…").format(period), cancellable=True, writes=True)
        self.completeChanged.emit()
        return self.task

    def _done(self, result: ExportResult) -> None:
        self.password.clear()
        if result.file is None:
            self._refused(self.tr("Nothing new to export: another desk may have exported the month meanwhile."))
            return
        assert result.sha256 is not None
        self.result = result
        remember_file(result.file, result.sha256)
        wizard = self.wizard()
        if isinstance(wizard, ExportWizard):
            wizard.exported.emit(result)
            wizard.next()

    def _failed(self, exc: BaseException) -> None:
        self.completeChanged.emit()
        self._refused(error_text(exc))
        wizard = self.wizard()
        if isinstance(exc, Conflict) and isinstance(wizard, ExportWizard):
            wizard.month.load()  # new blockers, or another export: the month page says what now

    def _cancelled(self) -> None:
        self.completeChanged.emit()
        self._refused(self.tr("The export was cancelled; nothing was written or marked."))

    def _refused(self, text: str) -> None:
        self.message = text
        self.error.setText(text)
        self.error.show()
        self.completeChanged.emit()


# ====================================================================== the file written
class DonePage(QWizardPage):
    def __init__(self, *, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setTitle(self.tr("Package written"))
        self.setSubTitle(self.tr("Send the file to the province; keep the SHA-256 to compare with theirs."))
        self.opener: Callable[[QUrl], bool] = QDesktopServices.openUrl
        self.file = QLabel()
        self.file.setObjectName("packageFile")
        self.sequence = QLabel()
        self.sequence.setObjectName("packageSequence")
        self.changes = QLabel()
        self.sha = QLabel()
        self.sha.setObjectName("packageSha")
        self.sha.setFont(mono_font())
        for label in (self.file, self.sha):
            label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            label.setWordWrap(True)
        self.open_button = QPushButton(self.tr("Open folder"))
        self.open_button.setObjectName("packageOpenFolder")
        self.open_button.clicked.connect(lambda: self.open_folder())
        form = QFormLayout()
        form.addRow(self.tr("File"), self.file)
        form.addRow(self.tr("Sequence"), self.sequence)
        form.addRow(self.tr("Changes"), self.changes)
        form.addRow("SHA-256", self.sha)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(self.open_button)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addLayout(row)
        layout.addStretch(1)

    def initializePage(self) -> None:
        wizard = self.wizard()
        assert isinstance(wizard, ExportWizard)
        result = wizard.write.result
        if result is None or result.file is None:
            return
        self.file.setText(str(result.file))
        self.sequence.setText(f"{result.sequence:03d}" if result.sequence is not None else "")
        self.changes.setText(f"{result.changes:,}")
        sha = result.sha256 or ""
        self.sha.setText(" ".join(sha[i:i + 16] for i in range(0, len(sha), 16)))
        self.sha.setToolTip(sha)

    def open_folder(self) -> bool:
        wizard = self.wizard()
        result = wizard.write.result if isinstance(wizard, ExportWizard) else None
        if result is None or result.file is None:
            return False
        return open_folder(result.file, self.opener)


class ExportWizard(QWizard):
    """Export the monthly package; `exported(ExportResult)` once the file is written."""

    exported = Signal(object)

    def __init__(self, *, services: Any, window: Any = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("exportPackageWizard")
        self.setWindowTitle(self.tr("Export the monthly package"))
        self.setWizardStyle(QWizard.WizardStyle.ModernStyle)
        self.setOption(QWizard.WizardOption.NoBackButtonOnLastPage, True)
        self.setOption(QWizard.WizardOption.NoCancelButtonOnLastPage, True)
        self.services = services
        director = services.users.role_of() == DIRECTOR
        self.month = MonthPage(services=services, director=director)
        if window is not None:
            self.month.open_household = window.open_household
        self.write = WritePage(services=services)
        self.done_page = DonePage()
        for page in (self.month, self.write, self.done_page):
            self.addPage(page)
        self.resize(760, 600)


def open_export_wizard(window: Any) -> ExportWizard:
    wizard = ExportWizard(services=window.services, window=window, parent=window)
    history = getattr(window, "package_history", None)
    if history is not None:
        wizard.exported.connect(lambda _r: history.reload())
    wizard.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, True)
    window.export_wizard = wizard
    wizard.show()
    return wizard
