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
from povdesk.services.database import Database
from povdesk.services.facade import Services
from povdesk.ui.problems_panel import ProblemsPanel, ProblemTableModel
from povdesk.ui.tasks import wait_for_tasks


@pytest.fixture
def services(county_db: Database) -> Services:
    s = Services(db=county_db)
    s.checks.run()
    return s


def test_model_passes_qtmodeltester(services: Services, qtmodeltester) -> None:  # type: ignore[no-untyped-def]
    model = ProblemTableModel()
    model.set_problems(services.checks.problems())
    qtmodeltester.check(model)
    assert model.rowCount() == len(services.checks.problems()) > 0


def test_filters_narrow_the_list(qtbot, services: Services) -> None:  # type: ignore[no-untyped-def]
    panel = ProblemsPanel(services=services)
    qtbot.addWidget(panel)
    total = panel.model.rowCount()
    panel.severity.setCurrentIndex(panel.severity.findData("error"))
    assert panel.model.rowCount() == 1 and panel.model.problem(0).rule == "EXIT-001"
    panel.severity.setCurrentIndex(0)
    panel.rule.setCurrentIndex(panel.rule.findData("LAB-010"))
    assert panel.model.rowCount() == total - 2  # all but EXIT-001 and EXIT-008
    panel.rule.setCurrentIndex(0)
    panel.village.setCurrentIndex(panel.village.findText("帕哈乡 试点村"))
    rows = [panel.model.problem(r) for r in range(panel.model.rowCount())]
    assert rows and {p.village for p in rows} == {"试点村"} and len(rows) < total
    panel.set_village(None)
    assert panel.model.rowCount() == total
    # a township narrows the list and the village filter to its villages
    panel.township.setCurrentIndex(panel.township.findText("帕哈乡"))
    rows = [panel.model.problem(r) for r in range(panel.model.rowCount())]
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
    panel.view.selectRow(0)
    assert not panel.accept_button.isEnabled() and panel.accept_button.toolTip()  # a clerk
    services.users.save(services.db.user, role="reviewer")
    panel.view.clearSelection()
    panel.view.selectRow(0)
    assert panel.accept_button.isEnabled()
    panel.accept_selected("已入户核实")
    assert panel.model.rowCount() == 0  # the default filter shows open problems only
    panel.status.setCurrentIndex(panel.status.findData("accepted"))
    assert panel.model.problem(0).resolution == "已入户核实"
    panel.view.selectRow(0)
    assert panel.reopen_button.isEnabled() and not panel.accept_button.isEnabled()
    panel.remark_selected("村里已核实，户主在外务工")
    assert panel.model.problem(0).remark == "村里已核实，户主在外务工"
    column = panel.model.COLUMNS.index("resolution")
    assert panel.model.index(0, column).data().startswith("已入户核实 — ")
    accepted_id = panel.model.problem(0).id
    assert panel.selected_problem() is not None and panel.selected_problem().id == accepted_id  # still selected
    tip = panel.model.index(0, 0).data(Qt.ItemDataRole.ToolTipRole)
    assert "Open → Accepted: 已入户核实" in tip and "tester: 村组备注：村里已核实" in tip  # the history
    with pytest.raises(InvalidValue):
        services.checks.set_remark(accepted_id, "长" * 201)  # refused, not cut
    panel.reopen_selected("核实有误")
    assert panel.model.rowCount() == 0 and services.checks.problem(accepted_id).status == "open"
    panel.status.setCurrentIndex(panel.status.findData("open"))
    with qtbot.waitSignal(panel.problem_activated) as opened:
        panel._activated(panel.model.index(0, 0))
    assert opened.args == [panel.model.problem(0).household_id, "income.per_capita_net", None]


def test_export_writes_the_shown_problems(qtbot, services: Services, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    panel = ProblemsPanel(services=services)
    qtbot.addWidget(panel)
    path = panel.export_list(str(tmp_path / "list.xlsx"))
    ws = load_workbook(path)["问题清单"]
    assert ws.max_row - 3 == panel.model.rowCount()


def test_window_has_the_dock_and_double_click_opens_the_household(make_window, county_db: Database, qtbot) -> None:  # type: ignore[no-untyped-def]
    services = Services(db=county_db)
    services.checks.run()
    window = make_window(services, "en")
    panel = window.problems_panel
    assert window.actions_by_name["run_checks"] in window.menus["checks"].actions()
    panel.rule.setCurrentIndex(panel.rule.findData("EXIT-001"))
    problem = panel.model.problem(0)
    panel._activated(panel.model.index(0, 0))
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


def test_an_avalanche_is_one_grouped_line_and_rows_are_paged(qtbot, db: Database, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """A thin roster without the medical insurance columns: HLT-001 fires on every member. The
    panel shows it as one grouped line first, and reads the problems' rows a page at a time."""
    from sqlalchemy import update

    from povdesk.db.models import Member
    from povdesk.demo.service import DemoService
    from povdesk.services.checks import CheckService
    from povdesk.ui.problems_panel import PAGE_SIZE

    DemoService(db=db).build(households=150, seed=2)
    with db.transaction() as s:
        s.execute(update(Member).values(ins_medical=None, ins_employee_medical=None))
    services = Services(db=db)
    services.checks.run()
    opened = services.checks.count_problems(by="status")["open"]
    monkeypatch.setattr(CheckService, "problems", lambda *_a, **_k: pytest.fail("every problem was read"))
    pages: list[int] = []
    rows = CheckService.problem_rows
    monkeypatch.setattr(CheckService, "problem_rows", lambda self, ids: pages.append(len(ids)) or rows(self, ids))

    panel = ProblemsPanel(services=services)
    qtbot.addWidget(panel)
    panel.resize(1200, 400)
    panel.show()
    qtbot.waitExposed(panel)
    model = panel.model
    [group] = model.groups
    assert group.rule == "HLT-001" and group.scope == "member" and group.share == 1.0
    assert model.problem(0) is None and model.rowCount() == 1 + model.problem_count() == 1 + opened > 3 * PAGE_SIZE
    text = model.index(0, model.COLUMNS.index("message")).data()
    assert text == f"HLT-001 fires on 100 % of members ({group.fired:,} of {group.population:,}): " \
                   "the column may be missing from the import"
    assert model.index(0, 0).data() == "HLT-001" and "import file" in model.index(0, 0).data(Qt.ItemDataRole.ToolTipRole)
    assert model.index(1, 0).data() and model.problem(1) is not None  # the problems follow
    # only the rows shown were read: a page or two, never the whole list
    assert model.page_fetches <= 2 and pages and max(pages) <= PAGE_SIZE
    last = model.problem(model.rowCount() - 1)
    assert last is not None and model.page_fetches <= 3 and sum(pages) < opened
    assert panel.select_problem(last.id) and panel.selected_problem() == last
    assert "errors" in panel.summary.text() and f"{opened}" in panel.summary.text()
    # double click on the grouped line lists that rule's problems
    panel._activated(model.index(0, 0))
    assert panel.rule.currentData() == "HLT-001"
    assert model.problem_count() == group.fired and {model.problem(r).rule for r in range(1, 6)} == {"HLT-001"}
    # another rule: no grouped line
    panel.rule.setCurrentIndex(panel.rule.findData("EXIT-001"))
    assert model.groups == [] and model.problem_count() < 50
