"""Background work: results, errors and cancellation come back on the GUI thread, never from a worker."""

from __future__ import annotations

import threading

import pytest
from PySide6.QtCore import QThread
from PySide6.QtWidgets import QWidget

from povdesk.errors import Cancelled, NotFound
from povdesk.ui.tasks import read_ahead, run_in_background, wait_for_tasks


@pytest.fixture
def owner(qtbot) -> QWidget:  # type: ignore[no-untyped-def]
    widget = QWidget()
    qtbot.addWidget(widget)
    yield widget
    wait_for_tasks()


def test_result_arrives_on_the_gui_thread_with_progress(qtbot, owner):
    seen: dict[str, object] = {}
    gui = QThread.currentThread()

    def work(progress, cancel):  # type: ignore[no-untyped-def]
        seen["worker"] = threading.current_thread() is not threading.main_thread()
        for i in range(3):
            progress(i + 1, 3)
        return 42

    def done(value: int) -> None:
        seen["value"] = value
        seen["on_gui"] = QThread.currentThread() is gui

    task = run_in_background(work, parent=owner, on_done=done, progress_label="Working…")
    progress: list[tuple[int, int]] = []
    task.progressed.connect(lambda d, t: progress.append((d, t)))
    with qtbot.waitSignal(task.ended, timeout=5000):
        pass
    assert seen == {"worker": True, "value": 42, "on_gui": True}
    assert progress[-1] == (3, 3)
    assert task._dialog is None  # the progress dialog is gone


def test_errors_reach_on_error(qtbot, owner):
    errors: list[BaseException] = []

    def work(progress, cancel):  # type: ignore[no-untyped-def]
        raise NotFound("household.missing", "No household 7.", "找不到户 7。")

    task = run_in_background(work, parent=owner, on_done=lambda _r: None, on_error=errors.append)
    with qtbot.waitSignal(task.failed, timeout=5000):
        pass
    assert isinstance(errors[0], NotFound)


def test_cancel_stops_the_work_and_skips_on_done(qtbot, owner):
    started = threading.Event()
    outcome: list[str] = []

    def work(progress, cancel):  # type: ignore[no-untyped-def]
        started.set()
        for _ in range(500):
            if cancel():
                raise Cancelled()
            threading.Event().wait(0.01)
        return "finished"

    task = run_in_background(work, parent=owner, on_done=lambda r: outcome.append(r),
                             on_cancelled=lambda: outcome.append("cancelled"),
                             progress_label="Long work…")
    assert started.wait(5)
    with qtbot.waitSignal(task.cancelled, timeout=5000):
        task.cancel()
    assert outcome == ["cancelled"]


def test_writes_run_one_at_a_time(qtbot, owner):
    active = 0
    most = 0
    lock = threading.Lock()

    def write(progress, cancel):  # type: ignore[no-untyped-def]
        nonlocal active, most
        with lock:
            active += 1
            most = max(most, active)
        threading.Event().wait(0.02)
        with lock:
            active -= 1

    tasks = [run_in_background(write, parent=owner, writes=True) for _ in range(4)]
    for task in tasks:
        if task.running:
            with qtbot.waitSignal(task.ended, timeout=5000):
                pass
    assert most == 1


def test_a_read_ahead_gives_its_result_or_its_error_to_the_gui_thread():
    gate = threading.Event()
    seen: list[bool] = []

    def read() -> int:
        seen.append(threading.current_thread() is not threading.main_thread())
        gate.wait(5)
        return 7

    ahead = read_ahead(read)
    assert not ahead.done()  # read beside the caller, which goes on meanwhile
    gate.set()
    assert ahead.result(timeout=5) == 7 and seen == [True]

    def broken() -> int:
        raise NotFound("household.missing", "No household 7.", "找不到户 7。")

    with pytest.raises(NotFound):  # as if the caller had read itself
        read_ahead(broken).result(timeout=5)
