"""Values beyond their field's limits on PostgreSQL: the same row errors as on SQLite, never a
DataError or an OverflowError that rejects the whole file."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import func, select

from povdesk.db.models import Member
from povdesk.services.database import Database
from povdesk.services.importer import ImportService
from tests.exchange.rosters import (
    PERSON_HEADER,
    col,
    excel_text,
    person_rows,
    person_xlsx,
    write_csv,
)


@pytest.mark.parametrize(("column", "value", "fragment"), [
    ("姓名", "曲比阿呷" * 10 + "莫", "长 41 个字符，最多 40 个字符"),  # varchar(40): DataError before
    ("务工时间（月）", "1e30", "0 至 99 月"),  # integer: out of range before
    ("务工时间（月）", "3000000000", "0 至 99 月"),
    ("人均纯收入", "1e30", "至 100,000,000 元"),
    ("证件号码", "5" * 25, "最多 24 个字符"),
])
def test_a_value_beyond_its_limit_is_a_row_error_on_postgres(pg_db: Database, tmp_path: Path,
                                                            column: str, value: str,
                                                            fragment: str) -> None:
    rows = person_rows()
    rows[3][col(column)] = value
    result = ImportService(db=pg_db).run(write_csv(tmp_path / "big.csv", PERSON_HEADER, rows))
    assert result.households_skipped == ("51343720420100002",)
    [error] = result.errors
    assert (error.row, error.column) == (5, column) and fragment in error.zh
    with pg_db.reading() as s:
        assert s.scalar(select(func.count()).select_from(Member)) == 5


def test_rows_pasted_twice_and_control_characters_on_postgres(pg_db: Database, tmp_path: Path) -> None:
    rows = person_rows()
    rows[0][col("姓名")] = excel_text("沙马\x0b拉则")
    result = ImportService(db=pg_db).run(person_xlsx(tmp_path / "twice.xlsx", [*rows, *rows]))
    assert (result.households_new, result.members_new, result.errors) == (3, 7, ())
    assert len(result.notices) == 7 + 2  # seven repeated rows, the name cleaned on rows 2 and 9
    with pg_db.reading() as s:
        assert s.scalar(select(func.count()).select_from(Member).where(Member.name == "沙马拉则")) == 1
