"""Migration 0011 (rule years and settings) keeps an office's year settings and adds the new
figures with their shipped defaults; the rule switches start empty."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import sqlalchemy as sa
from alembic import command

from povdesk.db import migrate
from povdesk.db.engine import make_engine
from tests.helpers.databases import DatabaseFactory


def test_an_0009_database_keeps_its_year_settings(db_factory: DatabaseFactory, tmp_path: Path) -> None:
    engine = make_engine(db_factory.new(tmp_path, migrated=False))
    command.upgrade(migrate.alembic_config(engine), "0009")
    meta = sa.MetaData()
    meta.reflect(engine)
    with engine.begin() as c:
        c.execute(meta.tables["year_setting"].insert().values(
            year=2019, exit_income_line=3700, national_line=3218, source="县扶贫办", school_age_from=6,
            school_age_to=15, reference_date=dt.date(2019, 12, 31), village_exit_incidence=2.5))
    command.upgrade(migrate.alembic_config(engine), "head")
    assert migrate.current_revision(engine) == migrate.SCHEMA_HEAD  # 0011 or a later head
    with engine.connect() as c:
        row = c.execute(sa.text("SELECT * FROM year_setting")).mappings().one()
        assert (row["exit_income_line"], row["source"], row["village_exit_incidence"]) == (3700, "县扶贫办", 2.5)
        assert row["school_age_date"] is None  # read as 1 September of the year
        assert (row["working_age_from"], row["working_age_to"], row["public_post_age_limit"]) == (16, 60, 70)
        assert (row["monitoring_income_threshold"], row["labour_shortage_share"]) == (5000, 0.25)
        assert c.execute(sa.text("SELECT count(*) FROM rule_switch")).scalar() == 0
    engine.dispose()
