"""Run long work off the GUI thread and bring its result or exception back to the GUI thread.

One helper for every feature (import wizard, checks, printing, demo build), in the manner of
Anki's ``QueryOp`` and Picard's ``run_task``::

    from povdesk.ui.tasks import run_in_background

    def work(progress, cancel):            # runs on a worker thread: NO widgets here
        for i, item in enumerate(items):
            if cancel():                   # True once the user pressed Cancel
                raise Cancelled()          # povdesk.errors.Cancelled: on_cancelled, not on_error
            ...
            progress(i + 1, len(items))   # thread-safe; throttled; drives the progress dialog
        return result

    task = run_in_background(
        work, parent=self,
        on_done=lambda result: ...,        # GUI thread, with fn's return value
        on_error=lambda exc: ...,          # GUI thread, with the exception (default: a message box)
        on_cancelled=None,                 # GUI thread, when fn raised Cancelled
        progress_label=self.tr("Importing…"),  # None = no dialog
        cancellable=True,                  # show a Cancel button
        writes=False,                      # True: run on the single SQLite writer thread
    )

Rules:

* ``fn(progress, cancel)`` gets two callables: ``progress(done: int, total: int)`` (``total == 0``
  means "busy, unknown length") and ``cancel() -> bool``. Services take them as their
  ``progress`` / ``cancel`` arguments unchanged.
* The worker never touches a widget. It emits signals; the progress dialog and the callbacks run
  on the GUI thread only.
* ``writes=True`` queues the work on one dedicated writer thread, so database writes from the
  window never overlap (SQLite allows one writer). Reads run on the shared pool.
* The returned :class:`Task` has signals ``progressed(int, int)``, ``succeeded(object)``,
  ``failed(object)``, ``cancelled()`` and ``ended()`` (always last, after the callback ran);
  tests wait on ``ended`` with ``qtbot.waitSignal``. ``Task.cancel()`` asks the work to stop.
* A busy database (``povdesk.errors.Busy``: another job or workstation held it past the wait) is
  not an ordinary error: a dialog says what is busy and offers Retry, which runs ``fn`` again (the
  task goes on, ``ended`` comes once at the very end), or Cancel, which ends the task as failed
  (``on_error`` gets the exception; without one, nothing more is shown).
* If ``parent`` is deleted before the work ends, the callbacks are not called.
* :func:`wait_for_tasks` blocks (processing events) until all running work has ended, for
  closing the window and for tests.
"""

from __future__ import annotations

import threading
import time
import traceback
from collections.abc import Callable
from concurrent.futures import Future
from typing import Any, TypeVar

from PySide6.QtCore import QCoreApplication, QObject, QRunnable, Qt, QThreadPool, Signal, Slot
from PySide6.QtWidgets import QMessageBox, QProgressDialog, QWidget

from povdesk import logs
from povdesk.errors import Busy, Cancelled
from povdesk.ui.messages import ask_retry, show_error

Progress = Callable[[int, int], None]
CancelCheck = Callable[[], bool]
Work = Callable[[Progress, CancelCheck], Any]
T = TypeVar("T")

_PROGRESS_INTERVAL = 0.05  # seconds between progress signals, so the GUI thread is not flooded
_running: set[Task] = set()
_writer: QThreadPool | None = None


def _writer_pool() -> QThreadPool:
    """One thread for every database write started from the window."""
    global _writer
    if _writer is None:
        _writer = QThreadPool()
        _writer.setMaxThreadCount(1)
    return _writer


class Task(QObject):
    """One piece of background work, living on the GUI thread; the worker only emits its signals."""

    progressed = Signal(int, int)
    succeeded = Signal(object)
    failed = Signal(object)
    cancelled = Signal()
    ended = Signal()

    # emitted from the worker thread; queued onto this object's (the GUI) thread
    _worker_progress = Signal(int, int)
    _worker_result = Signal(object)
    _worker_error = Signal(object)

    def __init__(self, *, fn: Work, parent: QObject | None, on_done: Callable[[Any], None] | None,
                 on_error: Callable[[BaseException], object] | None,
                 on_cancelled: Callable[[], None] | None, progress_label: str | None,
                 cancellable: bool, writes: bool = False) -> None:
        super().__init__()
        self._progress_label = progress_label
        self._cancellable = cancellable
        self._writes = writes
        self.retry_box: QMessageBox | None = None  # open while a busy database asks to retry
        self._fn = fn
        self._owner = parent
        self._owner_alive = True
        self._on_done = on_done
        self._on_error = on_error
        self._on_cancelled = on_cancelled
        self._stop = threading.Event()
        self._last_emit = 0.0
        self._dialog: QProgressDialog | None = None
        self.result: Any = None
        self.error: BaseException | None = None
        self.running = True
        if parent is not None:
            parent.destroyed.connect(self._owner_destroyed)
        self._worker_progress.connect(self._show_progress, Qt.ConnectionType.QueuedConnection)
        self._worker_result.connect(self._finish_ok, Qt.ConnectionType.QueuedConnection)
        self._worker_error.connect(self._finish_error, Qt.ConnectionType.QueuedConnection)
        self._make_dialog()

    def _make_dialog(self) -> None:
        if self._progress_label is None:
            return
        cancel_text = QCoreApplication.translate("Tasks", "Cancel") if self._cancellable else ""
        owner = self._owner_widget()
        dialog = QProgressDialog(self._progress_label, cancel_text, 0, 0, owner)
        if not self._cancellable:
            dialog.setCancelButton(None)
        dialog.setWindowTitle(QCoreApplication.translate("Tasks", "Please wait"))
        dialog.setWindowModality(Qt.WindowModality.WindowModal if owner is not None
                                 else Qt.WindowModality.ApplicationModal)
        dialog.setMinimumDuration(400)
        dialog.setAutoClose(False)
        dialog.setAutoReset(False)
        dialog.setMinimumWidth(360)
        dialog.canceled.connect(self.cancel)
        self._dialog = dialog

    def _owner_widget(self) -> QWidget | None:
        return self._owner if isinstance(self._owner, QWidget) and self._owner_alive else None

    def _start(self) -> None:
        pool = _writer_pool() if self._writes else QThreadPool.globalInstance()
        pool.start(_Runnable(self))

    # ------------------------------------------------------------------ worker side (any thread)
    def _progress(self, done: int, total: int) -> None:
        now = time.monotonic()
        if done < total and now - self._last_emit < _PROGRESS_INTERVAL:
            return
        self._last_emit = now
        self._worker_progress.emit(int(done), int(total))

    def _run(self) -> None:
        name = getattr(self._fn, "__qualname__", type(self._fn).__name__)
        try:
            with logs.job(name):  # start, end and duration in the log (povdesk.logs)
                result = self._fn(self._progress, self._stop.is_set)
        except BaseException as exc:  # handed to the GUI thread, never swallowed
            self._worker_error.emit(exc)
        else:
            self._worker_result.emit(result)

    # ------------------------------------------------------------------ GUI side
    def cancel(self) -> None:
        """Ask the work to stop; it notices the next time it calls `cancel()`."""
        self._stop.set()
        if self._dialog is not None:
            self._dialog.setLabelText(QCoreApplication.translate("Tasks", "Cancelling…"))

    @property
    def cancel_requested(self) -> bool:
        return self._stop.is_set()

    @Slot()
    def _owner_destroyed(self) -> None:
        self._owner_alive = False
        self._dialog = None
        self._stop.set()
        if self.retry_box is not None:  # the box went with its parent: nobody will answer it
            self.retry_box = None
            self.failed.emit(self.error)
            self._end()

    @Slot(int, int)
    def _show_progress(self, done: int, total: int) -> None:
        if self._dialog is not None and self.running:
            if self._dialog.maximum() != max(total, 0):
                self._dialog.setMaximum(max(total, 0))
            self._dialog.setValue(min(done, total) if total > 0 else 0)
        self.progressed.emit(done, total)

    @Slot(object)
    def _finish_ok(self, result: Any) -> None:
        self.result = result
        self._close_dialog()
        if self._owner_alive and self._on_done is not None:
            self._call(self._on_done, result)
        self.succeeded.emit(result)
        self._end()

    @Slot(object)
    def _finish_error(self, exc: BaseException) -> None:
        self.error = exc
        self._close_dialog()
        if isinstance(exc, Cancelled):
            if self._owner_alive and self._on_cancelled is not None:
                self._call(self._on_cancelled)
            self.cancelled.emit()
        elif isinstance(exc, Busy) and self._owner_alive:
            self.retry_box = ask_retry(self._owner_widget(), exc, on_retry=self._retry,
                                       on_cancel=lambda: self._fail(exc, shown=True))
            return  # the task goes on until the box is answered
        else:
            self._fail(exc)
            return
        self._end()

    def _fail(self, exc: BaseException, *, shown: bool = False) -> None:
        self.retry_box = None
        if self._owner_alive:
            if self._on_error is not None:
                self._call(self._on_error, exc)
            elif not shown:
                show_error(self._owner_widget(), exc)
        self.failed.emit(exc)
        self._end()

    def _retry(self) -> None:
        """Run the work again after a busy database (the user chose Retry)."""
        self.retry_box = None
        if not self._owner_alive:
            return
        self.error = None
        self.running = True
        self._stop.clear()
        self._make_dialog()
        self._start()

    def _call(self, fn: Callable[..., Any], *args: Any) -> None:
        try:
            fn(*args)
        except Exception:  # a broken callback must not leave the task hanging
            traceback.print_exc()

    def _close_dialog(self) -> None:
        self.running = False
        if self._dialog is not None:
            self._dialog.hide()
            self._dialog.deleteLater()
            self._dialog = None

    def _end(self) -> None:
        _running.discard(self)
        self.ended.emit()


class _Runnable(QRunnable):
    def __init__(self, task: Task) -> None:
        super().__init__()
        self._task = task
        self.setAutoDelete(True)

    def run(self) -> None:
        self._task._run()


def run_in_background(fn: Work, *, parent: QObject | None, on_done: Callable[[Any], None] | None = None,
                      on_error: Callable[[BaseException], object] | None = None,
                      on_cancelled: Callable[[], None] | None = None,
                      progress_label: str | None = None, cancellable: bool = True,
                      writes: bool = False) -> Task:
    """Start `fn(progress, cancel)` on a worker thread; see the module docstring."""
    task = Task(fn=fn, parent=parent, on_done=on_done, on_error=on_error, on_cancelled=on_cancelled,
                progress_label=progress_label, cancellable=cancellable, writes=writes)
    _running.add(task)
    task._start()
    return task


def read_ahead(fn: Callable[[], T]) -> Future[T]:
    """Start the read `fn()` on a thread of its own now, for the GUI thread to take later with
    `.result()` (waiting only if it has not finished): SQL the window needs while it is being built
    runs beside the building. A thread of its own, not the pool, so a long task on the pool never
    holds the GUI thread waiting. `fn` reads only (no widgets); its exception comes out of `result()`."""
    future: Future[T] = Future()

    def run() -> None:
        if not future.set_running_or_notify_cancel():
            return
        try:
            future.set_result(fn())
        except BaseException as exc:  # for the GUI thread to raise, as if it had read itself
            future.set_exception(exc)

    threading.Thread(target=run, name="povdesk-read-ahead", daemon=True).start()
    return future


def running_tasks() -> int:
    return len(_running)


def wait_for_tasks(timeout_ms: int = 30_000) -> bool:
    """Process events until every task has ended (window closing, tests). False on timeout."""
    deadline = time.monotonic() + timeout_ms / 1000
    while _running and time.monotonic() < deadline:
        QCoreApplication.processEvents()
        QThreadPool.globalInstance().waitForDone(10)
        _writer_pool().waitForDone(10)
    QCoreApplication.processEvents()
    return not _running
