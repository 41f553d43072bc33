"""`povdesk dashboard --out FILE.pdf [--township T | --village V]`: the dashboard as one PDF page."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from povdesk.services.database import Database


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("dashboard", help="write the dashboard (county, township or village) as a one-page PDF")
    p.add_argument("--out", required=True, metavar="FILE.pdf", help="PDF to write (Chinese)")
    place = p.add_mutually_exclusive_group()
    place.add_argument("--township", metavar="CODE_OR_NAME", help="one township instead of the county")
    place.add_argument("--village", metavar="CODE_OR_NAME", help="one village instead of the county")
    p.add_argument("--year", type=int, help="data year of the figures (default: the database's)")
    p.set_defaults(run=run)


def run(args: argparse.Namespace, db: Database) -> int:
    from povdesk.services.dashboard import DashboardService

    service = DashboardService(db=db)
    scope = service.scope_for_codes(township=args.township, village=args.village)
    path = service.export_pdf(args.out, scope, year=args.year)
    board = service.overview(scope, year=args.year)
    zh = args.lang.startswith("zh")
    print(f"已写出{board.name_zh}的数据看板（{board.households:,} 户）到 {path}" if zh else
          f"Wrote the dashboard of {board.name_en} ({board.households:,} households) to {path}")
    return 0
