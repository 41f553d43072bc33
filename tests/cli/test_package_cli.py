"""`povdesk package`: export with --format json, nothing new, refusals exit 2, public-key, verify
exit codes (issue 12 §1, §3), on a database with logins: the password of --user opens the key."""

from __future__ import annotations

import dataclasses
import json
import zipfile
from pathlib import Path

import pytest

from povdesk.cli import main
from povdesk.services.database import Database
from povdesk.services.users import UserService
from tests.services.changes_setup import office
from tests.services.package_setup import PASSWORD, PERIOD, signed_month


@pytest.fixture
def signed(county_db: Database, db_url: str, monkeypatch: pytest.MonkeyPatch) -> str:
    """A signed-off 2020-01; dina (director) and rita (reviewer) then get passwords."""
    signed_month(office(county_db))
    UserService(db=dataclasses.replace(county_db, user="dina")).set_password("dina", PASSWORD)
    dina = dataclasses.replace(county_db, user="dina", authenticated=False)
    UserService(db=dina).authenticate("dina", PASSWORD)
    UserService(db=dina).set_password("rita", "rita-pw")
    county_db.close()
    monkeypatch.setenv("POVDESK_PASSWORD", PASSWORD)
    return db_url


def cli(db: str, user: str | None, *argv: str, lang: str = "en") -> int:
    return main(["--db", db, "--lang", lang, *(["--user", user] if user else []), "package", *argv])


def test_export_public_key_verify_and_history(signed: str, tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "out"
    assert cli(signed, "dina", "export", "--period", PERIOD, "--out", str(out), "--format", "json") == 0
    done = json.loads(capsys.readouterr().out)
    assert done == {"file": str(out / f"513437-{PERIOD}-001.zip"), "sequence": 1, "changes": 3,
                    "sha256": done["sha256"]}
    assert cli(signed, "dina", "export", "--period", PERIOD, "--out", str(out), "--format", "json") == 0
    assert json.loads(capsys.readouterr().out) == {"file": None, "changes": 0}
    assert sorted(p.name for p in out.iterdir()) == [f"513437-{PERIOD}-001.zip"]

    assert cli(signed, None, "public-key", "--out", str(tmp_path / "office.pem")) == 0
    shown = capsys.readouterr().out
    assert shown.startswith("-----BEGIN PUBLIC KEY-----") and "Fingerprint (SHA-256): " in shown
    assert (tmp_path / "office.pem").read_text() in shown

    monkeypatch.delenv("POVDESK_PASSWORD")
    assert cli(signed, None, "verify", done["file"]) == 0  # with the office's own key, no login
    assert "verified" in capsys.readouterr().out
    assert cli(signed, None, "verify", done["file"], "--public-key", str(tmp_path / "office.pem"),
               "--format", "json") == 0
    assert json.loads(capsys.readouterr().out)["ok"] is True

    bad = tmp_path / "bad.zip"
    with zipfile.ZipFile(done["file"]) as src, zipfile.ZipFile(bad, "w") as dst:
        for info in src.infolist():
            dst.writestr(info, src.read(info))
        dst.writestr("extra.txt", b"x")
    assert cli(signed, None, "verify", str(bad), "--public-key", str(tmp_path / "office.pem"), lang="zh_CN") == 1
    assert "extra.txt" in capsys.readouterr().out

    assert cli(signed, None, "history", "--format", "json") == 0
    history = json.loads(capsys.readouterr().out)
    assert [(h["period"], h["sequence"], h["changes"], h["sha256"]) for h in history] == [(PERIOD, 1, 3, done["sha256"])]


def test_refusals_exit_2_and_write_nothing(signed: str, tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "out"
    monkeypatch.setenv("POVDESK_PASSWORD", "rita-pw")
    assert cli(signed, "rita", "export", "--period", PERIOD, "--out", str(out)) == 2
    assert "director" in capsys.readouterr().err
    monkeypatch.setenv("POVDESK_PASSWORD", PASSWORD)
    assert cli(signed, "dina", "export", "--period", "2020-13", "--out", str(out)) == 2
    assert "2020-13" in capsys.readouterr().err
    assert not out.exists()
    assert cli(signed, None, "public-key") == 2  # no key made yet, and nobody to make it
    assert "no signing key" in capsys.readouterr().err


def test_a_month_with_open_errors_is_refused_listing_them(signed: str, tmp_path: Path,
                                                          capsys: pytest.CaptureFixture[str]) -> None:
    from sqlalchemy import select

    from povdesk.db.models import Household, Problem

    db = Database.open(signed, user="dina")
    try:
        UserService(db=db).authenticate("dina", PASSWORD)
        with db.transaction() as s:
            h = s.scalar(select(Household).where(Household.household_no == "51343720420200002"))
            assert h is not None
            s.add(Problem(rule="TST-002", category="test", severity="error", household_id=h.id, fingerprint="TST-002:x",
                          fields="", message_zh="测试错误", message_en="a test error", status="open"))
    finally:
        db.close()
    out = tmp_path / "out"
    assert cli(signed, "dina", "export", "--period", PERIOD, "--out", str(out), lang="zh_CN") == 2
    err = capsys.readouterr().err
    assert "TST-002" in err and "51343720420200002" in err and "测试错误" in err
    assert not out.exists()
