"""`povdesk check`: run the data-quality catalogue, record problems, print or write them."""

from __future__ import annotations

import argparse
import json
import sys
import unicodedata
from collections import Counter
from collections.abc import Iterable
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from povdesk.domain.resolutions import STATUSES, closing, status_label
from povdesk.errors import BadInput

if TYPE_CHECKING:
    from povdesk.services.database import Database


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("check", help="run the data-quality checks and list the open problems")
    place = p.add_mutually_exclusive_group()
    place.add_argument("--village", metavar="CODE", help="only this village (12-digit code)")
    place.add_argument("--township", metavar="CODE", help="only this township (9-digit code)")
    p.add_argument("--status", choices=(*STATUSES, "all"), default="open",
                   help="which problems to list after the run: open (default), accepted, rectified, "
                        "lapsed (closed by a settings or rule change, data unchanged) or all")
    p.add_argument("--no-run", action="store_true",
                   help="list the problems as the last run left them, without running the checks")
    p.add_argument("--format", choices=("table", "json", "xlsx"), default="table",
                   help="table (default), json, or xlsx (needs --out)")
    p.add_argument("--out", metavar="FILE", help="write to this file instead of the screen "
                                                "(with --split: a folder)")
    p.add_argument("--split", choices=("village", "township"),
                   help="xlsx only: one workbook per village or township in the --out folder")
    p.add_argument("--summary", action="store_true",
                   help="only the counts of the listed problems by rule and by village, no problem rows "
                        "(table or json)")
    p.add_argument("--list-rules", action="store_true",
                   help="list the rule catalogue: each rule's year range and whether it runs on the data "
                        "year (or --year), and why not; runs no checks")
    p.add_argument("--year", type=int, metavar="YEAR", help="with --list-rules or --switch-rule: this data year")
    p.add_argument("--switch-rule", metavar="CODE=on|off",
                   help="run a rule on the data year (or --year), or not: an office setting kept with who "
                        "and why (--reason required)")
    p.add_argument("--reason", help="with --switch-rule: why")
    p.set_defaults(run=run)


def _rules(args: argparse.Namespace, db: Database) -> int:
    from povdesk.services.settings import RuleSwitchService

    rules = RuleSwitchService(db=db)
    zh = args.lang.startswith("zh")
    year = args.year or db.data_year
    if args.switch_rule:
        code, _, state = args.switch_rule.partition("=")
        if state.strip().lower() not in ("on", "off"):
            raise BadInput("input.switch_rule", "--switch-rule takes CODE=on or CODE=off.",
                           "--switch-rule 的格式为 规则代码=on 或 规则代码=off。")
        done = rules.set(code.strip().upper(), year, state.strip().lower() == "on", args.reason or "")
        print(f"{done.rule} {year} 年度{'启用' if done.enabled else '停用'}（{done.changed_by}：{done.reason}）" if zh
              else f"{done.rule} switched {'on' if done.enabled else 'off'} for {year} "
                   f"({done.changed_by}: {done.reason})")
        return 0
    head = ("代码", "级别", "适用年度", f"{year} 年度", "规则") if zh else ("Code", "Severity", "Years", str(year), "Rule")
    print("\t".join(head))
    for r in rules.listing(year, args.lang):
        state = ("运行" if zh else "runs") if r.runs else (f"不运行：{r.not_run}" if zh else f"not run: {r.not_run}")
        if r.switch is not None:
            state += (f"（{r.switch.changed_by}，{r.switch.changed_at:%Y-%m-%d}：{r.switch.reason}）" if zh
                      else f" ({r.switch.changed_by}, {r.switch.changed_at:%Y-%m-%d}: {r.switch.reason})")
        severity = {"error": "错误", "warning": "警告"}.get(r.severity, r.severity) if zh else r.severity
        print("\t".join((r.code, severity, r.years, state, r.title)))
    return 0


def run(args: argparse.Namespace, db: Database) -> int:
    from povdesk.domain.rules.catalogue import catalogue
    from povdesk.services.checks import CheckService, ProblemQuery
    from povdesk.services.users import UserService

    if args.list_rules or args.switch_rule:
        return _rules(args, db)
    zh = args.lang.startswith("zh")
    checks = CheckService(db=db)
    village_id = township_id = None
    if args.village:
        code = args.village.strip()
        village_id = checks.village_id_for_code(code)
        if village_id is None:
            hint = (" (a township code: use --township)", "（这是乡镇代码，请用 --township）") \
                if checks.township_id_for_code(code) is not None else ("", "")
            raise BadInput("input.village", f"No village with code {args.village}{hint[0]}.",
                           f"找不到代码为 {args.village} 的行政村{hint[1]}。")
    if args.township:
        township_id = checks.township_id_for_code(args.township.strip())
        if township_id is None:
            raise BadInput("input.township", f"No township with code {args.township}.",
                           f"找不到代码为 {args.township} 的乡镇。")
    db.refuse_as_output(args.out)
    if args.format == "xlsx" and not args.out:
        raise BadInput("input.out", "--format xlsx needs --out FILE.", "--format xlsx 需要用 --out 指定文件。")
    if args.split and args.format != "xlsx":
        raise BadInput("input.split", "--split works with --format xlsx only.", "--split 只能与 --format xlsx 一起使用。")

    if args.summary and args.format == "xlsx":
        raise BadInput("input.summary", "--summary works with --format table or json.",
                       "--summary 只能与 --format table 或 json 一起使用。")

    result = None if args.no_run else checks.run(village_id=village_id, township_id=township_id)
    # counted in SQL: the problems are listed (or streamed) only when written
    place = ProblemQuery(village_id=village_id, township_id=township_id, status=None)
    listed_query = replace(place, status=None if args.status == "all" else args.status)
    by_status: Counter[str] = Counter()
    by_severity: Counter[str] = Counter()
    by_category: Counter[str] = Counter()
    by_rule: Counter[str] = Counter()
    for (status, severity, category, rule), n in checks.count_problems(
            place, ("status", "severity", "category", "rule")).items():  # one query
        by_status[status] += n
        if status == "open":
            by_severity[severity] += n
            by_category[category] += n
            by_rule[rule] += n
    listed = sum(by_status.values()) if args.status == "all" else by_status.get(args.status, 0)
    summary = {"households_checked": result.households if result else None, "open": by_status.get("open", 0),
               "errors": by_severity.get("error", 0), "warnings": by_severity.get("warning", 0),
               "accepted": by_status.get("accepted", 0), "rectified": by_status.get("rectified", 0),
               "lapsed": by_status.get("lapsed", 0),
               "listed": listed, "status_listed": args.status,
               "opened_this_run": result.opened if result else 0,
               "rectified_this_run": result.rectified if result else 0,
               "by_category": dict(sorted(by_category.items())), "by_rule": dict(sorted(by_rule.items())),
               "seconds": result.seconds if result else 0.0}
    scope = args.village or args.township or ("全县" if zh else "county")
    run_id = result.run_id if result else None

    if args.summary:
        titles = {r.code: r.title(args.lang) for r in catalogue()}
        listed_rules = checks.count_problems(listed_query, "rule")
        by_village = checks.count_problems(listed_query, "village")
        if args.format == "json":
            text = json.dumps({"summary": summary, "by_rule": listed_rules,
                               "by_village": [{"township": t, "village": v, "problems": n}
                                              for (t, v), n in by_village.items()],
                               "run_id": run_id}, ensure_ascii=False, indent=1)
            _emit(text, args.out, zh, listed)
        else:
            _emit("\n".join(_summary_table(listed_rules, by_village, titles, summary, args.lang)), args.out, zh,
                  listed)
        return 0

    names = UserService(db=db).names()  # who closed each problem, by name
    if args.format == "json":
        _emit_json(checks.iter_problem_json(listed_query, lang=args.lang), summary, run_id, args.out, zh)
    elif args.format == "xlsx":
        # (openpyxl, a second to import: only for xlsx)
        from povdesk.reports.problem_lists import write_lists_by, write_problem_list

        titles = {r.code: r.title_zh for r in catalogue()}
        title = "全县" if scope == "county" else scope
        if args.split:
            paths = write_lists_by(args.out, list(checks.iter_problems(listed_query)), level=args.split,
                                   rule_titles=titles, names=names)
            print(f"已写出 {len(paths)} 个问题清单到 {args.out}（其余{_LEVEL_ZH[args.split]}没有所列状态的问题）" if zh
                  else f"Wrote {len(paths)} problem lists to {args.out} (the other {args.split}s have none to list)")
        else:
            by = "township" if village_id is None and township_id is None else "village"
            places = checks.place_names(township_id) if village_id is None else None
            # streamed row by row from the database (a million problems are never held)
            path = write_problem_list(args.out, checks.iter_problems(listed_query), title=f"{title}数据质量问题清单",
                                      rule_titles=titles, summary_by=by, places=places, names=names, count=listed)
            print(f"已写出 {path}（{listed} 个问题）" if zh else f"Wrote {path} ({listed} problems)")
    else:
        problems = list(checks.iter_problems(listed_query))
        _emit("\n".join(_table(problems, summary, args.lang, names)), args.out, zh, len(problems))
    return 0


def _emit_json(problems: Iterable[str], summary: dict[str, Any], run_id: int | None,
               out: str | None, zh: bool) -> None:
    """The problems as JSON, one per line, written as they are read (a county's 200,000 problems
    are never one string), then the summary and the run."""
    def write(f: TextIO) -> int:
        f.write('{"problems": [')
        count = 0
        lines: list[str] = []
        for p in problems:
            lines.append(p)
            count += 1
            if len(lines) == 1000:  # written a thousand lines at a time
                f.write(("\n" if count == len(lines) else ",\n") + ",\n".join(lines))
                lines = []
        if lines:
            f.write(("\n" if count == len(lines) else ",\n") + ",\n".join(lines))
        f.write('\n],\n"summary": ')
        f.write(json.dumps(summary, ensure_ascii=False, indent=1))
        f.write(f',\n"run_id": {json.dumps(run_id)}}}\n')
        return count

    if out:
        Path(out).parent.mkdir(parents=True, exist_ok=True)
        with open(out, "w", encoding="utf-8") as f:
            count = write(f)
        print(f"已写出 {out}（{count} 个问题）" if zh else f"Wrote {out} ({_count(count, 'problem')})")
    else:
        write(sys.stdout)


def _summary_table(by_rule: dict[str, int], by_village: dict[tuple[str, str], int], titles: dict[str, str],
                   summary: dict[str, Any], lang: str) -> list[str]:
    """The listed problems counted by rule and by village, then the summary line."""
    zh = lang.startswith("zh")
    lines: list[str] = []
    for heads, rows in (((("规则", "名称", "问题数") if zh else ("Rule", "Title", "Problems")),
                         [(code, titles.get(code, ""), str(n)) for code, n in by_rule.items()]),
                        ((("乡镇", "行政村", "问题数") if zh else ("Township", "Village", "Problems")),
                         [(t, v, str(n)) for (t, v), n in by_village.items()])):
        widths = [max([_width(h), *(_width(r[i]) for r in rows)]) for i, h in enumerate(heads[:2])]
        lines.append("  ".join([*(_pad(h, w) for h, w in zip(heads, widths, strict=False)), heads[-1]]))
        lines += ["  ".join([*(_pad(c, w) for c, w in zip(r, widths, strict=False)), r[-1]]) for r in rows]
        lines.append("")
    lines.append(_table([], summary, lang, {})[-1])
    return lines


_LEVEL_ZH = {"village": "行政村", "township": "乡镇"}


def _width(text: str) -> int:
    """Columns a terminal gives the text: Chinese characters take two."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def _pad(text: str, width: int) -> str:
    return text + " " * max(0, width - _width(text))


def _table(problems: list[Any], summary: dict[str, Any], lang: str, names: dict[str, str]) -> list[str]:
    zh = lang.startswith("zh")
    heads: tuple[str, ...] = ("规则", "严重程度", "状态", "户编号", "成员", "问题") if zh else \
        ("Rule", "Severity", "Status", "Household", "Member", "Problem")
    rows: list[tuple[str, ...]] = [
        (p.rule, ("错误" if p.severity == "error" else "提醒") if zh else p.severity.capitalize(),
         status_label(p.status, lang), p.household_no, p.member_name or "", p.message(lang))
        for p in problems]
    if any(p.status != "open" for p in problems):  # how, by whom and when each was closed
        heads = (*heads[:-1], "处理情况" if zh else "Resolution", heads[-1])
        rows = [(*r[:-1], closing(p, lang, names) or "-", r[-1]) for r, p in zip(rows, problems, strict=True)]
    widths = [max([_width(h), *(_width(r[i]) for r in rows)]) for i, h in enumerate(heads[:-1])]
    lines = ["  ".join([*(_pad(h, w) for h, w in zip(heads, widths, strict=False)), heads[-1]])]
    lines += ["  ".join([*(_pad(c, w) for c, w in zip(r, widths, strict=False)), r[-1]]) for r in rows]
    n = summary
    ran = n["households_checked"] is not None
    if zh:
        head = f"检查 {n['households_checked']} 户：" if ran else "（未运行检查，按上次检查结果列出）"
        tail = f"；本次新发现 {n['opened_this_run']}，本次已整改 {n['rectified_this_run']}" if ran else ""
        lines.append(f"{head}未整改问题 {n['open']} 个（错误 {n['errors']}，提醒 {n['warnings']}），"
                     f"认定为例外 {n['accepted']} 个，已整改 {n['rectified']} 个，不再适用 {n['lapsed']} 个{tail}。")
    else:
        head = f"Checked {n['households_checked']} households: " if ran else "(not run; as the last run left them) "
        tail = f"; {n['opened_this_run']} new and {n['rectified_this_run']} rectified by this run" if ran else ""
        lines.append(f"{head}{_count(n['open'], 'open problem')} "
                     f"({_count(n['errors'], 'error')}, {_count(n['warnings'], 'warning')}), "
                     f"{n['accepted']} accepted as exceptions, {n['rectified']} rectified, "
                     f"{n['lapsed']} no longer applying{tail}.")
    return lines


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


def _emit(text: str, out: str | None, zh: bool, count: int) -> None:
    if out:
        Path(out).parent.mkdir(parents=True, exist_ok=True)
        Path(out).write_text(text + "\n", encoding="utf-8")
        print(f"已写出 {out}（{count} 个问题）" if zh else f"Wrote {out} ({_count(count, 'problem')})")
    else:
        sys.stdout.write(text + "\n")
