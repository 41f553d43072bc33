"""`povdesk package`: the monthly change package for the province (issue 12).

    povdesk --db DB --user DIRECTOR package export --period YYYY-MM --out DIR [--format json]
    povdesk --db DB [--user DIRECTOR] package public-key [--out FILE] [--format json]
    povdesk [--db DB] package verify FILE [--public-key PEM] [--previous FILE] [--format json]
    povdesk --db DB package history [--format json]
    povdesk --db DB --user REVIEWER package feedback FILE [--format json]

The password of --user (POVDESK_PASSWORD or a prompt) also opens the office's signing key, which is
made on first need and kept encrypted with it. A refusal (role, a month with open error-level
problems, a wrong password) exits 2 naming the reason; nothing is written. `verify` exits 0 only when
every check holds, 1 naming each thing wrong; it never writes to the database, and with
--public-key it does not open one at all. `feedback` records the province's answer (.xlsx or JSON,
docs/package-format.md): any wrong row exits 2 naming file, sheet, row and what is wrong, and
nothing is written; importing the same answer again changes nothing and says so.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from povdesk.errors import BadInput, PovdeskError

if TYPE_CHECKING:
    from povdesk.services.database import Database
    from povdesk.services.packages import PackageService

EXIT_REFUSED = 2


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("package", help="the monthly change package: export, public key, verify, history",
                       description="The monthly change package for the province: what the director signed "
                                   "off in a month, signed with the office's Ed25519 key.")
    actions = p.add_subparsers(dest="package_command", metavar="ACTION", required=True)
    export = actions.add_parser("export", help="write the next package of a month (director)")
    export.add_argument("--period", metavar="YYYY-MM", required=True)
    export.add_argument("--out", metavar="DIR", required=True, help="folder the package is written into")
    export.add_argument("--format", choices=("text", "json"), default="text")
    key = actions.add_parser("public-key", help="print the office's public key (PEM) and its fingerprint")
    key.add_argument("--out", metavar="FILE", help="also write the PEM to FILE")
    key.add_argument("--format", choices=("text", "json"), default="text")
    verify = actions.add_parser("verify", help="check a package: signature, files, hashes, schema, chain")
    verify.add_argument("file", metavar="FILE")
    verify.add_argument("--public-key", metavar="PEM", help="the office's public key (default: this database's)")
    verify.add_argument("--previous", metavar="FILE", help="the package before this one")
    verify.add_argument("--format", choices=("text", "json"), default="text")
    history = actions.add_parser("history", help="the packages exported")
    history.add_argument("--format", choices=("text", "json"), default="text")
    feedback = actions.add_parser(
        "feedback", help="record the province's answer: accepted, or rejected and returned to the maker",
        description="Read the province's feedback (.xlsx with 申请编号 or 户编号 + 变更类型, 审核结果 通过/退回 and "
                    "退回原因; or JSON as docs/package-format.md describes). Accepted changes are marked accepted; "
                    "each rejected one comes back as a new returned request in its maker's queue. Any wrong row "
                    "refuses the whole file (exit 2); nothing is written.")
    feedback.add_argument("file", metavar="FILE")
    feedback.add_argument("--format", choices=("text", "json"), default="text")
    p.set_defaults(run=run, needs_db=False)


def _open(args: argparse.Namespace, *, password: bool) -> tuple[Database, str | None]:
    """The database, logged in as --user where it has logins; the password when asked for (it
    also opens the office key, so it is read once here rather than by the usual login)."""
    from povdesk.cli import _password
    from povdesk.config import default_database_path
    from povdesk.services.database import Database
    from povdesk.services.users import UserService

    secret = _password(args.user) if password and args.user else None
    db = Database.open(args.db or default_database_path(), user=args.user or None)
    try:
        if getattr(args, "login_given", False) and db.has_logins():
            UserService(db=db).authenticate(args.user, secret if secret is not None else _password(args.user))
    except BaseException:
        db.close()
        raise
    return db, secret


def run(args: argparse.Namespace, _db: Database | None) -> int:
    try:
        if args.package_command == "verify":
            return _verify(args)
        needs_password = args.package_command == "export" or (
            args.package_command == "public-key" and bool(args.user))
        db, secret = _open(args, password=needs_password)
        try:
            return _run(args, db, secret)
        finally:
            db.close()
    except PovdeskError as exc:  # a refusal: nothing was written
        print(exc.message(args.lang), file=sys.stderr)
        return EXIT_REFUSED


def _run(args: argparse.Namespace, db: Database, secret: str | None) -> int:
    from povdesk.exchange.office_key import show_fingerprint
    from povdesk.services.packages import PackageService

    service = PackageService(db=db)
    zh = args.lang.startswith("zh")
    if args.package_command == "export":
        done = service.export(args.period, args.out, password=secret)
        if args.format == "json":
            print(json.dumps(done.as_json(), ensure_ascii=False))
        elif done.file is None:
            print(f"{args.period} 没有新签发的变更，未写出文件。" if zh else
                  f"{args.period}: nothing new signed off; no file written.")
        else:
            print(f"已写出 {done.file}：{args.period} 第 {done.sequence} 包，{done.changes} 条变更，SHA-256 {done.sha256}"
                  if zh else f"Wrote {done.file}: {args.period} no. {done.sequence}, {done.changes} change(s), "
                             f"SHA-256 {done.sha256}")
        return 0
    if args.package_command == "public-key":
        key = service.ensure_key(secret) if secret is not None else service.public_key()
        if key is None:
            raise BadInput("input.no_key", "The office has no signing key yet: run this as the director "
                           "(--user) to make it, or export a package.",
                           "县办公室尚无签名密钥：请以签发人身份（--user）运行本命令生成，或导出一个变更包。")
        if args.out:
            db.refuse_as_output(args.out)
            Path(args.out).write_text(key.public_pem, encoding="ascii")
        if args.format == "json":
            print(json.dumps({"public_key": key.public_pem, "fingerprint": key.fingerprint, "holder": key.holder},
                             ensure_ascii=False))
        else:
            sys.stdout.write(key.public_pem)
            print(("指纹（SHA-256）：" if zh else "Fingerprint (SHA-256): ") + show_fingerprint(key.fingerprint))
        return 0
    if args.package_command == "history":
        rows = service.history()
        if args.format == "json":
            print(json.dumps([{"period": p.period, "sequence": p.sequence, "file": p.file_name, "sha256": p.sha256,
                               "changes": p.changes, "by_type": dict(p.by_type), "exported_by": p.exported_by,
                               "exported_at": p.exported_at.isoformat(timespec="seconds"),
                               "feedback": None if p.feedback_at is None else {
                                   "at": p.feedback_at.isoformat(timespec="seconds"), "by": p.feedback_by,
                                   "sha256": p.feedback_sha256, "files": p.feedback_files},
                               "accepted": p.accepted, "rejected": p.rejected} for p in rows],
                             ensure_ascii=False, indent=1))
        else:
            for p in rows:
                print("\t".join((p.period, f"{p.sequence:03d}", p.file_name, str(p.changes), p.exported_by,
                                 f"{p.exported_at:%Y-%m-%d %H:%M}", p.sha256)))
        return 0
    if args.package_command == "feedback":
        return _feedback(args, service, zh)
    raise AssertionError(args.package_command)


def _feedback(args: argparse.Namespace, service: PackageService, zh: bool) -> int:
    from povdesk.exchange.province_feedback import REJECTED
    from povdesk.services.packages import FeedbackRefused

    try:
        done = service.feedback(args.file)
    except FeedbackRefused as exc:
        if args.format != "json":
            raise
        lang = "zh" if zh else "en"
        print(json.dumps({"file": Path(args.file).name, "imported": False,
                          "errors": [{"sheet": p.sheet, "row": p.row, "message": p.zh if zh else p.en,
                                      "text": p.message(lang)} for p in exc.problems]}, ensure_ascii=False))
        print(exc.message(args.lang), file=sys.stderr)
        return EXIT_REFUSED
    if args.format == "json":
        print(json.dumps(done.as_json(args.lang), ensure_ascii=False))
        return 0
    for en, zh_text in done.notices:
        print(zh_text if zh else en)
    if not done.changed:
        print(f"{done.file}：这份反馈已全部记录过（{len(done.unchanged)} 条），未作任何更改。" if zh else
              f"{done.file}: every answer was already recorded ({len(done.unchanged)}); nothing changed.")
        return 0
    for p in done.packages:
        print(f"{p.package}：通过 {p.accepted} 条，退回 {p.rejected} 条" if zh else
              f"{p.package}: {p.accepted} accepted, {p.rejected} rejected")
    for d in done.recorded:
        if d.result == REJECTED:
            print(f"  #{d.request_id} 退回：{d.reason} → 已生成退回申请 #{d.returned_as}（{d.maker}）" if zh else
                  f"  #{d.request_id} rejected: {d.reason} -> returned as #{d.returned_as} to {d.maker}")
    if done.unchanged:
        print(f"另有 {len(done.unchanged)} 条已记录过，未更改。" if zh else
              f"{len(done.unchanged)} answer(s) were already recorded and left as they were.")
    return 0


def _verify(args: argparse.Namespace) -> int:
    from povdesk.exchange import verify_package as vp

    lang = "zh" if args.lang.startswith("zh") else "en"
    if args.public_key:
        try:
            pem = Path(args.public_key).read_bytes()
        except OSError as exc:
            raise BadInput("input.public_key", f"Cannot read the public key {args.public_key}: {exc.strerror or exc}.",
                           f"无法读取公钥文件“{args.public_key}”：{exc.strerror or exc}。") from None
        result = vp.verify(args.file, pem, args.previous)
    else:
        from povdesk.services.packages import PackageService

        db, _secret = _open(args, password=False)
        try:
            result = PackageService(db=db).verify(args.file, previous=args.previous)
        finally:
            db.close()
    if args.format == "json":
        print(json.dumps(result.as_json(lang), ensure_ascii=False))
    else:
        print(vp.report_text(result, lang))
    return 0 if result.ok else 1
