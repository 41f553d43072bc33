"""`povdesk forms`: print comparison tables for home visits, and find a printed form from its QR code."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING

from povdesk.errors import BadInput
from povdesk.reports.forms import as_text

if TYPE_CHECKING:
    from povdesk.services.database import Database
    from povdesk.services.printing import PrintService


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser(
        "forms", help="print household comparison tables (PDF, optional Excel); `forms lookup CODE` "
                      "finds a printed form from its QR code",
        description="Print the comparison tables (基础信息与帮扶措施对照表) of the chosen households "
                    "into one PDF, recorded as a print batch. `povdesk forms lookup PAYLOAD` shows "
                    "the form exactly as printed from the text its QR code carries.")
    p.add_argument("action", nargs="?", choices=("print", "lookup"), default="print",
                   help="print (default) or lookup")
    p.add_argument("payload", nargs="?", help="for lookup: the QR text, e.g. PD1-B3-H51343720420100001-V2")
    p.add_argument("--township", metavar="CODE", help="township code (9 digits)")
    p.add_argument("--village", metavar="CODE", help="village code (12 digits)")
    p.add_argument("--group", metavar="NAME", help="villager group (自然村) name")
    p.add_argument("--status", metavar="CODE", help="poverty status code or label (未脱贫, 已脱贫, …)")
    p.add_argument("--open-problems", action="store_true", help="only households with open problems")
    p.add_argument("--households", metavar="NO,...", help="household numbers, comma-separated")
    p.add_argument("--sample", metavar="PCT", type=float, help="reproducible random sample of PCT per cent")
    p.add_argument("--seed", type=int, help="seed of the sample (logged with the batch)")
    p.add_argument("--out", metavar="FILE.pdf", help="PDF to write")
    p.add_argument("--xlsx", metavar="FILE.xlsx", help="also write the tables as an Excel workbook")
    mask = p.add_mutually_exclusive_group()
    mask.add_argument("--mask-ids", dest="mask_ids", action="store_true", default=None,
                      help="partly mask ID numbers (default: the setting mask_id_on_print)")
    mask.add_argument("--full-ids", dest="mask_ids", action="store_false", help="print ID numbers in full")
    p.add_argument("--json", action="store_true", help="lookup: print the stored snapshot as JSON")
    p.set_defaults(run=run)


def run(args: argparse.Namespace, db: Database) -> int:
    from povdesk.services.printing import PrintSelection, PrintService

    zh = args.lang.startswith("zh")
    service = PrintService(db=db)
    if args.action == "lookup":
        if not args.payload:
            raise BadInput("input.payload_missing", "Give the QR text to look up.", "请给出要查询的二维码内容。")
        return _lookup(service, args.payload, zh=zh, as_json=args.json)
    if args.payload:
        raise BadInput("input.unexpected", f"Unexpected argument '{args.payload}'.", f"多余的参数“{args.payload}”。")
    if not args.out:
        raise BadInput("input.out_missing", "Give the PDF to write with --out FILE.pdf.",
                       "请用 --out 文件.pdf 指定输出的 PDF 文件。")
    if args.seed is not None and args.sample is None:
        raise BadInput("input.seed_without_sample", "--seed only goes with --sample.",
                       "--seed 只能与 --sample 一起使用。")
    status = None
    if args.status:
        status = db.codebook()["poverty_status"].code_for(args.status)
        if status is None:
            raise BadInput("input.status", f"Unknown poverty status '{args.status}'.",
                           f"未知的脱贫状态“{args.status}”。")
    numbers = tuple(n.strip() for n in (args.households or "").replace("，", ",").split(",") if n.strip())
    selection = PrintSelection(township=args.township, village=args.village, group_name=args.group,
                               status=status, open_problems_only=args.open_problems,
                               household_nos=numbers, sample_pct=args.sample, seed=args.seed)
    progress = _progress_printer(zh) if args.verbose else None
    result = service.print_batch(selection, pdf=args.out, xlsx=args.xlsx, mask_ids=args.mask_ids,
                                 progress=progress)
    if zh:
        print(f"打印批次 {result.batch_id}：共 {result.households} 户 {result.pages} 页，已写入 {result.pdf}")
        if result.xlsx:
            print(f"Excel：{result.xlsx}")
        if result.seed is not None:
            print(f"抽样种子：{result.seed}")
    else:
        print(f"Print batch {result.batch_id}: {result.households} households, {result.pages} pages, "
              f"written to {result.pdf}")
        if result.xlsx:
            print(f"Excel: {result.xlsx}")
        if result.seed is not None:
            print(f"Sample seed: {result.seed}")
    return 0


def _lookup(service: PrintService, payload: str, *, zh: bool, as_json: bool) -> int:
    snap = service.find_snapshot(payload)
    if as_json:
        print(json.dumps(snap.form.snapshot(), ensure_ascii=False, indent=1))
        return 0
    changed = snap.changed_since
    if zh:
        print(f"打印批次 {snap.batch_id}，{snap.printed_at:%Y-%m-%d %H:%M} (UTC) 由 {snap.printed_by} 打印")
        print(f"户编号 {snap.household_no}，表单编号 {snap.serial}，打印时记录版本 {snap.version}"
              + (f"，现为版本 {snap.current_version}（打印后已修改）" if changed else "（此后未修改）"))
    else:
        print(f"Print batch {snap.batch_id}, printed {snap.printed_at:%Y-%m-%d %H:%M} (UTC) by {snap.printed_by}")
        print(f"Household {snap.household_no}, form {snap.serial}, record version {snap.version} when printed"
              + (f", now version {snap.current_version} (changed since)" if changed else " (unchanged since)"))
    print(as_text(snap.form))
    return 0


def _progress_printer(zh: bool) -> Callable[[int, int], None]:
    def show(done: int, total: int) -> None:
        if total and (done == total or done % 100 == 0):
            print(f"{'进度' if zh else 'progress'} {done}/{total}", file=sys.stderr)

    return show
