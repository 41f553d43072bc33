"""A busy database: `import` and `check` say so in the user's language, name the file and the job
that waited, change nothing and exit 2 (refused); no traceback."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest

from povdesk.cli import main
from povdesk.config import Settings
from povdesk.services.database import Database
from tests.exchange.rosters import person_xlsx

pytestmark = pytest.mark.sqlite_only(reason="holds the SQLite file lock with a second sqlite3 connection; "
                                              "the PostgreSQL lock wait is tested by test_concurrent_import")


@pytest.fixture
def held(county_db: Database) -> Iterator[Path]:
    """The county's file with another writer holding its lock; jobs wait 0.3 s (a setting)."""
    path = county_db.path
    assert path is not None
    county_db.close()
    Settings(lock_wait_seconds=0.3).save()
    other = sqlite3.connect(path, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    try:
        yield path
    finally:
        other.rollback()
        other.close()


def _households(path: Path) -> int:
    with sqlite3.connect(path) as conn:
        return conn.execute("SELECT count(*) FROM household").fetchone()[0]


def test_import_into_a_busy_database_is_refused_in_chinese(
        held: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    before = _households(held)
    file = person_xlsx(tmp_path / "a.xlsx")
    assert main(["--db", str(held), "--user", "tester", "--lang", "zh_CN", "import", str(file)]) == 2
    err = capsys.readouterr().err
    assert f"数据库“{held}”正忙" in err and "本次导入已等待 0.3 秒" in err and "未做任何更改" in err
    assert "Traceback" not in err and len(err.strip().splitlines()) == 1
    assert _households(held) == before


def test_check_on_a_busy_database_is_refused_in_english(
        held: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--db", str(held), "--user", "tester", "--lang", "en", "check"]) == 2
    err = capsys.readouterr().err
    assert f"The database {held} is busy" in err and "This check run waited 0.3 s" in err
    assert "nothing was changed" in err and "Traceback" not in err


def test_a_dry_run_on_a_busy_database_still_works(
        held: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    file = person_xlsx(tmp_path / "a.xlsx")
    assert main(["--db", str(held), "--user", "tester", "--lang", "en", "import", str(file), "--dry-run"]) == 0
    assert "Traceback" not in capsys.readouterr().err


def test_a_new_operator_opening_a_busy_database_is_told_so(
        held: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # a first start by a new operator records the user: a write, refused like any other
    assert main(["--db", str(held), "--user", "newcomer", "--lang", "en", "check", "--no-run"]) == 2
    assert "Opening the database waited 0.3 s" in capsys.readouterr().err
