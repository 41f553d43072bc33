"""Issue 13 §7: one menu per action, keys for the frequent actions, Help with the shortcuts and the
user guide."""

from __future__ import annotations

from collections import Counter

from povdesk.services.database import Database
from povdesk.ui.help import guide_path, shortcut_rows


def test_problems_in_one_menu_only_and_frequent_actions_have_keys(make_window, county_db: Database) -> None:  # type: ignore[no-untyped-def]
    window = make_window(county_db)
    problems = window.problems_dock.toggleViewAction()
    holding = [key for key, menu in window.menus.items() if problems in menu.actions()]
    assert holding == ["checks"]
    keys = {name: window.actions_by_name[name].shortcut().toString()
            for name in ("import_roster", "export_roster", "year_settings", "find_form", "print",
                         "run_checks", "settings", "guide", "shortcuts", "find", "refresh", "problems")}
    assert all(keys.values()), keys
    assert keys["import_roster"] == "Ctrl+I" and keys["find_form"] == "Ctrl+Shift+F"
    rows = shortcut_rows(window)
    clashes = [k for k, n in Counter(k for _a, k, _m in rows).items() if n > 1]
    assert not clashes, clashes


def test_help_lists_the_shortcuts_and_opens_the_chinese_user_guide(qtbot, make_window,  # type: ignore[no-untyped-def]
                                                                  county_db: Database) -> None:
    window = make_window(county_db)
    window.actions_by_name["shortcuts"].trigger()
    dialog = window._shortcuts_dialog
    qtbot.addWidget(dialog)
    listed = {dialog.table.item(r, 0).text(): dialog.table.item(r, 1).text()
              for r in range(dialog.table.rowCount())}
    assert listed["导入花名册"] == "Ctrl+I"
    assert "Ctrl+P" in listed.values()
    assert guide_path() is not None
    window.actions_by_name["guide"].trigger()
    guide = window._guide_dialog
    qtbot.addWidget(guide)
    text = guide.browser.toPlainText()
    assert "用户手册" in text and "打印" in text
