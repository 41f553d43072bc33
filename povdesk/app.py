"""Composition root for the window: opens the database (building the demo county on first run),
sets up Qt, the translation and the main window. The only module that sees ui and services together.
"""

from __future__ import annotations

import argparse
import importlib
import inspect
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from povdesk.config import Settings, default_database_path

#: "demo": skip the first-run dialog and open (or build) the demo county, as `tools/dev.py run` does
FIRST_RUN_ENV = "POVDESK_FIRST_RUN"

if TYPE_CHECKING:
    from povdesk.services.facade import Services


def run_gui(args: argparse.Namespace) -> int:
    """`povdesk` without a subcommand: the window on `--db` or the demo county (built first time)."""
    # the database layer before Qt: once PySide6 is imported, its `__feature__` import hook reads the
    # source of every module imported after it (SQLAlchemy's: 60 ms of the window's start)
    importlib.import_module("povdesk.services.facade")
    from PySide6.QtCore import QTimer

    from povdesk.ui.application import create_application, demo_build_label
    from povdesk.ui.login import log_in
    from povdesk.ui.main_window import MainWindow
    from povdesk.ui.messages import error_text
    from povdesk.ui.tasks import run_in_background

    app = create_application(sys.argv[:1], language=args.lang)
    from povdesk.ui import crash

    crash.install()  # an unhandled exception: logged, and a dialog instead of a traceback
    if args.db is None and not default_database_path().exists() and os.environ.get(FIRST_RUN_ENV) != "demo":
        configured = first_run(args)  # no database set up yet: the demo county, or a real one
        if configured is False:
            return 0
        args.db = configured or None
    path = args.db or default_database_path()
    fresh_demo = args.db is None and not Path(path).exists()
    state: dict[str, Any] = {}

    def show(services: Any) -> None:
        if not log_in(services):  # the database has logins and no one logged in
            services.close()
            app.exit(0)
            return
        window = MainWindow(services=services)
        state["window"] = window
        window.show()
        # the day's first copy of the database (a whole county's file) once the list shows, not beside it
        window.after_list_shown(lambda: daily_backup(services, window))
        window.live.start()  # other desks' commits refresh this window

    def failed(exc: BaseException) -> None:
        from PySide6.QtWidgets import QMessageBox

        QMessageBox.critical(None, app.applicationDisplayName(), error_text(exc))
        app.exit(1)

    if not fresh_demo:
        try:
            services = open_services(args)
        except Exception as exc:
            failed(exc)
            return 1
        show(services)
        if "window" not in state:
            return 0
        code = app.exec()
        services.close()
        return code

    settings = Settings.load()

    def build(progress: Any, cancel: Any) -> Any:
        return open_services(args, progress=progress, cancel=cancel, build_demo=settings)

    def start() -> None:
        label = demo_build_label(settings.demo_households)
        run_in_background(build, parent=None, on_done=show, on_error=failed,
                          on_cancelled=lambda: app.exit(0), progress_label=label, writes=True)

    QTimer.singleShot(0, start)
    code = app.exec()
    window = state.get("window")
    if window is not None:
        window.services.close()
    return code


def first_run(args: argparse.Namespace) -> str | bool:
    """The first-run dialog: "" for the demo county, the new county's database path, or False
    when cancelled (or the set-up failed, which is shown)."""
    from dataclasses import replace

    from PySide6.QtWidgets import QMessageBox

    from povdesk.services.county_setup import set_up_county
    from povdesk.services.database import Database
    from povdesk.ui.first_run import COUNTY, FirstRunDialog
    from povdesk.ui.messages import error_text

    dialog = FirstRunDialog()
    if not dialog.exec() or dialog.choice is None:
        return False
    choice = dialog.choice
    if choice.kind != COUNTY or choice.plan is None or choice.folder is None:
        return ""
    target = choice.folder / f"county-{choice.plan.code}.sqlite"
    try:
        db = Database.open(target, user=choice.director)
        try:
            set_up_county(db, choice.plan, director=choice.director, password=choice.password)
        finally:
            db.close()
    except Exception as exc:
        QMessageBox.critical(None, dialog.windowTitle(), error_text(exc))
        return False
    replace(Settings.load(), database=str(target)).save()
    args.user = choice.director
    return str(target)


def daily_backup(services: Services, parent: Any) -> None:
    """The first start of each day backs the database up, in the background; a failure is logged
    and shown, and the window goes on."""
    import logging

    from povdesk.ui.messages import show_error
    from povdesk.ui.tasks import run_in_background

    def failed(exc: BaseException) -> None:
        logging.getLogger("povdesk.app").warning("daily backup failed: %s", exc)
        show_error(parent, exc)

    run_in_background(lambda progress, cancel: services.backups.daily(), parent=parent,
                      on_error=failed, cancellable=False)


def open_services(args: argparse.Namespace, *, progress: Any = None, cancel: Any = None,
                  build_demo: Settings | None = None) -> Services:
    """The services the window uses, on `--db` or the demo county (built when `build_demo`)."""
    from povdesk.services.database import Database
    from povdesk.services.facade import Services

    path = args.db or default_database_path()
    target = Path(path)
    if build_demo is not None:
        # build beside the final file, so a cancelled or failed build leaves no half county behind
        target = target.with_name(target.name + ".building")
        for leftover in target.parent.glob(target.name + "*"):
            leftover.unlink()
    db = Database.open(target if build_demo is not None else path, user=args.user or None)
    services = Services(db=db)
    if build_demo is None:
        return services
    try:
        build = services.demo.build
        kwargs: dict[str, Any] = {"households": build_demo.demo_households, "seed": build_demo.demo_seed}
        params = inspect.signature(build).parameters
        if "progress" in params:
            kwargs["progress"] = progress
        if "cancel" in params:
            kwargs["cancel"] = cancel
        build(**kwargs)
    except BaseException:
        db.close()
        for leftover in target.parent.glob(target.name + "*"):
            leftover.unlink()
        raise
    db.close()
    target.rename(path)
    return Services(db=Database.open(path, user=args.user or None))
