"""`povdesk changes`: new-household from a file, village-exit, import-forms, and the README's round trip."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import re
import shlex
from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

from povdesk.cli import main
from povdesk.db.models import ChangeRequest, Household, Village
from povdesk.domain import changes as cr
from povdesk.domain import idnumber
from povdesk.services.database import Database
from povdesk.services.settings import YearSettingsService

V1 = "513437204201"
H0 = "51343720420100001"
README = Path(__file__).resolve().parents[2] / "README.md"


@pytest.fixture
def office(county_db: Database, db_url: str) -> str:
    county_db.close()
    for argv in (["users", "set", "rita", "reviewer"], ["users", "set", "dina", "director"]):
        assert main(["--db", db_url, "--lang", "en", *argv]) == 0
    return db_url


def cli(db: str, user: str | None, *argv: str, lang: str = "en") -> int:
    return main(["--db", db, "--lang", lang, *(["--user", user] if user else []), "changes", *argv])


def household_file(tmp_path: Path, **changes: object) -> Path:
    head = idnumber.make("513437", dt.date(1985, 2, 3), 901)
    data: dict[str, object] = {
        "household": {"household.attribute": "一般贫困户", "household.main_cause": "缺技术"},
        "members": [{"member.name": "阿苦日哈", "member.id_number": head, "member.relation": "户主",
                     "member.ethnicity": "彝族", "member.health": "健康"},
                    {"member.name": "吉克阿芝", "member.id_number": idnumber.make("513437", dt.date(1987, 6, 7), 902),
                     "member.relation": "配偶", "member.ethnicity": "彝族", "member.health": "健康"}]}
    data.update(changes)
    path = tmp_path / "new.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return path


def test_changes_new_lists_all_nine_types_and_documents_the_file(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["changes", "new", "--help"])
    out = capsys.readouterr().out
    for code in cr.TYPES:
        assert code in out
    assert '"members": [' in out and "household.household_no" in out and "village-exit" in out
    assert set(cr.TYPES) == cr.IMPLEMENTED and len(cr.TYPES) == 9


def test_new_household_from_file_round_trip(office: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    notice = ["--notice", "assessment_date=2019-12-01", "--notice", "notice_start=2019-12-02",
              "--notice", "notice_end=2019-12-09", "--notice", "township_review_date=2019-12-12",
              "--notice", "township_reviewer=李乡长"]
    assert cli(office, "tester", "new", "new-household", "--village", V1, "--from-file",
               str(household_file(tmp_path)), *notice, "--reason", "新识别", "--format", "json") == 0
    made = json.loads(capsys.readouterr().out)
    assert made["status"] == "draft"
    cid = str(made["change_id"])
    assert cli(office, None, "show", cid) == 0
    text = capsys.readouterr().out
    assert "Household number" in text and "51343720420100004" in text and "[member 2 (" in text
    assert cli(office, "tester", "submit", cid) == 0
    assert cli(office, "rita", "approve", cid) == 0
    capsys.readouterr()
    assert cli(office, None, "show", cid, "--format", "json") == 0
    shown = json.loads(capsys.readouterr().out)
    assert shown["household_no"] == "51343720420100004" and shown["status"] == "approved"
    assert {f["member_index"] for f in shown["fields"] if "member_index" in f} == {0, 1}
    db = Database.open(office, user="tester")
    try:
        with db.reading() as s:
            assert s.scalar(select(Household.size).where(Household.household_no == "51343720420100004")) == 2
    finally:
        db.close()


@pytest.mark.parametrize(("content", "said"), [
    ("{not json", "is not a UTF-8 JSON file"),
    ('{"household": {}, "members": {}}', 'must be an object with "household"'),
])
def test_new_household_file_refusals(office: str, tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                     content: str, said: str) -> None:
    path = tmp_path / "bad.json"
    path.write_text(content, encoding="utf-8")
    assert cli(office, "tester", "new", "new-household", "--village", V1, "--from-file", str(path)) == 2
    assert said in capsys.readouterr().err


def test_new_household_missing_fields_exit_2_naming_the_member(office: str, tmp_path: Path,
                                                              capsys: pytest.CaptureFixture[str]) -> None:
    path = household_file(tmp_path, members=[{"member.name": "阿苦日哈", "member.relation": "户主"}])
    assert cli(office, "tester", "new", "new-household", "--village", V1, "--from-file", str(path),
               lang="zh_CN") == 2
    err = capsys.readouterr().err
    assert "成员1（阿苦日哈）缺少" in err and "证件号码" in err
    assert cli(office, "tester", "new", "new-household", "--village", V1) == 2
    assert "--from-file" in capsys.readouterr().err


def test_village_exit_cli_refused_then_made_shown_and_approved(office: str, capsys: pytest.CaptureFixture[str]) -> None:
    notice = ["--notice", "assessment_date=2019-12-01", "--notice", "notice_start=2019-12-02",
              "--notice", "notice_end=2019-12-09", "--notice", "township_review_date=2019-12-12",
              "--notice", "township_reviewer=李乡长"]
    assert cli(office, "tester", "new", "village-exit", "--village", V1, "--year", "2019", *notice) == 2
    err = capsys.readouterr().err
    assert "75.00 %" in err and "3 %" in err
    db = Database.open(office, user="tester")
    try:
        YearSettingsService(db=dataclasses.replace(db, user="dina")).update(2019, village_exit_incidence=80)
    finally:
        db.close()
    assert cli(office, "tester", "new", "village-exit", "--village", V1, "--year", "2019", *notice,
               "--format", "json") == 0
    cid = str(json.loads(capsys.readouterr().out)["change_id"])
    assert cli(office, None, "show", cid, lang="zh_CN") == 0
    out = capsys.readouterr().out
    assert "贫困发生率 75.00%" in out and "标准 80%" in out and V1 in out
    assert cli(office, "tester", "submit", cid) == 0
    assert cli(office, "rita", "approve", cid) == 0
    db = Database.open(office, user="tester")
    try:
        with db.reading() as s:
            assert s.scalar(select(Village.exit_year).where(Village.code == V1)) == 2019
    finally:
        db.close()


def _requests(db_url: str) -> int:
    db = Database.open(db_url, user="tester")
    try:
        with db.reading() as s:
            return s.scalar(select(func.count(ChangeRequest.id))) or 0
    finally:
        db.close()


def test_import_forms_makes_drafts_refuses_bad_cells_and_skips_a_second_import(
        office: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    xlsx = tmp_path / "v.xlsx"
    assert main(["--db", office, "--user", "tester", "forms", "--village", V1, "--out", str(tmp_path / "v.pdf"),
                 "--xlsx", str(xlsx), "--full-ids"]) == 0
    capsys.readouterr()
    wb = load_workbook(xlsx)
    first = wb.worksheets[0]
    assert first.title == H0
    first["N9"] = "13911112222"  # 户联系电话's correction cell
    first["P19"] = "文化程度：初中；成员联系电话：13800001111"  # the head's row
    first["N69"] = "已落实"  # a measure's note
    wb.worksheets[1]["P20"] = "民族：火星族"
    bad = tmp_path / "bad.xlsx"
    wb.save(bad)
    assert cli(office, "tester", "import-forms", str(bad)) == 2
    err = capsys.readouterr().err
    assert "bad.xlsx" in err and "cell P20 (row 20)" in err and "Ethnicity" in err and "火星族" in err
    assert cli(office, "tester", "import-forms", str(bad), lang="zh_CN") == 2
    assert "单元格 P20（第 20 行）民族" in capsys.readouterr().err
    assert _requests(office) == 0  # nothing written
    wb.worksheets[1]["P20"] = None
    good = tmp_path / "filled.xlsx"
    wb.save(good)
    assert cli(office, "tester", "import-forms", str(good), "--format", "json") == 0
    result = json.loads(capsys.readouterr().out)
    assert [(c["household_no"], c["fields"]) for c in result["created"]] == [(H0, 3)] and result["skipped"] == []
    cid = str(result["created"][0]["change_id"])
    assert cli(office, None, "show", cid, "--format", "json") == 0
    shown = json.loads(capsys.readouterr().out)
    assert shown["source"] == "workbook" and shown["source_ref"].startswith("PD1-B1-H" + H0)
    assert {(f["key"], f["before"], f["after"]) for f in shown["fields"]} >= {
        ("household.phone", "13900000000", "13911112222"), ("member.education", "02", "03")}
    assert "已落实" in shown["note"]
    assert cli(office, "tester", "import-forms", str(good), "--format", "json") == 0
    again = json.loads(capsys.readouterr().out)
    assert again["created"] == [] and [s["change_id"] for s in again["skipped"]] == [int(cid)]
    assert _requests(office) == 1


def readme_round_trip() -> list[str]:
    text = README.read_text(encoding="utf-8")
    block = text.split("<!-- round trip: tests/cli/test_changes_types2_cli.py -->", 1)[1].split("```sh", 1)[1]
    return [line.split("  #", 1)[0].strip() for line in block.split("```", 1)[0].splitlines() if line.strip()]


def test_readme_round_trip_runs_as_written(db_url: str, monkeypatch: pytest.MonkeyPatch,
                                           capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    monkeypatch.chdir(tmp_path)
    lines = readme_round_trip()
    assert lines[0] == "export POVDESK_PASSWORD=demo"
    monkeypatch.setenv("POVDESK_PASSWORD", "demo")
    period = f"{dt.date.today():%Y-%m}"
    for line in lines[1:]:
        argv = shlex.split(line.replace("$(date +%Y-%m)", period))
        assert argv[0] == "povdesk" and argv[1:3] == ["--db", "demo.sqlite"], line
        assert main(["--lang", "en", "--db", db_url, *argv[3:]]) == 0, (line, capsys.readouterr())
    out = capsys.readouterr().out
    assert "Change request #1: approved" in out and re.search(rf"{period}: 1 request\(s\) signed off", out)
    assert "![Reviewing a correction](docs/images/review.png)" in README.read_text(encoding="utf-8")
