"""`correction_cells` names exactly the correction cells `forms --xlsx` writes (a filled workbook is
read back through it)."""

from __future__ import annotations

from pathlib import Path

from openpyxl import load_workbook
from openpyxl.utils import get_column_letter

from povdesk.config import Settings
from povdesk.reports.form_xlsx import correction_cells
from povdesk.reports.forms import CORRECTION
from povdesk.services.database import Database
from povdesk.services.printing import PrintSelection, PrintService


def test_correction_cells_are_the_unlocked_cells_of_each_sheet(county_db: Database, tmp_path: Path) -> None:
    printer = PrintService(db=county_db, settings=Settings())
    done = printer.print_batch(PrintSelection(village="513437204201"), pdf=tmp_path / "v.pdf",
                               xlsx=tmp_path / "v.xlsx")
    wb = load_workbook(tmp_path / "v.xlsx")
    assert len(wb.worksheets) == 3
    for ws in wb.worksheets:
        snap = printer.find_snapshot(f"PD1-B{done.batch_id}-H{ws.title}-V1")
        cells = correction_cells(snap.form)
        covered = {(r, c) for rng in ws.merged_cells.ranges for r in range(rng.min_row, rng.max_row + 1)
                   for c in range(rng.min_col + 1, rng.max_col + 1)}
        unlocked = {(c.row, c.column) for row in ws.iter_rows() for c in row
                    if c.protection.locked is False and (c.row, c.column) not in covered}
        assert {(c.row, c.column) for c in cells} == unlocked, ws.title
        tables = {t.key: t for sec in snap.form.sections for t in sec.tables}
        for c in cells:
            assert tables[c.table].columns[c.table_column].title == CORRECTION
        members = [c for c in cells if c.table == "members"]
        assert [ws[f"B{c.row}"].value for c in members] == [r[1] for r in tables["members"].rows]
        assert all(get_column_letter(c.column) == "P" for c in members)
