"""`povdesk import` of pasted rows: repeated rows and cleaned cells are notices, conflicts and values
beyond their limits are errors, in the JSON and the text summary, in both languages."""

from __future__ import annotations

from pathlib import Path

import pytest

from povdesk.cli import main
from tests.cli.test_import_cli import run_json
from tests.exchange.rosters import (
    PERSON_HEADER,
    col,
    excel_text,
    person_rows,
    person_xlsx,
    write_csv,
)


def test_rows_pasted_twice_are_notices_and_a_conflict_is_an_error_in_the_json(
        tmp_path: Path, db_url: str, capsys: pytest.CaptureFixture[str]) -> None:
    rows = person_rows()
    conflict = list(rows[5])  # household 3's head again under the same person number, renamed
    conflict[col("姓名")] = "吉克阿芝"
    path = person_xlsx(tmp_path / "a.xlsx", [*rows, *rows[:3], conflict])
    db = db_url
    code, data = run_json(capsys, "--db", db, "--lang", "en", "import", str(path), "--format", "json")
    assert code == 0
    assert (data["households_new"], data["members_new"]) == (2, 5)
    assert data["households_skipped"] == ["51343720420100003"]
    assert [(n["row"], n["household_no"]) for n in data["notices"]] == [
        (9, "51343720420100001"), (10, "51343720420100001"), (11, "51343720420100001")]
    assert data["notices"][0]["message"].startswith("Row 9 repeats row 2")
    assert "第 9 行与本户第 2 行" in data["notices"][0]["message_zh"]
    errors = [(e["row"], e["column"]) for e in data["errors"]]
    assert errors == [(12, "人编号"), (12, "证件号码")]
    assert "also on row 7" in data["errors"][0]["message"]


def test_cleaned_cells_and_limits_in_the_text_summary(tmp_path: Path, db_url: str,
                                                       capsys: pytest.CaptureFixture[str]) -> None:
    rows = person_rows()
    rows[1][col("姓名")] = excel_text("沙马阿依\x0b莫")
    rows[4][col("务工时间（月）")] = "1e30"
    path = person_xlsx(tmp_path / "a.xlsx", rows)
    db = db_url
    assert main(["--db", db, "--lang", "zh_CN", "import", str(path)]) == 0
    out = capsys.readouterr().out
    # a value beyond a non-key field's range keeps its household and member (issue 13 §4)
    assert "整户跳过 0 户，格式错误 0 处，提示 2 处" in out
    assert ("提示 第 6 行 [务工时间（月）] 51343720420100002: a.xlsx 第 6 行“务工时间（月）”：务工时间(月)："
            "“1e30”超出本字段允许的范围（0 至 99 月）；该格未导入，其余字段已导入") in out
    assert "提示 第 3 行 [姓名] 51343720420100001: 姓名：已删除 1 个不可见的控制字符（U+000B）" in out
    rows[1][col("姓名")] = "沙马阿依\x0b莫"  # a CSV file holds the character itself
    csv_path = write_csv(tmp_path / "b.csv", PERSON_HEADER, rows)
    code, data = run_json(capsys, "--db", db, "--lang", "en", "import", str(csv_path), "--dry-run",
                          "--format", "json")
    assert code == 0 and "removed 1 invisible control character (U+000B)" in data["notices"][0]["message"]
