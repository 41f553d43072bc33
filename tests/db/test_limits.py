"""What a column cannot hold is refused alike on SQLite and PostgreSQL, in words, never a traceback.

PostgreSQL refuses a string over its varchar(n) and an integer beyond 32 bits; SQLite stored both.
These tests run in both passes (POVDESK_TEST_DB), so each expectation holds on each engine.
"""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, insert, select, text

from povdesk.config import Settings
from povdesk.db.models import AppUser, ChangeLog, HeaderMapping, Household, Member, PrintBatch
from povdesk.domain.dictionary import Entity
from povdesk.errors import BadInput, Conflict, InvalidValue
from povdesk.services.database import Database
from povdesk.services.importer import ImportService
from povdesk.services.printing import PrintService
from povdesk.services.registry import HouseholdQuery, RegistryService
from povdesk.services.settings import YearSettingsService
from povdesk.services.users import UserService


def journal_size(db: Database) -> int:
    with db.reading() as s:
        return s.scalar(select(func.count(ChangeLog.id))) or 0


def test_a_display_name_over_its_column_is_refused_in_both_languages(db: Database) -> None:
    with pytest.raises(InvalidValue) as refused:
        UserService(db=db).save("zhang", role="clerk", display_name="名" * 41)
    assert refused.value.code == "db.too_long"
    assert "41 characters, at most 40" in refused.value.en and "显示名称过长" in refused.value.zh
    with db.reading() as s:
        assert s.scalar(select(AppUser.id).where(AppUser.login == "zhang")) is None


def test_a_reason_over_its_column_changes_nothing(county_db: Database) -> None:
    registry = RegistryService(db=county_db)
    (hid,) = registry.household_ids(HouseholdQuery(text="沙马"))
    detail = registry.household(hid)
    before = journal_size(county_db)
    with pytest.raises(InvalidValue) as refused:
        registry.update_field(entity=Entity.MEMBER, entity_id=detail.members[1].id, key="member.health",
                              value="患有大病", reason="因" * 201)
    assert "原因过长" in refused.value.zh and "at most 200" in refused.value.en
    with pytest.raises(InvalidValue) as refused:  # member.change_reason holds 100
        registry.decrease_member(member_id=detail.members[2].id, reason="迁" * 101, date=dt.date(2019, 5, 1))
    assert "at most 100" in refused.value.en
    after = registry.household(hid)
    assert after.version == detail.version and journal_size(county_db) == before
    assert after.members[1]["health"] == detail.members[1]["health"] and after.members[2]["status"] == "1"


def test_an_integer_beyond_32_bits_is_refused(db: Database) -> None:
    with pytest.raises(InvalidValue) as refused, db.transaction() as s:
        s.add(PrintBatch(user="t", household_count=2**31))
    assert refused.value.code == "db.out_of_range" and "2,147,483,647" in refused.value.en
    with db.transaction() as s:
        s.add(PrintBatch(user="t", household_count=2**31 - 1))  # the largest that fits is kept


@pytest.mark.sqlite_only(reason="only SQLite could hold a value longer than its column (stored before the checks)")
def test_a_long_value_stored_before_does_not_block_editing_another_field(county_db: Database) -> None:
    with county_db.transaction() as s:
        s.execute(text("UPDATE member SET name = :n WHERE id = 2"), {"n": "名" * 45})
    registry = RegistryService(db=county_db)
    after = registry.update_field(entity=Entity.MEMBER, entity_id=2, key="member.health", value="患有大病")
    assert after.members[1]["health"] == "03" and after.members[1]["name"] == "名" * 45


def test_a_driver_refusal_is_a_povdesk_error(db: Database) -> None:
    """A constraint the database enforces, hit by a Core statement, names itself without a traceback."""
    with pytest.raises(Conflict) as refused, db.transaction() as s:
        s.execute(insert(AppUser), [{"login": "tester", "display_name": "again", "role": "clerk", "active": True,
                                     "created_at": dt.datetime(2020, 1, 1)}])
    assert refused.value.code == "db.integrity" and "未保存任何内容" in refused.value.zh


def test_a_value_the_postgres_driver_refuses_names_its_column(pg_db: Database) -> None:
    """A Core insert bypasses the ORM's checks: PostgreSQL's refusal is still said in words."""
    row = {"display_name": "x", "role": "clerk", "active": True, "created_at": dt.datetime(2020, 1, 1)}
    with pytest.raises(InvalidValue) as refused, pg_db.transaction() as s:
        s.execute(insert(AppUser), [{**row, "login": "l" * 41}])
    assert refused.value.code == "db.too_long" and "Login" in refused.value.en
    with pytest.raises(InvalidValue) as refused, pg_db.transaction() as s:  # PostgreSQL text holds no NUL
        s.execute(insert(AppUser), [{**row, "login": "a\x00b"}])
    assert refused.value.code == "db.refused"


def test_a_database_that_fails_to_open_leaves_no_connection_open(db_url: str) -> None:
    # a login over 40 characters fails while the first-run defaults are written; the engine is
    # closed (an open psycopg connection collected later is a ResourceWarning, an error here)
    with pytest.raises(InvalidValue):
        Database.open(db_url, user="u" * 41)


def test_a_form_code_with_a_number_no_batch_reaches_is_not_a_form_code(county_db: Database) -> None:
    service = PrintService(db=county_db, settings=Settings())
    for payload in ("PD1-B99999999999-H51343720420100002-V1", "PD1-B1-H51343720420100002-V99999999999"):
        with pytest.raises(BadInput):  # PostgreSQL once answered "integer out of range"
            service.find_snapshot(payload)


def test_a_header_too_long_to_remember_is_still_usable(db: Database) -> None:
    importer = ImportService(db=db)
    importer.remember_mapping("很长的说明" * 30, "member.phone")
    importer.remember_mapping("成员手机", "member.phone")
    with db.reading() as s:
        assert list(s.scalars(select(HeaderMapping.header))) == ["成员手机"]


def test_a_long_source_keeps_its_history_when_a_figure_changes(db: Database) -> None:
    settings = YearSettingsService(db=db)
    settings.update(2018, source="县扶贫办测算" * 33)  # 198 characters, as typed
    changed = settings.update(2018, exit_income_line=3000)
    assert changed.source is not None and changed.source.endswith("县扶贫办测算" * 33)
    assert settings.get(2018).source == changed.source and len(changed.source) > 200


def test_problem_fields_of_a_rule_naming_every_money_column_are_kept(county_db: Database) -> None:
    from sqlalchemy import update

    from povdesk.db.models import Income
    from povdesk.services.checks import CheckService

    with county_db.transaction() as s:
        hid = s.scalar(select(Household.id).where(Household.household_no == "51343720420100001"))
        s.execute(update(Income).where(Income.household_id == hid).values(wage=-50))
        assert s.scalar(select(func.count(Member.id)).where(Member.household_id == hid)) == 5
    checks = CheckService(db=county_db)
    checks.run()
    (problem,) = [p for p in checks.problems() if p.rule == "INC-004"]
    assert len(",".join(problem.fields)) > 200 and "income.wage" in problem.fields
