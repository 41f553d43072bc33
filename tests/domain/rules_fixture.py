"""A clean household as plain data, and helpers to break it one way at a time (no database)."""

from __future__ import annotations

import copy
import datetime as dt
from typing import Any

from povdesk.domain import idnumber
from povdesk.domain.records import YearSettingRecord
from povdesk.domain.rules.base import CheckContext, HouseholdFacts, make_household, make_member
from povdesk.domain.rules.catalogue import evaluate

YEAR = 2019
REF = dt.date(2019, 12, 31)
SETTINGS = YearSettingRecord(year=YEAR, exit_income_line=3750, national_line=3218, source="test",
                             school_age_from=6, school_age_to=15, reference_date=REF)
CADRE_ID = idnumber.make("513437", dt.date(1980, 1, 1), 11)


def person(name: str, relation: str, born: dt.date, sex: str, seq: int, **kw: Any) -> dict[str, Any]:
    values: dict[str, Any] = dict(
        name=name, relation=relation, sex=sex, birth_date=born, ethnicity="07", id_type="1",
        id_number=idnumber.make("513437", born, seq * 2 + (1 if sex == "1" else 0)),
        education="02", school_status="01", health="01", labour_skill="01", ins_medical=True,
        ins_major_illness=True, ins_pension=True, ins_employee_medical=False, ins_employee_pension=False,
        dibao=False, tekun=False, speaks_mandarin=True, political_status="13", status="1",
        work_status=None, work_months=0, out_of_school_reason=None,
        disability_category=None, disability_cert_no=None, is_soldier=False,
        change_reason=None, change_date=None,
    )
    values.update(kw)
    return values


def clean_spec() -> dict[str, Any]:
    """A five-person exited household (2018) that passes every rule of the catalogue."""
    return {
        "household": dict(household_no="51343720420100001", head_name="沙马拉则",
                          head_id_number=None, phone="13900001111", size=5, first_identified_year=2014,
                          standard="1", attribute="01", status="1", exit_year=2018, return_year=None,
                          main_cause="01", other_causes="07", return_cause=None, relocation_moved_in=None),
        "members": [
            person("沙马拉则", "01", dt.date(1975, 3, 12), "1", 1, work_status="03", work_months=8),
            person("吉克阿依莫", "02", dt.date(1977, 5, 1), "2", 2),
            person("沙马木呷", "03", dt.date(2008, 9, 1), "1", 3, school_status="03", education=None,
                   labour_skill="04", ins_pension=None),
            person("沙马阿果", "04", dt.date(2012, 3, 1), "2", 4, school_status="03", education=None,
                   labour_skill="04", ins_pension=None),
            person("阿苏史布莫", "12", dt.date(1950, 6, 6), "2", 5, health="02", labour_skill="04",
                   education="01"),
        ],
        "income": dict(total_income=25500, wage=20000, business=3000, property=500, transfer=2000,
                       business_cost=1000, net_income=24500, per_capita_net=4900, dibao_money=0,
                       tekun_money=0, family_planning=0, pension=1200, eco_compensation=0,
                       other_transfer=800, dividend=500, other_property=0, public_post_income=0),
        "conditions": dict(farmland=5, irrigated=2, forest=3, grain_for_green=1, orchard=0, pasture=0,
                           water_area=0, electricity=True, production_power=True, radio_tv=True,
                           cooperative=True, road_distance=1.2, road_type="03", house_area=100,
                           drinking_difficult=False, drinking_safe=True, dangerous_house=False,
                           house_grade="1", fuel="01", toilet=True, leading_enterprise=False,
                           entrepreneur_help=False),
        "measures": [dict(member_id=None, year=2019, category="01", item="发展花椒种植", amount=2000)],
        "cadres": [dict(name="王建国", id_number=CADRE_ID, phone="13800000001",
                        pairing_start=dt.date(2016, 1, 1), pairing_end=None)],
        "context": dict(id_households={}, cadre_ids=frozenset({CADRE_ID}), shared_cadre_phones=frozenset()),
    }


def build(spec: dict[str, Any]) -> tuple[HouseholdFacts, CheckContext]:
    hv = dict(spec["household"])
    members = [make_member(i + 1, dict(m), REF) for i, m in enumerate(spec["members"])]
    if hv.get("head_id_number") is None and spec["members"]:
        hv["head_id_number"] = spec["members"][0]["id_number"]
    h = make_household(1, hv, members, income=spec["income"], conditions=spec["conditions"],
                       measures=spec["measures"], cadres=spec["cadres"])
    ctx = CheckContext(year=YEAR, settings=spec.get("settings", SETTINGS), today=dt.date(2020, 1, 15),
                       **spec["context"])
    return h, ctx


def codes(spec: dict[str, Any]) -> set[str]:
    h, ctx = build(spec)
    return {f.rule.code for f in evaluate(h, ctx)}


def findings(spec: dict[str, Any]):  # type: ignore[no-untyped-def]
    h, ctx = build(spec)
    return evaluate(h, ctx)


def variant(mutate) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    spec = copy.deepcopy(clean_spec())
    mutate(spec)
    return spec
