"""`povdesk settings years`: list or change the per-year figures the checks use."""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from typing import TYPE_CHECKING

from povdesk.errors import BadInput, InvalidValue

if TYPE_CHECKING:
    from povdesk.services.database import Database


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("settings", help="per-year settings (exit income line, school ages, reference date)")
    actions = p.add_subparsers(dest="settings_command", required=True, metavar="ACTION")
    years = actions.add_parser("years", help="list the year settings, or change one year with --set")
    years.add_argument("--set", type=int, metavar="YEAR", help="change this year")
    years.add_argument("--exit-line", type=float, metavar="YUAN", help="exit income line per person")
    years.add_argument("--national-line", type=float, metavar="YUAN", help="national poverty line")
    years.add_argument("--exit-incidence", type=float, metavar="PERCENT",
                       help="a poor village may exit at or below this incidence of poverty (%%; 3 in the west)")
    years.add_argument("--school-ages", metavar="FROM-TO", help="compulsory school ages, e.g. 6-15")
    years.add_argument("--reference-date", metavar="YYYY-MM-DD", help="date ages are counted on")
    years.add_argument("--school-age-date", metavar="YYYY-MM-DD",
                       help="date compulsory-school ages are counted on (default 1 September of the year)")
    years.add_argument("--working-ages", metavar="FROM-TO", help="working age, e.g. 16-60 (every rule)")
    years.add_argument("--monitoring-threshold", type=float, metavar="YUAN",
                       help="per-capita income above which a 边缘户 marker needs a risk (5000)")
    years.add_argument("--labour-shortage-share", type=float, metavar="SHARE",
                       help="share of able members that makes 缺劳力 doubtful (0.25)")
    years.add_argument("--post-age-limit", type=int, metavar="AGE",
                       help="age from which a public-welfare post holder is doubtful (70)")
    years.add_argument("--exit-plan", type=int, metavar="HOUSEHOLDS",
                       help="households planned to exit in the year (the dashboard's plan)")
    years.add_argument("--source", metavar="TEXT", help="where the figures come from and how sure they are")
    years.set_defaults(run=run)


def run(args: argparse.Namespace, db: Database) -> int:
    from povdesk.services.settings import YearSettingsService

    service = YearSettingsService(db=db)
    zh = args.lang.startswith("zh")
    figures = (args.exit_line, args.national_line, args.exit_incidence, args.school_ages, args.reference_date, args.source,
               args.school_age_date, args.working_ages, args.monitoring_threshold, args.labour_shortage_share,
               args.post_age_limit, args.exit_plan)
    if args.set is None and any(f is not None for f in figures):
        raise BadInput("input.set", "Say which year to change with --set YEAR.", "请用 --set 年度 指定要修改的年度。")
    if args.set is not None:
        changes: dict[str, object] = {}
        if args.exit_line is not None:
            changes["exit_income_line"] = args.exit_line
        if args.national_line is not None:
            changes["national_line"] = args.national_line
        if args.exit_incidence is not None:
            changes["village_exit_incidence"] = args.exit_incidence
        if args.school_ages:
            changes["school_age_from"], changes["school_age_to"] = _ages("school_ages", args.school_ages, "6-15")
        if args.reference_date:
            changes["reference_date"] = _date("reference_date", args.reference_date)
        if args.school_age_date:
            changes["school_age_date"] = _date("school_age_date", args.school_age_date)
        if args.working_ages:
            changes["working_age_from"], changes["working_age_to"] = _ages("working_ages", args.working_ages, "16-60")
        for option, name in (("monitoring_threshold", "monitoring_income_threshold"),
                             ("labour_shortage_share", "labour_shortage_share"),
                             ("post_age_limit", "public_post_age_limit"),
                             ("exit_plan", "exit_plan_households")):
            if getattr(args, option) is not None:
                changes[name] = getattr(args, option)
        if args.source is not None:
            changes["source"] = args.source
        if not changes:
            raise BadInput("input.nothing", f"--set {args.set} needs at least one figure to change.",
                           f"--set {args.set} 需要至少指定一项要修改的设置。")
        years = sorted(service.by_year())
        try:
            service.update(args.set, **changes)
        except InvalidValue as exc:  # a figure given on the command line: unusable input (exit 2)
            raise BadInput(f"input.{exc.code}", exc.en, exc.zh) from None
        if years and args.set not in years:  # say where the figures not given came from
            base = max((y for y in years if y < args.set), default=years[0])
            print(f"已新建 {args.set} 年度设置，未指定的项沿用 {base} 年的设置。" if zh else
                  f"Created the settings of {args.set}; figures not given are those of {base}.", file=sys.stderr)
    for r in service.list():
        national = "" if r.national_line is None else f"{r.national_line:g}"
        if zh:
            print(f"{r.year}  退出线 {r.exit_income_line:g} 元  国家线 {national} 元  义务教育 {r.school_age_from}-"
                  f"{r.school_age_to} 岁（按 {r.school_date} 计）  劳动年龄 {r.working_age_from}-{r.working_age_to} 岁  "
                  f"监测线 {r.monitoring_income_threshold:g} 元  缺劳力比例 {r.labour_shortage_share:g}  "
                  f"公益岗年龄上限 {r.public_post_age_limit}  基准日 {r.reference_date}  "
                  f"贫困村退出发生率 ≤{r.village_exit_incidence:g}%  {r.source or ''}")
        else:
            print(f"{r.year}  exit line {r.exit_income_line:g}  national {national}  school ages "
                  f"{r.school_age_from}-{r.school_age_to} (on {r.school_date})  working ages "
                  f"{r.working_age_from}-{r.working_age_to}  monitoring {r.monitoring_income_threshold:g}  "
                  f"labour-shortage share {r.labour_shortage_share:g}  post age limit {r.public_post_age_limit}  "
                  f"reference {r.reference_date}  village exit ≤{r.village_exit_incidence:g}%  {r.source or ''}")
    return 0


def _ages(option: str, text: str, example: str) -> tuple[int, int]:
    """FROM-TO of an age option (`--school-ages 6-15`)."""
    flag = "--" + option.replace("_", "-")
    try:
        a, b = (int(x) for x in text.split("-"))
    except ValueError:
        raise BadInput(f"input.{option}", f"{flag} must look like {example}.",
                       f"{flag} 的格式应为 {example}。") from None
    return a, b


def _date(option: str, text: str) -> dt.date:
    """YYYY-MM-DD of a date option (`--reference-date`)."""
    flag = "--" + option.replace("_", "-")
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise BadInput(f"input.{option}", f"{flag} must be YYYY-MM-DD.", f"{flag} 的格式应为 YYYY-MM-DD。") from None
