"""The command line: help lists the jobs, a new --db path is created and migrated, errors are clear."""

from __future__ import annotations

from pathlib import Path

import pytest

from povdesk.cli import main
from povdesk.db import migrate
from povdesk.db.engine import make_engine
from tests.helpers.databases import DatabaseFactory


def test_help_lists_subcommands(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as done:
        main(["--help"])
    assert done.value.code == 0
    assert "db" in capsys.readouterr().out


def test_db_upgrade_creates_a_new_database(db_factory: DatabaseFactory, tmp_path: Path,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    target = db_factory.new(tmp_path / "sub", "county", migrated=False)  # SQLite: in a new folder
    assert main(["--db", target, "--lang", "en", "db", "upgrade"]) == 0
    engine = make_engine(target)
    head = migrate.head_revision(engine)
    assert migrate.current_revision(engine) == head
    assert f"Database is at revision {head}" in capsys.readouterr().out


def test_db_info_in_chinese_counts_records(db_url: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--db", db_url, "--lang", "zh_CN", "db", "info"]) == 0
    out = capsys.readouterr().out
    assert "households: 0" in out and "revision:" in out


def test_unknown_subcommand_is_refused(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as done:
        main(["frobnicate"])
    assert done.value.code == 2
