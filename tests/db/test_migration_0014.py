"""Migration 0014 (the dashboard): year settings keep their figures with no exit plan, and the
dashboard's covering indexes exist."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import sqlalchemy as sa
from alembic import command

from povdesk.db import migrate
from povdesk.db.engine import make_engine
from tests.helpers.databases import DatabaseFactory


def test_an_0013_database_gains_an_empty_exit_plan_and_the_indexes(db_factory: DatabaseFactory,
                                                                   tmp_path: Path) -> None:
    engine = make_engine(db_factory.new(tmp_path, migrated=False))
    command.upgrade(migrate.alembic_config(engine), "0013")
    meta = sa.MetaData()
    meta.reflect(engine)
    with engine.begin() as c:
        c.execute(meta.tables["year_setting"].insert().values(
            year=2019, exit_income_line=3700, national_line=3218, source="县扶贫办", school_age_from=6,
            school_age_to=15, reference_date=dt.date(2019, 12, 31), village_exit_incidence=2.5))
    command.upgrade(migrate.alembic_config(engine), "0014")
    with engine.connect() as c:
        row = c.execute(sa.text("SELECT * FROM year_setting")).mappings().one()
        assert (row["exit_income_line"], row["village_exit_incidence"], row["exit_plan_households"]) == (3700, 2.5, None)
    indexes = {i["name"] for table in ("household", "member") for i in sa.inspect(engine).get_indexes(table)}
    assert {"ix_household_dashboard", "ix_member_household_status"} <= indexes
    command.downgrade(migrate.alembic_config(engine), "0013")
    indexes = {i["name"] for table in ("household", "member") for i in sa.inspect(engine).get_indexes(table)}
    assert not {"ix_household_dashboard", "ix_member_household_status"} & indexes
    engine.dispose()
