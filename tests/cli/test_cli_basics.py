"""The command line: help lists the jobs, a new --db path is created and migrated, errors are clear."""

from __future__ import annotations

from pathlib import Path

import pytest

from povdesk.cli import main
from povdesk.db import migrate
from povdesk.db.engine import make_engine
from povdesk.services.database import Database
from povdesk.services.registry import RegistryService
from tests.exchange.rosters import person_xlsx
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


@pytest.mark.parametrize("argv", [
    ["export-roster", "{db}"],
    ["check", "--format", "json", "--out", "{db}"],
    ["check", "--format", "xlsx", "--out", "{db}"],
    ["forms", "--village", "513437204201", "--out", "{db}"],
    ["forms", "--village", "513437204201", "--out", "{tmp}/f.pdf", "--xlsx", "{db}-wal"],
])
@pytest.mark.sqlite_only(reason="only a SQLite database is a file an output could replace")
def test_an_output_onto_the_database_is_refused_and_the_database_kept(
        county_db: Database, tmp_path: Path, capsys: pytest.CaptureFixture[str], argv: list[str]) -> None:
    """`export-roster county.sqlite` once replaced the registry with a workbook."""
    db = str(county_db.path)
    county_db.close()
    args = [a.format(db=db, tmp=tmp_path) for a in argv]
    assert main(["--db", db, "--lang", "en", *args]) == 2
    assert "is the database: writing there would replace it" in capsys.readouterr().err
    reopened = Database.open(db, user="tester")
    try:
        assert len(RegistryService(db=reopened).household_ids()) == 6
    finally:
        reopened.close()


def test_a_report_onto_the_roster_being_imported_is_refused_before_the_import(
        db_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    roster = person_xlsx(tmp_path / "r.xlsx")
    before = roster.read_bytes()
    assert main(["--db", db_url, "--lang", "zh_CN", "import", str(roster), "--report", str(roster)]) == 2
    assert "是正在读取的文件，写入会把它覆盖" in capsys.readouterr().err
    assert roster.read_bytes() == before


def test_an_out_that_is_a_folder_or_lies_under_a_file_is_a_message_not_a_traceback(
        county_db: Database, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = str(county_db.path or county_db.url)
    county_db.close()
    work = tmp_path / "work"
    folder = work / "existing"
    folder.mkdir(parents=True)
    afile = work / "a.xlsx"
    afile.write_bytes(b"x")
    for argv, shown in ((["export-roster", str(folder)], "是一个文件夹，请给出输出文件的文件名"),
                        (["check", "--format", "json", "--out", str(folder)], "是一个文件夹"),
                        (["forms", "--village", "513437204201", "--out", str(folder)], "是一个文件夹"),
                        (["export-roster", str(afile / "x.xlsx")], "路径中有一部分是文件")):
        assert main(["--db", db, "--lang", "zh_CN", *argv]) == 2
        err = capsys.readouterr().err
        assert shown in err and "Traceback" not in err
    assert sorted(p.name for p in work.iterdir()) == ["a.xlsx", "existing"]  # no .part left behind
    assert not list(folder.iterdir())


def test_an_out_that_is_a_link_is_refused_and_the_link_kept(
        county_db: Database, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A save replaces the name it is given: onto a link it would replace the link (onto /dev/null,
    run as root, the device itself). Refused before any work."""
    db = str(county_db.path or county_db.url)
    county_db.close()
    target = tmp_path / "kept.xlsx"
    target.write_bytes(b"kept")
    link = tmp_path / "link.xlsx"
    link.symlink_to(target)
    for argv in (["export-roster", str(link)], ["check", "--format", "xlsx", "--out", str(link)]):
        assert main(["--db", db, "--lang", "zh_CN", *argv]) == 2
        err = capsys.readouterr().err
        assert "是链接或设备，不是普通文件" in err and "Traceback" not in err
    assert link.is_symlink() and target.read_bytes() == b"kept"
    assert sorted(p.name for p in tmp_path.iterdir() if p.suffix != ".sqlite"
                  and not p.name.startswith("county")) == ["kept.xlsx", "link.xlsx"]
