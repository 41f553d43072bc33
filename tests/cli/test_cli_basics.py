"""The command line: help lists the jobs, a new --db path is created and migrated, errors are clear."""

from __future__ import annotations

from pathlib import Path

import pytest

from povdesk.cli import main
from povdesk.db import migrate
from povdesk.db.engine import make_engine


def test_help_lists_subcommands(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as done:
        main(["--help"])
    assert done.value.code == 0
    assert "db" in capsys.readouterr().out


def test_db_upgrade_creates_a_new_database(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    target = tmp_path / "sub" / "county.sqlite"
    assert main(["--db", str(target), "--lang", "en", "db", "upgrade"]) == 0
    assert target.exists()
    head = migrate.head_revision(make_engine(target))
    assert f"Database is at revision {head}" in capsys.readouterr().out


def test_db_info_in_chinese_counts_records(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    target = tmp_path / "county.sqlite"
    assert main(["--db", str(target), "--lang", "zh_CN", "db", "info"]) == 0
    out = capsys.readouterr().out
    assert "households: 0" in out and "revision:" in out


def test_unknown_subcommand_is_refused(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as done:
        main(["frobnicate"])
    assert done.value.code == 2
