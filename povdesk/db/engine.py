"""Engines and session factories: SQLite (WAL, foreign keys) by default, any SQLAlchemy URL otherwise."""

from __future__ import annotations

import hashlib
import sqlite3
from functools import partial
from pathlib import Path

from sqlalchemy import Connection, Engine, create_engine, event, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session, sessionmaker

from povdesk.config import database_url_with_password

#: How long a statement waits for another connection's lock, unless the caller says otherwise.
DEFAULT_LOCK_WAIT = 10.0


def to_url(path_or_url: str | Path) -> str:
    """`--db` takes a file path or a URL (`postgresql+psycopg://…`)."""
    text = str(path_or_url)
    if "://" in text:
        return text
    return f"sqlite:///{Path(text).expanduser().resolve()}"


def sqlite_path(url: str) -> Path | None:
    u = make_url(url)
    if u.get_backend_name() != "sqlite" or not u.database or u.database == ":memory:":
        return None
    return Path(u.database)


def _sqlite_pragmas(dbapi_conn: sqlite3.Connection, _record: object, *, busy_ms: int) -> None:
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.execute(f"PRAGMA busy_timeout={busy_ms}")
    cur.execute("PRAGMA cache_size=-65536")
    cur.close()


def make_engine(path_or_url: str | Path, *, echo: bool = False,
                lock_wait: float = DEFAULT_LOCK_WAIT) -> Engine:
    """`lock_wait`: seconds a SQLite connection waits for another writer (busy_timeout)."""
    url = to_url(path_or_url)
    if url.startswith("sqlite"):
        path = sqlite_path(url)
        if path is not None:
            path.parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, echo=echo)
        event.listen(engine, "connect", partial(_sqlite_pragmas, busy_ms=_ms(lock_wait)))
        return engine
    return create_engine(database_url_with_password(url), echo=echo, pool_pre_ping=True)


def make_session_factory(engine: Engine) -> sessionmaker[Session]:
    from povdesk.db import search_keys  # imports the models, which this module's users may not need

    factory = sessionmaker(engine, expire_on_commit=False)
    event.listen(factory, "after_flush", search_keys.after_flush)  # names keep their search keys
    return factory


# --------------------------------------------------------------------------- locks
def _ms(seconds: float) -> int:
    return max(1, round(seconds * 1000))


def _advisory_key(job: str) -> int:
    """A stable signed 64-bit key per job kind for PostgreSQL's advisory locks."""
    return int.from_bytes(hashlib.blake2b(f"povdesk:{job}".encode(), digest_size=8).digest(), "big",
                          signed=True)


def write_lock(session: Session, job: str, *, wait: float = DEFAULT_LOCK_WAIT) -> None:
    """Make the session's transaction the only one of its kind before it reads anything.

    A job that reads, decides and writes (an import, a check run) must hold its lock from its first
    read, or two of them plan from the same state and both write (duplicate members, a journal
    recording old values that were no longer there). Call it first thing in the transaction.

    SQLite: `BEGIN IMMEDIATE` takes the database's one write lock now, not at the first INSERT;
    readers go on (WAL). pysqlite would otherwise open the transaction only before the first
    write, so the reads before it saw whatever was committed at each moment. Only this transaction
    changes; every other one keeps pysqlite's usual behaviour.
    PostgreSQL: a transaction-scoped advisory lock per job kind (`pg_advisory_xact_lock`), released
    by the commit or rollback; under READ COMMITTED every statement after it sees what the previous
    holder committed. Other writers (edits at another desk) are not held up.

    Waits at most `wait` seconds (SQLite's busy timeout, PostgreSQL's lock_timeout), then raises
    the driver's error, which `busy_kind` recognises.
    """
    conn = session.connection()
    name = conn.dialect.name
    if name == "sqlite":
        raw = conn.connection.dbapi_connection
        if getattr(raw, "in_transaction", False):
            raise RuntimeError("write_lock must be the first thing in its transaction")
        before = conn.exec_driver_sql("PRAGMA busy_timeout").scalar()
        conn.exec_driver_sql(f"PRAGMA busy_timeout = {_ms(wait)}")
        try:
            conn.exec_driver_sql("BEGIN IMMEDIATE")
        finally:
            conn.exec_driver_sql(f"PRAGMA busy_timeout = {int(before or 0)}")
    elif name == "postgresql":
        conn.exec_driver_sql(f"SET LOCAL lock_timeout = {_ms(wait)}")
        conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _advisory_key(job)})
        conn.exec_driver_sql("SET LOCAL lock_timeout TO DEFAULT")


def chain_lock(session: Session, name: str, *, wait: float = DEFAULT_LOCK_WAIT) -> None:
    """Serialise appends to a hash chain (the audit log) across connections, in mid-transaction.

    PostgreSQL: a transaction-scoped advisory lock (`pg_advisory_xact_lock`) held to the commit, so
    the last entry read after it is the newest committed one and two desks never chain onto the
    same entry. SQLite: a session whose transaction has not begun yet (pysqlite begins one only at
    the first write) takes the database's one write lock now (`BEGIN IMMEDIATE`), so the previous
    entry is read inside the transaction that appends; a transaction already begun holds the write
    lock from its first write (or, begun by a savepoint, fails as busy at its first write if its
    snapshot went stale meanwhile): either way two appends never chain onto the same entry."""
    conn = session.connection()
    if conn.dialect.name == "sqlite":
        raw = conn.connection.dbapi_connection
        if not getattr(raw, "in_transaction", True):
            before = conn.exec_driver_sql("PRAGMA busy_timeout").scalar()
            conn.exec_driver_sql(f"PRAGMA busy_timeout = {_ms(wait)}")
            try:
                conn.exec_driver_sql("BEGIN IMMEDIATE")
            finally:
                conn.exec_driver_sql(f"PRAGMA busy_timeout = {int(before or 0)}")
    elif conn.dialect.name == "postgresql":
        conn.exec_driver_sql(f"SET LOCAL lock_timeout = {_ms(wait)}")
        conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _advisory_key(f"chain:{name}")})
        conn.exec_driver_sql("SET LOCAL lock_timeout TO DEFAULT")


def migration_lock(conn: Connection) -> None:
    """Hold the database's schema for this migration, first thing in its transaction.

    SQLite: `BEGIN IMMEDIATE` (the one write lock, waiting up to the busy timeout); it also makes
    the migration's DDL one transaction, which pysqlite would otherwise commit statement by
    statement. PostgreSQL: a transaction-scoped advisory lock (its DDL is transactional anyway).
    Alembic reads the stamped revision after this, so a migration that waited finds the other's
    work done."""
    name = conn.dialect.name
    if name == "sqlite":
        conn.exec_driver_sql("BEGIN IMMEDIATE")
    elif name == "postgresql":
        conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _advisory_key("migrate")})


def read_snapshot(session: Session) -> None:
    """Let every read of the session's transaction see the same committed state (a dry run that
    compares many tables must not see half of another job's commit). Takes no write lock."""
    conn = session.connection()
    name = conn.dialect.name
    if name == "sqlite":
        raw = conn.connection.dbapi_connection
        if not getattr(raw, "in_transaction", False):
            conn.exec_driver_sql("BEGIN")  # deferred: a read snapshot from the first SELECT
    elif name == "postgresql":
        conn.exec_driver_sql("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")


#: SQLSTATEs of a PostgreSQL statement that lost to another transaction: lock timeout,
#: serialization failure, deadlock.
_PG_BUSY = {"55P03": "locked", "40001": "conflict", "40P01": "conflict"}


def busy_kind(exc: BaseException) -> str | None:
    """"locked" when the database was locked by another connection past the wait, "conflict" when
    PostgreSQL gave up a transaction that ran into another one; None for any other error."""
    if not isinstance(exc, DBAPIError):
        return None
    orig = exc.orig
    sqlstate = getattr(orig, "sqlstate", None)
    if sqlstate in _PG_BUSY:
        return _PG_BUSY[sqlstate]
    if isinstance(orig, sqlite3.OperationalError):
        message = str(orig).lower()
        if "database is locked" in message or "database table is locked" in message:
            return "locked"
    return None
