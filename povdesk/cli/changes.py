"""`povdesk changes`: change requests from the command line (issue 11 §6).

    povdesk --db DB --user U changes new TYPE (--household NO | --village CODE) [--member ID_NUMBER]
            [--set KEY=VALUE ...] [--cause CODE_OR_LABEL] [--date YYYY-MM-DD] [--reason TEXT]
            [--evidence FILE ...] [--notice KEY=YYYY-MM-DD ...] [--from-form PD1-…] [--format json]
    povdesk --db DB --user U changes new new-household --village CODE --from-file FILE.json [--notice ...]
    povdesk --db DB --user U changes new village-exit --village CODE [--year Y] [--notice ...]
    povdesk --db DB --user U changes import-forms FILLED.xlsx [--format json]
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
#: fields a request sets that are not data-dictionary fields: (Chinese, English)
_OTHER_LABELS = {"village.exit_year": ("贫困村退出年度", "Village exit year"),
                 "household.active": ("在册", "Active"), "household.cancel_reason": ("销户原因", "Cancel reason"),
                 "household.cancel_date": ("销户日期", "Cancel date")}


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    from povdesk.domain.changes import NEW_HOUSEHOLD_SHAPE, STATUSES, TYPES

    p = sub.add_parser("changes", help="change requests: make, submit, review, sign off, list, show",
                       description="Change requests: a clerk makes one, a reviewer approves, returns or "
                                   "rejects it, the director signs off a month. Only an approved request "
                                   "changes the registry.")
    actions = p.add_subparsers(dest="changes_command", metavar="ACTION", required=True)

    new = actions.add_parser(
        "new", help="make a draft change request", formatter_class=argparse.RawDescriptionHelpFormatter,
        description="Make a draft change request. TYPE is one of: "
                    + ", ".join(f"{code} ({t.zh})" for code, t in TYPES.items()) + ".",
        epilog="new-household (新识别) reads the household and all its members from --from-file FILE.json\n"
               "(UTF-8): an object with \"household\" (data-dictionary keys household.*) and \"members\" (a list,\n"
               "one object of member.* keys per member, exactly one with relation 户主). Values are codes or\n"
               "Chinese labels as for --set. Mandatory: household.attribute, household.main_cause, and per\n"
               "member name, ID number, relation, ethnicity, health (sex and birth date come from the ID\n"
               "number; the head's name and number, the size, status 未脱贫 and the first identified year are\n"
               "filled in). household.household_no may be given (digits, the county's length, unused);\n"
               "otherwise the village's next free number is allocated when the request is made.\n"
               "Example:\n" + NEW_HOUSEHOLD_SHAPE + "\n\n"
               "village-exit (贫困村退出) takes --village CODE and --year Y (default: the data year); it is\n"
               "refused while the village's incidence of poverty is above the year's threshold.")
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
    new.add_argument("--from-file", metavar="FILE.json",
                     help="new-household: the household and its members (see below for the shape)")
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
    forms = actions.add_parser(
        "import-forms", help="filled comparison-table workbooks (forms --xlsx) as draft correction requests",
        description="Read a comparison-table workbook written by `forms --xlsx` whose correction column "
                    "(核实情况/更正) was filled in the office: one draft correction request per household "
                    "with any filled correction, its values before as printed. In a household's facts a "
                    "correction cell holds the new value; in a member row it holds 字段：值 pairs separated "
                    "by ；(e.g. 文化程度：初中；联系电话：13900000000); other tables' notes go to the "
                    "request's note. Nothing is written when any cell is wrong. A household whose form was "
                    "already imported from a workbook is skipped (its request is named).")
    forms.add_argument("file", metavar="FILLED.xlsx")
    forms.add_argument("--format", choices=("text", "json"), default="text")
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
    if command == "import-forms":
        return _import_forms(service, args, zh)
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
    evidence: list[tuple[str, bytes]] = []
    for name in args.evidence:
        path = Path(name)
        if not path.is_file():
            raise BadInput("input.evidence_missing", f"The evidence file {name} does not exist.",
                           f"证明材料文件“{name}”不存在。")
        evidence.append((path.name, path.read_bytes()))
    notice = _pairs(args.notice, "--notice", "--notice 参数")
    if args.type in ("new-household", "village-exit"):
        if not args.village:
            raise BadInput("input.village", f"{args.type} needs the village (--village CODE).",
                           f"{args.type} 须指明村（--village 村代码）。")
        extra: dict[str, Any] = {}
        if args.type == "new-household":
            extra = _household_file(args.from_file)
        elif args.from_file:
            raise BadInput("input.from_file", "--from-file is for new-household only.",
                           "--from-file 仅用于新识别（new-household）。")
        record = service.make(args.type, village_code=args.village, year=args.year, reason=args.reason,
                              note=args.note, notice=notice, evidence=evidence, **extra)
        _say(record, args.format, zh)
        return 0
    if args.village:
        raise BadInput("input.village_type", f"{args.type} is made on a household (--household NO), not a village.",
                       f"{args.type} 应指明户（--household 户编号），而不是村。")
    if args.from_file:
        raise BadInput("input.from_file", "--from-file is for new-household only.",
                       "--from-file 仅用于新识别（new-household）。")
    record = service.make(args.type, household_no=household, member=args.member,
                          sets=_pairs(args.sets, "--set", "--set 参数"), cause=args.cause, date=args.date,
                          reason=args.reason, note=args.note, notice=notice,
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
def _household_file(name: str | None) -> dict[str, Any]:
    """`household` and `members` of a new-household file (the shape in `changes new --help`)."""
    if not name:
        raise BadInput("input.from_file", "new-household needs its household and members (--from-file FILE.json).",
                       "新识别须用 --from-file FILE.json 提供户及成员信息。")
    path = Path(name)
    if not path.is_file():
        raise BadInput("input.from_file", f"The file {name} does not exist.", f"文件“{name}”不存在。")
    try:
        data = json.loads(path.read_text(encoding="utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise BadInput("input.from_file", f"{name} is not a UTF-8 JSON file: {exc}.",
                       f"“{name}”不是 UTF-8 编码的 JSON 文件：{exc}。") from None
    if not isinstance(data, dict) or not isinstance(data.get("members"), list) or not isinstance(
            data.get("household", {}), dict) or set(data) - {"household", "members"}:
        raise BadInput("input.from_file",
                       f"{name} must be an object with \"household\" {{key: value}} and \"members\" [{{key: value}}, …] "
                       "(see `povdesk changes new --help`).",
                       f"“{name}”应为含 \"household\"（字段: 值）和 \"members\"（成员列表）的对象"
                       "（见 povdesk changes new --help）。")
    return {"household": data.get("household", {}), "members": data["members"]}


def _import_forms(service: Any, args: argparse.Namespace, zh: bool) -> int:
    result = service.import_forms(args.file)
    if args.format == "json":
        print(json.dumps(result.as_json(), ensure_ascii=False, indent=1))
        return 0
    for h in result.created:
        print(f"户 {h.household_no}：变更申请 #{h.change_id}（{h.fields} 项更正）" if zh else
              f"household {h.household_no}: change request #{h.change_id} ({h.fields} correction(s))")
    for h in result.skipped:
        print(f"户 {h.household_no}：已导入为变更申请 #{h.change_id}，跳过" if zh else
              f"household {h.household_no}: already imported as change request #{h.change_id}, skipped")
    print(f"共新建 {len(result.created)} 条草稿申请。" if zh else
          f"{len(result.created)} draft request(s) made.")
    return 0


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
    where = r.household_no or str(r.detail.get("village_code") or "")
    return "\t".join(str(x) for x in (f"#{r.id}", TYPES[r.type].label(lang), status_label(r.status, lang),
                                      where, r.maker, r.reviewer or "", r.period or ""))


def _show(r: ChangeRequestRecord, zh: bool) -> None:
    from povdesk.domain import dictionary as dd
    from povdesk.domain.changes import member_label, preview_from_detail, status_label

    lang = "zh" if zh else "en"
    print(_line(r, zh))
    if r.reason:
        print(("原因：" if zh else "Reason: ") + r.reason)
    preview = preview_from_detail(r.detail)
    if preview is not None:
        print("  " + preview.text(lang))
    for f in r.fields:
        try:
            label = dd.field(f.key).label(lang)
        except KeyError:
            label = _OTHER_LABELS.get(f.key, (f.key, f.key))[0 if zh else 1]
        who = f" [{f.member}]" if f.member else ""
        if f.member_index is not None:
            who = f" [{member_label(f.member_index, f.member, lang)}]"
        print(f"  {label}{who}: {f.before or ''} → {f.after or ''}")
    for e in r.history:
        comment = f" ({e.comment})" if e.comment else ""
        print(f"  {e.at:%Y-%m-%d %H:%M} {e.user}: {status_label(e.from_status or '', lang) if e.from_status else '-'}"
              f" → {status_label(e.to_status, lang)}{comment}")
