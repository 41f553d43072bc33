"""An unhandled exception in the window (issue 15 §5): it goes to the log, and a dialog says what
happened, that no data was lost (every write is one transaction, so the unfinished one was not
saved), where the log is, and offers 复制详情. The traceback is never in the main text: it sits in
the collapsed details and on the clipboard.
"""

from __future__ import annotations

import logging
import platform
import sys
import traceback
from collections.abc import Callable
from pathlib import Path
from types import TracebackType

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from povdesk import __version__, logs
from povdesk.errors import PovdeskError

log = logging.getLogger("povdesk.crash")

#: the dialogs on show (one per exception; a burst of the same error shows one)
_open: list[CrashDialog] = []

Hook = Callable[[type[BaseException], BaseException, TracebackType | None], None]


def details_text(exc: BaseException) -> str:
    """What a support person needs: version, system, and the traceback."""
    lines = [f"povdesk {__version__}", f"Python {platform.python_version()} on {platform.platform()}",
             f"log: {logs.current_path() or ''}", ""]
    lines += traceback.format_exception(exc)
    return "\n".join(line.rstrip("\n") for line in lines)


class CrashDialog(QDialog):
    def __init__(self, exc: BaseException, *, log_path: Path | None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("crashDialog")
        self.setWindowTitle(self.tr("povdesk met an unexpected error"))
        self.details = details_text(exc)
        layout = QVBoxLayout(self)
        what = exc.message("zh") if isinstance(exc, PovdeskError) else type(exc).__name__
        self.message = QLabel(self.tr(
            "povdesk met an unexpected error and could not finish what it was doing ({0}).\n\n"
            "No data was lost: every change is saved as one whole transaction, so the unfinished one "
            "was simply not saved. You can go on working, or close povdesk and start it again.\n\n"
            "The details are in the log: {1}\n"
            "Please send the details (Copy details) to whoever supports povdesk in your office.").format(
                what, log_path or self.tr("(no log file)")))
        self.message.setWordWrap(True)
        self.message.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self.message)
        self.details_view = QPlainTextEdit(self.details)
        self.details_view.setReadOnly(True)
        self.details_view.setVisible(False)  # collapsed: never a raw traceback in the main text
        self.details_view.setMinimumHeight(180)
        layout.addWidget(self.details_view, 1)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.copy_button = QPushButton(self.tr("Copy details"))
        self.copy_button.setObjectName("copyDetails")
        self.copy_button.clicked.connect(self.copy_details)
        buttons.addButton(self.copy_button, QDialogButtonBox.ButtonRole.ActionRole)
        self.show_button = QPushButton(self.tr("Show details"))
        self.show_button.setCheckable(True)
        self.show_button.toggled.connect(self.details_view.setVisible)
        buttons.addButton(self.show_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.resize(560, 260)

    def copy_details(self) -> None:
        QGuiApplication.clipboard().setText(self.details)
        self.copy_button.setText(self.tr("Copied"))


def handle(exc_type: type[BaseException], exc: BaseException, tb: TracebackType | None) -> None:
    """The window's `sys.excepthook`: log the exception, show the dialog (non-blocking)."""
    if issubclass(exc_type, KeyboardInterrupt):
        sys.__excepthook__(exc_type, exc, tb)
        return
    if exc.__traceback__ is None and tb is not None:
        exc = exc.with_traceback(tb)
    log.error("unhandled %s", exc_type.__name__, exc_info=(exc_type, exc, tb))
    try:
        summary = details_text(exc)
        if any(d.details == summary for d in _open):
            return
        dialog = CrashDialog(exc, log_path=logs.current_path())
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        _open.append(dialog)
        dialog.finished.connect(lambda _result: _open.remove(dialog) if dialog in _open else None)
        dialog.show()
    except Exception:  # the dialog itself failed: the log has the error already
        log.exception("the crash dialog could not be shown")


def install() -> Hook:
    """Make `handle` the excepthook; returns the previous one (tests put it back)."""
    previous = sys.excepthook
    sys.excepthook = handle
    return previous
