"""Upgrades (issue 15 §6): a database made by the previous release opens in this one with its
counts and change journal intact, after a backup taken first."""

from __future__ import annotations

from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic import command

from povdesk.db import backup as files
from povdesk.db import migrate
from povdesk.db.engine import make_engine
from povdesk.db.models import ChangeLog, Household
from povdesk.demo.service import DemoService
from povdesk.services.database import Database
from tests.helpers.databases import DatabaseFactory

TABLES = ("household", "member", "change_log", "problem", "audit_log")


def _facts(engine: sa.Engine) -> dict[str, object]:
    with engine.connect() as c:
        facts: dict[str, object] = {t: c.execute(sa.text(f"SELECT count(*) FROM {t}")).scalar() for t in TABLES}
        facts["journal"] = c.execute(sa.text(
            "SELECT household_id, field, old_value, new_value FROM change_log ORDER BY id")).all()
    return facts


@pytest.mark.sqlite_only(reason="the backup before the migration is a copy of the SQLite file")
def test_a_database_of_the_previous_release_opens_with_its_data_after_a_backup(
        db_factory: DatabaseFactory, tmp_path: Path) -> None:
    target = db_factory.new(tmp_path, "old")
    db = Database.open(target, user="tester")
    DemoService(db=db).build(households=30, seed=7)
    with db.transaction(system=True) as s:  # the journal of a few edits made in the old release
        first = s.scalar(sa.select(Household.id).order_by(Household.id))
        s.add_all(ChangeLog(user="clerk", source="edit", household_id=first, entity="household",
                            entity_id=first, field="household.phone", old_value=str(n), new_value=str(n + 1))
                  for n in range(3))
    db.close()
    engine = make_engine(target)
    command.downgrade(migrate.alembic_config(engine), "0010")  # as the previous release left it
    before = _facts(engine)
    assert before["household"] == 30 and before["change_log"] == 3
    engine.dispose()

    folder = tmp_path / "backups"
    db = Database.open(target, user="tester", backups=folder)
    try:
        assert db.backup_written is not None
        copy = files.read_manifest(db.backup_written)
        assert copy is not None and copy.schema == "0010" and copy.counts["households"] == 30
        assert files.sqlite_revision(db.backup_written) == "0010"
        assert migrate.current_revision(db.engine) == migrate.SCHEMA_HEAD
        assert _facts(db.engine) == before
    finally:
        db.close()
