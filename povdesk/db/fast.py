"""The raw-driver fast paths, in one place: what the services do below SQLAlchemy's usual handling.

An import of 100,000 members, a check run that opens 200,000 problems and a check run reading a
whole county each spent more time in SQLAlchemy's per-row work than in the database. The services
call these few functions, named for what they do; how each goes to the driver is kept here:

* `bulk_insert(conn, table, columns, rows)`: the statement compiled once, values converted by the
  column types' own bind processors (each distinct value once), rows to the driver's executemany;
* `indexes_dropped(conn, table, adding=n)`: SQLite's secondary indexes dropped around a large
  insert into a table that holds fewer rows than it gets, and built again after it, inside the
  open transaction;
* `prepare_bulk_write(conn)`: SQLite's page cache widened for a write of that size;
* `new_ids(conn, table, n, after=)`: ids for `n` rows inserted with their id given (rows whose
  content depends on their own id, the audit log's hash chain);
* `RawSelect(conn, stmt)` / `raw_rows(conn, stmt)`: a select compiled once and run on the driver's
  cursor, its rows as the driver returns them (no result processing: booleans may be 1/0 and
  dates ISO text on SQLite).

Each works on SQLite and PostgreSQL (tests/db/test_fast.py runs in both passes) and inside the
caller's transaction: `conn` is the Connection of the caller's session (`session.connection()`).
"""

from __future__ import annotations

import contextlib
import copy
import itertools
import json
import operator
from collections.abc import Callable, Collection, Iterable, Iterator, Sequence
from typing import Any

from sqlalchemy import Boolean, Column, Connection, Select, Table, func, insert, select, text

#: rows handed to the driver at a time
CHUNK = 20_000
#: fewest new rows for which a table's indexes are dropped and built again around the insert
REBUILD_MIN = 5_000
#: SQLite page cache (KiB, as a negative cache_size) for a bulk write: room for the indexes of
#: 100,000 new rows (the engine's default for every connection is 64 MiB)
BULK_CACHE_KIB = 131_072


def bulk_insert(conn: Connection, table: Table, columns: Sequence[str],
                rows: Iterable[Sequence[Any]], *, ready: Collection[str] = ()) -> None:
    """Insert `rows` (sequences in the order of `columns`) into `table` on `conn` (a Connection
    inside the caller's transaction). `ready`: columns whose values the caller gives as the
    driver takes them (`driver_value`, `json_text`): not converted row by row.

    `rows` is taken `CHUNK` rows at a time, converted and handed to the driver: a generator of
    600,000 rows is never held whole, nor a converted copy of it."""
    pending = iter(rows)
    first = list(itertools.islice(pending, CHUNK))
    if not first:
        return

    def chunks() -> Iterator[list[Sequence[Any]]]:
        chunk: list[Sequence[Any]] = first
        while chunk:
            yield chunk
            chunk = list(itertools.islice(pending, CHUNK))

    dialect = conn.dialect
    stmt = insert(table)
    compiled = stmt.compile(dialect=dialect, column_keys=list(columns))
    names = list(compiled.positiontup or []) if compiled.positional else list(compiled.binds)
    if set(names) != set(columns):  # a column default SQLAlchemy would fill: take the normal path
        for chunk in chunks():
            conn.execute(stmt, [dict(zip(columns, r, strict=True)) for r in chunk])
        return
    procs: list[tuple[int, Callable[[Any], Any], dict[Any, Any]]] = []
    for k, name in enumerate(columns):
        col_type = table.c[name].type
        if isinstance(col_type, Boolean) or name in ready:  # (sqlite3 and psycopg take Python bools)
            continue
        convert = col_type.dialect_impl(dialect).bind_processor(dialect)
        if convert is not None:
            procs.append((k, convert, {}))
    index = {c: i for i, c in enumerate(columns)}
    order = [index[n] for n in names]
    getter = operator.itemgetter(*order) if order != list(range(len(columns))) else None
    for rows_ in chunks():
        if procs:  # dates and times repeat a lot (every row's timestamp is the same): convert each once
            converted: list[Sequence[Any]] = []
            for r in rows_:
                out = list(r)
                for i, proc, memo in procs:
                    value = out[i]
                    if value is not None:
                        try:
                            hit = memo.get(value)
                            if hit is None:
                                hit = memo[value] = proc(value)
                        except TypeError:  # unhashable (a JSON value): converted every time
                            hit = proc(value)
                        out[i] = hit
                converted.append(tuple(out))
            rows_ = converted
        params: list[Any]
        if not compiled.positional:
            params = [dict(zip(columns, r, strict=True)) for r in rows_]
        elif getter is None:
            params = [r if r.__class__ is tuple else tuple(r) for r in rows_]
        else:
            params = [getter(r) for r in rows_]
        conn.exec_driver_sql(compiled.string, params)


def driver_value(conn: Connection, column: Column[Any], value: Any) -> Any:
    """`value` of `column` as its type's bind processor gives it to the driver (for a `ready`
    column of `bulk_insert` whose rows all hold the same value, converted once)."""
    dialect = conn.dialect
    convert = column.type.dialect_impl(dialect).bind_processor(dialect)
    return value if value is None or convert is None else convert(value)


def json_text(value: Any) -> str | None:
    """A JSON column's value as the driver takes it (the text the engine's default serializer,
    `json.dumps`, makes; both dialects cast the bound text to JSON).

    A dict goes straight to the C encoder `json.dumps` itself uses, made once: `json.dumps` builds
    that encoder again on every call, which was most of the cost of half a million problems'
    values. The text is the same, byte for byte (tests/db/test_fast.py); only the check for a
    dict that contains itself is left out (a run's values are flat)."""
    if value is None:
        return None
    if value.__class__ is dict and _ENCODE is not None:
        return "".join(_ENCODE(value, 0))
    return json.dumps(value)


def _dict_encoder() -> Callable[[Any, int], Any] | None:
    """`json.dumps`' own C encoder with its default settings (None where the C module is missing)."""
    from json import encoder

    make = getattr(encoder, "c_make_encoder", None)
    if make is None:  # pragma: no cover - CPython has it
        return None
    default = json.JSONEncoder()
    return make(None, default.default, encoder.encode_basestring_ascii, None, default.key_separator,
                default.item_separator, False, False, True)  # sort_keys, skipkeys, allow_nan as dumps'


_ENCODE = _dict_encoder()


@contextlib.contextmanager
def indexes_dropped(conn: Connection, table: Table, *, adding: int) -> Iterator[None]:
    """SQLite: `table`'s secondary indexes dropped for a bulk insert of `adding` rows made inside
    the block, and built again after it.

    Sorting 100,000 keys once is cheaper than 100,000 random B-tree inserts (member: 0.98 s ->
    0.61 s, the rebuild included). Done only for at least `REBUILD_MIN` rows, when at least as
    many rows are added as the table holds, and only inside an open write transaction, so a
    rollback (cancel, crash, error) restores the indexes with everything else; the statements
    recreated are the database's own. PostgreSQL keeps its indexes: there DROP INDEX would lock
    the table against the other workstations' reads until the import commits.
    """
    if adding < REBUILD_MIN or conn.dialect.name != "sqlite":
        yield
        return
    raw = conn.connection.dbapi_connection
    existing = conn.execute(select(func.count()).select_from(table)).scalar_one()
    if not getattr(raw, "in_transaction", False) or existing > adding:
        yield
        return
    indexes = conn.exec_driver_sql(
        "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = ? AND sql IS NOT NULL",
        (table.name,)).all()
    for index_name, _sql in indexes:
        conn.exec_driver_sql(f'DROP INDEX "{index_name}"')
    yield
    for _name, sql in indexes:
        conn.exec_driver_sql(sql)


def prepare_bulk_write(conn: Connection) -> None:
    """SQLite: a page cache with room for the indexes of a large write (100,000 new rows), for the
    rest of this connection's life. PostgreSQL: nothing (the server sizes its own buffers)."""
    if conn.dialect.name == "sqlite":
        conn.exec_driver_sql(f"PRAGMA cache_size = -{BULK_CACHE_KIB}")


def new_ids(conn: Connection, table: Table, n: int, *, after: int) -> list[int]:
    """`n` ascending ids above `after` (the table's highest id, read by the caller under the lock
    that keeps other writers of the table out) for rows the caller inserts with their id given.
    SQLite: `after + 1` onwards. PostgreSQL: taken from the id column's sequence in one statement,
    so an insert that leaves its id to the sequence never collides with them."""
    if n <= 0:
        return []
    if conn.dialect.name != "postgresql":
        return list(range(after + 1, after + n + 1))
    (pk,) = table.primary_key.columns
    got = sorted(conn.execute(
        text("SELECT nextval(pg_get_serial_sequence(:table, :column)) FROM generate_series(1, :n)"),
        {"table": table.name, "column": pk.name, "n": n}).scalars())
    if got[0] <= after:  # ids given outside the sequence: move it past them and take again
        conn.execute(text("SELECT setval(pg_get_serial_sequence(:table, :column), :after)"),
                     {"table": table.name, "column": pk.name, "after": after})
        return new_ids(conn, table, n, after=after)
    return got


class RawSelect:
    """A select compiled once and run on the driver's cursor as often as wanted, each time with
    its own values of the statement's named `bindparam`s, its rows straight from the driver.

    The check engine reads a whole county one chunk of households after another; skipping the
    per-value result processing halves the load. Rows are the driver's tuples: booleans may arrive
    as 1/0 and dates as ISO text (SQLite); the caller takes both. The values bound are converted
    by their types' bind processors, as SQLAlchemy would.
    """

    def __init__(self, conn: Connection, stmt: Select[*tuple[Any, ...]]) -> None:
        self.conn = conn
        dialect = conn.dialect
        self.compiled = compiled = stmt.compile(dialect=dialect)
        if compiled.post_compile_params or compiled.literal_execute_params:
            raise ValueError("a raw select takes plain bound parameters; `col.in_([...])` (values "
                             "rendered at execution) needs conn.execute, or a subquery")
        self.sql = compiled.string
        self.order = compiled.positiontup
        procs = {}
        for bind, name in compiled.bind_names.items():
            proc = bind.type.dialect_impl(dialect).bind_processor(dialect)
            if proc is not None:
                procs[name] = proc
        self.procs = procs

    def on(self, conn: Connection) -> RawSelect:
        """The same compiled select, run on another connection of the same database (a service
        compiles a select once and runs it in each of its transactions)."""
        if conn.dialect.name != self.conn.dialect.name:
            raise ValueError(f"compiled for {self.conn.dialect.name}, not {conn.dialect.name}")
        other = copy.copy(self)
        other.conn = conn
        return other

    def __call__(self, **bounds: Any) -> Sequence[Any]:
        """The rows, with `bounds` for the statement's `bindparam`s (`lo=1, hi=2000`)."""
        params = self.compiled.construct_params(bounds)
        for name, proc in self.procs.items():
            value = params.get(name)
            if value is not None:
                params[name] = proc(value)
        args: Any = tuple(params[k] for k in self.order) if self.order is not None else params
        cursor = self.conn.connection.cursor()  # the DBAPI connection of the caller's transaction
        try:
            cursor.execute(self.sql, args)
            return cursor.fetchall()
        finally:
            cursor.close()


def raw_rows(conn: Connection, stmt: Select[*tuple[Any, ...]], **bounds: Any) -> Sequence[Any]:
    """`stmt`'s rows straight from the driver, once (see `RawSelect`)."""
    return RawSelect(conn, stmt)(**bounds)


def first_column(conn: Connection, stmt: Select[*tuple[Any, ...]]) -> list[Any]:
    """The first column of `stmt`'s rows: compiled through SQLAlchemy's statement cache (values
    rendered at execution, `col.in_([...])`, allowed), fetched straight from the driver without a
    row object each (a whole county's ordered ids in a third of the time). Values as the driver
    gives them (see `RawSelect`)."""
    result = conn.execute(stmt)
    try:
        return [r[0] for r in result.cursor.fetchall()]
    finally:
        result.close()
