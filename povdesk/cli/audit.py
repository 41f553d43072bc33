"""`povdesk audit verify`: walk the audit log's hash chain (exit 1 names the first entry that does
not fit; exit 0 prints the count)."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from povdesk.services.database import Database


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("audit", help="the audit log: verify its hash chain")
    actions = p.add_subparsers(dest="audit_command", metavar="ACTION", required=True)
    actions.add_parser("verify", help="check every entry against the one before it")
    p.set_defaults(run=run)


def run(args: argparse.Namespace, db: Database) -> int:
    from povdesk.services.audit import AuditService

    check = AuditService(db=db).verify()
    print(check.message(args.lang))
    return 0 if check.intact else 1
