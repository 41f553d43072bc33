"""Backups, restore and the health check (issue 15 §4)."""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from contextlib import closing
from pathlib import Path

import pytest
from sqlalchemy import func, select

from povdesk.config import Settings
from povdesk.db import backup as files
from povdesk.db.models import Household
from povdesk.errors import BadInput
from povdesk.services import backups
from povdesk.services.backups import BackupService, restore_file, verify_copy
from povdesk.services.database import Database

pytestmark = pytest.mark.sqlite_only(reason="SQLite's online backup API and the file's own checks")


def _households(db: Database) -> int:
    with db.reading() as s:
        return s.scalar(select(func.count()).select_from(Household)) or 0


def _delete_household(path: Path) -> None:
    """Someone lost a household: its row is gone (behind the application's back)."""
    with closing(sqlite3.connect(path)) as conn:
        conn.execute("PRAGMA foreign_keys=OFF")
        conn.execute("DELETE FROM household WHERE id = (SELECT min(id) FROM household)")
        conn.commit()


def test_a_backup_has_a_manifest_with_counts_and_digest_while_the_database_is_open(county_db: Database) -> None:
    service = BackupService(db=county_db)
    record = service.backup()
    assert record.path.is_file() and record.path.parent == county_db.backups
    manifest = json.loads(files.manifest_path(record.path).read_text(encoding="utf-8"))
    assert manifest["sha256"] == files.sha256_of(record.path) == record.sha256
    assert manifest["size"] == record.path.stat().st_size
    assert manifest["counts"]["households"] == _households(county_db) == record.households == 6
    assert record.members > 0 and manifest["schema"] == record.schema
    assert record.schema is not None and record.schema == files.live_revision(county_db.engine)
    assert {"problems", "change_log"} <= set(manifest["counts"])
    assert [r.path for r in service.entries()] == [record.path]


def test_restore_from_the_daily_backup_brings_back_a_deleted_household(county_db: Database) -> None:
    service = BackupService(db=county_db)
    daily = service.daily()
    assert daily is not None and daily.reason == backups.DAILY
    assert service.daily() is None  # one a day
    path = county_db.path
    assert path is not None
    _delete_household(path)
    assert _households(county_db) == 5
    result = service.restore(daily.path)
    assert _households(county_db) == 6
    assert result.kept.is_file() and result.kept.parent == path.parent and not result.migrated
    with closing(sqlite3.connect(result.kept)) as kept:  # the database as it was, beside it
        assert kept.execute("SELECT count(*) FROM household").fetchone()[0] == 5


def test_a_backup_from_a_newer_schema_is_refused(county_db: Database, tmp_path: Path) -> None:
    record = BackupService(db=county_db).backup(out=tmp_path / "copy.sqlite")
    with closing(sqlite3.connect(record.path)) as conn:
        conn.execute("UPDATE alembic_version SET version_num = '9999'")
        conn.commit()
    files.manifest_path(record.path).unlink()  # a manifest would already catch the change
    with pytest.raises(BadInput) as refused:
        verify_copy(record.path)
    assert refused.value.code == "backup.newer_schema" and "9999" in refused.value.zh
    path = county_db.path
    assert path is not None
    before = path.read_bytes()
    with pytest.raises(BadInput):
        restore_file(path, record.path)
    assert path.read_bytes() == before


def test_a_damaged_backup_is_detected(county_db: Database, tmp_path: Path) -> None:
    record = BackupService(db=county_db).backup(out=tmp_path / "copy.sqlite")
    data = bytearray(record.path.read_bytes())
    data[len(data) // 2: len(data) // 2 + 64] = b"\xff" * 64
    record.path.write_bytes(bytes(data))
    with pytest.raises(BadInput) as refused:  # the manifest's digest
        verify_copy(record.path)
    assert refused.value.code == "backup.corrupt"
    files.manifest_path(record.path).unlink()
    data[:16] = b"not a database!!"
    record.path.write_bytes(bytes(data))
    with pytest.raises(BadInput) as refused:  # SQLite's own view
        verify_copy(record.path)
    assert refused.value.code == "backup.corrupt"


def test_an_import_backs_up_first(county_db: Database, tmp_path: Path) -> None:
    from tests.exchange.rosters import person_xlsx

    roster = person_xlsx(tmp_path / "r.xlsx")
    county_db.user = "tester"
    from povdesk.services.importer import ImportService

    ImportService(db=county_db).run(roster)
    reasons = [r.reason for r in BackupService(db=county_db).entries()]
    assert backups.BEFORE_IMPORT in reasons


def test_old_backups_are_pruned_to_days_and_months(county_db: Database) -> None:
    Settings(backup_keep_daily=3, backup_keep_monthly=2).save()
    service = BackupService(db=county_db)
    path = county_db.path
    assert path is not None
    today = dt.date(2024, 5, 20)
    taken = [dt.datetime(2024, 3, 5, 9), dt.datetime(2024, 4, 2, 9), dt.datetime(2024, 4, 30, 9),
             dt.datetime(2024, 5, 1, 9), dt.datetime(2024, 5, 17, 9), dt.datetime(2024, 5, 18, 9),
             dt.datetime(2024, 5, 19, 8), dt.datetime(2024, 5, 19, 9),
             dt.datetime(2024, 5, 20, 8), dt.datetime(2024, 5, 20, 9)]
    for when in taken:
        files.snapshot_sqlite(path, service.folder, "daily", app_version="t", now=when)
    service.prune(today)
    kept = sorted(r.taken_at for r in service.entries())
    # today's two, the newest of the 3 latest days (19th 9h, 18th), the newest of 2 months (May, 30 Apr)
    assert kept == [dt.datetime(2024, 4, 30, 9), dt.datetime(2024, 5, 18, 9), dt.datetime(2024, 5, 19, 9),
                    dt.datetime(2024, 5, 20, 8), dt.datetime(2024, 5, 20, 9)]


def test_the_health_check_names_a_broken_foreign_key(county_db: Database) -> None:
    service = BackupService(db=county_db)
    assert service.check().ok
    path = county_db.path
    assert path is not None
    _delete_household(path)
    found = service.check()
    assert not found.ok and "foreign_key_check" in found.message("en")


def test_by_default_30_daily_and_12_monthly_backups_are_kept(county_db: Database) -> None:
    """Backups of 45 days in a row and, before them, two a month back to January 2023, pruned with
    the default settings: every one of the last 30 days, and beyond them the newest of each month
    back to the 12th month."""
    settings = Settings.load()
    assert (settings.backup_keep_daily, settings.backup_keep_monthly) == (30, 12)
    path = county_db.path
    assert path is not None
    today = dt.date(2024, 5, 20)
    service = BackupService(db=county_db, clock=lambda: dt.datetime(2024, 5, 20, 9))
    days = [today - dt.timedelta(days=n) for n in range(45)]  # 6 April to 20 May
    days += [dt.date(year, month, day) for year, month in [(2023, m) for m in range(1, 13)] + [(2024, 1),
             (2024, 2), (2024, 3)] for day in (1, 28)]
    for day in days:  # a small file with a manifest stands for each day's copy
        taken = dt.datetime.combine(day, dt.time(8, 30))
        copy = service.folder / f"{path.stem}-{files.stamp(taken)}-daily.sqlite"
        copy.write_bytes(taken.isoformat().encode())
        files.write_manifest(copy, reason="daily", source=str(path.resolve()), engine="sqlite",
                             schema="0015", counts={}, app_version="t", taken_at=taken)
    removed = service.prune()
    kept = {r.taken_at.date() for r in service.entries()}
    last_30 = {today - dt.timedelta(days=n) for n in range(30)}  # 21 April to 20 May
    # May and April are in the last 30 days; ten more months back to June 2023, each its 28th
    months = {dt.date(2023, m, 28) for m in range(6, 13)} | {dt.date(2024, m, 28) for m in (1, 2, 3)}
    assert kept == last_30 | months and len(kept) == 40
    assert len(removed) == len(days) - 40 and not any(files.manifest_path(p).exists() for p in removed)
