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


#: What each shipped figure that is a judgement rests on (shown beside the setting).
NOTES: dict[str, tuple[str, str]] = {
    "school_age_date": ("义务教育年龄按学年开始日（当年 9 月 1 日）计算：秋季入学以 8 月 31 日前满 6 周岁为准",
                        "School ages are counted on the first day of the school year (1 September): "
                        "a child enters school in autumn when 6 by 31 August"),
    "school_age": ("义务教育适龄 6–15 周岁（含），指导意见“除身体原因不具备学习条件外…不失学辍学” [H]",
                   "Compulsory-school ages 6-15 inclusive (2019 guidance on the three guarantees) [H]"),
    "working_age": ("劳动年龄 16–60 周岁（统计口径的劳动年龄人口）；部分筛查规则用 16–65 [M]，统一为一个设置",
                    "Working age 16-60 (the statistical working-age population); some screening rules "
                    "used 16-65 [M]: one setting for all"),
    "monitoring_income_threshold": ("边缘户、脱贫监测户以人均纯收入 5,000 元为界（湖南 2019 年通知）[H]",
                                    "边缘户 and monitored households are marked below 5,000 yuan per "
                                    "person (Hunan 2019 notice) [H]"),
    "labour_shortage_share": ("主要致贫原因“缺劳力”而有劳动能力成员超过四分之一：判断值，非来源规定 [L]",
                              "Main cause 'lack of labour' while over a quarter of members can work: "
                              "a judgement, not a source [L]"),
    "public_post_age_limit": ("公益性岗位人员年满 70 周岁存疑：判断值（各地聘用条件多为 16–65 或 70 岁以下）[L]",
                              "A public-welfare post holder aged 70 or over is doubtful: a judgement "
                              "(local hiring rules mostly 16-65 or under 70) [L]"),
}


def default_year_settings() -> list[YearSettingRecord]:
    return [
        YearSettingRecord(year=y, exit_income_line=line, national_line=nat, source=src,
                          school_age_from=6, school_age_to=15, reference_date=dt.date(y, 12, 31),
                          school_age_date=dt.date(y, 9, 1))
        for y, (line, nat, src) in sorted(_LINES.items())
    ]
