"""Desks see each other in the window: another desk's commit refreshes the row and the detail on
the GUI thread; a lost server connection shows in the status bar until it is back."""

from __future__ import annotations

import threading

from PySide6.QtCore import QCoreApplication, QThread

from povdesk.services.database import Database
from povdesk.services.facade import Services

LOST_ZH = "与数据库服务器的连接已断开，正在重试…"


def test_another_desks_edit_refreshes_the_row_on_the_gui_thread(qtbot, make_window, county_db, db_url):
    window = make_window(county_db)
    live = window.live
    live.bridge.listener.interval = 0.05
    threads: list[bool] = []
    live.bridge.changed.connect(
        lambda _c: threads.append(QThread.currentThread() is QCoreApplication.instance().thread()))
    live.start()
    other = Database.open(db_url, user="desk2")
    try:
        hid = window.current_household_id()
        row = window.table_model.row_of(hid)
        assert window.table_model.row_record(row).group_name != "新组"
        with qtbot.waitSignal(live.refreshed, timeout=2000) as blocker:
            Services(db=other).registry.update_field(entity="household", entity_id=hid, key="household.group_name",
                                                     value="新组", reason="test")
        assert hid in blocker.args[0].households
        assert threads and all(threads)
        assert window.table_model.row_record(row).group_name == "新组"
    finally:
        live.stop()
        other.close()


def test_a_lost_connection_shows_in_the_status_bar_until_it_is_back(qtbot, make_window, county_db):
    window = make_window(county_db)
    bridge = window.live.bridge
    bar = window.statusBar()
    lost = threading.Thread(target=bridge.connection_changed.emit, args=(False,))  # the listener's thread
    lost.start()
    lost.join()
    qtbot.waitUntil(lambda: bar.currentMessage() == LOST_ZH, timeout=1000)
    back = threading.Thread(target=bridge.connection_changed.emit, args=(True,))
    back.start()
    back.join()
    qtbot.waitUntil(lambda: bar.currentMessage() == "", timeout=1000)
