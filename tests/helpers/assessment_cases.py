"""Households at the edges of each indicator of the standard, under the office's edited settings.

One exited household per case, clean but for the one fact the case sets. The office has raised the
2019 exit line to 9,000 yuan and compulsory schooling starts at 7: the rule, the printed form and
the detail pane must all judge every case against those figures, never the shipped 3,750 and 6.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from povdesk.db.models import Conditions, County, Household, Income, Township, Village
from povdesk.domain.assessment import EDUCATION, HOUSING, INCOME, INDICATORS, MEDICAL, POWER, WATER
from povdesk.services.database import Database
from povdesk.services.settings import YearSettingsService
from tests.factories import member

YEAR = 2019
LINE = 9000.0
SCHOOL_FROM = 7  # the shipped figure is 6
#: the rules that judge each indicator (on an exited household)
RULES = {INCOME: {"EXIT-001"}, EDUCATION: {"EDU-001"}, MEDICAL: {"HLT-001"},
         HOUSING: {"EXIT-002", "EXIT-006"}, WATER: {"EXIT-003"}, POWER: {"EXIT-004", "EXIT-005"}}
#: the verdict column of the printed form
PRINTED = {True: "达标", False: "未达标", None: "待核实"}


@dataclass(frozen=True)
class Case:
    indicator: str
    name: str
    met: bool | None
    #: the codes of the indicator's rules that find the household
    found: frozenset[str] = frozenset()
    household: dict[str, Any] = field(default_factory=dict)
    income: dict[str, Any] = field(default_factory=dict)
    conditions: dict[str, Any] = field(default_factory=dict)
    spouse: dict[str, Any] = field(default_factory=dict)
    #: a child of this age on the reference date (2019-12-31), with these facts
    child_age: int | None = None
    child: dict[str, Any] = field(default_factory=dict)

    @property
    def id(self) -> str:
        return f"{self.indicator}-{self.name}"


def _out_of_school(age: int, met: bool | None, found: frozenset[str] = frozenset(), *, name: str = "",
                   **child: Any) -> Case:
    return Case(EDUCATION, f"age {age} {name or 'not in school'}", met, found, child_age=age,
                child={"school_status": "01", **child})


CASES: tuple[Case, ...] = (
    Case(INCOME, "at the line", False, frozenset({"EXIT-001"}), income={"per_capita_net": 9000.0}),
    Case(INCOME, "just below", False, frozenset({"EXIT-001"}), income={"per_capita_net": 8999.99}),
    Case(INCOME, "just above", True, income={"per_capita_net": 9000.01}),
    Case(INCOME, "above the shipped line only", False, frozenset({"EXIT-001"}),
         income={"per_capita_net": 3750.01}),
    _out_of_school(6, True),  # of school age by the shipped figures, not by the office's
    _out_of_school(7, False, frozenset({"EDU-001"})),
    _out_of_school(15, False, frozenset({"EDU-001"})),
    _out_of_school(16, True),
    _out_of_school(10, True, name="exempt", out_of_school_reason="01"),
    Case(EDUCATION, "age 10 in school", True, child_age=10, child={"school_status": "04"}),
    Case(EDUCATION, "age 10 status empty", None, child_age=10, child={"school_status": None}),
    Case(MEDICAL, "spouse in neither", False, frozenset({"HLT-001"}),
         spouse={"ins_medical": False, "ins_employee_medical": False}),
    Case(MEDICAL, "spouse employee only", True, spouse={"ins_medical": False, "ins_employee_medical": True}),
    Case(MEDICAL, "spouse resident only", True, spouse={"ins_medical": True, "ins_employee_medical": None}),
    Case(HOUSING, "grade B", True, conditions={"dangerous_house": False, "house_grade": "2"}),
    Case(HOUSING, "grade C", False, frozenset({"EXIT-002"}), conditions={"dangerous_house": False, "house_grade": "3"}),
    Case(HOUSING, "no floor area", False, frozenset({"EXIT-006"}), conditions={"house_area": 0}),
    Case(HOUSING, "dangerous but moved in", True, household={"relocation_moved_in": True},
         conditions={"dangerous_house": True, "house_grade": "4", "house_area": 0}),
    Case(WATER, "unsafe", False, frozenset({"EXIT-003"}), conditions={"drinking_safe": False}),
    Case(WATER, "safe but difficult", False, frozenset({"EXIT-003"}), conditions={"drinking_difficult": True}),
    Case(WATER, "not recorded", None, conditions={"drinking_safe": None, "drinking_difficult": None}),
    Case(POWER, "no electricity", False, frozenset({"EXIT-004"}), conditions={"electricity": False}),
    Case(POWER, "no radio or TV", False, frozenset({"EXIT-005"}), conditions={"radio_tv": False}),
    Case(POWER, "electricity not recorded", None, conditions={"electricity": None}),
)
assert {c.indicator for c in CASES} == set(INDICATORS)


def household_no(n: int) -> str:
    return f"5134372042019{n:04d}"


def build_cases(db: Database) -> dict[str, int]:
    """One household per case in one village; the office's settings edited. Returns ids by case id."""
    ids: dict[str, int] = {}
    with db.transaction() as s:
        county = County(code="513437", name="雷波县", province="四川省", prefecture="凉山彝族自治州")
        township = Township(code="513437204", name="帕哈乡", county=county)
        village = Village(code="513437204201", name="八合村", township=township, is_poverty_village=True)
        s.add_all([county, township, village])
        s.flush()
        for n, case in enumerate(CASES, start=1):
            head = f"户主{n:02d}"
            size = 2 if case.child_age is None else 3
            h = Household(household_no=household_no(n), village_id=village.id, group_name="一组",
                          head_name=head, size=size, attribute="01", status="1", exit_year=2018,
                          main_cause="07", first_identified_year=2014, **case.household)
            s.add(h)
            s.flush()
            h.members.append(member(head, "01", dt.date(1975, 3, 12), "1", n * 10, sort_order=0))
            h.members.append(member(f"配偶{n:02d}", "02", dt.date(1977, 5, 1), "2", n * 10 + 1, sort_order=1,
                                    **case.spouse))
            if case.child_age is not None:
                child: dict[str, Any] = {"education": None, "labour_skill": "04", **case.child}
                h.members.append(member(f"子女{n:02d}", "03", dt.date(YEAR - case.child_age, 6, 1), "1",
                                        n * 10 + 2, sort_order=2, **child))
            h.head_id_number = h.members[0].id_number
            pcn = case.income.get("per_capita_net", 12000.0)
            s.add(Income(household_id=h.id, year=YEAR, wage=pcn * size, business=0, property=0, transfer=0,
                         business_cost=0, net_income=pcn * size, per_capita_net=pcn, total_income=pcn * size))
            conditions: dict[str, Any] = dict(
                farmland=3.5, forest=2, electricity=True, production_power=True, radio_tv=True,
                cooperative=True, road_distance=0.5, road_type="03", house_area=90, drinking_difficult=False,
                drinking_safe=True, dangerous_house=False, house_grade="1", fuel="01", toilet=True)
            conditions.update(case.conditions)
            s.add(Conditions(household_id=h.id, year=YEAR, **conditions))
            ids[case.id] = h.id
    YearSettingsService(db=db).update(YEAR, exit_income_line=LINE, school_age_from=SCHOOL_FROM)
    return ids
