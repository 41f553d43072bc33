"""`povdesk db upgrade|info`: schema migrations and what is in a database."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from povdesk.services.database import Database


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("db", help="database maintenance (upgrade, info)")
    actions = p.add_subparsers(dest="db_command", required=True, metavar="ACTION")
    up = actions.add_parser("upgrade", help="bring the database to the newest schema (backs up first)")
    up.set_defaults(run=_upgrade)
    info = actions.add_parser("info", help="print schema revision and record counts")
    info.set_defaults(run=_info)
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
