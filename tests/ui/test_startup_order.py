"""The window's start (issue 17 §3): the household list first, then what the features read at start
(the dashboard's figures, the navigator's problem counts, the problems and the change queues), which
waits for the list's first rows instead of taking its CPU; the places are read beside the building."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from collections.abc import Callable
from typing import Any

import pytest
from PySide6.QtWidgets import QMessageBox

from povdesk.errors import NotFound
from povdesk.services.facade import Services
from povdesk.ui.application import QUIT_AFTER_ENV
from povdesk.ui.main_window import MainWindow
from povdesk.ui.tasks import wait_for_tasks
from tests.ui.conftest import ROOT, wait_loaded


def _counted(calls: list[str], name: str, fn: Callable[..., Any]) -> Callable[..., Any]:
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        calls.append(name)
        return fn(*args, **kwargs)
    return wrapper


def _start_reads(services: Services, monkeypatch) -> list[str]:  # type: ignore[no-untyped-def]
    """The start-up reads of the features, as they are made (from any thread)."""
    calls: list[str] = []
    for name, service in (("overview", services.dashboard), ("open_problem_counts", services.checks),
                          ("queue_counts", services.changes), ("rule_counts", services.problem_queries)):
        monkeypatch.setattr(service, name, _counted(calls, name, getattr(service, name)))
    return calls


def _window(qtbot, services: Services, *, list_tab: bool = False) -> MainWindow:  # type: ignore[no-untyped-def]
    window = MainWindow(services=services)
    qtbot.addWidget(window)
    window.show()
    if list_tab:
        window.show_list()
    return window


def test_the_features_read_once_the_list_has_shown(qtbot, make_window, county_db, monkeypatch):
    make_window(county_db)  # the fixture's language and clean-up; this test builds its own window too
    services = Services(db=county_db)
    calls = _start_reads(services, monkeypatch)
    gate = threading.Event()
    ids = services.registry.household_ids

    def slow_ids(query: Any) -> list[int]:  # the list's SQL, held until the test lets it go
        gate.wait(10)
        return ids(query)

    monkeypatch.setattr(services.registry, "household_ids", slow_ids)
    window = _window(qtbot, services)
    try:
        qtbot.wait(200)  # the window shows, the tree sets its current place: nothing is read yet
        assert window.table_model.loading and window.starting
        assert calls == []
        assert window.dashboard.board is None and not window.dashboard.loading
        assert window.places() and window.navigator_model.rowCount() == 1  # the places are there
        assert window.changes_panel.counts() == dict.fromkeys(window.changes_panel.counts(), 0)
    finally:
        gate.set()
    wait_loaded(qtbot, window)  # the list, its first detail, then the features' reads
    assert not window.starting
    assert window.detail.detail is not None
    qtbot.waitUntil(lambda: window.navigator_model.has_problem_column(), timeout=5000)
    qtbot.waitUntil(lambda: window.dashboard.board is not None, timeout=10_000)
    # the dashboard's county is read once, not again when the tree sets its current place
    assert set(calls) == {"open_problem_counts", "overview", "queue_counts", "rule_counts"}
    assert calls.count("overview") == 1 and calls.count("open_problem_counts") == 1
    assert window.problems_panel.summary.text()  # the problems panel shows its counts
    assert window.after_list_shown(lambda: calls.append("late")) is None and calls[-1] == "late"  # at once now
    window.close()


def test_the_features_start_when_the_list_fails(qtbot, make_window, county_db, monkeypatch):
    make_window(county_db)
    services = Services(db=county_db)
    calls = _start_reads(services, monkeypatch)

    def refused(_query: Any) -> list[int]:
        raise NotFound("test.refused", "The list is refused.", "列表被拒绝。")

    monkeypatch.setattr(services.registry, "household_ids", refused)
    window = _window(qtbot, services, list_tab=True)
    qtbot.waitUntil(lambda: not window.starting, timeout=10_000)
    box = next(b for b in window.findChildren(QMessageBox) if "列表被拒绝" in b.text())
    assert box.isVisible()  # the list's error is shown, and the rest of the window starts
    qtbot.waitUntil(lambda: "overview" in calls and "open_problem_counts" in calls, timeout=10_000)
    assert "queue_counts" in calls and "rule_counts" in calls
    box.close()
    window.close()


def test_a_place_read_ahead_that_fails_fails_the_window_as_before(qtbot, county_db, monkeypatch):
    services = Services(db=county_db)

    def broken() -> list[Any]:
        raise NotFound("test.places", "No places.", "没有地点。")

    monkeypatch.setattr(services.registry, "navigator", broken)
    try:
        with pytest.raises(NotFound) as raised:
            MainWindow(services=services)
        assert raised.value.code == "test.places"
    finally:  # the list's read the window had started, and what follows it
        wait_for_tasks()
        wait_for_tasks()


def test_the_desk_makes_the_days_backup_once_its_list_shows(county_db, db_url, tmp_path):
    """`povdesk` (the window through `app.run_gui`): the first start of a day still copies the
    database, now after the list's first rows rather than beside them."""
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "PYTHONPATH": str(ROOT), QUIT_AFTER_ENV: "6"}
    proc = subprocess.run([sys.executable, "-m", "povdesk", "--db", db_url, "--lang", "en"], capture_output=True,
                          text=True, env=env, cwd=ROOT, timeout=120)
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert "windows shown: MainWindow" in proc.stderr
    backups = Services(db=county_db).backups
    assert [r for r in backups.entries() if r.taken_at.date() == backups.clock().date()]
