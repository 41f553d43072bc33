"""The dashboard's aggregates agree with the same counts made the slow way (every household loaded)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import func, select, update
from sqlalchemy.orm import selectinload

from povdesk.db.models import Household, Member, Problem, Village
from povdesk.domain import assessment as asm
from povdesk.domain.dashboard import COUNTY, EXIT_YEARS, Scope
from povdesk.domain.meanings import EXITED_STATUSES, is_current_member
from povdesk.errors import InvalidValue
from povdesk.services.database import Database
from povdesk.services.facade import Services
from tests.helpers.databases import DatabaseFactory


@pytest.fixture(scope="module")
def county(tmp_path_factory: pytest.TempPathFactory, db_factory: DatabaseFactory) -> Iterator[Services]:
    """A demo county of 40 households, checked, one household cancelled, a plan for 2016."""
    from povdesk.demo.service import DEMO_PASSWORD, DemoService

    folder = tmp_path_factory.mktemp("dashboard")
    target = db_factory.new(folder, "dash")
    services = Services(db=Database.open(target, user="director", backups=folder))
    DemoService(db=services.db).build(households=40, seed=13)
    services.users.authenticate("director", DEMO_PASSWORD)
    services.checks.run()
    services.year_settings.update(2016, exit_plan_households=25)
    with services.db.transaction() as s:
        first = s.scalar(select(Household.id).order_by(Household.id))
        s.execute(update(Household).where(Household.id == first).values(active=False))
    yield services
    services.close()
    db_factory.drop(target)


def _households(services: Services, scope: Scope) -> list[Household]:
    with services.db.reading() as s:
        stmt = (select(Household).options(selectinload(Household.members), selectinload(Household.village))
                .where(Household.active.is_(True)))
        rows = list(s.scalars(stmt))
        s.expunge_all()
    if scope.village_id is not None:
        return [h for h in rows if h.village_id == scope.village_id]
    if scope.township_id is not None:
        return [h for h in rows if h.village.township_id == scope.township_id]
    return rows


def _people(h: Household) -> int:
    return sum(1 for m in h.members if is_current_member(m.status))


def _scopes(services: Services) -> list[Scope]:
    with services.db.reading() as s:
        village = s.execute(select(Village.id, Village.township_id).join(Household)
                            .where(Household.active.is_(True)).group_by(Village.id, Village.township_id)
                            .order_by(func.count(Household.id).desc(), Village.id)).first()
    assert village is not None
    return [COUNTY, Scope(township_id=village[1]), Scope(village_id=village[0])]


def test_counts_by_status_attribute_and_exit_year_agree_with_the_households(county: Services) -> None:
    for scope in _scopes(county):
        board = county.dashboard.overview(scope)
        households = _households(county, scope)
        assert board.households == len(households) > 0
        assert board.year == county.db.data_year
        assert board.people == sum(_people(h) for h in households)
        for counts, attr in ((board.by_status, "status"), (board.by_attribute, "attribute")):
            slow_h = Counter(getattr(h, attr) or None for h in households)
            slow_p: Counter[str | None] = Counter()
            for h in households:
                slow_p[getattr(h, attr) or None] += _people(h)
            assert {c.code: c.households for c in counts} == dict(slow_h)
            assert {c.code: c.people for c in counts} == dict(slow_p)
            assert all(c.label_zh for c in counts)
        assert [e.year for e in board.exits] == list(EXIT_YEARS)
        for e in board.exits:
            assert e.households == sum(1 for h in households if h.exit_year == e.year)
            assert e.people == sum(_people(h) for h in households if h.exit_year == e.year)
            assert e.plan == (25 if scope == COUNTY and e.year == 2016 else None)


def test_village_incidence_is_the_village_exit_count(county: Services) -> None:
    board = county.dashboard.overview()
    households = _households(county, COUNTY)
    assert board.threshold == 3.0
    assert len(board.villages) >= 2
    for v in board.villages:
        mine = [h for h in households if h.village_id == v.village_id]
        population = sum(_people(h) for h in mine)
        poor = sum(_people(h) for h in mine if h.status not in EXITED_STATUSES)
        assert (v.poor, v.population) == (poor, population)
        if population:
            preview = county.changes.village_exit_preview(v.code)
            assert v.incidence == pytest.approx(preview.incidence)
    ranked = [v.incidence for v in board.villages if v.population]
    assert ranked == sorted(ranked, reverse=True)


def test_open_problems_per_village_ranked_with_errors_and_warnings(county: Services) -> None:
    for scope in _scopes(county)[:2]:
        board = county.dashboard.overview(scope)
        ids = {h.id: h.village_id for h in _households(county, scope)}
        with county.db.reading() as s:
            problems = [(p.household_id, p.severity) for p in s.scalars(select(Problem).where(Problem.status == "open"))
                        if p.household_id in ids]
        assert problems or scope != COUNTY, "the demo county's faults open problems"
        errors = Counter(ids[h] for h, sev in problems if sev == "error")
        warnings = Counter(ids[h] for h, sev in problems if sev == "warning")
        with_any = Counter(ids[h] for h in {h for h, _ in problems})
        got = {v.village_id: (v.errors, v.warnings, v.households) for v in board.problems}
        assert got == {vid: (errors[vid], warnings[vid], with_any[vid]) for vid in set(errors) | set(warnings)}
        order = [(-v.errors, -v.warnings) for v in board.problems]
        assert order == sorted(order)


def test_compliance_is_the_one_assessment_of_each_household(county: Services) -> None:
    board = county.dashboard.overview()
    assert board.compliance is None or board.compliance.households == board.households
    result = county.dashboard.compliance()
    households = _households(county, COUNTY)
    slow: dict[str, Counter[bool | None]] = {k: Counter() for k in asm.INDICATORS}
    failing: dict[str, list[int]] = {k: [] for k in asm.INDICATORS}
    for h in households:  # the window's own path: the detail pane's assessment
        for verdict in county.registry.assessment(h.id).verdicts:
            slow[verdict.key][verdict.met] += 1
            if verdict.met is False:
                failing[verdict.key].append(h.id)
    assert result.households == len(households)
    assert [i.key for i in result.indicators] == list(asm.INDICATORS)
    for i in result.indicators:
        assert (i.met, i.not_met, i.unknown) == (slow[i.key][True], slow[i.key][False], slow[i.key][None]), i.key
        assert list(i.failing) == sorted(failing[i.key])
    assert any(i.not_met for i in result.indicators)
    # cached: the overview now carries it
    assert county.dashboard.overview().compliance == result


def test_an_edit_refreshes_the_cached_compliance(county: Services) -> None:
    before = county.dashboard.compliance().indicators[asm.INDICATORS.index(asm.MEDICAL)]
    with county.db.reading() as s:
        member = s.execute(select(Member.id, Member.household_id).join(Household)
                           .where(Household.active.is_(True), Member.status == "1", Member.ins_medical.is_(True),
                                  Member.ins_employee_medical.is_not(True))
                           .order_by(Member.id)).first()
    assert member is not None
    assert member.household_id not in before.failing
    county.registry.update_field(entity="member", entity_id=member.id, key="member.ins_medical", value=False,
                                 reason="test")
    after = county.dashboard.compliance().indicators[asm.INDICATORS.index(asm.MEDICAL)]
    assert after.not_met == before.not_met + 1
    assert member.household_id in after.failing


def test_the_exit_plan_is_a_year_setting(county: Services) -> None:
    assert county.year_settings.get(2016).exit_plan_households == 25
    with pytest.raises(InvalidValue) as err:
        county.year_settings.update(2017, exit_plan_households=-1)
    assert err.value.code == "settings.exit_plan_households"


def test_a_place_given_by_name_or_code(county: Services, tmp_path: Path) -> None:
    board = county.dashboard.overview()
    v = board.villages[0]
    assert county.dashboard.scope_for_codes(village=v.code) == Scope(village_id=v.village_id)
    assert county.dashboard.scope_for_codes(village=v.name).village_id is not None
    with pytest.raises(Exception) as err:
        county.dashboard.scope_for_codes(township="没有这个乡")
    assert "没有这个乡" in str(getattr(err.value, "zh", ""))
