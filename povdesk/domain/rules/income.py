"""Income arithmetic and allowance rules (domain.md §1.1 AC07, §5.2 A.5, A.7, C; §5.3.6)."""

from __future__ import annotations

from typing import Any

from povdesk.domain.assessment import working_age
from povdesk.domain.dictionary import field
from povdesk.domain.groups import INCOME_AMOUNTS, INCOME_PARTS, PROPERTY_PARTS, TRANSFER_PARTS
from povdesk.domain.rules.base import (
    CAT_ALLOWANCE,
    CAT_INCOME,
    ERROR,
    WARNING,
    CheckContext,
    HouseholdFacts,
    MemberFacts,
    RuleSet,
    Values,
    YearRow,
    num,
)

rules = RuleSet()
TOLERANCE = 1.0  # yuan
#: The income record's columns in the dictionary's named groups (`domain.groups`).
FOUR = INCOME_PARTS.columns
MONEY_COLUMNS = INCOME_AMOUNTS.columns
TRANSFERS = TRANSFER_PARTS.columns
PROPERTIES = PROPERTY_PARTS.columns
DIBAO_ATTRIBUTES = frozenset({"04", "02", "07", "08"})
TEKUN_ATTRIBUTES = frozenset({"06", "03", "07", "08"})
ORDINARY_ATTRIBUTES = frozenset({"01", "05"})


def _inc(*columns: str) -> tuple[str, ...]:
    return tuple(f"income.{c}" for c in columns)


def _net(inc: YearRow) -> float:
    return sum(num(inc.get(c)) for c in FOUR) - num(inc.get("business_cost"))


@rules.household("INC-001", CAT_INCOME, ERROR, ("income.year",),
                 title=("缺少本年度收入信息", "No income record for the data year"),
                 message=("本户没有 {year} 年度的收入信息", "This household has no income record for {year}"),
                 blocks_exit=True)
def _no_income(h: HouseholdFacts, ctx: CheckContext) -> Values | None:
    return {"year": ctx.year} if h.income is None else None


@rules.household("INC-002", CAT_INCOME, ERROR, _inc("net_income", *FOUR, "business_cost"),
                 title=("纯收入不等于各项收入减支出", "Net income is not the sum minus costs"),
                 message=("纯收入为 {net_income} 元，工资性 {wage} + 生产经营性 {business} + 财产性 {property}"
                          " + 转移性 {transfer} − 生产经营性支出 {business_cost} = {expected} 元",
                          "Net income is {net_income} yuan; wage {wage} + business {business} + property "
                          "{property} + transfer {transfer} − costs {business_cost} = {expected} yuan"))
def _net_sum(h: HouseholdFacts, ctx: CheckContext) -> Values | None:
    inc = h.income
    if inc is None or inc.get("net_income") is None:
        return None
    expected = _net(inc)
    if abs(num(inc.get("net_income")) - expected) > TOLERANCE:
        return {**{c: inc.get(c) for c in (*FOUR, "business_cost", "net_income")},
                "expected": round(expected, 2)}
    return None


@rules.household("INC-003", CAT_INCOME, ERROR, (*_inc("per_capita_net", "net_income"), "household.size"),
                 title=("人均纯收入不等于纯收入除以人口", "Per-capita income is not net / household size"),
                 message=("人均纯收入为 {per_capita_net} 元，纯收入 {net_income} 元 ÷ 家庭人口数 {size} = {expected} 元",
                          "Per-capita net income is {per_capita_net} yuan; net {net_income} ÷ size {size} = {expected} yuan"))
def _per_capita(h: HouseholdFacts, ctx: CheckContext) -> Values | None:
    inc = h.income
    size = h["size"]
    if inc is None or not size or inc.get("per_capita_net") is None or inc.get("net_income") is None:
        return None
    expected = num(inc.get("net_income")) / size
    if abs(num(inc.get("per_capita_net")) - expected) > TOLERANCE:
        return {"per_capita_net": inc.get("per_capita_net"), "net_income": inc.get("net_income"),
                "size": size, "expected": round(expected, 2)}
    return None


@rules.household("INC-004", CAT_INCOME, ERROR, _inc(*MONEY_COLUMNS),
                 title=("收入或支出为负数", "Negative income or cost"),
                 message=("{label}为负数：{value} 元", "{label_en} is negative: {value} yuan"))
def _negative(h: HouseholdFacts, ctx: CheckContext) -> Values | None:
    inc = h.income
    if inc is None:
        return None
    for c in MONEY_COLUMNS:
        v = inc.get(c)
        if v is not None and v < 0 and c != "net_income" and c != "per_capita_net":
            f = field(f"income.{c}")
            return {"label": f.zh, "label_en": f.en, "value": v}
    return None


@rules.household("INC-005", CAT_INCOME, ERROR, _inc("per_capita_net"),
                 title=("人均纯收入不合理（≤0 或 >10 万）", "Implausible per-capita income (≤0 or >100,000)"),
                 message=("人均纯收入为 {per_capita_net} 元", "Per-capita net income is {per_capita_net} yuan"))
def _absurd_per_capita(h: HouseholdFacts, ctx: CheckContext) -> Values | None:
    inc = h.income
    if inc is None or inc.get("per_capita_net") is None:
        return None
    v = inc.get("per_capita_net")
    return {"per_capita_net": v} if v <= 0 or v > 100_000 else None


@rules.household("INC-006", CAT_INCOME, WARNING, _inc("business", "business_cost"),
                 title=("有生产经营性收入但无支出", "Business income without costs"),
                 message=("生产经营性收入为 {business} 元，生产经营性支出为 {business_cost}",
                          "Business income is {business} yuan but business costs are {business_cost}"))
def _business_cost(h: HouseholdFacts, ctx: CheckContext) -> Values | None:
    inc = h.income
    if inc is not None and num(inc.get("business")) > 0 and num(inc.get("business_cost")) <= 0:
        return {"business": inc.get("business"), "business_cost": inc.get("business_cost")}
    return None


@rules.household("INC-007", CAT_INCOME, WARNING, _inc("total_income", *FOUR),
                 title=("年收入不等于四项收入之和", "Annual income is not the sum of the four incomes"),
                 message=("年收入为 {total_income} 元，四项收入之和为 {expected} 元",
                          "Annual income is {total_income} yuan; the four incomes add up to {expected} yuan"))
def _total(h: HouseholdFacts, ctx: CheckContext) -> Values | None:
    inc = h.income
    if inc is None or inc.get("total_income") is None:
        return None
    expected = sum(num(inc.get(c)) for c in FOUR)
    if abs(num(inc.get("total_income")) - expected) > TOLERANCE:
        return {"total_income": inc.get("total_income"), "expected": round(expected, 2)}
    return None


@rules.household("INC-008", CAT_INCOME, WARNING, _inc("wage"),
                 title=("工资性收入异常（0–300 元或超过 30 万）", "Wage income implausible (0–300 or above 300,000)"),
                 message=("工资性收入为 {wage} 元", "Wage income is {wage} yuan"))
def _wage_range(h: HouseholdFacts, ctx: CheckContext) -> Values | None:
    inc = h.income
    wage = None if inc is None else inc.get("wage")
    if wage is not None and (0 < wage < 300 or wage > 300_000):
        return {"wage": wage}
    return None


@rules.household("INC-009", CAT_INCOME, ERROR, _inc("transfer", *TRANSFERS),
                 title=("转移性收入小于其分项之和", "Transfer income below the sum of its parts"),
                 message=("转移性收入为 {transfer} 元，低保金、五保金、计划生育金、养老保险金、生态补偿金、"
                          "其他转移性收入之和为 {parts} 元",
                          "Transfer income is {transfer} yuan but its parts add up to {parts} yuan"))
def _transfer_parts(h: HouseholdFacts, ctx: CheckContext) -> Values | None:
    inc = h.income
    if inc is None:
        return None
    parts = sum(num(inc.get(c)) for c in TRANSFERS)
    if parts - num(inc.get("transfer")) > TOLERANCE:
        return {"transfer": inc.get("transfer"), "parts": round(parts, 2)}
    return None


@rules.household("INC-010", CAT_INCOME, ERROR, _inc("property", *PROPERTIES),
                 title=("财产性收入小于其分项之和", "Property income below the sum of its parts"),
                 message=("财产性收入为 {property} 元，资产收益分红与其他财产性收入之和为 {parts} 元",
                          "Property income is {property} yuan but dividend and other property income add up to {parts} yuan"))
def _property_parts(h: HouseholdFacts, ctx: CheckContext) -> Values | None:
    inc = h.income
    if inc is None:
        return None
    parts = sum(num(inc.get(c)) for c in PROPERTIES)
    if parts - num(inc.get("property")) > TOLERANCE:
        return {"property": inc.get("property"), "parts": round(parts, 2)}
    return None


@rules.household("INC-011", CAT_INCOME, WARNING, ("income.eco_compensation", "conditions.grain_for_green",
                                                  "conditions.forest"),
                 title=("有生态补偿金但无退耕还林或林地", "Ecological compensation without forest land"),
                 message=("生态补偿金为 {eco_compensation} 元，退耕还林面积 {grain_for_green}、林地面积 {forest}",
                          "Ecological compensation is {eco_compensation} yuan but grain-for-green is "
                          "{grain_for_green} and forest {forest}"))
def _eco(h: HouseholdFacts, ctx: CheckContext) -> Values | None:
    inc, c = h.income, h.conditions
    if inc is None or num(inc.get("eco_compensation")) <= 0 or c is None:
        return None
    if num(c.get("grain_for_green")) <= 0 and num(c.get("forest")) <= 0:
        return {"eco_compensation": inc.get("eco_compensation"), "grain_for_green": c.get("grain_for_green"),
                "forest": c.get("forest")}
    return None


def _dibao_members(h: HouseholdFacts) -> list[MemberFacts]:
    return [m for m in h.current if m["dibao"]]


@rules.household("INC-012", CAT_ALLOWANCE, ERROR, ("income.dibao_money", "member.dibao"),
                 title=("有低保金但无享受低保成员", "Allowance money but no member receives it"),
                 message=("低保金为 {dibao_money} 元，但没有成员享受低保",
                          "Minimum living allowance is {dibao_money} yuan but no member receives it"))
def _dibao_money_no_member(h: HouseholdFacts, ctx: CheckContext) -> Values | None:
    inc = h.income
    if inc is not None and num(inc.get("dibao_money")) > 0 and not _dibao_members(h):
        return {"dibao_money": inc.get("dibao_money")}
    return None


@rules.household("INC-013", CAT_ALLOWANCE, ERROR, ("income.dibao_money", "member.dibao"),
                 title=("享受低保但低保金为 0", "Members receive the allowance but no allowance money"),
                 message=("{names}享受低保，低保金却为 {dibao_money}",
                          "{names} receive the minimum living allowance but the allowance money is {dibao_money}"))
def _dibao_member_no_money(h: HouseholdFacts, ctx: CheckContext) -> Values | None:
    inc = h.income
    ms = _dibao_members(h)
    if inc is not None and ms and num(inc.get("dibao_money")) <= 0:
        return {"names": "、".join(m.name for m in ms), "dibao_money": inc.get("dibao_money"),
                "member_id": ms[0].id}
    return None


@rules.household("INC-014", CAT_ALLOWANCE, ERROR, ("household.attribute", "member.dibao"),
                 title=("低保户无享受低保成员", "Allowance household without allowance recipients"),
                 message=("贫困户属性为“{attribute}”，但没有成员享受低保",
                          "Household attribute is '{attribute}' but no member receives the allowance"))
def _dibao_household(h: HouseholdFacts, ctx: CheckContext) -> Values | None:
    if h["attribute"] in DIBAO_ATTRIBUTES and h.current and not _dibao_members(h):
        return {"attribute": h["attribute"]}
    return None


@rules.household("INC-015", CAT_ALLOWANCE, WARNING, ("household.attribute", "member.dibao"),
                 title=("一般户有享受低保成员", "Ordinary household with allowance recipients"),
                 message=("贫困户属性为“{attribute}”，但{names}享受低保",
                          "Household attribute is '{attribute}' but {names} receive the allowance"))
def _ordinary_dibao(h: HouseholdFacts, ctx: CheckContext) -> Values | None:
    ms = _dibao_members(h)
    if h["attribute"] in ORDINARY_ATTRIBUTES and ms:
        return {"attribute": h["attribute"], "names": "、".join(m.name for m in ms), "member_id": ms[0].id}
    return None


@rules.household("INC-016", CAT_ALLOWANCE, ERROR, ("household.attribute", "income.tekun_money"),
                 title=("特困供养户无五保金", "Destitute-support household without support money"),
                 message=("贫困户属性为“{attribute}”，五保金（特困供养金）为 {tekun_money}",
                          "Household attribute is '{attribute}' but destitute-support money is {tekun_money}"))
def _tekun_no_money(h: HouseholdFacts, ctx: CheckContext) -> Values | None:
    inc = h.income
    if h["attribute"] in TEKUN_ATTRIBUTES and inc is not None and num(inc.get("tekun_money")) <= 0:
        return {"attribute": h["attribute"], "tekun_money": inc.get("tekun_money")}
    return None


@rules.household("INC-017", CAT_ALLOWANCE, ERROR, ("household.attribute", "income.tekun_money", "member.tekun"),
                 title=("非特困户领取五保金", "Support money for a household that is not destitute-support"),
                 message=("五保金为 {tekun_money} 元，但贫困户属性为“{attribute}”且无特困供养人员",
                          "Destitute-support money is {tekun_money} yuan but the attribute is '{attribute}' "
                          "and no member is a destitute-support person"))
def _money_not_tekun(h: HouseholdFacts, ctx: CheckContext) -> Values | None:
    inc = h.income
    if (inc is not None and num(inc.get("tekun_money")) > 0 and h["attribute"] not in TEKUN_ATTRIBUTES
            and not any(m["tekun"] for m in h.current)):
        return {"tekun_money": inc.get("tekun_money"), "attribute": h["attribute"]}
    return None


@rules.household("INC-018", CAT_ALLOWANCE, WARNING, ("income.dibao_money", "income.tekun_money"),
                 title=("同时领取低保金和五保金", "Both allowance and destitute-support money"),
                 message=("低保金 {dibao_money} 元与五保金 {tekun_money} 元同时领取",
                          "Receives both the allowance ({dibao_money} yuan) and destitute support ({tekun_money} yuan)"))
def _both_moneys(h: HouseholdFacts, ctx: CheckContext) -> Values | None:
    inc = h.income
    if inc is not None and num(inc.get("dibao_money")) > 0 and num(inc.get("tekun_money")) > 0:
        return {"dibao_money": inc.get("dibao_money"), "tekun_money": inc.get("tekun_money")}
    return None


@rules.household("INC-019", CAT_ALLOWANCE, WARNING, ("household.attribute", "member.labour_skill", "member.health"),
                 title=("特困供养户有劳动年龄健康劳动力", "Destitute-support household with an able worker"),
                 message=("贫困户属性为“{attribute}”，但{name}（{age} 岁）健康、有劳动能力",
                          "Household attribute is '{attribute}' but {name} is {age}, healthy and able to work"))
def _tekun_able(h: HouseholdFacts, ctx: CheckContext) -> Values | None:
    if h["attribute"] not in TEKUN_ATTRIBUTES:
        return None
    for m in h.current:
        if (working_age(m.age, ctx.settings) and m.healthy
                and m["labour_skill"] in ("01", "02")):
            return {"attribute": h["attribute"], "name": m.name, "age": m.age, "member_id": m.id}
    return None


_MINIMUMS = (("dibao_money", 200.0), ("tekun_money", 200.0), ("family_planning", 100.0), ("pension", 88.0))


@rules.household("INC-020", CAT_INCOME, WARNING, _inc(*(c for c, _ in _MINIMUMS)),
                 title=("补助金额低于常规下限", "Allowance below its usual minimum"),
                 message=("{label}为 {value} 元，低于常规下限 {minimum} 元",
                          "{label_en} is {value} yuan, below the usual minimum of {minimum} yuan"))
def _minimums(h: HouseholdFacts, ctx: CheckContext) -> Values | None:
    inc = h.income
    if inc is None:
        return None
    for c, minimum in _MINIMUMS:
        v = inc.get(c)
        if v is not None and 0 < v < minimum:
            f = field(f"income.{c}")
            return {"label": f.zh, "label_en": f.en, "value": v, "minimum": minimum}
    return None


rules.gate({
    "INC-014": ("attribute", lambda v, c: v in DIBAO_ATTRIBUTES),
    "INC-015": ("attribute", lambda v, c: v in ORDINARY_ATTRIBUTES),
    "INC-016": ("attribute", lambda v, c: v in TEKUN_ATTRIBUTES),
    "INC-019": ("attribute", lambda v, c: v in TEKUN_ATTRIBUTES),
})

def _positive(v: Any, c: CheckContext) -> bool:
    return isinstance(v, (int, float)) and v > 0


rules.gate({
    "INC-001": ("_has_income", lambda v, c: not v),
    "INC-006": ("income.business", _positive),
    "INC-008": ("income.wage", lambda v, c: isinstance(v, (int, float)) and (0 < v < 300 or v > 300_000)),
    "INC-011": ("income.eco_compensation", _positive),
    "INC-012": ("income.dibao_money", _positive),
    "INC-013": ("_dibao_members", lambda v, c: v > 0),
    "INC-017": ("income.tekun_money", _positive),
    "INC-018": ("income.dibao_money", _positive),
})
