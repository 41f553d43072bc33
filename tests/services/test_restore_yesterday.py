"""Issue 15, done when: "A restore from yesterday's automatic backup brings back a deleted household."

The story, on the run's engine (SQLite in the first pass, PostgreSQL in the second):
yesterday's first start backs the county up (`BackupService.daily`, its clock set to yesterday);
later that day the household is lost; today's first start backs up the county without it; the
office restores yesterday's backup (through the service the window uses, then once more through
`povdesk db restore`) and the household is back with its members and its change journal, the
database as it was kept beside it.

How it is lost: povdesk never deletes a household (members leave by status, imports only add
and update, every edit is journalled and can be undone from the journal). What a restore is for
is a loss behind povdesk's back: someone "tidying up a duplicate" with a database tool. So the
test deletes the household and every row hanging from it with SQL (`tests.helpers.losses`).
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import sqlite3
from contextlib import closing
from pathlib import Path

import pytest
from sqlalchemy import func, select

from povdesk.cli import main
from povdesk.db import backup as files
from povdesk.db.models import ChangeLog, Household, Member
from povdesk.services import backups
from povdesk.services.backups import BackupService
from povdesk.services.database import Database
from povdesk.services.registry import RegistryService
from tests.helpers.losses import delete_household

LOST = "51343720420100001"  # 沙马拉则's household of five
YESTERDAY = dt.datetime(2026, 3, 9, 8, 4, 10)
TODAY = dt.datetime(2026, 3, 10, 8, 1, 30)

Snapshot = tuple[tuple[object, ...], list[tuple[object, ...]], list[tuple[object, ...]]]


def _snapshot(db: Database, household_no: str) -> Snapshot | None:
    """The household, its members and its journal rows, as comparable tuples (None: it is gone)."""
    with db.reading() as s:
        h = s.scalars(select(Household).where(Household.household_no == household_no)).one_or_none()
        if h is None:
            return None
        household = (h.id, h.household_no, h.head_name, h.size, h.phone, h.village_id)
        members = [(m.id, m.name, m.id_number, m.relation, m.status)
                   for m in s.scalars(select(Member).where(Member.household_id == h.id).order_by(Member.id))]
        journal = [(c.id, c.member_id, c.field, c.old_value, c.new_value, c.reason, c.user)
                   for c in s.scalars(select(ChangeLog).where(ChangeLog.household_id == h.id).order_by(ChangeLog.id))]
    return household, members, journal


def _count(db: Database, model: type[Household] | type[Member] | type[ChangeLog]) -> int:
    with db.reading() as s:
        return int(s.scalar(select(func.count()).select_from(model)) or 0)


def _needs_pg_tools(db: Database) -> None:
    if db.path is None and not (shutil.which("pg_dump") and shutil.which("pg_restore")):
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail("pg_dump/pg_restore are not on the PATH")
        pytest.skip("pg_dump/pg_restore are not on the PATH (the PostgreSQL client tools)")


def test_yesterdays_automatic_backup_brings_back_a_deleted_household(
        county_db: Database, db_url: str, capsys: pytest.CaptureFixture[str]) -> None:
    db = county_db
    _needs_pg_tools(db)
    registry = RegistryService(db=db)
    with db.reading() as s:
        household_id = s.scalars(select(Household.id).where(Household.household_no == LOST)).one()
        member_id = s.scalars(select(Member.id).where(Member.household_id == household_id)
                              .order_by(Member.id)).first()
    assert member_id is not None
    # the household has a history: two journalled edits before yesterday's first start
    registry.update_field(entity="household", entity_id=household_id, key="household.phone",
                          value="13912345678", reason="户主换号")
    registry.update_field(entity="member", entity_id=member_id, key="member.phone",
                          value="13987654321", reason="电话核实")
    before = _snapshot(db, LOST)
    assert before is not None and len(before[1]) == 5 and len(before[2]) >= 2
    households, members, journal = _count(db, Household), _count(db, Member), _count(db, ChangeLog)

    # yesterday, the first start of the day backs the county up
    yesterday = BackupService(db=db, folder=db.backups, clock=lambda: YESTERDAY)
    daily = yesterday.daily()
    assert daily is not None and daily.reason == backups.DAILY and daily.taken_at == YESTERDAY
    assert yesterday.daily() is None  # one a day
    # its manifest: size, SHA-256, schema revision and counts
    manifest = files.read_manifest(daily.path)
    assert manifest is not None and manifest.engine == ("sqlite" if db.path is not None else "postgresql")
    assert manifest.size == daily.path.stat().st_size == daily.size > 0
    assert manifest.sha256 == files.sha256_of(daily.path) == daily.sha256
    assert manifest.schema is not None and manifest.schema == files.live_revision(db.engine)
    assert manifest.counts == {"households": households, "members": members,
                               "problems": _count_problems(db), "change_log": journal}

    # later that day the household is lost
    deleted = delete_household(db, LOST)
    assert deleted["member"] == 5 and deleted["change_log"] >= 2
    assert _snapshot(db, LOST) is None and _count(db, Household) == households - 1

    # today's first start backs up the county as it is now: without the household
    today = BackupService(db=db, folder=db.backups, clock=lambda: TODAY)
    todays = today.daily()
    assert todays is not None and todays.households == households - 1
    assert [r.taken_at for r in today.entries()] == [TODAY, YESTERDAY]

    # restore yesterday's, as the backup page does
    result = today.restore(daily.path)
    assert _snapshot(db, LOST) == before
    assert (_count(db, Household), _count(db, Member), _count(db, ChangeLog)) == (households, members, journal)
    assert not result.migrated and result.restored.path == daily.path
    # the database as it was is kept beside it
    if db.path is not None:
        assert result.kept.parent == db.path.parent and result.kept.is_file()
        with closing(sqlite3.connect(result.kept)) as kept:
            assert kept.execute("SELECT count(*) FROM household").fetchone()[0] == households - 1
    else:
        kept_copy = files.read_manifest(result.kept)
        assert result.kept.parent == db.backups and result.kept.read_bytes()[:5] == b"PGDMP"
        assert kept_copy is not None and kept_copy.counts["households"] == households - 1
        assert backups.BEFORE_RESTORE in [r.reason for r in today.entries()]

    # the same from the command line
    delete_household(db, LOST)
    db.engine.dispose()
    replace = ["--replace"] if db.path is None else []
    assert main(["--db", db_url, "--lang", "en", "db", "restore", *replace, str(daily.path)]) == 0
    out = capsys.readouterr().out
    assert f"{households} households" in out
    assert _snapshot(db, LOST) == before


def _count_problems(db: Database) -> int:
    from povdesk.db.models import Problem

    with db.reading() as s:
        return int(s.scalar(select(func.count()).select_from(Problem)) or 0)


def test_a_postgresql_restore_gives_up_on_a_desk_still_reading(pg_db: Database, tmp_path: Path,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    """Another desk with a transaction open on the county would keep pg_restore's DROPs waiting for
    ever (the dump sets its own lock_timeout = 0): the restore gives up after its wait and the
    database stays as it was."""
    from sqlalchemy import create_engine, text

    from povdesk.errors import PovdeskError
    from tests.factories import build_small_county

    _needs_pg_tools(pg_db)
    build_small_county(pg_db)
    service = BackupService(db=pg_db, folder=tmp_path / "b")
    record = service.backup()
    delete_household(pg_db, LOST)
    monkeypatch.setattr(files, "RESTORE_LOCK_TIMEOUT", "200ms")
    other_desk = create_engine(pg_db.engine.url)
    try:
        with other_desk.connect() as conn, conn.begin():
            conn.execute(text("SELECT count(*) FROM household")).scalar()
            with pytest.raises(PovdeskError) as refused:
                service.restore(record.path)
    finally:
        other_desk.dispose()
    assert refused.value.code == "backup.restore_busy" and "另一台电脑" in refused.value.zh
    assert _snapshot(pg_db, LOST) is None and _count(pg_db, Household) == 5
