"""Desks see each other: what a commit announces, and a listener for the other desks' commits.

Every `Database.transaction` collects what its flushes touched (households, places, and the kind
of thing: a household edit, a change request, a sign-off, a problem decision) and, when it
commits, announces it in the same transaction (`povdesk.db.notify`: NOTIFY on PostgreSQL, the
change counter on SQLite), so nothing is announced that did not commit. A job holding a lock (an
import, a check run) writes in bulk past the ORM: it announces its kind with "all".

`ChangeListener` receives the other desks' announcements on a background thread (PostgreSQL:
LISTEN on a dedicated connection; SQLite: one SELECT of the counter every `interval` seconds) and
hands each batch to a plain callback as a `ChangeEvent`. No Qt here: the window bridges it.
"""

from __future__ import annotations

import json
import logging
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sqlalchemy import event
from sqlalchemy.orm import ORMExecuteState, Session, sessionmaker

from povdesk.db import notify as engine_notify

if TYPE_CHECKING:
    from povdesk.services.database import Database

log = logging.getLogger(__name__)

#: at most this many household (or place) ids are named in one announcement; more become "all"
ID_LIMIT = 500
_INFO_KEY = "povdesk.touched"

#: the kind of change a table's rows stand for (tables not named are not announced)
KIND_OF_TABLE = {
    "household": "household", "member": "household", "income": "household", "conditions": "household",
    "measure": "household", "cadre": "household", "pairing": "household", "change_log": "household",
    "change_request": "request", "change_field": "request", "change_evidence": "request",
    "period_close": "signoff",
    "problem": "problem", "problem_event": "problem",
    "village": "place", "township": "place",
    "import_run": "import", "check_run": "check",
}
#: the kinds of the jobs that write in bulk (`Database.transaction(lock=...)`)
BULK_JOBS = frozenset({"import", "check"})


@dataclass(frozen=True)
class ChangeEvent:
    """What other desks committed: the kinds of change, and the households and places concerned
    (None: possibly any, refresh all)."""

    kinds: frozenset[str]
    households: frozenset[int] | None
    places: frozenset[int] | None
    origin: str = ""

    @property
    def everything(self) -> bool:
        return self.households is None

    def merged(self, other: ChangeEvent) -> ChangeEvent:
        return ChangeEvent(self.kinds | other.kinds, _union(self.households, other.households),
                           _union(self.places, other.places), self.origin if self.origin == other.origin else "")


#: "something may have changed anywhere" (a reconnect, several commits between two polls)
EVERYTHING = ChangeEvent(frozenset({"all"}), None, None)


def _union(a: frozenset[int] | None, b: frozenset[int] | None) -> frozenset[int] | None:
    return None if a is None or b is None else a | b


# --------------------------------------------------------------------------- announcing
@dataclass
class _Touched:
    kinds: set[str]
    households: set[int]
    places: set[int]


def track(sessions: sessionmaker[Session]) -> None:
    """Collect what each flush of these sessions touches (once per session factory)."""
    if not event.contains(sessions, "after_flush", _collect):
        event.listen(sessions, "after_flush", _collect)
        event.listen(sessions, "do_orm_execute", _collect_statement)


def _collect_statement(state: ORMExecuteState) -> None:
    """An UPDATE/DELETE/INSERT statement run through the session: its kind (the rows it names are
    not known here; the flushes and `touch` name households)."""
    if not (state.is_update or state.is_delete or state.is_insert):
        return
    table = getattr(state.statement, "table", None)
    kind = KIND_OF_TABLE.get(getattr(table, "name", "") or "")
    if kind is not None:
        touch(state.session, kind)


def _collect(session: Session, _context: Any) -> None:
    touched = session.info.get(_INFO_KEY)
    for obj in (*session.new, *session.dirty, *session.deleted):
        table = getattr(obj, "__tablename__", None)
        kind = KIND_OF_TABLE.get(table or "")
        if kind is None:
            continue
        if touched is None:
            touched = session.info[_INFO_KEY] = _Touched(set(), set(), set())
        touched.kinds.add(kind)
        household = obj.id if table == "household" else getattr(obj, "household_id", None)
        if household is not None:
            touched.households.add(int(household))
        if table == "village":
            touched.places.add(int(obj.id))
        village = getattr(obj, "village_id", None)
        if village is not None:
            touched.places.add(int(village))


def touch(session: Session, kind: str, *, households: Iterable[int] = (), places: Iterable[int] = ()) -> None:
    """Announce, at this transaction's commit, a change the ORM did not see (a bulk write)."""
    touched = session.info.setdefault(_INFO_KEY, _Touched(set(), set(), set()))
    touched.kinds.add(kind)
    touched.households.update(households)
    touched.places.update(places)


def forget(session: Session) -> None:
    """Drop what was collected (the transaction rolled back)."""
    session.info.pop(_INFO_KEY, None)


def publish(session: Session, *, job: str | None, origin: str) -> None:
    """Announce what this transaction touched, inside it, just before it commits."""
    touched: _Touched | None = session.info.pop(_INFO_KEY, None)
    if touched is None and job not in BULK_JOBS:
        return
    if touched is None:
        touched = _Touched({job or "all"}, set(), set())
    whole = job in BULK_JOBS and not touched.households  # a bulk job names no household: all
    change = ChangeEvent(frozenset(touched.kinds), None if whole else frozenset(touched.households),
                         None if whole else frozenset(touched.places), origin)
    engine_notify.announce(session.connection(), encode(change))


def encode(change: ChangeEvent) -> str:
    """The announcement as compact JSON within PostgreSQL's payload limit: ids up to `ID_LIMIT`
    each, else "all"."""
    def ids(values: frozenset[int] | None) -> list[int] | str:
        return "all" if values is None or len(values) > ID_LIMIT else sorted(values)

    body: dict[str, Any] = {"o": change.origin, "k": sorted(change.kinds),
                            "h": ids(change.households), "p": ids(change.places)}
    text = json.dumps(body, separators=(",", ":"))
    if len(text.encode()) > engine_notify.MAX_PAYLOAD:
        body["h"] = body["p"] = "all"
        text = json.dumps(body, separators=(",", ":"))
    return text


def decode(payload: str | None) -> ChangeEvent:
    """An announcement read back; anything unreadable means "all"."""
    try:
        body = json.loads(payload or "")
        def ids(value: Any) -> frozenset[int] | None:
            return None if value == "all" else frozenset(int(v) for v in value)

        return ChangeEvent(frozenset(str(k) for k in body["k"]), ids(body["h"]), ids(body["p"]),
                           str(body.get("o", "")))
    except (ValueError, TypeError, KeyError):
        return EVERYTHING


# --------------------------------------------------------------------------- listening
class ChangeListener:
    """Delivers the other desks' commits to `on_change` and the server connection's state to
    `on_connection` (False when lost, True when back), both called on the listener's own thread.

    `start()` connects (PostgreSQL: LISTEN) or reads the counter (SQLite) before it returns, so a
    commit made after it is never missed; it never raises: an unreachable server is reported
    through `on_connection(False)` and retried every `retry` seconds. After a reconnect, an
    `EVERYTHING` event follows (what was committed meanwhile is not known). Commits of the same
    `Database` object are left out unless `include_own`.
    """

    def __init__(self, db: Database, on_change: Callable[[ChangeEvent], None],
                 on_connection: Callable[[bool], None] | None = None, *,
                 interval: float = 1.0, retry: float = 1.0, include_own: bool = False) -> None:
        self.db = db
        self.on_change = on_change
        self.on_connection = on_connection
        self.interval = interval
        self.retry = retry
        self.include_own = include_own
        self.server = db.engine.dialect.name == "postgresql"
        self.connected = False
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._listening: engine_notify.Listening | None = None
        self._counter: int | None = None
        self._lock = threading.Lock()

    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    @property
    def backend_pid(self) -> int | None:
        """The PostgreSQL process of the listening connection (None on SQLite or while lost)."""
        listening = self._listening
        return listening.backend_pid if listening is not None else None

    def start(self) -> None:
        if self.running:
            return
        self._stop.clear()
        self._attach(first=True)
        self._thread = threading.Thread(target=self._run, name="povdesk-changes", daemon=True)
        self._thread.start()

    def stop(self, timeout: float = 5.0) -> None:
        self._stop.set()
        thread, self._thread = self._thread, None
        if thread is not None and thread is not threading.current_thread():
            thread.join(timeout)
        self._detach()

    # ------------------------------------------------------------------ the thread
    def _run(self) -> None:
        while not self._stop.is_set():
            if not self.connected:
                if self._stop.wait(self.retry):
                    break
                if self._attach(first=False) and not self._stop.is_set():
                    self._deliver(EVERYTHING)
                continue
            try:
                changes = self._receive()
            except Exception as exc:  # the server went away (or the file): report, retry
                log.warning("change listener lost its connection: %s", exc)
                self._detach()
                self._set_connected(False)
                continue
            if changes is not None and not self._stop.is_set():
                self._deliver(changes)

    def _attach(self, *, first: bool) -> bool:
        try:
            if self.server:
                self._listening = engine_notify.Listening(self.db.engine)
            elif self._counter is None or first:
                self._counter = engine_notify.read_counter(self.db.engine)[0]
        except Exception as exc:
            log.warning("change listener cannot reach the database: %s", exc)
            self._detach()
            self._set_connected(False, force=first)
            return False
        if first:
            self.connected = True  # nothing to report: it was never lost
        else:
            self._set_connected(True)
        return True

    def _detach(self) -> None:
        with self._lock:
            listening, self._listening = self._listening, None
        if listening is not None:
            listening.close()

    def _receive(self) -> ChangeEvent | None:
        if self.server:
            listening = self._listening
            if listening is None:
                raise ConnectionError("not listening")
            found: ChangeEvent | None = None
            for payload in listening.wait(self.interval):
                change = decode(payload)
                if change.origin == self.db.origin and not self.include_own:
                    continue
                found = change if found is None else found.merged(change)
            return found
        if self._stop.wait(self.interval):
            return None
        counter, last = engine_notify.read_counter(self.db.engine)
        before, self._counter = self._counter, counter
        if before is None or counter == before:
            return None
        if counter != before + 1:
            return EVERYTHING  # several commits since the last look: which ones is not known
        change = decode(last)
        if change.origin == self.db.origin and not self.include_own:
            return None
        return change

    def _deliver(self, change: ChangeEvent) -> None:
        try:
            self.on_change(change)
        except Exception:  # a failing receiver must not end the listening
            log.exception("change listener callback failed")

    def _set_connected(self, value: bool, *, force: bool = False) -> None:
        if value == self.connected and not force:
            return
        self.connected = value
        if self.on_connection is not None:
            try:
                self.on_connection(value)
            except Exception:
                log.exception("change listener connection callback failed")
