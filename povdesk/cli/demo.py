"""`povdesk demo`: build the invented Leibo demo county (with recorded faults) into a database."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from povdesk.services.database import Database


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("demo", help="build a demo county (雷波县, invented villages, recorded faults)")
    p.add_argument("--households", type=int, default=2000, metavar="N", help="households to build (default 2000)")
    p.add_argument("--seed", type=int, default=2019, metavar="S", help="random seed: same seed, same database")
    p.add_argument("--replace", action="store_true",
                   help="clear the registry of a database that already holds households first")
    p.set_defaults(run=_run)


def _run(args: argparse.Namespace, db: Database) -> int:
    from povdesk.demo.service import DemoService
    from povdesk.errors import BadInput

    if args.households < 1:
        raise BadInput("input.households", "--households must be at least 1.", "--households 至少为 1。")
    summary = DemoService(db=db).build(households=args.households, seed=args.seed, replace=args.replace)
    if args.lang.startswith("zh"):
        print(f"已生成演示县（雷波县，村名为虚构，种子 {args.seed}）：{summary.households} 户，"
              f"在册 {summary.current_members} 人（另有自然减少 {summary.members - summary.current_members} 人），"
              f"{summary.villages} 个村，注入错误 {summary.faults} 处，"
              f"用时 {summary.seconds:.1f} 秒。")
    else:
        print(f"Built the demo county (Leibo, invented villages, seed {args.seed}): "
              f"{summary.households} households, {summary.current_members} current members "
              f"(and {summary.members - summary.current_members} naturally decreased), {summary.villages} villages, "
              f"{summary.faults} injected faults, {summary.seconds:.1f} s.")
    return 0
