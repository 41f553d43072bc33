"""Labour and migrant-work rules (domain.md §5.2 A.6, A.8; §5.3.4)."""

from __future__ import annotations

from povdesk.domain.assessment import working_age
from povdesk.domain.rules.base import (
    ABSENT,
    CAT_LABOUR,
    ERROR,
    WARNING,
    CheckContext,
    HouseholdFacts,
    MemberFacts,
    RuleSet,
    Values,
    is_in_school,
    num,
    who,
)

rules = RuleSet()
SKILL = "member.labour_skill"
WORK = "member.work_status"
MONTHS = "member.work_months"
BIRTH = "member.birth_date"
HEALTH = "member.health"
SCHOOL = "member.school_status"
WAGE = "income.wage"

LOST = "03"
NONE = "04"
NO_LABOUR = frozenset({LOST, NONE})


def _working_age(m: MemberFacts, ctx: CheckContext) -> bool:
    return working_age(m.age, ctx.settings)


@rules.member("LAB-001", CAT_LABOUR, ERROR, (SKILL, HEALTH, SCHOOL, BIRTH),
              title=("劳动年龄健康非在校生为无劳动力", "Healthy working-age non-student marked 'no labour'"),
              message=("{name}，{age} 岁，健康状况“{health}”，非在校生，劳动技能却为“{labour_skill}”",
                       "{name} is {age}, health '{health}', not a student, but labour capacity is '{labour_skill}'"))
def _healthy_no_labour(m: MemberFacts, h: HouseholdFacts, ctx: CheckContext) -> Values | None:
    if (m["labour_skill"] == NONE and m.healthy and not m.in_school and _working_age(m, ctx)
            and not m["is_soldier"]):
        return {**who(m), "age": m.age, "health": m["health"], "labour_skill": m["labour_skill"]}
    return None


@rules.member("LAB-002", CAT_LABOUR, ERROR, (SKILL, HEALTH, BIRTH),
              title=("劳动年龄健康人员为丧失劳动力", "Healthy working-age person marked 'lost labour'"),
              message=("{name}，{age} 岁，健康状况“{health}”，劳动技能却为“{labour_skill}”",
                       "{name} is {age}, health '{health}', but labour capacity is '{labour_skill}'"))
def _healthy_lost(m: MemberFacts, h: HouseholdFacts, ctx: CheckContext) -> Values | None:
    if m["labour_skill"] == LOST and m.healthy and _working_age(m, ctx):
        return {**who(m), "age": m.age, "health": m["health"], "labour_skill": m["labour_skill"]}
    return None


@rules.member("LAB-003", CAT_LABOUR, WARNING, (SKILL, BIRTH),
              title=("未到劳动年龄有劳动能力", "Under working age with labour capacity"),
              message=("{name}，{age} 岁（劳动年龄自 {age_from} 岁起），劳动技能为“{labour_skill}”，应为无劳动力",
                       "{name} is {age} (working age starts at {age_from}); labour capacity '{labour_skill}' "
                       "should be 'no labour'"))
def _child_labour(m: MemberFacts, h: HouseholdFacts, ctx: CheckContext) -> Values | None:
    skill = m["labour_skill"]
    start = ctx.settings.working_age_from
    if m.age is not None and m.age < start and skill and skill not in NO_LABOUR:
        return {**who(m), "age": m.age, "age_from": start, "labour_skill": skill}
    return None


@rules.member("LAB-004", CAT_LABOUR, WARNING, (SKILL, SCHOOL),
              title=("在校生有劳动能力", "Student with labour capacity"),
              message=("{name}在校（“{school_status}”），劳动技能为“{labour_skill}”，应为无劳动力",
                       "{name} is in school ('{school_status}'); labour capacity '{labour_skill}' should be 'no labour'"))
def _student_labour(m: MemberFacts, h: HouseholdFacts, ctx: CheckContext) -> Values | None:
    skill = m["labour_skill"]
    if m.in_school and skill and skill not in NO_LABOUR and (m.age is None or m.age >= 16):
        return {**who(m), "school_status": m["school_status"], "labour_skill": skill}
    return None


@rules.member("LAB-005", CAT_LABOUR, WARNING, (SKILL, BIRTH),
              title=("劳动年龄人员劳动技能为空", "Labour capacity empty at working age"),
              message=("{name}，{age} 岁（劳动年龄 {age_from}–{age_to} 岁），劳动技能为空",
                       "{name} is {age} (working age {age_from}-{age_to}) and the labour capacity is empty"))
def _skill_empty(m: MemberFacts, h: HouseholdFacts, ctx: CheckContext) -> Values | None:
    s = ctx.settings
    if working_age(m.age, s) and not m["labour_skill"]:
        return {**who(m), "age": m.age, "age_from": s.working_age_from, "age_to": s.working_age_to}
    return None


@rules.member("LAB-006", CAT_LABOUR, ERROR, (MONTHS,),
              title=("务工时间超出 0–12 个月", "Months worked outside 0–12"),
              message=("{name}务工时间为 {work_months} 个月，应在 0–12 之间",
                       "{name} worked {work_months} months; must be 0–12"))
def _months_range(m: MemberFacts, h: HouseholdFacts, ctx: CheckContext) -> Values | None:
    months = m["work_months"]
    if months is not None and not 0 <= months <= 12:
        return {**who(m), "work_months": months}
    return None


@rules.member("LAB-007", CAT_LABOUR, ERROR, (WORK, MONTHS),
              title=("有务工地点但务工时间为 0", "Work place given but no months worked"),
              message=("{name}务工状况为“{work_status}”，务工时间却为 {work_months} 个月",
                       "{name} works '{work_status}' but months worked is {work_months}"))
def _place_no_months(m: MemberFacts, h: HouseholdFacts, ctx: CheckContext) -> Values | None:
    if m["work_status"] and not m["work_months"]:
        return {**who(m), "work_status": m["work_status"], "work_months": m["work_months"]}
    return None


@rules.member("LAB-008", CAT_LABOUR, ERROR, (WORK, MONTHS),
              title=("有务工时间但无务工地点", "Months worked but no work place"),
              message=("{name}务工时间为 {work_months} 个月，务工状况（地点）为空",
                       "{name} worked {work_months} months but the work place is empty"))
def _months_no_place(m: MemberFacts, h: HouseholdFacts, ctx: CheckContext) -> Values | None:
    months = m["work_months"]
    if months is not None and 1 <= months <= 12 and not m["work_status"]:
        return {**who(m), "work_months": months}
    return None


@rules.member("LAB-009", CAT_LABOUR, WARNING, (WORK, SKILL),
              title=("无劳动力或丧失劳动力人员外出务工", "Person without labour capacity working away"),
              message=("{name}劳动技能为“{labour_skill}”，务工状况却为“{work_status}”",
                       "{name} has labour capacity '{labour_skill}' but works '{work_status}'"))
def _no_labour_worker(m: MemberFacts, h: HouseholdFacts, ctx: CheckContext) -> Values | None:
    if m["work_status"] and m["labour_skill"] in NO_LABOUR:
        return {**who(m), "labour_skill": m["labour_skill"], "work_status": m["work_status"]}
    return None


def _workers(h: HouseholdFacts) -> list[MemberFacts]:
    return [m for m in h.current if m["work_status"] or (m["work_months"] or 0) > 0]


@rules.household("LAB-010", CAT_LABOUR, WARNING, (WAGE, WORK, MONTHS),
                 title=("有工资性收入但无务工人员", "Wage income but nobody works"),
                 message=("工资性收入为 {wage} 元，但没有成员登记务工",
                          "Wage income is {wage} yuan but no member is recorded as working"))
def _wage_no_worker(h: HouseholdFacts, ctx: CheckContext) -> Values | None:
    if h.income is not None and num(h.income.get("wage")) > 0 and not _workers(h):
        return {"wage": h.income.get("wage")}
    return None


@rules.household("LAB-011", CAT_LABOUR, WARNING, (WAGE, WORK, MONTHS),
                 title=("有务工人员但无工资性收入", "Someone works but no wage income"),
                 message=("{names}登记务工，工资性收入却为 {wage} 元",
                          "{names} recorded as working, but wage income is {wage} yuan"))
def _worker_no_wage(h: HouseholdFacts, ctx: CheckContext) -> Values | None:
    workers = [m for m in _workers(h) if (m["work_months"] or 0) > 0]
    if h.income is not None and workers and num(h.income.get("wage")) <= 0:
        return {"names": "、".join(m.name for m in workers), "wage": h.income.get("wage"),
                "member_id": workers[0].id}
    return None


@rules.member("LAB-012", CAT_LABOUR, WARNING, (MONTHS, SCHOOL),
              title=("在校生有务工时间", "Student with months worked"),
              message=("{name}在校（“{school_status}”），务工时间却为 {work_months} 个月",
                       "{name} is in school ('{school_status}') but worked {work_months} months"))
def _student_worker(m: MemberFacts, h: HouseholdFacts, ctx: CheckContext) -> Values | None:
    if m.in_school and (m["work_months"] or 0) > 0:
        return {**who(m), "school_status": m["school_status"], "work_months": m["work_months"]}
    return None


rules.gate({
    "LAB-001": ("labour_skill", lambda v, c: v == NONE),
    "LAB-002": ("labour_skill", lambda v, c: v == LOST),
    "LAB-003": ("_age", lambda v, c: v is not None and v < c.settings.working_age_from),
    "LAB-004": ("school_status", lambda v, c: is_in_school(v)),
    "LAB-005": ("labour_skill", lambda v, c: not v),
    "LAB-006": ("work_months", lambda v, c: v is not None and not 0 <= v <= 12),
    "LAB-007": ("work_status", lambda v, c: bool(v)),
    "LAB-008": ("work_months", lambda v, c: v is not None and 1 <= v <= 12),
    "LAB-009": ("work_status", lambda v, c: bool(v)),
    "LAB-012": ("work_months", lambda v, c: bool(v) and v > 0),
})

rules.gate({
    "LAB-010": ("income.wage", lambda v, c: isinstance(v, (int, float)) and v > 0),
    # someone works (some months), an income row, and no wage
    "LAB-011": (("_workers", "income.wage"), lambda v, c: v[0] > 0 and v[1] is not ABSENT and num(v[1]) <= 0),
})
