"""`povdesk db upgrade|info|backup|restore|check`: schema migrations, what is in a database, its
backups and its health (`services/backups.py`)."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from povdesk.services.database import Database


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("db", help="database maintenance (upgrade, info, backup, restore, check)")
    actions = p.add_subparsers(dest="db_command", required=True, metavar="ACTION")
    up = actions.add_parser("upgrade", help="bring the database to the newest schema (backs up first)")
    up.set_defaults(run=_upgrade)
    info = actions.add_parser("info", help="print schema revision and record counts")
    info.set_defaults(run=_info)
    backup = actions.add_parser("backup", help="back the database up now (the window may stay open)")
    backup.add_argument("--out", metavar="FILE",
                        help="where to write the copy (default: the data folder's backups/)")
    backup.set_defaults(run=_backup)
    restore = actions.add_parser("restore", help="restore a backup over the database (kept beside it first)")
    restore.add_argument("file", metavar="FILE", help="the backup to restore")
    restore.add_argument("--replace", action="store_true",
                         help="PostgreSQL: restore over a database that is not empty (pg_restore --clean; "
                              "it is backed up with pg_dump first)")
    restore.set_defaults(run=_restore, needs_db=False)
    check = actions.add_parser("check", help="integrity and foreign-key checks and the audit chain "
                                             "(exit 1 names the problem)")
    check.set_defaults(run=_check, needs_db=False)
    _register_copy(actions)

def _upgrade(args: argparse.Namespace, db: Database) -> int:
    # Opening the database already migrated it (and wrote the backup when it was behind).
    from povdesk.services.maintenance import MaintenanceService

    status = MaintenanceService(db=db).status()
    zh = args.lang.startswith("zh")
    if db.backup_written:
        print(f"已备份到 {db.backup_written}" if zh else f"Backed up to {db.backup_written}")
    print(f"数据库已是最新版本 {status.revision}" if zh else f"Database is at revision {status.revision}")
    return 0

def _info(args: argparse.Namespace, db: Database) -> int:
    from povdesk.services.maintenance import MaintenanceService

    status = MaintenanceService(db=db).status()
    print(f"url: {status.url}\nrevision: {status.revision}")
    for name, count in status.counts.items():
        print(f"{name}: {count}")
    return 0


def _backup(args: argparse.Namespace, db: Database) -> int:
    from povdesk.services.backups import BackupService

    r = BackupService(db=db).backup(out=args.out)
    if args.lang.startswith("zh"):
        print(f"已备份到 {r.path}：{r.size:,} 字节，{r.households} 户，{r.members} 人，问题 {r.problems} 条，"
              f"变更日志 {r.change_log} 条，数据库版本 {r.schema}，SHA-256 {r.sha256}")
    else:
        print(f"Backed up to {r.path}: {r.size:,} bytes, {r.households} households, {r.members} members, "
              f"{r.problems} problems, {r.change_log} journal rows, schema {r.schema}, SHA-256 {r.sha256}")
    return 0


def _target(args: argparse.Namespace) -> str:
    from povdesk.config import default_database_path

    return str(args.db or default_database_path())


def _restore(args: argparse.Namespace, db: None) -> int:
    from pathlib import Path

    from povdesk.services.backups import restore_file, restore_postgresql

    target = _target(args)
    zh = args.lang.startswith("zh")
    if "://" in target:
        p = restore_postgresql(target, Path(args.file), replace=args.replace)
        kept_zh = (f"原数据库已用 pg_dump 备份为 {p.kept}" if p.kept else
                   "原数据库已被覆盖（本机没有 pg_dump，未能先备份）" if p.replaced else "原数据库为空")
        kept_en = (f"The database as it was is backed up as {p.kept}" if p.kept else
                   "The database was overwritten (no pg_dump here to back it up first)" if p.replaced
                   else "The database was empty")
        if zh:
            print(f"已用 pg_restore 从 {args.file} 恢复（{p.restored.households} 户，数据库版本 {p.restored.schema}"
                  f"{'，已升级到最新版本' if p.migrated else ''}）。{kept_zh}。")
        else:
            print(f"Restored from {args.file} with pg_restore ({p.restored.households} households, schema "
                  f"{p.restored.schema}{', upgraded to the newest' if p.migrated else ''}). {kept_en}.")
        return 0
    r = restore_file(Path(target), Path(args.file))
    if zh:
        print(f"已从 {args.file} 恢复（{r.restored.households} 户，数据库版本 {r.restored.schema}"
              f"{'，已升级到最新版本' if r.migrated else ''}）。原数据库保留为 {r.kept}")
    else:
        print(f"Restored from {args.file} ({r.restored.households} households, schema {r.restored.schema}"
              f"{', upgraded to the newest' if r.migrated else ''}). The database as it was is kept as {r.kept}")
    return 0


def _check(args: argparse.Namespace, db: None) -> int:
    import sys
    from pathlib import Path

    from povdesk.cli import open_database
    from povdesk.services.backups import check_database, check_file

    target = _target(args)
    zh = args.lang.startswith("zh")
    if "://" not in target:  # the file first: a damaged one would not open
        problems = check_file(Path(target))
        if problems:
            for en, cn in problems:
                print(cn if zh else en, file=sys.stderr)
            return 1
    opened = open_database(args)
    try:
        result = check_database(opened)
    finally:
        opened.close()
    print(result.message(args.lang), file=sys.stdout if result.ok else sys.stderr)
    return 0 if result.ok else 1
# ------------------------------------------------------------------ db copy (issue 16 §4)
def _register_copy(actions: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    copy = actions.add_parser("copy", help="copy a whole database into a new, empty one (SQLite to "
                                           "PostgreSQL or back), verified table by table")
    copy.add_argument("source", metavar="SRC", help="database file or URL to copy from")
    copy.add_argument("target", metavar="DST", help="empty database file or URL to copy into "
                                                    "(postgresql+psycopg://user@host/db)")
    copy.set_defaults(run=_copy, needs_db=False)


def _copy(args: argparse.Namespace, _db: Database | None) -> int:
    from povdesk.services.copy import copy_database

    zh = args.lang.startswith("zh")
    result = copy_database(args.source, args.target,
                           progress=lambda name, rows: print(f"{name}: {rows}", flush=True))
    print(f"已复制 {result.rows} 行到 {result.target}，各表行数和校验和均与源一致。" if zh else
          f"Copied {result.rows} rows into {result.target}; every table's row count and checksum "
          "verified against the source.")
    return 0
