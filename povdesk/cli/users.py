"""`povdesk users`: who works in the office and in which role (录入员, 审核员, 签发人)."""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING

from povdesk.domain.roles import ROLES

if TYPE_CHECKING:
    from povdesk.services.database import Database


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("users", help="list the office's users, or set one's role")
    actions = p.add_subparsers(dest="users_command", metavar="ACTION")
    actions.add_parser("list", help="list users and their roles (the default)")
    role = actions.add_parser("set", help="add a user or change their role")
    role.add_argument("login", help="login name (the name povdesk records in the history)")
    role.add_argument("role", choices=ROLES, help="clerk (录入员), reviewer (审核员) or director (签发人)")
    role.add_argument("--name", help="display name, e.g. 李文书")
    role.add_argument("--password-stdin", action="store_true",
                      help="read the user's new password from the first line of standard input")
    p.set_defaults(run=run)


def run(args: argparse.Namespace, db: Database) -> int:
    from povdesk.domain.roles import role_label
    from povdesk.services.users import UserService

    users = UserService(db=db)
    lang = "zh" if args.lang.startswith("zh") else "en"
    if args.users_command == "set":
        password = None
        if args.password_stdin:
            password = sys.stdin.readline().rstrip("\r\n")
        users.save(args.login, role=args.role, display_name=args.name, password=password)
    for u in users.list():
        state = "" if u.active else ("（停用）" if lang == "zh" else " (inactive)")
        login = ("（可登录）" if lang == "zh" else " (login)") if u.has_password else ""
        print(f"{u.login}\t{u.display_name}\t{role_label(u.role, lang)}{state}{login}")
    return 0
