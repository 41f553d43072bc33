"""The raw-driver fast paths (povdesk.db.fast) on the run's engine: SQLite, and PostgreSQL in its pass."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from sqlalchemy import Table, bindparam, func, select

from povdesk.db import fast
from povdesk.db.models import ImportRun, Member, Village
from povdesk.services.database import Database

IMPORT_RUN: Table = ImportRun.__table__  # type: ignore[assignment]
MEMBER: Table = Member.__table__  # type: ignore[assignment]
AT = dt.datetime(2019, 10, 1, 8, 30)  # no microseconds: SQLite's text differs from sqlite3's own


def indexes_on(conn: Any) -> list[tuple[str, str]]:
    """The member table's secondary indexes as the database states them (its own statements)."""
    if conn.dialect.name == "postgresql":
        sql = "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'member'"
    else:
        sql = "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'member' AND sql IS NOT NULL"
    return sorted(conn.exec_driver_sql(sql).all())


def indexes(db: Database) -> list[tuple[str, str]]:
    with db.reading() as s:
        return indexes_on(s.connection())


def import_runs(db: Database) -> list[tuple[Any, ...]]:
    with db.reading() as s:
        return [(r.at, r.user, r.file_name, r.sha256, r.layout, r.counts)
                for r in s.scalars(select(ImportRun).order_by(ImportRun.id))]


# ---------------------------------------------------------------------------- bulk_insert
def test_bulk_insert_stores_what_the_orm_reads_back(db: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    """Datetimes and JSON go through the column types' bind processors (SQLite keeps datetimes as
    text); rows go in chunks; the columns may come in any order."""
    monkeypatch.setattr(fast, "CHUNK", 2)
    columns = ["counts", "layout", "sha256", "file_name", "user", "at"]  # not the table's order
    rows = [({"households": i, "places": ["甲", "乙"]}, "a", f"{i:064d}", f"花名册{i}.xlsx", "张三",
             AT + dt.timedelta(microseconds=i)) for i in range(5)]
    rows.append((None, "a", "f" * 64, "空.xlsx", "张三", AT))  # a NULL JSON value stays NULL
    with db.transaction() as s:
        fast.bulk_insert(s.connection(), IMPORT_RUN, columns, rows)
    assert import_runs(db) == [(at, user, name, sha, layout, counts)
                               for counts, layout, sha, name, user, at in rows]


def test_bulk_insert_of_nothing_does_nothing(db: Database) -> None:
    with db.transaction() as s:
        fast.bulk_insert(s.connection(), IMPORT_RUN, ["user"], [])
    assert import_runs(db) == []


def test_bulk_insert_takes_a_generator_a_chunk_at_a_time(db: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    """A generator of rows is drawn `CHUNK` rows ahead of the insert at most (an import's 600,000
    member rows are made as they go in, never held whole), and every row is stored."""
    monkeypatch.setattr(fast, "CHUNK", 2)
    columns = ["layout", "sha256", "file_name", "user", "at"]
    stored: list[int] = []

    def rows() -> Any:
        for i in range(5):
            with_run = s.connection().execute(select(func.count()).select_from(IMPORT_RUN)).scalar_one()
            stored.append(with_run)
            yield ("a", f"{i:064d}", f"花名册{i}.xlsx", "张三", AT)

    with db.transaction() as s:
        fast.bulk_insert(s.connection(), IMPORT_RUN, columns, rows())
    assert stored == [0, 0, 2, 2, 4]  # rows 3 and 5 are drawn after the chunk before them went in
    assert [r[2] for r in import_runs(db)] == [f"花名册{i}.xlsx" for i in range(5)]


def test_bulk_insert_fills_the_column_defaults_left_out(db: Database) -> None:
    """`at` has a Python default: the rows take SQLAlchemy's own path, which fills it."""
    before = dt.datetime.now(dt.UTC).replace(tzinfo=None) - dt.timedelta(seconds=1)
    with db.transaction() as s:
        fast.bulk_insert(s.connection(), IMPORT_RUN, ["user", "file_name", "sha256", "layout"],
                         [("李四", "b.xlsx", "0" * 64, "b")])
    ((at, user, *_),) = import_runs(db)
    assert user == "李四" and at >= before


# ---------------------------------------------------------------------------- indexes_dropped
def test_indexes_are_dropped_for_a_large_insert_and_built_again(db: Database) -> None:
    """SQLite drops them inside the block; PostgreSQL keeps them (a DROP would lock out readers)."""
    before = indexes(db)
    assert {"ix_member_id_number_household", "ix_member_name_household"} <= {n for n, _ in before}
    with db.transaction(lock="import") as s:
        conn = s.connection()
        with fast.indexes_dropped(conn, MEMBER, adding=fast.REBUILD_MIN):
            inside = indexes_on(conn)
    assert inside == ([] if db.engine.dialect.name == "sqlite" else before)
    assert indexes(db) == before


def test_indexes_stay_for_a_small_insert(db: Database) -> None:
    before = indexes(db)
    with db.transaction(lock="import") as s:
        conn = s.connection()
        with fast.indexes_dropped(conn, MEMBER, adding=fast.REBUILD_MIN - 1):
            assert indexes_on(conn) == before


def test_indexes_stay_when_the_table_holds_more_than_is_added(county_db: Database,
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(fast, "REBUILD_MIN", 1)
    before = indexes(county_db)
    with county_db.transaction(lock="import") as s:
        conn = s.connection()
        with fast.indexes_dropped(conn, MEMBER, adding=1):
            assert indexes_on(conn) == before


def test_a_failure_while_the_indexes_are_down_rolls_them_back(db: Database) -> None:
    before = indexes(db)
    with pytest.raises(RuntimeError), db.transaction(lock="import") as s:
        conn = s.connection()
        with fast.indexes_dropped(conn, MEMBER, adding=fast.REBUILD_MIN):
            assert indexes_on(conn) == ([] if conn.dialect.name == "sqlite" else before)
            raise RuntimeError("disk full")
    assert indexes(db) == before


# ---------------------------------------------------------------------------- prepare_bulk_write
def test_prepare_bulk_write_widens_sqlite_s_cache(db: Database) -> None:
    with db.transaction(lock="import") as s:
        conn = s.connection()
        fast.prepare_bulk_write(conn)
        if db.engine.dialect.name == "sqlite":
            assert conn.exec_driver_sql("PRAGMA cache_size").scalar() == -fast.BULK_CACHE_KIB


# ---------------------------------------------------------------------------- RawSelect
def test_a_raw_select_runs_again_with_other_bounds(county_db: Database) -> None:
    lo, hi = bindparam("lo"), bindparam("hi")
    stmt = select(Village.id, Village.name, Village.is_poverty_village).where(
        Village.id.between(lo, hi)).order_by(Village.id)
    with county_db.reading() as s:
        expected = [tuple(r) for r in s.execute(stmt, {"lo": 0, "hi": 10**6})]
        ids = [r[0] for r in expected]
        rows = fast.RawSelect(s.connection(), stmt)
        assert len(ids) == 3
        assert [r[:2] for r in rows(lo=0, hi=10**6)] == [r[:2] for r in expected]
        assert [r[0] for r in rows(lo=ids[1], hi=ids[1])] == [ids[1]]
        assert rows(lo=-2, hi=-1) == []
        # booleans come as the driver gives them: 1/0 on SQLite
        assert [bool(r[2]) for r in rows(lo=0, hi=10**6)] == [r[2] for r in expected]


def test_a_raw_select_converts_its_bound_values_as_sqlalchemy_does(db: Database) -> None:
    """A datetime bound matches the stored one on SQLite only through DateTime's bind processor
    (SQLite keeps `2019-10-01 08:30:00.000000`, sqlite3 would send `2019-10-01 08:30:00`)."""
    with db.transaction() as s:
        s.add(ImportRun(at=AT, user="张三", file_name="a.xlsx", sha256="0" * 64, layout="a"))
    stmt = select(ImportRun.user).where(ImportRun.at == bindparam("at", type_=ImportRun.at.type))
    with db.reading() as s:
        assert [tuple(r) for r in fast.raw_rows(s.connection(), stmt, at=AT)] == [("张三",)]
        assert fast.raw_rows(s.connection(), select(ImportRun.user).where(ImportRun.at == AT)) != []


def test_a_raw_select_refuses_values_rendered_at_execution(db: Database) -> None:
    with db.reading() as s, pytest.raises(ValueError, match="in_"):
        fast.RawSelect(s.connection(), select(Village.id).where(Village.id.in_([1, 2])))


def test_a_raw_select_compiled_once_runs_on_another_connection(county_db: Database) -> None:
    stmt = select(Village.id).where(Village.id.between(bindparam("lo"), bindparam("hi"))).order_by(Village.id)
    with county_db.reading() as s:
        compiled = fast.RawSelect(s.connection(), stmt)
        first = [r[0] for r in compiled(lo=0, hi=10**9)]
    with county_db.reading() as s:
        again = compiled.on(s.connection())
        assert again is not compiled and again.sql == compiled.sql
        assert [r[0] for r in again(lo=0, hi=10**9)] == first and first


# ---------------------------------------------------------------------------- new_ids
def test_new_ids_ascend_above_the_highest_and_stay_clear_of_the_sequence(db: Database) -> None:
    from povdesk.db.models import AuditEntry

    table: Table = AuditEntry.__table__  # type: ignore[assignment]
    row = {"at": AT, "user": "u", "action": "a", "subject": None, "detail": None, "prev_hash": "", "hash": ""}
    with db.transaction() as s:
        conn = s.connection()
        assert fast.new_ids(conn, table, 0, after=0) == []
        given = fast.new_ids(conn, table, 3, after=0)
        assert given == sorted(given) and len(set(given)) == 3 and given[0] > 0
        fast.bulk_insert(conn, table, ["id", *row], [(i, *row.values()) for i in given])
        more = fast.new_ids(conn, table, 2, after=given[-1])
        assert more[0] > given[-1] and more == sorted(more)
        conn.execute(table.insert(), [dict(row, id=40)])  # an id given outside the sequence
        assert fast.new_ids(conn, table, 1, after=40)[0] > 40
        conn.execute(table.insert(), [row])  # the id left to the database: no collision
        assert s.scalar(select(func.max(AuditEntry.id))) > 40


def test_first_column_is_the_rows_first_values_with_a_list_rendered_at_execution(county_db: Database) -> None:
    stmt = select(Village.id, Village.name).order_by(Village.name.desc(), Village.id)
    with county_db.reading() as s:
        expected = [r[0] for r in s.execute(stmt)]
        assert fast.first_column(s.connection(), stmt) == expected and len(expected) == 3
        picked = stmt.where(Village.id.in_(expected[1:]))
        assert fast.first_column(s.connection(), picked) == expected[1:]
        assert fast.first_column(s.connection(), stmt.where(Village.id.in_([]))) == []


# ---------------------------------------------------------------------------- json_text
def test_json_text_is_json_dumps_text_byte_for_byte() -> None:
    import json

    values: list[Any] = [
        {}, {"name": "张三", "id_number": "51343719800101123X", "ins_medical": None},
        {"b": True, "c": False, "i": -7, "big": 10**30, "f": 1.5, "e": 1e16, "tiny": 5e-324, "z": -0.0,
         "nan": float("nan"), "inf": float("inf"), "minf": float("-inf"),
         "s": '引号"\\ 斜杠\n\t\x00\u2028 é 😀', "list": [1, "a", None, [2.5]], "nested": {"k": {"x": [True]}}},
        {1: "an int key", 2.5: "a float key", False: "a bool key", None: "no key"},
        ["a list"], "text", 3, None,
    ]
    for value in values:
        assert fast.json_text(value) == (None if value is None else json.dumps(value)), value
    with pytest.raises(TypeError, match="not JSON serializable"):
        fast.json_text({"when": dt.date(2019, 1, 1)})
