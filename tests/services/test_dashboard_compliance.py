"""The dashboard's compliance (read per verdict: SQL counts, school-age members only) gives the
numbers of the one assessment of every household, at the edges the fast path could get wrong."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import delete, func, select, update

from povdesk.db.models import Conditions, Household, Income, Member, Village
from povdesk.domain import assessment as asm
from povdesk.domain.dashboard import COUNTY, Compliance, Scope
from povdesk.services.dashboard import school_birth_window
from povdesk.services.database import Database
from povdesk.services.facade import Services
from tests.helpers.databases import DatabaseFactory


@pytest.fixture(scope="module")
def county(tmp_path_factory: pytest.TempPathFactory, db_factory: DatabaseFactory) -> Iterator[Services]:
    """A demo county of 30 households, spoiled below at each verdict's edges."""
    from povdesk.demo.service import DEMO_PASSWORD, DemoService

    folder = tmp_path_factory.mktemp("compliance")
    target = db_factory.new(folder, "compliance")
    services = Services(db=Database.open(target, user="director", backups=folder))
    DemoService(db=services.db).build(households=30, seed=7)
    services.users.authenticate("director", DEMO_PASSWORD)
    _spoil(services)
    yield services
    services.close()
    db_factory.drop(target)


def _member(s: Any, household_id: int, **values: Any) -> None:
    s.execute(update(Member).where(Member.id == select(Member.id).where(Member.household_id == household_id)
                                   .order_by(Member.id.desc()).limit(1).scalar_subquery()).values(**values))


def _spoil(services: Services) -> None:
    settings = services.year_settings.get(services.db.data_year)
    on = settings.school_date
    young = dt.date(on.year - settings.school_age_from, on.month, on.day)  # just of school age
    old = dt.date(on.year - settings.school_age_to - 1, on.month, on.day) + dt.timedelta(days=1)
    too_old = dt.date(on.year - settings.school_age_to - 1, on.month, on.day)  # turned to + 1 that day
    too_young = young + dt.timedelta(days=1)
    absent = {"school_status": "01", "out_of_school_reason": None, "education": None, "health": "01"}
    with services.db.transaction() as s:
        year = services.db.data_year
        ids = list(s.scalars(select(Household.id).order_by(Household.id)))
        # education: the birth date from the ID number when none is recorded (the number says school age)
        s.execute(update(Member).where(Member.household_id == ids[0]).values(birth_date=None, **absent))
        # a recorded birth date of school age wins over the number's; each edge of the ages
        for hid, birth in zip(ids[1:5], (young, old, too_old, too_young), strict=True):
            _member(s, hid, birth_date=birth, status="1", **absent)
        # a decreased member of school age out of school does not count; status 4 is current
        _member(s, ids[5], birth_date=young, status="2", **absent)
        _member(s, ids[6], birth_date=young, status="4", **absent)
        _member(s, ids[7], birth_date=young, status="1", school_status=None, out_of_school_reason=None)
        _member(s, ids[8], birth_date=young, status="1", school_status="01", out_of_school_reason="01")
        _member(s, ids[9], birth_date=young, status="1", school_status="01", health="02", education=None,
                out_of_school_reason=None)
        # medical: NULL and false insurance, the employee's insurance alone, no current member at all
        _member(s, ids[10], ins_medical=None, ins_employee_medical=None)
        _member(s, ids[11], ins_medical=False, ins_employee_medical=True)
        _member(s, ids[12], ins_medical=None, ins_employee_medical=False)
        s.execute(update(Member).where(Member.household_id == ids[13]).values(status="2"))
        # income: none recorded, exactly at the line, a cent above
        s.execute(delete(Income).where(Income.household_id == ids[14], Income.year == year))
        line = settings.exit_income_line
        s.execute(update(Income).where(Income.household_id == ids[15], Income.year == year)
                  .values(per_capita_net=line))
        s.execute(update(Income).where(Income.household_id == ids[16], Income.year == year)
                  .values(per_capita_net=line + 0.01))
        s.execute(update(Income).where(Income.household_id == ids[17], Income.year == year)
                  .values(per_capita_net=None))
        # conditions: none recorded (and moved into a relocation home), unknown values, each failure
        s.execute(delete(Conditions).where(Conditions.household_id.in_(ids[18:20]), Conditions.year == year))
        s.execute(update(Household).where(Household.id == ids[19]).values(relocation_moved_in=True))
        values: list[dict[str, Any]] = [
            {"dangerous_house": None, "house_grade": None, "house_area": None, "drinking_safe": None,
             "drinking_difficult": None, "electricity": None, "radio_tv": None},
            {"dangerous_house": False, "house_grade": "3", "house_area": 0, "drinking_safe": False,
             "drinking_difficult": False, "electricity": True, "radio_tv": False},
            {"dangerous_house": None, "house_grade": "2", "house_area": -1, "drinking_safe": True,
             "drinking_difficult": True, "electricity": False, "radio_tv": None},
            {"dangerous_house": True, "house_grade": "1", "house_area": 80, "drinking_safe": True,
             "drinking_difficult": None, "electricity": True, "radio_tv": True},
        ]
        for hid, row in zip(ids[20:24], values, strict=True):
            s.execute(update(Conditions).where(Conditions.household_id == hid, Conditions.year == year).values(**row))
        # a cancelled household is left out
        s.execute(update(Household).where(Household.id == ids[24]).values(active=False))


def _window_holds_every_school_age(settings: Any) -> None:
    first, last = school_birth_window(settings)
    day = first - dt.timedelta(days=400)
    while day <= last + dt.timedelta(days=400):
        if asm.of_school_age(asm.school_age(day, settings), settings):
            assert first <= day <= last, day
        day += dt.timedelta(days=1)


def _one_by_one(services: Services, scope: Scope) -> dict[str, tuple[int, int, int, list[int]]]:
    """Each indicator's (met, not met, unknown, failing) from the detail pane's assessment."""
    with services.db.reading() as s:
        stmt = (select(Household.id).join(Village, Village.id == Household.village_id)
                .where(Household.active.is_(True)).order_by(Household.id))
        if scope.village_id is not None:
            stmt = stmt.where(Household.village_id == scope.village_id)
        elif scope.township_id is not None:
            stmt = stmt.where(Village.township_id == scope.township_id)
        ids = list(s.scalars(stmt))
    counts: dict[str, Counter[bool | None]] = {k: Counter() for k in asm.INDICATORS}
    failing: dict[str, list[int]] = {k: [] for k in asm.INDICATORS}
    for hid in ids:
        for verdict in services.registry.assessment(hid).verdicts:
            counts[verdict.key][verdict.met] += 1
            if verdict.met is False:
                failing[verdict.key].append(hid)
    return {k: (counts[k][True], counts[k][False], counts[k][None], failing[k]) for k in asm.INDICATORS}


def _numbers(result: Compliance) -> dict[str, tuple[int, int, int, list[int]]]:
    return {i.key: (i.met, i.not_met, i.unknown, list(i.failing)) for i in result.indicators}


def _scopes(services: Services) -> list[Scope]:
    with services.db.reading() as s:
        village = s.execute(select(Village.id, Village.township_id).join(Household)
                            .group_by(Village.id, Village.township_id)
                            .order_by(func.count(Household.id).desc(), Village.id)).first()
    assert village is not None
    return [COUNTY, Scope(township_id=village[1]), Scope(village_id=village[0])]


def test_compliance_equals_the_one_assessment_at_every_edge(county: Services) -> None:
    for scope in _scopes(county):
        result = county.dashboard.compliance(scope)
        assert _numbers(result) == _one_by_one(county, scope), scope
    numbers = _numbers(county.dashboard.compliance())
    # the edges were reached: each indicator has failures and (but education) unknowns
    assert all(n[1] for n in numbers.values()), numbers
    assert all(n[2] for k, n in numbers.items() if k != asm.EDUCATION), numbers


@pytest.mark.parametrize("changes", [{"school_age_from": 7, "school_age_to": 16},
                                     {"school_age_date": dt.date(2019, 12, 31)},
                                     {"exit_income_line": 4000.0}])
def test_compliance_follows_edited_year_settings(county: Services, changes: dict[str, Any]) -> None:
    year = county.db.data_year
    before = county.year_settings.get(year)
    if "school_age_date" in changes:
        changes = {"school_age_date": dt.date(year, 12, 31)}
    try:
        county.year_settings.update(year, **changes)
        _window_holds_every_school_age(county.year_settings.get(year))
        assert _numbers(county.dashboard.compliance()) == _one_by_one(county, COUNTY)
    finally:
        county.year_settings.update(year, **{k: getattr(before, k) for k in changes})
