"""备份与恢复: the page lists backups, backs up now and restores with a confirmation."""

from __future__ import annotations

import sqlite3
from contextlib import closing

import pytest

from povdesk.services.database import Database
from povdesk.services.facade import Services


@pytest.mark.sqlite_only(reason="SQLite's backup API behind the page")
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


@pytest.mark.tools("pg_dump", "pg_restore")
def test_postgresql_backs_up_and_restores_from_the_page(qtbot, ui_language,  # type: ignore[no-untyped-def]
                                                        pg_db: Database, tmp_path, monkeypatch) -> None:
    """The same page on a PostgreSQL server: pg_dump, then pg_restore over the open database with
    the current one kept as a pg_dump first; without the client tools the page says why."""
    from sqlalchemy import func, select

    from povdesk.db.models import Household
    from povdesk.services.backups import BEFORE_RESTORE
    from povdesk.ui.backup_page import BackupPage
    from povdesk.ui.tasks import wait_for_tasks
    from tests.factories import build_small_county
    from tests.helpers.losses import delete_household

    def households() -> int:
        with pg_db.reading() as s:
            return int(s.scalar(select(func.count()).select_from(Household)) or 0)

    ui_language("zh_CN")
    build_small_county(pg_db)
    page = BackupPage(services=Services(db=pg_db))
    qtbot.addWidget(page)
    assert page.restore_button.isEnabled() and page.backup_button.isEnabled()
    assert page.unavailable.isHidden()
    page.back_up_now()
    assert wait_for_tasks()
    qtbot.waitUntil(lambda: page.table.rowCount() == 1)
    assert page.table.item(0, 3).text() == "6"
    delete_household(pg_db, "51343720420100001")
    assert households() == 5
    asked: list[str] = []
    monkeypatch.setattr(page, "confirm_restore", lambda p, record: asked.append(p.name) or False)
    page.table.selectRow(0)
    page.restore_selected()  # cancelled: nothing happens
    assert asked and households() == 5
    monkeypatch.setattr(page, "confirm_restore", lambda p, record: True)
    page.table.selectRow(0)
    with qtbot.waitSignal(page.restored):
        page.restore_selected()
    assert households() == 6
    # the database as it was: a pg_dump in the backups folder, listed on the page
    kept = [r for r in page.records if r.reason == BEFORE_RESTORE]
    assert len(kept) == 1 and kept[0].households == 5 and kept[0].path.read_bytes()[:5] == b"PGDMP"
    row = page.records.index(kept[0])
    assert page.table.item(row, 1).text() == "恢复前的数据库"

    # a desk without the PostgreSQL client tools: the page says so, in the CLI's words
    monkeypatch.setenv("PATH", str(tmp_path / "nothing"))
    page.reload()
    assert not page.restore_button.isEnabled() and not page.backup_button.isEnabled()
    assert not page.unavailable.isHidden()
    said = page.unavailable.text()
    assert "pg_restore" in said and "pg_dump" in said and "PATH" in said
    assert "pg_restore" in page.restore_button.toolTip()
