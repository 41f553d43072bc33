"""The faults the demo county carries on purpose, so the checks can be measured against them.

One table, one entry per fault kind: its code, its Chinese and English description, the function
that puts it into a generated household (`@fault` over the injector) and the rule codes that must
find it. The generator injects from `FAULTS`, the recall tests iterate it; nothing else lists the
kinds.

Stable vocabulary: a kind's code never changes once committed, and the table's order is part of
what a seed draws (the kinds are shuffled from it): add a new kind at the end, never reorder. The
generator writes one `demo_fault` row per injected fault: household, member (when the fault sits
on a person), kind, the data-dictionary field key it touched and a short detail. A household
without any `demo_fault` row is clean: it passes every rule of domain.md §5.3 (no error-severity
finding is expected on it).

Conventions shared by all kinds:

* Ages are completed years on 31 December of the data year (2019); the generator keeps clean
  children away from the 31 August / 31 December boundary so either reference date gives the same
  verdict.
* Unless a kind says otherwise, the injector keeps the rest of the faulted household consistent
  (it recomputes totals after an income change, recomputes the check digit after an ID change),
  so the fault is the only thing wrong with it. Some faults unavoidably trip a neighbouring rule
  too (a deceased head also means "no current head"); recall is measured per household.
* The 2019 rows (income, conditions) are the ones faulted; 2018 income rows stay clean.
* An injector takes (generator, household, batch) and returns the faults it put in, or None when
  the household does not fit the kind (it leaves the household untouched then).
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any

from povdesk.demo import data
from povdesk.demo.generator import YEAR, Draft, Generator, Row, round10, round100, settle_income
from povdesk.domain import dictionary, idnumber
from povdesk.domain.meanings import DISABLED_HEALTH, HEALTHY, NOT_IN_SCHOOL, SPOUSE
from povdesk.domain.rules.education import YEARLY_GRADES
from povdesk.domain.rules.required import code_for

#: Share of the county's households that carry a fault.
FAULT_SHARE = 0.04

#: Fields that `empty_mandatory` blanks, in a fixed order (data-dictionary keys).
EMPTY_MANDATORY_FIELDS: tuple[str, ...] = (
    "member.ethnicity",
    "member.health",
    "household.main_cause",
    "conditions.road_type",
    "conditions.fuel",
    "conditions.toilet",
    "conditions.road_distance",
    "conditions.cooperative",
    "conditions.house_area",
)

_GENDERED = {"03": "04", "04": "03", "05": "06", "06": "05", "07": "08", "08": "07", "09": "10",
             "10": "09", "11": "12", "12": "11", "13": "14", "14": "13", "15": "16", "16": "15",
             "17": "18", "18": "17", "19": "20", "20": "19"}


@dataclass
class Injected:
    """One `demo_fault` row in the making: the household and member spoiled, the field, what changed."""

    household: Draft
    member: Row | None
    field: str | None
    detail: str
    kind: str = ""


#: What an injector returns: the faults it put in, or None when the household does not fit.
Spoiled = list[Injected] | None
Inject = Callable[[Generator, Draft, list[Draft]], Spoiled]


@dataclass(frozen=True)
class FaultKind:
    """One row of the fault table."""

    code: str
    zh: str
    en: str
    inject: Inject
    #: The rules of the catalogue that must find the fault (any one of them is enough).
    rules: tuple[str, ...]
    #: For a kind whose finder depends on the field it touched (an emptied mandatory field): that
    #: field's rule. `rules` then lists every rule it may be.
    field_rule: Callable[[str], str] | None = None

    def description(self, lang: str = "zh") -> str:
        """The description in a language ("zh…" Chinese, else English)."""
        return self.zh if lang.startswith("zh") else self.en

    def rules_for(self, field: str | None = None) -> tuple[str, ...]:
        """The rule codes that must find this fault where it touched `field`."""
        if self.field_rule is not None and field:
            return (self.field_rule(field),)
        return self.rules


_TABLE: list[FaultKind] = []


def fault(code: str, *, zh: str, en: str, rules: tuple[str, ...],
          field_rule: Callable[[str], str] | None = None) -> Callable[[Inject], Inject]:
    """Enter the decorated injector in the table, with its kind and the rules that must find it."""

    def enter(inject: Inject) -> Inject:
        if any(k.code == code for k in _TABLE) or not rules:
            raise AssertionError(f"fault kind {code!r}: entered twice or without a rule")
        _TABLE.append(FaultKind(code, zh, en, inject, rules, field_rule))
        return inject

    return enter


def _required_rule(key: str) -> str:
    return code_for(dictionary.field(key))


def _rec(h: Draft, m: Row | None, field: str | None, detail: str) -> Injected:
    return Injected(h, m, field, detail[:200])


def _pick(g: Generator, h: Draft, pred: Callable[[Row], bool]) -> Row | None:
    ms = [m for m in h.current if pred(m)]
    return g.rng.choice(ms) if ms else None


def _settle_h(h: Draft) -> None:
    settle_income(h.incomes[YEAR], h.row["size"])


# ------------------------------------------------------------------ ID numbers (§5.1, §5.3.1)
@fault("id_check_digit", rules=("ID-004",),
       zh="成员证件号码校验位错误（MOD 11-2 不符）",
       en="Member ID number fails the MOD 11-2 check digit (last character altered)")
def _id_check_digit(g: Generator, h: Draft, batch: list[Draft]) -> Spoiled:
    m = _pick(g, h, lambda m: True)
    assert m is not None
    old = m["id_number"]
    wrong = idnumber.CHECK_CHARS[(idnumber.CHECK_CHARS.index(old[17]) + g.rng.randint(1, 10)) % 11]
    m["id_number"] = old[:17] + wrong
    if m is h.head:
        h.row["head_id_number"] = m["id_number"]
    return [_rec(h, m, "member.id_number", f"{old} -> {m['id_number']}")]


@fault("id_15_digit", rules=("ID-002",),
       zh="成员证件号码为15位旧号码，未升级为18位",
       en="Member ID number is an old 15-digit number, not upgraded to 18 digits")
def _id_15_digit(g: Generator, h: Draft, batch: list[Draft]) -> Spoiled:
    m = _pick(g, h, lambda m: 1900 <= m["birth_date"].year <= 1999)
    if m is None:
        return None
    old = m["id_number"]
    m["id_number"] = old[:6] + old[8:17]
    if m is h.head:
        h.row["head_id_number"] = m["id_number"]
    return [_rec(h, m, "member.id_number", f"{old} -> {m['id_number']}")]


@fault("id_bad_birth_date", rules=("ID-005",),
       zh="成员证件号码中的出生日期不是真实日期（如13月、32日），校验位本身正确",
       en="Member ID number carries an impossible birth "
          "date (month 13, day 32); check digit is valid")
def _id_bad_birth_date(g: Generator, h: Draft, batch: list[Draft]) -> Spoiled:
    m = _pick(g, h, lambda m: m is not h.head)
    if m is None:
        return None
    old = m["id_number"]
    bad = old[:10] + ("13" + old[12:14] if g.rng.random() < 0.5 else old[10:12] + "32")
    first17 = bad + old[14:17]
    m["id_number"] = first17 + idnumber.check_char(first17)
    return [_rec(h, m, "member.id_number", f"{old} -> {m['id_number']}")]


@fault("id_sex_mismatch", rules=("ID-006",),
       zh="成员证件号码第17位所示性别与“性别”字段不符（校验位正确）",
       en="Sex from the ID number's 17th digit contradicts"
          " the member's sex field (check digit valid)")
def _id_sex_mismatch(g: Generator, h: Draft, batch: list[Draft]) -> Spoiled:
    m = _pick(g, h, lambda m: m is not h.head)
    if m is None:
        return None
    old = m["id_number"]
    g.regen_id(m, male=m["sex"] != "1")
    return [_rec(h, m, "member.id_number", f"{old} -> {m['id_number']} (sex {m['sex']})")]


@fault("id_birth_date_mismatch", rules=("ID-007",),
       zh="成员“出生日期”与证件号码中的出生日期不一致",
       en="Member's birth date field differs from the birth date in the ID number")
def _id_birth_date_mismatch(g: Generator, h: Draft, batch: list[Draft]) -> Spoiled:
    m = _pick(g, h, lambda m: m["_age"] >= 25 and m is not h.head)
    if m is None:
        return None
    old = m["birth_date"]
    m["birth_date"] = old + dt.timedelta(days=g.rng.choice((-1, 1)) * g.rng.randint(40, 300))
    return [_rec(h, m, "member.birth_date", f"{old} -> {m['birth_date']}, ID {m['id_number']}")]


@fault("id_duplicate_other_household", rules=("ID-009",),
       zh="同一证件号码出现在本县另一户（人员重复）；两户都记录此错误",
       en="The same ID number appears in another household of the "
          "county (duplicate person); both households carry this fault")
def _id_duplicate_other_household(g: Generator, h: Draft, batch: list[Draft]) -> Spoiled:
    m = _pick(g, h, lambda m: m is not h.head and m["_age"] >= 20)
    if m is None:
        return None
    for other in g.rng.sample(batch, min(len(batch), 300)):
        if other is h or other.faulted:
            continue
        for o in other.current:
            if o is not other.head and o["sex"] == m["sex"] and abs(o["_age"] - m["_age"]) <= 3 \
                    and o["_age"] >= 20:
                old = m["id_number"]
                m["id_number"], m["birth_date"] = o["id_number"], o["birth_date"]
                if m.get("disability_cert_no"):
                    m["disability_cert_no"] = m["id_number"] + m["disability_cert_no"][18:]
                return [_rec(h, m, "member.id_number", f"{old} -> {o['id_number']} (= {other.row['household_no']})"),
                        _rec(other, o, "member.id_number", f"also in {h.row['household_no']}")]
    return None


# ------------------------------------------------------------------ household structure (§5.3.2)
@fault("no_head", rules=("HH-002",),
       zh="户内没有“户主”（原户主的与户主关系被改为“其他”）",
       en="No member has relation 户主 (the head's relation was changed to 其他)")
def _no_head(g: Generator, h: Draft, batch: list[Draft]) -> Spoiled:
    h.head["relation"] = "99"
    return [_rec(h, h.head, "member.relation", "01 -> 99")]


@fault("two_heads", rules=("HH-003",),
       zh="户内有两名“户主”",
       en="Two members have relation 户主")
def _two_heads(g: Generator, h: Draft, batch: list[Draft]) -> Spoiled:
    m = _pick(g, h, lambda m: m is not h.head and m["_age"] >= 18)
    if m is None:
        return None
    old = m["relation"]
    m["relation"] = "01"
    return [_rec(h, m, "member.relation", f"{old} -> 01")]


@fault("two_spouses", rules=("HH-004",),
       zh="户内有两名“配偶”",
       en="Two members have relation 配偶")
def _two_spouses(g: Generator, h: Draft, batch: list[Draft]) -> Spoiled:
    if not any(m["relation"] == SPOUSE for m in h.current):
        return None
    m = _pick(g, h, lambda m: m["relation"] in ("05", "04", "12") and m["_age"] >= 18)
    if m is None:
        return None
    old = m["relation"]
    m["relation"] = "02"
    return [_rec(h, m, "member.relation", f"{old} -> 02")]


@fault("relation_sex_mismatch", rules=("HH-007",),
       zh="与户主关系与性别矛盾（如男性为“之女”、女性为“之子”）",
       en="Relation to head contradicts sex (a male 之女, a female 之子, …)")
def _relation_sex_mismatch(g: Generator, h: Draft, batch: list[Draft]) -> Spoiled:
    m = _pick(g, h, lambda m: m["relation"] in _GENDERED)
    if m is None:
        return None
    old = m["relation"]
    m["relation"] = _GENDERED[old]
    return [_rec(h, m, "member.relation", f"{old} -> {m['relation']} (sex {m['sex']})")]


@fault("spouses_same_sex", rules=("HH-005",),
       zh="户主与配偶同性别（性别字段与证件号码一致地被改）",
       en="Head and spouse have the same sex (sex field and ID number changed consistently)")
def _spouses_same_sex(g: Generator, h: Draft, batch: list[Draft]) -> Spoiled:
    m = _pick(g, h, lambda m: m["relation"] == SPOUSE)
    if m is None:
        return None
    m["sex"] = h.head["sex"]
    g.regen_id(m)
    return [_rec(h, m, "member.sex", f"spouse sex -> {m['sex']}, ID {m['id_number']}")]


@fault("child_older_than_head", rules=("HH-008",),
       zh="之子/之女的年龄大于户主（出生日期与证件号码一致）",
       en="A son or daughter is older than the head (birth date and ID number agree)")
def _child_older_than_head(g: Generator, h: Draft, batch: list[Draft]) -> Spoiled:
    m = _pick(g, h, lambda m: m["relation"] in ("03", "04") and m["school_status"] == NOT_IN_SCHOOL and m["_age"] >= 18)
    if m is None:
        return None
    age = h.head["_age"] + g.rng.randint(1, 6)
    born = g.born(age)
    old = m["birth_date"]
    m["birth_date"], m["_age"] = born, age
    g.regen_id(m, born=born)
    return [_rec(h, m, "member.birth_date", f"{old} -> {born}, head born {h.head['birth_date']}")]


@fault("size_mismatch", rules=("HH-006",),
       zh="家庭人口数与在册成员人数不符（人均纯收入按错误人口数计算）",
       en="Household size differs from the count of current"
          " members (per-capita income uses the wrong size)")
def _size_mismatch(g: Generator, h: Draft, batch: list[Draft]) -> Spoiled:
    old = h.row["size"]
    h.row["size"] = old + (1 if old <= 2 or g.rng.random() < 0.5 else -1)
    _settle_h(h)
    return [_rec(h, None, "household.size", f"{old} -> {h.row['size']} ({h.size} current members)")]


@fault("head_mismatch", rules=("ID-011",),
       zh="户表的户主姓名与户主成员的姓名不一致",
       en="The household's head name differs from the name of the member whose relation is 户主")
def _head_mismatch(g: Generator, h: Draft, batch: list[Draft]) -> Spoiled:
    old = h.row["head_name"]
    pool = data.YI_MALE_GIVEN if h.yi else data.HAN_MALE_GIVEN
    new = old
    while new == old:
        new = h.head["_surname"] + g.rng.choice(pool)
    h.row["head_name"] = new
    return [_rec(h, None, "household.head_name", f"{old} -> {new}")]


@fault("deceased_is_head", rules=("HH-012",),
       zh="户主已自然减少（死亡）但仍为户主，未重新指定户主",
       en="The head has been naturally decreased (died) but is still the head; no new head named")
def _deceased_is_head(g: Generator, h: Draft, batch: list[Draft]) -> Spoiled:
    if h.size < 2:
        return None
    head = h.head
    head["status"], head["change_reason"] = "2", "死亡"
    head["change_date"] = dt.date(YEAR, g.rng.randint(1, 11), g.rng.randint(1, 28))
    h.row["size"] = h.size
    _settle_h(h)
    return [_rec(h, head, "member.status", f"head died {head['change_date']}, still 户主")]


# ------------------------------------------------------------------ education (§5.3.3)
@fault("dropout_compulsory_age", rules=("EDU-001",),
       zh="7–14岁儿童为“非在校生”且无免于入学说明（辍学）",
       en="A child aged 7-14 is not in school and has no documented exemption (dropout)")
def _dropout_compulsory_age(g: Generator, h: Draft, batch: list[Draft]) -> Spoiled:
    m = _pick(g, h, lambda m: 7 <= m["_age"] <= 14 and m["school_status"] in ("03", "04", "05"))
    if m is None:
        return None
    old = m["school_status"]
    m["school_status"], m["education"] = "01", "02"
    h.measures[:] = [x for x in h.measures if x["_member"] is not m or x["category"] != "05"]
    return [_rec(h, m, "member.school_status", f"{old} -> 01, age {m['_age']}")]


@fault("grade_age_mismatch", rules=("EDU-002",),
       zh="年龄与在校生状况不符（13岁及以下在读高中/中职）",
       en="Age and school status disagree (aged 13 or under in senior or vocational secondary)")
def _grade_age_mismatch(g: Generator, h: Draft, batch: list[Draft]) -> Spoiled:
    m = _pick(g, h, lambda m: 8 <= m["_age"] <= 13 and m["school_status"] == "03")
    if m is None:
        return None
    m["school_status"] = g.rng.choice(("07", "10"))
    return [_rec(h, m, "member.school_status", f"03 -> {m['school_status']}, age {m['_age']}")]


@fault("education_and_school_both_filled", rules=("EDU-009",),
       zh="在校生同时填写了文化程度",
       en="A student has an education level filled in as well as a school status")
def _education_and_school_both_filled(g: Generator, h: Draft, batch: list[Draft]) -> Spoiled:
    m = _pick(g, h, lambda m: m["school_status"] not in ("01", "02"))
    if m is None:
        return None
    m["education"] = "02" if m["school_status"] in ("03", "04", "05", "06") else "03"
    return [_rec(h, m, "member.education", f"student {m['school_status']} with education {m['education']}")]


# ------------------------------------------------------------------ labour and work (§5.3.4)
@fault("working_age_no_labour", rules=("LAB-001",),
       zh="20–55岁健康非在校生劳动技能为“无劳动力”",
       en="A healthy non-student aged 20-55 is marked 无劳动力 (no labour capacity)")
def _working_age_no_labour(g: Generator, h: Draft, batch: list[Draft]) -> Spoiled:
    m = _pick(g, h, lambda m: 20 <= m["_age"] <= 55 and m["health"] == HEALTHY and m["school_status"] == NOT_IN_SCHOOL
              and not m["work_months"])
    if m is None:
        return None
    old = m["labour_skill"]
    m["labour_skill"] = "04"
    return [_rec(h, m, "member.labour_skill", f"{old} -> 04, age {m['_age']}")]


@fault("minor_with_labour", rules=("LAB-003", "LAB-004"),
       zh="16岁以下在校生劳动技能为“普通劳动力”",
       en="A student under 16 is marked 普通劳动力 (ordinary labour)")
def _minor_with_labour(g: Generator, h: Draft, batch: list[Draft]) -> Spoiled:
    m = _pick(g, h, lambda m: 8 <= m["_age"] <= 14 and m["school_status"] != "01")
    if m is None:
        return None
    m["labour_skill"] = "01"
    return [_rec(h, m, "member.labour_skill", f"04 -> 01, age {m['_age']}")]


@fault("work_months_out_of_range", rules=("LAB-006",),
       zh="务工时间超出0–12个月（13或14）",
       en="Migrant-work months outside 0-12 (13 or 14)")
def _work_months_out_of_range(g: Generator, h: Draft, batch: list[Draft]) -> Spoiled:
    m = _pick(g, h, lambda m: bool(m["work_months"]))
    if m is None:
        return None
    old = m["work_months"]
    m["work_months"] = g.rng.choice((13, 14))
    return [_rec(h, m, "member.work_months", f"{old} -> {m['work_months']}")]


@fault("work_place_without_months", rules=("LAB-007",),
       zh="填写了务工状况（地点）但务工时间为0",
       en="Migrant-work place filled in but months = 0")
def _work_place_without_months(g: Generator, h: Draft, batch: list[Draft]) -> Spoiled:
    workers = [m for m in h.current if m["work_months"]]
    if len(workers) < 2:
        return None
    m = g.rng.choice(workers)
    old = m["work_months"]
    m["work_months"] = 0
    return [_rec(h, m, "member.work_months", f"{old} -> 0 with work status {m['work_status']}")]


@fault("worker_without_labour", rules=("LAB-009",),
       zh="丧失劳动力或无劳动力的成员填有务工状况和务工时间",
       en="A member with lost or no labour capacity is listed as a migrant worker")
def _worker_without_labour(g: Generator, h: Draft, batch: list[Draft]) -> Spoiled:
    m = _pick(g, h, lambda m: bool(m["work_months"]))
    if m is None:
        return None
    old = m["labour_skill"]
    m["labour_skill"] = "03"
    return [_rec(h, m, "member.labour_skill", f"{old} -> 03 while working {m['work_months']} months")]


@fault("wage_without_worker", rules=("LAB-010",),
       zh="户内无务工成员，却有工资性收入（收入合计已相应重算）",
       en="Wage income although no member works (totals recomputed to match)")
def _wage_without_worker(g: Generator, h: Draft, batch: list[Draft]) -> Spoiled:
    if any(m["work_months"] or m["work_status"] for m in h.current):
        return None
    inc = h.incomes[YEAR]
    inc["wage"] = round100(g.rng.uniform(3000, 8000))
    _settle_h(h)
    return [_rec(h, None, "income.wage", f"wage {inc['wage']:.0f} without a worker")]


@fault("worker_without_wage", rules=("LAB-011",),
       zh="户内有务工成员，工资性收入却为0（收入合计已相应重算）",
       en="A member works but wage income is 0 (totals recomputed to match)")
def _worker_without_wage(g: Generator, h: Draft, batch: list[Draft]) -> Spoiled:
    inc = h.incomes[YEAR]
    if not inc["wage"]:
        return None
    old = inc["wage"]
    inc["wage"] = 0.0
    _settle_h(h)
    return [_rec(h, None, "income.wage", f"{old:.0f} -> 0 with workers")]


# ------------------------------------------------------------------ health and insurance (§5.3.5)
@fault("not_insured_medical", rules=("HLT-001",),
       zh="成员未参加城乡居民基本医疗保险，也未参加职工医保",
       en="Member in neither resident basic medical insurance nor employee medical insurance")
def _not_insured_medical(g: Generator, h: Draft, batch: list[Draft]) -> Spoiled:
    m = _pick(g, h, lambda m: True)
    assert m is not None
    m["ins_medical"] = False
    return [_rec(h, m, "member.ins_medical", "resident medical insurance 1 -> 0")]


@fault("medical_insurance_both", rules=("HLT-002",),
       zh="成员同时参加城乡居民基本医疗保险和城镇职工基本医疗保险",
       en="Member in both resident and employee basic medical insurance")
def _medical_insurance_both(g: Generator, h: Draft, batch: list[Draft]) -> Spoiled:
    m = _pick(g, h, lambda m: m["_age"] >= 18)
    if m is None:
        return None
    m["ins_employee_medical"] = True
    return [_rec(h, m, "member.ins_employee_medical", "employee medical insurance 0 -> 1")]


@fault("no_major_illness_insurance", rules=("EXIT-007", "HLT-003"),
       zh="已脱贫户成员未参加大病保险",
       en="A member of an exited household is not in major-illness insurance")
def _no_major_illness_insurance(g: Generator, h: Draft, batch: list[Draft]) -> Spoiled:
    if not h.exited:
        return None
    m = _pick(g, h, lambda m: True)
    assert m is not None
    m["ins_major_illness"] = False
    return [_rec(h, m, "member.ins_major_illness", "major-illness insurance 1 -> 0")]


@fault("disabled_no_certificate", rules=("HLT-008",),
       zh="健康状况为残疾，但无残疾证号",
       en="Health says disabled but there is no disability certificate number")
def _disabled_no_certificate(g: Generator, h: Draft, batch: list[Draft]) -> Spoiled:
    m = _pick(g, h, lambda m: m["health"] in DISABLED_HEALTH)
    if m is None:
        return None
    old = m["disability_cert_no"]
    m["disability_cert_no"] = None
    return [_rec(h, m, "member.disability_cert_no", f"{old} -> empty")]


# ------------------------------------------------------------------ causes of poverty (§5.2 A.4)
def _cause_fault(h: Draft, code: str, ok: bool) -> Spoiled:
    if not ok or h.row["main_cause"] == code:
        return None
    old = h.row["main_cause"]
    h.row["main_cause"] = code
    others = [c for c in (h.row["other_causes"] or "").split(",") if c and c != code]
    h.row["other_causes"] = ",".join(others) or None
    return [_rec(h, None, "household.main_cause", f"{old} -> {code}")]


@fault("cause_illness_all_healthy", rules=("HLT-004",),
       zh="主要致贫原因为“因病”，但全部成员健康",
       en="Main cause 因病 (illness) but every member is healthy")
def _cause_illness_all_healthy(g: Generator, h: Draft, batch: list[Draft]) -> Spoiled:
    return _cause_fault(h, "01", all(m["health"] == HEALTHY for m in h.current))


@fault("cause_disability_no_disabled", rules=("HLT-005",),
       zh="主要致贫原因为“因残”，但无残疾成员",
       en="Main cause 因残 (disability) but no member is disabled")
def _cause_disability_no_disabled(g: Generator, h: Draft, batch: list[Draft]) -> Spoiled:
    return _cause_fault(h, "02", not any(m["health"] in DISABLED_HEALTH for m in h.current))


@fault("cause_school_no_student", rules=("HLT-006",),
       zh="主要致贫原因为“因学”，但无在校生",
       en="Main cause 因学 (schooling) but no member is a student")
def _cause_school_no_student(g: Generator, h: Draft, batch: list[Draft]) -> Spoiled:
    return _cause_fault(h, "03", all(m["school_status"] == NOT_IN_SCHOOL for m in h.current))


@fault("other_cause_repeats_main", rules=("HLT-010",),
       zh="其他致贫原因重复了主要致贫原因",
       en="Other causes repeat the main cause")
def _other_cause_repeats_main(g: Generator, h: Draft, batch: list[Draft]) -> Spoiled:
    main = h.row["main_cause"]
    others = [c for c in (h.row["other_causes"] or "").split(",") if c]
    h.row["other_causes"] = ",".join(sorted([*others, main]))
    return [_rec(h, None, "household.other_causes", f"main {main}, others {h.row['other_causes']}")]


# ------------------------------------------------------------------ income (§5.3.6)
@fault("net_income_arithmetic", rules=("INC-002",),
       zh="纯收入 ≠ 工资性+生产经营性+财产性+转移性−生产经营性支出（人均按错误纯收入计算）",
       en="Net income != wage + business + property + transfer"
          " - business cost (per capita follows the wrong net)")
def _net_income_arithmetic(g: Generator, h: Draft, batch: list[Draft]) -> Spoiled:
    inc = h.incomes[YEAR]
    old = inc["net_income"]
    inc["net_income"] = old + g.rng.choice((-1, 1)) * round100(g.rng.uniform(500, 3000))
    inc["per_capita_net"] = round(inc["net_income"] / h.row["size"], 2)
    return [_rec(h, None, "income.net_income", f"{old:.2f} -> {inc['net_income']:.2f}")]


@fault("per_capita_arithmetic", rules=("INC-003",),
       zh="人均纯收入 ≠ 纯收入 ÷ 家庭人口数（差额大于1元）",
       en="Per-capita net income != net income / household size (off by more than 1 yuan)")
def _per_capita_arithmetic(g: Generator, h: Draft, batch: list[Draft]) -> Spoiled:
    inc = h.incomes[YEAR]
    old = inc["per_capita_net"]
    inc["per_capita_net"] = round(old + round10(g.rng.uniform(200, 1500)), 2)
    return [_rec(h, None, "income.per_capita_net", f"{old:.2f} -> {inc['per_capita_net']:.2f}")]


@fault("negative_income", rules=("INC-004",),
       zh="财产性收入为负数（其他财产性收入为负，合计已重算）",
       en="Property income is negative (other property income negative; totals recomputed)")
def _negative_income(g: Generator, h: Draft, batch: list[Draft]) -> Spoiled:
    inc = h.incomes[YEAR]
    inc["dividend"] = 0.0
    inc["other_property"] = -round10(g.rng.uniform(200, 800))
    _settle_h(h)
    return [_rec(h, None, "income.property", f"property {inc['property']:.2f}")]


@fault("dibao_money_without_dibao_member", rules=("INC-012",),
       zh="一般贫困户无享受低保的成员，却有低保金（合计已重算）",
       en="Ordinary household with no member on 低保 receives 低保金 (totals recomputed)")
def _dibao_money_without_dibao_member(g: Generator, h: Draft, batch: list[Draft]) -> Spoiled:
    if h.row["attribute"] != "01":
        return None
    inc = h.incomes[YEAR]
    inc["dibao_money"] = round10(g.rng.uniform(1200, 3000))
    _settle_h(h)
    return [_rec(h, None, "income.dibao_money", f"0 -> {inc['dibao_money']:.0f}")]


@fault("dibao_household_no_money", rules=("INC-013",),
       zh="低保贫困户的低保金为0（合计已重算）",
       en="A 低保 household's 低保金 is 0 (totals recomputed)")
def _dibao_household_no_money(g: Generator, h: Draft, batch: list[Draft]) -> Spoiled:
    if h.row["attribute"] != "04":
        return None
    inc = h.incomes[YEAR]
    old = inc["dibao_money"]
    inc["dibao_money"] = 0.0
    _settle_h(h)
    return [_rec(h, None, "income.dibao_money", f"{old:.0f} -> 0")]


@fault("tekun_household_no_money", rules=("INC-016",),
       zh="特困供养贫困户的五保金（特困供养金）为0（合计已重算）",
       en="A destitute-support household's support money is 0 (totals recomputed)")
def _tekun_household_no_money(g: Generator, h: Draft, batch: list[Draft]) -> Spoiled:
    if h.row["attribute"] != "06":
        return None
    inc = h.incomes[YEAR]
    old = inc["tekun_money"]
    inc["tekun_money"] = 0.0
    _settle_h(h)
    return [_rec(h, None, "income.tekun_money", f"{old:.0f} -> 0")]


@fault("business_income_no_cost", rules=("INC-006",),
       zh="有生产经营性收入，生产经营性支出却为0（合计已重算）",
       en="Business income > 0 but business cost = 0 (totals recomputed)")
def _business_income_no_cost(g: Generator, h: Draft, batch: list[Draft]) -> Spoiled:
    inc = h.incomes[YEAR]
    if not inc["business"]:
        return None
    old = inc["business_cost"]
    inc["business_cost"] = 0.0
    _settle_h(h)
    return [_rec(h, None, "income.business_cost", f"{old:.0f} -> 0 with business {inc['business']:.0f}")]


# ------------------------------------------------------------------ exit standard 一超六有 (§3.2, §5.3.7)
@fault("exited_below_line", rules=("EXIT-001",),
       zh="已脱贫户2019年人均纯收入低于当年退出标准（合计一致）",
       en="Exited household's 2019 per-capita net income is "
          "below that year's exit line (arithmetic consistent)")
def _exited_below_line(g: Generator, h: Draft, batch: list[Draft]) -> Spoiled:
    if not h.exited or h.row["attribute"] == "06":
        return None
    inc = h.incomes[YEAR]
    size = h.row["size"]
    line = g.lines[YEAR]
    floor_net = inc["wage"] + inc["property"] + inc["transfer"]
    target = line * g.rng.uniform(0.6, 0.9) * size
    if floor_net + 100 >= target:
        return None
    inc["business"] = float(math.floor((target - floor_net) / 100) * 100)
    inc["business_cost"] = max(10.0, round10(inc["business"] * 0.3)) if inc["business"] else 0.0
    _settle_h(h)
    return [_rec(h, None, "income.per_capita_net", f"{inc['per_capita_net']:.2f} < line {line:.0f}")]


def _exit_condition(h: Draft, key: str, value: Any, detail: str) -> Spoiled:
    if not h.exited:
        return None
    h.cond[key] = value
    return [_rec(h, None, f"conditions.{key}", detail)]


@fault("exited_dangerous_house", rules=("EXIT-002",),
       zh="已脱贫户为危房户（C/D级）",
       en="Exited household lives in a dangerous house (grade C/D)")
def _exited_dangerous_house(g: Generator, h: Draft, batch: list[Draft]) -> Spoiled:
    if h.row["relocation_moved_in"] or not h.exited:  # give up before touching anything
        return None
    h.cond["house_grade"] = g.rng.choice(("3", "4"))
    return _exit_condition(h, "dangerous_house", True, f"dangerous house, grade {h.cond['house_grade']}")


@fault("exited_unsafe_water", rules=("EXIT-003",),
       zh="已脱贫户饮水不安全",
       en="Exited household has no safe drinking water")
def _exited_unsafe_water(g: Generator, h: Draft, batch: list[Draft]) -> Spoiled:
    return _exit_condition(h, "drinking_safe", False, "drinking water unsafe")


@fault("exited_no_electricity", rules=("EXIT-004",),
       zh="已脱贫户未通生活用电",
       en="Exited household has no domestic electricity")
def _exited_no_electricity(g: Generator, h: Draft, batch: list[Draft]) -> Spoiled:
    return _exit_condition(h, "electricity", False, "no domestic electricity")


@fault("exited_no_radio_tv", rules=("EXIT-005",),
       zh="已脱贫户未通广播电视",
       en="Exited household has no radio/TV")
def _exited_no_radio_tv(g: Generator, h: Draft, batch: list[Draft]) -> Spoiled:
    return _exit_condition(h, "radio_tv", False, "no radio/TV")


# ------------------------------------------------------------------ status history (§5.3.8)
@fault("exit_year_before_identification", rules=("STS-003",),
       zh="脱贫年度早于首次识别年度",
       en="Exit year is before the year of first identification")
def _exit_year_before_identification(g: Generator, h: Draft, batch: list[Draft]) -> Spoiled:
    if not h.exited:
        return None
    old = h.row["first_identified_year"]
    h.row["first_identified_year"] = h.row["exit_year"] + g.rng.randint(1, 2)
    return [_rec(h, None, "household.exit_year",
                 f"exit {h.row['exit_year']}, first identified {old} -> {h.row['first_identified_year']}")]


@fault("return_year_before_exit", rules=("STS-005",),
       zh="返贫户的返贫年度早于脱贫年度",
       en="A returned household's return year is before its exit year")
def _return_year_before_exit(g: Generator, h: Draft, batch: list[Draft]) -> Spoiled:
    if h.row["status"] != "3":
        return None
    old = h.row["return_year"]
    h.row["return_year"] = h.row["exit_year"] - 1
    return [_rec(h, None, "household.return_year", f"{old} -> {h.row['return_year']}, exit {h.row['exit_year']}")]


# ------------------------------------------------------------------ completeness and plausibility (§5.2 A.3, A.10)
@fault("empty_mandatory", rules=tuple(_required_rule(k) for k in EMPTY_MANDATORY_FIELDS),
       field_rule=_required_rule,
       zh="必填项为空（字段见 field）",
       en="A mandatory field is empty (the field key is in `field`)")
def _empty_mandatory(g: Generator, h: Draft, batch: list[Draft]) -> Spoiled:
    key = g.rng.choice(EMPTY_MANDATORY_FIELDS)
    entity, column = key.split(".")
    if entity == "member":
        m = _pick(g, h, lambda m: True)
        assert m is not None
        m[column] = None
        return [_rec(h, m, key, f"{key} emptied")]
    target = h.row if entity == "household" else h.cond
    target[column] = None
    return [_rec(h, None, key, f"{key} emptied")]


@fault("phone_not_11_digits", rules=("HH-015",),
       zh="户联系电话不是11位",
       en="Household phone number is not 11 digits")
def _phone_not_11_digits(g: Generator, h: Draft, batch: list[Draft]) -> Spoiled:
    old = h.row["phone"]
    h.row["phone"] = old[:10] if g.rng.random() < 0.5 else old + str(g.rng.randrange(10))
    h.head["phone"] = h.row["phone"]
    return [_rec(h, None, "household.phone", f"{old} -> {h.row['phone']}")]


@fault("farmland_per_capita_absurd", rules=("CON-002",),
       zh="人均耕地面积超过50亩",
       en="Farmland per head above 50 mu")
def _farmland_per_capita_absurd(g: Generator, h: Draft, batch: list[Draft]) -> Spoiled:
    old = h.cond["farmland"]
    h.cond["farmland"] = float(h.row["size"] * g.rng.randint(55, 120))
    return [_rec(h, None, "conditions.farmland", f"{old} -> {h.cond['farmland']} mu for {h.row['size']} people")]


@fault("road_distance_absurd", rules=("CON-004",),
       zh="与村主干路距离超过50公里",
       en="Distance to the village main road above 50 km")
def _road_distance_absurd(g: Generator, h: Draft, batch: list[Draft]) -> Spoiled:
    old = h.cond["road_distance"]
    h.cond["road_distance"] = float(g.rng.randint(55, 120))
    return [_rec(h, None, "conditions.road_distance", f"{old} -> {h.cond['road_distance']} km")]


# ------------------------------------------------------------------ cadres (§2.1, §5.2 A.9)
@fault("no_cadre", rules=("CAD-001",),
       zh="贫困户无帮扶责任人（无有效结对）",
       en="Household has no assistance cadre (no valid pairing)")
def _no_cadre(g: Generator, h: Draft, batch: list[Draft]) -> Spoiled:
    if h.cadre is None:
        return None
    h.cadre = None
    return [_rec(h, None, "pairing.cadre", "pairing removed")]


@fault("cadre_is_poor_person", rules=("CAD-002",),
       zh="帮扶责任人本人是贫困人口（证件号码与本户成员相同）；该责任人只结对本户",
       en="The assistance cadre is a poor person (same ID number as a member "
          "of this household); that cadre is paired with this household only")
def _cadre_is_poor_person(g: Generator, h: Draft, batch: list[Draft]) -> Spoiled:
    m = _pick(g, h, lambda m: 22 <= m["_age"] <= 55 and m["school_status"] == NOT_IN_SCHOOL)
    if m is None:
        return None
    cadre = g.cadre(h.township[1])
    cadre.update(name=m["name"], sex=m["sex"], id_number=m["id_number"], org_name=f"{h.township[1]}人民政府",
                 affiliation="71", position="村民小组长", rank="13", political_status="13")
    h.cadre = cadre
    return [_rec(h, m, "cadre.id_number", f"cadre {cadre['name']} is this member")]


# ------------------------------------------------------------------ issue 14 §2-3 (appended: order is drawn)
def _post(m: Row, type_: str, start: dt.date | None) -> None:
    m["public_post_type"], m["public_post_from"] = type_, start
    m["public_post_to"] = None
    m["public_post_months"] = None if start is None else (12 if start.year < YEAR else 13 - start.month)


@fault("unwell_child_out_of_school", rules=("EDU-013",),
       zh="7–14岁患慢性病儿童为“非在校生”，未登记义务教育阶段未上学原因",
       en="A chronically ill child aged 7-14 is not in school and no reason for not attending is coded")
def _unwell_child_out_of_school(g: Generator, h: Draft, batch: list[Draft]) -> Spoiled:
    m = _pick(g, h, lambda m: 7 <= m["_age"] <= 14 and m["school_status"] in ("03", "04", "05"))
    if m is None:
        return None
    old = m["school_status"]
    m["school_status"], m["education"], m["health"] = "01", "02", "02"
    h.measures[:] = [x for x in h.measures if x["_member"] is not m or x["category"] != "05"]
    return [_rec(h, m, "member.health", f"school {old} -> 01, health 02, age {m['_age']}")]


@fault("nobody_works_no_support", rules=("ALW-001",),
       zh="全户成员均为无劳动力，且无人享受低保或特困供养",
       en="Every member has no labour capacity and nobody receives the allowance or destitute support")
def _nobody_works_no_support(g: Generator, h: Draft, batch: list[Draft]) -> Spoiled:
    cur = h.current
    if h.row["attribute"] != "01" or not cur or any(m["dibao"] or m["tekun"] for m in cur):
        return None
    for m in cur:
        m["labour_skill"] = "04"
        m["work_status"], m["work_company"] = None, None
        if m["work_months"]:
            m["work_months"] = 0
    return [_rec(h, cur[0], "member.labour_skill", f"all {len(cur)} members -> 04")]


@fault("lack_of_labour_but_able", rules=("LAB-013",),
       zh="主要致贫原因为“缺劳力”，但多数成员为普通或技能劳动力",
       en="Main cause 缺劳力 (lack of labour) while most members have ordinary or skilled labour")
def _lack_of_labour_but_able(g: Generator, h: Draft, batch: list[Draft]) -> Spoiled:
    cur = h.current
    able = [m for m in cur if m["labour_skill"] in ("01", "02")]
    if not cur or 2 * len(able) <= len(cur) or "08" in str(h.row.get("other_causes") or "").split(","):
        return None
    old = h.row["main_cause"]
    h.row["main_cause"] = "08"
    return [_rec(h, None, "household.main_cause", f"{old} -> 08, {len(able)}/{len(cur)} able")]


@fault("tekun_able_bodied", rules=("ALW-002",),
       zh="20–55岁健康非在校生登记为特困供养人员",
       en="A healthy non-student aged 20-55 is recorded as a destitute-support person")
def _tekun_able_bodied(g: Generator, h: Draft, batch: list[Draft]) -> Spoiled:
    m = _pick(g, h, lambda m: 20 <= m["_age"] <= 55 and m["health"] == HEALTHY
              and m["school_status"] == NOT_IN_SCHOOL and not m["tekun"])
    if m is None:
        return None
    m["tekun"] = True
    return [_rec(h, m, "member.tekun", f"tekun, age {m['_age']}")]


@fault("tekun_working_away", rules=("ALW-003",),
       zh="特困供养人员登记外出务工",
       en="A destitute-support person is recorded as working away")
def _tekun_working_away(g: Generator, h: Draft, batch: list[Draft]) -> Spoiled:
    m = _pick(g, h, lambda m: bool(m["tekun"]))
    if m is None:
        return None
    m["work_status"], m["work_months"] = "02", g.rng.randint(2, 8)
    return [_rec(h, m, "member.work_status", f"tekun working {m['work_months']} months")]


@fault("severe_disability_able", rules=("HLT-013",),
       zh="一、二级残疾人员劳动技能为普通或技能劳动力",
       en="A member with grade 1-2 disability is marked as ordinary or skilled labour")
def _severe_disability_able(g: Generator, h: Draft, batch: list[Draft]) -> Spoiled:
    m = _pick(g, h, lambda m: m["labour_skill"] in ("01", "02") and m["health"] in DISABLED_HEALTH)
    if m is None:
        m = _pick(g, h, lambda m: m["labour_skill"] in ("01", "02"))
    if m is None:
        return None
    m["disability_grade"] = g.rng.choice(("1", "2"))
    return [_rec(h, m, "member.disability_grade", f"grade {m['disability_grade']}, labour {m['labour_skill']}")]


@fault("public_post_minor", rules=("LAB-014",),
       zh="未满16岁人员担任公益性岗位",
       en="A member under 16 holds a public-welfare post")
def _public_post_minor(g: Generator, h: Draft, batch: list[Draft]) -> Spoiled:
    m = _pick(g, h, lambda m: 10 <= m["_age"] <= 15 and not m.get("public_post_type"))
    if m is None:
        return None
    _post(m, "03", dt.date(YEAR, g.rng.randint(1, 6), 1))
    return [_rec(h, m, "member.public_post_type", f"post 03, age {m['_age']}")]


@fault("public_post_elderly", rules=("LAB-015",),
       zh="72岁及以上人员担任公益性岗位",
       en="A member aged 72 or over holds a public-welfare post")
def _public_post_elderly(g: Generator, h: Draft, batch: list[Draft]) -> Spoiled:
    m = _pick(g, h, lambda m: m["_age"] >= 72 and not m.get("public_post_type"))
    if m is None:
        return None
    _post(m, "01", dt.date(YEAR, g.rng.randint(1, 6), 1))
    return [_rec(h, m, "member.public_post_type", f"post 01, age {m['_age']}")]


@fault("two_public_posts", rules=("LAB-016",),
       zh="一户两人担任公益性岗位，未说明原因",
       en="Two members of one household hold public-welfare posts, no reason recorded")
def _two_public_posts(g: Generator, h: Draft, batch: list[Draft]) -> Spoiled:
    ms = [m for m in h.current if 20 <= m["_age"] <= 60 and m["school_status"] == NOT_IN_SCHOOL]
    if len(ms) < 2:
        return None
    a, b = g.rng.sample(ms, 2)
    for m, kind in ((a, "01"), (b, "02")):
        if not m.get("public_post_type"):
            _post(m, kind, dt.date(YEAR, g.rng.randint(1, 6), 1))
    # the rule names the second holder in the household's order (the one the record must name)
    second = [m for m in h.current if m.get("public_post_type")][1]
    return [_rec(h, second, "member.public_post_type", f"{a['name']} and {b['name']} hold posts")]


@fault("public_post_no_date", rules=("LAB-017",),
       zh="公益性岗位人员无聘用开始时间",
       en="A public-welfare post holder has no hire date")
def _public_post_no_date(g: Generator, h: Draft, batch: list[Draft]) -> Spoiled:
    if any(m.get("public_post_type") for m in h.current):
        return None
    m = _pick(g, h, lambda m: 20 <= m["_age"] <= 60 and m["school_status"] == NOT_IN_SCHOOL)
    if m is None:
        return None
    _post(m, "03", None)
    return [_rec(h, m, "member.public_post_from", "post 03 without a hire date")]


@fault("new_identification_no_hardship", rules=("STS-011",),
       zh="当年新识别户无危房、因病未参保或适龄儿童失学等识别条件",
       en="A household identified this year has no dangerous house, uninsured illness or child out of school")
def _new_identification_no_hardship(g: Generator, h: Draft, batch: list[Draft]) -> Spoiled:
    c = h.cond
    if (h.row["status"] != "0" or c.get("dangerous_house") or c.get("house_grade") in ("3", "4")
            or h.row["main_cause"] == "01"):
        return None
    old = h.row["first_identified_year"]
    h.row["first_identified_year"] = YEAR
    return [_rec(h, None, "household.first_identified_year", f"{old} -> {YEAR}")]


@fault("edge_marker_above_threshold", rules=("MON-001",),
       zh="边缘户人均纯收入高于 5000 元监测标准且未登记风险类型",
       en="A 边缘户 (near-poor) marker on a household above the 5,000 yuan threshold with no risk recorded")
def _edge_marker_above_threshold(g: Generator, h: Draft, batch: list[Draft]) -> Spoiled:
    inc = h.incomes.get(YEAR)
    if inc is None or h.row.get("monitoring_type") or (inc.get("per_capita_net") or 0) <= 5200:
        return None
    h.row["monitoring_type"], h.row["monitoring_reason"] = "1", None
    h.row["monitoring_date"] = dt.date(YEAR, g.rng.randint(7, 11), g.rng.randint(1, 28))
    return [_rec(h, None, "household.monitoring_type", f"边缘户 at {inc['per_capita_net']} yuan")]


@fault("school_status_unchanged", rules=("EDU-014",),
       zh="在校生状况连续三个数据年度相同（如 2017–2019 年均为八年级），未随年级升级更新",
       en="A pupil's school status is the same grade in three data years running (not moved up)")
def _school_status_unchanged(g: Generator, h: Draft, batch: list[Draft]) -> Spoiled:
    m = _pick(g, h, lambda m: m["school_status"] in YEARLY_GRADES)
    if m is None:
        return None
    m["_stuck"] = True  # the service writes the data year's status for the two years before too
    return [_rec(h, m, "member.school_status", f"{m['school_status']} in {YEAR - 2}-{YEAR}")]


#: The fault table: every kind, in the order it was entered (part of what a seed draws).
FAULTS: Mapping[str, FaultKind] = MappingProxyType({k.code: k for k in _TABLE})


class Injector:
    """Spoils the county's share of households, batch by batch: the kinds are taken in turn, in an
    order shuffled from the generator's random numbers, each from a household that fits it."""

    def __init__(self, gen: Generator) -> None:
        self.gen = gen
        target = max(round(gen.n * FAULT_SHARE), min(len(FAULTS) + 4, gen.n // 5))
        self.target = min(target, gen.n)
        self.queue: list[str] = []
        self.done = 0

    def quota(self, batch_size: int) -> int:
        """Faulted households for this batch: the county's share spread evenly over the batches."""
        done_after = self.gen.households_done + batch_size
        want = round(self.target * done_after / self.gen.n)
        return max(0, want - self.done)

    def inject(self, batch: list[Draft], quota: int) -> list[Injected]:
        rng = self.gen.rng
        records: list[Injected] = []
        attempts = 0
        while quota > 0 and attempts < 4 * len(FAULTS) + quota:
            attempts += 1
            if not self.queue:
                kinds = list(FAULTS)
                rng.shuffle(kinds)
                self.queue = kinds
            kind = self.queue.pop(0)
            candidates = [h for h in batch if not h.faulted]
            if not candidates:
                break
            picks = rng.sample(candidates, min(len(candidates), 400))
            done = None
            for h in picks:
                done = FAULTS[kind].inject(self.gen, h, batch)
                if done is not None:
                    break
            if done is None:
                self.queue.append(kind)  # try again in a later batch
                continue
            for rec in done:
                rec.household.faulted = True
                rec.kind = kind
            records.extend(done)
            quota -= 1
            self.done += 1
        return records
