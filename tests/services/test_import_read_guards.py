"""The importer and what the readers guard: formulas saved without values, the wording of cleared
values, the office's own read limits (issue 9, items 7 and 11)."""

from __future__ import annotations

import json
from pathlib import Path

import openpyxl
import pytest
from sqlalchemy import select

from povdesk.config import Settings
from povdesk.db.models import Household, Income, Member
from povdesk.errors import BadInput
from povdesk.services.database import Database
from povdesk.services.importer import ImportService
from tests.exchange.rosters import PERSON_HEADER, col, person_rows, person_xlsx

FIRST = "51343720420100001"


def _with_formulas(path: Path, cells: dict[tuple[int, str], str]) -> Path:
    """The roster with some cells replaced by formulas, saved by openpyxl: without computed values."""
    wb = openpyxl.load_workbook(path)
    ws = wb.active
    for (row, header), formula in cells.items():
        ws.cell(row=row, column=PERSON_HEADER.index(header) + 1).value = formula
    wb.save(path)
    return path


def test_formula_without_a_value_is_a_row_error_and_clears_nothing(db: Database, tmp_path: Path) -> None:
    service = ImportService(db=db)
    service.run(person_xlsx(tmp_path / "first.xlsx"))
    again = _with_formulas(person_xlsx(tmp_path / "again.xlsx"),
                           {(2, "人均纯收入"): "=3650.5*1", (3, "人均纯收入"): "=3650.5*1",
                            (4, "人均纯收入"): "=3650.5*1", (2, "文化程度"): '=IF(1,"小学","")'})
    result = service.run(again)
    assert result.households_skipped == (FIRST,)
    assert result.cleared() == {}  # before the fix: 人均纯收入 and 文化程度 cleared
    messages = {(e.row, e.column): e for e in result.errors}
    assert set(messages) == {(2, "人均纯收入"), (3, "人均纯收入"), (4, "人均纯收入")}
    assert [(k.row, k.column) for k in result.kept] == [(2, "文化程度")]  # no key: the cell alone
    e = messages[(2, "人均纯收入")]
    assert "公式未计算，请在 Excel 中打开并保存后再导入" in e.zh and "=3650.5*1" in e.zh
    assert "no computed value" in e.en and "Excel" in e.en
    with db.reading() as s:
        hid = s.scalar(select(Household.id).where(Household.household_no == FIRST))
        assert s.scalar(select(Income.per_capita_net).where(Income.household_id == hid)) == 3650.5
        assert s.scalar(select(Member.education).where(Member.household_id == hid,
                                                       Member.name == "沙马拉则")) is not None


def test_a_computed_formula_is_read_as_its_value(db: Database, tmp_path: Path) -> None:
    """Excel saves the result with the formula (<f>..</f><v>..</v>): nothing to report."""
    path = person_xlsx(tmp_path / "a.xlsx")
    import zipfile

    out = tmp_path / "computed.xlsx"
    with zipfile.ZipFile(path) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                letter = openpyxl.utils.get_column_letter(col("人均纯收入") + 1)
                old = f'<c r="{letter}2" t="n"><v>3650.5</v></c>'.encode()
                assert old in data
                data = data.replace(old, f'<c r="{letter}2"><f>3650.5*1</f><v>3650.5</v></c>'.encode())
            zf.writestr(item, data)
    result = ImportService(db=db).run(out)
    assert result.errors == () and result.households_new == 3


def test_the_cleared_values_notice_says_what_happened(db: Database, tmp_path: Path) -> None:
    service = ImportService(db=db)
    service.run(person_xlsx(tmp_path / "first.xlsx"))
    rows = person_rows()
    for r in rows:
        r[col("文化程度")] = None
    path = person_xlsx(tmp_path / "blank.xlsx", rows)
    preview = service.preview(path)
    assert preview.cleared_notice("zh") == "6 个已有的值将被清空（文件中这些格为空）：文化程度 6"
    assert preview.cleared_notice("en") == "6 values held now will be cleared (blank in the file): Education level 6"
    done = service.run(path)
    assert done.cleared_notice("zh") == "6 个已有的值已清空（文件中这些格为空）：文化程度 6"
    assert done.cleared_notice("en") == "6 values held before were cleared (blank in the file): Education level 6"
    assert service.run(path).cleared_notice("zh") is None


def test_an_office_sets_its_own_read_limits_in_the_settings(db: Database, tmp_path: Path) -> None:
    Settings(import_limits={"max_rows": 5}).save()
    assert json.loads(Settings.path().read_text(encoding="utf-8"))["import_limits"] == {"max_rows": 5}
    with pytest.raises(BadInput) as info:
        ImportService(db=db).run(person_xlsx(tmp_path / "a.xlsx"))
    assert info.value.code == "input.too_many_rows" and "5 行" in info.value.zh
    Settings(import_limits={"max_rows": "lots"}).save()  # not a number: the default stays
    assert ImportService(db=db).run(person_xlsx(tmp_path / "a.xlsx")).households_new == 3
