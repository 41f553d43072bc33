"""Bulk inserts straight to the driver: the one fast path the services share.

An import of 100,000 members and a check run that opens 200,000 problems both spent more time in
SQLAlchemy's per-row parameter handling than in the insert itself. Here the statement is compiled
once, values are converted by the column types' own bind processors (dates for SQLite, JSON), each
distinct value once, and the rows go to the driver's executemany.
"""

from __future__ import annotations

import operator
from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import Boolean, Table, insert

#: rows handed to the driver at a time
CHUNK = 20_000


def bulk_insert(conn: Any, table: Table, columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> None:
    """Insert `rows` (sequences in the order of `columns`) into `table` on `conn` (a Connection
    inside the caller's transaction)."""
    rows = list(rows)
    if not rows:
        return
    dialect = conn.dialect
    compiled = insert(table).compile(dialect=dialect, column_keys=list(columns))
    names = list(compiled.positiontup or []) if compiled.positional else list(compiled.binds)
    if set(names) != set(columns):  # a column default SQLAlchemy would fill: take the normal path
        conn.execute(insert(table), [dict(zip(columns, r, strict=True)) for r in rows])
        return
    procs: list[tuple[int, Any, dict[Any, Any]]] = []  # (column, its bind processor, memo)
    for k, name in enumerate(columns):
        col_type = table.c[name].type
        if isinstance(col_type, Boolean):  # both sqlite3 and psycopg take Python bools as they are
            continue
        proc = col_type.dialect_impl(dialect).bind_processor(dialect)
        if proc is not None:
            procs.append((k, proc, {}))
    if procs:  # dates and times repeat a lot (every row's timestamp is the same): convert each once
        converted = []
        for r in rows:
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
        rows = converted
    index = {c: i for i, c in enumerate(columns)}
    order = [index[n] for n in names]
    if not compiled.positional:
        params: list[Any] = [dict(zip(columns, r, strict=True)) for r in rows]
    elif order == list(range(len(columns))):
        params = [r if r.__class__ is tuple else tuple(r) for r in rows]
    else:
        getter = operator.itemgetter(*order)
        params = [getter(r) for r in rows]
    for start in range(0, len(params), CHUNK):
        conn.exec_driver_sql(compiled.string, params[start:start + CHUNK])
