"""Bring a database to the newest schema, after a backup copy of a SQLite file that is behind."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Engine, inspect, text
from sqlalchemy.exc import DBAPIError

from povdesk.db.engine import sqlite_path

if TYPE_CHECKING:
    from alembic.config import Config

log = logging.getLogger(__name__)
MIGRATIONS = Path(__file__).with_name("migrations")

#: The newest migration. Opening a database already at this revision needs no Alembic import,
#: which keeps the window's start fast; a test holds it equal to Alembic's own head.
SCHEMA_HEAD = "0017"


def alembic_config(engine: Engine) -> Config:
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.attributes["engine"] = engine
    return cfg


def head_revision(engine: Engine) -> str:
    from alembic.script import ScriptDirectory

    heads = ScriptDirectory.from_config(alembic_config(engine)).get_heads()
    if len(heads) != 1:
        raise RuntimeError(f"migrations have {len(heads)} heads: {heads}")
    return heads[0]


def current_revision(engine: Engine) -> str | None:
    from alembic.runtime.migration import MigrationContext

    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def is_empty(engine: Engine) -> bool:
    return not inspect(engine).get_table_names()


def backup_sqlite(path: Path, backups: Path, label: str) -> Path:
    """A consistent copy through SQLite's backup API (safe with WAL and other readers), with its
    manifest beside it, like every other backup (`povdesk.db.backup`)."""
    from povdesk import __version__
    from povdesk.db.backup import snapshot_sqlite

    return snapshot_sqlite(path, backups, label, app_version=__version__).path


def _stamped_revision(engine: Engine) -> str | None:
    """The revision recorded in the database, read with plain SQL (None when not stamped)."""
    try:
        with engine.connect() as conn:
            rows = conn.execute(text("SELECT version_num FROM alembic_version")).scalars().all()
    except DBAPIError:  # no alembic_version table yet
        return None
    return rows[0] if len(rows) == 1 else None


def upgrade(engine: Engine, *, backups: Path | None = None) -> Path | None:
    """Migrate to head. Returns the backup written, if any (only when an existing file was behind)."""
    if _stamped_revision(engine) == SCHEMA_HEAD:
        return None
    from alembic import command

    head = head_revision(engine)
    current = current_revision(engine)
    if current == head:
        return None
    backup: Path | None = None
    path = sqlite_path(str(engine.url))
    if path is not None and path.exists() and not is_empty(engine) and backups is not None:
        backup = backup_sqlite(path, backups, f"before-{head}")
        log.info("backed up %s to %s before upgrading from %s", path, backup, current)
    command.upgrade(alembic_config(engine), "head")
    return backup
