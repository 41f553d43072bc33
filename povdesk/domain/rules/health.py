"""Health, insurance and poverty-cause rules (domain.md §3.2 六有 2, §5.2 A.4, B; §5.3.5)."""

from __future__ import annotations

from povdesk.domain.assessment import medically_insured
from povdesk.domain.rules.base import (
    CAT_GUARANTEE,
    CAT_HEALTH,
    DISABLED_HEALTH,
    ERROR,
    ILL_HEALTH,
    SERIOUS_ILL,
    WARNING,
    CheckContext,
    HouseholdFacts,
    MemberFacts,
    RuleSet,
    Values,
    who,
)

rules = RuleSet()
MED = "member.ins_medical"
EMP_MED = "member.ins_employee_medical"
MAJOR = "member.ins_major_illness"
HEALTH = "member.health"
CAUSE = "household.main_cause"


@rules.member("HLT-001", CAT_GUARANTEE, ERROR, (MED, EMP_MED),
              title=("未参加基本医疗保险", "Not in basic medical insurance"),
              message=("{name}（{id_number}）未参加城乡居民基本医疗保险（“{ins_medical}”），"
                       "也未参加城镇职工基本医疗保险（“{ins_employee_medical}”）",
                       "{name} ({id_number}) has neither resident medical insurance ('{ins_medical}') "
                       "nor employee medical insurance ('{ins_employee_medical}')"),
              blocks_exit=True)
def _uninsured(m: MemberFacts, h: HouseholdFacts, ctx: CheckContext) -> Values | None:
    if not medically_insured(m):
        return {**who(m), "ins_medical": m["ins_medical"], "ins_employee_medical": m["ins_employee_medical"]}
    return None


@rules.member("HLT-002", CAT_HEALTH, WARNING, (MED, EMP_MED),
              title=("同时参加居民医保和职工医保", "Both resident and employee medical insurance"),
              message=("{name}同时参加城乡居民基本医疗保险和城镇职工基本医疗保险",
                       "{name} is in both resident and employee medical insurance"))
def _double_insured(m: MemberFacts, h: HouseholdFacts, ctx: CheckContext) -> Values | None:
    if m["ins_medical"] and m["ins_employee_medical"]:
        return who(m)
    return None


@rules.member("HLT-003", CAT_HEALTH, WARNING, (MAJOR,),
              title=("未参加大病保险", "Not in major-illness insurance"),
              message=("{name}是否参加大病保险为“{ins_major_illness}”",
                       "{name}: major-illness insurance is '{ins_major_illness}'"))
def _no_major(m: MemberFacts, h: HouseholdFacts, ctx: CheckContext) -> Values | None:
    if not m["ins_major_illness"]:
        return {**who(m), "ins_major_illness": m["ins_major_illness"]}
    return None


@rules.household("HLT-004", CAT_HEALTH, ERROR, (CAUSE, HEALTH),
                 title=("因病致贫但无患病成员", "Cause 'illness' but nobody is ill"),
                 message=("主要致贫原因为“{main_cause}”，但 {count} 名在册成员中无长期慢性病或大病患者",
                          "Main cause is '{main_cause}' but none of the {count} current members is ill"))
def _cause_illness(h: HouseholdFacts, ctx: CheckContext) -> Values | None:
    if h["main_cause"] == "01" and h.current and not any(m["health"] in ILL_HEALTH for m in h.current):
        return {"main_cause": h["main_cause"], "count": len(h.current)}
    return None


@rules.household("HLT-005", CAT_HEALTH, ERROR, (CAUSE, HEALTH),
                 title=("因残致贫但无残疾成员", "Cause 'disability' but nobody is disabled"),
                 message=("主要致贫原因为“{main_cause}”，但在册成员中无残疾人",
                          "Main cause is '{main_cause}' but no current member is disabled"))
def _cause_disability(h: HouseholdFacts, ctx: CheckContext) -> Values | None:
    if h["main_cause"] == "02" and h.current and not any(m.disabled for m in h.current):
        return {"main_cause": h["main_cause"]}
    return None


@rules.household("HLT-006", CAT_HEALTH, ERROR, (CAUSE, "member.school_status"),
                 title=("因学致贫但无在校生", "Cause 'schooling' but no student"),
                 message=("主要致贫原因为“{main_cause}”，但在册成员中无在校生",
                          "Main cause is '{main_cause}' but no current member is in school"))
def _cause_school(h: HouseholdFacts, ctx: CheckContext) -> Values | None:
    if h["main_cause"] == "03" and h.current and not any(m.in_school for m in h.current):
        return {"main_cause": h["main_cause"]}
    return None


@rules.member("HLT-007", CAT_HEALTH, WARNING, (HEALTH, "member.disability_category"),
              title=("残疾人未填残疾类别", "Disabled person without disability category"),
              message=("{name}健康状况为“{health}”，残疾类别为空",
                       "{name}: health '{health}' but the disability category is empty"))
def _disabled_no_category(m: MemberFacts, h: HouseholdFacts, ctx: CheckContext) -> Values | None:
    if m.disabled and not m["disability_category"]:
        return {**who(m), "health": m["health"]}
    return None


@rules.member("HLT-008", CAT_HEALTH, WARNING, (HEALTH, "member.disability_cert_no"),
              title=("残疾人无残疾证号", "Disabled person without certificate"),
              message=("{name}健康状况为“{health}”，残疾证号为空",
                       "{name}: health '{health}' but no disability certificate number"))
def _disabled_no_cert(m: MemberFacts, h: HouseholdFacts, ctx: CheckContext) -> Values | None:
    if m.disabled and not m["disability_cert_no"]:
        return {**who(m), "health": m["health"]}
    return None


@rules.member("HLT-009", CAT_HEALTH, WARNING, (HEALTH, "member.disability_category"),
              title=("有残疾类别但健康状况非残疾", "Disability category but not marked disabled"),
              message=("{name}残疾类别为“{disability_category}”，健康状况却为“{health}”",
                       "{name}: disability category '{disability_category}' but health is '{health}'"))
def _category_not_disabled(m: MemberFacts, h: HouseholdFacts, ctx: CheckContext) -> Values | None:
    if m["disability_category"] and m["health"] and m["health"] not in DISABLED_HEALTH:
        return {**who(m), "disability_category": m["disability_category"], "health": m["health"]}
    return None


@rules.household("HLT-010", CAT_HEALTH, WARNING, (CAUSE, "household.other_causes"),
                 title=("其他致贫原因与主要原因重复", "Other causes repeat the main cause"),
                 message=("其他致贫原因“{other_causes}”包含主要致贫原因“{main_cause}”",
                          "Other causes '{other_causes}' repeat the main cause '{main_cause}'"))
def _cause_repeated(h: HouseholdFacts, ctx: CheckContext) -> Values | None:
    main, others = h["main_cause"], h["other_causes"]
    if main and others and main in str(others).split(","):
        return {"main_cause": main, "other_causes": others}
    return None


@rules.member("HLT-011", CAT_HEALTH, ERROR, (HEALTH, MAJOR, CAUSE),
              title=("因病户大病患者未参加大病保险", "Seriously ill member of an illness household without major-illness insurance"),
              message=("{name}健康状况为“{health}”，本户因病致贫，但未参加大病保险",
                       "{name} has health '{health}' in an illness-caused household but no major-illness insurance"),
              blocks_exit=True)
def _ill_uninsured(m: MemberFacts, h: HouseholdFacts, ctx: CheckContext) -> Values | None:
    if h["main_cause"] == "01" and m["health"] in SERIOUS_ILL and not m["ins_major_illness"]:
        return {**who(m), "health": m["health"]}
    return None


@rules.member("HLT-012", CAT_HEALTH, WARNING, ("member.ins_pension", "member.ins_employee_pension", "member.birth_date"),
              title=("16 岁以上养老保险情况为空", "Pension insurance not recorded (16 and over)"),
              message=("{name}，{age} 岁，城乡居民养老保险和职工养老保险均未填写",
                       "{name} is {age}; neither resident nor employee pension insurance is recorded"))
def _pension_empty(m: MemberFacts, h: HouseholdFacts, ctx: CheckContext) -> Values | None:
    if (m.age is not None and m.age >= 16 and m["ins_pension"] is None
            and m["ins_employee_pension"] is None):
        return {**who(m), "age": m.age}
    return None


rules.gate({
    "HLT-001": ("ins_medical", lambda v, c: not v),
    "HLT-002": ("ins_employee_medical", lambda v, c: bool(v)),
    "HLT-003": ("ins_major_illness", lambda v, c: not v),
    "HLT-004": ("main_cause", lambda v, c: v == "01"),
    "HLT-005": ("main_cause", lambda v, c: v == "02"),
    "HLT-006": ("main_cause", lambda v, c: v == "03"),
    "HLT-007": ("health", lambda v, c: v in DISABLED_HEALTH),
    "HLT-008": ("health", lambda v, c: v in DISABLED_HEALTH),
    "HLT-009": ("disability_category", lambda v, c: bool(v)),
    "HLT-010": ("other_causes", lambda v, c: bool(v)),
    "HLT-011": ("health", lambda v, c: v in SERIOUS_ILL),
    "HLT-012": ("ins_pension", lambda v, c: v is None),
})
