"""Turns errors from deep code into translated sentences and message boxes (qutebrowser's bridge)."""

from __future__ import annotations

import traceback
from collections.abc import Callable

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QMessageBox, QWidget

from povdesk.errors import NotAllowed, PovdeskError


def ui_language() -> str:
    app = QCoreApplication.instance()
    value = app.property("povdesk_language") if app is not None else None
    return str(value) if value in ("zh_CN", "en") else "en"


def error_text(exc: BaseException, lang: str | None = None) -> str:
    """A sentence for a person: a PovdeskError in the UI language, anything else with its type."""
    lang = lang or ui_language()
    if isinstance(exc, PovdeskError):
        return exc.message(lang)
    return QCoreApplication.translate("Messages", "Unexpected error: {0}").format(
        f"{type(exc).__name__}: {exc}")


def show_error(parent: QWidget | None, exc: BaseException, *, title: str | None = None) -> QMessageBox:
    """A non-blocking warning box with the readable text (and the traceback for unexpected errors)."""
    box = QMessageBox(parent)
    box.setIcon(QMessageBox.Icon.Information if isinstance(exc, NotAllowed) else QMessageBox.Icon.Warning)
    if title is None:
        title = (QCoreApplication.translate("Messages", "Not your decision") if isinstance(exc, NotAllowed)
                 else QCoreApplication.translate("Messages", "Something went wrong"))
    box.setWindowTitle(title)
    box.setText(error_text(exc))
    if not isinstance(exc, PovdeskError):
        box.setDetailedText("".join(traceback.format_exception(exc)))
    box.open()
    return box


def show_info(parent: QWidget | None, title: str, text: str) -> QMessageBox:
    box = QMessageBox(parent)
    box.setIcon(QMessageBox.Icon.Information)
    box.setWindowTitle(title)
    box.setText(text)
    box.open()
    return box


def ask_retry(parent: QWidget | None, exc: BaseException, *, on_retry: Callable[[], None],
              on_cancel: Callable[[], None]) -> QMessageBox:
    """A busy database (another job or desk held it too long): say so and offer to try again.
    Non-blocking; exactly one of the callbacks runs when the box closes."""
    box = QMessageBox(parent)
    box.setObjectName("busyRetry")
    box.setIcon(QMessageBox.Icon.Warning)
    box.setWindowTitle(QCoreApplication.translate("Messages", "The database is busy"))
    box.setText(error_text(exc))
    retry = box.addButton(QCoreApplication.translate("Messages", "Retry"), QMessageBox.ButtonRole.AcceptRole)
    retry.setObjectName("retry")
    cancel = box.addButton(QCoreApplication.translate("Messages", "Cancel"), QMessageBox.ButtonRole.RejectRole)
    cancel.setObjectName("cancel")
    box.setDefaultButton(retry)
    box.setEscapeButton(cancel)

    def closed(_result: int) -> None:
        (on_retry if box.clickedButton() is retry else on_cancel)()

    box.finished.connect(closed)
    box.open()
    return box


def ask_reload(parent: QWidget | None, exc: BaseException, *, on_reload: Callable[[], None]) -> QMessageBox:
    """Another desk changed the household after it was read here (a `Conflict`, "household.version"):
    say who changed what and offer to reload it. Non-blocking; `on_reload` runs on Reload."""
    box = QMessageBox(parent)
    box.setObjectName("staleReload")
    box.setIcon(QMessageBox.Icon.Warning)
    box.setWindowTitle(QCoreApplication.translate("Messages", "Changed at another desk"))
    box.setText(error_text(exc))
    reload_ = box.addButton(QCoreApplication.translate("Messages", "Reload"), QMessageBox.ButtonRole.AcceptRole)
    reload_.setObjectName("reload")
    cancel = box.addButton(QCoreApplication.translate("Messages", "Cancel"), QMessageBox.ButtonRole.RejectRole)
    box.setDefaultButton(reload_)
    box.setEscapeButton(cancel)
    box.finished.connect(lambda _result: on_reload() if box.clickedButton() is reload_ else None)
    box.open()
    return box
