"""Restoring an older PostgreSQL backup over a database a newer povdesk has migrated (issue 15 §4):
the tables the backup's schema did not have yet must not survive the restore, or the migration
that follows would trip over them and leave a database no desk can open."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import inspect

from povdesk import __version__
from povdesk.db import backup as files
from povdesk.db import migrate
from povdesk.db.engine import make_engine
from povdesk.errors import PovdeskError
from povdesk.services.backups import restore_postgresql

#: the revision before `member_year` (0016) was added
OLDER = "0015"


@pytest.mark.tools("pg_dump", "pg_restore")
def test_an_older_backup_restores_over_a_newer_schema_and_is_migrated(pg_factory, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    old = pg_factory.new(tmp_path, "old", migrated=False)
    live = pg_factory.new(tmp_path, "live")
    try:
        engine = make_engine(old)
        command.upgrade(migrate.alembic_config(engine), OLDER)
        assert "member_year" not in inspect(engine).get_table_names()
        engine.dispose()
        dump = tmp_path / "old.dump"
        files.pg_dump(old, dump)
        files.write_manifest(dump, reason="manual", source="old", engine="postgresql", schema=OLDER, counts={},
                             app_version=__version__, taken_at=dt.datetime.now())

        result = restore_postgresql(live, dump, replace=True, folder=tmp_path / "kept")

        assert result.migrated and result.replaced
        engine = make_engine(live)
        try:
            assert migrate.current_revision(engine) == migrate.head_revision(engine)
            assert "member_year" in inspect(engine).get_table_names()  # made again, by the migration
        finally:
            engine.dispose()
    finally:
        pg_factory.drop(old)
        pg_factory.drop(live)


@pytest.mark.tools("pg_dump", "pg_restore")
def test_an_older_backup_that_cannot_be_read_changes_nothing(pg_factory, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """A damaged older backup (its manifest rewritten to match, so only reading it fails): the
    newer tables are still there afterwards, the schema still the newest."""
    old = pg_factory.new(tmp_path, "old", migrated=False)
    live = pg_factory.new(tmp_path, "live")
    try:
        engine = make_engine(old)
        command.upgrade(migrate.alembic_config(engine), OLDER)
        engine.dispose()
        dump = tmp_path / "old.dump"
        files.pg_dump(old, dump)
        data = dump.read_bytes()
        dump.write_bytes(data[: len(data) * 2 // 3])
        files.write_manifest(dump, reason="manual", source="old", engine="postgresql", schema=OLDER, counts={},
                             app_version=__version__, taken_at=dt.datetime.now())

        with pytest.raises(PovdeskError) as caught:
            restore_postgresql(live, dump, replace=True, folder=tmp_path / "kept")

        assert "old.dump" in str(caught.value)
        engine = make_engine(live)
        try:
            assert migrate.current_revision(engine) == migrate.head_revision(engine)
            assert "member_year" in inspect(engine).get_table_names()
        finally:
            engine.dispose()
    finally:
        pg_factory.drop(old)
        pg_factory.drop(live)
