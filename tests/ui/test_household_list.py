"""The household list as a clerk uses it (issue 13 §2, §3): the last 6 ID digits quoted on the
phone find the household and say which member; the filter bar; the export; a drill-down."""

from __future__ import annotations

from pathlib import Path

import openpyxl

from povdesk.services.registry import HouseholdFilter
from povdesk.ui import list_filters
from povdesk.ui.household_table import COLUMNS
from povdesk.ui.tasks import wait_for_tasks

NAME = next(i for i, c in enumerate(COLUMNS) if c[0] == "head_name")


def test_typing_the_last_6_id_digits_finds_the_household_and_names_the_member(qtbot, make_window, county_db):
    window = make_window(county_db)
    hid = window.services.registry.household_ids(window.table_model.query)[0]
    child = window.services.registry.household(hid).members[2]
    with qtbot.waitSignal(window.table_model.loaded, timeout=5000):
        window.search.clear()
        qtbot.keyClicks(window.search, child["id_number"][-6:])
    model = window.table_model
    assert hid in model.ids
    shown = model.index(model.row_of(hid), NAME).data()
    head = window.services.registry.household(hid).household["head_name"]
    assert shown == f"{head} (匹配: {child['name']})"


def test_filter_bar_narrows_the_list_and_exports_it(qtbot, make_window, county_db, tmp_path: Path):
    window = make_window(county_db)
    bar = window.list_filters
    with qtbot.waitSignal(window.table_model.loaded, timeout=5000) as blocker:
        bar.status.setCurrentIndex(bar.status.findData("1"))
    assert blocker.args == [3]
    assert window.table_model.query.status == "1"
    out = tmp_path / "list.xlsx"
    list_filters.save_list(window, out)
    wait_for_tasks()
    book = openpyxl.load_workbook(out, read_only=True)
    rows = list(book.active.iter_rows(values_only=True))
    book.close()
    assert len(rows) == 1 + 3
    with qtbot.waitSignal(window.table_model.loaded, timeout=5000):
        window.show_households(HouseholdFilter(status="0", attribute="01"))  # a dashboard's drill-down
    assert (bar.status.currentData(), bar.attribute.currentData()) == ("0", "01")
    assert window.table_model.rowCount() == 3
