"""The check engine: problems are recorded once, rectified when the data is fixed, accepted with a
reason, kept with their history; settings drive the verdicts."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from povdesk.db.models import Household, Member, Problem, ProblemEvent, Village
from povdesk.errors import Cancelled, Conflict, InvalidValue, NotAllowed
from povdesk.services.checks import CheckService, ProblemQuery
from povdesk.services.database import Database
from povdesk.services.registry import RegistryService
from povdesk.services.settings import RuleSwitchService, YearSettingsService
from povdesk.services.users import UserService


def _problem_rows(db: Database) -> int:
    with db.reading() as s:
        return s.scalar(select(func.count(Problem.id))) or 0


def _hid(db: Database, no: str) -> int:
    with db.reading() as s:
        return s.scalar(select(Household.id).where(Household.household_no == no))


def test_run_records_problems_and_rerun_never_duplicates(county_db: Database) -> None:
    checks = CheckService(db=county_db)
    first = checks.run()
    assert first.households == 6 and first.opened == first.findings > 0
    rows = _problem_rows(county_db)
    second = checks.run()
    assert second.opened == 0 and second.still_open == first.opened and second.rectified == 0
    assert _problem_rows(county_db) == rows
    # the one exited household below the 2019 line (size 6, 15,500 yuan net)
    below = [p for p in checks.problems() if p.rule == "EXIT-001"]
    assert [p.household_no for p in below] == ["51343720420200001"]
    assert "2,583.33" in below[0].message_zh and "3,750.00" in below[0].message_zh


def _head_found_working(db: Database, hid: int) -> int:
    """李文书 records that the head of `hid` works (LAB-010's fix), from a desk of her own; the
    head's member id."""
    editor = Database.open(db.url, user="李文书")
    try:
        with editor.reading() as s:
            head = s.scalar(select(Member.id).where(Member.household_id == hid, Member.relation == "01"))
        registry = RegistryService(db=editor)
        registry.update_field(entity="member", entity_id=head, key="member.work_status", value="01")
        registry.update_field(entity="member", entity_id=head, key="member.work_months", value=6)
    finally:
        editor.close()
    return head


def test_fixing_the_data_rectifies_the_problem_and_credits_the_editor(county_db: Database) -> None:
    checks = CheckService(db=county_db)
    checks.run()
    hid = _hid(county_db, "51343720420100001")
    [problem] = [p for p in checks.open_problems(hid) if p.rule == "LAB-010"]
    head = _head_found_working(county_db, hid)
    still_open = checks.run_household(hid)
    assert "LAB-010" not in {p.rule for p in still_open}
    fixed = checks.problem(problem.id)
    assert fixed.status == "rectified" and fixed.closed_by == "李文书" and fixed.closed_at is not None
    assert [(e.old_status, e.new_status) for e in checks.history(problem.id)] == [(None, "open"),
                                                                                 ("open", "rectified")]
    # breaking it again opens a new problem; the rectified one keeps its history
    registry = RegistryService(db=county_db)
    registry.update_field(entity="member", entity_id=head, key="member.work_months", value=0)
    registry.update_field(entity="member", entity_id=head, key="member.work_status", value=None)
    again = [p for p in checks.run_household(hid) if p.rule == "LAB-010"]
    assert len(again) == 1 and again[0].id != problem.id


def test_accepting_an_exception_needs_a_reason_and_survives_reruns(county_db: Database) -> None:
    checks = CheckService(db=county_db)
    checks.run()
    target = next(p for p in checks.problems() if p.rule == "EXIT-001")
    # a clerk may not decide; a reviewer may
    with pytest.raises(NotAllowed) as refused:
        checks.accept(target.id, "已入户核实")
    assert "审核员" in refused.value.zh and "tester" in refused.value.zh
    UserService(db=county_db).save("tester", role="reviewer")
    with pytest.raises(InvalidValue):
        checks.accept(target.id, "  ")
    accepted = checks.accept(target.id, "2020 年 1 月已入户核实，收入另有务工")
    assert accepted.status == "accepted" and accepted.closed_by == "tester"
    assert accepted.resolution == "2020 年 1 月已入户核实，收入另有务工"
    with pytest.raises(Conflict):
        checks.accept(target.id, "again")
    checks.run()
    same = [p for p in checks.problems(ProblemQuery(status=None)) if p.rule == "EXIT-001"]
    assert [p.status for p in same] == ["accepted"]  # not reopened, not duplicated
    assert target.household_id not in {p.household_id for p in checks.problems() if p.rule == "EXIT-001"}
    reopened = checks.reopen(target.id, "核实有误")
    assert reopened.status == "open"
    with county_db.reading() as s:
        notes = list(s.scalars(select(ProblemEvent.note).where(ProblemEvent.problem_id == target.id)
                               .order_by(ProblemEvent.id)))
    assert notes[1:] == ["2020 年 1 月已入户核实，收入另有务工", "核实有误"]


def test_counts_per_village_and_household_problems(county_db: Database) -> None:
    checks = CheckService(db=county_db)
    checks.run()
    counts = checks.open_problem_counts()
    with county_db.reading() as s:
        villages = dict(s.execute(select(Village.code, Village.id)).all())
    assert sum(counts.values()) == len(checks.problems())
    assert counts[villages["513437204202"]] >= 2  # EXIT-001 + warnings
    # each problem names its village and township by code too (lists split by village group by it)
    assert {p.village_code for p in checks.problems()} <= set(villages)
    assert all(p.township_code == p.village_code[:9] for p in checks.problems())
    hid = _hid(county_db, "51343720420200001")
    mine = checks.open_problems(hid)
    assert mine and all(p.household_no == "51343720420200001" and p.village == "试点村" for p in mine)
    assert checks.exit_blockers(hid) and all(p.rule == "EXIT-001" for p in checks.exit_blockers(hid))


def test_year_settings_drive_the_exit_rule(county_db: Database) -> None:
    settings = YearSettingsService(db=county_db)
    assert settings.get(2019).exit_income_line == 3750
    checks = CheckService(db=county_db, settings=settings)
    assert sum(1 for f in checks.evaluate() if f.rule.code == "EXIT-001") == 1
    settings.update(2019, exit_income_line=9000, source="县扶贫办 2019 年测算")
    assert sum(1 for f in checks.evaluate() if f.rule.code == "EXIT-001") == 3
    assert settings.get(2019).source == "县扶贫办 2019 年测算"
    with pytest.raises(InvalidValue):
        settings.update(2019, school_age_from=16, school_age_to=15)


def test_a_problem_a_settings_change_closes_is_not_called_a_data_correction(county_db: Database) -> None:
    settings = YearSettingsService(db=county_db)
    checks = CheckService(db=county_db, settings=settings)
    checks.run()
    [below] = [p for p in checks.problems() if p.rule == "EXIT-001"]
    settings.update(2019, exit_income_line=2000, source="测试")
    result = checks.run()
    assert (result.rectified, result.lapsed) == (0, 1)
    closed = checks.problem(below.id)
    assert closed.status == "lapsed" and closed.closed_by == county_db.user
    assert closed.resolution == "复查通过，但数据未改动（年度设置或检查规则已变化）"
    assert "数据未改动" in checks.history(below.id)[-1].note


def test_a_duplicate_person_is_found_when_one_household_is_rechecked(county_db: Database) -> None:
    checks = CheckService(db=county_db)
    checks.run()
    a, b = _hid(county_db, "51343720420100001"), _hid(county_db, "51343710020100001")
    with county_db.transaction() as s:
        donor = s.scalar(select(Member).where(Member.household_id == a, Member.relation == "02"))
        taker = s.scalar(select(Member).where(Member.household_id == b, Member.relation == "02"))
        taker.id_number, taker.birth_date, taker.sex = donor.id_number, donor.birth_date, donor.sex
        donor_name = donor.name
    found = [p for p in checks.run_household(b) if p.rule == "ID-009"]
    assert len(found) == 1 and "51343720420100001" in found[0].message_zh
    # where the other household is, and the name the number carries there
    assert "帕哈乡八合村" in found[0].message_zh and f"登记姓名 {donor_name}" in found[0].message_zh
    checks.run()
    county = [p for p in checks.problems() if p.rule == "ID-009" and p.household_id == a]
    assert county and "51343710020100001" in county[0].message_zh


def test_a_cancelled_run_writes_nothing(county_db: Database) -> None:
    checks = CheckService(db=county_db)
    with pytest.raises(Cancelled):
        checks.run(cancel=lambda: True)
    assert _problem_rows(county_db) == 0


def test_columns_the_engine_skips_are_not_required_ones() -> None:
    from povdesk.domain import dictionary as dd
    from povdesk.services.checks import UNREAD

    for entity, columns in UNREAD.items():
        for column in columns:
            assert not dd.field(f"{entity}.{column}").required


def test_gates_read_from_fetched_rows_find_exactly_what_the_records_give(db: Database, monkeypatch) -> None:
    from povdesk.demo.service import DemoService

    DemoService(db=db).build(households=60, seed=7)
    checks = CheckService(db=db)

    def listed(found):  # type: ignore[no-untyped-def]
        return [(f.rule.code, f.household_id, f.member_id, sorted(f.values.items())) for f in found]

    with_rows = listed(checks.evaluate())
    loader = CheckService._loader
    seen = {}

    def loader_without_rows(self, *args):  # type: ignore[no-untyped-def]
        load = loader(self, *args)

        def without_rows(first, last):  # type: ignore[no-untyped-def]
            facts, columns = load(first, last)
            seen.update(columns)
            return facts, {}
        return without_rows

    monkeypatch.setattr(CheckService, "_loader", loader_without_rows)
    assert with_rows and listed(checks.evaluate()) == with_rows
    # every column taken from the rows is the value the facts hold
    from povdesk.domain.rules.base import HOUSEHOLD, MEMBER

    with db.reading() as s:
        load = loader(checks, s, checks._scope(), db.data_year,
                      checks.settings.get(db.data_year).reference_date, True)
        facts, _ = load(0, 10**9)
    records = {HOUSEHOLD: facts, MEMBER: [m for h in facts for m in h.current]}
    for scope, source in seen.items():
        assert len(source.rows) == len(records[scope])
        for column in source.index:
            assert source.column(column) == [r[column] for r in records[scope]], column


def test_households_checked_in_batches_give_the_findings_of_one_batch(db: Database, monkeypatch) -> None:
    """The county is loaded a batch at a time; county-wide rules (the same person current in two
    households) still see across batches, and progress counts households."""
    import povdesk.services.checks as engine
    from povdesk.demo.service import DemoService

    DemoService(db=db).build(households=120, seed=2)
    checks = CheckService(db=db)
    with db.reading() as s:
        hids = list(s.scalars(select(Household.id).where(Household.active.is_(True)).order_by(Household.id)))
        head = s.execute(select(Member.id, Member.id_number).where(Member.household_id == hids[0])
                         .order_by(Member.sort_order)).first()
        last = s.scalar(select(Member.id).where(Member.household_id == hids[-1], Member.status == "1")
                        .order_by(Member.sort_order))
    RegistryService(db=db).update_field(entity="member", entity_id=last, key="member.id_number",
                                        value=head.id_number, reason="test")

    def listed(found):  # type: ignore[no-untyped-def]
        return sorted((f.rule.code, f.household_id, f.member_id, sorted(f.values.items())) for f in found)

    whole = listed(checks.evaluate())
    monkeypatch.setattr(engine, "_BATCH", 7)
    steps: list[tuple[int, int]] = []
    assert listed(checks.evaluate(progress=lambda done, total: steps.append((done, total)))) == whole
    assert {(f[1], f[2]) for f in whole if f[0] == "ID-009"} >= {(hids[0], head.id), (hids[-1], last)}
    assert steps[-1] == (len(hids), len(hids)) and len(steps) == -(-len(hids) // 7)
    assert [d for d, _ in steps] == sorted(d for d, _ in steps)


def test_open_problems_follow_a_rule_the_catalogue_refiles(county_db: Database, monkeypatch) -> None:
    import dataclasses

    import povdesk.domain.rules.catalogue as cat

    checks = CheckService(db=county_db)
    checks.run()
    [exit_problem] = [p for p in checks.problems() if p.rule == "EXIT-001"]
    refiled = tuple(dataclasses.replace(r, category="收入", severity="warning") if r.code == "EXIT-001" else r
                    for r in cat.catalogue())
    monkeypatch.setattr(checks, "_evaluator", cat.Evaluator(refiled))
    assert checks.run().opened == 0
    again = checks.problem(exit_problem.id)
    assert (again.status, again.category, again.severity) == ("open", "收入", "warning")


def test_a_rule_runs_by_its_year_range_unless_the_office_switches_it(county_db: Database) -> None:
    with county_db.transaction() as s:  # a student with an education level: EDU-009's finding
        student = s.scalars(select(Member).where(Member.school_status.in_(("03", "04", "05")))).first()
        assert student is not None
        student.education = "02"
        household_id = student.household_id
    checks = CheckService(db=county_db)
    first = checks.run()
    assert "EDU-009" not in first.by_rule  # it states 2020 on; the data year is 2019
    assert first.not_run["EDU-009"].startswith("does not apply to 2019")
    assert first.not_run["EDU-014"].startswith("needs the members' yearly snapshots")
    switches = RuleSwitchService(db=county_db)
    with pytest.raises(InvalidValue):
        switches.set("EDU-009", 2019, True, " ")
    with pytest.raises(InvalidValue):
        switches.set("NOPE-001", 2019, True, "why")
    done = switches.set("EDU-009", 2019, True, "县办要求按新口径清洗")
    assert done.changed_by == county_db.user and done.reason == "县办要求按新口径清洗"
    second = checks.run()
    assert "EDU-009" not in second.not_run and second.by_rule["EDU-009"] >= 1
    assert any(p.rule == "EDU-009" for p in checks.open_problems(household_id))
    listing = {r.code: r for r in switches.listing(2019, "en")}
    assert listing["EDU-009"].runs and listing["EDU-009"].years == "2020 on"
    assert listing["EDU-009"].switch is not None and listing["EDU-009"].switch.enabled
    # switched off again: its problems lapse (the data did not change)
    switches.set("EDU-009", 2019, False, "撤回")
    third = checks.run()
    assert third.lapsed >= 1 and "switched off by the office" in third.not_run["EDU-009"]
    assert not any(p.rule == "EDU-009" for p in checks.open_problems(household_id))


def test_a_county_rerun_read_by_id_ranges_closes_and_keeps_what_one_read_by_ids_does(county_db: Database,
                                                                                   monkeypatch) -> None:
    """A batch of more than `_CHUNK` households reads its open problems by a range of ids (the
    driver's rows): fixed data is credited to its editor, everything else carried forward."""
    import povdesk.services.checks as engine

    monkeypatch.setattr(engine, "_CHUNK", 2)
    checks = CheckService(db=county_db)
    first = checks.run()
    hid = _hid(county_db, "51343720420100001")
    [problem] = [p for p in checks.open_problems(hid) if p.rule == "LAB-010"]
    _head_found_working(county_db, hid)
    again = checks.run()
    assert (again.opened, again.rectified, again.lapsed) == (0, 1, 0)
    assert again.still_open == first.opened - 1
    fixed = checks.problem(problem.id)
    assert fixed.status == "rectified" and fixed.closed_by == "李文书"
