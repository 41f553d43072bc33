"""Telling other desks that a commit changed something: the engine-level half.

PostgreSQL: `pg_notify` on `CHANNEL` inside the committing transaction (delivered only if it
commits), received by a dedicated connection that LISTENs (`Listening`). SQLite: the one row of
`change_counter` is bumped in the same transaction and a second window polls it (`read_counter`).
What an announcement says (JSON) is the services' business (`povdesk.services.notify`).
"""

from __future__ import annotations

import contextlib
from typing import Any

from sqlalchemy import Connection, Engine, select, text, update
from sqlalchemy.exc import OperationalError

from povdesk.db.models import ChangeCounter

#: the LISTEN/NOTIFY channel of every povdesk database on a server
CHANNEL = "povdesk_changes"
#: PostgreSQL refuses a NOTIFY payload of 8000 bytes or more
MAX_PAYLOAD = 7900

_COUNTER = ChangeCounter.__table__


def announce(conn: Connection, payload: str) -> None:
    """Announce `payload` to the other desks when the current transaction commits."""
    if conn.dialect.name == "postgresql":
        conn.execute(text("SELECT pg_notify(:channel, :payload)"), {"channel": CHANNEL, "payload": payload})
    else:
        try:
            conn.execute(update(_COUNTER).where(_COUNTER.c.id == 1)
                         .values(counter=_COUNTER.c.counter + 1, last=payload))
        except OperationalError as exc:  # opened unmigrated (before 0012): nobody can poll anyway
            if "no such table" not in str(exc):
                raise


def read_counter(engine: Engine) -> tuple[int, str | None]:
    """The change counter and the newest announcement (one SELECT); (0, None) without the row."""
    with engine.connect() as conn:
        row = conn.execute(select(_COUNTER.c.counter, _COUNTER.c.last).where(_COUNTER.c.id == 1)).first()
    return (int(row[0]), row[1]) if row is not None else (0, None)


class Listening:
    """A dedicated PostgreSQL connection (outside the pool, autocommit) that LISTENs on `CHANNEL`.

    Built from the engine's own connection settings; raises the driver's error when the server
    cannot be reached."""

    def __init__(self, engine: Engine) -> None:
        cargs, cparams = engine.dialect.create_connect_args(engine.url)
        cparams.setdefault("connect_timeout", 5)  # a server that does not answer is retried later
        conn: Any = engine.dialect.connect(*cargs, **cparams)  # ours alone, never the pool's
        try:
            conn.autocommit = True
            conn.execute(f"LISTEN {CHANNEL}")
        except BaseException:
            conn.close()
            raise
        self._conn = conn

    @property
    def backend_pid(self) -> int:
        return int(self._conn.info.backend_pid)

    def wait(self, timeout: float) -> list[str]:
        """The payloads that arrive within `timeout` seconds (returns early once one arrived and no
        more are queued); raises the driver's error when the connection is lost."""
        payloads: list[str] = []
        for note in self._conn.notifies(timeout=timeout):
            payloads.append(note.payload)
            break
        if payloads:  # take whatever else is already there, without waiting again
            payloads.extend(note.payload for note in self._conn.notifies(timeout=0.01))
        return payloads

    def close(self) -> None:
        with contextlib.suppress(Exception):  # a dropped connection may fail to close; it is gone anyway
            self._conn.close()
