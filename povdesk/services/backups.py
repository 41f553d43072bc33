"""Backups, restore and the database's health check (issue 15 §4).

A backup is a consistent copy taken while the window is open (SQLite's online backup API;
`pg_dump` on PostgreSQL), with a manifest beside it: size, SHA-256, schema revision, and the counts
of households, members, problems and change-journal rows (`povdesk.db.backup`).

Automatic backups are taken at the first start of each day (`daily`) and before every import,
migration, month sign-off and package export (`before`, one call in each of those services; the
migration's is `db.migrate.upgrade`'s own). They live in the data folder's `backups/` and are kept
as the newest of each of the last `backup_keep_daily` days and `backup_keep_monthly` months
(settings), every one of today's included. A backup written elsewhere (`--out`) is left alone.

A restore verifies the copy (the manifest's SHA-256, `integrity_check`, its schema; a copy from a
newer povdesk is refused), keeps the current database beside itself
(`NAME.before-restore-STAMP.sqlite`), writes the copy over it and migrates it when it is older.
On PostgreSQL the same from the window or `db restore --replace`: the copy is a `pg_dump` file with
its manifest, the current database is kept as a `pg_dump` in the backups folder
(`DB-STAMP-before-restore.dump`, listed with the others), and `pg_restore` replaces it in one
transaction. Both programs must be on the PATH; `restore_unavailable` says which one is not.

The service's clock (`clock`, default `datetime.now`) dates every backup and decides "the first
start of a day" and what pruning keeps; tests set it instead of waiting for tomorrow.
"""

from __future__ import annotations

import datetime as dt
import logging
import subprocess
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from povdesk import __version__
from povdesk.config import Settings, backups_dir
from povdesk.db import backup as files
from povdesk.db import migrate
from povdesk.domain.roles import DIRECTOR
from povdesk.errors import BadInput, Busy, PovdeskError
from povdesk.services.database import Database

log = logging.getLogger(__name__)

#: reasons of the automatic backups (the migration's is "before-<revision>")
DAILY = "daily"
MANUAL = "manual"
BEFORE_IMPORT = "before-import"
BEFORE_SIGNOFF = "before-signoff"
BEFORE_EXPORT = "before-export"
#: the database as it was, kept by a PostgreSQL restore
BEFORE_RESTORE = "before-restore"


@dataclass(frozen=True)
class BackupRecord:
    """One backup as the list shows it."""

    path: Path
    taken_at: dt.datetime
    reason: str
    size: int
    sha256: str
    schema: str | None
    households: int
    members: int
    problems: int
    change_log: int
    engine: str


@dataclass(frozen=True)
class RestoreResult:
    restored: BackupRecord
    #: the database as it was before the restore, kept beside it
    kept: Path
    #: the copy was older than this povdesk and was migrated after the restore
    migrated: bool


@dataclass(frozen=True)
class HealthCheck:
    """`povdesk db check`: what is wrong, each in both languages; `ok` when nothing is."""

    problems: tuple[tuple[str, str], ...]
    audit_entries: int
    engine: str

    @property
    def ok(self) -> bool:
        return not self.problems

    def message(self, lang: str) -> str:
        zh = lang.startswith("zh")
        if self.ok:
            checked = ("完整性检查、外键检查、审计日志哈希链" if self.engine == "sqlite" else "审计日志哈希链")
            checked_en = ("integrity check, foreign-key check, audit chain" if self.engine == "sqlite"
                          else "audit chain")
            return (f"数据库无误（{checked}；审计日志 {self.audit_entries} 条）。" if zh
                    else f"The database is sound ({checked_en}; {self.audit_entries} audit entries).")
        return "\n".join(z if zh else e for e, z in self.problems)


def _record(copy: files.Copy) -> BackupRecord:
    c = copy.counts
    return BackupRecord(copy.path, copy.taken_at, copy.reason, copy.size, copy.sha256, copy.schema,
                        c.get("households", 0), c.get("members", 0), c.get("problems", 0),
                        c.get("change_log", 0), copy.engine)


def _revision_number(revision: str | None) -> int | None:
    head = (revision or "").split("_", 1)[0]
    return int(head) if head.isdigit() else None


def backup_failed(exc: BaseException, target: Path) -> PovdeskError:
    return PovdeskError("backup.failed",
                        f"The backup to {target} could not be written ({exc}); nothing was changed. "
                        "Check the free space and the rights on the backup folder.",
                        f"无法写入备份“{target}”（{exc}），未做任何更改。请检查备份文件夹的剩余空间和写入权限。")


def pg_dump_missing() -> BadInput:
    return BadInput("backup.no_pg_dump",
                    "This database is on a PostgreSQL server: povdesk backs it up with pg_dump, which is "
                    "not on the PATH of this computer. Install the PostgreSQL client tools (or ask the "
                    "server's administrator to back the database up with pg_dump).",
                    "本数据库在 PostgreSQL 服务器上：povdesk 用 pg_dump 备份，但本机的 PATH 中没有 pg_dump。"
                    "请安装 PostgreSQL 客户端工具（或请服务器管理员用 pg_dump 备份该数据库）。")


def pg_restore_missing() -> BadInput:
    return BadInput("backup.no_pg_restore",
                    "This database is on a PostgreSQL server: povdesk restores it with pg_restore, which is "
                    "not on the PATH of this computer. Install the PostgreSQL client tools (or restore it "
                    "on the server with `povdesk db restore --replace FILE`; see docs/安装.md).",
                    "本数据库在 PostgreSQL 服务器上：povdesk 用 pg_restore 恢复，但本机的 PATH 中没有 pg_restore。"
                    "请安装 PostgreSQL 客户端工具（或在服务器上运行“povdesk db restore --replace 文件”恢复，见 docs/安装.md）。")


def restore_needs_pg_dump() -> BadInput:
    return BadInput("backup.restore_no_pg_dump",
                    "This database is on a PostgreSQL server: before a restore povdesk keeps the current "
                    "database with pg_dump, which is not on the PATH of this computer. Install the "
                    "PostgreSQL client tools; nothing was changed.",
                    "本数据库在 PostgreSQL 服务器上：恢复前 povdesk 要先用 pg_dump 保留当前数据库，但本机的 PATH 中"
                    "没有 pg_dump。请安装 PostgreSQL 客户端工具；未做任何更改。")


def restore_needs_psql(backup: Path, newer: list[str]) -> BadInput:
    return BadInput("backup.restore_no_psql",
                    f"{backup.name} is older than this database's schema, which has tables it does not "
                    f"({', '.join(newer)}): povdesk drops them in the restore's transaction with psql, which is not "
                    "on the PATH of this computer. Install the PostgreSQL client tools; nothing was changed.",
                    f"备份“{backup.name}”早于当前数据库的结构，当前数据库有备份中没有的表（{'、'.join(newer)}）："
                    "povdesk 要用 psql 在恢复的同一事务中删除它们，但本机的 PATH 中没有 psql。"
                    "请安装 PostgreSQL 客户端工具；未做任何更改。")


class BackupService:
    def __init__(self, *, db: Database, folder: Path | None = None,
                 clock: Callable[[], dt.datetime] | None = None) -> None:
        self.db = db
        self._folder = folder
        #: the time a backup is dated with, and whose date is "today" (tests set it)
        self.clock: Callable[[], dt.datetime] = clock or dt.datetime.now

    @property
    def folder(self) -> Path:
        """Where the automatic backups of this database go (the data folder's `backups/`)."""
        if self._folder is not None:
            self._folder.mkdir(parents=True, exist_ok=True)
            return self._folder
        return backups_dir()

    # ------------------------------------------------------------------ taking one
    def backup(self, *, reason: str = MANUAL, out: str | Path | None = None) -> BackupRecord:
        """A backup now, into `out` or the backups folder; the window may stay open."""
        path = self.db.path
        now = self.clock()
        if out is not None:
            target = Path(out)
            self.db.refuse_as_output(target)
        elif path is not None:
            target = self.folder / f"{path.stem}-{files.stamp(now)}-{reason}.sqlite"
        else:
            name = self.db.engine.url.database or "povdesk"
            target = self.folder / f"{name}-{files.stamp(now)}-{reason}.dump"
        started = dt.datetime.now()
        try:
            if path is not None:
                files.copy_sqlite(path, target)
                copy = files.write_manifest(target, reason=reason, source=str(path.resolve()),
                                            engine="sqlite", schema=files.sqlite_revision(target),
                                            counts=files.sqlite_counts(target), app_version=__version__,
                                            taken_at=now)
            else:
                copy = self._pg_backup(target, reason, now)
        except PovdeskError:
            raise
        except (OSError, subprocess.SubprocessError) as exc:
            raise backup_failed(exc, target) from exc
        log.info("backup %s (%s): %d bytes, %d households, %.2f s", target.name, reason, copy.size,
                 copy.counts.get("households", 0), (dt.datetime.now() - started).total_seconds())
        return _record(copy)

    def _pg_backup(self, target: Path, reason: str, now: dt.datetime) -> files.Copy:
        if files.pg_dump_program() is None:
            raise pg_dump_missing()
        counts = files.live_counts(self.db.engine)
        schema = files.live_revision(self.db.engine)
        try:
            files.pg_dump(self.server_url, target)
        except subprocess.CalledProcessError as exc:
            detail = (exc.stderr or b"").decode("utf-8", "replace").strip()[:300]
            raise PovdeskError("backup.pg_dump",
                               f"pg_dump could not back up the database: {detail}",
                               f"pg_dump 无法备份数据库：{detail}") from exc
        return files.write_manifest(target, reason=reason, source=self.db.display_name,
                                    engine="postgresql", schema=schema, counts=counts,
                                    app_version=__version__, taken_at=now)

    @property
    def server_url(self) -> str:
        """The database's URL with its password (`Database.url` masks it), for pg_dump and pg_restore."""
        return self.db.engine.url.render_as_string(hide_password=False)

    def backup_unavailable(self) -> BadInput | None:
        """Why Back up now cannot work here (PostgreSQL without pg_dump), or None."""
        if self.db.path is None and files.pg_dump_program() is None:
            return pg_dump_missing()
        return None

    def restore_unavailable(self) -> BadInput | None:
        """Why a restore cannot run from this computer (PostgreSQL without pg_restore, or without
        the pg_dump that keeps the current database first), or None."""
        if self.db.path is not None:
            return None
        if files.pg_restore_program() is None:
            return pg_restore_missing()
        if files.pg_dump_program() is None:
            return restore_needs_pg_dump()
        return None

    def before(self, reason: str) -> BackupRecord | None:
        """The automatic backup before a job (import, sign-off, export), then the old ones pruned.
        On PostgreSQL only the daily one runs unless the setting `pg_dump_before_jobs` is on; a
        pg_dump missing from the PATH (or failing) is logged as a warning and the
        job goes on: the server's own backups are then the office's."""
        if self.db.path is None:
            if reason != DAILY and not Settings.load().pg_dump_before_jobs:
                return None
            if files.pg_dump_program() is None:
                log.warning("no automatic backup %s: pg_dump is not on the PATH", reason)
                return None
        try:
            record = self.backup(reason=reason)
        except PovdeskError as exc:
            if self.db.path is not None:
                raise  # a SQLite copy that cannot be written: the disk needs a look before the job
            log.warning("no automatic backup %s: %s", reason, exc.en)
            return None
        self.prune()
        return record

    def daily(self, today: dt.date | None = None) -> BackupRecord | None:
        """The first start of a day backs the database up (None: today's is there already)."""
        today = today or self.clock().date()
        if any(r.taken_at.date() == today for r in self.entries()):
            return None
        return self.before(DAILY)

    # ------------------------------------------------------------------ the list
    def entries(self) -> list[BackupRecord]:
        """This database's backups in the backups folder, newest first."""
        source = str(self.db.path.resolve()) if self.db.path is not None else self.db.display_name
        found: list[files.Copy] = []
        for manifest in self.folder.glob("*" + files.MANIFEST_SUFFIX):
            copy_path = manifest.with_name(manifest.name[: -len(files.MANIFEST_SUFFIX)])
            copy = files.read_manifest(copy_path)
            if copy is not None and copy.source == source and copy_path.exists():
                found.append(copy)
        found.sort(key=lambda c: c.taken_at, reverse=True)
        return [_record(c) for c in found]

    def prune(self, today: dt.date | None = None) -> list[Path]:
        """Keep every backup of today, the newest of each of the last `backup_keep_daily` days and
        of the last `backup_keep_monthly` months; delete the others (with their manifests)."""
        settings = Settings.load()
        today = today or self.clock().date()
        records = self.entries()  # newest first
        keep: set[Path] = {r.path for r in records if r.taken_at.date() >= today}
        days: list[dt.date] = []
        months: list[tuple[int, int]] = []
        for r in records:
            day = r.taken_at.date()
            if day not in days:
                days.append(day)
                if len(days) <= settings.backup_keep_daily:
                    keep.add(r.path)
            month = (day.year, day.month)
            if month not in months:
                months.append(month)
                if len(months) <= settings.backup_keep_monthly:
                    keep.add(r.path)
        removed = []
        for r in records:
            if r.path not in keep:
                r.path.unlink(missing_ok=True)
                files.manifest_path(r.path).unlink(missing_ok=True)
                removed.append(r.path)
        if removed:
            log.info("pruned %d old backups", len(removed))
        return removed

    # ------------------------------------------------------------------ restore and check
    def restore(self, backup: str | Path) -> RestoreResult:
        """Restore from the window: a director once the database has logins. The window restarts
        afterwards (its lists hold the old state). On PostgreSQL the current database is kept as a
        pg_dump in the backups folder first (`restore_postgresql` with `replace`, `keep`)."""
        if self.db.has_logins():
            from povdesk.services.users import UserService

            UserService(db=self.db).require(frozenset({DIRECTOR}), "restore a backup", "恢复备份")
        path = self.db.path
        if path is None:
            refused = self.restore_unavailable()
            if refused is not None:
                raise refused
        self.db.engine.dispose()  # no pooled connection of this process keeps the old pages (or locks)
        if path is None:
            pg = restore_postgresql(self.server_url, Path(backup), replace=True, keep=True,
                                    folder=self.folder)
            assert pg.kept is not None  # keep=True: refused before any change without a copy
            result = RestoreResult(pg.restored, pg.kept, pg.migrated)
        else:
            result = restore_file(path, Path(backup), folder=self.folder)
        self.db.invalidate_codebook()
        return result

    def check(self) -> HealthCheck:
        return check_database(self.db)


@dataclass(frozen=True)
class PgRestoreResult:
    restored: BackupRecord
    #: the database as it was (a pg_dump beside the backups), when a non-empty one was replaced
    kept: Path | None
    #: the copy was older than this povdesk and was migrated after the restore
    migrated: bool
    #: the database held tables, dropped and recreated from the backup (`--replace`)
    replaced: bool


def _check_schema(backup: Path, schema: str | None) -> None:
    number, head = _revision_number(schema), _revision_number(migrate.SCHEMA_HEAD)
    if number is None or head is None:
        raise BadInput("backup.not_povdesk",
                       f"{backup.name} is not a povdesk database (no schema revision).",
                       f"“{backup.name}”不是 povdesk 数据库（没有数据库版本号）。")
    if number > head:
        raise BadInput("backup.newer_schema",
                       f"{backup.name} was made by a newer povdesk (schema {schema}; this one knows up to "
                       f"{migrate.SCHEMA_HEAD}). Install that version or newer to restore it; nothing was changed.",
                       f"备份“{backup.name}”由更新版本的 povdesk 生成（数据库版本 {schema}，本程序最高支持 "
                       f"{migrate.SCHEMA_HEAD}）。请安装该版本或更新版本后再恢复；未做任何更改。")


def verify_pg_copy(backup: Path) -> files.Copy:
    """A PostgreSQL backup fit to restore: a `pg_dump --format=custom` file with the manifest
    `db backup` wrote beside it, matching its SHA-256, of a schema not newer than this povdesk's."""
    if not backup.is_file():
        raise BadInput("backup.missing", f"{backup} is not a file.", f"“{backup}”不是文件。")
    if not files.pg_dump_header(backup):
        raise BadInput("backup.not_pg_dump",
                       f"{backup.name} is not a PostgreSQL backup (a pg_dump custom-format file made by "
                       "`povdesk db backup`); a PostgreSQL database cannot be restored from it.",
                       f"“{backup.name}”不是 PostgreSQL 备份（由 povdesk db backup 生成的 pg_dump 自定义格式文件），"
                       "不能用来恢复 PostgreSQL 数据库。")
    manifest = files.read_manifest(backup)
    if manifest is None:
        name = files.manifest_path(backup).name
        raise BadInput("backup.no_manifest",
                       f"{backup.name} has no manifest ({name}) beside it: its integrity and schema cannot be "
                       "verified. Copy the manifest along with the backup.",
                       f"备份“{backup.name}”旁没有清单文件（{name}），无法核对其完整性和数据库版本。请把清单与备份一起复制过来。")
    if files.sha256_of(backup) != manifest.sha256:
        raise BadInput("backup.corrupt",
                       f"{backup.name} does not match its manifest (SHA-256): the file was damaged or "
                       "changed after the backup. Choose another backup.",
                       f"备份“{backup.name}”与其清单中的 SHA-256 不符：文件在备份后已损坏或被改动。请选择其他备份。")
    _check_schema(backup, manifest.schema)
    return manifest


def restore_postgresql(url: str, backup: Path, *, replace: bool = False, keep: bool = False,
                       folder: Path | None = None) -> PgRestoreResult:
    """Restore a `db backup` of PostgreSQL into the database at `url` with pg_restore. Refused
    when pg_restore is not on the PATH, and when the database holds tables unless `replace`: then
    the database as it is goes to a pg_dump in the backups folder first (when pg_dump is there;
    with `keep`, a missing pg_dump refuses the restore before any change) and pg_restore drops and
    recreates the backup's objects (`--clean --if-exists`), all in one transaction. An older backup
    is migrated afterwards. The kept copy's manifest names the database as `Database.display_name`
    does, so the backup page lists it."""
    from povdesk.db.engine import make_engine

    if files.pg_restore_program() is None:
        raise pg_restore_missing()
    copy = verify_pg_copy(backup)
    started = dt.datetime.now()
    engine = make_engine(url)
    url = engine.url.render_as_string(hide_password=False)  # with the password the keyring holds, if any
    try:
        tables = files.live_tables(engine)
        kept: Path | None = None
        if tables and not replace:
            households = files.live_counts(engine).get("households", 0) if "household" in tables else 0
            raise BadInput("backup.restore_not_empty",
                           f"The database {engine.url.database} is not empty ({len(tables)} tables, "
                           f"{households} households); nothing was changed. Restore into an empty database, "
                           "or give --replace to overwrite it (it is backed up with pg_dump first).",
                           f"数据库 {engine.url.database} 不是空的（{len(tables)} 张表，{households} 户），未做任何更改。"
                           "请恢复到空数据库，或加 --replace 覆盖它（覆盖前先用 pg_dump 备份）。")
        if tables and keep and files.pg_dump_program() is None:
            raise restore_needs_pg_dump()
        # a newer schema's tables the backup does not have: dropped in the restore's transaction
        newer = sorted(set(tables) - files.pg_dump_tables(backup)) if tables else []
        if newer and files.psql_program() is None:
            raise restore_needs_psql(backup, newer)
        if tables and files.tables_held(engine, tables):
            raise Busy("backup.restore_busy",
                       f"Another desk is working on the database {engine.url.database} (its tables stayed "
                       f"locked for {files.RESTORE_LOCK_TIMEOUT}); nothing was changed. Close povdesk on the "
                       "other desks and restore again.",
                       f"另一台电脑正在使用数据库 {engine.url.database}（其数据表被占用超过 {files.RESTORE_LOCK_TIMEOUT}），"
                       "未做任何更改。请关闭其他电脑上的 povdesk 后再恢复。")
        if tables and files.pg_dump_program() is not None:
            target = (folder or backups_dir()) / f"{engine.url.database}-{files.stamp()}-before-restore.dump"
            schema, counts = files.live_revision(engine), files.live_counts(engine) if "household" in tables else {}
            files.pg_dump(url, target)
            files.write_manifest(target, reason=BEFORE_RESTORE, source=engine.url.render_as_string(hide_password=True),
                                 engine="postgresql", schema=schema, counts=counts,
                                 app_version=__version__, taken_at=dt.datetime.now())
            kept = target
        engine.dispose()
        try:
            files.pg_restore(url, backup, clean=bool(tables), drop=newer)
        except subprocess.CalledProcessError as exc:
            detail = (exc.stderr or b"").decode("utf-8", "replace").strip()[:300]
            raise PovdeskError("backup.pg_restore",
                               f"pg_restore could not restore {backup.name}; the database is as it was: {detail}",
                               f"pg_restore 无法恢复“{backup.name}”，数据库保持原样：{detail}") from exc
        migrated = _revision_number(copy.schema) != _revision_number(migrate.SCHEMA_HEAD)
        if migrated:
            migrate.upgrade(engine)
    except (OSError, subprocess.SubprocessError) as exc:
        raise backup_failed(exc, kept or backup) from exc
    finally:
        engine.dispose()
    log.info("restored %s into %s (replaced %s, kept %s, migrated %s): %d households, %.2f s", backup.name,
             engine.url.database, bool(tables), kept and kept.name, migrated, copy.counts.get("households", 0),
             (dt.datetime.now() - started).total_seconds())
    return PgRestoreResult(_record(copy), kept, migrated, bool(tables))


def verify_copy(backup: Path) -> files.Copy:
    """A backup fit to restore: it exists, matches its manifest's SHA-256 (when it has one), passes
    `integrity_check`, and its schema is not newer than this povdesk's."""
    if not backup.is_file():
        raise BadInput("backup.missing", f"{backup} is not a file.", f"“{backup}”不是文件。")
    manifest = files.read_manifest(backup)
    if manifest is not None and files.sha256_of(backup) != manifest.sha256:
        raise BadInput("backup.corrupt",
                       f"{backup.name} does not match its manifest (SHA-256): the file was damaged or "
                       "changed after the backup. Choose another backup.",
                       f"备份“{backup.name}”与其清单中的 SHA-256 不符：文件在备份后已损坏或被改动。请选择其他备份。")
    problems = files.sqlite_problems(backup)
    if problems:
        raise BadInput("backup.corrupt",
                       f"{backup.name} is damaged and cannot be restored: {problems[0]}",
                       f"备份“{backup.name}”已损坏，不能恢复：{problems[0]}")
    schema = files.sqlite_revision(backup)
    _check_schema(backup, schema)
    return manifest or files.Copy(backup, dt.datetime.fromtimestamp(backup.stat().st_mtime), MANUAL,
                                  backup.stat().st_size, "", schema, files.sqlite_counts(backup), "",
                                  "sqlite", "")


def restore_file(database: Path, backup: Path, *, folder: Path | None = None) -> RestoreResult:
    """Restore `backup` over the SQLite file `database` (see the module's text). The database need
    not be closed by other desks, but nothing should be working on it."""
    copy = verify_copy(backup)
    if database.exists() and database.resolve() == backup.resolve():
        raise BadInput("backup.same_file", f"{backup} is the database itself.", f"“{backup}”就是数据库本身。")
    started = dt.datetime.now()
    kept = database.with_name(f"{database.stem}.before-restore-{files.stamp()}{database.suffix or '.sqlite'}")
    try:
        if database.exists():
            files.copy_sqlite(database, kept)
        files.restore_sqlite(backup, database)
    except OSError as exc:
        raise backup_failed(exc, kept) from exc
    migrated = _revision_number(copy.schema) != _revision_number(migrate.SCHEMA_HEAD)
    if migrated:
        from povdesk.db.engine import make_engine

        engine = make_engine(database)
        try:
            migrate.upgrade(engine, backups=folder or backups_dir())
        finally:
            engine.dispose()
    log.info("restored %s over %s (kept %s, migrated %s): %d households, %.2f s", backup.name,
             database.name, kept.name, migrated, copy.counts.get("households", 0),
             (dt.datetime.now() - started).total_seconds())
    return RestoreResult(_record(copy), kept, migrated)


def check_file(database: Path) -> list[tuple[str, str]]:
    """SQLite's own checks of a file, without opening it as the application does (a damaged file
    would not open): each problem in English and Chinese."""
    if not database.is_file():
        return [(f"{database} does not exist.", f"“{database}”不存在。")]
    return [(f"{database.name}: {p}", f"数据库“{database.name}”有误：{p}") for p in files.sqlite_problems(database)]


def check_database(db: Database) -> HealthCheck:
    """The file's checks (SQLite) and the audit chain (both engines)."""
    from povdesk.services.audit import AuditService

    path = db.path
    problems = check_file(path) if path is not None else []
    chain = AuditService(db=db).verify()
    if not chain.intact:
        problems.append((chain.message("en"), chain.message("zh")))
    return HealthCheck(tuple(problems), chain.count, "sqlite" if path is not None else "postgresql")


def before(db: Database, reason: str) -> None:
    """The one call an import, a sign-off or a package export makes before it writes."""
    BackupService(db=db, folder=db.backups).before(reason)
