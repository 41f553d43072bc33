"""The main window as a clerk uses it: places, list, search, sort, detail, highlight, language."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QCoreApplication, QItemSelectionModel, QPoint, Qt
from PySide6.QtGui import QBrush

from povdesk.domain.records import ProblemRecord
from povdesk.services.facade import Services
from povdesk.services.registry import HouseholdQuery
from povdesk.ui.household_detail import HIGHLIGHT
from povdesk.ui.household_table import COLUMNS
from tests.ui.conftest import wait_loaded


def _column(attr: str) -> int:
    return next(i for i, c in enumerate(COLUMNS) if c[0] == attr)


def _texts(model, column: int) -> list[str]:  # type: ignore[no-untyped-def]
    return [model.index(r, column).data() for r in range(model.rowCount())]


def test_models_pass_the_model_tester(qtmodeltester, make_window, county_db):
    window = make_window(county_db)
    detail = window.detail
    assert detail.detail is not None  # the first household is shown without a click
    for model in (window.navigator_model, window.table_model, detail.facts_model, detail.members_model,
                  detail.income_model, detail.conditions_model, detail.assurance_model,
                  detail.measures_model, detail.cadres_model, detail.history_model, detail.problems_model):
        qtmodeltester.check(model)


def test_list_shows_every_household_with_code_labels(make_window, county_db):
    window = make_window(county_db)
    model = window.table_model
    assert model.rowCount() == 6
    assert _texts(model, _column("household_no"))[0] == "51343710020100001"
    assert set(_texts(model, _column("status"))) == {"未脱贫", "已脱贫(享受政策)"}
    header = model.headerData(_column("head_name"), Qt.Orientation.Horizontal)
    assert header == "户主姓名"
    income = model.index(0, _column("per_capita_net"))
    assert income.data() == "5,166.67"
    assert income.data(Qt.ItemDataRole.TextAlignmentRole) & Qt.AlignmentFlag.AlignRight


def test_search_filters_the_table(qtbot, make_window, county_db):
    window = make_window(county_db)
    with qtbot.waitSignal(window.table_model.loaded, timeout=5000) as blocker:
        window.search.setText("曲比")
    assert blocker.args == [1]
    assert _texts(window.table_model, _column("head_name")) == ["曲比阿呷"]
    asked = []
    window.table_model.loaded.connect(asked.append)
    with qtbot.waitSignal(window.table_model.loaded, timeout=5000):
        window.search.clear()
        qtbot.keyClicks(window.search, "513437204202")  # household-number prefix of 试点村
    assert asked == [2]  # typing is debounced: one query, not one per key
    assert sorted(_texts(window.table_model, _column("village"))) == ["试点村", "试点村"]
    with qtbot.waitSignal(window.table_model.loaded, timeout=5000):
        window.search.clear()
    assert window.table_model.rowCount() == 6


def test_header_click_sorts_through_the_service(qtbot, make_window, county_db, monkeypatch):
    window = make_window(county_db)
    asked: list[HouseholdQuery] = []
    original = window.services.registry.household_ids

    def spy(q: HouseholdQuery) -> list[int]:
        asked.append(q)
        return original(q)

    monkeypatch.setattr(window.services.registry, "household_ids", spy)
    header = window.table.horizontalHeader()
    column = _column("size")
    x = header.sectionViewportPosition(column) + header.sectionSize(column) // 2
    with qtbot.waitSignal(window.table_model.loaded, timeout=5000):
        qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(x, header.height() // 2))
    assert asked and asked[-1].sort == "size"
    sizes = [int(t) for t in _texts(window.table_model, column)]
    assert sizes == sorted(sizes)
    descending = not asked[-1].descending
    with qtbot.waitSignal(window.table_model.loaded, timeout=5000):
        qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(x, header.height() // 2))
    assert asked[-1].descending == descending
    sizes = [int(t) for t in _texts(window.table_model, column)]
    assert sizes == sorted(sizes, reverse=descending)


def test_navigator_counts_and_place_filter(qtbot, make_window, county_db):
    window = make_window(county_db)
    nav = window.navigator_model
    county = nav.index(0, 0)
    assert county.data() == "雷波县"
    assert nav.index(0, 1).data() == "6"
    assert nav.index(0, 2).data() == "23"
    assert nav.columnCount() == 4  # the checks service provides open problem counts
    township = next(nav.index(r, 0, county) for r in range(nav.rowCount(county))
                    if nav.index(r, 0, county).data() == "帕哈乡")
    village = next(nav.index(r, 0, township) for r in range(nav.rowCount(township))
                   if nav.index(r, 0, township).data() == "八合村")
    with qtbot.waitSignal(window.table_model.loaded, timeout=5000) as blocker:
        window.navigator.selectionModel().setCurrentIndex(
            village, QItemSelectionModel.SelectionFlag.ClearAndSelect)
    assert blocker.args == [3]
    assert window.current_place() == ("village", nav.node(village).id)
    assert set(_texts(window.table_model, _column("village"))) == {"八合村"}


def test_selecting_a_household_shows_its_detail_in_chinese(qtbot, make_window, county_db):
    window = make_window(county_db)
    row = _texts(window.table_model, _column("head_name")).index("沙马拉则")
    hid = window.table_model.household_id(row)
    with qtbot.waitSignal(window.household_selected, timeout=5000) as blocker:
        window.table.selectionModel().setCurrentIndex(
            window.table_model.index(row, 0),
            QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows)
    assert blocker.args == [hid]
    assert window.current_household_id() == hid
    assert window.selected_household_ids() == [hid]
    facts = window.detail.facts_model
    labels = facts.items()
    assert facts.columnCount() == 4  # two columns of field/value pairs
    assert labels["户主姓名"] == "沙马拉则"
    assert labels["主要致贫原因"] == "缺技术"
    assert labels["脱贫状态"] == "未脱贫"
    members = window.detail.members_model
    assert members.rowCount() == 5
    assert members.headerData(0, Qt.Orientation.Horizontal) == "姓名"
    assert window.detail.tabs.tabText(window.detail.TAB_MEMBERS) == "家庭成员"
    income = window.detail.income_model
    assert income.headerData(1, Qt.Orientation.Horizontal) == "2019"
    assessment = window.detail.assurance_model
    assert assessment.index(0, 1).data() == "未达标"  # 3,100 yuan per head is below the 3,750 line
    assert assessment.index(3, 1).data() == "达标"


def test_open_household_highlights_the_field(qtbot, make_window, county_db):
    window = make_window(county_db)
    hid = window.services.registry.find_household_id("51343720420200001")
    window.open_household(hid, "member.id_number")
    assert window.current_household_id() == hid
    detail = window.detail
    assert detail.tabs.currentIndex() == detail.TAB_MEMBERS
    assert detail.highlighted_field() == "member.id_number"
    column = detail.members_model.column_of_key("member.id_number")
    brush = detail.members_model.index(0, column).data(Qt.ItemDataRole.BackgroundRole)
    assert isinstance(brush, QBrush) and brush.color() == HIGHLIGHT
    other = detail.members_model.index(0, 0).data(Qt.ItemDataRole.BackgroundRole)
    assert other is None

    window.open_household(hid, "conditions.house_area")
    assert detail.tabs.currentIndex() == detail.TAB_CONDITIONS
    row = detail.conditions_model.row_of_key("conditions.house_area")
    assert detail.conditions_view.currentIndex().row() == row


def test_a_member_problem_highlights_that_member_only(qtbot, make_window, county_db):
    window = make_window(county_db)
    hid = window.services.registry.find_household_id("51343720420200001")
    members = window.services.registry.household(hid).members
    target = members[-1]
    window.open_household(hid, "member.id_number", target.id)
    detail = window.detail
    model = detail.members_model
    column = model.column_of_key("member.id_number")
    marked = [r for r in range(model.rowCount())
              if isinstance(model.index(r, column).data(Qt.ItemDataRole.BackgroundRole), QBrush)]
    assert marked == [model.row_of_id(target.id)] and len(members) > 1
    assert detail.members_view.currentIndex().row() == marked[0]
    assert detail.highlighted_member() == target.id
    window.refresh()  # the mark survives a refresh
    assert detail.highlighted_member() == target.id


def test_open_household_outside_the_filter_widens_the_list(qtbot, make_window, county_db):
    window = make_window(county_db)
    with qtbot.waitSignal(window.table_model.loaded, timeout=5000):
        window.search.setText("曲比")
    hid = window.services.registry.find_household_id("51343710020100001")
    with qtbot.waitSignal(window.table_model.loaded, timeout=5000):
        window.open_household(hid, "household.phone")
    assert window.search.text() == ""
    assert window.table_model.rowCount() == 6
    assert window.current_household_id() == hid
    assert window.detail.highlighted_field() == "household.phone"


def test_language_switch_loads_the_chinese_translation(make_window, county_db, ui_language):
    window = make_window(county_db, language="en")
    assert window.menus["file"].title() == "&File"
    assert window.detail.tabs.tabText(0) == "Household"
    assert window.table_model.headerData(1, Qt.Orientation.Horizontal) == "Head's name"
    ui_language("zh_CN")
    assert QCoreApplication.translate("MainWindow", "&File") == "文件(&F)"
    chinese = make_window(county_db, language="zh_CN")
    assert chinese.menus["file"].title() == "文件(&F)"
    assert chinese.detail.tabs.tabText(0) == "户基本信息"


def test_window_opens_on_an_empty_database(make_window, db):
    window = make_window(db)
    assert window.table_model.rowCount() == 0
    assert window.navigator_model.rowCount() == 0
    assert window.current_household_id() is None
    assert window.detail.stack.currentIndex() == 0  # the "select a household" hint
    assert "0" in window.count_label.text()
    assert window.services.maintenance.status().revision in window.about_text()  # schema revision


def test_public_api_for_features(make_window, county_db):
    window = make_window(county_db)
    assert set(window.menus) == {"file", "data", "checks", "print", "changes", "view", "help"}
    from PySide6.QtWidgets import QLabel

    panel = QLabel("panel")
    panel.setObjectName("testPanel")
    dock = window.add_dock(panel, "Test panel", Qt.DockWidgetArea.BottomDockWidgetArea)
    assert dock.widget() is panel
    assert dock.toggleViewAction() in window.menus["view"].actions()


def test_problem_counts_and_open_problems_come_from_the_checks(qtbot, make_window, county_db, monkeypatch):
    services = Services(db=county_db)
    hid = services.registry.find_household_id("51343720420100001")
    village_id = services.registry.household(hid).household["village_id"]
    problem = ProblemRecord(1, "R01", "basic", "error", hid, "x", None, None, None, ("household.phone",),
                            "联系电话缺失", "Phone missing", "open", dt.datetime(2019, 10, 1))
    monkeypatch.setattr(services.checks, "open_problem_counts", lambda: {village_id: 2})
    monkeypatch.setattr(services.checks, "open_problems", lambda household_id: [problem] if household_id == hid else [])
    window = make_window(services)
    nav = window.navigator_model
    assert nav.columnCount() == 4
    qtbot.waitUntil(lambda: nav.index(0, 3).data() == "2", timeout=5000)  # counted off the GUI thread
    window.open_household(hid)
    detail = window.detail
    assert detail.tabs.isTabVisible(detail.TAB_PROBLEMS)
    assert detail.problems_model.rowCount() == 1
    assert detail.problems_model.index(0, 2).data() == "联系电话缺失"
    detail._problem_double_clicked(detail.problems_model.index(0, 2))
    assert detail.highlighted_field() == "household.phone"


def test_refresh_keeps_the_current_household(qtbot, make_window, county_db):
    window = make_window(county_db)
    hid = window.services.registry.find_household_id("51343720420100002")
    window.open_household(hid)
    window.services.registry.update_field(entity="household", entity_id=hid, key="household.phone",
                                          value="13912345678", reason="电话变更")
    with qtbot.waitSignal(window.table_model.loaded, timeout=5000):
        window.refresh()
    wait_loaded(qtbot, window)
    assert window.current_household_id() == hid
    history = window.detail.history_model
    assert history.rowCount() == 1
    assert history.index(0, 5).data() == "13912345678"
    assert history.index(0, 6).data() == "电话变更"


def test_the_demo_county_is_marked_as_demo_and_a_real_county_is_not(qtbot, make_window,  # type: ignore[no-untyped-def]
                                                                     county_db) -> None:
    """Issue 15 §3: the demo county is marked as demo wherever the window names the database."""
    window = make_window(county_db)
    assert not window.demo_label.isVisible() and "演示县" not in window.windowTitle()
    county_db.set_meta("demo", "{}")
    demo = make_window(county_db)
    assert demo.demo_label.isVisible() and demo.demo_label.text() == "演示县：数据为虚构"
    assert "（演示县）" in demo.windowTitle()
