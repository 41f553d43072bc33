"""The window reads the dictionary's groups and translates the change journal's vocabulary."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt

from povdesk.domain import groups
from povdesk.domain.dictionary import Entity
from povdesk.services.database import Database
from povdesk.services.importer import ImportService
from povdesk.ui.household_table import COLUMNS
from tests.exchange.rosters import person_xlsx

SOURCE, FIELD = 2, 3  # History tab columns


def test_the_household_list_shows_the_groups_columns(make_window, county_db):
    assert [key for _attr, key, _sort, _numeric in COLUMNS] == list(groups.HOUSEHOLD_LIST)
    window = make_window(county_db, language="en")
    model = window.table_model
    titles = [model.headerData(c, Qt.Orientation.Horizontal) for c in range(model.columnCount())]
    assert titles[groups.HOUSEHOLD_LIST.keys.index(groups.CURRENT_MEMBERS)] == "Current members"
    assert titles[-1] == "Per-capita net income (yuan)"


def _history(window, household_no: str) -> list[tuple[str, str]]:  # type: ignore[no-untyped-def]
    window.open_household(window.services.registry.find_household_id(household_no))
    model = window.detail.history_model
    return [(model.index(r, SOURCE).data(), model.index(r, FIELD).data()) for r in range(model.rowCount())]


def test_an_import_shows_translated_in_the_history_tab(make_window, db: Database, tmp_path: Path):
    ImportService(db=db).run(person_xlsx(tmp_path / "a.xlsx"))
    number = "51343720420100001"
    chinese = make_window(db, language="zh_CN")
    assert _history(chinese, number) == [("省级数据导入", "导入新增户")]
    chinese.services.registry.update_field(
        entity=Entity.HOUSEHOLD, entity_id=chinese.services.registry.find_household_id(number),
        key="household.phone", value="13912345678", reason="电话变更")
    assert _history(chinese, number)[0] == ("手工修改", "户联系电话")
    english = make_window(db, language="en")
    assert _history(english, number) == [("Edit", "Household phone"),
                                         ("Provincial import", "Household added by import")]
