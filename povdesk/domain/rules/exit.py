"""The household exit standard 一超六有 for households marked exited (domain.md §3.1–3.2, §5.3.7).

Compulsory schooling, medical insurance and the cadre are checked for every household by EDU-001,
HLT-001 and CAD-001 (which also block exit marking); these rules cover the rest of the standard.
Whether a value meets the standard is decided by `povdesk.domain.assessment`, never here.
"""

from __future__ import annotations

from povdesk.domain.assessment import (
    electricity_missing,
    house_dangerous,
    house_missing,
    housing_excused,
    income_meets,
    medically_insured,
    radio_tv_missing,
    water_unsafe,
)
from povdesk.domain.meanings import NOT_EXITED
from povdesk.domain.rules.base import (
    CAT_EXIT,
    ERROR,
    EXITED_STATUSES,
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
STATUS = "household.status"


@rules.household("EXIT-001", CAT_EXIT, ERROR, ("income.per_capita_net", STATUS, "household.exit_year"),
                 title=("已脱贫户人均纯收入未超过标准线", "Exited household below the income line"),
                 message=("本户 {exit_year} 年脱贫，{year} 年人均纯收入 {per_capita_net} 元，未超过 {line_year} 年标准线 {line} 元",
                          "Exited in {exit_year}; per-capita net income {per_capita_net} yuan in {year} "
                          "does not exceed the {line_year} line of {line} yuan"),
                 blocks_exit=True)
def _income_line(h: HouseholdFacts, ctx: CheckContext) -> Values | None:
    inc = h.income
    if not h.exited or inc is None or inc.get("per_capita_net") is None:
        return None
    line, line_year = ctx.line_for_exit(h["exit_year"])
    if not income_meets(num(inc.get("per_capita_net")), line):
        return {"exit_year": h["exit_year"], "year": ctx.year, "per_capita_net": inc.get("per_capita_net"),
                "line": line, "line_year": line_year}
    return None


@rules.household("EXIT-002", CAT_EXIT, ERROR, ("conditions.dangerous_house", "conditions.house_grade",
                                               "household.relocation_moved_in", STATUS),
                 title=("已脱贫户住房不安全", "Exited household in a dangerous house"),
                 message=("本户已脱贫，但是否危房户为“{dangerous_house}”、危房等级“{house_grade}”，且未搬迁入住",
                          "Exited, but dangerous house is '{dangerous_house}', grade '{house_grade}', "
                          "and not moved into a resettlement home"),
                 blocks_exit=True)
def _house(h: HouseholdFacts, ctx: CheckContext) -> Values | None:
    c = h.conditions
    if not h.exited or c is None or housing_excused(h["relocation_moved_in"]):
        return None
    if house_dangerous(c.get("dangerous_house"), c.get("house_grade")):
        return {"dangerous_house": c.get("dangerous_house"), "house_grade": c.get("house_grade")}
    return None


@rules.household("EXIT-003", CAT_EXIT, ERROR, ("conditions.drinking_safe", "conditions.drinking_difficult", STATUS),
                 title=("已脱贫户饮水不安全", "Exited household without safe drinking water"),
                 message=("本户已脱贫，但饮水是否安全为“{drinking_safe}”、饮水是否困难为“{drinking_difficult}”",
                          "Exited, but safe drinking water is '{drinking_safe}' and difficult access is '{drinking_difficult}'"),
                 blocks_exit=True)
def _water(h: HouseholdFacts, ctx: CheckContext) -> Values | None:
    c = h.conditions
    if not h.exited or c is None:
        return None
    if water_unsafe(c.get("drinking_safe"), c.get("drinking_difficult")):
        return {"drinking_safe": c.get("drinking_safe"), "drinking_difficult": c.get("drinking_difficult")}
    return None


@rules.household("EXIT-004", CAT_EXIT, ERROR, ("conditions.electricity", STATUS),
                 title=("已脱贫户未通生活用电", "Exited household without electricity"),
                 message=("本户已脱贫，但是否通生活用电为“{electricity}”",
                          "Exited, but household electricity is '{electricity}'"),
                 blocks_exit=True)
def _electricity(h: HouseholdFacts, ctx: CheckContext) -> Values | None:
    c = h.conditions
    if h.exited and c is not None and electricity_missing(c.get("electricity")):
        return {"electricity": c.get("electricity")}
    return None


@rules.household("EXIT-005", CAT_EXIT, ERROR, ("conditions.radio_tv", STATUS),
                 title=("已脱贫户未通广播电视", "Exited household without radio and TV"),
                 message=("本户已脱贫，但是否通广播电视为“{radio_tv}”", "Exited, but radio and TV is '{radio_tv}'"),
                 blocks_exit=True)
def _tv(h: HouseholdFacts, ctx: CheckContext) -> Values | None:
    c = h.conditions
    if h.exited and c is not None and radio_tv_missing(c.get("radio_tv")):
        return {"radio_tv": c.get("radio_tv")}
    return None


@rules.household("EXIT-006", CAT_EXIT, ERROR, ("conditions.house_area", STATUS),
                 title=("已脱贫户住房面积为 0", "Exited household without a house"),
                 message=("本户已脱贫，但住房面积为 {house_area}", "Exited, but the floor area is {house_area}"),
                 blocks_exit=True)
def _no_house(h: HouseholdFacts, ctx: CheckContext) -> Values | None:
    c = h.conditions
    if h.exited and c is not None and house_missing(c.get("house_area")) \
            and not housing_excused(h["relocation_moved_in"]):
        return {"house_area": c.get("house_area")}
    return None


@rules.member("EXIT-007", CAT_EXIT, ERROR, ("member.ins_medical", "member.ins_major_illness", STATUS),
              title=("已脱贫人员未同时参加居民医保和大病保险", "Exited person without both medical and major-illness insurance"),
              message=("本户已脱贫，{name}（{id_number}）居民医保为“{ins_medical}”，大病保险为“{ins_major_illness}”",
                       "Exited household: {name} ({id_number}) resident medical insurance '{ins_medical}', "
                       "major-illness insurance '{ins_major_illness}'"),
              blocks_exit=True)
def _insurance(m: MemberFacts, h: HouseholdFacts, ctx: CheckContext) -> Values | None:
    if h.exited and medically_insured(m) and not m["ins_major_illness"]:
        return {**who(m), "ins_medical": m["ins_medical"], "ins_major_illness": m["ins_major_illness"]}
    return None


@rules.household("EXIT-008", CAT_EXIT, WARNING, ("income.per_capita_net", STATUS),
                 title=("未脱贫户收入远超退出线", "Not-exited household well above the exit line"),
                 message=("本户未脱贫，{year} 年人均纯收入 {per_capita_net} 元超过退出线 {line} 元的 1.5 倍，请评估是否退出",
                          "Not exited, yet per-capita net income {per_capita_net} yuan in {year} is over 1.5 "
                          "times the exit line of {line} yuan: assess for exit"),
                 blocks_signoff=False)
def _candidate(h: HouseholdFacts, ctx: CheckContext) -> Values | None:
    inc = h.income
    if h["status"] != NOT_EXITED or inc is None or inc.get("per_capita_net") is None:
        return None
    line = ctx.settings.exit_income_line
    if income_meets(num(inc.get("per_capita_net")), line * 1.5):
        return {"year": ctx.year, "per_capita_net": inc.get("per_capita_net"), "line": line}
    return None


_exited = ("status", lambda v, c: v in EXITED_STATUSES)
rules.gate({
    "EXIT-001": _exited, "EXIT-002": _exited, "EXIT-003": _exited, "EXIT-004": _exited,
    "EXIT-005": _exited, "EXIT-006": _exited,
    "EXIT-007": ("ins_major_illness", lambda v, c: not v),
    "EXIT-008": ("status", lambda v, c: v == NOT_EXITED),
})
