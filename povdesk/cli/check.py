"""`povdesk check`: run the data-quality catalogue, record problems, print or write them."""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from pathlib import Path
from typing import Any

from povdesk.errors import BadInput


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser("check", help="run the data-quality checks and list the open problems")
    p.add_argument("--village", metavar="CODE", help="only this village (12-digit code)")
    p.add_argument("--format", choices=("table", "json", "xlsx"), default="table",
                   help="table (default), json, or xlsx (needs --out)")
    p.add_argument("--out", metavar="FILE", help="write to this file instead of the screen "
                                                "(with --split: a folder)")
    p.add_argument("--split", choices=("village", "township"),
                   help="xlsx only: one workbook per village or township in the --out folder")
    p.set_defaults(run=run)


def _problem_json(p: Any, lang: str) -> dict[str, Any]:
    return {"rule": p.rule, "category": p.category, "severity": p.severity,
            "household_no": p.household_no, "id_number": p.id_number, "member_name": p.member_name,
            "fields": list(p.fields), "message": p.message(lang), "message_zh": p.message_zh,
            "message_en": p.message_en, "status": p.status, "township": p.township, "village": p.village}


def run(args: argparse.Namespace, db) -> int:  # type: ignore[no-untyped-def]
    from povdesk.domain.rules.catalogue import catalogue
    from povdesk.reports.problem_lists import write_lists_by, write_problem_list
    from povdesk.services.checks import CheckService, ProblemQuery

    zh = args.lang.startswith("zh")
    checks = CheckService(db=db)
    village_id = None
    if args.village:
        village_id = checks.village_id_for_code(args.village.strip())
        if village_id is None:
            raise BadInput("input.village", f"No village with code {args.village}.",
                           f"找不到代码为 {args.village} 的行政村。")
    if args.format == "xlsx" and not args.out:
        raise BadInput("input.out", "--format xlsx needs --out FILE.", "--format xlsx 需要用 --out 指定文件。")
    if args.split and args.format != "xlsx":
        raise BadInput("input.split", "--split works with --format xlsx only.", "--split 只能与 --format xlsx 一起使用。")

    result = checks.run(village_id=village_id)
    problems = checks.problems(ProblemQuery(village_id=village_id))
    by_severity = Counter(p.severity for p in problems)
    summary = {"households_checked": result.households, "open": len(problems),
               "errors": by_severity.get("error", 0), "warnings": by_severity.get("warning", 0),
               "opened_this_run": result.opened, "rectified_this_run": result.rectified,
               "by_category": dict(sorted(Counter(p.category for p in problems).items())),
               "by_rule": dict(sorted(Counter(p.rule for p in problems).items())),
               "seconds": result.seconds}

    if args.format == "json":
        text = json.dumps({"problems": [_problem_json(p, args.lang) for p in problems], "summary": summary,
                           "run_id": result.run_id}, ensure_ascii=False, indent=1)
        _emit(text, args.out)
    elif args.format == "xlsx":
        titles = {r.code: r.title_zh for r in catalogue()}
        heads = checks.head_names(p.household_id for p in problems)
        scope = args.village or "全县"
        if args.split:
            paths = write_lists_by(args.out, problems, level=args.split, heads=heads, rule_titles=titles)
            print(f"已写出 {len(paths)} 个问题清单到 {args.out}" if zh
                   else f"Wrote {len(paths)} problem lists to {args.out}")
        else:
            path = write_problem_list(args.out, problems, title=f"{scope}数据质量问题清单", heads=heads,
                                      rule_titles=titles)
            print(f"已写出 {path}（{len(problems)} 个问题）" if zh else f"Wrote {path} ({len(problems)} problems)")
    else:
        lines = []
        for p in problems:
            sev = ("错误" if p.severity == "error" else "提醒") if zh else p.severity
            who = f" {p.member_name}" if p.member_name else ""
            lines.append(f"{p.rule:<12} {sev:<7} {p.household_no}{who}  {p.message(args.lang)}")
        if zh:
            lines.append(f"检查 {result.households} 户：未整改问题 {len(problems)} 个（错误 {summary['errors']}，"
                         f"提醒 {summary['warnings']}）；本次新发现 {result.opened}，本次已整改 {result.rectified}。")
        else:
            lines.append(f"Checked {result.households} households: {len(problems)} open problems "
                         f"({summary['errors']} errors, {summary['warnings']} warnings); "
                         f"{result.opened} new, {result.rectified} rectified by this run.")
        _emit("\n".join(lines), args.out)
    return 0


def _emit(text: str, out: str | None) -> None:
    if out:
        Path(out).parent.mkdir(parents=True, exist_ok=True)
        Path(out).write_text(text + "\n", encoding="utf-8")
    else:
        sys.stdout.write(text + "\n")
