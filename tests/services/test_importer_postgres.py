"""The roster import on PostgreSQL: the same households, the same idempotent re-import, indexes kept."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import func, select, text

from povdesk.db.models import ChangeLog, Household, Member
from povdesk.services.database import Database
from povdesk.services.importer import SOURCE_IMPORT, ImportService
from tests.exchange.rosters import col, person_rows, person_xlsx


def member_indexes(db: Database) -> list[str]:
    with db.reading() as s:
        return sorted(s.scalars(text("SELECT indexdef FROM pg_indexes WHERE tablename = 'member'")))


def test_import_and_reimport_on_postgres(pg_db: Database, tmp_path: Path,
                                         monkeypatch: pytest.MonkeyPatch) -> None:
    from povdesk.db import fast

    monkeypatch.setattr(fast, "REBUILD_MIN", 1)  # a "bulk" import even of 7 members
    indexes = member_indexes(pg_db)
    service = ImportService(db=pg_db)
    first = service.run(person_xlsx(tmp_path / "a.xlsx"))
    assert (first.households_new, first.members_new, first.errors) == (3, 7, ())
    assert member_indexes(pg_db) == indexes
    with pg_db.reading() as s:
        assert s.scalar(select(func.count()).select_from(Member)) == 7
        head_id = person_rows()[0][col("证件号码")]
        head = s.scalar(select(Member).where(Member.id_number == head_id))
        assert head is not None and head.sex == "1" and head.name == person_rows()[0][col("姓名")]
    again = service.run(person_xlsx(tmp_path / "a.xlsx"))
    assert (again.households_new, again.members_new, again.fields_changed) == (0, 0, 0)

    rows = person_rows()
    rows[0][col("姓名")] = "沙马拉则改"
    third = service.run(person_xlsx(tmp_path / "b.xlsx", rows))
    assert third.fields_changed == 1
    with pg_db.reading() as s:
        entry = s.scalar(select(ChangeLog).where(ChangeLog.field == "member.name"))
        assert entry is not None and entry.source == SOURCE_IMPORT and entry.new_value == "沙马拉则改"
        assert s.scalar(select(Household.version).where(
            Household.household_no == rows[0][col("户编号")])) == 2
