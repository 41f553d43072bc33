"""An unhandled exception in the window: logged, and a Chinese dialog without a raw traceback."""

from __future__ import annotations

import sys

from PySide6.QtGui import QGuiApplication


def test_an_unhandled_exception_shows_the_dialog_and_is_logged(qtbot, ui_language) -> None:  # type: ignore[no-untyped-def]
    from povdesk import logs
    from povdesk.ui import crash

    ui_language("zh_CN")
    path = logs.setup()
    previous = crash.install()
    try:
        try:
            raise ZeroDivisionError("household 513437204201001 broke the sums")
        except ZeroDivisionError as exc:
            sys.excepthook(type(exc), exc, exc.__traceback__)
    finally:
        sys.excepthook = previous
    assert len(crash._open) == 1
    dialog = crash._open[0]
    text = dialog.message.text()
    assert "没有丢失" in text and str(path) in text and "Traceback" not in text
    assert not dialog.details_view.isVisible() and "Traceback" in dialog.details
    assert dialog.copy_button.text() == "复制详情"
    dialog.copy_button.click()
    assert "ZeroDivisionError" in QGuiApplication.clipboard().text()
    assert "unhandled ZeroDivisionError" in path.read_text(encoding="utf-8")
    dialog.close()
    assert not crash._open
