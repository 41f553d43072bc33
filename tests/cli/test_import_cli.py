"""`povdesk import` and `povdesk export-roster`: JSON summary, exit codes, report file, round trip."""

from __future__ import annotations

import json
from pathlib import Path

import openpyxl
import pytest

from povdesk.cli import main
from tests.exchange.rosters import (
    PERSON_HEADER,
    col,
    person_rows,
    person_xlsx,
    write_csv,
    write_xlsx,
)


def run_json(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, dict]:
    code = main(list(argv))
    out = capsys.readouterr().out
    return code, json.loads(out)


def test_import_json_summary_and_exit_zero_with_skipped_households(
        db_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    rows = person_rows()
    rows[3][col("证件号码")] = "5.13437E+17"
    path = person_xlsx(tmp_path / "a.xlsx", rows)
    db = db_url
    code, data = run_json(capsys, "--db", db, "--lang", "en", "import", str(path), "--format", "json")
    assert code == 0
    assert data["households_new"] == 2 and data["members_new"] == 5 and data["fields_changed"] == 0
    assert data["households_skipped"] == ["51343720420100002"]
    [error] = data["errors"]
    assert error["row"] == 5 and error["column"] == "证件号码" and error["household_no"] == "51343720420100002"
    assert "scientific notation" in error["message"]


def test_dry_run_then_import_then_reimport(db_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = person_xlsx(tmp_path / "a.xlsx")
    db = db_url
    code, dry = run_json(capsys, "--db", db, "import", str(path), "--dry-run", "--format", "json")
    assert code == 0 and dry["dry_run"] and dry["households_new"] == 3
    code, done = run_json(capsys, "--db", db, "import", str(path), "--format", "json")
    assert code == 0 and done["households_new"] == 3 and done["members_new"] == 7
    code, again = run_json(capsys, "--db", db, "import", str(path), "--format", "json")
    assert (again["households_new"], again["members_new"], again["fields_changed"]) == (0, 0, 0)


def test_unreadable_file_exits_two_with_a_bilingual_message(
        db_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "x.xlsx"
    path.write_bytes(b"\x00\x01garbage" * 100)
    db = db_url
    assert main(["--db", db, "--lang", "zh_CN", "import", str(path)]) == 2
    err = capsys.readouterr().err
    assert "x.xlsx" in err and "不是 Excel 工作簿" in err
    code, data = run_json(capsys, "--db", db, "--lang", "en", "import", str(path), "--format", "json")
    assert code == 2 and data["ok"] is False and data["error"]["code"] == "input.not_spreadsheet"


def test_missing_required_columns_exit_two(db_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = write_xlsx(tmp_path / "n.xlsx", ["户编号", "人数", "民族", "证件号码"], [["1", 2, "彝族", "x"]])
    assert main(["--db", db_url, "--lang", "en", "import", str(path)]) == 2
    assert "Required columns missing" in capsys.readouterr().err


def test_report_option_writes_the_highlighted_copy(db_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    rows = person_rows()
    rows[0][col("人均纯收入")] = "不详"
    path = person_xlsx(tmp_path / "a.xlsx", rows)
    report = tmp_path / "out" / "report.xlsx"
    code = main(["--db", db_url, "--lang", "zh_CN", "import", str(path),
                 "--dry-run", "--report", str(report)])
    assert code == 0
    assert "整户跳过 1 户" in capsys.readouterr().out
    ws = openpyxl.load_workbook(report)["错误报告"]
    assert ws.cell(1, len(PERSON_HEADER) + 1).value == "错误说明"
    assert "不是数字" in ws.cell(2, len(PERSON_HEADER) + 1).value


def test_export_roster_then_import_reports_no_changes(db_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = db_url
    assert main(["--db", db, "import", str(person_xlsx(tmp_path / "a.xlsx"))]) == 0
    out = tmp_path / "export.xlsx"
    assert main(["--db", db, "--lang", "en", "export-roster", str(out)]) == 0
    assert "Wrote 7 members" in capsys.readouterr().out
    code, data = run_json(capsys, "--db", db, "import", str(out), "--format", "json")
    assert code == 0
    assert (data["households_new"], data["members_new"], data["fields_changed"]) == (0, 0, 0)
    assert data["households_unchanged"] == 3


def test_a_dry_run_warns_of_values_blank_cells_would_clear(db_url: str, tmp_path: Path,
                                                            capsys: pytest.CaptureFixture[str]) -> None:
    db = db_url
    assert main(["--db", db, "import", str(person_xlsx(tmp_path / "a.xlsx"))]) == 0
    out = tmp_path / "export.xlsx"
    assert main(["--db", db, "export-roster", str(out)]) == 0
    wb = openpyxl.load_workbook(out)
    ws = wb.active
    header_row = next(r for r in range(1, 6) if any(c.value == "文化程度" for c in ws[r]))
    column = next(c.column for c in ws[header_row] if c.value == "文化程度")
    blanked = 0
    for r in range(header_row + 1, ws.max_row + 1):
        if ws.cell(row=r, column=column).value not in (None, ""):
            ws.cell(row=r, column=column).value = None
            blanked += 1
    wb.save(out)
    capsys.readouterr()
    assert main(["--db", db, "--lang", "zh_CN", "import", str(out), "--dry-run"]) == 0
    text = capsys.readouterr().out
    assert f"注意：{blanked} 个已有的值将被清空（文件中这些格为空）：文化程度 {blanked}" in text


FORMULA_NAMES = ["=1+1", '=HYPERLINK("http://x","click")', "+86", "-5", "@SUM(A1)"]


def test_formula_like_names_export_as_quote_prefixed_text_and_round_trip(
        tmp_path: Path, db_url: str, capsys: pytest.CaptureFixture[str]) -> None:
    """The export once wrote `'=1+1` (an apostrophe other systems read as part of the name); now the
    name itself with Excel's quote prefix. Import, export, import again: no changes."""
    rows = person_rows()
    for row, name in zip(rows, FORMULA_NAMES, strict=False):
        row[col("姓名")] = name
    db = db_url
    assert main(["--db", db, "import", str(person_xlsx(tmp_path / "a.xlsx", rows))]) == 0
    out = tmp_path / "export.xlsx"
    assert main(["--db", db, "export-roster", str(out)]) == 0
    ws = openpyxl.load_workbook(out).active
    names = {ws.cell(r, col("姓名") + 1).value: ws.cell(r, col("姓名") + 1) for r in range(2, ws.max_row + 1)}
    assert set(FORMULA_NAMES) <= set(names)
    assert all(names[n].data_type == "s" and names[n].quotePrefix for n in FORMULA_NAMES)
    assert not [c for row in ws.iter_rows() for c in row if c.data_type == "f"]
    capsys.readouterr()
    code, data = run_json(capsys, "--db", db, "import", str(out), "--format", "json")
    assert code == 0 and (data["households_new"], data["members_new"], data["fields_changed"]) == (0, 0, 0)


def test_an_export_of_an_older_version_with_apostrophes_still_imports_the_names(
        tmp_path: Path, db_url: str, capsys: pytest.CaptureFixture[str]) -> None:
    rows = person_rows()
    for row, name in zip(rows, FORMULA_NAMES, strict=False):
        row[col("姓名")] = "'" + name
    db = db_url
    assert main(["--db", db, "import", str(person_xlsx(tmp_path / "old.xlsx", rows))]) == 0
    capsys.readouterr()
    rows = person_rows()
    for row, name in zip(rows, FORMULA_NAMES, strict=False):
        row[col("姓名")] = name
    code, data = run_json(capsys, "--db", db, "import", str(person_xlsx(tmp_path / "a.xlsx", rows)),
                          "--format", "json")
    assert code == 0 and data["fields_changed"] == 0


def test_a_control_character_stored_in_a_name_does_not_break_the_export(
        tmp_path: Path, db_url: str, capsys: pytest.CaptureFixture[str]) -> None:
    from sqlalchemy import select

    from povdesk.db.models import Household, Member
    from povdesk.services.database import Database

    db = db_url
    assert main(["--db", db, "import", str(person_xlsx(tmp_path / "a.xlsx"))]) == 0
    database = Database.open(db, user="t")
    with database.transaction() as s:  # as an older version, or a direct insert, left it
        s.scalar(select(Member).where(Member.name == "沙马拉则")).name = "=沙马\x0b拉则\x07"  # PostgreSQL text cannot hold NUL at all
        s.scalar(select(Household).where(Household.household_no == "51343720420100002")).group_name = "二\x1f组"
    database.close()
    out = tmp_path / "export.xlsx"
    assert main(["--db", db, "--lang", "en", "export-roster", str(out)]) == 0
    assert "Wrote 7 members" in capsys.readouterr().out
    ws = openpyxl.load_workbook(out).active
    values = [c.value for row in ws.iter_rows() for c in row]
    assert "=沙马拉则" in values and "二组" in values


def test_report_is_written_after_an_import_whatever_the_file_holds(
        tmp_path: Path, db_url: str, capsys: pytest.CaptureFixture[str]) -> None:
    """`import --report` once failed with IllegalCharacterError after the import had committed."""
    rows = person_rows()
    rows[0][col("姓名")] = "沙马\x0b拉则"
    rows[1][col("自然村")] = "=1+1\x1f"
    rows[3][col("人均纯收入")] = "=不详\x0b"  # a faulty cell: highlighted with a comment
    path = write_csv(tmp_path / "a.csv", PERSON_HEADER, rows)
    report = tmp_path / "report.xlsx"
    code = main(["--db", db_url, "--lang", "en", "import", str(path), "--report", str(report)])
    assert code == 0 and "error report" in capsys.readouterr().out
    ws = openpyxl.load_workbook(report)["错误报告"]
    cells = {c.value: c for row in ws.iter_rows() for c in row if c.value is not None}
    assert "沙马拉则" in cells and cells["=1+1"].quotePrefix and cells["=不详"].quotePrefix
    assert cells["=不详"].comment is not None
    assert not [c for c in cells.values() if c.data_type == "f"]


def test_identity_changes_sent_for_review_are_counted(db_url: str, tmp_path: Path,
                                                       capsys: pytest.CaptureFixture[str]) -> None:
    from tests.exchange.rosters import pid

    assert main(["--db", db_url, "import", str(person_xlsx(tmp_path / "a.xlsx"))]) == 0
    rows = person_rows()
    rows[1][col("证件号码")] = pid(19)
    capsys.readouterr()
    assert main(["--db", db_url, "--lang", "en", "import", str(person_xlsx(tmp_path / "b.xlsx", rows))]) == 0
    assert "identity changes sent for review: 1" in capsys.readouterr().out
    code, data = run_json(capsys, "--db", db_url, "import", str(person_xlsx(tmp_path / "b.xlsx", rows)),
                          "--format", "json")
    assert code == 0 and data["identity_changes_for_review"] == 1 and len(data["review_requests"]) == 1
