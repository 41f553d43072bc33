"""Composition root for the window: opens the database (building the demo county on first run),
sets up Qt, the translation and the main window. The only module that sees ui and services together.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from povdesk.config import Settings, default_database_path


def run_gui(args: argparse.Namespace) -> int:
    from povdesk.ui.application import create_application
    from povdesk.ui.main_window import MainWindow

    app = create_application(sys.argv[:1], language=args.lang)
    services = open_services(args)
    window = MainWindow(services=services)
    window.show()
    return app.exec()


def open_services(args: argparse.Namespace):  # type: ignore[no-untyped-def]
    """The services the window uses, on `--db` or the demo county (built on first run)."""
    from povdesk.services.database import Database
    from povdesk.services.facade import Services

    path = args.db or default_database_path()
    fresh_demo = args.db is None and not Path(path).exists()
    db = Database.open(path, user=args.user or None)
    services = Services(db=db)
    if fresh_demo:
        settings = Settings.load()
        services.demo.build(households=settings.demo_households, seed=settings.demo_seed)
    return services
