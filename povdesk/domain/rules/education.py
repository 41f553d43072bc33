"""Education rules (domain.md §3.2 六有 1, §5.2 A.3 and A.10, §5.3.3): dropouts, age vs. grade."""

from __future__ import annotations

from povdesk.domain.assessment import dropped_out, of_school_age, out_of_school, school_age
from povdesk.domain.meanings import is_unwell
from povdesk.domain.rules.base import (
    CAT_EDUCATION,
    CAT_GUARANTEE,
    ERROR,
    NEEDS_MEMBER_HISTORY,
    NOT_IN_SCHOOL,
    WARNING,
    CheckContext,
    HouseholdFacts,
    MemberFacts,
    RuleSet,
    Values,
    who,
)

rules = RuleSet()
SCHOOL = "member.school_status"
EDU = "member.education"
BIRTH = "member.birth_date"
EXEMPT = "member.out_of_school_reason"

PRESCHOOL = "02"
PRIMARY_OR_BELOW = frozenset({"02", "03"})
HIGH_OR_ABOVE = frozenset({"07", "08", "09", "10", "11", "12", "13", "14", "15", "16"})
JUNIOR = frozenset({"04", "05", "06"})
#: the school statuses that name one school year (七年级 to 高职三年级): a pupil moves on from
#: each every year. 学前教育, 小学 and 大专及以上 span several years, so three years of the same
#: one is no sign of a record left unchanged (EDU-014 leaves them alone).
YEARLY_GRADES = frozenset({"04", "05", "06", "07", "08", "09", "10", "11", "12", "13", "14", "15"})


HEALTH = "member.health"
LEVEL = "member.education"


@rules.member("EDU-001", CAT_GUARANTEE, ERROR, (SCHOOL, BIRTH, EXEMPT, LEVEL, HEALTH),
              title=("义务教育阶段辍学", "Compulsory-age child out of school"),
              message=("{name}（{id_number}）{school_date} 时 {age} 岁，处于义务教育年龄（{age_from}–{age_to} 岁），"
                       "在校生状况为“{school_status}”，未读完初中，且无义务教育阶段未上学原因（身体原因或送教上门）",
                       "{name} ({id_number}) is {age} on {school_date}, of compulsory school age "
                       "({age_from}–{age_to}), school status '{school_status}', has not finished junior "
                       "secondary, and no exempting reason (health or taught at home) is recorded"),
              blocks_exit=True)
def _dropout(m: MemberFacts, h: HouseholdFacts, ctx: CheckContext) -> Values | None:
    s = ctx.settings
    if dropped_out(m, s):
        return {**who(m), "age": school_age(m.birth, s), "school_date": s.school_date.isoformat(),
                "age_from": s.school_age_from, "age_to": s.school_age_to, "school_status": m["school_status"]}
    return None


@rules.member("EDU-013", CAT_EDUCATION, WARNING, (SCHOOL, BIRTH, EXEMPT, LEVEL, HEALTH),
              title=("非健康适龄儿童未上学且未登记原因", "Unwell compulsory-age child out of school, no reason coded"),
              message=("{name}（{id_number}）{school_date} 时 {age} 岁，健康状况“{health}”，在校生状况为"
                       "“{school_status}”，未登记义务教育阶段未上学原因（身体原因不具备学习条件或送教上门）",
                       "{name} ({id_number}) is {age} on {school_date}, health '{health}', school status "
                       "'{school_status}', and no reason for not attending (health or taught at home) is coded"))
def _unwell_no_reason(m: MemberFacts, h: HouseholdFacts, ctx: CheckContext) -> Values | None:
    s = ctx.settings
    if is_unwell(m["health"]) and out_of_school(m, s):
        return {**who(m), "age": school_age(m.birth, s), "school_date": s.school_date.isoformat(),
                "health": m["health"], "school_status": m["school_status"]}
    return None


@rules.member("EDU-002", CAT_EDUCATION, WARNING, (SCHOOL, BIRTH),
              title=("14 岁及以下就读高中及以上", "Aged 14 or under in senior school or above"),
              message=("{name}，{age} 岁，在校生状况却为“{school_status}”",
                       "{name} is {age} but school status is '{school_status}'"))
def _too_young(m: MemberFacts, h: HouseholdFacts, ctx: CheckContext) -> Values | None:
    if m.age is not None and m.age <= 14 and m["school_status"] in HIGH_OR_ABOVE:
        return {**who(m), "age": m.age, "school_status": m["school_status"]}
    return None


@rules.member("EDU-003", CAT_EDUCATION, WARNING, (SCHOOL, BIRTH),
              title=("20 岁及以上仍在小学或学前", "Aged 20 or over in primary or pre-school"),
              message=("{name}，{age} 岁，在校生状况却为“{school_status}”",
                       "{name} is {age} but school status is '{school_status}'"))
def _too_old(m: MemberFacts, h: HouseholdFacts, ctx: CheckContext) -> Values | None:
    if m.age is not None and m.age >= 20 and m["school_status"] in PRIMARY_OR_BELOW:
        return {**who(m), "age": m.age, "school_status": m["school_status"]}
    return None


@rules.member("EDU-004", CAT_EDUCATION, WARNING, (SCHOOL, BIRTH),
              title=("学前教育年龄不在 3–6 岁", "Pre-school outside ages 3–6"),
              message=("{name}，{age} 岁，在校生状况为“{school_status}”（学前教育应为 3–6 岁）",
                       "{name} is {age} but in '{school_status}' (pre-school is for ages 3–6)"))
def _preschool(m: MemberFacts, h: HouseholdFacts, ctx: CheckContext) -> Values | None:
    if m["school_status"] == PRESCHOOL and m.age is not None and not 3 <= m.age <= 6:
        return {**who(m), "age": m.age, "school_status": m["school_status"]}
    return None


@rules.member("EDU-005", CAT_EDUCATION, WARNING, (EDU, SCHOOL, BIRTH),
              title=("非在校生文化程度为空", "Education level empty for a non-student"),
              message=("{name}，{age} 岁，非在校生，文化程度为空",
                       "{name} is {age}, not in school, and the education level is empty"))
def _education_empty(m: MemberFacts, h: HouseholdFacts, ctx: CheckContext) -> Values | None:
    if (m["school_status"] == NOT_IN_SCHOOL and not m["education"]
            and (m.age is None or m.age >= 6)):
        return {**who(m), "age": m.age}
    return None


@rules.member("EDU-006", CAT_EDUCATION, WARNING, (SCHOOL, BIRTH),
              title=("6–23 岁在校生状况为空", "School status empty for ages 6–23"),
              message=("{name}，{age} 岁，在校生状况为空", "{name} is {age} and the school status is empty"))
def _school_empty(m: MemberFacts, h: HouseholdFacts, ctx: CheckContext) -> Values | None:
    if m.age is not None and 6 <= m.age <= 23 and not m["school_status"]:
        return {**who(m), "age": m.age}
    return None


@rules.member("EDU-007", CAT_EDUCATION, WARNING, (EDU, BIRTH),
              title=("文化程度为学龄前儿童但已满 7 岁", "'Pre-school child' aged 7 or over"),
              message=("{name}，{age} 岁，文化程度却为“{education}”",
                       "{name} is {age} but the education level is '{education}'"))
def _preschool_level(m: MemberFacts, h: HouseholdFacts, ctx: CheckContext) -> Values | None:
    if m["education"] == "06" and m.age is not None and m.age >= 7:
        return {**who(m), "age": m.age, "education": m["education"]}
    return None


@rules.member("EDU-008", CAT_EDUCATION, WARNING, (EDU, BIRTH),
              title=("未满 17 岁文化程度为大专及以上", "College education under 17"),
              message=("{name}，{age} 岁，文化程度却为“{education}”",
                       "{name} is {age} but the education level is '{education}'"))
def _college_young(m: MemberFacts, h: HouseholdFacts, ctx: CheckContext) -> Values | None:
    if m["education"] == "05" and m.age is not None and m.age < 17:
        return {**who(m), "age": m.age, "education": m["education"]}
    return None


# A later convention (2020/21 exports): the 2019 material does not show it (issue 14 §2).
@rules.member("EDU-009", CAT_EDUCATION, WARNING, (EDU, SCHOOL), years=(2020, None),
              title=("在校生同时填写文化程度", "Student with an education level filled in"),
              message=("{name}为在校生（“{school_status}”），文化程度应为空，现为“{education}”",
                       "{name} is a student ('{school_status}'); education level should be empty, is '{education}'"))
def _student_with_level(m: MemberFacts, h: HouseholdFacts, ctx: CheckContext) -> Values | None:
    if m.in_school and m["education"] and m["education"] != "06":
        return {**who(m), "school_status": m["school_status"], "education": m["education"]}
    return None


@rules.member("EDU-010", CAT_EDUCATION, WARNING, (SCHOOL, EXEMPT),
              title=("在校生填写了未上学原因", "Student with a reason for not attending school"),
              message=("{name}在校（“{school_status}”），却填写了义务教育阶段未上学原因“{out_of_school_reason}”",
                       "{name} is in school ('{school_status}') but a reason for not attending is given: "
                       "'{out_of_school_reason}'"))
def _student_dropout_reason(m: MemberFacts, h: HouseholdFacts, ctx: CheckContext) -> Values | None:
    if m.in_school and m["out_of_school_reason"]:
        return {**who(m), "school_status": m["school_status"], "out_of_school_reason": m["out_of_school_reason"]}
    return None


@rules.member("EDU-011", CAT_EDUCATION, WARNING, (EXEMPT, SCHOOL, BIRTH),
              title=("未上学原因与实际不符", "Reason for not attending school that does not apply"),
              message=("{name}，{age} 岁，在校生状况“{school_status}”，却登记了义务教育阶段未上学原因"
                       "“{out_of_school_reason}”",
                       "{name} is {age}, school status '{school_status}', yet has a reason for not attending "
                       "school '{out_of_school_reason}'"))
def _needless_exemption(m: MemberFacts, h: HouseholdFacts, ctx: CheckContext) -> Values | None:
    s = ctx.settings
    if not m["out_of_school_reason"]:
        return None
    if m.in_school or not of_school_age(school_age(m.birth, s), s):
        return {**who(m), "age": m.age, "school_status": m["school_status"],
                "out_of_school_reason": m["out_of_school_reason"]}
    return None


@rules.member("EDU-012", CAT_EDUCATION, WARNING, (SCHOOL, BIRTH),
              title=("19 岁及以上仍读初中", "Aged 19 or over in junior secondary"),
              message=("{name}，{age} 岁，在校生状况却为“{school_status}”",
                       "{name} is {age} but school status is '{school_status}'"))
def _old_junior(m: MemberFacts, h: HouseholdFacts, ctx: CheckContext) -> Values | None:
    if m.age is not None and m.age >= 19 and m["school_status"] in JUNIOR:
        return {**who(m), "age": m.age, "school_status": m["school_status"]}
    return None


@rules.member("EDU-014", CAT_EDUCATION, WARNING, (SCHOOL,), requires=NEEDS_MEMBER_HISTORY,
              title=("在校生状况连续三年相同", "School status unchanged three years running"),
              message=("{name}的在校生状况 {first}–{last} 年连续三年均为“{school_status}”",
                       "{name}'s school status is '{school_status}' in each of {first}-{last}"))
def _grade_stuck(m: MemberFacts, h: HouseholdFacts, ctx: CheckContext) -> Values | None:
    history = ctx.member_history or {}
    years = history.get(m.id)
    if years is None or m["school_status"] not in YEARLY_GRADES:
        return None
    last = ctx.year
    seen = [years.get(y) for y in (last - 2, last - 1)] + [m["school_status"]]
    if len(set(seen)) == 1 and seen[0] is not None:
        return {**who(m), "school_status": m["school_status"], "first": last - 2, "last": last}
    return None


def _near_school_age(age: object, c: CheckContext) -> bool:
    """A necessary condition on the age on the reference date for being of school age on the
    school-age date: the two ages differ by at most the years between the two dates, plus one."""
    if not isinstance(age, int):
        return False
    s = c.settings
    slack = abs(s.reference_date.year - s.school_date.year) + 1
    return s.school_age_from - slack <= age <= s.school_age_to + slack


rules.gate({
    "EDU-001": ("_age", _near_school_age),
    "EDU-013": ("_age", _near_school_age),
    "EDU-014": ("school_status", lambda v, c: v in YEARLY_GRADES),
    "EDU-002": ("school_status", lambda v, c: v in HIGH_OR_ABOVE),
    "EDU-003": ("school_status", lambda v, c: v in PRIMARY_OR_BELOW),
    "EDU-004": ("school_status", lambda v, c: v == PRESCHOOL),
    "EDU-005": ("education", lambda v, c: not v),
    "EDU-006": ("school_status", lambda v, c: not v),
    "EDU-007": ("education", lambda v, c: v == "06"),
    "EDU-008": ("education", lambda v, c: v == "05"),
    "EDU-009": ("school_status", lambda v, c: bool(v) and v != NOT_IN_SCHOOL),
    "EDU-010": ("out_of_school_reason", lambda v, c: bool(v)),
    "EDU-011": ("out_of_school_reason", lambda v, c: bool(v)),
    "EDU-012": ("school_status", lambda v, c: v in JUNIOR),
})
