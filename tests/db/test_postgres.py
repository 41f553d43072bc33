"""The same schema and registry work on PostgreSQL, for offices with several workstations."""

from __future__ import annotations

import datetime as dt

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from povdesk.db import migrate, models
from povdesk.domain.dictionary import Entity
from povdesk.services.database import Database
from povdesk.services.registry import HouseholdQuery, RegistryService
from tests.factories import build_small_county


def test_migrations_create_the_model_schema_on_postgres(pg_db: Database) -> None:
    assert migrate.current_revision(pg_db.engine) == migrate.head_revision(pg_db.engine)
    with pg_db.engine.connect() as conn:
        assert compare_metadata(MigrationContext.configure(conn), models.Base.metadata) == []


def test_registry_search_and_journalled_edit_on_postgres(pg_db: Database) -> None:
    build_small_county(pg_db)
    registry = RegistryService(db=pg_db)
    (hid,) = registry.household_ids(HouseholdQuery(text="沙马"))
    detail = registry.household(hid)
    assert registry.household_ids(HouseholdQuery(text=detail.members[0]["id_number"][:10])) == [hid]
    after = registry.update_field(entity=Entity.MEMBER, entity_id=detail.members[1].id,
                                  key="member.health", value="患有大病", reason="核实")
    assert after.history[0].new_value == "03" and after.version == detail.version + 1
    registry.decrease_member(member_id=detail.members[2].id, reason="迁出", date=dt.date(2019, 5, 1))
    assert registry.household(hid).household["size"] == 4


def test_checks_find_the_same_problems_on_postgres_as_on_sqlite(pg_db: Database, sqlite_db: Database) -> None:
    from povdesk.services.checks import CheckService

    for database in (pg_db, sqlite_db):
        build_small_county(database)
        registry = RegistryService(db=database)
        (hid,) = registry.household_ids(HouseholdQuery(text="沙马"))
        member = registry.household(hid).members[3]
        registry.update_field(entity=Entity.MEMBER, entity_id=member.id, key="member.ins_medical", value="否")

    def findings(database: Database) -> list[tuple[str, str]]:
        checks = CheckService(db=database)
        checks.run()
        return sorted((p.rule, p.household_no) for p in checks.problems())

    on_pg, on_sqlite = findings(pg_db), findings(sqlite_db)
    assert on_pg == on_sqlite
    assert any(hno == "51343720420100001" for _, hno in on_pg)


def test_a_rule_naming_many_fields_is_recorded_on_postgres(pg_db: Database) -> None:
    """INC-004 names all 17 money columns (326 characters): it once overflowed a varchar(200)."""
    from sqlalchemy import update

    from povdesk.db.models import Income
    from povdesk.services.checks import CheckService

    ids = build_small_county(pg_db)
    with pg_db.transaction() as s:
        s.execute(update(Income).where(Income.household_id == ids["51343720420100001"]).values(wage=-50))
    checks = CheckService(db=pg_db)
    checks.run()
    (problem,) = [p for p in checks.problems() if p.rule == "INC-004"]
    assert problem.household_no == "51343720420100001" and len(",".join(problem.fields)) > 200
    assert "income.wage" in problem.fields


def test_a_demo_county_checks_on_postgres(pg_db: Database) -> None:
    from povdesk.demo.service import DemoService
    from povdesk.services.checks import CheckService

    DemoService(db=pg_db).build(households=300, seed=3)
    checks = CheckService(db=pg_db)
    checks.run()
    assert {p.rule for p in checks.problems()} >= {"INC-004"}
