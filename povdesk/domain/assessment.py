"""The one judgement of a household's standard: 一超六有 / 两不愁三保障 (domain.md §3.1–3.2).

Everything that says whether a household meets the standard asks this module: the rules (EXIT-*,
EDU-001, HLT-001) call its small predicates in their hot loop, and `assess` gives the printed
form's indicator block, the window's detail pane (and the dashboard and exit gate to come) one
record of verdicts with the values and the standard behind each, in Chinese and English.

Two layers:

* Predicates on plain values (`income_meets`, `out_of_school`, `medically_insured`,
  `house_dangerous`, ...): cheap functions a rule calls per record, no objects built. They decide
  the True/False questions; an empty value is never a failure.
* `assess(facts, settings)`: a frozen `Assessment` of one household (the rules' own
  `HouseholdFacts`; `facts_from_detail` derives them from the window's `HouseholdDetail`) held to
  one year's settings, with one `Verdict` per indicator: met True/False, or None when the record
  does not say.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from dataclasses import field as dataclass_field
from types import MappingProxyType
from typing import Any

from povdesk.domain import dictionary as dd
from povdesk.domain import values as dv
from povdesk.domain.codelists import CodeBook, builtin_codebook
from povdesk.domain.idnumber import age_on
from povdesk.domain.meanings import (
    NOT_IN_SCHOOL,
    SAFE_GRADES,
    finished_compulsory,
    is_dangerous_house,
    is_school_exempt,
    is_unwell,
)
from povdesk.domain.records import HouseholdDetail, YearSettingRecord, frozen_map
from povdesk.domain.rules.base import (
    CadreFacts,
    HouseholdFacts,
    MemberFacts,
    YearRow,
    make_household,
    make_member,
)

# indicator keys, in the order a form prints them
INCOME = "income"
EDUCATION = "education"
MEDICAL = "medical"
HOUSING = "housing"
WATER = "water"
POWER = "power"
INDICATORS = (INCOME, EDUCATION, MEDICAL, HOUSING, WATER, POWER)
#: 两不愁 (food and clothing): the registry records nothing it could be judged on, so it is not among
#: the indicators the rules and the pane judge; the printed form shows it for the visit to verify
#: (`food_and_clothing`).
FOOD_CLOTHING = "food_clothing"

#: key -> (printed name, English name, the dictionary field it concerns)
_INDICATOR = {
    INCOME: ("一超(人均纯收入)", "Income above the exit line", "income.per_capita_net"),
    FOOD_CLOTHING: ("两不愁(不愁吃穿)", "Food and clothing", "household.status"),
    EDUCATION: ("义务教育有保障", "Compulsory education", "member.school_status"),
    MEDICAL: ("基本医疗有保障", "Basic medical care", "member.ins_medical"),
    HOUSING: ("住房安全有保障", "Safe housing", "conditions.dangerous_house"),
    WATER: ("饮水安全有保障", "Safe drinking water", "conditions.drinking_safe"),
    POWER: ("通生活用电、广播电视", "Electricity, radio and TV", "conditions.electricity"),
}


# ------------------------------------------------------------------ predicates (the rules' hot loop)
def income_meets(per_capita_net: float, line: float) -> bool:
    """一超: per-capita net income strictly above the line (超过); at the line is not met."""
    return per_capita_net > line


def of_school_age(age: int | None, settings: YearSettingRecord) -> bool:
    """Of compulsory-school age: settings.school_age_from..school_age_to, both included."""
    return age is not None and settings.school_age_from <= age <= settings.school_age_to


def school_age(born: dt.date | None, settings: YearSettingRecord) -> int | None:
    """Age on the day compulsory-school ages are counted (1 September of the school year, a year
    setting): a child born September-December of the year it turns 6 is not yet of school age."""
    return None if born is None else age_on(born, settings.school_date)


def not_at_school(member: Mapping[str, Any]) -> bool:
    """Recorded as 非在校生 without a reason that exempts (`meanings.is_school_exempt`) and without
    having finished 初中 (`meanings.finished_compulsory`). An empty status is unknown, not absent."""
    return (member["school_status"] == NOT_IN_SCHOOL and not is_school_exempt(member["out_of_school_reason"])
            and not finished_compulsory(member["education"]))


def out_of_school(member: MemberFacts, settings: YearSettingRecord) -> bool:
    """A child of compulsory-school age (on the settings' school-age date) recorded out of school
    without an exemption, whatever its health."""
    return of_school_age(school_age(member.birth, settings), settings) and not_at_school(member)


def dropped_out(member: MemberFacts, settings: YearSettingRecord) -> bool:
    """Out of school (`out_of_school`) and not recorded unwell: the error EDU-001 finds and the
    education indicator fails on. An unwell child without the coded reason is a warning (EDU-013)."""
    return out_of_school(member, settings) and not is_unwell(member["health"])


def medically_insured(member: Mapping[str, Any]) -> bool:
    """In basic medical insurance: resident (城乡居民) or employee (城镇职工)."""
    return bool(member["ins_medical"] or member["ins_employee_medical"])


def working_age(age: int | None, settings: YearSettingRecord) -> bool:
    """Of working age (the year setting working_age_from..working_age_to, both ends included)."""
    return age is not None and settings.working_age_from <= age <= settings.working_age_to


def housing_excused(relocation_moved_in: Any) -> bool:
    """A relocated household that has moved into its new home: its old house no longer counts."""
    return bool(relocation_moved_in)


def house_dangerous(dangerous_house: Any, house_grade: str | None) -> bool:
    """Marked 危房 or graded C/D."""
    return is_dangerous_house(dangerous_house, house_grade)


def house_missing(house_area: Any) -> bool:
    """A recorded floor area of 0 or less: no house."""
    return house_area is not None and house_area <= 0


def water_unsafe(drinking_safe: Any, drinking_difficult: Any) -> bool:
    """Drinking water explicitly unsafe, or difficult to get."""
    return (drinking_safe is not None and not drinking_safe) or bool(drinking_difficult)


def electricity_missing(electricity: Any) -> bool:
    """Household electricity explicitly 'no' (an empty value is unknown)."""
    return electricity is not None and not electricity


def radio_tv_missing(radio_tv: Any) -> bool:
    """Radio and TV explicitly 'no' (an empty value is unknown)."""
    return radio_tv is not None and not radio_tv


# ------------------------------------------------------------------ tri-state verdicts on values
def income_met(per_capita_net: Any, line: float) -> bool | None:
    return None if per_capita_net is None else income_meets(float(per_capita_net), line)


def housing_met(conditions: YearRow | None, relocation_moved_in: Any) -> bool | None:
    """Met when excused by relocation; not met when dangerous or without floor area; met when the
    house is recorded safe (not 危房, or graded A/B); else unknown."""
    if housing_excused(relocation_moved_in):
        return True
    if conditions is None:
        return None
    dangerous, grade = conditions.get("dangerous_house"), conditions.get("house_grade")
    if house_dangerous(dangerous, grade) or house_missing(conditions.get("house_area")):
        return False
    if dangerous is not None or grade in SAFE_GRADES:
        return True
    return None


def water_met(drinking_safe: Any, drinking_difficult: Any) -> bool | None:
    if water_unsafe(drinking_safe, drinking_difficult):
        return False
    return True if drinking_safe else None


def power_met(electricity: Any, radio_tv: Any) -> bool | None:
    if electricity_missing(electricity) or radio_tv_missing(radio_tv):
        return False
    return True if electricity and radio_tv else None


def education_members(current: Sequence[MemberFacts], settings: YearSettingRecord
                      ) -> tuple[list[MemberFacts], list[MemberFacts], list[MemberFacts]]:
    """The current members of compulsory-school age, those of them out of school (and not unwell),
    and those whose school status is not recorded (and not exempt)."""
    of_age = [m for m in current if of_school_age(school_age(m.birth, settings), settings)]
    absent = [m for m in of_age if not_at_school(m) and not is_unwell(m["health"])]
    unknown = [m for m in of_age if not m["school_status"] and not is_school_exempt(m["out_of_school_reason"])]
    return of_age, absent, unknown


def education_met(absent: Sequence[MemberFacts], unknown: Sequence[MemberFacts]) -> bool | None:
    return False if absent else (None if unknown else True)


def medical_met(current: Sequence[MemberFacts], uninsured: Sequence[MemberFacts]) -> bool | None:
    return medical_met_count(len(current), len(uninsured))


def medical_met_count(current: int, uninsured: int) -> bool | None:
    """The medical verdict from how many current members there are and how many of them are not
    insured (the dashboard counts them in SQL): unknown without a current member."""
    return None if not current else not uninsured


def indicator_title(key: str, lang: str = "zh") -> str:
    """An indicator's printed (zh) or English name."""
    return _INDICATOR[key][1 if lang.startswith("en") else 0]


# ------------------------------------------------------------------ the record
@dataclass(frozen=True)
class Verdict:
    """One indicator of one household: met (True, False, or None: the record does not say)."""

    key: str
    met: bool | None
    #: the data-dictionary key of the field the verdict mainly concerns
    field: str
    #: the members concerned (out of school, uninsured), by id
    members: tuple[int, ...] = ()
    #: the recorded values behind the verdict
    values: Mapping[str, Any] = dataclass_field(default_factory=frozen_map)
    standard_zh: str = ""
    standard_en: str = ""
    basis_zh: str = ""
    basis_en: str = ""

    @property
    def title_zh(self) -> str:
        return _INDICATOR[self.key][0]

    @property
    def title_en(self) -> str:
        return _INDICATOR[self.key][1]

    def title(self, lang: str = "zh") -> str:
        return self.title_en if lang.startswith("en") else self.title_zh

    def basis(self, lang: str = "zh") -> str:
        return self.basis_en if lang.startswith("en") else self.basis_zh

    def standard(self, lang: str = "zh") -> str:
        return self.standard_en if lang.startswith("en") else self.standard_zh


@dataclass(frozen=True)
class Assessment:
    """One household held to one year's settings.

    Ages are completed years on the settings' reference date; compulsory-school ages are counted on
    the school-age date (1 September of the school year, a year setting): a child is of
    compulsory-school age when its age on that day lies in school_age_from..school_age_to."""

    household_id: int
    year: int
    reference_date: dt.date
    school_age_date: dt.date
    exit_income_line: float
    #: member id -> age on the reference date (None: no birth date and no usable ID number)
    ages: Mapping[int, int | None]
    current_members: tuple[int, ...]
    working_age_members: tuple[int, ...]
    per_capita_net: float | None
    verdicts: tuple[Verdict, ...]

    def verdict(self, key: str) -> Verdict:
        for v in self.verdicts:
            if v.key == key:
                return v
        raise KeyError(key)

    @property
    def meets_standard(self) -> bool | None:
        """Every indicator met (True), one not met (False), else unknown (None)."""
        mets = [v.met for v in self.verdicts]
        if False in mets:
            return False
        return None if None in mets else True


# ------------------------------------------------------------------ facts from the window's record
def facts_from_detail(detail: HouseholdDetail, year: int, on: dt.date) -> HouseholdFacts:
    """The rules' record of a household (`HouseholdFacts`) from the window's `HouseholdDetail`: the
    data year's income and conditions rows, every member with ages on `on`, measures and the valid
    pairings' cadres. The printed form and the detail pane assess exactly what the rules check."""
    hid = detail.household.id
    members = [make_member(m.id, m.values, on) for m in detail.members]
    income = detail.income_for(year)
    cond = detail.conditions_for(year)
    cadres = [CadreFacts(hid, c.pairing_start, c.pairing_end, c["name"], c["id_number"], c["phone"])
              for c in detail.cadres]
    return make_household(hid, detail.household.values, members,
                          income=None if income is None else dict(income.values),
                          conditions=None if cond is None else dict(cond.values),
                          measures=[dict(r.values) for r in detail.measures], cadres=cadres)


# ------------------------------------------------------------------ assess
def _money(value: float) -> str:
    return f"{value:,.2f}"


def _line(value: float) -> str:
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.2f}"


def _names(ms: Sequence[MemberFacts], lang: str) -> str:
    return ("、" if lang == "zh" else ", ").join(m.name or "?" for m in ms)


def _shown(key: str, value: Any, lang: str, books: CodeBook) -> str:
    text = dv.display(dd.field(key), value, lang, books)
    return text or ("未填" if lang == "zh" else "not recorded")


def _pairs(keys: Sequence[str], row: YearRow | None, lang: str, books: CodeBook) -> str:
    colon, sep = ("：", "；") if lang == "zh" else (": ", "; ")
    return sep.join(f"{dd.field(k).label_with_unit(lang)}{colon}"
                    f"{_shown(k, None if row is None else row.get(dd.field(k).column), lang, books)}"
                    for k in keys)


def _verdict(key: str, met: bool | None, *, members: Sequence[MemberFacts] = (),
             values: Mapping[str, Any], standard: tuple[str, str], basis: tuple[str, str]) -> Verdict:
    return Verdict(key, met, _INDICATOR[key][2], tuple(m.id for m in members), frozen_map(values),
                   standard[0], standard[1], basis[0], basis[1])


def assess(facts: HouseholdFacts, settings: YearSettingRecord, books: CodeBook | None = None) -> Assessment:
    """Judge one household (the rules' facts; see `facts_from_detail`) against `settings`.

    Only the current members count. Code labels in the basis texts come from `books` (the office's
    code book; the built-in one when not given)."""
    books = books or builtin_codebook()
    ref = settings.reference_date
    ages = {m.id: (None if m.birth is None else age_on(m.birth, ref)) for m in facts.members}
    current = list(facts.current)
    working = [m for m in current if working_age(ages[m.id], settings)]
    inc, cond = facts.income, facts.conditions
    verdicts = []

    # 一超 / 不愁吃、不愁穿: per-capita net income above the exit line
    line = float(settings.exit_income_line)
    pcn = None if inc is None or inc.get("per_capita_net") is None else float(inc.get("per_capita_net"))
    met = income_met(pcn, line)
    if pcn is None:
        basis = (f"未登记 {settings.year} 年人均纯收入（标准 {_line(line)} 元）",
                 f"no per-capita net income recorded for {settings.year} (line {_line(line)} yuan)")
    else:
        sign = ">" if met else "≤"
        basis = (f"人均纯收入 {_money(pcn)} 元 {sign} {_line(line)} 元",
                 f"per-capita net income {_money(pcn)} yuan {sign} {_line(line)} yuan")
    verdicts.append(_verdict(INCOME, met, values={"per_capita_net": pcn, "exit_income_line": line},
                             standard=(f"{settings.year} 年人均纯收入超过 {_line(line)} 元",
                                       f"per-capita net income above {_line(line)} yuan in {settings.year}"),
                             basis=basis))

    # 义务教育有保障: every child of compulsory-school age at school (or exempt)
    a, b = settings.school_age_from, settings.school_age_to
    on = settings.school_date
    of_age, absent, unknown = education_members(current, settings)
    met = education_met(absent, unknown)
    zh, en = (f"{a}–{b} 周岁 {len(of_age)} 人", f"{len(of_age)} aged {a}–{b}") if of_age else \
        (f"无 {a}–{b} 周岁适龄儿童", f"no child aged {a}–{b}")
    if absent:
        zh += f"，未在校：{_names(absent, 'zh')}"
        en += f"; out of school: {_names(absent, 'en')}"
    if unknown:
        zh += f"，在校生状况未填：{_names(unknown, 'zh')}"
        en += f"; school status not recorded: {_names(unknown, 'en')}"
    if of_age and not absent and not unknown:
        zh += "，均在校或免于入学"
        en += ", all in school or exempt"
    verdicts.append(_verdict(EDUCATION, met, members=absent or unknown,
                             values={"school_age_from": a, "school_age_to": b, "school_age_date": on,
                                     "of_school_age": len(of_age), "out_of_school": len(absent),
                                     "status_unknown": len(unknown)},
                             standard=(f"{a}–{b} 周岁（{on:%Y-%m-%d}）适龄儿童均在校或免于入学",
                                       f"every child aged {a}–{b} on {on.isoformat()} in school or exempt"),
                             basis=(zh, en)))

    # 基本医疗有保障: every current member in basic medical insurance
    uninsured = [m for m in current if not medically_insured(m)]
    met = medical_met(current, uninsured)
    n = len(current)
    zh, en = f"参加基本医疗保险 {n - len(uninsured)}/{n} 人", f"{n - len(uninsured)} of {n} in basic medical insurance"
    if uninsured:
        zh += f"，未参保：{_names(uninsured, 'zh')}"
        en += f"; not insured: {_names(uninsured, 'en')}"
    verdicts.append(_verdict(MEDICAL, met, members=uninsured,
                             values={"current": n, "uninsured": len(uninsured)},
                             standard=("在册成员均参加城乡居民或城镇职工基本医疗保险",
                                       "every current member in resident or employee basic medical insurance"),
                             basis=(zh, en)))

    # 住房安全有保障: not a dangerous house (and a floor area), unless moved into a relocation home
    moved_in = facts.get("relocation_moved_in")
    met = housing_met(cond, moved_in)
    if housing_excused(moved_in):
        basis = ("易地扶贫搬迁已入住", "moved into a relocation home")
    else:
        basis = _conditions_basis(("conditions.dangerous_house", "conditions.house_grade",
                                   "conditions.house_area"), cond, settings.year, books)
    verdicts.append(_verdict(HOUSING, met,
                             values={"dangerous_house": None if cond is None else cond.get("dangerous_house"),
                                     "house_grade": None if cond is None else cond.get("house_grade"),
                                     "house_area": None if cond is None else cond.get("house_area"),
                                     "relocation_moved_in": moved_in},
                             standard=("非危房（C、D 级为危房）且有住房，或已搬迁入住",
                                       "not a dangerous house (grades C and D are) and a floor area, "
                                       "or moved into a relocation home"),
                             basis=basis))

    # 饮水安全有保障
    safe = None if cond is None else cond.get("drinking_safe")
    difficult = None if cond is None else cond.get("drinking_difficult")
    verdicts.append(_verdict(WATER, water_met(safe, difficult),
                             values={"drinking_safe": safe, "drinking_difficult": difficult},
                             standard=("饮水安全且不困难", "safe drinking water without difficult access"),
                             basis=_conditions_basis(("conditions.drinking_safe", "conditions.drinking_difficult"),
                                                     cond, settings.year, books)))

    # 通生活用电、广播电视
    power = None if cond is None else cond.get("electricity")
    tv = None if cond is None else cond.get("radio_tv")
    verdicts.append(_verdict(POWER, power_met(power, tv), values={"electricity": power, "radio_tv": tv},
                             standard=("通生活用电和广播电视", "household electricity and radio and TV"),
                             basis=_conditions_basis(("conditions.electricity", "conditions.radio_tv"),
                                                     cond, settings.year, books)))

    return Assessment(
        household_id=facts.id, year=settings.year, reference_date=ref, school_age_date=settings.school_date,
        exit_income_line=line, ages=MappingProxyType(ages), current_members=tuple(m.id for m in current),
        working_age_members=tuple(m.id for m in working), per_capita_net=pcn, verdicts=tuple(verdicts))


def _conditions_basis(keys: Sequence[str], cond: YearRow | None, year: int,
                      books: CodeBook) -> tuple[str, str]:
    if cond is None:
        return f"未登记 {year} 年生产生活条件", f"no living conditions recorded for {year}"
    return _pairs(keys, cond, "zh", books), _pairs(keys, cond, "en", books)


def food_and_clothing() -> Verdict:
    """两不愁 as its own row of the printed form, apart from 一超 (issue 14 §4): its standard as the
    2019 explainers give it (domain.md §3.2: staple food enough with some protein; clothes for each
    season). No field of the registry records it, so the verdict is unknown (None) and the visiting
    cadres judge it on the form."""
    return Verdict(FOOD_CLOTHING, None, _INDICATOR[FOOD_CLOTHING][2],
                   standard_zh="不愁吃（主食充足，有一定肉蛋奶或豆制品）、不愁穿（四季有换季衣物和御寒被褥）",
                   standard_en="food (enough staple food with some protein) and clothing (for every season, "
                               "with bedding against the cold) are not a worry",
                   basis_zh="登记信息不含此项，入户核实", basis_en="not in the registry; verified on the visit")
