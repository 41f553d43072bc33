"""The first run's townships read from a provincial roster (issue 15 §3)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from povdesk.errors import InvalidValue
from povdesk.services.county_setup import townships_from_roster
from tests.exchange.rosters import (
    PERSON_HEADER,
    col,
    person_rows,
    person_xlsx,
    write_csv,
    write_xlsx,
)

#: the three households of `person_rows`, in two townships (the third's village code under 513437205)
CODES = ["513437204201", "513437204201", "513437204201", "513437204201", "513437204201",
         "513437205102", "513437205102"]


def township_roster(path: Path, codes: list[str] = CODES, *, csv: bool = False) -> Path:
    rows: list[list[Any]] = []
    for row, code in zip(person_rows(), codes, strict=True):
        if code.startswith("513437205"):
            row[col("乡(镇)")] = "西宁镇"
        rows.append([*row, code])
    header = [*PERSON_HEADER, "村代码"]
    return write_csv(path, header, rows) if csv else write_xlsx(path, header, rows, title="2019年花名册")


def test_the_townships_of_a_roster_are_read_under_the_county(tmp_path: Path) -> None:
    expected = (("513437204", "帕哈乡"), ("513437205", "西宁镇"))
    assert townships_from_roster(township_roster(tmp_path / "r.xlsx"), "513437") == expected
    assert townships_from_roster(township_roster(tmp_path / "r.csv", csv=True), " 513437") == expected


def test_a_roster_of_another_county_is_refused_naming_the_file(tmp_path: Path) -> None:
    roster = township_roster(tmp_path / "别县.xlsx", [*CODES[:5], "513436205102", "513436205102"])
    with pytest.raises(InvalidValue) as refused:
        townships_from_roster(roster, "513437")
    assert refused.value.code == "setup.roster_other_county"
    assert "别县.xlsx" in refused.value.zh and "513436205" in refused.value.zh
    assert "别县.xlsx" in refused.value.en and "513437" in refused.value.en


def test_a_roster_without_village_codes_is_refused(tmp_path: Path) -> None:
    with pytest.raises(InvalidValue) as refused:
        townships_from_roster(person_xlsx(tmp_path / "a.xlsx"), "513437")
    assert refused.value.code == "setup.roster_no_townships" and "a.xlsx" in refused.value.zh
    with pytest.raises(InvalidValue) as bad_code:  # the county code is checked first
        townships_from_roster(township_roster(tmp_path / "r.xlsx"), "99343")
    assert bad_code.value.code == "input.county_code"
