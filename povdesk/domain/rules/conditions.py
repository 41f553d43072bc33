"""Production and living-condition rules (domain.md §1.1 AC30, §5.2 A.10, C)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from povdesk.domain.meanings import DANGEROUS_GRADES, SAFE_GRADES
from povdesk.domain.rules.base import (
    ABSENT,
    CAT_CONDITIONS,
    ERROR,
    WARNING,
    CheckContext,
    HouseholdFacts,
    RuleSet,
    Values,
    no,
    num,
)

rules = RuleSet()


@rules.household("CON-001", CAT_CONDITIONS, ERROR, (),
                 title=("缺少本年度生产生活条件", "No living-conditions record for the data year"),
                 message=("本户没有 {year} 年度的生产生活条件信息",
                          "This household has no production and living conditions for {year}"),
                 blocks_exit=True)
def _no_conditions(h: HouseholdFacts, ctx: CheckContext) -> Values | None:
    return {"year": ctx.year} if h.conditions is None else None


def _per_capita(h: HouseholdFacts, column: str, limit: float) -> Values | None:
    c = h.conditions
    size = len(h.current) or h["size"]
    if c is None or not size or c.get(column) is None:
        return None
    value = num(c.get(column)) / size
    if value > limit:
        return {column: c.get(column), "count": size, "per_capita": round(value, 1)}
    return None


@rules.household("CON-002", CAT_CONDITIONS, WARNING, ("conditions.farmland",),
                 title=("人均耕地超过 50 亩", "Farmland above 50 mu per person"),
                 message=("耕地面积 {farmland} 亩，{count} 人，人均 {per_capita} 亩",
                          "Farmland {farmland} mu for {count} persons: {per_capita} mu each"))
def _farmland(h: HouseholdFacts, ctx: CheckContext) -> Values | None:
    return _per_capita(h, "farmland", 50)


@rules.household("CON-003", CAT_CONDITIONS, WARNING, ("conditions.forest",),
                 title=("人均林地超过 70 亩", "Forest land above 70 mu per person"),
                 message=("林地面积 {forest} 亩，{count} 人，人均 {per_capita} 亩",
                          "Forest land {forest} mu for {count} persons: {per_capita} mu each"))
def _forest(h: HouseholdFacts, ctx: CheckContext) -> Values | None:
    return _per_capita(h, "forest", 70)


@rules.household("CON-004", CAT_CONDITIONS, WARNING, ("conditions.road_distance",),
                 title=("与村主干路距离超过 50 公里", "Main road more than 50 km away"),
                 message=("与村主干路距离为 {road_distance} 公里", "Distance to the main road is {road_distance} km"))
def _road(h: HouseholdFacts, ctx: CheckContext) -> Values | None:
    c = h.conditions
    if c is not None and c.get("road_distance") is not None and c.get("road_distance") > 50:
        return {"road_distance": c.get("road_distance")}
    return None


@rules.household("CON-005", CAT_CONDITIONS, WARNING, ("conditions.grain_for_green", "conditions.forest",
                                                     "conditions.pasture"),
                 title=("退耕还林面积大于林地与牧草地之和", "Grain-for-green above forest plus pasture"),
                 message=("退耕还林面积 {grain_for_green} 亩，林地 {forest} 亩，牧草地 {pasture} 亩",
                          "Grain-for-green {grain_for_green} mu, forest {forest} mu, pasture {pasture} mu"))
def _grain_for_green(h: HouseholdFacts, ctx: CheckContext) -> Values | None:
    c = h.conditions
    if c is None or not c.get("grain_for_green"):
        return None
    if num(c.get("grain_for_green")) > num(c.get("forest")) + num(c.get("pasture")) + 0.01:
        return {k: c.get(k) for k in ("grain_for_green", "forest", "pasture")}
    return None


@rules.household("CON-006", CAT_CONDITIONS, ERROR, ("conditions.irrigated", "conditions.farmland"),
                 title=("有效灌溉面积大于耕地面积", "Irrigated land above farmland"),
                 message=("有效灌溉面积 {irrigated} 亩大于耕地面积 {farmland} 亩",
                          "Irrigated land {irrigated} mu exceeds farmland {farmland} mu"))
def _irrigated(h: HouseholdFacts, ctx: CheckContext) -> Values | None:
    c = h.conditions
    if c is not None and c.get("irrigated") is not None and num(c.get("irrigated")) > num(c.get("farmland")) + 0.01:
        return {"irrigated": c.get("irrigated"), "farmland": c.get("farmland")}
    return None


@rules.household("CON-007", CAT_CONDITIONS, ERROR, ("conditions.dangerous_house", "conditions.house_grade"),
                 title=("是否危房与危房等级矛盾", "Dangerous-house flag contradicts the grade"),
                 message=("是否危房户为“{dangerous_house}”，危房等级为“{house_grade}”",
                          "Dangerous house is '{dangerous_house}' but the grade is '{house_grade}'"))
def _house_grade(h: HouseholdFacts, ctx: CheckContext) -> Values | None:
    c = h.conditions
    if c is None or c.get("dangerous_house") is None or not c.get("house_grade"):
        return None
    grade, flag = c.get("house_grade"), c.get("dangerous_house")
    if (flag and grade in SAFE_GRADES) or (not flag and grade in DANGEROUS_GRADES):
        return {"dangerous_house": flag, "house_grade": grade}
    return None


@rules.household("CON-008", CAT_CONDITIONS, WARNING, ("conditions.production_power", "conditions.electricity"),
                 title=("通生产用电但不通生活用电", "Production power but no household electricity"),
                 message=("是否通生产用电为“{production_power}”，是否通生活用电为“{electricity}”",
                          "Production power is '{production_power}' but household electricity is '{electricity}'"))
def _power(h: HouseholdFacts, ctx: CheckContext) -> Values | None:
    c = h.conditions
    if c is not None and c.get("production_power") and no(c.get("electricity")):
        return {"production_power": c.get("production_power"), "electricity": c.get("electricity")}
    return None


@rules.household("CON-009", CAT_CONDITIONS, WARNING, ("conditions.house_area",),
                 title=("人均住房面积异常（超过 150 平方米）", "Floor area above 150 m² per person"),
                 message=("住房面积 {house_area} 平方米，{count} 人，人均 {per_capita} 平方米",
                          "Floor area {house_area} m² for {count} persons: {per_capita} m² each"))
def _house_area(h: HouseholdFacts, ctx: CheckContext) -> Values | None:
    return _per_capita(h, "house_area", 150)


@rules.household("CON-010", CAT_CONDITIONS, WARNING, ("conditions.drinking_safe", "conditions.drinking_difficult"),
                 title=("饮水安全但饮水困难", "Safe water yet difficult access"),
                 message=("饮水是否安全为“{drinking_safe}”，饮水是否困难为“{drinking_difficult}”",
                          "Safe drinking water is '{drinking_safe}' but difficult access is '{drinking_difficult}'"))
def _water_contradiction(h: HouseholdFacts, ctx: CheckContext) -> Values | None:
    c = h.conditions
    if c is not None and c.get("drinking_safe") and c.get("drinking_difficult"):
        return {"drinking_safe": True, "drinking_difficult": True}
    return None

def _above(limit: float) -> Callable[[Any, CheckContext], bool]:
    return lambda v, c: isinstance(v, (int, float)) and v > limit


def _no(v: Any, c: CheckContext) -> bool:
    return v is not None and v is not ABSENT and not v


rules.gate({
    "CON-001": ("_has_conditions", lambda v, c: not v),
    "CON-002": ("conditions.farmland", _above(50)),
    "CON-003": ("conditions.forest", _above(70)),
    "CON-004": ("conditions.road_distance", _above(50)),
    "CON-005": ("conditions.grain_for_green", _above(0)),
    "CON-006": ("conditions.irrigated", _above(0)),
    "CON-008": ("conditions.electricity", _no),
    "CON-009": ("conditions.house_area", _above(150)),
    "CON-010": ("conditions.drinking_difficult", lambda v, c: v is not ABSENT and bool(v)),
})
