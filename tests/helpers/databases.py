"""Fresh test databases on either engine, and a registry of the engines a test opened."""

from __future__ import annotations

import itertools
import weakref
from pathlib import Path

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.pool import NullPool

from povdesk.db import migrate
from povdesk.db.engine import make_engine

#: Every engine that connected during the run (weakly), and the SQLite ones since the guard's reset.
_engines: weakref.WeakSet[Engine] = weakref.WeakSet()
sqlite_opened: list[str] = []


@event.listens_for(Engine, "engine_connect")
def _remember_engine(conn) -> None:  # type: ignore[no-untyped-def]
    _engines.add(conn.engine)
    if conn.engine.dialect.name == "sqlite":
        sqlite_opened.append(str(conn.engine.url))


def dispose_engines() -> None:
    """Close the pooled connections of every engine tests made (the engines stay usable)."""
    for engine in list(_engines):
        engine.dispose()


class DatabaseFactory:
    """Fresh, empty databases for tests on the engine of this run.

    SQLite: a file path (the application creates and migrates it on open). PostgreSQL: a new
    database cloned from a template migrated once per run (`CREATE DATABASE … TEMPLATE`, a few
    milliseconds), so no test pays for an Alembic upgrade.
    """

    TEMPLATE = "povdesk_template"

    def __init__(self, engine: str, server_url: str | None) -> None:
        self.engine = engine
        self._server = make_url(server_url) if server_url else None
        self._admin: Engine | None = None
        self._count = itertools.count(1)

    def _url(self, name: str) -> str:
        assert self._server is not None
        return self._server.set(database=name).render_as_string(hide_password=False)

    def _execute(self, sql: str) -> None:
        if self._admin is None:
            self._admin = create_engine(self._url("postgres"), isolation_level="AUTOCOMMIT",
                                        poolclass=NullPool)
        with self._admin.connect() as conn:
            conn.exec_driver_sql(sql)

    def _template(self) -> str:
        if not getattr(self, "_migrated", False):
            self._execute(f'DROP DATABASE IF EXISTS "{self.TEMPLATE}"')
            self._execute(f'CREATE DATABASE "{self.TEMPLATE}" TEMPLATE template0')
            engine = make_engine(self._url(self.TEMPLATE))
            migrate.upgrade(engine)
            engine.dispose()
            self._migrated = True
        return self.TEMPLATE

    def new(self, folder: Path, name: str = "test", *, migrated: bool = True) -> str:
        """A path or URL for `Database.open` / `--db`; `migrated=False` gives a database with no tables."""
        if self.engine == "sqlite":
            return str(folder / f"{name}.sqlite")
        template = self._template() if migrated else "template0"
        database = f"t{next(self._count)}_{name}"[:60]
        # FILE_COPY: copying a small template's files beats WAL_LOG's block by block (fsync is off)
        self._execute(f'CREATE DATABASE "{database}" TEMPLATE "{template}" STRATEGY FILE_COPY')
        return self._url(database)

    def drop(self, target: str) -> None:
        """Throw a database away; connections a test left open are closed first."""
        dispose_engines()
        if self.engine == "postgresql":
            self._execute(f'DROP DATABASE IF EXISTS "{make_url(target).database}" WITH (FORCE)')

    def close(self) -> None:
        if self._admin is not None:
            self._admin.dispose()
