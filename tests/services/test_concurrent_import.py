"""Two imports at once, each in a process of its own: they run one after the other, or the second
is refused cleanly; never interleaved (no duplicate members, journal old values true)."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from povdesk.db.models import ChangeLog, Household, Member
from povdesk.services.database import Database
from povdesk.services.importer import ImportService
from tests.exchange.rosters import col, person_rows, person_xlsx, pid

ROOT = Path(__file__).resolve().parents[2]  # the worktree the children must import povdesk from
HEAD_NO = "51343720420100001"


def _start(db: Database, url: str, file: Path, signals: Path, role: str, lock_wait: float | None = None) -> subprocess.Popen[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    cmd = [sys.executable, "-m", "tests.services.import_child", url, db.user, str(file), str(signals), role]
    if lock_wait is not None:
        cmd.append(str(lock_wait))
    return subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def _await_file(path: Path, proc: subprocess.Popen[str], timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while not path.exists():
        if proc.poll() is not None:
            out, err = proc.communicate()
            pytest.fail(f"the first import ended before holding its lock ({proc.returncode}):\n{out}\n{err}")
        if time.monotonic() > deadline:
            proc.kill()
            pytest.fail("the first import never reached its write")
        time.sleep(0.02)


def _finish(proc: subprocess.Popen[str]) -> tuple[int, str, str]:
    out, err = proc.communicate(timeout=120)
    return proc.returncode, out, err


def _rows(head_name: str) -> list[list[Any]]:
    """The base roster with the head of household 1 renamed and a new daughter in household 1."""
    rows = person_rows()
    rows[0][col("姓名")] = head_name
    child = list(rows[2])
    child[col("人编号")] = HEAD_NO + "04"
    child[col("姓名")] = "沙马新女"
    child[col("证件号码")] = pid(14)
    child[col("与户主关系")] = "之女"
    rows.insert(3, child)
    return rows


@pytest.fixture
def database(db: Database, db_url: str) -> tuple[Database, str]:
    """The run's database (SQLite, or PostgreSQL in the second pass) and the URL the children open."""
    return db, db_url


def _members(db: Database) -> list[tuple[str, str]]:
    with db.reading() as s:
        return sorted((r[0], r[1]) for r in s.execute(select(Member.person_no, Member.name)))


def _name_journal(db: Database) -> list[tuple[str | None, str | None]]:
    with db.reading() as s:
        return [(r[0], r[1]) for r in s.execute(select(ChangeLog.old_value, ChangeLog.new_value)
                                                .where(ChangeLog.field == "member.name").order_by(ChangeLog.id))]


def test_two_imports_into_an_empty_database_run_one_after_the_other(
        database: tuple[Database, str], tmp_path: Path) -> None:
    db, url = database
    file = person_xlsx(tmp_path / "a.xlsx")
    signals = tmp_path / "signals"
    signals.mkdir()
    first = _start(db, url, file, signals, "first")
    _await_file(signals / "first-holding", first)
    second = _start(db, url, file, signals, "second")
    (rc1, out1, err1), (rc2, out2, err2) = _finish(first), _finish(second)
    assert (rc1, rc2) == (0, 0), f"{err1}\n{err2}"
    assert out1.split() == ["7", "0"]  # the first adds the 7 members
    assert out2.split() == ["0", "0"]  # the second, planned after the first committed, finds them
    assert len(_members(db)) == 7
    with db.reading() as s:
        assert s.scalar(select(func.count()).select_from(Household)) == 3


def test_two_imports_of_different_files_keep_every_change_and_a_true_journal(
        database: tuple[Database, str], tmp_path: Path) -> None:
    db, url = database
    original = person_rows()[0][col("姓名")]
    ImportService(db=db).run(person_xlsx(tmp_path / "base.xlsx"))
    file_a = person_xlsx(tmp_path / "a.xlsx", _rows("沙马甲"))
    file_b = person_xlsx(tmp_path / "b.xlsx", _rows("沙马乙"))
    signals = tmp_path / "signals"
    signals.mkdir()
    first = _start(db, url, file_a, signals, "first")
    _await_file(signals / "first-holding", first)
    second = _start(db, url, file_b, signals, "second")
    (rc1, _, err1), (rc2, _, err2) = _finish(first), _finish(second)
    assert (rc1, rc2) == (0, 0), f"{err1}\n{err2}"
    members = _members(db)
    assert len(members) == 8 and len({no for no, _ in members}) == 8  # the daughter added once
    assert (HEAD_NO + "01", "沙马乙") in members  # the second import came last
    # each journal entry's old value is what the record held at that moment
    assert _name_journal(db) == [(original, "沙马甲"), ("沙马甲", "沙马乙")]
    with db.reading() as s:
        assert s.scalar(select(func.count()).select_from(ChangeLog)
                        .where(ChangeLog.field == "member.added")) == 1


def test_a_second_import_that_waits_too_long_is_refused_and_changes_nothing(
        database: tuple[Database, str], tmp_path: Path) -> None:
    db, url = database
    ImportService(db=db).run(person_xlsx(tmp_path / "base.xlsx"))
    file_a = person_xlsx(tmp_path / "a.xlsx", _rows("沙马甲"))
    file_b = person_xlsx(tmp_path / "b.xlsx", _rows("沙马乙"))
    signals = tmp_path / "signals"
    signals.mkdir()
    (signals / "hold-until-go").touch()
    first = _start(db, url, file_a, signals, "first")
    try:
        _await_file(signals / "first-holding", first)
        second = _start(db, url, file_b, signals, "second", lock_wait=0.5)
        rc2, _, err2 = _finish(second)
    finally:
        (signals / "go").touch()
    rc1, _, err1 = _finish(first)
    assert rc1 == 0, err1
    assert rc2 == 3, err2  # refused as busy, not a traceback
    code, zh, en = err2.strip().splitlines()
    assert code == "db.busy"
    assert "另一个导入" in zh and "未做任何更改" in zh
    assert "another import" in en
    assert not (signals / "second-planned").exists()  # it never planned from a state about to change
    members = _members(db)
    assert len(members) == 8 and (HEAD_NO + "01", "沙马甲") in members
    assert _name_journal(db) == [(person_rows()[0][col("姓名")], "沙马甲")]


def test_a_dry_run_needs_no_lock_and_sees_only_what_is_committed(
        database: tuple[Database, str], tmp_path: Path) -> None:
    from povdesk.db.engine import _advisory_key

    db, _url = database
    original = person_rows()[0][col("姓名")]
    service = ImportService(db=db)
    service.run(person_xlsx(tmp_path / "base.xlsx"))
    other = db.engine.connect()  # another job in the middle of its write
    try:
        if db.engine.dialect.name == "sqlite":
            other.exec_driver_sql("BEGIN IMMEDIATE")
        else:
            other.exec_driver_sql(f"SELECT pg_advisory_xact_lock({_advisory_key('import')})")
        other.exec_driver_sql("UPDATE member SET name = 'uncommitted'")
        db.lock_wait = 0.2
        result = service.preview(person_xlsx(tmp_path / "a.xlsx", _rows("沙马甲")))
    finally:
        other.rollback()
        other.close()
    assert result.dry_run and result.members_new == 1
    assert [(c.old, c.new) for c in result.changes if c.field_key == "member.name"] == [(original, "沙马甲")]
