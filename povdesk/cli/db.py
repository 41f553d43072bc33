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
