"""Members' yearly snapshots: the import keeps each data year's 在校生状况, and EDU-014 runs once
three data years are held (and says it was not run before)."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select

from povdesk.db.models import Member, MemberYear
from povdesk.services.checks import CheckService
from povdesk.services.database import Database
from povdesk.services.importer import ImportService
from povdesk.services.settings import RuleSwitchService
from tests.exchange.rosters import col, person_rows, person_xlsx


def _import(db: Database, tmp_path: Path, year: int, rows: list[list[object]] | None = None) -> None:
    db.set_meta("data_year", str(year))
    ImportService(db=db).run(person_xlsx(tmp_path / f"{year}.xlsx", rows))


def test_the_import_keeps_each_data_years_school_status(db: Database, tmp_path: Path) -> None:
    _import(db, tmp_path, 2018)
    rows = person_rows()
    rows[2][col("在校生状况")] = "八年级"
    _import(db, tmp_path, 2019, rows)
    _import(db, tmp_path, 2019, rows)  # the year imported again replaces its rows
    with db.reading() as s:
        pupil = s.scalar(select(Member.id).where(Member.name == "沙马木呷"))
        kept = {(y, st) for y, st in s.execute(select(MemberYear.year, MemberYear.school_status)
                                               .where(MemberYear.member_id == pupil))}
        assert kept == {(2018, "04"), (2019, "05")}
        assert len(s.scalars(select(MemberYear).where(MemberYear.year == 2019)).all()) == 7


def test_edu_014_runs_once_three_data_years_are_held(db: Database, tmp_path: Path) -> None:
    _import(db, tmp_path, 2017)
    _import(db, tmp_path, 2018)
    checks = CheckService(db=db)
    first = checks.run()
    assert first.not_run["EDU-014"].startswith("needs the members' yearly snapshots")
    listing = {r.code: r for r in RuleSwitchService(db=db).listing(2018, "en")}
    assert not listing["EDU-014"].runs
    _import(db, tmp_path, 2019)  # 沙马木呷 is in 七年级 in 2017, 2018 and 2019
    again = checks.run()
    assert "EDU-014" not in again.not_run
    assert {r.code: r for r in RuleSwitchService(db=db).listing(2019, "en")}["EDU-014"].runs
    found = [f for f in checks.evaluate() if f.rule.code == "EDU-014"]
    assert [f.message("zh") for f in found] == ["沙马木呷的在校生状况 2017–2019 年连续三年均为“七年级”"]
    with db.reading() as s:
        household = s.scalar(select(Member.household_id).where(Member.name == "沙马木呷"))
    assert [f.rule.code for f in checks.evaluate(household_id=household) if f.rule.code == "EDU-014"] == ["EDU-014"]


def test_a_pupil_who_moves_on_is_not_flagged(db: Database, tmp_path: Path) -> None:
    for year, grade in ((2017, "七年级"), (2018, "八年级"), (2019, "八年级")):
        rows = person_rows()
        rows[2][col("在校生状况")] = grade
        _import(db, tmp_path, year, rows)
    assert not [f for f in CheckService(db=db).evaluate() if f.rule.code == "EDU-014"]
