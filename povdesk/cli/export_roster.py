"""`povdesk export-roster OUT.xlsx`: the registry in the national person-list layout, for the province."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from povdesk.services.database import Database


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("export-roster", help="write the roster in the national person-list layout (.xlsx)")
    p.add_argument("out", metavar="OUT.xlsx", help="workbook to write")
    p.add_argument("--year", type=int, help="year of the income and conditions figures (default: data year)")
    p.set_defaults(run=run)


def run(args: argparse.Namespace, db: Database) -> int:
    from povdesk.services.importer import ImportService

    count = ImportService(db=db).export_roster(args.out, year=args.year)
    zh = args.lang.startswith("zh")
    print(f"已写出 {count} 名成员到 {args.out}" if zh else f"Wrote {count} members to {args.out}")
    return 0
