"""The `povdesk` command: with no subcommand it opens the window; subcommands run headless jobs.

Each module in this package that defines `register(subparsers)` adds one subcommand; its parser's
`run(args, db)` does the work and returns the exit code. Modules are found, not listed, so adding a
command touches no shared file.
"""

from __future__ import annotations

import argparse
import importlib
import logging
import os
import pkgutil
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from povdesk import __version__
from povdesk.config import DATA_DIR_ENV, Settings, default_database_path, system_language
from povdesk.errors import PovdeskError

if TYPE_CHECKING:
    from povdesk.services.database import Database

EXIT_OK = 0
EXIT_FAILED = 1
#: refused, nothing changed: the input cannot be used, or the database stayed busy (db.busy)
EXIT_UNUSABLE_INPUT = 2
#: the password of `--user`, for scripts (otherwise povdesk asks on the terminal)
PASSWORD_ENV = "POVDESK_PASSWORD"


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="povdesk",
        description="County workstation for registered poor-household data. "
                    "Without a subcommand, opens the window.",
    )
    parser.add_argument("--version", action="version", version=f"povdesk {__version__}")
    parser.add_argument("--db", metavar="PATH_OR_URL",
                        help="database file or SQLAlchemy URL (default: the demo county in the "
                             "user data folder; created and migrated when missing)")
    parser.add_argument("--lang", choices=("zh_CN", "en"), help="language of the window and messages")
    parser.add_argument("--data-dir", metavar="DIR", help="folder for settings, backups and the default database")
    parser.add_argument("--user", help="login (recorded in the change journal); when the database has "
                                       f"logins, its password comes from {PASSWORD_ENV} or a prompt")
    parser.add_argument("-v", "--verbose", action="store_true", help="log progress to stderr")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for info in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
        module = importlib.import_module(f"{__name__}.{info.name}")
        register = getattr(module, "register", None)
        if register is not None:
            register(sub)
    return parser


def open_database(args: argparse.Namespace) -> Database:
    """Open the database; a `--user` given on a database with logins logs in first (commands that
    only read work without; any write is refused in the services until someone has)."""
    from povdesk.services.database import Database

    db = Database.open(args.db or default_database_path(), user=args.user or None)
    share = db.network_share_warning(getattr(args, "lang", "en") or "en")
    if share:
        print(share, file=sys.stderr)
    try:
        if getattr(args, "login_given", False) and db.has_logins():
            from povdesk.services.users import UserService

            UserService(db=db).authenticate(args.user, _password(args.user))
    except BaseException:
        db.close()
        raise
    return db


def _password(login: str) -> str:
    from povdesk.errors import NotAllowed

    password = os.environ.get(PASSWORD_ENV)
    if password is not None:
        return password
    if not sys.stdin.isatty():
        raise NotAllowed("auth.no_password",
                         f"This database has logins: give the password of {login} in {PASSWORD_ENV} "
                         "(no terminal to ask on).",
                         f"本数据库已设登录：请在环境变量 {PASSWORD_ENV} 中给出 {login} 的密码（无终端可提示输入）。")
    import getpass

    return getpass.getpass(f"Password for {login} / {login} 的密码: ")


#: why the system refused a path, in Chinese (the English is the system's own text)
_OS_ZH = {IsADirectoryError: "这是一个文件夹，不是文件", NotADirectoryError: "路径中有一部分是文件，不是文件夹",
          FileExistsError: "同名文件已存在，不能作为文件夹", PermissionError: "没有写入权限"}


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.data_dir:
        os.environ[DATA_DIR_ENV] = str(Path(args.data_dir).resolve())
    settings = Settings.load()
    args.lang = args.lang or settings.language or system_language()
    if not args.db and settings.database and args.command != "init":
        args.db = settings.database  # the office's database, set up by the first run or `init`
    args.login_given = bool(args.user)
    args.user = args.user or settings.user or None
    logging.basicConfig(level=logging.INFO if args.verbose else logging.WARNING,
                        format="%(levelname)s %(name)s: %(message)s", stream=sys.stderr)
    from povdesk import logs

    logs.setup(stderr_level=logging.INFO if args.verbose else logging.WARNING)
    if args.command is None:
        from povdesk.app import run_gui

        return run_gui(args)
    with logs.job(_job_name(args), version=__version__) as counts:
        code = _run_command(args)
        counts["exit"] = code
    return code


def _job_name(args: argparse.Namespace) -> str:
    """The command and its action (`db backup`, `changes approve`), never its arguments."""
    parts = [str(args.command)]
    parts += [str(v) for k, v in vars(args).items() if k.endswith("_command") and isinstance(v, str)]
    return " ".join(parts)


def _run_command(args: argparse.Namespace) -> int:
    try:
        db = open_database(args) if getattr(args, "needs_db", True) else None
        try:
            return int(args.run(args, db) or 0)
        finally:
            if db is not None:
                db.close()
    except PovdeskError as exc:
        logging.getLogger("povdesk.cli").warning("refused: %s", exc.code)
        print(exc.message(args.lang), file=sys.stderr)
        refused = exc.code.startswith(("input.", "auth.")) or exc.code == "db.busy"
        return EXIT_UNUSABLE_INPUT if refused else EXIT_FAILED
    except KeyboardInterrupt:
        print("已取消。" if args.lang.startswith("zh") else "Cancelled.", file=sys.stderr)
        return 130
    except (IsADirectoryError, NotADirectoryError, FileExistsError, PermissionError) as exc:
        # an --out that is a folder, lies under a file, or may not be written: say which path
        path = exc.filename or ""
        print(f"无法写入“{path}”：{_OS_ZH.get(type(exc), '操作系统拒绝')}。未写出任何文件。"
              if args.lang.startswith("zh") else
              f"Cannot write {path}: {exc.strerror or exc}. Nothing was written.", file=sys.stderr)
        return EXIT_UNUSABLE_INPUT
    except BrokenPipeError:
        # `povdesk … | head`: the reader went away; the job itself is done, so end quietly
        # (pointing stdout at devnull stops Python's own complaint at exit).
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_OK
