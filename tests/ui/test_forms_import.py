"""Changes > Import filled forms…: filled comparison-table workbooks become draft corrections from the
window, the import running off the GUI thread (issue 11 §5)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook
from PySide6.QtGui import QAction

from povdesk.domain import changes as cr
from povdesk.errors import PovdeskError
from povdesk.services.printing import PrintSelection
from povdesk.ui.forms_import import FormsImportDialog, error_lines, import_filled_forms


def printed_workbook(services: Any, tmp_path: Path) -> Path:
    """The first two demo households' comparison tables as `forms --xlsx` writes them."""
    services.printing.print_batch(PrintSelection(household_ids=(1, 2)), pdf=tmp_path / "f.pdf",
                                  xlsx=tmp_path / "f.xlsx", mask_ids=True)
    return tmp_path / "f.xlsx"


def run_import(qtbot: Any, window: Any, path: Path) -> FormsImportDialog:
    task = import_filled_forms(window, path)
    with qtbot.waitSignal(task.ended, timeout=30_000):
        pass
    dialog = window._forms_import_dialog
    assert isinstance(dialog, FormsImportDialog)
    return dialog


def test_a_filled_workbook_becomes_drafts_shown_per_household_and_in_my_drafts(  # type: ignore[no-untyped-def]
        qtbot, login_as, make_window, tmp_path: Path) -> None:
    clerk = login_as("clerk")
    window = make_window(clerk, language="zh_CN")
    assert window.findChild(QAction, "importFilledForms") in window.menus["changes"].actions()
    wb = load_workbook(printed_workbook(clerk, tmp_path))
    wb.worksheets[1]["N9"] = "13700000000"  # 户联系电话 of the second household
    wb.save(tmp_path / "filled.xlsx")
    dialog = run_import(qtbot, window, tmp_path / "filled.xlsx")
    assert dialog.outcome is not None and len(dialog.outcome.created) == 1
    second = clerk.registry.household(2, history_limit=0).household["household_no"]
    row = [dialog.created.item(0, c).text() for c in range(5)]
    assert row[0] == second and row[2] == "1" and row[4].startswith("PD1-")
    assert "已生成 1 份更正草稿" in dialog.summary.text()
    request_id = dialog.outcome.created[0].change_id
    panel = window.changes_panel
    assert panel.ids("drafts") == [request_id]  # the queues reloaded
    dialog.open_row(0)  # what a double-click does: the draft in "my drafts"
    assert panel.current is not None and panel.current.id == request_id
    assert panel.current.source == "workbook" and panel.current.type == cr.CORRECT
    dialog.close()
    again = run_import(qtbot, window, tmp_path / "filled.xlsx")
    assert again.outcome is not None and again.outcome.created == () and again.skipped.rowCount() == 1
    assert panel.ids("drafts") == [request_id]


def test_a_workbook_with_bad_cells_shows_every_error_with_its_place_and_writes_nothing(  # type: ignore[no-untyped-def]
        qtbot, login_as, make_window, tmp_path: Path) -> None:
    clerk = login_as("clerk")
    window = make_window(clerk, language="en")
    wb = load_workbook(printed_workbook(clerk, tmp_path))
    wb.worksheets[0]["F10"] = "five"  # 家庭人口数: not a whole number
    wb.worksheets[1]["P21"] = "no pair here"  # a member cell takes FIELD: VALUE pairs
    wb.save(tmp_path / "bad.xlsx")
    dialog = run_import(qtbot, window, tmp_path / "bad.xlsx")
    lines = dialog.error_texts()
    assert len(lines) == 2, lines
    assert all(line.startswith("bad.xlsx, sheet ") for line in lines)
    assert "cell F10 (row 10), Household size" in lines[0] and "cell P21 (row 21)" in lines[1]
    assert "nothing was written: 2 errors" in dialog.summary.text()
    assert clerk.changes.list() == [] and window.changes_panel.ids("drafts") == []
    with pytest.raises(PovdeskError) as refused:
        clerk.changes.import_forms(tmp_path / "bad.xlsx")
    zh = error_lines(refused.value, "bad.xlsx", "zh_CN")
    assert len(zh) == 2 and all(line.startswith("文件“bad.xlsx”工作表") for line in zh)
