"""The application object: POVDESK_QUIT_AFTER closes the windows and ends the program (bundle smoke)."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QWidget

from povdesk.ui import application


def test_quit_after_closes_the_shown_windows(qtbot, ui_language,  # type: ignore[no-untyped-def]
                                             capsys: pytest.CaptureFixture[str]) -> None:
    ui_language("zh_CN")
    widget = QWidget()
    qtbot.addWidget(widget)
    widget.show()
    application.quit_after(application.QApplication.instance(), 0.01)
    qtbot.waitUntil(lambda: not widget.isVisible())
    assert ("closing after 0.01 s; windows shown: QWidget; translations: povdesk_zh_CN, qtbase_zh_CN"
            in capsys.readouterr().err)


def test_the_environment_variable_sets_it_up(qtbot, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    widget = QWidget()
    qtbot.addWidget(widget)
    widget.show()
    monkeypatch.setenv(application.QUIT_AFTER_ENV, "0.01")
    application.create_application([], language="en")
    qtbot.waitUntil(lambda: not widget.isVisible())
