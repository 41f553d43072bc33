"""Every rule: a passing case and a failing case, each a one-line change to a clean household."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest

from povdesk.domain import idnumber
from povdesk.domain.rules.catalogue import catalogue, rule
from povdesk.domain.rules.required import code_for
from tests.domain.rules_fixture import clean_spec, codes, findings, person, variant

Mut = Callable[[dict[str, Any]], None]


def M(i: int, **kw: Any) -> Mut:
    def f(s: dict[str, Any]) -> None:
        s["members"][i].update(kw)
    return f


def H(**kw: Any) -> Mut:
    return lambda s: s["household"].update(kw)


def I(**kw: Any) -> Mut:  # noqa: E743
    return lambda s: s["income"].update(kw)


def C(**kw: Any) -> Mut:
    return lambda s: s["conditions"].update(kw)


def X(**kw: Any) -> Mut:
    return lambda s: s["context"].update(kw)


def seq(*fs: Mut) -> Mut:
    def f(s: dict[str, Any]) -> None:
        for g in fs:
            g(s)
    return f


def set_(key: str, value: Any) -> Mut:
    return lambda s: s.__setitem__(key, value)


def born(i: int, day: dt.date, sex: str | None = None) -> Mut:
    """Move member i's birth date, keeping the ID number consistent with it."""
    def f(s: dict[str, Any]) -> None:
        m = s["members"][i]
        male = (sex or m["sex"]) == "1"
        m.update(birth_date=day, id_number=idnumber.make("513437", day, 40 + i * 2 + (1 if male else 0)))
        if sex:
            m["sex"] = sex
    return f


def spouse_id(transform: Callable[[str], str]) -> Mut:
    return lambda s: s["members"][1].update(id_number=transform(s["members"][1]["id_number"]))


def _bad_month(old: str) -> str:
    first17 = old[:10] + "13" + old[12:17]
    return first17 + idnumber.check_char(first17)


def _wrong_check(old: str) -> str:
    return old[:17] + ("0" if old[17] != "0" else "1")


def add(who: dict[str, Any], size: int | None = None) -> Mut:
    def f(s: dict[str, Any]) -> None:
        s["members"].append(who)
        s["household"]["size"] = size or len(s["members"])
        s["income"]["per_capita_net"] = round(s["income"]["net_income"] / s["household"]["size"], 2)
    return f


def leave(i: int, reason: str | None = "死亡", date: dt.date | None = dt.date(2018, 3, 1)) -> Mut:
    def f(s: dict[str, Any]) -> None:
        s["members"][i].update(status="2", change_reason=reason, change_date=date)
        s["household"]["size"] = 4
        s["income"]["per_capita_net"] = round(s["income"]["net_income"] / 4, 2)
    return f


def measure(**kw: Any) -> Mut:
    return lambda s: s["measures"].append({"member_id": None, "year": 2019, "category": "01",
                                           "item": "测试措施", "amount": 100, **kw})


def income_fix(**kw: Any) -> Mut:
    """Change income parts and keep every total consistent."""
    def f(s: dict[str, Any]) -> None:
        inc = s["income"]
        inc.update(kw)
        inc["property"] = inc["dividend"] + inc["other_property"]
        inc["transfer"] = sum(inc[k] for k in ("dibao_money", "tekun_money", "family_planning", "pension",
                                               "eco_compensation", "other_transfer"))
        inc["total_income"] = inc["wage"] + inc["business"] + inc["property"] + inc["transfer"]
        inc["net_income"] = inc["total_income"] - inc["business_cost"]
        inc["per_capita_net"] = round(inc["net_income"] / s["household"]["size"], 2)
    return f


GRANDCHILD = person("沙马小明", "07", dt.date(1999, 1, 1), "1", 20, school_status="01", labour_skill="01")
# (code, breaks the rule, passes while the rule applies (None: the clean household is the pass case))
CASES: list[tuple[str, Mut, Mut | None]] = [
    ("ID-001", M(2, id_number="5134372008090112"), M(2, id_type="2", id_number="51343720080901004311")),
    ("ID-002", spouse_id(lambda s: s[:6] + s[8:17]), None),
    ("ID-003", spouse_id(lambda s: s[:17] + "A"), None),
    ("ID-003", spouse_id(lambda s: "".join(chr(ord(c) + 0xFEE0) for c in s)), None),  # full-width digits
    ("ID-003", spouse_id(lambda s: s[:6] + s[8:16] + "X"), None),  # 15 characters, not 15 digits
    ("ID-004", spouse_id(_wrong_check), None),
    ("ID-005", spouse_id(_bad_month), None),
    ("ID-005", M(2, birth_date=None, id_number=idnumber.make("513437", dt.date(2031, 1, 1), 7)), None),
    ("ID-006", M(1, id_number=idnumber.make("513437", dt.date(1977, 5, 1), 7)), None),
    ("ID-007", M(1, birth_date=dt.date(1977, 6, 1)), None),
    ("ID-008", lambda s: s["members"][3].update(id_number=s["members"][2]["id_number"]), None),
    ("ID-009", lambda s: s["context"].update(id_households={
        idnumber.normalise(s["members"][1]["id_number"]): frozenset({"51343720420100001", "51343720420109999"})}),
     lambda s: s["context"].update(id_households={
         "513437199001010000": frozenset({"51343720420100002", "51343720420109999"})})),
    ("ID-010", lambda s: s["household"].update(head_id_number=s["members"][1]["id_number"]), None),
    ("ID-011", H(head_name="沙马日哈"), None),
    ("ID-012", M(4, health="04", disability_category="4", disability_cert_no="123"),
     lambda s: s["members"][4].update(health="04", disability_category="4",
                                      disability_cert_no=s["members"][4]["id_number"] + "42")),
    ("HH-001", set_("members", []), None),
    ("HH-002", M(0, relation="99"), None),
    ("HH-003", M(1, relation="01"), None),
    ("HH-004", M(4, relation="02"), None),
    ("HH-005", born(1, dt.date(1977, 5, 1), sex="1"), None),
    ("HH-006", H(size=6), None),
    ("HH-007", M(2, relation="04"), None),
    ("HH-008", born(2, dt.date(1970, 1, 1)), born(2, dt.date(1995, 1, 1))),
    ("HH-009", born(4, dt.date(1980, 1, 1)), None),
    ("HH-010", add(GRANDCHILD), add({**GRANDCHILD, "birth_date": dt.date(2015, 1, 1),
                                     "id_number": idnumber.make("513437", dt.date(2015, 1, 1), 41),
                                     "school_status": "02", "labour_skill": "04"})),
    ("HH-011", add(person("沙马老人", "17", dt.date(1960, 1, 1), "1", 21, labour_skill="04")),
     add(person("沙马老人", "17", dt.date(1930, 1, 1), "1", 21, labour_skill="04"))),
    ("HH-012", leave(0), None),
    ("HH-013", born(4, dt.date(1900, 1, 1)), None),
    ("HH-014", born(0, dt.date(2006, 1, 1)), None),
    ("HH-015", H(phone="1390000111"), H(phone="13900001112")),
    ("HH-016", leave(4, reason=None), leave(4)),
    ("EDU-001", M(2, school_status="01"), M(2, school_status="01", out_of_school_reason="02")),
    ("EDU-001", M(2, school_status="01", out_of_school_reason="99"), M(2, school_status="01", out_of_school_reason="01")),
    # finished 初中: not out of school; unwell without the coded reason: the warning EDU-013 instead
    ("EDU-001", M(2, school_status="01"), M(2, school_status="01", education="03")),
    ("EDU-001", M(2, school_status="01", health="01"), M(2, school_status="01", health="02")),
    # age counted on 1 September: born in October 2013, 5 then (6 on 31 December)
    ("EDU-001", seq(born(3, dt.date(2013, 8, 20)), M(3, school_status="01")),
     seq(born(3, dt.date(2013, 10, 20)), M(3, school_status="01"))),
    ("EDU-002", M(2, school_status="07"), None),
    ("EDU-003", M(1, school_status="03"), None),
    ("EDU-004", M(3, school_status="02"), born(3, dt.date(2014, 5, 5))),
    ("EDU-005", M(1, education=None), None),
    ("EDU-006", M(2, school_status=None), None),
    ("EDU-007", M(1, education="06"), None),
    ("EDU-008", M(2, education="05", school_status="01"), None),
    # EDU-009 states 2020 on: the office switches it on for 2019 to see it
    ("EDU-009", seq(M(2, education="02"), X(rule_switches={"EDU-009": True})),
     seq(M(2, education="02"), X(rule_switches={"EDU-009": True}), M(2, education=None))),
    ("EDU-010", M(2, out_of_school_reason="99"), None),
    ("EDU-011", M(1, out_of_school_reason="01"), M(2, school_status="01", out_of_school_reason="01")),
    ("EDU-012", M(1, school_status="05"), None),
    ("EDU-013", M(2, school_status="01", health="04"), M(2, school_status="01", health="04", out_of_school_reason="01")),
    # 小学 spans six years: three of them alike is no stuck record
    ("EDU-014", seq(M(2, school_status="05"), X(member_history={3: {2017: "05", 2018: "05"}})),
     seq(M(2, school_status="03"), X(member_history={3: {2017: "03", 2018: "03"}}))),
    ("ALW-001", seq(*(M(i, labour_skill="04") for i in range(5))),
     seq(*(M(i, labour_skill="04") for i in range(5)), M(4, dibao=True))),
    ("LAB-013", H(main_cause="08"), seq(H(main_cause="08"), M(0, labour_skill="04"), M(1, labour_skill="03"))),
    ("ALW-002", M(1, tekun=True), M(4, tekun=True)),
    ("ALW-003", M(0, tekun=True), M(4, tekun=True)),
    ("HLT-013", M(1, health="04", disability_category="4", disability_grade="2"),
     M(1, health="04", disability_category="4", disability_grade="3")),
    ("LAB-014", M(2, public_post_type="01", public_post_from=dt.date(2019, 1, 1)),
     M(1, public_post_type="01", public_post_from=dt.date(2019, 1, 1))),
    ("LAB-015", seq(born(4, dt.date(1948, 1, 1)), M(4, public_post_type="03", public_post_from=dt.date(2019, 1, 1))),
     M(1, public_post_type="03", public_post_from=dt.date(2019, 1, 1))),
    ("LAB-016", seq(M(0, public_post_type="01", public_post_from=dt.date(2019, 1, 1)),
                    M(1, public_post_type="02", public_post_from=dt.date(2019, 1, 1))), None),
    ("LAB-017", M(1, public_post_type="01"), M(1, public_post_type="01", public_post_from=dt.date(2019, 3, 1))),
    ("STS-011", H(first_identified_year=2019, status="0", exit_year=None),
     seq(H(first_identified_year=2019, status="0", exit_year=None), C(dangerous_house=True, house_grade="4"),
         income_fix(wage=10000))),
    ("MON-001", seq(H(monitoring_type="1"), income_fix(wage=25000)),
     seq(H(monitoring_type="1", monitoring_reason="01"), income_fix(wage=25000))),
    ("LAB-001", M(1, labour_skill="04"), M(1, labour_skill="04", health="03")),
    ("LAB-002", M(1, labour_skill="03"), M(1, labour_skill="03", health="04")),
    ("LAB-003", M(2, labour_skill="01"), None),
    ("LAB-004", seq(born(2, dt.date(2002, 1, 1)), M(2, school_status="08", labour_skill="01")),
     seq(born(2, dt.date(2002, 1, 1)), M(2, school_status="08", labour_skill="04"))),
    ("LAB-005", M(1, labour_skill=None), None),
    ("LAB-006", M(0, work_months=13), None),
    ("LAB-007", M(1, work_status="01", work_months=0), M(1, work_status="01", work_months=6)),
    ("LAB-008", M(1, work_months=5), None),
    ("LAB-009", M(0, labour_skill="03"), None),
    ("LAB-010", M(0, work_status=None, work_months=0), None),
    ("LAB-011", income_fix(wage=0), None),
    ("LAB-012", M(2, work_months=3), None),
    ("HLT-001", M(1, ins_medical=False), M(1, ins_medical=False, ins_employee_medical=True)),
    ("HLT-002", M(1, ins_employee_medical=True), None),
    ("HLT-003", M(1, ins_major_illness=False), None),
    ("HLT-004", M(4, health="01"), None),
    ("HLT-005", H(main_cause="02"), seq(H(main_cause="02"), M(4, health="04", disability_category="4",
                                                             disability_cert_no=None))),
    ("HLT-006", seq(H(main_cause="03"), M(2, school_status="01", education="02"),
                    M(3, school_status="01", education="02")), H(main_cause="03")),
    ("HLT-007", M(4, health="04", disability_cert_no="x"), None),
    ("HLT-008", M(4, health="04", disability_category="4"), None),
    ("HLT-009", M(1, disability_category="4"), None),
    ("HLT-010", H(other_causes="01,07"), None),
    ("HLT-011", M(4, health="03", ins_major_illness=False), M(4, health="03")),
    ("HLT-012", M(1, ins_pension=None, ins_employee_pension=None), M(1, ins_pension=None)),
    ("INC-001", set_("income", None), None),
    ("INC-002", I(net_income=30000), None),
    ("INC-003", I(per_capita_net=5500), I(per_capita_net=4900.6)),
    ("INC-004", income_fix(other_property=-100, dividend=0), None),
    ("INC-005", income_fix(wage=0, business=0, other_transfer=0, pension=0, dividend=0), None),
    ("INC-006", income_fix(business_cost=0), None),
    ("INC-007", I(total_income=30000), None),
    ("INC-008", income_fix(wage=200), None),
    ("INC-009", I(pension=3000), None),
    ("INC-010", I(dividend=800), None),
    ("INC-011", seq(income_fix(eco_compensation=500), C(forest=0, grain_for_green=0)),
     income_fix(eco_compensation=500)),
    ("INC-012", income_fix(dibao_money=1500), seq(income_fix(dibao_money=1500), M(4, dibao=True))),
    ("INC-013", M(4, dibao=True), None),
    ("INC-014", H(attribute="04"), seq(H(attribute="04"), M(4, dibao=True), income_fix(dibao_money=1500))),
    ("INC-015", seq(M(4, dibao=True), income_fix(dibao_money=1500)),
     seq(H(attribute="04"), M(4, dibao=True), income_fix(dibao_money=1500))),
    ("INC-016", H(attribute="06"), seq(H(attribute="06"), income_fix(tekun_money=2000))),
    ("INC-017", income_fix(tekun_money=2000), seq(income_fix(tekun_money=2000), M(4, tekun=True))),
    ("INC-018", income_fix(dibao_money=1500, tekun_money=2000), None),
    ("INC-019", seq(H(attribute="06"), income_fix(tekun_money=2000)),
     seq(H(attribute="06"), income_fix(tekun_money=2000), M(0, health="03", labour_skill="04", work_status=None,
                                                            work_months=0),
         M(1, health="04", labour_skill="03"))),
    ("INC-020", income_fix(family_planning=50), income_fix(family_planning=150)),
    ("CON-001", set_("conditions", None), None),
    ("CON-002", C(farmland=300), None),
    ("CON-003", C(forest=400), None),
    ("CON-004", C(road_distance=60), None),
    ("CON-005", C(grain_for_green=10), None),
    ("CON-006", C(irrigated=8), None),
    ("CON-007", C(house_grade="4"), C(house_grade="4", dangerous_house=True)),
    ("CON-008", C(electricity=False), None),
    ("CON-009", C(house_area=900), None),
    ("CON-010", C(drinking_difficult=True), None),
    ("EXIT-001", income_fix(wage=5000), seq(H(status="0", exit_year=None), income_fix(wage=5000))),
    ("EXIT-002", C(dangerous_house=True, house_grade="4"),
     seq(C(dangerous_house=True, house_grade="4"), H(relocation_moved_in=True))),
    ("EXIT-003", C(drinking_safe=False), H(status="0", exit_year=None)),
    ("EXIT-004", C(electricity=False), None),
    ("EXIT-005", C(radio_tv=False), None),
    ("EXIT-006", C(house_area=0), None),
    ("EXIT-007", M(1, ins_major_illness=False), seq(H(status="0", exit_year=None), M(1, ins_major_illness=False))),
    ("EXIT-008", seq(H(status="0", exit_year=None), income_fix(wage=40000)), H(status="0", exit_year=None)),
    ("STS-001", H(exit_year=None), None),
    ("STS-002", H(status="0"), None),
    ("STS-003", H(first_identified_year=2019), None),
    ("STS-004", H(status="3", return_year=None), H(status="3", return_year=2019, return_cause="01")),
    ("STS-005", H(status="3", return_year=2017, return_cause="01"), None),
    ("STS-006", H(status="0", exit_year=None, return_year=2019), None),
    ("STS-007", H(exit_year=2020), None),
    ("STS-008", H(first_identified_year=2010), None),
    ("STS-009", H(status="3", exit_year=None, return_year=2019, return_cause="01"), None),
    ("STS-010", H(return_year=2018), H(return_year=2017)),
    ("CAD-001", set_("cadres", []), None),
    ("CAD-002", lambda s: s["context"].update(cadre_ids=frozenset({s["members"][1]["id_number"]})), None),
    ("CAD-003", lambda s: s["cadres"][0].update(phone="123"), None),
    ("CAD-004", X(shared_cadre_phones=frozenset({"13800000001"})), None),
    ("CAD-005", lambda s: s["cadres"][0].update(id_number=_wrong_check(s["cadres"][0]["id_number"])), None),
    ("MEA-001", seq(leave(4), measure(member_id=5)), seq(leave(4), measure(member_id=5, year=2018))),
    ("MEA-002", measure(year=2010), None),
    ("MEA-003", measure(amount=-5), None),
    ("MEA-004", measure(category="10"), seq(measure(category="10"), M(4, health="04"))),
]

_REQUIRED_PLACES = {"household": "household", "member": "members", "income": "income",
                    "conditions": "conditions"}


def _blank(key: str) -> Mut:
    entity, column = key.split(".")

    def f(s: dict[str, Any]) -> None:
        if entity == "member":
            s["members"][1][column] = None
        else:
            s[_REQUIRED_PLACES[entity]][column] = None
    return f


REQUIRED_CASES = [(r.code, _blank(r.fields[0]), None) for r in catalogue() if r.code.startswith("REQ-")]


def test_every_rule_has_a_case() -> None:
    covered = {c for c, _b, _p in CASES + REQUIRED_CASES}
    assert covered == {r.code for r in catalogue()}


def test_the_clean_household_passes_every_rule() -> None:
    assert findings(clean_spec()) == []


@pytest.mark.parametrize(("code", "breaks", "passes"), CASES + REQUIRED_CASES, ids=lambda x: x if isinstance(x, str) else "")
def test_rule_fails_and_passes(code: str, breaks: Mut, passes: Mut | None) -> None:
    assert code in codes(variant(breaks)), f"{code} did not fire"
    if passes is not None:
        assert code not in codes(variant(passes)), f"{code} fired on its passing case"


@pytest.mark.parametrize(("code", "breaks", "passes"), CASES + REQUIRED_CASES, ids=lambda x: x if isinstance(x, str) else "")
def test_messages_show_values_in_both_languages(code: str, breaks: Mut, passes: Mut | None) -> None:
    f = next(f for f in findings(variant(breaks)) if f.rule.code == code)
    zh, en = f.message("zh"), f.message("en")
    assert zh and en and "?" not in zh and "?" not in en, (zh, en)
    assert "{" not in zh and "{" not in en


def test_messages_name_the_actual_values() -> None:
    wrong = variant(spouse_id(_wrong_check))
    f = next(f for f in findings(wrong) if f.rule.code == "ID-004")
    number = wrong["members"][1]["id_number"]
    assert number in f.message("zh") and idnumber.check_char(number[:17]) in f.message("zh")
    f = next(f for f in findings(variant(M(2, school_status="01"))) if f.rule.code == "EDU-001")
    assert "沙马木呷" in f.message("zh") and "非在校生" in f.message("zh") and "11 岁" in f.message("zh")
    assert "Not in school" in f.message("en")


def test_required_rule_codes_come_from_the_dictionary() -> None:
    from povdesk.domain import dictionary as dd

    assert rule("REQ-AAB007").fields == ("member.ethnicity",)
    assert code_for(dd.field("conditions.production_power")) == "REQ-PRODUCTION_POWER"
    required = [f for f in dd.FIELDS if f.required and f.entity in ("household", "member", "income", "conditions")]
    assert {code_for(f) for f in required} <= {r.code for r in catalogue()}


def test_every_rule_states_its_year_range() -> None:
    for r in catalogue():
        first, last = r.years
        assert first is not None and (last is None or first <= last), r.code
        assert r.years_text("zh") and r.years_text("en")
    assert rule("EDU-009").years == (2020, None) and not rule("EDU-009").applies_to(2019)
    assert rule("EDU-001").years_text("zh") == "2014 年起" and rule("EDU-001").years_text("en") == "2014 on"


def test_working_age_is_one_year_setting_for_every_rule() -> None:
    import dataclasses

    from tests.domain.rules_fixture import SETTINGS

    def at(settings: Any) -> Mut:
        return lambda s: s.__setitem__("settings", settings)

    # the grandmother is 69: of working age only when it ends at 70
    wider = dataclasses.replace(SETTINGS, working_age_to=70)
    assert "LAB-002" not in codes(variant(M(4, labour_skill="03", health="01")))
    assert "LAB-002" in codes(variant(seq(M(4, labour_skill="03", health="01"), at(wider))))
    assert "LAB-005" in codes(variant(seq(M(4, labour_skill=None), at(wider))))
    assert "LAB-005" not in codes(variant(M(4, labour_skill=None)))
    # a 17-year-old before working age starts at 18
    later = dataclasses.replace(SETTINGS, working_age_from=18)
    teen = seq(born(2, dt.date(2002, 3, 1)), M(2, school_status="01", education="03", labour_skill="01"))
    assert "LAB-003" in codes(variant(seq(teen, at(later)))) and "LAB-003" not in codes(variant(teen))


def test_school_age_is_counted_on_the_school_age_date_whatever_the_reference_date() -> None:
    import dataclasses

    from tests.domain.rules_fixture import SETTINGS

    # checked in March 2020 (reference date), school ages still counted on 1 September 2019
    late = dataclasses.replace(SETTINGS, reference_date=dt.date(2020, 3, 15))
    child = seq(born(3, dt.date(2013, 8, 20)), M(3, school_status="01"),
                lambda s: s.__setitem__("settings", late))
    assert "EDU-001" in codes(variant(child))
    sixteen = seq(born(2, dt.date(2003, 10, 1)), M(2, school_status="01"),
                  lambda s: s.__setitem__("settings", late))  # 15 on 2019-09-01, 16 on the reference date
    assert "EDU-001" in codes(variant(sixteen))


def test_a_renderer_gives_both_languages_as_each_message_alone() -> None:
    """`Renderer.both` (a run records both messages) is `Rule.format` in each language."""
    from povdesk.domain.rules.base import Renderer

    hlt, exit_rule, con = rule("HLT-001"), rule("EXIT-001"), rule("CON-008")
    cases = [(hlt, {"name": "张三", "id_number": "51343719800101123X", "ins_medical": None,
                    "ins_employee_medical": ""}),
             (hlt, {"name": "李四", "id_number": None, "ins_medical": False, "ins_employee_medical": True}),
             (exit_rule, {"exit_year": 2018, "year": 2019, "per_capita_net": 3520.0, "line": 3750.0,
                          "line_year": 2019}),
             (con, {"production_power": True, "electricity": False}),
             (con, {"production_power": ["unhashable"], "electricity": 1})]
    renderer = Renderer()
    for r, values in cases * 2:  # (the second time from the remembered labels)
        assert renderer.both(r, values) == (r.format(values, "zh"), r.format(values, "en"))
    zh, en = renderer.both(hlt, cases[0][1])
    assert "张三" in zh and "空" in zh and "empty" in en
    assert renderer.format(con, cases[3][1], "en_US") == con.format(cases[3][1], "en")
