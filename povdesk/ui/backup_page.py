"""备份与恢复 (issue 15 §4): this database's backups (date, why, size, counts), Back up now, and
Restore… (with a confirmation and the hint to restart). A page the settings dialog hosts; the File
menu opens it in a dialog of its own (`BackupDialog`) until then.

On PostgreSQL the same page backs up with pg_dump and restores with pg_restore (the current
database kept as a pg_dump in the backups folder first); when either program is not on this
computer's PATH, the page says so in the service's words and the button it needs is disabled.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, Qt, QUrl, Signal
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from povdesk.services.facade import Services
from povdesk.ui.messages import error_text, show_error, show_info
from povdesk.ui.tasks import run_in_background

if TYPE_CHECKING:  # the backup service is imported when the page is first opened
    from povdesk.services.backups import BackupRecord, RestoreResult


def reason_label(reason: str) -> str:
    """Why a backup was taken, in the window's language."""
    labels = {
        "daily": QCoreApplication.translate("BackupPage", "first start of the day"),
        "manual": QCoreApplication.translate("BackupPage", "backed up by hand"),
        "before-import": QCoreApplication.translate("BackupPage", "before an import"),
        "before-signoff": QCoreApplication.translate("BackupPage", "before a month sign-off"),
        "before-export": QCoreApplication.translate("BackupPage", "before a package export"),
        "before-restore": QCoreApplication.translate("BackupPage", "the database as it was before a restore"),
    }
    if reason in labels:
        return labels[reason]
    if reason.startswith("before-"):
        return QCoreApplication.translate("BackupPage", "before upgrading to {0}").format(reason[7:])
    return reason


def size_text(size: int) -> str:
    return f"{size / 1_000_000:,.1f} MB" if size >= 100_000 else f"{size / 1000:,.0f} kB"


class BackupPage(QWidget):
    """The list of backups with Back up now and Restore…; `restored` carries the restored file."""

    restored = Signal(str)
    COLUMNS = 7

    def __init__(self, *, services: Services, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("backupPage")
        self.services = services
        self.records: list[BackupRecord] = []
        layout = QVBoxLayout(self)
        self.folder_label = QLabel()
        self.folder_label.setWordWrap(True)
        self.folder_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self.folder_label)
        self.table = QTableWidget(0, self.COLUMNS)
        self.table.setHorizontalHeaderLabels([
            self.tr("Taken"), self.tr("Why"), self.tr("Size"), self.tr("Households"), self.tr("Members"),
            self.tr("Problems"), self.tr("Journal rows")])
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.horizontalHeader().setStretchLastSection(True)
        layout.addWidget(self.table, 1)
        buttons = QHBoxLayout()
        self.backup_button = QPushButton(self.tr("&Back up now"))
        self.backup_button.clicked.connect(self.back_up_now)
        self.restore_button = QPushButton(self.tr("&Restore…"))
        self.restore_button.clicked.connect(self.restore_selected)
        self.folder_button = QPushButton(self.tr("Open &folder"))
        self.folder_button.clicked.connect(
            lambda: QDesktopServices.openUrl(QUrl.fromLocalFile(str(self.services.backups.folder))))
        for button in (self.backup_button, self.restore_button, self.folder_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        layout.addLayout(buttons)
        self.note = QLabel(self.tr(
            "A backup is taken at the first start of each day and before every import, month sign-off, "
            "package export and upgrade; 30 daily and 12 monthly ones are kept. Backing up is safe while "
            "others work. A restore keeps the current database beside it."))
        self.note.setWordWrap(True)
        layout.addWidget(self.note)
        # why Back up now or Restore… cannot work on this computer (PostgreSQL without its tools)
        self.unavailable = QLabel()
        self.unavailable.setObjectName("backupUnavailable")
        self.unavailable.setWordWrap(True)
        self.unavailable.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.unavailable.setStyleSheet("color: #a33;")
        self.unavailable.hide()
        layout.addWidget(self.unavailable)
        self.reload()

    def reload(self) -> None:
        self.folder_label.setText(self.tr("Backups of {0} are kept in {1}").format(
            self.services.db.display_name, self.services.backups.folder))
        self.set_records(self.services.backups.entries())

    def set_records(self, records: Sequence[BackupRecord]) -> None:
        self.records = list(records)
        self.table.setRowCount(len(self.records))
        for row, r in enumerate(self.records):
            texts = [r.taken_at.strftime("%Y-%m-%d %H:%M:%S"), reason_label(r.reason), size_text(r.size),
                     f"{r.households:,}", f"{r.members:,}", f"{r.problems:,}", f"{r.change_log:,}"]
            for col, text in enumerate(texts):
                item = QTableWidgetItem(text)
                item.setToolTip(f"{r.path}\nSHA-256 {r.sha256}\n{r.schema or ''}")
                if col >= 2:
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                self.table.setItem(row, col, item)
        self.show_availability()

    def show_availability(self) -> None:
        """Enable what this computer can do; say why not (pg_dump or pg_restore missing)."""
        backups = self.services.backups
        reasons: list[str] = []
        for button, refused in ((self.backup_button, backups.backup_unavailable()),
                                (self.restore_button, backups.restore_unavailable())):
            button.setEnabled(refused is None)
            button.setToolTip("" if refused is None else error_text(refused))
            if refused is not None and error_text(refused) not in reasons:
                reasons.append(error_text(refused))
        self.unavailable.setText("\n\n".join(reasons))
        self.unavailable.setVisible(bool(reasons))

    def selected(self) -> BackupRecord | None:
        rows = self.table.selectionModel().selectedRows()
        return self.records[rows[0].row()] if rows else None

    # ------------------------------------------------------------------ actions
    def back_up_now(self) -> None:
        self.backup_button.setEnabled(False)

        def done(record: BackupRecord) -> None:
            self.backup_button.setEnabled(True)
            self.reload()
            show_info(self, self.tr("Backed up"), self.tr("Backed up to {0}").format(record.path))

        def failed(exc: BaseException) -> None:
            self.backup_button.setEnabled(True)
            show_error(self, exc)

        run_in_background(lambda progress, cancel: self.services.backups.backup(), parent=self,
                          on_done=done, on_error=failed, progress_label=self.tr("Backing up…"),
                          cancellable=False)

    def choose_file(self) -> str:
        """The backup to restore when none is selected in the list."""
        kinds = (self.tr("Backups (*.sqlite);;All files (*)") if self.services.db.path is not None
                 else self.tr("PostgreSQL backups (*.dump);;All files (*)"))
        name, _ = QFileDialog.getOpenFileName(self, self.tr("Restore from backup"),
                                              str(self.services.backups.folder), kinds)
        return name

    def confirm_restore(self, path: Path, record: BackupRecord | None) -> bool:
        if self.services.db.path is not None:
            text = self.tr("Restore {0}?\n\nThe database goes back to the state of that backup; what was "
                           "entered since is set aside (the current database is kept beside it). Nobody "
                           "should be working on the database. povdesk restarts afterwards.").format(path.name)
        else:
            text = self.tr("Restore {0} on the PostgreSQL server?\n\nThe database goes back to the state of "
                           "that backup for every desk; what was entered since is set aside (the current "
                           "database is first kept with pg_dump in the backups folder). Nobody should be "
                           "working on the database: close povdesk on the other desks first. povdesk "
                           "restarts afterwards.").format(path.name)
        if record is not None:
            text += "\n\n" + self.tr("Taken {0}: {1} households, {2} members.").format(
                record.taken_at.strftime("%Y-%m-%d %H:%M"), f"{record.households:,}", f"{record.members:,}")
        answer = QMessageBox.question(self, self.tr("Restore backup"), text,
                                      QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
                                      QMessageBox.StandardButton.Cancel)
        return answer == QMessageBox.StandardButton.Yes

    def restore_selected(self) -> None:
        record = self.selected()
        name = str(record.path) if record is not None else self.choose_file()
        if not name or not self.confirm_restore(Path(name), record):
            return
        self.restore_button.setEnabled(False)

        def done(result: RestoreResult) -> None:
            self.show_availability()
            self.reload()
            show_info(self, self.tr("Restored"), self.tr(
                "Restored from {0}. The database as it was is kept as {1}.\n\nClose povdesk and start it "
                "again to work on the restored data.").format(Path(name).name, result.kept))
            self.restored.emit(name)

        def failed(exc: BaseException) -> None:  # every refusal is shown; nothing was changed
            self.show_availability()
            show_error(self, exc)

        # off the window's thread: a large county's copy, or a server waiting up to 30 s for a desk
        run_in_background(lambda progress, cancel: self.services.backups.restore(name), parent=self,
                          on_done=done, on_error=failed, progress_label=self.tr("Restoring…"),
                          cancellable=False, writes=True)


class BackupDialog(QDialog):
    """The page in a dialog of its own (File > Backup and restore…)."""

    def __init__(self, *, services: Services, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Backup and restore"))
        self.resize(760, 420)
        layout = QVBoxLayout(self)
        self.page = BackupPage(services=services, parent=self)
        layout.addWidget(self.page)
        box = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        box.rejected.connect(self.reject)
        layout.addWidget(box)
