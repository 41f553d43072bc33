"""Shipped per-year figures; the clerk edits them in the database (domain.md §3.1, §5.3)."""

from __future__ import annotations

import datetime as dt

from povdesk.domain.records import YearSettingRecord

#: The data year the 2019 campaign works in (Leibo's exit year).
DEFAULT_DATA_YEAR = 2019

# year: (provincial exit line, national current-price line, source and confidence)
_LINES: dict[int, tuple[float, float | None, str]] = {
    2014: (2800, 2800, "国家线 2800 元 [H]；省退出线同国家线（待核实）"),
    2015: (2855, 2855, "国家线 2855 元 [H]；省退出线同国家线（待核实）"),
    2016: (3100, 2952, "国家线 2952 元 [H]；四川省退出线 3100 元为估计值 [L]，请核实"),
    2017: (3300, 2952, "国家线约 2952 元 [L]；四川省退出线约 3300 元 [L]，请核实"),
    2018: (3500, 2995, "国家线约 2995 元 [L]；四川省退出线约 3500 元 [L]，请核实"),
    2019: (3750, 3218, "国家线 3218 元 [M]；四川省退出线约 3750 元 [L]，请核实"),
    2020: (4000, 4000, "2020 年扶贫标准约 4000 元 [M]，请核实"),
}


def default_year_settings() -> list[YearSettingRecord]:
    return [
        YearSettingRecord(year=y, exit_income_line=line, national_line=nat, source=src,
                          school_age_from=6, school_age_to=15, reference_date=dt.date(y, 12, 31))
        for y, (line, nat, src) in sorted(_LINES.items())
    ]
