"""ID-number rules (domain.md §5.1, §5.2 A.2 and A.11): length, check digit, birth date, sex, duplicates."""

from __future__ import annotations

from povdesk.domain import idnumber
from povdesk.domain.rules.base import (
    CAT_BASIC,
    ERROR,
    WARNING,
    CheckContext,
    HouseholdFacts,
    MemberFacts,
    RuleSet,
    Values,
    among,
    who,
)

rules = RuleSet()
ID = "member.id_number"
_DISABILITY_LENGTHS = (20, 22)


@rules.member("ID-001", CAT_BASIC, ERROR, (ID, "member.id_type"),
              title=("证件号码位数异常", "ID number has a wrong length"),
              message=("{name}的证件号码“{id_number}”为 {length} 位，应为 18 位",
                       "{name}: ID number '{id_number}' has {length} characters, 18 expected"))
def _length(m: MemberFacts, h: HouseholdFacts, ctx: CheckContext) -> Values | None:
    n = len(m.id_norm)
    if not n or n in (15, 18):
        return None
    if n in _DISABILITY_LENGTHS and m["id_type"] == "2":
        return None
    return {**who(m), "length": n}


@rules.member("ID-002", CAT_BASIC, ERROR, (ID,),
              title=("15 位证件号码未升级", "15-digit ID number not upgraded"),
              message=("{name}的证件号码“{id_number}”为 15 位旧号码，应升级为 18 位（{upgraded}）",
                       "{name}: ID number '{id_number}' is an old 15-digit number; upgrade it to 18 digits ({upgraded})"))
def _fifteen(m: MemberFacts, h: HouseholdFacts, ctx: CheckContext) -> Values | None:
    if idnumber.well_formed15(m.id_norm):
        return {**who(m), "upgraded": idnumber.upgrade15(m.id_norm)}
    return None


@rules.member("ID-003", CAT_BASIC, ERROR, (ID,),
              title=("证件号码含非法字符", "ID number has invalid characters"),
              message=("{name}的证件号码“{id_number}”含有非法字符（只能是数字，末位可为 X）",
                       "{name}: ID number '{id_number}' has invalid characters (digits only, last may be X)"))
def _chars(m: MemberFacts, h: HouseholdFacts, ctx: CheckContext) -> Values | None:
    s = m.id_norm
    if (len(s) == 18 and not idnumber.well_formed(s)) or (len(s) == 15 and not idnumber.well_formed15(s)):
        return who(m)
    return None


@rules.member("ID-004", CAT_BASIC, ERROR, (ID,),
              title=("证件号码校验位错误", "ID number check digit wrong"),
              message=("{name}的证件号码“{id_number}”校验位为 {given}，按 GB 11643 应为 {expected}",
                       "{name}: ID number '{id_number}' ends in {given}; GB 11643 gives {expected}"))
def _check_digit(m: MemberFacts, h: HouseholdFacts, ctx: CheckContext) -> Values | None:
    s = m.id_norm
    if idnumber.well_formed(s):
        expected = idnumber.check_char(s[:17])
        if expected != s[17]:
            return {**who(m), "given": s[17], "expected": expected}
    return None


@rules.member("ID-005", CAT_BASIC, ERROR, (ID,),
              title=("证件号码出生日期无效", "Birth date in ID number is not valid"),
              message=("{name}的证件号码“{id_number}”中的出生日期 {digits} 不是有效日期或晚于今天",
                       "{name}: the birth date {digits} in ID number '{id_number}' is not a real past date"))
def _id_birth(m: MemberFacts, h: HouseholdFacts, ctx: CheckContext) -> Values | None:
    s = m.id_norm
    if idnumber.well_formed(s):
        born = idnumber.birth_date(s)
        if born is None or born.year < 1900 or born > ctx.today:
            return {**who(m), "digits": s[6:14]}
    return None


@rules.member("ID-006", CAT_BASIC, ERROR, (ID, "member.sex"),
              title=("性别与证件号码不符", "Sex does not match the ID number"),
              message=("{name}的性别为“{sex}”，但证件号码“{id_number}”第 17 位表示“{id_sex}”",
                       "{name}: sex is '{sex}' but digit 17 of ID number '{id_number}' says '{id_sex}'"))
def _sex(m: MemberFacts, h: HouseholdFacts, ctx: CheckContext) -> Values | None:
    s = m.id_norm
    sex = m["sex"]
    if idnumber.well_formed(s) and sex in ("1", "2"):
        id_sex = idnumber.sex_code(s)
        if id_sex and id_sex != sex:
            return {**who(m), "sex": sex, "id_sex": id_sex}
    return None


@rules.member("ID-007", CAT_BASIC, ERROR, (ID, "member.birth_date"),
              title=("出生日期与证件号码不符", "Date of birth does not match the ID number"),
              message=("{name}的出生日期为 {birth_date}，证件号码“{id_number}”中为 {id_birth}",
                       "{name}: date of birth is {birth_date} but ID number '{id_number}' says {id_birth}"))
def _birth(m: MemberFacts, h: HouseholdFacts, ctx: CheckContext) -> Values | None:
    s = m.id_norm
    born = m["birth_date"]
    if born is not None and idnumber.well_formed(s):
        from_id = idnumber.birth_date(s)
        if from_id is not None and from_id != born:
            return {**who(m), "birth_date": born, "id_birth": from_id.isoformat()}
    return None


@rules.household("ID-008", CAT_BASIC, ERROR, (ID,),
                 title=("户内证件号码重复", "Same ID number twice in the household"),
                 message=("证件号码“{id_number}”在本户出现 {count} 次（{names}）",
                          "ID number '{id_number}' occurs {count} times in this household ({names})"))
def _dup_in_household(h: HouseholdFacts, ctx: CheckContext) -> Values | None:
    seen: dict[str, list[MemberFacts]] = {}
    for m in h.current:
        if m.id_norm:
            seen.setdefault(m.id_norm, []).append(m)
    for number, ms in seen.items():
        if len(ms) > 1:
            return {"id_number": number, "count": len(ms), "names": "、".join(x.name for x in ms),
                    "member_id": ms[1].id}
    return None


@rules.member("ID-009", CAT_BASIC, ERROR, (ID,),
              title=("人员重复（跨户）", "Same person in another household"),
              message=("{name}（{id_number}）同时是其他户的在册成员：户编号 {others}",
                       "{name} ({id_number}) is also a current member of household {others}"))
def _dup_in_county(m: MemberFacts, h: HouseholdFacts, ctx: CheckContext) -> Values | None:
    if not m.id_norm:
        return None
    where = ctx.id_households.get(m.id_norm)
    if where and len(where) > 1:
        others = sorted(n for n in where if n != h.household_no)
        if others:
            holders = ctx.id_holders.get(m.id_norm, {})
            return {**who(m), "others": "；".join(f"{n}（{holders[n]}）" if n in holders else n for n in others)}
    return None


@rules.household("ID-010", CAT_BASIC, ERROR, ("household.head_id_number", ID),
                 title=("户主证件号码与成员不符", "Head's ID number differs from the head member's"),
                 message=("户表中户主证件号码为“{head_id_number}”，户主成员{name}的证件号码为“{id_number}”",
                          "The household's head ID number is '{head_id_number}' but head member {name} has '{id_number}'"))
def _head_id(h: HouseholdFacts, ctx: CheckContext) -> Values | None:
    head = h.head()
    given = idnumber.normalise(h["head_id_number"])
    if head is None or not given or not head.id_norm or given == head.id_norm:
        return None
    return {"head_id_number": h["head_id_number"], "name": head.name, "id_number": head["id_number"],
            "member_id": head.id}


@rules.household("ID-011", CAT_BASIC, WARNING, ("household.head_name", "member.name"),
                 title=("户主姓名与成员不符", "Head's name differs from the head member's"),
                 message=("户表中户主姓名为“{head_name}”，与户主关系为户主的成员是“{name}”",
                          "The household's head is named '{head_name}' but the member marked head is '{name}'"))
def _head_name(h: HouseholdFacts, ctx: CheckContext) -> Values | None:
    head = h.head()
    given = (h["head_name"] or "").strip()
    if head is None or not given or given == head.name.strip():
        return None
    return {"head_name": given, "name": head.name, "member_id": head.id}


@rules.member("ID-012", CAT_BASIC, WARNING, (ID, "member.disability_cert_no"),
              title=("残疾人证号不符合规则", "Disability certificate number malformed"),
              message=("{name}的残疾人证号“{disability_cert_no}”应为证件号码加 2 位或 4 位数字",
                       "{name}: disability certificate '{disability_cert_no}' should be the ID number plus 2 or 4 digits"))
def _disability_cert(m: MemberFacts, h: HouseholdFacts, ctx: CheckContext) -> Values | None:
    cert = idnumber.normalise(m["disability_cert_no"])
    if not cert or not m.id_norm:
        return None
    ok = len(cert) in _DISABILITY_LENGTHS and cert.startswith(m.id_norm) and cert[18:].isdigit()
    return None if ok else {**who(m), "disability_cert_no": m["disability_cert_no"]}


rules.gate({
    "ID-001": ("_idok", lambda v, c: not v),
    "ID-002": ("_idok", lambda v, c: not v),
    "ID-003": ("_idok", lambda v, c: not v),
    "ID-004": ("_idok", lambda v, c: not v),
    "ID-005": ("_idok", lambda v, c: not v),
    "ID-006": ("_sexok", lambda v, c: not v),
    "ID-007": ("_birthok", lambda v, c: not v),
    "ID-009": ("_id", among(lambda c: c.id_households)),
    "ID-012": ("disability_cert_no", lambda v, c: bool(v)),
})

rules.gate({"ID-008": ("_same_ids", lambda v, c: v)})
