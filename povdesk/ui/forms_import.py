"""Changes > Import filled forms…: comparison-table workbooks (`forms --xlsx`) whose correction column
was filled in the office become draft corrections, one per household (issue 11 §5). The import runs
on the writer thread (`tasks.run_in_background`); then a dialog lists the drafts made per
household (double-click: the draft in "my drafts") and the forms already imported, or - nothing
written - every error with its file, sheet, cell, row and field.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QListWidget,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from povdesk.domain import changes as cr
from povdesk.errors import PovdeskError
from povdesk.ui.messages import ERROR_STYLE, error_text, show_error, ui_language
from povdesk.ui.tasks import Task, run_in_background


def error_lines(exc: PovdeskError, file: str, lang: str) -> list[str]:
    """The workbook refusal's errors one a line (each begins with the file's name)."""
    text = exc.message(lang)
    _head, sep, body = text.partition("：" if not lang.startswith("en") else ": ")
    if not sep:
        return [text]
    body = body.rstrip("。.")
    marker = "文件“" if not lang.startswith("en") else re.escape(file) + ", "
    parts = [p.strip() for p in re.split(rf"[;；]\s*(?={marker})", body) if p.strip()]
    return parts or [text]


class FormsImportDialog(QDialog):
    """The outcome of one import: drafts made and forms skipped, or the errors (nothing written)."""

    def __init__(self, *, file: str, result: cr.FormsImport | None = None,
                 error: PovdeskError | None = None, on_open: Any = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("formsImportDialog")
        self.setWindowTitle(self.tr("Import of filled forms"))
        self.on_open = on_open
        self.outcome = result
        lang = ui_language()
        layout = QVBoxLayout(self)
        self.summary = QLabel()
        self.summary.setObjectName("importSummary")
        self.summary.setWordWrap(True)
        layout.addWidget(self.summary)
        self.created = QTableWidget(0, 5)
        self.created.setObjectName("createdDrafts")
        self.skipped = QTableWidget(0, 5)
        self.skipped.setObjectName("skippedForms")
        headers = [self.tr("Household"), self.tr("Request"), self.tr("Corrections"), self.tr("Sheet"),
                   self.tr("Form code")]
        for table in (self.created, self.skipped):
            table.setHorizontalHeaderLabels(headers)
            table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
            table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
            table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
            table.horizontalHeader().setStretchLastSection(True)
            table.verticalHeader().setVisible(False)
        self.errors = QListWidget()
        self.errors.setObjectName("importErrors")
        self.errors.setWordWrap(True)
        self.errors.setStyleSheet(ERROR_STYLE)
        if result is not None:
            self._fill(self.created, result.created)
            self._fill(self.skipped, result.skipped)
            self.summary.setText(self.tr("{0}: {1} draft corrections made (one per household), {2} forms already "
                                         "imported skipped. The drafts are in “My drafts”.").format(
                result.file, len(result.created), len(result.skipped)))
            self.created.cellDoubleClicked.connect(lambda row, _c: self.open_row(row))
            layout.addWidget(QLabel(self.tr("Drafts made (double-click to open)")))
            layout.addWidget(self.created, 2)
            if result.skipped:
                layout.addWidget(QLabel(self.tr("Already imported from a workbook (skipped)")))
                layout.addWidget(self.skipped, 1)
        else:
            assert error is not None
            lines = error_lines(error, file, lang)
            self.summary.setText(self.tr("{0} was not imported, nothing was written: {1} errors (file, sheet, "
                                         "cell, row, field).").format(file, len(lines)))
            self.summary.setStyleSheet(ERROR_STYLE)
            for line in lines:
                self.errors.addItem(line)
            layout.addWidget(self.errors, 1)
        close = QPushButton(self.tr("Close"))
        close.setAutoDefault(False)
        close.clicked.connect(self.accept)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(close)
        layout.addLayout(buttons)
        self.resize(760, 420)

    @staticmethod
    def _fill(table: QTableWidget, forms: tuple[cr.ImportedForm, ...]) -> None:
        table.setRowCount(len(forms))
        for row, f in enumerate(forms):
            for col, text in enumerate((f.household_no, f"#{f.change_id}", str(f.fields), f.sheet, f.form)):
                item = QTableWidgetItem(text)
                item.setData(Qt.ItemDataRole.UserRole, f.change_id)
                table.setItem(row, col, item)

    def open_row(self, row: int) -> None:
        if self.outcome is not None and self.on_open is not None and 0 <= row < len(self.outcome.created):
            self.on_open(self.outcome.created[row].change_id)

    def error_texts(self) -> list[str]:
        return [self.errors.item(i).text() for i in range(self.errors.count())]


def import_filled_forms(window: Any, path: str | Path) -> Task:
    """Import `path` off the GUI thread; then the outcome dialog, and the queues reloaded."""
    path = Path(path)
    services = window.services

    def work(progress: Any, cancel: Any) -> cr.FormsImport:
        progress(0, 0)
        return services.changes.import_forms(path)

    def show_drafts(request_id: int) -> None:
        from povdesk.ui.changes_panel import MY_DRAFTS

        panel = getattr(window, "changes_panel", None)
        if panel is not None:
            window.changes_dock.show()
            window.changes_dock.raise_()
            panel.select(request_id, MY_DRAFTS)

    def shown(dialog: FormsImportDialog) -> None:
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        window._forms_import_dialog = dialog  # kept alive while open; tests reach it here
        dialog.show()

    def done(result: cr.FormsImport) -> None:
        panel = getattr(window, "changes_panel", None)
        if panel is not None:
            panel.reload()
        shown(FormsImportDialog(file=path.name, result=result, on_open=show_drafts, parent=window))

    def failed(exc: BaseException) -> None:
        if isinstance(exc, PovdeskError) and exc.code == "change.forms_workbook":
            shown(FormsImportDialog(file=path.name, error=exc, parent=window))
        else:
            window._forms_import_error = show_error(window, exc)
            window._forms_import_message = error_text(exc)

    return run_in_background(work, parent=window, on_done=done, on_error=failed,
                             progress_label=QCoreApplication.translate("FormsImport", "Importing filled forms…"),
                             cancellable=False, writes=True)


def choose_filled_forms(window: Any) -> QFileDialog:
    dialog = QFileDialog(window, QCoreApplication.translate("FormsImport", "Import filled comparison tables"))
    dialog.setObjectName("formsImportFileDialog")
    dialog.setFileMode(QFileDialog.FileMode.ExistingFile)
    dialog.setNameFilters([QCoreApplication.translate("FormsImport", "Excel workbooks (*.xlsx)")])
    dialog.fileSelected.connect(lambda file: import_filled_forms(window, file))
    dialog.open()
    window._forms_file_dialog = dialog
    return dialog


def install_forms_import(window: Any) -> QAction:
    action = QAction(QCoreApplication.translate("FormsImport", "&Import filled forms…"), window)
    action.setObjectName("importFilledForms")
    action.setToolTip(QCoreApplication.translate(
        "FormsImport", "Comparison tables (forms --xlsx) with the correction column filled: one draft per household"))
    action.triggered.connect(lambda: choose_filled_forms(window))
    window.menus["changes"].addAction(action)
    return action
