"""备份与恢复: the page lists backups, backs up now and restores with a confirmation."""

from __future__ import annotations

import sqlite3
from contextlib import closing

import pytest

from povdesk.services.database import Database
from povdesk.services.facade import Services

pytestmark = pytest.mark.sqlite_only(reason="SQLite's backup API behind the page")


def test_back_up_now_lists_the_backup_and_restore_brings_it_back(qtbot, ui_language,  # type: ignore[no-untyped-def]
                                                                 county_db: Database, monkeypatch) -> None:
    from povdesk.ui.backup_page import BackupPage
    from povdesk.ui.tasks import wait_for_tasks

    ui_language("zh_CN")
    services = Services(db=county_db)
    page = BackupPage(services=services)
    qtbot.addWidget(page)
    assert page.table.rowCount() == 0
    page.back_up_now()
    assert wait_for_tasks()
    qtbot.waitUntil(lambda: page.table.rowCount() == 1)
    assert page.table.item(0, 3).text() == "6"
    assert page.table.item(0, 1).text() == "手动备份"
    path = county_db.path
    assert path is not None
    with closing(sqlite3.connect(path)) as conn:
        conn.execute("PRAGMA foreign_keys=OFF")
        conn.execute("DELETE FROM household WHERE id = (SELECT min(id) FROM household)")
        conn.commit()
    asked: list[str] = []
    monkeypatch.setattr(page, "confirm_restore", lambda p, record: asked.append(p.name) or False)
    page.table.selectRow(0)
    page.restore_selected()  # cancelled: nothing happens
    assert asked
    with closing(sqlite3.connect(path)) as conn:
        assert conn.execute("SELECT count(*) FROM household").fetchone()[0] == 5
    monkeypatch.setattr(page, "confirm_restore", lambda p, record: True)
    with qtbot.waitSignal(page.restored):
        page.restore_selected()
    with closing(sqlite3.connect(path)) as conn:
        assert conn.execute("SELECT count(*) FROM household").fetchone()[0] == 6


def test_the_file_menu_opens_the_page(make_window, county_db: Database) -> None:  # type: ignore[no-untyped-def]
    from povdesk.ui.backup_page import BackupDialog

    window = make_window(county_db)
    window.actions_by_name["backups"].trigger()
    dialogs = window.findChildren(BackupDialog)
    assert dialogs and dialogs[0].isVisible()
    dialogs[0].close()
