"""Desks see each other, in the window: other desks' commits refresh the affected rows, the queues
and the counts within a second, and a lost server connection shows in the status bar.

`ChangeBridge` turns the services' `ChangeListener` (a background thread, plain callbacks) into Qt
signals, delivered on the GUI thread. `LiveRefresh` gathers the events of a short moment and
refreshes only what they touch: the list rows of the households named (their cached rows are read
again), the detail when it shows one of them, the navigator's counts, the change-request queues
and the problems; an event that names no households ("all": an import, a check run, a reconnect)
refreshes the whole window as Data > Refresh does.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QCoreApplication, QObject, QTimer, Signal

from povdesk.services.database import Database
from povdesk.services.notify import ChangeEvent, ChangeListener

# how long the window gathers events before it refreshes (well within the second promised)
GATHER_MS = 150
# what each kind of change refreshes besides the rows
QUEUE_KINDS = frozenset({"request", "signoff", "household", "all"})
PROBLEM_KINDS = frozenset({"problem", "check", "household", "import", "all"})


class ChangeBridge(QObject):
    """The listener's callbacks as signals; connected slots run on the bridge's (GUI) thread."""

    changed = Signal(object)  # ChangeEvent
    connection_changed = Signal(bool)  # False: lost, True: back

    def __init__(self, db: Database, parent: QObject | None = None, *, interval: float = 1.0,
                 retry: float = 1.0) -> None:
        super().__init__(parent)
        self.listener = ChangeListener(db, self.changed.emit, self.connection_changed.emit,
                                       interval=interval, retry=retry)

    def start(self) -> None:
        self.listener.start()
        app = QCoreApplication.instance()
        if app is not None:
            app.aboutToQuit.connect(self.listener.stop)

    def stop(self) -> None:
        self.listener.stop()


class LiveRefresh(QObject):
    """Refreshes a main window from other desks' commits."""

    refreshed = Signal(object)  # the (gathered) ChangeEvent just applied

    def __init__(self, window: Any, *, interval: float = 1.0, retry: float = 1.0) -> None:
        super().__init__(window)
        self.window = window
        self.bridge = ChangeBridge(window.services.db, self, interval=interval, retry=retry)
        self._pending: ChangeEvent | None = None
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(GATHER_MS)
        self._timer.timeout.connect(self._apply)
        self.bridge.changed.connect(self._gather)
        self.bridge.connection_changed.connect(self.show_connection)
        listener = self.bridge.listener
        window.destroyed.connect(lambda *_: listener.stop())

    def start(self) -> None:
        self.bridge.start()

    def stop(self) -> None:
        self.bridge.stop()

    def lost_text(self) -> str:
        return self.tr("The connection to the database server was lost; retrying…")

    def show_connection(self, connected: bool) -> None:
        bar = self.window.statusBar()
        if not connected:
            bar.showMessage(self.lost_text())
        elif bar.currentMessage() == self.lost_text():
            bar.clearMessage()

    def _gather(self, change: ChangeEvent) -> None:
        self._pending = change if self._pending is None else self._pending.merged(change)
        if not self._timer.isActive():
            self._timer.start()

    def _apply(self) -> None:
        change, self._pending = self._pending, None
        if change is None:
            return
        w = self.window
        if change.everything:
            w.refresh()
        else:
            households = change.households or frozenset()
            w._load_navigator()  # the places' and problems' counts
            w.table_model.refresh_rows(households)
            w._update_counts()
            shown = w.detail.household_id()
            if shown is not None and shown in households:
                w._show_household(shown, w.detail.highlighted_field(), w.detail.highlighted_member())
        kinds = change.kinds
        if kinds & QUEUE_KINDS or change.everything:
            w.changes_panel.reload()
        if kinds & PROBLEM_KINDS or change.everything:
            w.problems_panel.refresh()
        self.refreshed.emit(change)


def install_live(window: Any) -> LiveRefresh:
    """The main window's refresher from other desks' commits (started separately: `.start()`)."""
    return LiveRefresh(window)
