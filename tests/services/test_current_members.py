"""The registry's counts, the records and the check engine agree on who is a current member: the
SQL test (`Member.current`) is built from the same codes as `meanings.is_current_member`."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import String, literal, select, union_all, update

from povdesk.db.models import Member, current_member_status
from povdesk.domain.meanings import is_current_member
from povdesk.services.checks import CheckService
from povdesk.services.database import Database
from povdesk.services.registry import HouseholdQuery, RegistryService

STATUSES = [None, "1", "2", "3", ""]


def test_the_sql_test_is_the_predicate(db: Database) -> None:
    rows = union_all(*(select(literal(x, String(8)).label("status")) for x in STATUSES)).subquery()
    with db.reading() as s:
        found = {r[0] for r in s.execute(select(rows.c.status).where(current_member_status(rows.c.status)))}
    assert found == {x for x in STATUSES if is_current_member(x)}
    for status in STATUSES:
        assert Member(status=status).current == is_current_member(status)


@pytest.fixture
def household(county_db: Database) -> int:
    """The six-member household with one member decreased and one removed."""
    registry = RegistryService(db=county_db)
    hid = registry.household_ids(HouseholdQuery(sort="members", descending=True))[0]
    members = registry.household(hid).members
    with county_db.transaction() as s:
        s.execute(update(Member).where(Member.id == members[2].id).values(status="3"))
    registry.decrease_member(member_id=members[1].id, reason="死亡", date=dt.date(2019, 8, 1))  # size counted in SQL
    return hid


def test_registry_records_and_rules_count_the_same_members(county_db: Database, household: int) -> None:
    registry = RegistryService(db=county_db)
    detail = registry.household(household)
    current = {m.id for m in detail.current_members}
    assert len(detail.members) == 6 and len(current) == 4

    (row,) = registry.household_rows([household])
    assert row.members == len(current)
    (county,) = registry.navigator()
    assert county.members == sum(len(registry.household(h).current_members) for h in registry.household_ids())

    checks = CheckService(db=county_db)
    with county_db.reading() as s:
        load = checks._loader(s, checks._scope(household_id=household), county_db.data_year,
                              dt.date(2019, 12, 31), False)
        (facts,), _rows = load(household, household)
    assert {m.id for m in facts.current} == current
    assert detail.household["size"] == len(current)
    assert "HH-006" not in {f.rule.code for f in checks.evaluate(household_id=household)}  # size = current
