"""The import wizard: file, column mapping (remembered), dry run, import off the GUI thread, result."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QWizard

from povdesk.errors import Cancelled
from povdesk.services.database import Database
from povdesk.services.facade import Services
from povdesk.services.importer import ImportService
from povdesk.ui.import_wizard import ColumnMappingModel, ImportWizard, IssueModel
from povdesk.ui.tasks import wait_for_tasks
from tests.exchange.rosters import PERSON_HEADER, col, person_rows, write_xlsx
from tests.services.test_importer import snapshot


def roster_with_extra_column(tmp_path: Path, *, bad: bool = False) -> Path:
    header = [*PERSON_HEADER, "成员手机"]
    rows = [[*r, "13812345678"] for r in person_rows()]
    if bad:
        rows[0][col("证件号码")] = 5.13437e17
    return write_xlsx(tmp_path / "roster.xlsx", header, rows)


@pytest.fixture
def wizard(qtbot, db: Database, tmp_path: Path):  # type: ignore[no-untyped-def]
    made: list[ImportWizard] = []

    def make(path: Path, source: Database = db) -> ImportWizard:
        w = ImportWizard(services=Services(db=source), path=path)
        qtbot.addWidget(w)
        w.show()
        made.append(w)
        return w

    yield make
    wait_for_tasks()


def wait_task(qtbot, page) -> None:  # type: ignore[no-untyped-def]
    if page.task is not None and page.task.running:
        with qtbot.waitSignal(page.task.ended, timeout=20_000):
            pass


def test_models_pass_the_model_tester(qtmodeltester, db: Database, tmp_path: Path) -> None:
    preview = ImportService(db=db).inspect(roster_with_extra_column(tmp_path))
    mapping = ColumnMappingModel()
    mapping.set_columns(preview)
    qtmodeltester.check(mapping)
    issues = IssueModel()
    result = ImportService(db=db).preview(roster_with_extra_column(tmp_path, bad=True))
    issues.set_issues(result.errors)
    qtmodeltester.check(issues)
    assert issues.rowCount() == 1


def test_whole_wizard_maps_previews_imports_and_saves_the_report(qtbot, wizard, db: Database,
                                                                 tmp_path: Path) -> None:
    w = wizard(roster_with_extra_column(tmp_path, bad=True))
    imported: list[Any] = []
    w.imported.connect(imported.append)
    w.next()
    assert w.currentPage() is w.mapping_page
    model = w.mapping_page.model
    headers = [model.index(r, 0).data() for r in range(model.rowCount())]
    row = headers.index("成员手机")
    assert model.index(row, 2).data() == "unknown"
    assert "1 unknown" in w.mapping_page.layout_label.text()
    assert model.setData(model.index(row, 1), "member.phone")
    w.next()
    assert ImportService(db=db).header_mappings()["成员手机"] == "member.phone"  # remembered
    assert w.currentPage() is w.preview_page
    wait_task(qtbot, w.preview_page)
    assert w.preview.households_new == 2 and w.preview.households_skipped == ("51343720420100001",)
    assert w.preview_page.isComplete()
    assert w.preview_page.issues.rowCount() == 1
    assert snapshot(db)["household"] == []  # a dry run wrote nothing
    with qtbot.waitSignal(w.imported, timeout=20_000):
        w.next()
    wait_task(qtbot, w.run_page)
    assert w.currentPage() is w.result_page
    assert imported and imported[0].households_new == 2 and imported[0].members_new == 4
    assert w.result_page.report_button.isEnabled()
    out = tmp_path / "report.xlsx"
    with qtbot.waitSignal(w.result_page.save_report(out).ended, timeout=20_000):
        pass
    ws = openpyxl.load_workbook(out)["错误报告"]
    assert "无法恢复" in ws.cell(2, len(PERSON_HEADER) + 2).value
    with db.reading() as s:
        from sqlalchemy import select

        from povdesk.db.models import Member
        assert set(s.scalars(select(Member.phone))) == {"13812345678"}


def test_a_bad_file_keeps_the_wizard_on_the_first_page(wizard, tmp_path: Path) -> None:
    path = tmp_path / "x.xlsx"
    path.write_bytes(b"hello")
    w = wizard(path)
    w.next()
    assert w.currentPage() is w.file_page
    assert "x.xlsx" in w.file_page.error_label.text()


def test_cancel_during_import_leaves_the_database_untouched(qtbot, wizard, county_db: Database,
                                                            tmp_path: Path,
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    started = threading.Event()
    original = ImportService.run

    def slow_run(self, path, **kw):  # type: ignore[no-untyped-def]
        if kw.get("dry_run"):
            return original(self, path, **kw)
        started.set()
        cancel = kw["cancel"]
        for _ in range(2000):  # the worker waits until the user pressed cancel
            if cancel():
                break
            threading.Event().wait(0.005)
        return original(self, path, **kw)

    monkeypatch.setattr(ImportService, "run", slow_run)
    rows = person_rows()
    for r in rows:
        r[col("户编号")] = r[col("户编号")].replace("201000", "201900")  # new, of the county's length
    path = write_xlsx(tmp_path / "new.xlsx", PERSON_HEADER, rows)
    before = snapshot(county_db)
    w = wizard(path, county_db)
    w.next()
    w.next()
    wait_task(qtbot, w.preview_page)
    w.next()
    assert w.currentPage() is w.run_page
    assert started.wait(10)
    with qtbot.waitSignal(w.run_page.task.cancelled, timeout=20_000):
        qtbot.mouseClick(w.run_page.cancel_button, Qt.MouseButton.LeftButton)
    assert isinstance(w.run_page.task.error, Cancelled)
    assert "Nothing was changed" in w.run_page.status.text()
    assert w.import_result is None
    assert snapshot(county_db) == before


def test_main_window_data_menu_imports_and_refreshes(qtbot, make_window, county_db: Database,
                                                     tmp_path: Path) -> None:
    window = make_window(county_db, "en")
    actions = {a.objectName(): a for a in window.menus["data"].actions()}
    assert {"importRosterAction", "exportRosterAction"} <= set(actions)
    actions["importRosterAction"].trigger()
    w = window._import_wizard
    assert isinstance(w, QWizard)
    rows = person_rows()
    for r in rows:
        r[col("户编号")] = r[col("户编号")].replace("201000", "201700")  # new, of the county's length
    w.file_page.path_edit.setText(str(write_xlsx(tmp_path / "more.xlsx", PERSON_HEADER, rows)))
    before = window.table_model.rowCount()
    w.next()
    w.next()
    wait_task(qtbot, w.preview_page)
    with qtbot.waitSignal(window.table_model.loaded, timeout=20_000):
        w.next()
    assert window.table_model.rowCount() == before + 3
    w.close()


def test_the_preview_lists_notices_after_the_errors(qtbot, wizard, tmp_path: Path) -> None:
    rows = person_rows()
    rows[3][col("证件号码")] = 5.13437e17  # an error in household 2
    path = write_xlsx(tmp_path / "twice.xlsx", PERSON_HEADER, [*rows, rows[0]])  # and a row again
    w = wizard(path)
    w.next()
    w.next()
    wait_task(qtbot, w.preview_page)
    issues = w.preview_page.issues
    assert [issues.index(r, 0).data() for r in range(issues.rowCount())] == [5, 9]
    assert "repeats row 2" in issues.index(1, 3).data()
    labels = w.preview_page.summary.values
    notices = next(label for label in labels if label.startswith("Notices"))
    assert labels[notices].text() == "1"


def test_preview_lists_each_change_old_to_new_and_the_result_says_what_the_checks_found(  # type: ignore[no-untyped-def]
        qtbot, wizard, db: Database, tmp_path: Path) -> None:
    from tests.exchange.rosters import pid

    ImportService(db=db).run(write_xlsx(tmp_path / "first.xlsx", PERSON_HEADER, person_rows()))
    rows = person_rows()
    rows[1][col("证件号码")] = pid(19)  # 沙马阿依莫's ID number changes: an identity change
    rows[3][col("民族")] = "汉族"
    rows[5][col("务工时间（月）")] = 14  # more months than a year has: a check finds it
    w = wizard(write_xlsx(tmp_path / "second.xlsx", PERSON_HEADER, rows))
    w.next()
    w.next()
    wait_task(qtbot, w.preview_page)
    page = w.preview_page
    changes = page.tabs.changes
    assert changes.model.rowCount() == 2  # the changed ID number is not a field change: for review
    shown = {tuple(changes.model.index(r, c).data() for c in range(5)) for r in range(2)}
    assert ("51343720420100002", "曲比阿呷", "Ethnicity", "Yi", "Han") in shown  # labels, old -> new
    changes.filter.setText("曲比")  # filterable before anything is written
    assert changes.shown() == 1
    assert page.tabs.identity.model.rowCount() == 1 and page.tabs.currentIndex() == 1
    assert "1 identity changes will be sent for review" in page.identity_label.text()
    with qtbot.waitSignal(w.checked, timeout=20_000) as checked:
        w.next()
    result_page = w.result_page
    assert w.currentPage() is result_page
    run = checked.args[0]
    assert run.households == 2 and run.opened >= 1  # the household whose only change waits for review: none
    assert f"{run.opened} problems opened" in result_page.checks_label.text()
    assert result_page.tabs.identity.model.rowCount() == 1
    assert "1 identity changes were sent for review" in result_page.identity_label.text()
    assert not any("to be cleared" in label for label in result_page.summary.values)
