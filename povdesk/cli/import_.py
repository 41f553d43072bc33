"""`povdesk import FILE`: take in the provincial roster (or preview it with --dry-run)."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from povdesk.services.database import Database
    from povdesk.services.importer import ImportResult

EXIT_OK = 0
EXIT_NOTHING_IMPORTED = 2


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("import", help="import the provincial roster (.xlsx or .csv)",
                       description="Import the national/provincial roster (person list or household "
                                   "list) into the database, in one transaction.")
    p.add_argument("file", metavar="FILE", help="roster file (.xlsx, .xls or .csv in UTF-8 or GBK)")
    p.add_argument("--dry-run", action="store_true", help="show what would change; write nothing")
    p.add_argument("--report", metavar="OUT.xlsx",
                   help="write a copy of the file with faulty cells highlighted and a message column")
    p.add_argument("--format", choices=("text", "json"), default="text", help="output format")
    p.set_defaults(run=run)


def run(args: argparse.Namespace, db: Database) -> int:
    from povdesk.errors import PovdeskError
    from povdesk.services.importer import ImportService

    service = ImportService(db=db)
    lang = args.lang
    db.refuse_as_output(args.report, inputs=(args.file,))  # before the import, never after it
    try:
        result = service.run(args.file, dry_run=args.dry_run)
    except PovdeskError as exc:
        if args.report:
            service.write_error_report(args.file, args.report)
        if args.format == "json":
            print(json.dumps({"ok": False, "error": {
                "code": exc.code, "message": exc.message(lang), "message_zh": exc.zh,
                "message_en": exc.en, "file": exc.where.file, "row": exc.where.row,
                "column": exc.where.column}}, ensure_ascii=False))
        raise
    if args.report:
        service.write_error_report(args.file, args.report, result)
    if args.format == "json":
        print(json.dumps({"ok": True, **result.to_json(lang)}, ensure_ascii=False, indent=1))
    else:
        _print_text(result, lang, args.report)
    return EXIT_OK if result.imported_anything else EXIT_NOTHING_IMPORTED


def _print_text(result: ImportResult, lang: str, report: str | None) -> None:
    zh = lang.startswith("zh")
    out = sys.stdout
    if zh:
        head = "预览（未写入数据库）" if result.dry_run else "导入完成"
        print(f"{head}：{result.file}（{'按人' if result.layout == 'person' else '按户'}格式，"
              f"{result.data_rows} 行，年度 {result.year}）", file=out)
        print(f"  新增户 {result.households_new}，新增人 {result.members_new}，"
              f"变更字段 {result.fields_changed}（涉及 {result.households_changed} 户），"
              f"无变化户 {result.households_unchanged}", file=out)
        print(f"  整户跳过 {len(result.households_skipped)} 户，格式错误 {len(result.errors)} 处，"
              f"提示 {len(result.notices)} 处", file=out)
    else:
        head = "Preview (nothing written)" if result.dry_run else "Imported"
        print(f"{head}: {result.file} ({result.layout} layout, {result.data_rows} rows, year {result.year})",
              file=out)
        print(f"  new households {result.households_new}, new members {result.members_new}, "
              f"changed fields {result.fields_changed} (in {result.households_changed} "
              f"household{'' if result.households_changed == 1 else 's'}), "
              f"unchanged households {result.households_unchanged}", file=out)
        print(f"  skipped households {len(result.households_skipped)}, format errors {len(result.errors)}, "
              f"notices {len(result.notices)}", file=out)
    n_id = len(result.identity_changes)
    if n_id:  # a changed ID number is a change of identity: not imported, sent to a reviewer
        if zh:
            verb = "将送审核" if result.dry_run else "已送审核"
            print(f"  身份证号变更 {n_id} 处{verb}（未直接导入，由审核人在变更申请中确认）", file=out)
        else:
            verb = "will be sent" if result.dry_run else "sent"
            print(f"  identity changes {verb} for review: {n_id} (changed ID numbers are not imported; "
                  "a reviewer confirms each change request)", file=out)
        for c in result.identity_changes[:50]:
            print(f"    {c.household_no} {c.member or ''}: {c.old} → {c.new}", file=out)
    notice = result.cleared_notice(lang)
    if notice:  # blank cells clear what the database holds: say so before anyone imports for real
        print(f"  注意：{notice}" if zh else f"  note: {notice}", file=out)
    for e in result.errors[:50]:
        where = (f"第 {e.row} 行" if zh else f"row {e.row}") + (f" [{e.column}]" if e.column else "")
        print(f"  {where} {e.household_no or ''}: {e.message(lang)}", file=out)
    if len(result.errors) > 50:
        print(f"  …（另有 {len(result.errors) - 50} 处）" if zh else f"  … ({len(result.errors) - 50} more)",
              file=out)
    for n in result.notices[:50]:  # imported, but changed on the way: the clerk should know
        where = (f"第 {n.row} 行" if zh else f"row {n.row}") + (f" [{n.column}]" if n.column else "")
        print(f"  {'提示' if zh else 'notice'} {where} {n.household_no or ''}: {n.message(lang)}", file=out)
    if len(result.notices) > 50:
        print(f"  …（另有 {len(result.notices) - 50} 条提示）" if zh else
              f"  … ({len(result.notices) - 50} more notices)", file=out)
    for m in result.missing_members[:50]:
        print((f"  待核实：户 {m.household_no} 的成员 {m.name} 不在新文件中（未删除）" if zh else
               f"  to review: member {m.name} of household {m.household_no} is not in the file (kept)"),
              file=out)
    for p in result.places_created:
        extra = ("（代码为临时生成）" if zh else " (placeholder code)") if p.placeholder_code else ""
        print((f"  新建{ {'county': '县', 'township': '乡镇', 'village': '村'}[p.level] }：{p.name} {p.code}{extra}"
               if zh else f"  created {p.level}: {p.name} {p.code}{extra}"), file=out)
    if result.unknown_columns:
        cols = "、".join(result.unknown_columns) if zh else ", ".join(result.unknown_columns)
        print(f"  未识别的列（未导入）：{cols}" if zh else f"  unknown columns (not imported): {cols}", file=out)
    if report:
        print(f"  错误报告：{Path(report)}" if zh else f"  error report: {Path(report)}", file=out)

