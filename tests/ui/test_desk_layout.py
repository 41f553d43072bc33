"""Issue 13 §6: the window at office screen sizes, remembered layout, detail tables that use the
width, no duplicated names, empty tabs that say so."""

from __future__ import annotations

from PySide6.QtCore import Qt

from povdesk.services.database import Database


def _visible_rows(view) -> int:  # type: ignore[no-untyped-def]
    return view.viewport().height() // view.verticalHeader().defaultSectionSize()


def test_at_1366x768_the_list_shows_more_than_six_rows_and_the_members_more_than_two(qtbot, make_window,  # type: ignore[no-untyped-def]
                                                                                     county_db: Database) -> None:
    window = make_window(county_db)
    window.resize(1366, 768)
    qtbot.waitUntil(lambda: window.height() <= 768)
    window.default_layout()
    qtbot.wait(50)
    assert _visible_rows(window.table) > 6
    detail = window.detail
    detail.tabs.setCurrentIndex(detail.TAB_MEMBERS)
    qtbot.wait(50)
    assert _visible_rows(detail.members_view) > 2


def test_splitters_and_docks_are_remembered(qtbot, make_window, county_db: Database) -> None:  # type: ignore[no-untyped-def]
    window = make_window(county_db)
    # within the offscreen screen (800 wide), which a restored geometry is fitted to (the docked
    # panels scroll, so the window no longer holds itself wider than the screen)
    window.resize(800, 600)
    qtbot.waitUntil(lambda: window.width() <= 800)
    window.main_splitter.setSizes([50, 750])
    first = window.main_splitter.sizes()
    window.close()  # saves the state
    again = make_window(county_db)
    assert again._state_restored
    assert again.main_splitter.sizes()[0] == first[0]


def test_household_facts_use_two_columns_and_members_show_each_name_once(make_window,  # type: ignore[no-untyped-def]
                                                                         county_db: Database) -> None:
    window = make_window(county_db)
    detail = window.detail
    facts = detail.facts_model
    assert facts.columnCount() == 4
    assert [facts.headerData(c, Qt.Orientation.Horizontal) for c in range(4)] == ["字段", "值", "字段", "值"]
    assert facts.rowCount() * 2 >= len(facts.items()) > facts.rowCount()
    members = detail.members_model
    shown = [members.headerData(c, Qt.Orientation.Horizontal) for c in range(members.columnCount())
             if not detail.members_view.isColumnHidden(c)]
    assert "姓名" not in shown  # the name is the row's heading
    assert members.headerData(0, Qt.Orientation.Vertical) not in ("", None)  # the name heads the row


def test_empty_tabs_say_no_records(make_window, county_db: Database) -> None:  # type: ignore[no-untyped-def]
    window = make_window(county_db)
    detail = window.detail
    empty = [v for v in (detail.cadres_view, detail.measures_view, detail.history_view)
             if v.model().rowCount() == 0]
    assert empty, "the small county has a household without cadres, measures or history"
    assert all(v.empty_text() == "无记录" for v in empty)
    assert detail.members_view.empty_text() == ""
