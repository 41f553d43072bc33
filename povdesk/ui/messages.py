"""Turns errors from deep code into translated sentences and message boxes (qutebrowser's bridge)."""

from __future__ import annotations

import traceback
from collections.abc import Callable

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QMessageBox, QWidget

from povdesk.errors import NotAllowed, PovdeskError

#: a refusal or a failed step shown in place (dialogs' error labels)
ERROR_STYLE = "color: #b02020;"
#: a step that went well
OK_STYLE = "color: #1d6b2f;"


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


def _ask(parent: QWidget | None, exc: BaseException, *, name: str, title: str, action: str,
         action_name: str, on_action: Callable[[], None], on_cancel: Callable[[], None] | None) -> QMessageBox:
    """A warning naming `exc` with one action and Cancel. Non-blocking: when the box closes,
    `on_action` runs if the action was clicked, otherwise `on_cancel` (if any)."""
    box = QMessageBox(parent)
    box.setObjectName(name)
    box.setIcon(QMessageBox.Icon.Warning)
    box.setWindowTitle(title)
    box.setText(error_text(exc))
    act = box.addButton(action, QMessageBox.ButtonRole.AcceptRole)
    act.setObjectName(action_name)
    cancel = box.addButton(QCoreApplication.translate("Messages", "Cancel"), QMessageBox.ButtonRole.RejectRole)
    cancel.setObjectName("cancel")
    box.setDefaultButton(act)
    box.setEscapeButton(cancel)

    def closed(_result: int) -> None:
        if box.clickedButton() is act:
            on_action()
        elif on_cancel is not None:
            on_cancel()

    box.finished.connect(closed)
    box.open()
    return box


def ask_retry(parent: QWidget | None, exc: BaseException, *, on_retry: Callable[[], None],
              on_cancel: Callable[[], None]) -> QMessageBox:
    """A busy database (another job or desk held it too long): say so and offer to try again.
    Non-blocking; exactly one of the callbacks runs when the box closes."""
    return _ask(parent, exc, name="busyRetry",
                title=QCoreApplication.translate("Messages", "The database is busy"),
                action=QCoreApplication.translate("Messages", "Retry"), action_name="retry",
                on_action=on_retry, on_cancel=on_cancel)


def ask_reload(parent: QWidget | None, exc: BaseException, *, on_reload: Callable[[], None]) -> QMessageBox:
    """Another desk changed the household after it was read here (a `Conflict`, "household.version"):
    say who changed what and offer to reload it. Non-blocking; `on_reload` runs on Reload."""
    return _ask(parent, exc, name="staleReload",
                title=QCoreApplication.translate("Messages", "Changed at another desk"),
                action=QCoreApplication.translate("Messages", "Reload"), action_name="reload",
                on_action=on_reload, on_cancel=None)
