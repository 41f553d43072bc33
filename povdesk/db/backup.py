"""Backup copies of a database and what they hold, below the services: SQLite's online backup API,
the file's own checks (`PRAGMA integrity_check`, `foreign_key_check`), `pg_dump`, and the manifest
written beside each copy (size, SHA-256, schema revision, counts).

A copy is read with the standard library's `sqlite3` (read only), never through an engine: a
backup is a file to look at, not a database the application works on.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import tempfile
from collections.abc import Iterator, Sequence
from contextlib import closing, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, func, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError

from povdesk.db.models import ChangeLog, Household, Member, Problem

#: what a manifest counts, and the table each count is taken from
COUNTED = {"households": "household", "members": "member", "problems": "problem",
           "change_log": "change_log"}
_MODELS: dict[str, Any] = {"households": Household, "members": Member, "problems": Problem,
                           "change_log": ChangeLog}
MANIFEST_SUFFIX = ".json"
#: the manifest's own format; a reader refuses one it does not know
MANIFEST_FORMAT = 1


@dataclass(frozen=True)
class Copy:
    """One backup file with the facts of its manifest."""

    path: Path
    taken_at: dt.datetime
    reason: str
    size: int
    sha256: str
    schema: str | None
    counts: dict[str, int]
    source: str
    engine: str
    app_version: str


def stamp(now: dt.datetime | None = None) -> str:
    return (now or dt.datetime.now()).strftime("%Y%m%d-%H%M%S-%f")


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


@contextmanager
def _read_only(path: Path) -> Iterator[sqlite3.Connection]:
    """A read-only connection to a SQLite file (never creating one that is missing)."""
    conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    try:
        yield conn
    finally:
        conn.close()


def copy_sqlite(source: Path, target: Path) -> None:
    """A consistent copy of `source` into `target` through SQLite's online backup API: safe while
    the window (or another desk) has the database open, WAL included."""
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(target.name + ".part")
    partial.unlink(missing_ok=True)
    with closing(sqlite3.connect(source)) as src, closing(sqlite3.connect(partial)) as dst:
        src.backup(dst)
    os.replace(partial, target)


def restore_sqlite(backup: Path, database: Path) -> None:
    """Write the backup's pages over the database through the backup API (the database's other
    connections see the restored content; its WAL is taken care of by SQLite)."""
    with closing(sqlite3.connect(backup)) as src, closing(sqlite3.connect(database)) as dst:
        src.backup(dst)


def sqlite_revision(path: Path) -> str | None:
    with _read_only(path) as conn:
        try:
            row = conn.execute("SELECT version_num FROM alembic_version").fetchone()
        except sqlite3.OperationalError:  # no alembic_version table: never migrated
            return None
    return str(row[0]) if row else None


def sqlite_counts(path: Path) -> dict[str, int]:
    counts: dict[str, int] = {}
    with _read_only(path) as conn:
        for name, table in COUNTED.items():
            try:
                counts[name] = int(conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0])
            except sqlite3.OperationalError:  # an old schema without that table
                counts[name] = 0
    return counts


def sqlite_problems(path: Path) -> list[str]:
    """What is wrong with a SQLite file: not a database, `integrity_check`'s lines,
    `foreign_key_check`'s rows; empty when it is sound."""
    try:
        with _read_only(path) as conn:
            found = [str(r[0]) for r in conn.execute("PRAGMA integrity_check")]
            problems = [] if found == ["ok"] else [f"integrity_check: {line}" for line in found[:20]]
            for table, rowid, parent, _fk in conn.execute("PRAGMA foreign_key_check").fetchmany(20):
                problems.append(f"foreign_key_check: {table} row {rowid} -> {parent} missing")
            return problems
    except sqlite3.DatabaseError as exc:  # not a database at all, or its header is damaged
        return [f"{type(exc).__name__}: {exc}"]


def live_revision(engine: Engine) -> str | None:
    try:
        with engine.connect() as conn:
            value = conn.execute(text("SELECT version_num FROM alembic_version")).scalar()
    except DBAPIError:  # no alembic_version table yet
        return None
    return None if value is None else str(value)


def live_counts(engine: Engine) -> dict[str, int]:
    with engine.connect() as conn:
        return {name: int(conn.scalar(select(func.count()).select_from(model)) or 0)
                for name, model in _MODELS.items()}


def pg_dump_program() -> str | None:
    return shutil.which("pg_dump")


def pg_dump(url: str, target: Path) -> None:
    """`pg_dump --format=custom` of the database at `url` into `target` (raises CalledProcessError)."""
    program = pg_dump_program()
    if program is None:
        raise FileNotFoundError("pg_dump")
    u = make_url(url)
    env = dict(os.environ)
    if u.password:
        env["PGPASSWORD"] = str(u.password)
    plain = u.set(drivername="postgresql", password=None).render_as_string(hide_password=False)
    # libpq reads the socket folder from "host" in the query string as well
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(target.name + ".part")
    subprocess.run([program, "--format=custom", "--no-owner", f"--file={partial}", f"--dbname={plain}"],
                   check=True, env=env, capture_output=True, timeout=3600)
    os.replace(partial, target)


#: how long a restore waits for the tables another connection holds before it gives up
RESTORE_LOCK_TIMEOUT = "30s"


def tables_held(engine: Engine, tables: list[str]) -> bool:
    """Whether another connection holds the tables (a desk with a transaction open on them): a
    restore's DROPs would wait for it for ever, since pg_restore runs the dump's own
    `SET lock_timeout = 0`. Tries to lock them all, waiting RESTORE_LOCK_TIMEOUT, and lets go."""
    from sqlalchemy.exc import OperationalError

    names = ", ".join(engine.dialect.identifier_preparer.quote(t) for t in tables)
    with engine.connect() as conn:
        try:
            with conn.begin():  # rolled back at the end of the block's work: nothing is changed
                conn.execute(text(f"SET LOCAL lock_timeout = '{RESTORE_LOCK_TIMEOUT}'"))
                conn.execute(text(f"LOCK TABLE {names} IN ACCESS EXCLUSIVE MODE"))
                conn.rollback()
        except OperationalError as exc:
            if getattr(exc.orig, "sqlstate", None) == "55P03":  # lock_not_available
                return True
            raise
    return False


def pg_restore_program() -> str | None:
    return shutil.which("pg_restore")


def _libpq(url: str) -> tuple[str, dict[str, str]]:
    """The URL as libpq reads it (no driver name, the password in PGPASSWORD, not on the command line)."""
    u = make_url(url)
    env = dict(os.environ)
    if u.password:
        env["PGPASSWORD"] = str(u.password)
    return u.set(drivername="postgresql", password=None).render_as_string(hide_password=False), env


def psql_program() -> str | None:
    return shutil.which("psql")


def pg_dump_tables(dump: Path) -> set[str]:
    """The tables a `pg_dump --format=custom` file creates, from its table of contents
    (`pg_restore --list`: lines such as ``215; 1259 16390 TABLE public household povdesk``)."""
    program = pg_restore_program()
    if program is None:
        raise FileNotFoundError("pg_restore")
    listing = subprocess.run([program, "--list", str(dump)], check=True, capture_output=True, timeout=600).stdout
    tables = set()
    for line in listing.decode("utf-8", "replace").splitlines():
        parts = line.split()
        if len(parts) >= 6 and not line.startswith(";") and parts[3] == "TABLE":
            tables.add(parts[5])
    return tables


def pg_restore(url: str, dump: Path, *, clean: bool, drop: Sequence[str] = ()) -> None:
    """`pg_restore` of a `pg_dump --format=custom` file into the database at `url`, in one
    transaction (a failure leaves the database as it was); `clean` drops the dump's objects first
    (`--clean --if-exists`). Raises CalledProcessError.

    `drop`: tables the database holds that the dump does not (a newer schema's, restoring an older
    backup), dropped first in the same transaction; their foreign keys onto the dump's tables
    would stop `--clean`, and a migration afterwards would find them already there. pg_restore
    cannot run a statement of ours inside its transaction, so then it writes the script to a
    temporary file and `psql --single-transaction` runs the DROP and the script together (any
    error rolls both back)."""
    program = pg_restore_program()
    if program is None:
        raise FileNotFoundError("pg_restore")
    plain, env = _libpq(url)
    options = ["--clean", "--if-exists"] if clean else []
    if not drop:
        subprocess.run([program, "--no-owner", "--no-privileges", "--single-transaction", "--exit-on-error",
                        *options, f"--dbname={plain}", str(dump)],
                       check=True, env=env, capture_output=True, timeout=3600)
        return
    psql = psql_program()
    if psql is None:
        raise FileNotFoundError("psql")
    tables = ", ".join('"' + name.replace('"', '""') + '"' for name in drop)
    with tempfile.TemporaryDirectory(prefix="povdesk-restore-") as folder:
        # the whole script first: psql given a script cut short (pg_restore failing half-way through
        # a pipe) would commit the half it read
        script = Path(folder) / "restore.sql"
        subprocess.run([program, "--no-owner", "--no-privileges", *options, f"--file={script}", str(dump)],
                       check=True, env=env, capture_output=True, timeout=3600)
        subprocess.run([psql, "--no-psqlrc", "--quiet", "--single-transaction", "--set=ON_ERROR_STOP=1",
                        f"--dbname={plain}", f"--command=DROP TABLE IF EXISTS {tables} CASCADE", f"--file={script}"],
                       check=True, env=env, capture_output=True, timeout=3600)


def pg_dump_header(dump: Path) -> bool:
    """The file begins as a `pg_dump --format=custom` archive does."""
    with dump.open("rb") as fh:
        return fh.read(5) == b"PGDMP"


def live_tables(engine: Engine) -> list[str]:
    """The tables of the database's current schema (none: the database is empty)."""
    from sqlalchemy import inspect

    return sorted(inspect(engine).get_table_names())


# --------------------------------------------------------------------------- manifests
def manifest_path(copy: Path) -> Path:
    return copy.with_name(copy.name + MANIFEST_SUFFIX)


def write_manifest(copy: Path, *, reason: str, source: str, engine: str, schema: str | None,
                   counts: dict[str, int], app_version: str, taken_at: dt.datetime) -> Copy:
    facts = Copy(copy, taken_at, reason, copy.stat().st_size, sha256_of(copy), schema, counts, source,
                 engine, app_version)
    body = {"format": MANIFEST_FORMAT, "file": copy.name, "taken_at": taken_at.isoformat(),
            "reason": reason, "size": facts.size, "sha256": facts.sha256, "schema": schema,
            "counts": counts, "source": source, "engine": engine, "app_version": app_version}
    target = manifest_path(copy)
    tmp = target.with_name(target.name + ".tmp")
    tmp.write_text(json.dumps(body, ensure_ascii=False, indent=2), encoding="utf-8")
    os.replace(tmp, target)
    return facts


def read_manifest(copy: Path) -> Copy | None:
    """The manifest of a copy; None when it has none or it cannot be read."""
    try:
        raw = json.loads(manifest_path(copy).read_text(encoding="utf-8"))
        if raw.get("format") != MANIFEST_FORMAT:
            return None
        return Copy(copy, dt.datetime.fromisoformat(raw["taken_at"]), str(raw["reason"]), int(raw["size"]),
                    str(raw["sha256"]), raw.get("schema"), {k: int(v) for k, v in raw["counts"].items()},
                    str(raw.get("source", "")), str(raw.get("engine", "sqlite")),
                    str(raw.get("app_version", "")))
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return None


def snapshot_sqlite(source: Path, folder: Path, reason: str, *, app_version: str,
                    now: dt.datetime | None = None) -> Copy:
    """A copy of a SQLite database into `folder` with its manifest: `STEM-STAMP-REASON.sqlite`."""
    taken = now or dt.datetime.now()
    target = folder / f"{source.stem}-{stamp(taken)}-{reason}.sqlite"
    copy_sqlite(source, target)
    return write_manifest(target, reason=reason, source=str(source.resolve()), engine="sqlite",
                          schema=sqlite_revision(target), counts=sqlite_counts(target),
                          app_version=app_version, taken_at=taken)
