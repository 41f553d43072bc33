"""The dashboard as a clerk meets it: the window's first view, following the tree, every bar a way
into the household list."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from PySide6.QtCore import QItemSelectionModel, QPoint, QPointF, Qt
from PySide6.QtWidgets import QTabWidget

from povdesk.ui.dashboard import DrillDown
from povdesk.ui.household_table import COLUMNS
from tests.ui.conftest import wait_loaded


def _loaded(qtbot, window):  # type: ignore[no-untyped-def]
    view = window.dashboard
    if view.board is None or view.loading:
        with qtbot.waitSignal(view.loaded, timeout=10_000):
            pass
    if view.board.compliance is None:
        with qtbot.waitSignal(view.compliance_loaded, timeout=10_000):
            pass
    return view


def _bar_position(view, key: str, category: str, value: float) -> QPoint:  # type: ignore[no-untyped-def]
    """Where a horizontal bar of `category` is drawn, at `value`, in the chart view's viewport."""
    chart_view = view.views[key]
    chart = chart_view.chart()
    (axis,) = [a for a in chart.axes(Qt.Orientation.Vertical)]
    index = list(axis.categories()).index(category)
    scene = chart.mapToPosition(QPointF(value, index + 0.1), chart_view.series)
    return chart_view.mapFromScene(scene)


def test_the_dashboard_is_the_first_view_and_shows_the_county(qtbot, make_window, county_db):
    window = make_window(county_db, "en", first_view=True)
    view = _loaded(qtbot, window)
    tabs = window.findChild(QTabWidget, "centralTabs")
    assert tabs.currentWidget() is view
    board = view.board
    assert board.households == 6
    assert "雷波县" in view.title.text()
    assert "6 households" in view.summary.text()
    status = view.views["status"].chart()
    assert status.title() == "Households and people by poverty status"
    (axis,) = status.axes(Qt.Orientation.Vertical)
    assert set(axis.categories()) == {c.label_en for c in board.by_status}
    assert view.views["compliance"].chart().title().startswith("Two assurances, three guarantees (")
    assert view.queue_buttons["awaiting_review"].text() == "Awaiting review 0"


def test_a_click_on_a_bar_opens_the_list_filtered(qtbot, make_window, county_db):
    window = make_window(county_db, "en", first_view=True)
    view = _loaded(qtbot, window)
    qtbot.waitExposed(view.views["status"])
    counts = max(view.board.by_status, key=lambda c: c.households)
    pos = _bar_position(view, "status", counts.label_en, counts.households / 2)
    with qtbot.waitSignal(view.drill_down, timeout=5000) as blocker:
        qtbot.mouseClick(view.views["status"].viewport(), Qt.MouseButton.LeftButton, pos=pos)
    criteria = blocker.args[0]
    assert criteria == DrillDown(status=counts.code, title=counts.label_en)
    # the window shows the household list, filtered by that status
    wait_loaded(qtbot, window)
    tabs = window.findChild(QTabWidget, "centralTabs")
    assert tabs.currentWidget() is window.right_splitter
    assert window.table_model.query.status == counts.code
    assert window.table_model.rowCount() == counts.households
    status_col = next(i for i, c in enumerate(COLUMNS) if c[0] == "status")
    shown = {window.table_model.index(r, status_col).data() for r in range(window.table_model.rowCount())}
    assert len(shown) == 1


def test_the_dashboard_follows_the_tree(qtbot, make_window, county_db):
    window = make_window(county_db, "zh_CN", first_view=True)
    view = _loaded(qtbot, window)
    village = next(v for v in view.board.villages if v.name == "八合村")
    index = window.navigator_model.index_of("village", village.village_id)
    with qtbot.waitSignal(view.loaded, timeout=10_000):
        window.navigator.selectionModel().setCurrentIndex(
            index, QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows)
    assert view.board.scope.village_id == village.village_id
    assert view.board.households == 3
    assert "八合村" in view.title.text() and "数据总览" in view.title.text()
    assert [v.name for v in view.board.villages] == ["八合村"]


def test_drill_down_criteria_are_the_lists_filter() -> None:
    criteria = DrillDown(village_id=7, township_id=2, status="0", attribute="01", problems="error",
                         exit_year=2018, household_ids=(3, 5))
    f = criteria.to_filter()
    assert (f.village_id, f.township_id, f.status, f.attribute) == (7, None, "0", "01")
    assert (f.open_problems, f.problem_severity, f.exit_year, f.household_ids) == (True, "error", 2018, (3, 5))
    assert DrillDown(problems="any").to_filter().problem_severity is None


@pytest.mark.tools("pdftotext")
def test_the_pdf_report_from_the_dashboard(qtbot, make_window, county_db, tmp_path: Path):
    window = make_window(county_db, "en", first_view=True)
    view = _loaded(qtbot, window)
    target = tmp_path / "看板.pdf"
    task = view.write_pdf(str(target))
    with qtbot.waitSignal(task.ended, timeout=20_000):
        pass
    text = subprocess.run(["pdftotext", "-layout", str(target), "-"], capture_output=True, text=True,
                          check=True).stdout
    assert "雷波县脱贫攻坚数据看板" in text
    assert "在册 6 户" in text
    pages = subprocess.run(["pdfinfo", str(target)], capture_output=True, text=True, check=True).stdout
    assert "Pages:           1" in pages


def test_a_figure_of_households_opens_exactly_those(qtbot, make_window, county_db):
    """An indicator not met drills down to its households; the list's title names the figure."""
    from povdesk.ui.dashboard import open_drill_down

    window = make_window(county_db, "en", first_view=True)
    _loaded(qtbot, window)
    wait_loaded(qtbot, window)
    first = window.table_model.household_id(0)
    open_drill_down(window, DrillDown(household_ids=(first,), title="Safe housing not met"))
    wait_loaded(qtbot, window)
    assert window.table_model.rowCount() == 1 and window.table_model.household_id(0) == first
    assert window.place_label.text() == "Safe housing not met"


def test_the_pdf_is_offered_in_documents_under_a_safe_name(qtbot, make_window, county_db, monkeypatch):
    """A place's name is data: a separator in it never reaches the suggested path."""
    from dataclasses import replace as _replace

    from PySide6.QtCore import QStandardPaths
    from PySide6.QtWidgets import QFileDialog

    window = make_window(county_db, "zh_CN", first_view=True)
    view = _loaded(qtbot, window)
    view.board = _replace(view.board, name_zh="../八合/村")
    offered: list[str] = []
    monkeypatch.setattr(QFileDialog, "getSaveFileName",
                        staticmethod(lambda *args: (offered.append(args[2]), ("", ""))[1]))
    view.export_pdf()
    suggested = Path(offered[0])
    documents = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
    assert str(suggested.parent) == str(Path(documents)) and suggested.suffix == ".pdf"
    assert "/" not in suggested.name and ".." not in suggested.name and "八合" in suggested.name


def test_a_scope_being_read_is_not_read_again(qtbot, make_window, county_db, monkeypatch):
    window = make_window(county_db, "en", first_view=True)
    view = _loaded(qtbot, window)
    dashboard = window.services.dashboard
    reads: list[object] = []
    overview = dashboard.overview

    def counted(scope, **kwargs):  # type: ignore[no-untyped-def]
        reads.append(scope)
        return overview(scope, **kwargs)

    monkeypatch.setattr(dashboard, "overview", counted)
    view.board = None  # as at the start: nothing shown yet
    view.reload()
    with qtbot.waitSignal(view.loaded, timeout=10_000):
        view.set_scope(view.scope)  # the tree setting its current place while the county is read
    assert reads == [view.scope]
    _loaded(qtbot, window)
