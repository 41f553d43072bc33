"""`povdesk changes`: the round trip from the command line, JSON shapes, refusals exit 2."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from sqlalchemy import func, select

from povdesk.cli import main
from povdesk.db.models import ChangeRequest, Household
from povdesk.services.database import Database

H0 = "51343720420100001"
H4 = "51343720420200002"


@pytest.fixture
def office(county_db: Database, db_url: str) -> str:
    county_db.close()
    for argv in (["users", "set", "rita", "reviewer"], ["users", "set", "dina", "director"],
                 ["--user", "dina", "users", "set", "dave", "director"]):
        assert main(["--db", db_url, "--lang", "en", *argv]) == 0
    return db_url


def cli(db: str, user: str | None, *argv: str, lang: str = "en") -> int:
    return main(["--db", db, "--lang", lang, *(["--user", user] if user else []), "changes", *argv])


def printed(db_url: str, tmp_path: Path) -> str:
    """Print H0's comparison table; its QR payload."""
    from povdesk.config import Settings
    from povdesk.reports.forms import form_payload
    from povdesk.services.printing import PrintSelection, PrintService

    db = Database.open(db_url, user="tester")
    try:
        done = PrintService(db=db, settings=Settings()).print_batch(PrintSelection(household_nos=(H0,)),
                                                                   pdf=tmp_path / "forms.pdf")
        with db.reading() as s:
            version = s.scalar(select(Household.version).where(Household.household_no == H0))
        assert version is not None
        return form_payload(done.batch_id, H0, version)
    finally:
        db.close()


def test_correction_round_trip(office: str, capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    scan = tmp_path / "scan.png"
    scan.write_bytes(b"PNG")
    payload = printed(office, tmp_path)
    assert cli(office, "tester", "new", "correct", "--household", H0, "--set", "household.phone=13911112222",
               "--reason", "走访核实", "--evidence", str(scan), "--from-form", payload,
               "--format", "json") == 0
    made = json.loads(capsys.readouterr().out)
    assert made == {"change_id": made["change_id"], "status": "draft"}
    cid = str(made["change_id"])
    assert cli(office, "tester", "submit", cid) == 0
    assert cli(office, "rita", "approve", cid, "--comment", "核实无误", "--format", "json") == 0
    capsys.readouterr()
    period = f"{dt.date.today():%Y-%m}"
    assert cli(office, "dina", "signoff", "--period", period, "--format", "json") == 0
    assert json.loads(capsys.readouterr().out) == {"period": period, "signed_off": [int(cid)]}
    assert cli(office, None, "show", cid, "--format", "json") == 0
    shown = json.loads(capsys.readouterr().out)
    assert shown["type"] == "correct" and shown["status"] == "signed_off" and shown["household_no"] == H0
    assert shown["fields"] == [{"key": "household.phone", "member": None, "before": "13900000000",
                                "after": "13911112222"}]
    assert (shown["maker"], shown["reviewer"], shown["signer"], shown["period"]) == ("tester", "rita", "dina",
                                                                                     period)
    assert [h["to"] for h in shown["history"]] == ["draft", "submitted", "approved", "signed_off"]
    assert shown["source_ref"] == payload and shown["evidence"][0]["name"] == "scan.png"
    assert cli(office, None, "list", "--status", "signed_off", "--format", "json") == 0
    assert [r["change_id"] for r in json.loads(capsys.readouterr().out)] == [int(cid)]
    db = Database.open(office, user="tester")
    try:
        with db.reading() as s:
            assert s.scalar(select(Household.phone).where(Household.household_no == H0)) == "13911112222"
    finally:
        db.close()


def refused(office: str, capsys: pytest.CaptureFixture[str], user: str, *argv: str, lang: str = "en") -> str:
    db = Database.open(office, user="tester")
    try:
        with db.reading() as s:
            before = s.scalar(select(func.count(ChangeRequest.id))), s.scalar(select(func.max(ChangeRequest.updated_at)))
    finally:
        db.close()
    capsys.readouterr()
    assert cli(office, user, *argv, lang=lang) == 2
    db = Database.open(office, user="tester")
    try:
        with db.reading() as s:
            after = s.scalar(select(func.count(ChangeRequest.id))), s.scalar(select(func.max(ChangeRequest.updated_at)))
    finally:
        db.close()
    assert after == before  # nothing written
    return capsys.readouterr().err


def test_refusals_exit_2_with_the_reason_in_the_language(office: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli(office, "tester", "new", "correct", "--household", H0, "--set", "household.phone=13911112222",
               "--format", "json") == 0
    cid = str(json.loads(capsys.readouterr().out)["change_id"])
    assert "no stage is skipped" in refused(office, capsys, "rita", "approve", cid)
    assert cli(office, "tester", "submit", cid) == 0
    assert "reviewer" in refused(office, capsys, "tester", "approve", cid)
    assert "审核员" in refused(office, capsys, "tester", "approve", cid, lang="zh_CN")
    assert "代码表" in refused(office, capsys, "tester", "new", "correct", "--household", H0, "--set",
                             "household.status=9", lang="zh_CN")
    err = refused(office, capsys, "tester", "new", "exit", "--household", H4)
    assert "notice record" in err
    err = refused(office, capsys, "tester", "new", "member-out", "--household", H0, "--member", "x",
                  "--cause", "死亡", "--reason", "病故")
    assert "date" in err
    assert "reviewer" in refused(office, capsys, "tester", "return", cid, "--comment", "x")
    err = refused(office, capsys, "dina", "signoff", "--period", "2019-13")
    assert "YYYY-MM" in err


def test_approve_several_ids_each_on_its_own(office: str, capsys: pytest.CaptureFixture[str]) -> None:
    ids = []
    for n, no in enumerate((H0, H4)):
        assert cli(office, "tester", "new", "correct", "--household", no, "--set",
                   f"household.phone=1391111000{n}", "--reason", "走访核实", "--format", "json") == 0
        cid = str(json.loads(capsys.readouterr().out)["change_id"])
        assert cli(office, "tester", "submit", cid) == 0
        capsys.readouterr()
        ids.append(cid)
    assert cli(office, "rita", "approve", *ids, "--format", "json") == 0
    assert [r["status"] for r in json.loads(capsys.readouterr().out)] == ["approved", "approved"]
    # approved ones cannot be approved again; the refusal names each id, the exit code is 2
    assert cli(office, "rita", "approve", ids[0], "99999") == 2
    err = capsys.readouterr().err
    assert f"#{ids[0]}:" in err and "#99999:" in err and "no stage is skipped" in err
