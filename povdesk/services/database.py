"""The open database: engine, sessions, migrations and first-run defaults."""

from __future__ import annotations

import contextlib
import getpass
import logging
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session, sessionmaker

from povdesk.config import backups_dir
from povdesk.db import migrate
from povdesk.db.engine import make_engine, make_session_factory, sqlite_path, to_url
from povdesk.db.models import AppUser, CodeItemRow, Meta, YearSetting
from povdesk.domain.codelists import CodeBook, CodeItemOverride, builtin_codebook
from povdesk.domain.yearsettings import DEFAULT_DATA_YEAR, default_year_settings

log = logging.getLogger(__name__)


@dataclass
class Database:
    """One database and the user working on it. Services take this object."""

    engine: Engine
    sessions: sessionmaker[Session]
    user: str
    backup_written: Path | None = None
    _codebook: CodeBook | None = field(default=None, repr=False)

    @classmethod
    def open(cls, path_or_url: str | Path, *, user: str | None = None, migrate_schema: bool = True,
             backups: Path | None = None) -> Database:
        """Open (creating and migrating when needed) a database from a path or SQLAlchemy URL."""
        engine = make_engine(path_or_url)
        try:
            backup = None
            if migrate_schema:
                backup = migrate.upgrade(engine, backups=backups or backups_dir())
            db = cls(engine, make_session_factory(engine), user or _os_user(), backup)
            db.ensure_defaults()
        except BaseException:
            engine.dispose()  # no connection left open behind a database that failed to open
            raise
        return db

    @property
    def url(self) -> str:
        return str(self.engine.url)

    @property
    def path(self) -> Path | None:
        return sqlite_path(to_url(self.url))

    @contextlib.contextmanager
    def transaction(self) -> Iterator[Session]:
        """A session whose work commits as one unit, or rolls back whole on any exception."""
        with self.sessions.begin() as session:
            yield session

    @contextlib.contextmanager
    def reading(self) -> Iterator[Session]:
        with self.sessions() as session:
            yield session

    def ensure_defaults(self) -> None:
        with self.transaction() as s:
            if s.scalar(select(YearSetting.year).limit(1)) is None:
                for ys in default_year_settings():
                    s.add(YearSetting(year=ys.year, exit_income_line=ys.exit_income_line,
                                      national_line=ys.national_line, source=ys.source,
                                      school_age_from=ys.school_age_from,
                                      school_age_to=ys.school_age_to,
                                      reference_date=ys.reference_date))
            if s.get(Meta, "data_year") is None:
                s.add(Meta(key="data_year", value=str(DEFAULT_DATA_YEAR)))
            if s.scalar(select(AppUser.id).where(AppUser.login == self.user)) is None:
                s.add(AppUser(login=self.user, display_name=self.user, role="clerk"))

    # ------------------------------------------------------------------ small shared facts
    def meta(self, key: str, default: str | None = None) -> str | None:
        with self.reading() as s:
            row = s.get(Meta, key)
            return row.value if row else default

    def set_meta(self, key: str, value: str) -> None:
        with self.transaction() as s:
            s.merge(Meta(key=key, value=value))

    @property
    def data_year(self) -> int:
        return int(self.meta("data_year", str(DEFAULT_DATA_YEAR)) or DEFAULT_DATA_YEAR)

    def codebook(self) -> CodeBook:
        """Shipped code lists with this office's edits; cached until `invalidate_codebook`."""
        if self._codebook is None:
            with self.reading() as s:
                rows = s.scalars(select(CodeItemRow)).all()
                overrides = [CodeItemOverride(r.list_key, r.code, r.zh, r.en, r.active) for r in rows]
            self._codebook = builtin_codebook().with_overrides(overrides)
        return self._codebook

    def invalidate_codebook(self) -> None:
        self._codebook = None

    def close(self) -> None:
        self.engine.dispose()


def _os_user() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no login name on some service accounts
        return "clerk"
