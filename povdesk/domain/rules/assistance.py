"""Assistance cadre and measure rules (domain.md §2.1, §2.2, §5.2 A.9, D; §5.3.9)."""

from __future__ import annotations

import datetime as dt
import re
from functools import lru_cache

from povdesk.domain import idnumber
from povdesk.domain.rules.base import (
    CAT_ASSIST,
    ERROR,
    WARNING,
    CadreFacts,
    CheckContext,
    HouseholdFacts,
    MemberFacts,
    RuleSet,
    Values,
    among,
    num,
    who,
)

rules = RuleSet()
_PHONE = re.compile(r"^1\d{10}$")
DISABILITY_MEASURE = "10"
EARLIEST_MEASURE_YEAR = 2014


@lru_cache(maxsize=8192)
def _id_problems(number: str, today: dt.date) -> list[idnumber.IdProblem]:
    """Cadres serve many households: check each number once."""
    return idnumber.problems(number, today=today)


def current_cadres(h: HouseholdFacts, ctx: CheckContext) -> list[CadreFacts]:
    ref = ctx.reference_date
    return [c for c in h.cadres if c.pairing_end is None or c.pairing_end >= ref]


@rules.household("CAD-001", CAT_ASSIST, ERROR, ("cadre.name", "pairing.start_date", "pairing.end_date"),
                 title=("贫困户无帮扶责任人", "Household without an assistance cadre"),
                 message=("本户在 {date} 没有有效的帮扶责任人（登记结对 {count} 条）",
                          "This household has no current assistance cadre on {date} ({count} pairings recorded)"),
                 blocks_exit=True)
def _no_cadre(h: HouseholdFacts, ctx: CheckContext) -> Values | None:
    if not current_cadres(h, ctx):
        return {"date": ctx.reference_date.isoformat(), "count": len(h.cadres)}
    return None


@rules.member("CAD-002", CAT_ASSIST, ERROR, ("member.id_number", "cadre.id_number"),
              title=("帮扶责任人同时是贫困人口", "A cadre who is also a poor person"),
              message=("{name}（{id_number}）是本户在册成员，同时登记为帮扶责任人",
                       "{name} ({id_number}) is a current member of this household and also an assistance cadre"))
def _cadre_is_poor(m: MemberFacts, h: HouseholdFacts, ctx: CheckContext) -> Values | None:
    if m.id_norm and m.id_norm in ctx.cadre_ids:
        return who(m)
    return None


@rules.household("CAD-003", CAT_ASSIST, WARNING, ("cadre.phone",),
                 title=("帮扶责任人联系电话缺失或有误", "Cadre's phone missing or malformed"),
                 message=("帮扶责任人{cadre}的联系电话“{phone}”不是 11 位手机号码",
                          "Cadre {cadre}'s phone '{phone}' is not an 11-digit mobile number"))
def _cadre_phone(h: HouseholdFacts, ctx: CheckContext) -> Values | None:
    for c in current_cadres(h, ctx):
        phone = (c.phone or "").strip()
        if not _PHONE.match(phone):
            return {"cadre": c.name, "phone": phone}
    return None


@rules.household("CAD-004", CAT_ASSIST, WARNING, ("cadre.phone",),
                 title=("帮扶责任人联系电话与他人重复", "Cadre's phone shared with another cadre"),
                 message=("帮扶责任人{cadre}的联系电话 {phone} 与其他帮扶责任人相同",
                          "Cadre {cadre}'s phone {phone} is also another cadre's"))
def _cadre_phone_shared(h: HouseholdFacts, ctx: CheckContext) -> Values | None:
    for c in current_cadres(h, ctx):
        phone = (c.phone or "").strip()
        if phone and phone in ctx.shared_cadre_phones:
            return {"cadre": c.name, "phone": phone}
    return None


@rules.household("CAD-005", CAT_ASSIST, WARNING, ("cadre.id_number",),
                 title=("帮扶责任人证件号码无效", "Cadre's ID number invalid"),
                 message=("帮扶责任人{cadre}的证件号码“{id_number}”无效（{problem}）",
                          "Cadre {cadre}'s ID number '{id_number}' is invalid ({problem})"))
def _cadre_id(h: HouseholdFacts, ctx: CheckContext) -> Values | None:
    for c in current_cadres(h, ctx):
        number = c.id_number
        if number:
            found = _id_problems(number, ctx.today)
            if found:
                return {"cadre": c.name, "id_number": number, "problem": found[0].value}
    return None


@rules.household("MEA-001", CAT_ASSIST, WARNING, ("measure.year", "member.change_date"),
                 title=("减少人员在减少后仍有帮扶措施", "Measure for a member after they left"),
                 message=("{name}已于 {change_date} 减少，{year} 年仍有帮扶措施“{item}”",
                          "{name} left on {change_date} but has the {year} measure '{item}'"))
def _measure_after_leaving(h: HouseholdFacts, ctx: CheckContext) -> Values | None:
    gone: dict[int | None, MemberFacts] = {m.id: m for m in h.members if not m.current and m["change_date"] is not None}
    if not gone:
        return None
    for x in h.measures:
        m = gone.get(x.member_id)
        if m is not None and x.year and x.year > m["change_date"].year:
            return {"name": m.name, "change_date": m["change_date"].isoformat(), "year": x.year,
                    "item": x.item, "member_id": m.id}
    return None


@rules.household("MEA-002", CAT_ASSIST, WARNING, ("measure.year",),
                 title=("帮扶措施年度不合理", "Measure year out of range"),
                 message=("帮扶措施“{item}”的年度为 {year}，应在 {earliest}–{data_year} 之间",
                          "Measure '{item}' is dated {year}; expected {earliest}–{data_year}"))
def _measure_year(h: HouseholdFacts, ctx: CheckContext) -> Values | None:
    for x in h.measures:
        y = x.year
        if y is not None and not EARLIEST_MEASURE_YEAR <= y <= ctx.year:
            return {"item": x.item, "year": y, "earliest": EARLIEST_MEASURE_YEAR, "data_year": ctx.year}
    return None


@rules.household("MEA-003", CAT_ASSIST, ERROR, ("measure.amount",),
                 title=("帮扶措施金额为负数", "Negative measure amount"),
                 message=("帮扶措施“{item}”（{year} 年）金额为 {amount} 元",
                          "Measure '{item}' ({year}) has amount {amount} yuan"))
def _measure_amount(h: HouseholdFacts, ctx: CheckContext) -> Values | None:
    for x in h.measures:
        if x.amount is not None and num(x.amount) < 0:
            return {"item": x.item, "year": x.year, "amount": x.amount}
    return None


@rules.household("MEA-004", CAT_ASSIST, WARNING, ("measure.category", "member.health"),
                 title=("残疾人帮扶措施但户内无残疾人", "Disability measure without a disabled member"),
                 message=("有残疾人帮扶措施“{item}”（{year} 年），但户内（含减少人员）无残疾人",
                          "Disability measure '{item}' ({year}) but no member (current or former) is disabled"))
def _disability_measure(h: HouseholdFacts, ctx: CheckContext) -> Values | None:
    if any(m.disabled for m in h.members):
        return None
    for x in h.measures:
        if x.category == DISABILITY_MEASURE:
            return {"item": x.item, "year": x.year}
    return None


rules.gate({
    "CAD-002": ("_id", among(lambda c: c.cadre_ids)),
})

rules.gate({
    "MEA-001": ("_decreased", lambda v, c: v > 0),
    "MEA-004": ("_measure_categories", lambda v, c: DISABILITY_MEASURE in v),
})
