"""A busy database in the window: background work that finds it busy offers Retry and Cancel."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator

import pytest
from PySide6.QtWidgets import QMessageBox, QPushButton, QWidget

from povdesk.errors import Busy
from povdesk.services.checks import CheckService
from povdesk.services.database import Database
from povdesk.ui.tasks import run_in_background, wait_for_tasks


@pytest.fixture
def owner(qtbot) -> Iterator[QWidget]:  # type: ignore[no-untyped-def]
    widget = QWidget()
    qtbot.addWidget(widget)
    yield widget
    wait_for_tasks()


@pytest.fixture
def held(county_db: Database) -> Iterator[sqlite3.Connection]:
    """Another writer holding the county's database; the window's jobs wait only 0.2 s."""
    county_db.lock_wait = 0.2
    other = sqlite3.connect(county_db.path, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    yield other
    if other.in_transaction:
        other.rollback()
    other.close()


def _button(box: QMessageBox, name: str) -> QPushButton:
    button = box.findChild(QPushButton, name)
    assert button is not None
    return button


def test_retry_runs_the_work_again_once_the_database_is_free(qtbot, owner, county_db, held) -> None:  # type: ignore[no-untyped-def]
    runs: list[int] = []
    results: list[object] = []
    errors: list[BaseException] = []

    def work(progress, cancel):  # type: ignore[no-untyped-def]
        runs.append(1)
        return CheckService(db=county_db).run()

    task = run_in_background(work, parent=owner, on_done=results.append, on_error=errors.append,
                             progress_label="Checking…", writes=True)
    qtbot.waitUntil(lambda: task.retry_box is not None, timeout=10_000)
    box = task.retry_box
    assert box.isVisible() and box.windowTitle() == "The database is busy"
    assert str(county_db.path) in box.text() and "This check run waited 0.2 s" in box.text()
    assert not errors and task.running is False  # waiting for an answer, not failed
    held.rollback()  # the other writer is done
    with qtbot.waitSignal(task.ended, timeout=10_000):
        _button(box, "retry").click()
    assert len(runs) == 2 and not errors
    assert results and results[0].opened > 0


def test_cancel_ends_the_task_as_failed_with_the_busy_error(qtbot, owner, county_db, held,  # type: ignore[no-untyped-def]
                                                             ui_language) -> None:
    ui_language("zh_CN")
    errors: list[BaseException] = []

    def work(progress, cancel):  # type: ignore[no-untyped-def]
        return CheckService(db=county_db).run()

    task = run_in_background(work, parent=owner, on_done=lambda _r: None, on_error=errors.append, writes=True)
    qtbot.waitUntil(lambda: task.retry_box is not None, timeout=10_000)
    box = task.retry_box
    assert box.windowTitle() == "数据库正忙" and _button(box, "retry").text() == "重试"
    assert f"数据库“{county_db.path}”正忙" in box.text() and "本次检查已等待 0.2 秒" in box.text()
    with qtbot.waitSignal(task.failed, timeout=5000):
        _button(task.retry_box, "cancel").click()
    assert len(errors) == 1 and isinstance(errors[0], Busy) and errors[0].code == "db.busy"
    assert task.retry_box is None
