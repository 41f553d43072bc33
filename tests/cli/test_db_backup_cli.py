"""`povdesk db backup|restore|check` (issue 15 §4)."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path

import pytest

from povdesk.cli import main
from povdesk.services.database import Database


@pytest.mark.sqlite_only(reason="a SQLite file backed up, damaged and restored")
def test_backup_restore_and_check_on_the_command_line(county_db: Database, tmp_path: Path,
                                                      capsys: pytest.CaptureFixture[str]) -> None:
    path = str(county_db.path)
    county_db.close()
    copy = tmp_path / "copy.sqlite"
    assert main(["--db", path, "--lang", "en", "db", "backup", "--out", str(copy)]) == 0
    assert "6 households" in capsys.readouterr().out and copy.is_file()
    assert main(["--db", path, "--lang", "en", "db", "check"]) == 0
    assert "sound" in capsys.readouterr().out
    with closing(sqlite3.connect(path)) as conn:
        conn.execute("PRAGMA foreign_keys=OFF")
        conn.execute("DELETE FROM township WHERE id = (SELECT min(id) FROM township)")
        conn.commit()
    assert main(["--db", path, "--lang", "zh_CN", "db", "check"]) == 1
    assert "foreign_key_check" in capsys.readouterr().err
    assert main(["--db", path, "--lang", "zh_CN", "db", "restore", str(copy)]) == 0
    assert "原数据库保留为" in capsys.readouterr().out
    assert main(["--db", path, "--lang", "en", "db", "check"]) == 0


@pytest.mark.sqlite_only(reason="a SQLite file damaged on purpose")
def test_check_names_a_damaged_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    broken = tmp_path / "broken.sqlite"
    broken.write_bytes(b"this is not a database" * 200)
    assert main(["--db", str(broken), "--lang", "en", "db", "check"]) == 1
    assert "broken.sqlite" in capsys.readouterr().err


def test_check_walks_the_audit_chain_on_either_engine(db: Database, db_url: str,
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    db.close()
    assert main(["--db", db_url, "--lang", "en", "db", "check"]) == 0
    assert "audit" in capsys.readouterr().out


def test_postgresql_is_backed_up_with_pg_dump(pg_db: Database, tmp_path: Path,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    from povdesk.db import backup as files
    from povdesk.errors import BadInput
    from povdesk.services.backups import BackupService

    service = BackupService(db=pg_db, folder=tmp_path / "b")
    record = service.backup()
    assert record.engine == "postgresql" and record.size > 0 and record.path.read_bytes()[:5] == b"PGDMP"
    assert files.read_manifest(record.path) is not None and service.entries()[0].path == record.path
    monkeypatch.setenv("PATH", str(tmp_path / "nothing"))
    with pytest.raises(BadInput) as missing:
        service.backup()
    assert "pg_dump" in missing.value.zh and missing.value.code == "backup.no_pg_dump"
    assert service.before("daily") is None  # a job goes on, with a warning in the log


def _pg_households(url: str) -> int:
    from sqlalchemy import text

    from povdesk.db.engine import make_engine

    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            return int(conn.execute(text("SELECT count(*) FROM household")).scalar() or 0)
    finally:
        engine.dispose()


@pytest.mark.tools("pg_restore")  # the PostgreSQL client, which tools/dev.py installs
def test_postgresql_is_restored_with_pg_restore(pg_db: Database, pg_factory, tmp_path: Path,  # type: ignore[no-untyped-def]
                                               monkeypatch: pytest.MonkeyPatch,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    from sqlalchemy import text

    from povdesk.db.engine import make_engine
    from povdesk.services.backups import BackupService
    from tests.factories import build_small_county

    build_small_county(pg_db)
    record = BackupService(db=pg_db, folder=tmp_path / "b").backup()
    target = pg_factory.new(tmp_path, "restored", migrated=False)
    try:
        assert main(["--db", target, "--lang", "en", "db", "restore", str(record.path)]) == 0
        assert "6 households" in capsys.readouterr().out and _pg_households(target) == 6
        engine = make_engine(target)
        with engine.begin() as conn:  # a county lost its households
            conn.execute(text("TRUNCATE household CASCADE"))
        engine.dispose()
        assert main(["--db", target, "--lang", "zh_CN", "db", "restore", str(record.path)]) == 1
        assert "--replace" in capsys.readouterr().err and _pg_households(target) == 0
        assert main(["--db", target, "--lang", "zh_CN", "db", "restore", "--replace", str(record.path)]) == 0
        out = capsys.readouterr().out
        assert "6 户" in out and "pg_dump 备份为" in out and _pg_households(target) == 6
        assert main(["--db", target, "--lang", "en", "db", "check"]) == 0
        sqlite_file = tmp_path / "not-a-dump.sqlite"
        sqlite_file.write_bytes(b"SQLite format 3\0")
        assert main(["--db", target, "--lang", "en", "db", "restore", "--replace", str(sqlite_file)]) == 1
        assert "not a PostgreSQL backup" in capsys.readouterr().err
        monkeypatch.setenv("PATH", str(tmp_path / "nothing"))
        assert main(["--db", target, "--lang", "zh_CN", "db", "restore", str(record.path)]) == 1
        assert "pg_restore" in capsys.readouterr().err
    finally:
        pg_factory.drop(target)
