"""Issue 13 "done when": a clerk's 14 everyday tasks, driven through the real window on the small
county (2 townships, 3 villages, 6 households), each asserting what the clerk sees.

 1. Look up a household by any part of a name (拉则 finds 沙马拉则) and see it in the detail.
 2. Look it up by full pinyin (malaze) and by initials (SMLZ).
 3. Look it up by the last 6 digits of a member's ID number, as quoted on the phone; the list says
    which member matched.
 4. See the county on the dashboard (the first view) and drill down from a figure to the list
    filtered by it.
 5. Filter the list (status) and export it, as filtered, to .xlsx.
 6. Print a village: click it, Ctrl+P; every household of the village, the count and pages said
    before printing, in Documents under a Chinese file name by default.
 7. Import the province's roster: the preview lists each change old -> new before anything is
    written; afterwards the checks run again and the result says how many problems opened/closed.
 8. A bad cell (民族 火星族) keeps the rest: the household is imported, the report says what was kept.
 9. A changed ID number goes to a reviewer: not applied, a submitted request waits for review.
10. The window in Chinese: menus, Qt's own dialog texts, and people by their display names.
11. Change the language and the office settings in the settings dialog (Ctrl+,).
12. The problems panel follows the place and the household selected; "all" is one click away.
13. The keys are listed in Help > 快捷键, and the user guide opens from 帮助.
14. Empty states say so, and the window fits 1366x768: the list shows more than 6 rows, and on
    the dashboard the problems dock is its title row so both rows of charts show unscrolled.
"""

from __future__ import annotations

from pathlib import Path

import openpyxl
from PySide6.QtCore import QCoreApplication, QItemSelectionModel, QStandardPaths, Qt
from PySide6.QtWidgets import QScrollArea

from povdesk.config import Settings
from povdesk.domain import changes as cr
from povdesk.domain import idnumber
from povdesk.services.database import Database
from povdesk.services.facade import Services
from povdesk.ui.household_table import COLUMNS
from povdesk.ui.tasks import wait_for_tasks
from tests.ui.conftest import wait_loaded
from tests.ui.test_dashboard import _bar_position, _loaded
from tests.ui.test_problems_panel import shown

NAME = next(i for i, c in enumerate(COLUMNS) if c[0] == "head_name")
STATUS = next(i for i, c in enumerate(COLUMNS) if c[0] == "status")


# ------------------------------------------------------------------ helpers
def _names(window) -> list[str]:  # type: ignore[no-untyped-def]
    model = window.table_model
    return [model.index(r, NAME).data() for r in range(model.rowCount())]


def _search(qtbot, window, text: str) -> None:  # type: ignore[no-untyped-def]
    """Type into the search box as a clerk does (debounced, one query)."""
    window.show_list()
    with qtbot.waitSignal(window.table_model.loaded, timeout=10_000):
        window.search.clear()
        if text.isascii():
            qtbot.keyClicks(window.search, text)
        else:  # what an input method commits (QTest types ASCII keys only)
            window.search.insert(text)


def _click_place(qtbot, window, level: str, place_id: int) -> None:  # type: ignore[no-untyped-def]
    index = window.navigator_model.index_of(level, place_id)
    with qtbot.waitSignal(window.table_model.loaded, timeout=10_000):
        window.navigator.selectionModel().setCurrentIndex(
            index, QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows)


def _village_id(window, name: str) -> int:  # type: ignore[no-untyped-def]
    return next(v.id for c in window.places() for t in c.townships for v in t.villages if v.name == name)


def _roster(window, tmp_path: Path, edit) -> Path:  # type: ignore[no-untyped-def]
    """The county's own roster (the national person list), as the province sends it back, edited."""
    path = tmp_path / "花名册.xlsx"
    window.services.importer.export_roster(path)
    book = openpyxl.load_workbook(path)
    sheet = book.worksheets[0]
    header = {str(c.value): c.column for c in sheet[1] if c.value}
    rows = {str(sheet.cell(r, header["姓名"]).value): r for r in range(2, sheet.max_row + 1)}
    edit(lambda name, column, value: sheet.cell(rows[name], header[column]).__setattr__("value", value))
    book.save(path)
    return path


def _import(qtbot, window, path: Path):  # type: ignore[no-untyped-def]
    """Ctrl+I, the file, the mapping, the preview (returned before the import runs)."""
    window.activateWindow()
    qtbot.keyClick(window, Qt.Key.Key_I, Qt.KeyboardModifier.ControlModifier)
    wizard = window._import_wizard
    qtbot.addWidget(wizard)
    wizard.file_page.path_edit.setText(str(path))
    wizard.next()
    wizard.next()
    page = wizard.preview_page
    if page.task is not None and page.task.running:
        with qtbot.waitSignal(page.task.ended, timeout=20_000):
            pass
    return wizard


def _finish_import(qtbot, wizard):  # type: ignore[no-untyped-def]
    """Import; wait for the checks it runs afterwards on the changed households; the result page."""
    with qtbot.waitSignal(wizard.imported, timeout=30_000):
        wizard.next()
    page = wizard.result_page
    qtbot.waitUntil(lambda: page.check_task is None or not page.check_task.running, timeout=30_000)
    wait_for_tasks()
    return page


# ------------------------------------------------------------------ the tasks
def test_task_01_any_part_of_a_name_finds_the_household(qtbot, make_window, county_db: Database) -> None:  # type: ignore[no-untyped-def]
    window = make_window(county_db)
    _search(qtbot, window, "拉则")  # not the name's start
    assert _names(window) == ["沙马拉则"]
    wait_loaded(qtbot, window)
    assert window.detail.household_id() == window.table_model.household_id(0)
    assert "沙马拉则" in window.detail.title.text()
    assert window.count_label.text().startswith("列表 1 户")


def test_task_02_pinyin_and_initials_find_the_household(qtbot, make_window, county_db: Database) -> None:  # type: ignore[no-untyped-def]
    window = make_window(county_db)
    _search(qtbot, window, "malaze")
    assert _names(window) == ["沙马拉则"]
    _search(qtbot, window, "SMLZ")
    assert _names(window) == ["沙马拉则"]
    _search(qtbot, window, "zdm")
    assert _names(window) == ["张德明"]


def test_task_03_last_six_id_digits_find_the_household_and_name_the_member(qtbot, make_window,  # type: ignore[no-untyped-def]
                                                                          county_db: Database) -> None:
    window = make_window(county_db)
    hid = next(h for h in window.services.registry.household_ids() if
               window.services.registry.household(h).household["head_name"] == "吉克伍呷")
    child = window.services.registry.household(hid).members[2]
    _search(qtbot, window, child["id_number"][-6:])
    model = window.table_model
    assert model.ids == [hid]
    assert model.index(0, NAME).data() == f"吉克伍呷 (匹配: {child['name']})"


def test_task_04_dashboard_figure_drills_down_to_the_list(qtbot, make_window, county_db: Database) -> None:  # type: ignore[no-untyped-def]
    window = make_window(county_db, first_view=True)
    view = _loaded(qtbot, window)
    tabs = window.central_tabs()
    assert tabs.currentWidget() is view and tabs.tabText(0) == "数据总览"
    assert "雷波县" in view.title.text() and "6 户" in view.summary.text()
    counts = max(view.board.by_status, key=lambda c: c.households)
    qtbot.waitExposed(view.views["status"])
    pos = _bar_position(view, "status", counts.label_zh, counts.households / 2)
    with qtbot.waitSignal(window.table_model.loaded, timeout=10_000):
        qtbot.mouseClick(view.views["status"].viewport(), Qt.MouseButton.LeftButton, pos=pos)
    assert tabs.currentWidget() is window.right_splitter
    assert window.table_model.rowCount() == counts.households == 3
    assert {window.table_model.index(r, STATUS).data() for r in range(3)} == {counts.label_zh}
    assert window.list_filters.status.currentData() == counts.code  # the filter bar says why


def test_task_05_filter_the_list_and_export_it(qtbot, make_window, county_db: Database, tmp_path: Path,  # type: ignore[no-untyped-def]
                                               monkeypatch) -> None:
    from PySide6.QtWidgets import QFileDialog

    window = make_window(county_db)
    bar = window.list_filters
    with qtbot.waitSignal(window.table_model.loaded, timeout=10_000):
        bar.status.setCurrentIndex(bar.status.findData("0"))  # 未脱贫
    shown_names = sorted(_names(window))
    assert len(shown_names) == 3
    out = tmp_path / "未脱贫户.xlsx"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(lambda *a, **k: (str(out), "")))
    qtbot.mouseClick(bar.export, Qt.MouseButton.LeftButton)
    wait_for_tasks()
    book = openpyxl.load_workbook(out, read_only=True)
    rows = list(book.active.iter_rows(values_only=True))
    book.close()
    assert "户主姓名" in rows[0]
    names = sorted(str(r[rows[0].index("户主姓名")]) for r in rows[1:])
    assert names == shown_names and all(r[rows[0].index("脱贫状态")] == "未脱贫" for r in rows[1:])


def test_task_06_ctrl_p_on_a_village_prints_all_its_households(qtbot, make_window, county_db: Database,  # type: ignore[no-untyped-def]
                                                               tmp_path: Path) -> None:
    window = make_window(county_db)
    _click_place(qtbot, window, "village", _village_id(window, "八合村"))
    assert len(window.selected_household_ids()) == 1  # the list selected its first row by itself
    window.activateWindow()
    qtbot.keyClick(window, Qt.Key.Key_P, Qt.KeyboardModifier.ControlModifier)
    dialog = window._print_dialog
    qtbot.addWidget(dialog)
    assert dialog.village.currentText().startswith("八合村") and not dialog.use_selection.isChecked()
    assert dialog.count_label.text().startswith("将打印 3 户") and "页" in dialog.count_label.text()
    pdf = Path(dialog.pdf_path.text())
    documents = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
    assert pdf.parent == Path(documents)
    assert pdf.name.startswith("八合村-对照表-") and pdf.suffix == ".pdf"
    dialog.pdf_path.setText(str(tmp_path / pdf.name))  # this test writes nothing into Documents
    with qtbot.waitSignal(dialog.batch_created, timeout=30_000) as blocker:
        dialog.create_button.click()
    wait_for_tasks()
    result = blocker.args[0]
    assert result.households == 3 and (tmp_path / pdf.name).exists()


def test_task_07_import_previews_old_to_new_and_reruns_the_checks(qtbot, make_window, county_db: Database,  # type: ignore[no-untyped-def]
                                                                  tmp_path: Path) -> None:
    window = make_window(county_db)
    window.services.checks.run()
    hid = wizard_hid(window, "曲比阿呷")
    before = window.services.registry.household(hid).members[0]["ethnicity"]

    def edit(put) -> None:  # type: ignore[no-untyped-def]
        put("曲比阿呷", "民族", "汉族")
        put("沙马拉则", "务工时间（月）", 14)  # more months than a year has: a check finds it

    wizard = _import(qtbot, window, _roster(window, tmp_path, edit))
    changes = wizard.preview_page.tabs.changes
    rows = {tuple(changes.model.index(r, c).data() for c in range(5)) for r in range(changes.model.rowCount())}
    assert ("51343720420100002", "曲比阿呷", "民族", "彝族", "汉族") in rows
    assert any(r[1] == "沙马拉则" and r[4] == "14" for r in rows)
    changes.filter.setText("曲比")
    assert changes.shown() == 1
    assert window.services.registry.household(hid).members[0]["ethnicity"] == before  # nothing written yet
    result = _finish_import(qtbot, wizard)
    assert window.services.registry.household(hid).members[0]["ethnicity"] != before
    run = result.check_result
    assert run is not None and run.households == 2 and run.opened >= 1
    assert f"{run.opened}" in result.checks_label.text() and "问题" in result.checks_label.text()


def wizard_hid(window, head: str) -> int:  # type: ignore[no-untyped-def]
    registry = window.services.registry
    return next(h for h in registry.household_ids() if registry.household(h).household["head_name"] == head)


def test_task_08_a_bad_cell_keeps_the_rest_of_the_household(qtbot, make_window, county_db: Database,  # type: ignore[no-untyped-def]
                                                            tmp_path: Path) -> None:
    window = make_window(county_db)

    def edit(put) -> None:  # type: ignore[no-untyped-def]
        put("曲比阿呷", "民族", "火星族")
        put("曲比阿呷", "务工时间（月）", 7)  # the same row's other cells

    wizard = _import(qtbot, window, _roster(window, tmp_path, edit))
    result = _finish_import(qtbot, wizard)
    imported = wizard.import_result
    assert imported.households_skipped == () and len(imported.kept) == 1, imported.errors
    assert "其余字段已导入" in imported.kept[0].zh
    assert "1 个单元格" in result.note.text(), result.note.text()
    head = window.services.registry.household(wizard_hid(window, "曲比阿呷")).members[0]
    assert head["work_months"] == 7 and head["ethnicity"] is not None  # the rest of the row went in


def test_task_09_a_changed_id_number_goes_to_a_reviewer(qtbot, make_window, county_db: Database,  # type: ignore[no-untyped-def]
                                                        tmp_path: Path) -> None:
    window = make_window(county_db)
    hid = wizard_hid(window, "曲比阿呷")
    spouse = window.services.registry.household(hid).members[1]
    new_id = idnumber.make(spouse["id_number"][:6], idnumber.birth_date(spouse["id_number"]), 977)

    wizard = _import(qtbot, window, _roster(window, tmp_path, lambda put: put(spouse["name"], "证件号码", new_id)))
    page = wizard.preview_page
    assert page.tabs.currentIndex() == 1 and page.tabs.identity.model.rowCount() == 1
    assert page.tabs.changes.model.rowCount() == 0  # not an ordinary change
    result = _finish_import(qtbot, wizard)
    assert result.identity_label.isVisible() and "审核" in result.identity_label.text()
    (rid,) = wizard.import_result.review_requests
    request = window.services.changes.get(rid)
    assert (request.status, request.source) == (cr.SUBMITTED, "import")
    held = window.services.registry.household(hid).members[1]
    assert held["id_number"] == spouse["id_number"]  # as held until a reviewer approves


def test_task_10_the_window_is_chinese_with_qt_dialogs_and_people_by_name(qtbot, make_window,  # type: ignore[no-untyped-def]
                                                                          county_db: Database) -> None:
    services = Services(db=county_db)
    hid = services.registry.household_ids()[0]
    services.registry.update_field(entity="household", entity_id=hid, key="household.phone",
                                   value="13900000009", reason="电话变更")
    services.users.save(county_db.user, role="clerk", display_name="阿约会计")
    window = make_window(services)
    titles = [window.menus[k].title() for k in ("file", "data", "checks", "print", "help")]
    assert titles == ["文件(&F)", "数据(&D)", "核查(&C)", "打印(&P)", "帮助(&H)"]
    assert QCoreApplication.translate("QFileDialog", "Look in:") == "查找范围："
    assert QCoreApplication.translate("QFileDialog", "Files of type:") == "文件类型："
    window.open_household(hid)
    model = window.detail.history_model
    who = {model.index(r, 1).data() for r in range(model.rowCount())}
    assert "阿约会计" in who and county_db.user not in who
    assert "sqlite:" not in window.about_text() and "sqlite:" not in window.db_label.text()


def test_task_11_language_and_office_settings_in_one_dialog(qtbot, make_window, county_db: Database,  # type: ignore[no-untyped-def]
                                                            tmp_path: Path) -> None:
    window = make_window(county_db)
    window.activateWindow()
    qtbot.keyClick(window, Qt.Key.Key_Comma, Qt.KeyboardModifier.ControlModifier)
    dialog = window._settings_dialog
    qtbot.addWidget(dialog)
    assert "雷波县" in dialog.county.text()
    dialog.language.setCurrentIndex(dialog.language.findData("en"))
    dialog.mask_ids.setChecked(True)
    dialog.print_folder.setText(str(tmp_path / "对照表"))
    dialog.accept()
    saved = Settings.load()
    assert (saved.language, saved.mask_id_on_print, saved.print_folder) == ("en", True, str(tmp_path / "对照表"))
    from povdesk.ui import main_window

    qtbot.waitUntil(lambda: not window.isVisible())  # reopened at once in the new language
    window = next(w for w in reversed(main_window._windows) if w.services is window.services and w is not window)
    assert window.isVisible() and window.menus["file"].title() == "&File"
    window.actions_by_name["print"].trigger()  # the print dialog takes the office's folder
    printing = window._print_dialog
    qtbot.addWidget(printing)
    assert Path(printing.pdf_path.text()).parent == tmp_path / "对照表"


def test_task_12_problems_follow_the_selection_with_all_one_click_away(qtbot, make_window,  # type: ignore[no-untyped-def]
                                                                      county_db: Database) -> None:
    services = Services(db=county_db)
    services.checks.run()
    window = make_window(services)
    panel = window.problems_panel
    qtbot.waitUntil(lambda: panel.model.total() > 0, timeout=10_000)
    total = panel.model.total()
    assert panel.scope.text() == "全县" and not panel.all_button.isEnabled()
    _click_place(qtbot, window, "village", _village_id(window, "试点村"))
    village = next(p for p in shown(panel) if p.household_id != window.current_household_id())
    assert {p.village for p in shown(panel)} == {"试点村"} and panel.model.total() < total
    assert panel.scope.text().endswith("试点村") and panel.all_button.isEnabled()
    row = window.table_model.row_of(village.household_id)
    window.table.setFocus()
    qtbot.waitUntil(window.table.hasFocus, timeout=2000)
    window.table.setCurrentIndex(window.table_model.index(row, 0))
    assert {p.household_id for p in shown(panel)} == {village.household_id}
    qtbot.mouseClick(panel.all_button, Qt.MouseButton.LeftButton)
    assert panel.model.total() == total and panel.scope.text() == "全县"


def test_task_13_help_lists_the_keys_and_opens_the_user_guide(qtbot, make_window, county_db: Database) -> None:  # type: ignore[no-untyped-def]
    window = make_window(county_db)
    help_titles = [a.text() for a in window.menus["help"].actions() if a.text()]
    assert len(help_titles) >= 3 and any("快捷键" in t for t in help_titles)
    window.actions_by_name["shortcuts"].trigger()
    dialog = window._shortcuts_dialog
    qtbot.addWidget(dialog)
    listed = {dialog.table.item(r, 0).text(): dialog.table.item(r, 1).text() for r in range(dialog.table.rowCount())}
    assert listed["导入花名册"] == "Ctrl+I" and "Ctrl+P" in listed.values() and "Ctrl+F" in listed.values()
    window.actions_by_name["guide"].trigger()
    guide = window._guide_dialog
    qtbot.addWidget(guide)
    text = guide.browser.toPlainText()
    assert "用户手册" in text and "打印" in text and "导入" in text


def _visible_rows(view) -> int:  # type: ignore[no-untyped-def]
    return view.viewport().height() // view.verticalHeader().defaultSectionSize()


def test_task_14_empty_states_and_the_window_at_1366x768(qtbot, make_window, county_db: Database) -> None:  # type: ignore[no-untyped-def]
    window = make_window(county_db, first_view=True)
    window.resize(1366, 768)
    qtbot.waitUntil(lambda: window.height() <= 768)
    window.default_layout()
    qtbot.wait(50)
    view = _loaded(qtbot, window)
    dock = window.problems_dock
    # on the dashboard the problems are their title row: both rows of charts show, unscrolled
    assert dock.height() <= window.collapsed_dock_height() + 4 < 100
    scroll = view.findChild(QScrollArea)
    assert scroll is not None and scroll.verticalScrollBar().maximum() == 0
    # the list: the problems get their share, the list more than 6 rows
    window.show_list()
    qtbot.wait(50)
    assert dock.height() >= 150
    assert _visible_rows(window.table) > 6
    # empty states
    _search(qtbot, window, "查无此人")
    assert window.table_model.rowCount() == 0 and window.detail.household_id() is None
    _search(qtbot, window, "沙马拉则")
    detail = window.detail
    empty = [v for v in (detail.cadres_view, detail.measures_view, detail.history_view) if v.model().rowCount() == 0]
    assert empty and all(v.empty_text() == "无记录" for v in empty)


def test_each_view_keeps_the_dock_height_the_clerk_set(qtbot, make_window, county_db: Database) -> None:  # type: ignore[no-untyped-def]
    """The dashboard's low dock is where the window starts; a height the clerk sets wins."""
    window = make_window(county_db, first_view=True)
    window.resize(1366, 768)
    qtbot.waitUntil(lambda: window.height() <= 768)
    window.default_layout()
    dock = window.problems_dock
    window.resizeDocks([dock], [120], Qt.Orientation.Vertical)
    qtbot.wait(20)
    on_dashboard = dock.height()
    window.show_list()
    window.resizeDocks([dock], [260], Qt.Orientation.Vertical)
    qtbot.wait(20)
    on_list = dock.height()
    assert on_list - on_dashboard > 100
    window.close()  # saves the state
    again = make_window(county_db, first_view=True)
    qtbot.wait(20)
    assert again._state_restored and abs(again.problems_dock.height() - on_dashboard) <= 4
    again.show_list()
    qtbot.wait(20)
    assert abs(again.problems_dock.height() - on_list) <= 4
