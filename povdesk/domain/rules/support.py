"""The rules the 2019 record lacked (issue 14 §3): labour and support, public-welfare posts, new
identification and the 边缘户 marker. Thresholds that are a judgement are year settings
(`YearSettingRecord`, with what they rest on in `domain.yearsettings.NOTES`)."""

from __future__ import annotations

from povdesk.domain.assessment import house_dangerous, medically_insured, out_of_school
from povdesk.domain.meanings import (
    ABLE_TO_WORK,
    CAUSE_ILLNESS,
    CAUSE_LACK_OF_LABOUR,
    MONITORING_EDGE,
    SEVERE_DISABILITY_GRADES,
    UNABLE_TO_WORK,
)
from povdesk.domain.rules.base import (
    CAT_ALLOWANCE,
    CAT_HEALTH,
    CAT_LABOUR,
    CAT_STATUS,
    ERROR,
    WARNING,
    CheckContext,
    HouseholdFacts,
    MemberFacts,
    RuleSet,
    Values,
    num,
    who,
)

rules = RuleSet()
SKILL = "member.labour_skill"
BIRTH = "member.birth_date"
POST = "member.public_post_type"
POST_FROM = "member.public_post_from"
ADULT = 18


def _names(ms: list[MemberFacts]) -> str:
    return "、".join(m.name for m in ms)


@rules.household("ALW-001", CAT_ALLOWANCE, ERROR, (SKILL, "member.dibao", "member.tekun"),
                 title=("全户无劳动能力且无人享受低保或特困供养",
                        "Nobody can work and nobody receives the allowance or destitute support"),
                 message=("全户 {n} 名在册成员均为无劳动力或丧失劳动力，但无人享受低保或特困供养",
                          "All {n} current members have no or lost labour capacity, but nobody receives "
                          "the minimum living allowance or destitute support"))
def _nobody_works_no_support(h: HouseholdFacts, ctx: CheckContext) -> Values | None:
    cur = h.current
    if not cur or any(m["dibao"] or m["tekun"] for m in cur):
        return None
    if all(m["labour_skill"] in UNABLE_TO_WORK for m in cur):
        return {"n": len(cur)}
    return None


@rules.household("LAB-013", CAT_LABOUR, WARNING, ("household.main_cause", SKILL, BIRTH),
                 title=("主因缺劳力但劳动力充足", "Main cause 'lack of labour' but members can work"),
                 message=("主要致贫原因为“{main_cause}”，但 {able}/{n} 名成员为普通或技能劳动力（{names}）",
                          "Main cause is '{main_cause}' but {able} of {n} members have ordinary or skilled "
                          "labour ({names})"))
def _labour_shortage_doubtful(h: HouseholdFacts, ctx: CheckContext) -> Values | None:
    if h["main_cause"] != CAUSE_LACK_OF_LABOUR or not h.current:
        return None
    cur = h.current
    able = [m for m in cur if m["labour_skill"] in ABLE_TO_WORK]
    adults = [m for m in cur if m.age is not None and m.age >= ADULT]
    all_adults = bool(adults) and all(m["labour_skill"] in ABLE_TO_WORK for m in adults)
    if able and (len(able) > ctx.settings.labour_shortage_share * len(cur) or all_adults):
        return {"main_cause": h["main_cause"], "able": len(able), "n": len(cur), "names": _names(able),
                "member_id": able[0].id}
    return None


@rules.member("ALW-002", CAT_ALLOWANCE, WARNING, ("member.tekun", "member.health", "member.school_status", BIRTH),
              title=("特困供养人员为劳动年龄健康非在校生", "Destitute-support person of working age, healthy, not in school"),
              message=("{name}，{age} 岁，健康状况“{health}”，非在校生，却为特困供养人员",
                       "{name} is {age}, health '{health}', not in school, yet receives destitute support"))
def _tekun_able_bodied(m: MemberFacts, h: HouseholdFacts, ctx: CheckContext) -> Values | None:
    if (m["tekun"] and m.age is not None and ADULT <= m.age <= ctx.settings.working_age_to
            and m.healthy and not m.in_school):
        return {**who(m), "age": m.age, "health": m["health"]}
    return None


@rules.member("ALW-003", CAT_ALLOWANCE, ERROR, ("member.tekun", "member.work_status", "member.work_months"),
              title=("特困供养人员外出务工", "Destitute-support person working away"),
              message=("{name}为特困供养人员，务工状况却为“{work_status}”，务工时间 {work_months} 个月",
                       "{name} receives destitute support but works '{work_status}' for {work_months} months"))
def _tekun_working(m: MemberFacts, h: HouseholdFacts, ctx: CheckContext) -> Values | None:
    if m["tekun"] and (m["work_status"] or (m["work_months"] or 0) > 0):
        return {**who(m), "work_status": m["work_status"], "work_months": m["work_months"]}
    return None


@rules.member("HLT-013", CAT_HEALTH, WARNING, ("member.disability_grade", SKILL),
              title=("一、二级残疾却有劳动能力", "Grade 1-2 disability with labour capacity"),
              message=("{name}残疾等级为“{disability_grade}”（重度），劳动技能却为“{labour_skill}”",
                       "{name} has disability grade '{disability_grade}' (severe) but labour capacity "
                       "'{labour_skill}'"))
def _severe_disability_able(m: MemberFacts, h: HouseholdFacts, ctx: CheckContext) -> Values | None:
    if m["disability_grade"] in SEVERE_DISABILITY_GRADES and m["labour_skill"] in ABLE_TO_WORK:
        return {**who(m), "disability_grade": m["disability_grade"], "labour_skill": m["labour_skill"]}
    return None


@rules.member("LAB-014", CAT_LABOUR, ERROR, (POST, BIRTH),
              title=("未到劳动年龄担任公益性岗位", "Public-welfare post held under working age"),
              message=("{name}，{age} 岁（劳动年龄自 {age_from} 岁起），担任公益性岗位“{public_post_type}”",
                       "{name} is {age} (working age starts at {age_from}) and holds the post '{public_post_type}'"))
def _post_too_young(m: MemberFacts, h: HouseholdFacts, ctx: CheckContext) -> Values | None:
    start = ctx.settings.working_age_from
    if m["public_post_type"] and m.age is not None and m.age < start:
        return {**who(m), "age": m.age, "age_from": start, "public_post_type": m["public_post_type"]}
    return None


@rules.member("LAB-015", CAT_LABOUR, WARNING, (POST, BIRTH),
              title=("高龄人员担任公益性岗位", "Public-welfare post held at an advanced age"),
              message=("{name}，{age} 岁（{limit} 岁及以上），担任公益性岗位“{public_post_type}”",
                       "{name} is {age} ({limit} or over) and holds the post '{public_post_type}'"))
def _post_too_old(m: MemberFacts, h: HouseholdFacts, ctx: CheckContext) -> Values | None:
    limit = ctx.settings.public_post_age_limit
    if m["public_post_type"] and m.age is not None and m.age >= limit:
        return {**who(m), "age": m.age, "limit": limit, "public_post_type": m["public_post_type"]}
    return None


@rules.household("LAB-016", CAT_LABOUR, WARNING, (POST,),
                 title=("一户多人担任公益性岗位", "More than one public-welfare post in a household"),
                 message=("本户 {n} 人担任公益性岗位（{names}），请在认定例外时说明原因",
                          "{n} members hold public-welfare posts ({names}); record the reason by accepting "
                          "this as an exception"))
def _posts_in_household(h: HouseholdFacts, ctx: CheckContext) -> Values | None:
    holders = [m for m in h.current if m["public_post_type"]]
    if len(holders) > 1:
        return {"n": len(holders), "names": _names(holders), "member_id": holders[1].id}
    return None


@rules.member("LAB-017", CAT_LABOUR, WARNING, (POST, POST_FROM),
              title=("公益性岗位无聘用时间", "Public-welfare post without a hire date"),
              message=("{name}担任公益性岗位“{public_post_type}”，聘用开始时间为空",
                       "{name} holds the post '{public_post_type}' but no hire date is recorded"))
def _post_no_date(m: MemberFacts, h: HouseholdFacts, ctx: CheckContext) -> Values | None:
    if m["public_post_type"] and m["public_post_from"] is None:
        return {**who(m), "public_post_type": m["public_post_type"]}
    return None


def _hardships(h: HouseholdFacts, ctx: CheckContext) -> list[str]:
    """The qualifying hardships of a new identification (issue 14 §3), as short Chinese names."""
    found = []
    cond = h.conditions
    if cond is not None and house_dangerous(cond.get("dangerous_house"), cond.get("house_grade")):
        found.append("危房")
    if h["main_cause"] == CAUSE_ILLNESS and any(not medically_insured(m) for m in h.current):
        found.append("因病未参保")
    if any(out_of_school(m, ctx.settings) for m in h.current):
        found.append("适龄儿童失学")
    return found


@rules.household("STS-011", CAT_STATUS, WARNING,
                 ("household.first_identified_year", "income.per_capita_net", "conditions.dangerous_house",
                  "conditions.house_grade", "household.main_cause", "member.ins_medical", "member.school_status"),
                 title=("新识别户缺少识别条件", "New identification lacks a qualifying hardship"),
                 message=("{year} 年新识别：人均纯收入 {per_capita_net} 元（标准 {line} 元），"
                          "{missing}",
                          "Identified in {year}: per-capita net income {per_capita_net} yuan (line {line} "
                          "yuan); {missing_en}"))
def _new_without_hardship(h: HouseholdFacts, ctx: CheckContext) -> Values | None:
    if h["first_identified_year"] != ctx.year:
        return None
    line = float(ctx.settings.exit_income_line)
    pcn = None if h.income is None else h.income.get("per_capita_net")
    below = pcn is not None and num(pcn) <= line
    hardships = _hardships(h, ctx)
    if below and hardships:
        return None
    missing = [] if below else [("收入不低于标准", "income not below the line")]
    if not hardships:
        missing.append(("无危房、因病未参保或适龄儿童失学情形",
                        "no dangerous house, uninsured illness or child out of school"))
    return {"year": ctx.year, "per_capita_net": pcn, "line": line,
            "missing": "；".join(z for z, _ in missing), "missing_en": "; ".join(e for _, e in missing)}


@rules.household("MON-001", CAT_STATUS, WARNING,
                 ("household.monitoring_type", "household.monitoring_reason", "income.per_capita_net"),
                 title=("边缘户收入高于监测标准且无风险类型", "Near-poor marker above the threshold without a risk"),
                 message=("标注为“{monitoring_type}”，人均纯收入 {per_capita_net} 元高于监测标准 {threshold} 元，"
                          "且未登记风险类型",
                          "Marked '{monitoring_type}', per-capita net income {per_capita_net} yuan is above the "
                          "monitoring threshold of {threshold} yuan, and no risk is recorded"))
def _edge_above_threshold(h: HouseholdFacts, ctx: CheckContext) -> Values | None:
    if h["monitoring_type"] != MONITORING_EDGE or h["monitoring_reason"] or h.income is None:
        return None
    pcn = h.income.get("per_capita_net")
    threshold = float(ctx.settings.monitoring_income_threshold)
    if pcn is not None and num(pcn) > threshold:
        return {"monitoring_type": h["monitoring_type"], "per_capita_net": pcn, "threshold": threshold}
    return None


rules.gate({
    "ALW-001": ("_dibao_members", lambda v, c: v == 0),
    "LAB-013": ("main_cause", lambda v, c: v == CAUSE_LACK_OF_LABOUR),
    "ALW-002": ("tekun", lambda v, c: bool(v)),
    "ALW-003": ("tekun", lambda v, c: bool(v)),
    "HLT-013": ("disability_grade", lambda v, c: v in SEVERE_DISABILITY_GRADES),
    "LAB-014": ("public_post_type", lambda v, c: bool(v)),
    "LAB-015": ("public_post_type", lambda v, c: bool(v)),
    "LAB-017": ("public_post_type", lambda v, c: bool(v)),
    "STS-011": ("first_identified_year", lambda v, c: v == c.year),
    "MON-001": ("monitoring_type", lambda v, c: v == MONITORING_EDGE),
})

