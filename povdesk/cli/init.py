"""`povdesk init`: set up a real county headless (the first run's "set up my county")."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("init", help="set up a new database for a real county and its first director")
    p.add_argument("--county", required=True, metavar="CODE", help="the county's 6-digit code (GB/T 2260)")
    p.add_argument("--name", default="", help="the county's name, e.g. 雷波县")
    p.add_argument("--prefecture", default="", help="the prefecture's name, e.g. 凉山彝族自治州")
    p.add_argument("--province", default="", help="the province's name, e.g. 四川省")
    p.add_argument("--township", action="append", default=[], metavar="CODE:NAME",
                   help="a township (repeat; or leave them to the first roster's import)")
    p.add_argument("--townships-from", metavar="FILE",
                   help="read the townships (codes and names) from a provincial roster of this county")
    p.add_argument("--data-folder", metavar="DIR",
                   help="where the database goes (default: this machine's povdesk data folder)")
    p.add_argument("--director", required=True, metavar="LOGIN", help="the first director's login")
    p.add_argument("--password-stdin", action="store_true",
                   help="read the director's password from the first line of standard input")
    p.set_defaults(run=run, needs_db=False)


def run(args: argparse.Namespace, db: None) -> int:
    from povdesk.config import Settings, machine_data_dir
    from povdesk.errors import BadInput
    from povdesk.services.county_setup import (
        parse_township,
        plan_of,
        set_up_county,
        townships_from_roster,
    )
    from povdesk.services.database import Database

    townships = [parse_township(t, args.county.strip()) for t in args.township]
    if args.townships_from:
        townships += townships_from_roster(args.townships_from, args.county)
    plan = plan_of(args.county, args.name, args.prefecture, args.province, townships)
    if not args.password_stdin:
        raise BadInput("input.password", "Give the director's password with --password-stdin.",
                       "请用 --password-stdin 给出签发人的密码。")
    password = sys.stdin.readline().rstrip("\r\n")
    target = args.db or str(Path(args.data_folder or machine_data_dir()) / f"county-{plan.code}.sqlite")
    database = Database.open(target, user=args.director)
    try:
        result = set_up_county(database, plan, director=args.director, password=password)
    finally:
        database.close()
    settings = Settings.load()
    from dataclasses import replace

    replace(settings, database=str(target)).save()
    if args.lang.startswith("zh"):
        print(f"已设置 {plan.province}{plan.prefecture}{result.county_name}（{result.county_code}），"
              f"{result.townships} 个乡镇，签发人 {result.director}。数据库：{target}")
    else:
        print(f"Set up {result.county_name} ({result.county_code}) with {result.townships} townships and "
              f"the director {result.director}. Database: {target}")
    return 0
