"""GUI fixtures: the application in a chosen language and main windows that close cleanly."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from povdesk.services.database import Database
from povdesk.services.facade import Services

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="session", autouse=True)
def _compiled_translations() -> None:
    """The .qm files are build output; compile them when a test run starts without them."""
    qm = ROOT / "povdesk" / "ui" / "i18n" / "povdesk_zh_CN.qm"
    ts = ROOT / "resources" / "i18n" / "povdesk_zh_CN.ts"
    if ts.exists() and (not qm.exists() or qm.stat().st_mtime < ts.stat().st_mtime):
        subprocess.check_call([sys.executable, str(ROOT / "tools" / "i18n.py"), "compile"])


@pytest.fixture
def ui_language(qapp) -> Iterator[Callable[[str], None]]:  # type: ignore[no-untyped-def]
    """Switch the application's language (translators, locale, CJK font); English again after."""
    from povdesk.ui.application import create_application, set_language

    def switch(language: str) -> None:
        create_application([], language=language)

    yield switch
    set_language(qapp, "en")


@pytest.fixture
def make_window(qtbot, ui_language) -> Iterator[Callable[..., object]]:  # type: ignore[no-untyped-def]
    """make_window(db_or_services, language="zh_CN") -> a shown MainWindow with its list loaded."""
    from povdesk.ui.main_window import MainWindow
    from povdesk.ui.tasks import wait_for_tasks

    windows: list[MainWindow] = []

    def make(source: Database | Services, language: str = "zh_CN", *, first_view: bool = False) -> MainWindow:
        """`first_view`: leave the window on the dashboard it opens with; else on the household list."""
        ui_language(language)
        services = source if isinstance(source, Services) else Services(db=source)
        window = MainWindow(services=services)
        qtbot.addWidget(window)
        windows.append(window)
        window.show()
        if not first_view:
            window.show_list()
        wait_loaded(qtbot, window)
        return window

    yield make
    wait_for_tasks()
    from PySide6.QtWidgets import QApplication

    from povdesk.ui import main_window

    QApplication.processEvents()  # a pending reopen (the language switch) happens in this test
    for window in [*windows, *main_window._windows]:  # and the windows it or File > Open made
        window.close()  # which stops their listeners to other desks
    main_window._windows.clear()


def wait_loaded(qtbot, window) -> None:  # type: ignore[no-untyped-def]
    """Wait until the household list has the result of its last query."""
    if window.table_model.loading:
        with qtbot.waitSignal(window.table_model.loaded, timeout=10_000):
            pass
    if window.detail_due:  # the first household's detail follows the first list just after
        qtbot.waitUntil(lambda: not window.detail_due, timeout=10_000)
    if window.starting:  # and the features' start-up reads (figures, counts, queues) just after it
        qtbot.waitUntil(lambda: not window.starting, timeout=10_000)


# ------------------------------------------------------------------ change requests (issue 11 §5)
DEMO_PASSWORD = "demo"


@pytest.fixture
def demo_db(db: Database) -> Database:
    from povdesk.demo.service import DemoService

    DemoService(db=db).build(households=6, seed=2019)
    return db


@pytest.fixture
def login_as(demo_db: Database) -> Iterator[Callable[[str], Services]]:
    """A small demo county with its three demo logins; login_as("clerk") -> the services of that demo user, logged in."""
    opened: list[Services] = []

    def login(user: str) -> Services:
        services = Services(db=Database.open(demo_db.url, user=user))
        services.users.authenticate(user, DEMO_PASSWORD)
        opened.append(services)
        return services

    yield login
    for services in opened:
        services.close()
