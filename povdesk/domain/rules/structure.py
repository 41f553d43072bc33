"""Household-structure rules (domain.md §5.2 A.10, B; §5.3.2): head, spouse, relations, size, ages."""

from __future__ import annotations

import re

from povdesk.domain.rules.base import (
    CAT_STRUCTURE,
    ERROR,
    HEAD,
    SPOUSE,
    WARNING,
    CheckContext,
    HouseholdFacts,
    MemberFacts,
    RuleSet,
    Values,
    who,
)

rules = RuleSet()
REL = "member.relation"
SEX = "member.sex"

#: Relations that name a man or a woman (relation code list).
MALE_RELATIONS = frozenset({"03", "06", "07", "09", "11", "13", "15", "17", "19", "32", "34", "37"})
FEMALE_RELATIONS = frozenset({"04", "05", "08", "10", "12", "14", "16", "18", "20", "33", "35", "36"})
CHILDREN = frozenset({"03", "04", "05", "06"})
PARENTS = frozenset({"11", "12", "13", "14", "15", "16"})
GRANDCHILDREN = frozenset({"07", "08", "09", "10", "32", "33"})
GRANDPARENTS = frozenset({"17", "18", "19", "20"})
_PHONE = re.compile(r"^1\d{10}$")


@rules.household("HH-001", CAT_STRUCTURE, ERROR, ("household.size",),
                 title=("贫困户空挂（无在册成员）", "Household without current members"),
                 message=("本户没有在册成员（家庭人口数为 {size}）",
                          "This household has no current members (household size {size})"))
def _no_members(h: HouseholdFacts, ctx: CheckContext) -> Values | None:
    return None if h.current else {"size": h["size"]}


@rules.household("HH-002", CAT_STRUCTURE, ERROR, (REL,),
                 title=("无户主", "No head of household"),
                 message=("本户 {count} 名在册成员中没有与户主关系为“户主”的成员",
                          "No current member ({count} in all) is marked as head of household"))
def _no_head(h: HouseholdFacts, ctx: CheckContext) -> Values | None:
    if h.current and h.head() is None:
        return {"count": len(h.current)}
    return None


@rules.household("HH-003", CAT_STRUCTURE, ERROR, (REL,),
                 title=("户主多于一人", "More than one head"),
                 message=("本户有 {count} 名户主：{names}", "This household has {count} heads: {names}"))
def _two_heads(h: HouseholdFacts, ctx: CheckContext) -> Values | None:
    heads = [m for m in h.current if m["relation"] == HEAD]
    if len(heads) > 1:
        return {"count": len(heads), "names": "、".join(m.name for m in heads), "member_id": heads[1].id}
    return None


@rules.household("HH-004", CAT_STRUCTURE, ERROR, (REL,),
                 title=("配偶多于一人", "More than one spouse"),
                 message=("本户有 {count} 名配偶：{names}", "This household has {count} spouses: {names}"))
def _two_spouses(h: HouseholdFacts, ctx: CheckContext) -> Values | None:
    spouses = [m for m in h.current if m["relation"] == SPOUSE]
    if len(spouses) > 1:
        return {"count": len(spouses), "names": "、".join(m.name for m in spouses),
                "member_id": spouses[1].id}
    return None


@rules.household("HH-005", CAT_STRUCTURE, ERROR, (SEX, REL),  # the sex is what to look at first
                 title=("户主与配偶同性别", "Head and spouse of the same sex"),
                 message=("户主{head}与配偶{name}性别均为“{sex}”",
                          "Head {head} and spouse {name} are both '{sex}'"))
def _same_sex_couple(h: HouseholdFacts, ctx: CheckContext) -> Values | None:
    head = h.head()
    if head is None or head["sex"] not in ("1", "2"):
        return None
    for m in h.current:
        if m["relation"] == SPOUSE and m["sex"] == head["sex"]:
            return {"head": head.name, "name": m.name, "sex": m["sex"], "member_id": m.id}
    return None


@rules.household("HH-006", CAT_STRUCTURE, ERROR, ("household.size",),
                 title=("家庭人口数与在册成员数不符", "Household size differs from current members"),
                 message=("家庭人口数为 {size}，在册成员为 {count} 人",
                          "Household size is {size} but {count} members are current"))
def _size(h: HouseholdFacts, ctx: CheckContext) -> Values | None:
    size = h["size"]
    if size is not None and h.current and size != len(h.current):
        return {"size": size, "count": len(h.current)}
    return None


@rules.member("HH-007", CAT_STRUCTURE, ERROR, (REL, SEX),
              title=("与户主关系与性别矛盾", "Relation contradicts sex"),
              message=("{name}与户主关系为“{relation}”，性别却为“{sex}”",
                       "{name} is '{relation}' to the head but sex is '{sex}'"))
def _relation_sex(m: MemberFacts, h: HouseholdFacts, ctx: CheckContext) -> Values | None:
    rel, sex = m["relation"], m["sex"]
    if (sex == "2" and rel in MALE_RELATIONS) or (sex == "1" and rel in FEMALE_RELATIONS):
        return {**who(m), "relation": rel, "sex": sex}
    return None


def _age_gap(m: MemberFacts, h: HouseholdFacts, relations: frozenset[str], younger_by: int) -> Values | None:
    """Values when `m` (one of `relations`) is not at least `younger_by` years younger than the head
    (negative `younger_by`: not that many years older)."""
    if m["relation"] not in relations or m.age is None:
        return None
    head = h.head()
    if head is None or head.age is None:
        return None
    gap = head.age - m.age
    if (younger_by > 0 and gap < younger_by) or (younger_by < 0 and gap > younger_by):
        return {**who(m), "relation": m["relation"], "age": m.age, "head_age": head.age}
    return None


@rules.member("HH-008", CAT_STRUCTURE, WARNING, (REL, "member.birth_date"),
              title=("子女与户主年龄差过小", "Child too close in age to the head"),
              message=("{name}为户主“{relation}”，{age} 岁，户主 {head_age} 岁，年龄差不足 12 岁",
                       "{name} is '{relation}', aged {age}; the head is {head_age}: less than 12 years apart"))
def _child_age(m: MemberFacts, h: HouseholdFacts, ctx: CheckContext) -> Values | None:
    return _age_gap(m, h, CHILDREN, 12)


@rules.member("HH-009", CAT_STRUCTURE, WARNING, (REL, "member.birth_date"),
              title=("父母辈与户主年龄差过小", "Parent too close in age to the head"),
              message=("{name}为户主“{relation}”，{age} 岁，户主 {head_age} 岁，应年长至少 12 岁",
                       "{name} is '{relation}', aged {age}; the head is {head_age}: should be 12+ years older"))
def _parent_age(m: MemberFacts, h: HouseholdFacts, ctx: CheckContext) -> Values | None:
    return _age_gap(m, h, PARENTS, -12)


@rules.member("HH-010", CAT_STRUCTURE, WARNING, (REL, "member.birth_date"),
              title=("孙辈与户主年龄差过小", "Grandchild too close in age to the head"),
              message=("{name}为户主“{relation}”，{age} 岁，户主 {head_age} 岁，年龄差不足 25 岁",
                       "{name} is '{relation}', aged {age}; the head is {head_age}: less than 25 years apart"))
def _grandchild_age(m: MemberFacts, h: HouseholdFacts, ctx: CheckContext) -> Values | None:
    return _age_gap(m, h, GRANDCHILDREN, 25)


@rules.member("HH-011", CAT_STRUCTURE, WARNING, (REL, "member.birth_date"),
              title=("祖辈与户主年龄差过小", "Grandparent too close in age to the head"),
              message=("{name}为户主“{relation}”，{age} 岁，户主 {head_age} 岁，应年长至少 25 岁",
                       "{name} is '{relation}', aged {age}; the head is {head_age}: should be 25+ years older"))
def _grandparent_age(m: MemberFacts, h: HouseholdFacts, ctx: CheckContext) -> Values | None:
    return _age_gap(m, h, GRANDPARENTS, -25)


@rules.household("HH-012", CAT_STRUCTURE, ERROR, (REL, "member.status", "member.change_reason"),
                 title=("减少人员仍为户主", "Decreased member is still the head"),
                 message=("{name}已减少（{change_reason}，人员状态“{status}”），但仍登记为户主，且无在册户主",
                          "{name} has left ({change_reason}, status '{status}') but is still the head, "
                          "and no current member is head"))
def _decreased_head(h: HouseholdFacts, ctx: CheckContext) -> Values | None:
    if h.head() is not None:
        return None
    for m in h.members:
        if not m.current and m["relation"] == HEAD:
            return {"name": m.name, "change_reason": m["change_reason"], "status": m["status"],
                    "member_id": m.id}
    return None


@rules.member("HH-013", CAT_STRUCTURE, ERROR, ("member.birth_date", "member.id_number"),
              title=("年龄不合理", "Implausible age"),
              message=("{name}（{id_number}）出生日期为 {birth_date}，在基准日 {date} 的年龄为 {age} 岁",
                       "{name} ({id_number}), born {birth_date}, is {age} years old on the reference date {date}"))
def _age(m: MemberFacts, h: HouseholdFacts, ctx: CheckContext) -> Values | None:
    if m.age is not None and (m.age < 0 or m.age > 115):
        return {**who(m), "birth_date": m.birth, "age": m.age, "date": ctx.reference_date.isoformat()}
    return None


@rules.member("HH-014", CAT_STRUCTURE, WARNING, (REL, "member.birth_date"),
              title=("户主未满 16 岁", "Head under 16"),
              message=("户主{name}在 {date} 仅 {age} 岁", "Head {name} is only {age} on {date}"))
def _young_head(m: MemberFacts, h: HouseholdFacts, ctx: CheckContext) -> Values | None:
    if m["relation"] == HEAD and m.age is not None and 0 <= m.age < 16:
        return {**who(m), "age": m.age, "date": ctx.reference_date.isoformat()}
    return None


@rules.household("HH-015", CAT_STRUCTURE, WARNING, ("household.phone",),
                 title=("户联系电话不是 11 位手机号", "Household phone not an 11-digit mobile number"),
                 message=("户联系电话“{phone}”不是 11 位手机号码", "Household phone '{phone}' is not an 11-digit mobile number"))
def _phone(h: HouseholdFacts, ctx: CheckContext) -> Values | None:
    phone = (h["phone"] or "").strip()
    if phone and not _PHONE.match(phone):
        return {"phone": phone}
    return None


@rules.household("HH-016", CAT_STRUCTURE, WARNING, ("member.change_reason", "member.change_date"),
                 title=("减少人员缺少原因或日期", "Decreased member without reason or date"),
                 message=("{name}已减少，但未记录{missing_zh}", "{name} has left but the {missing_en} is not recorded"))
def _decrease_reason(h: HouseholdFacts, ctx: CheckContext) -> Values | None:
    for m in h.members:
        if not m.current and (not m["change_reason"] or m["change_date"] is None):
            no_reason = not m["change_reason"]
            return {"name": m.name, "missing_zh": "原因" if no_reason else "日期",
                    "missing_en": "reason" if no_reason else "date", "member_id": m.id}
    return None


rules.gate({
    "HH-007": ("relation", lambda v, c: v in MALE_RELATIONS or v in FEMALE_RELATIONS),
    "HH-008": ("relation", lambda v, c: v in CHILDREN),
    "HH-009": ("relation", lambda v, c: v in PARENTS),
    "HH-010": ("relation", lambda v, c: v in GRANDCHILDREN),
    "HH-011": ("relation", lambda v, c: v in GRANDPARENTS),
    "HH-013": ("_age", lambda v, c: v is not None and (v < 0 or v > 115)),
    "HH-014": ("_age", lambda v, c: v is not None and v < 16),
})

rules.gate({
    "HH-001": ("_current", lambda v, c: v == 0),
    "HH-002": ("_heads", lambda v, c: v == 0),
    "HH-003": ("_heads", lambda v, c: v > 1),
    "HH-004": ("_spouses", lambda v, c: v > 1),
    "HH-005": ("_spouses", lambda v, c: v > 0),
    "HH-012": ("_heads", lambda v, c: v == 0),
    "HH-016": ("_decreased", lambda v, c: v > 0),
})
