"""Moving an office to a server (issue 16 §4): `povdesk db copy SRC DST` copies a whole database,
SQLite to PostgreSQL or back.

Every table of the schema but a database's own change counter is copied, parents before children (`Base.metadata.sorted_tables`): the
registry, the change journal, problems and check runs, print batches, users, change requests and
their evidence, the audit log, packages and the office key. Rows keep their ids (a printed form's
code, a request's number and the audit chain's hashes name them), so PostgreSQL's sequences are
set past the highest id afterwards.

The source is read in one snapshot (another desk may go on working); the target is written in one
transaction, which is verified before it commits: each table's row count and checksum (an
order-free SHA-256 sum over every row's values, so SQLite's and PostgreSQL's sort orders do not
matter) must equal the source's, or nothing is kept. A target holding any row is refused.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, Table, func, select, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from povdesk.db import migrate
from povdesk.db import models as _models  # noqa: F401  (every table registered on the metadata)
from povdesk.db.base import Base
from povdesk.db.engine import make_engine, read_snapshot, sqlite_path, to_url
from povdesk.db.fast import bulk_insert
from povdesk.errors import BadInput

#: rows read and written at a time (memory stays flat whatever the county's size)
CHUNK = 5_000
_MODULUS = 1 << 256


@dataclass(frozen=True)
class TableCopy:
    """One table as copied: its rows and the checksum both sides agreed on."""

    name: str
    rows: int
    checksum: str


@dataclass(frozen=True)
class CopyResult:
    source: str
    target: str
    tables: tuple[TableCopy, ...]

    @property
    def rows(self) -> int:
        return sum(t.rows for t in self.tables)


def _value(v: Any) -> str:
    """A value as the same text on both engines (the drivers' types already agree)."""
    if v is None:
        return "\x00"
    if isinstance(v, bool):
        return "T" if v else "F"
    if isinstance(v, bytes | bytearray | memoryview):
        return "x" + bytes(v).hex()
    if isinstance(v, datetime | date):
        return v.isoformat()
    if isinstance(v, float):
        return repr(v)
    return str(v)


class _Sum:
    """Count and order-free checksum of a table's rows."""

    def __init__(self) -> None:
        self.rows = 0
        self.total = 0

    def add(self, rows: Iterable[Sequence[Any]]) -> None:
        for row in rows:
            line = "\x1f".join(_value(v) for v in row).encode("utf-8", "surrogatepass")
            self.total = (self.total + int.from_bytes(hashlib.sha256(line).digest(), "big")) % _MODULUS
            self.rows += 1

    @property
    def checksum(self) -> str:
        return f"{self.total:064x}"


#: a database's own bookkeeping, not the office's data: each database keeps its own row (the
#: change counter other windows on the same SQLite file poll, `services.notify`)
LOCAL_TABLES = frozenset({"change_counter"})


def tables() -> list[Table]:
    """The schema's tables that hold the office's data, each after the tables it refers to."""
    return [t for t in Base.metadata.sorted_tables if t.name not in LOCAL_TABLES]


def _chunks(session: Session, table: Table) -> Iterator[list[Sequence[Any]]]:
    result = session.execute(select(*table.c).execution_options(yield_per=CHUNK))
    for part in result.partitions(CHUNK):
        yield [tuple(r) for r in part]


def table_sums(session: Session) -> dict[str, tuple[int, str]]:
    """Each table's (rows, checksum): what `copy_database` verifies; also for a later comparison."""
    out: dict[str, tuple[int, str]] = {}
    for table in tables():
        total = _Sum()
        for rows in _chunks(session, table):
            total.add(rows)
        out[table.name] = (total.rows, total.checksum)
    return out


def _refuse(en: str, zh: str) -> BadInput:
    return BadInput("input.copy", en, zh)


def _name(engine: Engine) -> str:
    path = sqlite_path(str(engine.url))
    return str(path) if path is not None else engine.url.render_as_string(hide_password=True)


def _open_source(source: str | Path) -> Engine:
    url = to_url(source)
    path = sqlite_path(url)
    if path is not None and not path.is_file():
        raise _refuse(f"{source} does not exist: nothing to copy.", f"“{source}”不存在，没有可复制的数据。")
    engine = make_engine(url)
    try:
        revision = migrate.current_revision(engine)
    except DBAPIError as exc:
        engine.dispose()
        raise _refuse(f"Cannot read {_name(engine)}: {exc.orig}", f"无法读取“{_name(engine)}”：{exc.orig}") from exc
    if revision != migrate.SCHEMA_HEAD:
        engine.dispose()
        raise _refuse(f"{_name(engine)} is at schema revision {revision}, not {migrate.SCHEMA_HEAD}: open it "
                      "with this version of povdesk first (povdesk --db SRC db upgrade), then copy it.",
                      f"“{_name(engine)}”的数据库版本为 {revision}，不是 {migrate.SCHEMA_HEAD}：请先用本版本的 "
                      "povdesk 打开并升级（povdesk --db 源 db upgrade），再复制。")
    return engine


def _prepare_target(target: str | Path) -> Engine:
    """The target migrated to the schema; refused when it holds any row (or another schema)."""
    engine = make_engine(to_url(target))
    try:
        revision = None if migrate.is_empty(engine) else migrate.current_revision(engine)
        if not migrate.is_empty(engine) and revision != migrate.SCHEMA_HEAD:
            raise _refuse(f"{_name(engine)} already holds tables (schema {revision}): copy into an empty "
                          "database only.",
                          f"“{_name(engine)}”中已有数据表（版本 {revision}）：只能复制到空数据库。")
        migrate.upgrade(engine)
        with Session(engine) as s:
            for table in tables():
                count = s.scalar(select(func.count()).select_from(table)) or 0
                if count:
                    raise _refuse(f"{_name(engine)} is not empty: table {table.name} holds {count} rows. "
                                  "Copy into a new, empty database; nothing was changed.",
                                  f"“{_name(engine)}”不是空数据库：表 {table.name} 中已有 {count} 行。"
                                  "请复制到新建的空数据库；未做任何更改。")
    except BaseException:
        engine.dispose()
        raise
    return engine


def _fix_sequences(s: Session) -> None:
    """Ids were copied as they are: PostgreSQL's sequences must learn where they stand."""
    if s.get_bind().dialect.name != "postgresql":
        return
    for table in tables():
        if [c.name for c in table.primary_key] != ["id"]:
            continue
        s.execute(text(f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "
                       f"COALESCE((SELECT MAX(id) FROM {table.name}), 0) + 1, false) "
                       f"WHERE pg_get_serial_sequence('{table.name}', 'id') IS NOT NULL"))


def copy_database(source: str | Path, target: str | Path, *,
                  progress: Callable[[str, int], None] | None = None) -> CopyResult:
    """Copy every table of `source` into the empty database `target` and verify it (see the module).
    `progress(table, rows)` after each table is written."""
    if to_url(source) == to_url(target):
        raise _refuse("The source and the target are the same database.", "源数据库与目标数据库相同。")
    src = _open_source(source)
    try:
        dst = _prepare_target(target)
        try:
            return _copy(src, dst, progress)
        finally:
            dst.dispose()
    finally:
        src.dispose()


def _copy(src: Engine, dst: Engine, progress: Callable[[str, int], None] | None) -> CopyResult:
    done: list[TableCopy] = []
    with Session(src) as reader, Session(dst) as writer, writer.begin():
        read_snapshot(reader)
        conn = writer.connection()
        for table in tables():
            names = [c.name for c in table.c]
            total = _Sum()
            for rows in _chunks(reader, table):
                total.add(rows)
                bulk_insert(conn, table, names, rows)
            done.append(TableCopy(table.name, total.rows, total.checksum))
            if progress is not None:
                progress(table.name, total.rows)
        writer.flush()
        _fix_sequences(writer)
        copied = table_sums(writer)
        wrong = [t.name for t in done if copied[t.name] != (t.rows, t.checksum)]
        if wrong:
            raise _refuse(f"The copy of {', '.join(wrong)} does not match the source; nothing was kept.",
                          f"表 {'、'.join(wrong)} 的副本与源数据不一致，已全部撤销。")
    return CopyResult(_name(src), _name(dst), tuple(done))
