"""`povdesk db copy` (issue 16 §4): an office's demo SQLite database copied to PostgreSQL opens with
identical counts, checksums and findings, and back again; a non-empty target is refused."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest
from sqlalchemy import func, select

from benchmarks.common import demo_login
from benchmarks.findings_digest import digest, findings
from povdesk.cli import main
from povdesk.db.models import AuditEntry, ChangeRequest, Household
from povdesk.demo.service import DemoService
from povdesk.errors import BadInput
from povdesk.services.audit import AuditService
from povdesk.services.changes import ChangeRequestService
from povdesk.services.checks import CheckService
from povdesk.services.copy import copy_database, table_sums
from povdesk.services.database import Database
from tests.helpers.databases import DatabaseFactory


def _office(db: Database) -> None:
    """A small demo county with a check run, an approved change request and its journal."""
    DemoService(db=db).build(households=40, seed=7)
    demo_login(db)
    CheckService(db=db).run()
    with db.reading() as s:
        no = s.scalars(select(Household.household_no).order_by(Household.id)).first()
    assert no is not None
    clerk = dataclasses.replace(db, user="clerk", authenticated=True)
    made = ChangeRequestService(db=clerk).make("correct", household_no=no, sets={"household.phone": "13912345678"},
                                               reason="走访核实")
    ChangeRequestService(db=clerk).submit(made.id)
    ChangeRequestService(db=dataclasses.replace(db, user="reviewer", authenticated=True)).approve(made.id)


def _sums(db: Database) -> dict[str, tuple[int, str]]:
    with db.reading(snapshot=True) as s:
        return table_sums(s)


def test_the_demo_county_copied_to_postgresql_and_back_is_the_same_database(
        sqlite_db: Database, pg_factory: DatabaseFactory, tmp_path: Path) -> None:
    _office(sqlite_db)
    before = _sums(sqlite_db)
    assert before["household"][0] == 40 and before["change_log"][0] > 0 and before["audit_log"][0] > 0
    assert before["problem"][0] > 0 and before["change_request"][0] == 1
    target = pg_factory.new(tmp_path, "copy", migrated=False)  # a new, empty database
    seen: list[str] = []
    result = copy_database(sqlite_db.url, target, progress=lambda name, _rows: seen.append(name))
    assert {t.name: (t.rows, t.checksum) for t in result.tables} == before
    assert seen.index("household") < seen.index("member") < seen.index("change_log")
    copied = Database.open(target, user="director")
    try:
        assert _sums(copied) == before
        assert AuditService(db=copied).verify().intact  # the hash chain survived to the microsecond
        demo_login(copied)
        # new rows take ids after the copied ones (the sequences were set)
        with copied.reading() as s:  # closed without a commit: rolled back
            last = s.scalar(select(func.max(AuditEntry.id)))  # the copied ones and the login's entry
            assert last is not None and last > before["audit_log"][0]
            s.add(AuditEntry(user="x", action="test", subject="", detail="{}", prev_hash="0" * 64, hash="0" * 64))
            s.flush()
            assert s.scalar(select(func.max(AuditEntry.id))) == last + 1
        (lines_pg, problems_pg), (lines_sqlite, problems_sqlite) = findings(copied), findings(sqlite_db)
        assert digest(lines_pg, problems_pg)["problems"] == digest(lines_sqlite, problems_sqlite)["problems"]
        assert problems_pg == problems_sqlite  # every problem recorded, message and value alike
        assert lines_pg == lines_sqlite  # yes/no values are bools on both (SQLite's raw rows give 1/0)
    finally:
        copied.close()
        pg_factory.drop(target)


def test_a_target_holding_data_is_refused_and_left_alone(sqlite_db: Database, pg_db: Database) -> None:
    with sqlite_db.reading() as s:
        assert s.scalar(select(func.count()).select_from(ChangeRequest)) == 0
    before = _sums(pg_db)  # Database.open added the year settings and its user
    with pytest.raises(BadInput) as refused:
        copy_database(sqlite_db.url, pg_db.url)
    assert "not empty" in refused.value.en and "不是空数据库" in refused.value.zh
    assert _sums(pg_db) == before
    with pytest.raises(BadInput):
        copy_database(sqlite_db.url, sqlite_db.url)


def test_db_copy_on_the_command_line(sqlite_db: Database, tmp_path: Path,
                                     capsys: pytest.CaptureFixture[str]) -> None:
    target = tmp_path / "copy.sqlite"
    assert main(["--lang", "en", "db", "copy", str(sqlite_db.path), str(target)]) == 0
    out = capsys.readouterr().out
    assert "household: 0" in out and "verified" in out
    assert main(["--lang", "zh_CN", "db", "copy", str(sqlite_db.path), str(target)]) == 2
    assert "不是空数据库" in capsys.readouterr().err
    assert main(["db", "copy", str(tmp_path / "missing.sqlite"), str(tmp_path / "x.sqlite")]) == 2
