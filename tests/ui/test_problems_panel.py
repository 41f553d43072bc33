"""The problems panel: model checked by qtmodeltester, filters, a run off the GUI thread,
accepting an exception, double click opening the household, the year settings dialog."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from openpyxl import load_workbook
from PySide6.QtCore import Qt
from sqlalchemy import select

from povdesk.db.models import Household
from povdesk.errors import InvalidValue
from povdesk.services.checks import ProblemQuery
from povdesk.services.database import Database
from povdesk.services.facade import Services
from povdesk.ui.problems_panel import ProblemsPanel, ProblemTreeModel
from povdesk.ui.tasks import wait_for_tasks


def shown(panel: ProblemsPanel) -> list:  # type: ignore[type-arg]
    """Every problem the panel lists, expanding each rule (its villages are read then)."""
    model, out = panel.model, []
    for r in range(model.rowCount()):
        rule = model.index(r, 0)
        model.fetchMore(rule)
        for v in range(model.rowCount(rule)):
            place = model.index(v, 0, rule)
            out += [model.problem(model.index(i, 0, place)) for i in range(model.rowCount(place))]
    return out


def select_first(panel: ProblemsPanel) -> None:
    """Select the first problem of the first rule's first village."""
    rule = panel.model.index(0, 0)
    panel.view.expand(rule)
    panel.model.fetchMore(rule)
    place = panel.model.index(0, 0, rule)
    panel.view.expand(place)
    panel.view.clearSelection()
    panel.view.setCurrentIndex(panel.model.index(0, 0, place))


@pytest.fixture
def services(county_db: Database) -> Services:
    s = Services(db=county_db)
    s.checks.run()
    return s


def test_model_passes_qtmodeltester(services: Services, qtmodeltester) -> None:  # type: ignore[no-untyped-def]
    model = ProblemTreeModel()
    queries = services.problem_queries
    model.set_groups(queries, ProblemQuery(), queries.rule_counts())
    qtmodeltester.check(model)
    assert model.total() == len(services.checks.problems()) > 0


def test_filters_narrow_the_list(qtbot, services: Services) -> None:  # type: ignore[no-untyped-def]
    panel = ProblemsPanel(services=services)
    qtbot.addWidget(panel)
    total = panel.model.total()
    assert len(shown(panel)) == total
    panel.severity.setCurrentIndex(panel.severity.findData("error"))
    assert panel.model.total() == 1 and shown(panel)[0].rule == "EXIT-001"
    panel.severity.setCurrentIndex(0)
    panel.rule.setCurrentIndex(panel.rule.findData("LAB-010"))
    assert panel.model.total() == total - 2  # all but EXIT-001 and EXIT-008
    panel.rule.setCurrentIndex(0)
    panel.village.setCurrentIndex(panel.village.findText("帕哈乡 试点村"))
    rows = shown(panel)
    assert rows and {p.village for p in rows} == {"试点村"} and len(rows) < total
    panel.set_village(None)
    assert panel.model.total() == total
    # a township narrows the list and the village filter to its villages
    panel.township.setCurrentIndex(panel.township.findText("帕哈乡"))
    rows = shown(panel)
    assert rows and {p.township for p in rows} == {"帕哈乡"} and len(rows) < total
    assert panel.village.count() > 1 and all(" " not in panel.village.itemText(i) for i in range(1, panel.village.count()))
    other = next(p for p in services.checks.problems() if p.township != "帕哈乡")
    with services.db.reading() as s:
        other_village = s.scalar(select(Household.village_id).where(Household.id == other.household_id))
    panel.set_village(other_village)  # a village elsewhere: the township filter lets go
    assert panel.township.currentData() is None and panel.village.currentData() == other_village


def test_run_accept_and_open(qtbot, services: Services) -> None:  # type: ignore[no-untyped-def]
    panel = ProblemsPanel(services=services)
    qtbot.addWidget(panel)
    with qtbot.waitSignal(panel.checks_ran, timeout=10_000) as ran:
        panel.run_checks()
    wait_for_tasks()
    assert ran.args[0].households == 6 and ran.args[0].opened == 0
    panel.rule.setCurrentIndex(panel.rule.findData("EXIT-001"))
    select_first(panel)
    assert not panel.accept_button.isEnabled() and panel.accept_button.toolTip()  # a clerk
    services.users.save(services.db.user, role="reviewer")
    select_first(panel)
    assert panel.accept_button.isEnabled()
    panel.accept_selected("已入户核实")
    assert panel.model.total() == 0  # the default filter shows open problems only
    panel.status.setCurrentIndex(panel.status.findData("accepted"))
    assert shown(panel)[0].resolution == "已入户核实"
    select_first(panel)
    assert panel.reopen_button.isEnabled() and not panel.accept_button.isEnabled()
    panel.remark_selected("村里已核实，户主在外务工")
    assert shown(panel)[0].remark == "村里已核实，户主在外务工"
    row = panel.view.currentIndex()  # still selected after the reload: its rule and village expanded
    column = panel.model.COLUMNS.index("resolution")
    assert row.siblingAtColumn(column).data().startswith("已入户核实 — ")
    accepted_id = shown(panel)[0].id
    assert panel.selected_problem() is not None and panel.selected_problem().id == accepted_id
    tip = row.data(Qt.ItemDataRole.ToolTipRole)
    assert "Open → Accepted: 已入户核实" in tip and "tester: 村组备注：村里已核实" in tip  # the history
    with pytest.raises(InvalidValue):
        services.checks.set_remark(accepted_id, "长" * 201)  # refused, not cut
    panel.reopen_selected("核实有误")
    assert panel.model.total() == 0 and services.checks.problem(accepted_id).status == "open"
    panel.status.setCurrentIndex(panel.status.findData("open"))
    select_first(panel)
    with qtbot.waitSignal(panel.problem_activated) as opened:
        panel._activated(panel.view.currentIndex())
    assert opened.args == [panel.selected_problem().household_id, "income.per_capita_net", None]


def test_export_writes_the_shown_problems(qtbot, services: Services, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    panel = ProblemsPanel(services=services)
    qtbot.addWidget(panel)
    path = panel.export_list(str(tmp_path / "list.xlsx"))
    ws = load_workbook(path)["问题清单"]
    assert ws.max_row - 3 == panel.model.total()


def test_window_has_the_dock_and_double_click_opens_the_household(make_window, county_db: Database, qtbot) -> None:  # type: ignore[no-untyped-def]
    services = Services(db=county_db)
    services.checks.run()
    window = make_window(services, "en")
    panel = window.problems_panel
    qtbot.waitUntil(lambda: panel.model.total() > 0, timeout=5000)  # counted once the list shows
    assert window.actions_by_name["run_checks"] in window.menus["checks"].actions()
    panel.rule.setCurrentIndex(panel.rule.findData("EXIT-001"))
    select_first(panel)
    problem = panel.selected_problem()
    panel._activated(panel.view.currentIndex())
    qtbot.waitUntil(lambda: window.detail.household_id() == problem.household_id, timeout=5000)
    assert window.detail.highlighted_field() == "income.per_capita_net"


def test_year_settings_dialog_saves_an_edited_line(qtbot, services: Services) -> None:  # type: ignore[no-untyped-def]
    from povdesk.ui.year_settings_dialog import COLUMNS, YearSettingsDialog

    dialog = YearSettingsDialog(services=services)
    qtbot.addWidget(dialog)
    row = next(r for r in range(dialog.table.rowCount()) if dialog.table.item(r, 0).text() == "2019")
    col = {key: c for c, key in enumerate(COLUMNS)}
    assert dialog.table.item(row, 1).text() == "3750" and "[L]" in dialog.table.item(row, col["source"]).text()
    assert dialog.table.item(row, col["working_age_to"]).text() == "60"
    assert dialog.table.item(row, col["school_age_date"]).text() in ("", "2019-09-01")  # empty: 1 September
    dialog.table.item(row, 1).setText("4,000")
    dialog.table.item(row, col["reference_date"]).setText("2019-08-31")
    dialog.table.item(row, col["working_age_to"]).setText("65")
    dialog.table.item(row, col["school_age_date"]).setText("2019-08-31")
    dialog.table.item(row, col["village_exit_incidence"]).setText("2")
    with qtbot.waitSignal(dialog.saved) as saved:
        dialog.save()
    assert saved.args == [[2019]]
    got = services.year_settings.get(2019)
    assert got.exit_income_line == 4000 and got.reference_date == dt.date(2019, 8, 31)
    assert (got.working_age_to, got.school_age_date, got.village_exit_incidence) == (65, dt.date(2019, 8, 31), 2)


def test_year_settings_dialog_names_the_cell_of_a_bad_value(qtbot, services: Services) -> None:  # type: ignore[no-untyped-def]
    from povdesk.ui.year_settings_dialog import YearSettingsDialog

    dialog = YearSettingsDialog(services=services)
    qtbot.addWidget(dialog)
    row = next(r for r in range(dialog.table.rowCount()) if dialog.table.item(r, 0).text() == "2019")
    dialog.table.item(row, 1).setText("abc")
    with pytest.raises(InvalidValue) as bad:
        dialog.changes()
    assert bad.value.en.startswith("2019, Exit income line (yuan): 'abc'")
    assert services.year_settings.get(2019).exit_income_line == 3750


def test_grouped_counts_match_sql_and_rows_are_paged(qtbot, db: Database, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """A thin roster without the medical insurance columns: HLT-001 fires on every member. The
    panel opens with one row per rule (its count from SQL, the avalanche said on the row), reads a
    rule's villages when it is expanded and a village's problems a page at a time."""
    from sqlalchemy import func, update

    from povdesk.db.models import Member, Problem
    from povdesk.demo.service import DemoService
    from povdesk.services.checks import CheckService
    from povdesk.ui.problems_panel import PAGE_SIZE

    DemoService(db=db).build(households=150, seed=2)
    with db.transaction() as s:
        s.execute(update(Member).values(ins_medical=None, ins_employee_medical=None))
    services = Services(db=db)
    services.checks.run()
    with db.reading() as s:
        by_rule = dict(s.execute(select(Problem.rule, func.count()).join(Household, Household.id == Problem.household_id)
                                 .where(Problem.status == "open", Household.active.is_(True)).group_by(Problem.rule)).all())
    monkeypatch.setattr(CheckService, "problems", lambda *_a, **_k: pytest.fail("every problem was read"))
    monkeypatch.setattr(CheckService, "problem_ids", lambda *_a, **_k: pytest.fail("every id was read"))
    pages: list[int] = []
    rows = CheckService.problem_rows
    monkeypatch.setattr(CheckService, "problem_rows", lambda self, ids: pages.append(len(ids)) or rows(self, ids))

    panel = ProblemsPanel(services=services)
    qtbot.addWidget(panel)
    panel.resize(1200, 400)
    panel.show()
    qtbot.waitExposed(panel)
    model = panel.model
    assert model.rule_counts() == by_rule and model.total() == sum(by_rule.values()) > 3 * PAGE_SIZE
    assert pages == []  # the grouped view reads no problem
    [group] = model.groups
    assert group.rule == "HLT-001" and group.scope == "member" and group.share == 1.0
    hlt = model.rule_index("HLT-001")
    assert hlt.siblingAtColumn(model.COLUMNS.index("count")).data() == f"{by_rule['HLT-001']:,}"
    text = hlt.siblingAtColumn(model.COLUMNS.index("message")).data()
    assert text.endswith(f"HLT-001 fires on 100 % of members ({group.fired:,} of {group.population:,}): "
                         "the column may be missing from the import")
    assert "import file" in hlt.data(Qt.ItemDataRole.ToolTipRole)
    assert f"{model.total():,}" in panel.summary.text()
    # expanding the rule reads its villages, with counts adding up to the rule's
    panel.view.expand(hlt)
    assert model.rowCount(hlt) > 0 and not model.canFetchMore(hlt)
    places = [model.index(r, 0, hlt) for r in range(model.rowCount(hlt))]
    assert sum(model.place_of(i).count for i in places) == by_rule["HLT-001"]
    # a village's rows: a page read as they are shown, never the whole list
    biggest = max(places, key=lambda i: model.place_of(i).count)
    panel.view.expand(biggest)
    n = model.rowCount(biggest)
    assert n == model.place_of(biggest).count
    first = model.problem(model.index(0, 0, biggest))
    last = model.problem(model.index(n - 1, 0, biggest))
    assert first.rule == last.rule == "HLT-001" and first.village == model.place_of(biggest).village
    assert pages and max(pages) <= PAGE_SIZE and sum(pages) < model.total()
    assert panel.select_problem(last.id) and panel.selected_problem() == last


def test_the_panel_follows_the_selection_with_all_one_click_away(make_window, county_db: Database, qtbot) -> None:  # type: ignore[no-untyped-def]
    services = Services(db=county_db)
    services.checks.run()
    window = make_window(services, "en")
    panel = window.problems_panel
    qtbot.waitUntil(lambda: panel.model.total() > 0, timeout=5000)  # counted once the list shows
    total = panel.model.total()
    assert panel.scope.text() == "Whole county" and not panel.all_button.isEnabled()
    # a village in the navigator: its problems only
    village = next(p for p in shown(panel) if p.village == "试点村")
    with county_db.reading() as s:
        village_id = s.scalar(select(Household.village_id).where(Household.id == village.household_id))
    nav = window.navigator_model
    window.navigator.setCurrentIndex(nav.index_of("village", village_id))
    expected = services.problem_queries.rule_counts(ProblemQuery(village_id=village_id))
    assert panel.model.total() == sum(c.count for c in expected) < total
    assert {p.village for p in shown(panel)} == {"试点村"} and panel.scope.text().endswith("试点村")
    # "All", one click
    qtbot.mouseClick(panel.all_button, Qt.MouseButton.LeftButton)
    assert panel.model.total() == total and panel.scope.text() == "Whole county"
    # a household the user picks in the list
    row = window.table_model.row_of(village.household_id)
    window.table.setFocus()
    qtbot.waitUntil(window.table.hasFocus, timeout=2000)
    window.table.setCurrentIndex(window.table_model.index(row, 0))
    assert {p.household_id for p in shown(panel)} == {village.household_id}
    assert panel.scope.text().startswith("Household ")
    # not following: the navigator no longer narrows the panel
    panel.follow.setChecked(False)
    panel.show_all()
    window.navigator.setCurrentIndex(nav.index_of("village", village_id))
    assert panel.model.total() == total
    # the last column is not cut off: it takes the width left
    assert panel.view.header().stretchLastSection()
