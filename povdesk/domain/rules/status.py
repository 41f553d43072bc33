"""The poverty-status state machine on AAR010 (domain.md §1.1, §4.1, §5.3.8): years in order."""

from __future__ import annotations

from povdesk.domain.rules.base import (
    CAT_STATUS,
    ERROR,
    EXITED_STATUSES,
    WARNING,
    CheckContext,
    HouseholdFacts,
    RuleSet,
    Values,
)

rules = RuleSet()
STATUS = "household.status"
EXIT_YEAR = "household.exit_year"
RETURN_YEAR = "household.return_year"
FIRST = "household.first_identified_year"
NOT_EXITED = "0"
RETURNED = "3"
EARLIEST_YEAR = 2013


def _years(h: HouseholdFacts) -> Values:
    return {"status": h["status"], "exit_year": h["exit_year"], "return_year": h["return_year"],
            "first_identified_year": h["first_identified_year"]}


@rules.household("STS-001", CAT_STATUS, ERROR, (STATUS, EXIT_YEAR),
                 title=("已脱贫但无脱贫年度", "Exited without an exit year"),
                 message=("脱贫状态为“{status}”，脱贫年度为空", "Status is '{status}' but the exit year is empty"))
def _exit_without_year(h: HouseholdFacts, ctx: CheckContext) -> Values | None:
    if h["status"] in EXITED_STATUSES and not h["exit_year"]:
        return _years(h)
    return None


@rules.household("STS-002", CAT_STATUS, ERROR, (STATUS, EXIT_YEAR, RETURN_YEAR),
                 title=("未脱贫却有脱贫年度", "Not exited but an exit year is set"),
                 message=("脱贫状态为“{status}”，却填写了脱贫年度 {exit_year}",
                          "Status is '{status}' but exit year {exit_year} is set"))
def _year_without_exit(h: HouseholdFacts, ctx: CheckContext) -> Values | None:
    if h["status"] == NOT_EXITED and h["exit_year"]:
        return _years(h)
    return None


@rules.household("STS-003", CAT_STATUS, ERROR, (EXIT_YEAR, FIRST),
                 title=("脱贫年度早于首次识别年度", "Exit year before the year first identified"),
                 message=("脱贫年度 {exit_year} 早于首次识别时间 {first_identified_year}",
                          "Exit year {exit_year} is before the year first identified, {first_identified_year}"))
def _exit_before_identified(h: HouseholdFacts, ctx: CheckContext) -> Values | None:
    if h["exit_year"] and h["first_identified_year"] and h["exit_year"] < h["first_identified_year"]:
        return _years(h)
    return None


@rules.household("STS-004", CAT_STATUS, ERROR, (STATUS, RETURN_YEAR, "household.return_cause"),
                 title=("返贫户缺少返贫年度或原因", "Returned to poverty without year or cause"),
                 message=("脱贫状态为“{status}”，返贫年度为 {return_year}，返贫原因为“{return_cause}”",
                          "Status is '{status}' but return year is {return_year} and cause '{return_cause}'"))
def _return_incomplete(h: HouseholdFacts, ctx: CheckContext) -> Values | None:
    if h["status"] == RETURNED and (not h["return_year"] or not h["return_cause"]):
        return {**_years(h), "return_cause": h["return_cause"]}
    return None


@rules.household("STS-005", CAT_STATUS, ERROR, (EXIT_YEAR, RETURN_YEAR, STATUS),
                 title=("返贫年度不晚于脱贫年度", "Return year not after the exit year"),
                 message=("返贫年度 {return_year} 应晚于脱贫年度 {exit_year}（状态“{status}”）",
                          "Return year {return_year} must be after exit year {exit_year} (status '{status}')"))
def _return_order(h: HouseholdFacts, ctx: CheckContext) -> Values | None:
    ey, ry = h["exit_year"], h["return_year"]
    if h["status"] == RETURNED and ey and ry and ry <= ey:
        return _years(h)
    return None


@rules.household("STS-006", CAT_STATUS, WARNING, (STATUS, RETURN_YEAR),
                 title=("未脱贫户填写了返贫信息", "Not-exited household with return details"),
                 message=("脱贫状态为“{status}”，却填写了返贫年度 {return_year}",
                          "Status is '{status}' but a return year {return_year} is set"))
def _return_without_exit(h: HouseholdFacts, ctx: CheckContext) -> Values | None:
    if h["status"] == NOT_EXITED and h["return_year"]:
        return _years(h)
    return None


@rules.household("STS-007", CAT_STATUS, ERROR, (EXIT_YEAR, RETURN_YEAR),
                 title=("脱贫或返贫年度晚于数据年度", "Exit or return year after the data year"),
                 message=("脱贫年度 {exit_year}、返贫年度 {return_year}，晚于数据年度 {year}",
                          "Exit year {exit_year} / return year {return_year} is after the data year {year}"))
def _future(h: HouseholdFacts, ctx: CheckContext) -> Values | None:
    if (h["exit_year"] or 0) > ctx.year or (h["return_year"] or 0) > ctx.year:
        return {**_years(h), "year": ctx.year}
    return None


@rules.household("STS-008", CAT_STATUS, WARNING, (FIRST,),
                 title=("首次识别时间不合理", "Implausible year first identified"),
                 message=("首次识别时间为 {first_identified_year}，应在 {earliest}–{year} 之间",
                          "Year first identified is {first_identified_year}; expected {earliest}–{year}"))
def _first_year(h: HouseholdFacts, ctx: CheckContext) -> Values | None:
    y = h["first_identified_year"]
    if y and not EARLIEST_YEAR <= y <= ctx.year:
        return {"first_identified_year": y, "earliest": EARLIEST_YEAR, "year": ctx.year}
    return None


@rules.household("STS-009", CAT_STATUS, WARNING, (STATUS, EXIT_YEAR),
                 title=("返贫户无脱贫年度", "Returned household that never exited"),
                 message=("脱贫状态为“{status}”（返贫），但脱贫年度为空",
                          "Status is '{status}' (returned) but no exit year is recorded"))
def _returned_never_exited(h: HouseholdFacts, ctx: CheckContext) -> Values | None:
    if h["status"] == RETURNED and not h["exit_year"]:
        return _years(h)
    return None


@rules.household("STS-010", CAT_STATUS, ERROR, (STATUS, EXIT_YEAR, RETURN_YEAR),
                 title=("再次脱贫年度不晚于返贫年度", "Re-exit not after the return to poverty"),
                 message=("本户{return_year}年返贫，现状态“{status}”，脱贫年度 {exit_year} 应晚于返贫年度",
                          "Returned in {return_year}, now '{status}': exit year {exit_year} must be after the return"))
def _reexit_order(h: HouseholdFacts, ctx: CheckContext) -> Values | None:
    ey, ry = h["exit_year"], h["return_year"]
    if h["status"] in EXITED_STATUSES and ey and ry and ey <= ry:
        return _years(h)
    return None


rules.gate({
    "STS-001": ("status", lambda v, c: v in EXITED_STATUSES),
    "STS-002": ("exit_year", lambda v, c: bool(v)),
    "STS-003": ("exit_year", lambda v, c: bool(v)),
    "STS-004": ("status", lambda v, c: v == RETURNED),
    "STS-005": ("status", lambda v, c: v == RETURNED),
    "STS-006": ("return_year", lambda v, c: bool(v)),
    "STS-009": ("status", lambda v, c: v == RETURNED),
    "STS-010": ("return_year", lambda v, c: bool(v)),
})

rules.gate({"STS-008": ("first_identified_year", lambda v, c: bool(v) and not EARLIEST_YEAR <= v <= c.year)})
