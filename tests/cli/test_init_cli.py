"""`povdesk init`: a real county set up headless, and the database it configures (issue 15 §3)."""

from __future__ import annotations

import io

import pytest

from povdesk.cli import main
from povdesk.config import Settings
from povdesk.services.database import Database
from povdesk.services.registry import RegistryService
from povdesk.services.users import UserService


def test_init_sets_up_the_county_townships_and_director(db_url: str, monkeypatch: pytest.MonkeyPatch,
                                                        capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO("s3cret-pass\n"))
    assert main(["--db", db_url, "--lang", "zh_CN", "init", "--county", "513437", "--name", "雷波县",
                 "--prefecture", "凉山彝族自治州", "--province", "四川省", "--township", "513437100:锦城镇",
                 "--township", "513437101：西宁镇", "--director", "boss", "--password-stdin"]) == 0
    assert "2 个乡镇" in capsys.readouterr().out
    assert Settings.load().database == db_url
    db = Database.open(db_url, user="boss")
    try:
        tree = RegistryService(db=db).navigator()
        assert tree[0].code == "513437" and [t.name for t in tree[0].townships] == ["锦城镇", "西宁镇"]
        users = UserService(db=db)
        assert users.role_of("boss") == "director" and users.has_logins()
        users.authenticate("boss", "s3cret-pass")
    finally:
        db.close()
    monkeypatch.setattr("sys.stdin", io.StringIO("again\n"))  # a second county in it is refused
    assert main(["--db", db_url, "--lang", "en", "init", "--county", "513437", "--director", "x",
                 "--password-stdin"]) == 1
    assert "already holds a county" in capsys.readouterr().err


@pytest.mark.parametrize("argv", [
    ["--county", "51343"], ["--county", "993437"], ["--county", "513437", "--township", "513438100:别县乡"]])
def test_init_refuses_a_bad_code(argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--lang", "en", "init", *argv, "--name", "A", "--prefecture", "B", "--province", "C",
                 "--director", "boss", "--password-stdin"]) == 2
    assert "code" in capsys.readouterr().err


def test_init_reads_the_townships_from_a_roster(db_url: str, tmp_path, monkeypatch: pytest.MonkeyPatch,  # type: ignore[no-untyped-def]
                                                capsys: pytest.CaptureFixture[str]) -> None:
    from tests.services.test_county_setup_roster import CODES, township_roster

    other = township_roster(tmp_path / "别县.csv", [*CODES[:5], "513436205102", "513436205102"], csv=True)
    base = ["--db", db_url, "--lang", "zh_CN", "init", "--county", "513437", "--director", "boss",
            "--password-stdin"]
    monkeypatch.setattr("sys.stdin", io.StringIO("s3cret-pass\n"))
    assert main([*base, "--townships-from", str(other)]) == 1
    assert "别县.csv" in capsys.readouterr().err
    monkeypatch.setattr("sys.stdin", io.StringIO("s3cret-pass\n"))
    assert main([*base, "--townships-from", str(township_roster(tmp_path / "r.xlsx"))]) == 0
    assert "2 个乡镇" in capsys.readouterr().out
    db = Database.open(db_url, user="boss")
    try:
        tree = RegistryService(db=db).navigator()
        assert [(t.code, t.name) for t in tree[0].townships] == [("513437204", "帕哈乡"), ("513437205", "西宁镇")]
    finally:
        db.close()
