"""`povdesk demo`: builds a county, prints what it built, refuses to overwrite unless told."""

from __future__ import annotations

import pytest

from povdesk.cli import main
from povdesk.services.database import Database
from povdesk.services.registry import RegistryService


def test_demo_builds_and_reports(db_url: str, capsys: pytest.CaptureFixture[str]) -> None:
    target = db_url
    assert main(["--db", target, "--lang", "en", "demo", "--households", "40", "--seed", "7"]) == 0
    out = capsys.readouterr().out
    assert "40 households" in out and "seed 7" in out
    db = Database.open(target, user="t")
    try:
        assert len(RegistryService(db=db).household_ids()) == 40
    finally:
        db.close()


def test_demo_refuses_a_filled_database_until_replace(db_url: str, capsys: pytest.CaptureFixture[str],
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    target = db_url
    assert main(["--db", target, "--lang", "zh_CN", "demo", "--households", "20", "--seed", "1"]) == 0
    assert "20 户" in capsys.readouterr().out
    # the demo county has logins: rebuilding it is a write that needs one
    assert main(["--db", target, "--lang", "en", "demo", "--households", "30", "--seed", "1"]) == 2
    assert "logged-in user" in capsys.readouterr().err
    monkeypatch.setenv("POVDESK_PASSWORD", "demo")
    login = ["--db", target, "--user", "director"]
    assert main([*login, "--lang", "zh_CN", "demo", "--households", "30", "--seed", "1"]) == 1
    assert "已有 20 户" in capsys.readouterr().err
    assert main([*login, "--lang", "en", "demo", "--households", "30", "--seed", "1", "--replace"]) == 0
    assert "30 households" in capsys.readouterr().out


def test_demo_rejects_zero_households(db_url: str, capsys: pytest.CaptureFixture[str]) -> None:
    target = db_url
    assert main(["--db", target, "--lang", "en", "demo", "--households", "0"]) == 2
    assert "at least 1" in capsys.readouterr().err
