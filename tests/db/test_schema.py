"""Models, migrations and the data dictionary stay in step; upgrades back up first."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import String, inspect, text

from povdesk.db import columns, migrate, models
from povdesk.db.engine import make_engine
from povdesk.domain import dictionary as dd
from povdesk.domain.dictionary import Entity
from tests.helpers.databases import DatabaseFactory


def test_every_dictionary_field_is_a_column() -> None:
    """`db.columns` finds the column of every field: the entity's model or, for the place fields of
    an import, the county, township and village tables."""
    for f in dd.FIELDS:
        column = columns.column(f.key)
        if f.entity != Entity.LOCATION:
            assert column.expression.table is columns.MODELS[f.entity].__table__, f.key
            assert column.key == f.column, f.key
    with pytest.raises(KeyError):
        columns.column("household.nothing")


def test_dictionary_max_lengths_are_the_columns_lengths() -> None:
    """The length checks of imports and edits are the dictionary's, the same on every engine; they
    must be exactly what the column holds, or PostgreSQL refuses what SQLite stores."""
    checked = 0
    for f in dd.FIELDS:
        column = columns.column(f.key)
        if isinstance(column.type, String):  # Text is a String without a length
            limit = column.type.length or dd.EXCEL_CELL_LIMIT
            if f.type in (dd.FieldType.CODE, dd.FieldType.BOOL):
                assert f.max_length is None, f.key  # a code of the code list, not free text
                continue
            assert f.max_length == limit, (f.key, f.max_length, limit)
            checked += 1
        else:
            assert f.max_length is None, f.key
    textual = (dd.FieldType.TEXT, dd.FieldType.PHONE, dd.FieldType.ID_NUMBER, dd.FieldType.CODES)
    assert checked == sum(1 for f in dd.FIELDS if f.type in textual)  # every text field is a String
    assert models.County.__table__.c.code.type.length >= 6 and models.Township.__table__.c.code.type.length >= 9


@pytest.mark.sqlite_only(reason="WAL and the foreign_keys pragma are SQLite's")
def test_upgrade_of_an_empty_database_reaches_head_with_wal_and_foreign_keys(tmp_path: Path) -> None:
    engine = make_engine(tmp_path / "new.sqlite")
    assert migrate.upgrade(engine, backups=tmp_path / "b") is None  # nothing to back up
    assert migrate.current_revision(engine) == migrate.head_revision(engine)
    with engine.connect() as conn:
        assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert conn.execute(text("PRAGMA foreign_keys")).scalar() == 1
    assert not (tmp_path / "b").exists()


def test_upgrade_of_an_empty_database_reaches_head(db_factory: DatabaseFactory, tmp_path: Path) -> None:
    engine = make_engine(db_factory.new(tmp_path, migrated=False))
    assert migrate.is_empty(engine)
    assert migrate.upgrade(engine, backups=tmp_path / "b") is None  # nothing to back up
    assert migrate.current_revision(engine) == migrate.head_revision(engine)
    assert not (tmp_path / "b").exists()


def test_migrations_match_the_models(db_factory: DatabaseFactory, tmp_path: Path) -> None:
    engine = make_engine(db_factory.new(tmp_path, migrated=False))
    migrate.upgrade(engine)
    with engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), models.Base.metadata)
    assert diff == []


def test_the_fast_path_knows_the_real_head(tmp_path: Path) -> None:
    assert migrate.head_revision(make_engine(tmp_path / "h.sqlite")) == migrate.SCHEMA_HEAD


def test_upgrade_is_idempotent(db_factory: DatabaseFactory, tmp_path: Path) -> None:
    engine = make_engine(db_factory.new(tmp_path, migrated=False))
    migrate.upgrade(engine)
    assert migrate.upgrade(engine, backups=tmp_path / "b") is None


def test_unbounded_problem_fields_keep_the_problems_and_their_history(db_factory: DatabaseFactory,
                                                                       tmp_path: Path) -> None:
    """0003 rebuilds the problem table on SQLite, which problem_event points at (foreign keys on).
    The data is made at head by the services (which need the newest tables), then the schema goes
    back to 0002 and up again."""
    from alembic import command

    from povdesk.services.checks import CheckService
    from povdesk.services.database import Database
    from povdesk.services.users import UserService
    from tests.factories import build_small_county

    target = db_factory.new(tmp_path)
    engine = make_engine(target)
    db = Database.open(target, user="wang")
    UserService(db=db).save("wang", role="reviewer")
    build_small_county(db)
    checks = CheckService(db=db)
    checks.run()
    before = checks.problems()
    checks.accept(before[0].id, "已核实")
    with engine.connect() as conn:
        events = conn.execute(text("SELECT id, problem_id, new_status FROM problem_event ORDER BY id")).all()
    assert events
    command.downgrade(migrate.alembic_config(engine), "0002")
    assert migrate.current_revision(engine) == "0002"

    migrate.upgrade(engine)

    assert migrate.current_revision(engine) == migrate.SCHEMA_HEAD
    assert [(p.id, p.rule, p.fields) for p in checks.problems()] == [
        (p.id, p.rule, p.fields) for p in before[1:]]
    with engine.connect() as conn:
        assert conn.execute(text("SELECT id, problem_id, new_status FROM problem_event ORDER BY id")).all() == events
        if engine.dialect.name == "sqlite":
            assert conn.execute(text("PRAGMA foreign_keys")).scalar() == 1
            assert conn.execute(text("PRAGMA foreign_key_check")).all() == []
        long_fields = ",".join(f"income.column_{n}" for n in range(30))
        conn.execute(text("UPDATE problem SET fields = :f WHERE id = :id"), {"f": long_fields, "id": before[1].id})
        conn.commit()
    (kept,) = [p for p in checks.problems() if p.id == before[1].id]
    assert ",".join(kept.fields) == long_fields
    index_names = {ix["name"] for ix in inspect(engine).get_indexes("problem")}
    assert {"ix_problem_fingerprint_status", "ix_problem_rule", "ix_problem_status"} <= index_names
    db.close()


@pytest.mark.sqlite_only(reason="the backup copy is made with SQLite's backup API, of SQLite files only")
def test_a_database_that_is_behind_is_backed_up_before_upgrading(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # A copy of the real migrations plus one newer revision, so the file below is "behind".
    scripts = tmp_path / "migrations"
    shutil.copytree(migrate.MIGRATIONS, scripts, ignore=shutil.ignore_patterns("__pycache__"))
    engine = make_engine(tmp_path / "office.sqlite")
    migrate.upgrade(engine)
    old_head = migrate.head_revision(engine)
    with engine.begin() as conn:
        conn.execute(text("INSERT INTO meta(key, value) VALUES ('office', '雷波县扶贫办')"))
    (scripts / "versions" / "9999_test_newer.py").write_text(
        f"""revision = "9999"\ndown_revision = "{old_head}"\nbranch_labels = None\ndepends_on = None\n"""
        "import sqlalchemy as sa\nfrom alembic import op\n"
        "def upgrade():\n    op.add_column('meta', sa.Column('note', sa.Text(), nullable=True))\n"
        "def downgrade():\n    op.drop_column('meta', 'note')\n", encoding="utf-8")
    monkeypatch.setattr(migrate, "MIGRATIONS", scripts)
    monkeypatch.setattr(migrate, "SCHEMA_HEAD", "9999")

    backup = migrate.upgrade(engine, backups=tmp_path / "backups")

    assert migrate.current_revision(engine) == "9999"
    assert backup is not None and backup.parent == tmp_path / "backups"
    with sqlite3.connect(backup) as conn:
        assert conn.execute("SELECT value FROM meta WHERE key='office'").fetchone() == ("雷波县扶贫办",)
        assert conn.execute("SELECT version_num FROM alembic_version").fetchone() == (old_head,)
    with engine.connect() as conn:
        assert conn.execute(text("SELECT value, note FROM meta WHERE key='office'")).one() == (
            "雷波县扶贫办", None)
