"""`povdesk changes`: change requests from the command line (issue 11 §6).

    povdesk --db DB --user U changes new TYPE (--household NO | --village CODE) [--member ID_NUMBER]
            [--set KEY=VALUE ...] [--cause CODE_OR_LABEL] [--date YYYY-MM-DD] [--reason TEXT]
            [--evidence FILE ...] [--notice KEY=YYYY-MM-DD ...] [--from-form PD1-…] [--format json]
    povdesk --db DB --user U changes submit|approve|reject ID [--comment TEXT]   (approve: ID [ID ...])
    povdesk --db DB --user U changes return ID --comment TEXT
    povdesk --db DB --user U changes signoff --period YYYY-MM
    povdesk --db DB --user U changes reopen --period YYYY-MM --reason TEXT
    povdesk --db DB changes list [--status S] [--period YYYY-MM] [--format json]
    povdesk --db DB changes show ID [--format json]

The acting user is the global --user. Every refusal (role, maker-checker, stage order, conflict,
failed exit rules, notice period, a value that does not fit) exits 2 with the reason in the --lang
language, and nothing is written.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from povdesk.errors import BadInput, PovdeskError

if TYPE_CHECKING:
    from povdesk.domain.changes import ChangeRequestRecord
    from povdesk.services.database import Database

EXIT_REFUSED = 2


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    from povdesk.domain.changes import STATUSES, TYPES

    p = sub.add_parser("changes", help="change requests: make, submit, review, sign off, list, show",
                       description="Change requests: a clerk makes one, a reviewer approves, returns or "
                                   "rejects it, the director signs off a month. Only an approved request "
                                   "changes the registry.")
    actions = p.add_subparsers(dest="changes_command", metavar="ACTION", required=True)

    new = actions.add_parser("new", help="make a draft change request")
    new.add_argument("type", choices=tuple(TYPES), help="the type of change")
    where = new.add_mutually_exclusive_group()
    where.add_argument("--household", metavar="NO", help="household number")
    where.add_argument("--village", metavar="CODE", help="village code (village-exit)")
    new.add_argument("--member", metavar="ID_NUMBER", help="the member concerned (member fields, member-out)")
    new.add_argument("--new-head", metavar="ID_NUMBER", help="member-out of the head: the new head")
    new.add_argument("--set", dest="sets", metavar="KEY=VALUE", action="append", default=[],
                     help="a data-dictionary field and its new value (code or Chinese label); repeatable")
    new.add_argument("--cause", metavar="CODE_OR_LABEL", help="return cause, reason of increase or decrease")
    new.add_argument("--date", metavar="YYYY-MM-DD", help="date of the event (birth, death, …)")
    new.add_argument("--year", type=int, help="year of an exit or return (default: the data year)")
    new.add_argument("--reason", help="why the change is made")
    new.add_argument("--note", help="free note")
    new.add_argument("--evidence", metavar="FILE", nargs="+", default=[], help="files backing the request")
    new.add_argument("--notice", metavar="KEY=VALUE", action="append", default=[],
                     help="notice record: assessment_date, notice_start, notice_end, township_review_date "
                          "(YYYY-MM-DD) and township_reviewer (a name); repeatable")
    new.add_argument("--from-form", metavar="PD1-…",
                     help="the printed form (its QR code) the correction was written on: the values before "
                          "are those printed, a field changed since printing is marked; --household may be left out")
    new.add_argument("--format", choices=("text", "json"), default="text")

    for name, help_text in (("submit", "submit a draft or returned request for review"),
                            ("approve", "approve a submitted request (applies it to the registry)"),
                            ("reject", "reject a submitted request"),
                            ("return", "return a submitted request to its maker (comment required)")):
        act = actions.add_parser(name, help=help_text)
        if name == "approve":  # several at once: each applied or refused on its own, one re-check
            act.add_argument("id", type=int, nargs="+")
        else:
            act.add_argument("id", type=int)
        act.add_argument("--comment", required=name == "return")
        act.add_argument("--format", choices=("text", "json"), default="text")

    signoff = actions.add_parser("signoff", help="sign off every approved request of a month and close it")
    signoff.add_argument("--period", metavar="YYYY-MM", required=True)
    signoff.add_argument("--format", choices=("text", "json"), default="text")
    reopen = actions.add_parser("reopen", help="reopen a closed month (director, with a reason)")
    reopen.add_argument("--period", metavar="YYYY-MM", required=True)
    reopen.add_argument("--reason", required=True)

    listing = actions.add_parser("list", help="list change requests")
    listing.add_argument("--status", choices=STATUSES)
    listing.add_argument("--period", metavar="YYYY-MM")
    listing.add_argument("--format", choices=("text", "json"), default="text")
    show = actions.add_parser("show", help="show one change request with its history")
    show.add_argument("id", type=int)
    show.add_argument("--format", choices=("text", "json"), default="text")
    p.set_defaults(run=run)


def _pairs(items: list[str], what_en: str, what_zh: str) -> dict[str, str]:
    out: dict[str, str] = {}
    for item in items:
        key, sep, value = item.partition("=")
        if not sep or not key.strip():
            raise BadInput("input.pair", f"{what_en} '{item}' is not KEY=VALUE.", f"{what_zh}“{item}”不是“键=值”的形式。")
        out[key.strip()] = value.strip()
    return out


def run(args: argparse.Namespace, db: Database) -> int:
    try:
        return _run(args, db)
    except PovdeskError as exc:  # a refusal: nothing was written
        print(exc.message(args.lang), file=sys.stderr)
        return EXIT_REFUSED


def _run(args: argparse.Namespace, db: Database) -> int:
    from povdesk.services.changes import ChangeRequestService

    service = ChangeRequestService(db=db)
    zh = args.lang.startswith("zh")
    command = args.changes_command
    if command == "new":
        return _new(service, args, zh)
    if command == "approve" and len(args.id) > 1:
        return _approve_many(service, args, zh)
    if command == "approve":
        args.id = args.id[0]
    if command in ("submit", "approve", "reject", "return"):
        acts = {"submit": service.submit, "approve": service.approve, "reject": service.reject,
                "return": service.return_}
        record = acts[command](args.id, args.comment)
        _say(record, args.format, zh)
        return 0
    if command == "signoff":
        done = service.sign_off(args.period)
        if args.format == "json":
            print(json.dumps({"period": done.period, "signed_off": list(done.request_ids)}, ensure_ascii=False))
        else:
            print(f"{done.period} 已签发 {len(done.request_ids)} 条申请，该月已关闭。" if zh else
                  f"{done.period}: {len(done.request_ids)} request(s) signed off; the month is closed.")
        return 0
    if command == "reopen":
        period = service.reopen(args.period, args.reason)
        print(f"{period.period} 已重新开放。" if zh else f"{period.period} is open again.")
        return 0
    if command == "list":
        rows = service.list(status=args.status, period=args.period)
        if args.format == "json":
            print(json.dumps([_summary(r) for r in rows], ensure_ascii=False, indent=1))
        else:
            for r in rows:
                print(_line(r, zh))
        return 0
    if command == "show":
        record = service.get(args.id)
        if args.format == "json":
            print(json.dumps({"change_id": record.id, **record.as_json()}, ensure_ascii=False, indent=1))
        else:
            _show(record, zh)
        return 0
    raise AssertionError(command)


def _new(service: Any, args: argparse.Namespace, zh: bool) -> int:
    from povdesk.reports.forms import parse_payload

    household = args.household
    if args.from_form:
        key = parse_payload(args.from_form)
        if key is None:
            raise BadInput("input.payload", f"'{args.from_form}' is not the code of a printed form (PD1-…).",
                           f"“{args.from_form}”不是打印表格的编码（PD1-…）。")
        if household and household != key.household_no:
            raise BadInput("input.payload_household",
                           f"The form {args.from_form} is of household {key.household_no}, not {household}.",
                           f"表格 {args.from_form} 属于户 {key.household_no}，而不是 {household}。")
    elif not household and not args.village:
        raise BadInput("input.household", "Name the household (--household NO), the village (--village CODE) "
                       "or the printed form (--from-form PD1-…).",
                       "请指明户（--household 户编号）、村（--village 村代码）或打印表格（--from-form PD1-…）。")
    if args.village:
        raise BadInput("input.village_type", "Village exit requests are not available yet.",
                       "暂不支持贫困村退出申请。")
    evidence: list[tuple[str, bytes]] = []
    for name in args.evidence:
        path = Path(name)
        if not path.is_file():
            raise BadInput("input.evidence_missing", f"The evidence file {name} does not exist.",
                           f"证明材料文件“{name}”不存在。")
        evidence.append((path.name, path.read_bytes()))
    record = service.make(args.type, household_no=household, member=args.member,
                          sets=_pairs(args.sets, "--set", "--set 参数"), cause=args.cause, date=args.date,
                          reason=args.reason, note=args.note, notice=_pairs(args.notice, "--notice", "--notice 参数"),
                          year=args.year, new_head=args.new_head, from_form=args.from_form,
                          evidence=evidence)
    _say(record, args.format, zh)
    return 0


def _approve_many(service: Any, args: argparse.Namespace, zh: bool) -> int:
    """`changes approve ID ID ...`: every request approved or refused on its own; exit 2 when any
    was refused (the others stay approved)."""
    results = service.approve_many(args.id, args.comment)
    if args.format == "json":
        print(json.dumps([{"change_id": r.request_id, "status": r.approved.status} if r.ok else
                          {"change_id": r.request_id, "refused": r.refusal.code,
                           "message": r.refusal.message(args.lang)} for r in results], ensure_ascii=False))
    for r in results:
        if r.ok:
            if args.format != "json":
                _say(r.approved, args.format, zh)
        else:
            print(f"#{r.request_id}: {r.refusal.message(args.lang)}", file=sys.stderr)
    return EXIT_REFUSED if any(not r.ok for r in results) else 0


def _say(record: ChangeRequestRecord, fmt: str, zh: bool) -> None:
    from povdesk.domain.changes import status_label

    if fmt == "json":
        print(json.dumps({"change_id": record.id, "status": record.status}, ensure_ascii=False))
    else:
        print(f"变更申请 #{record.id}：{status_label(record.status)}" if zh else
              f"Change request #{record.id}: {status_label(record.status, 'en').lower()}")


def _summary(r: ChangeRequestRecord) -> dict[str, Any]:
    return {"change_id": r.id, "type": r.type, "status": r.status, "household_no": r.household_no,
            "maker": r.maker, "reviewer": r.reviewer, "signer": r.signer, "period": r.period,
            "fields": len(r.fields), "updated_at": r.updated_at.isoformat(timespec="seconds")}


def _line(r: ChangeRequestRecord, zh: bool) -> str:
    from povdesk.domain.changes import TYPES, status_label

    lang = "zh" if zh else "en"
    return "\t".join(str(x) for x in (f"#{r.id}", TYPES[r.type].label(lang), status_label(r.status, lang),
                                      r.household_no or "", r.maker, r.reviewer or "", r.period or ""))


def _show(r: ChangeRequestRecord, zh: bool) -> None:
    from povdesk.domain import dictionary as dd
    from povdesk.domain.changes import status_label

    lang = "zh" if zh else "en"
    print(_line(r, zh))
    if r.reason:
        print(("原因：" if zh else "Reason: ") + r.reason)
    for f in r.fields:
        try:
            label = dd.field(f.key).label(lang)
        except KeyError:
            label = f.key
        who = f" [{f.member}]" if f.member else ""
        print(f"  {label}{who}: {f.before or ''} → {f.after or ''}")
    for e in r.history:
        comment = f" ({e.comment})" if e.comment else ""
        print(f"  {e.at:%Y-%m-%d %H:%M} {e.user}: {status_label(e.from_status or '', lang) if e.from_status else '-'}"
              f" → {status_label(e.to_status, lang)}{comment}")
