"""Per-year settings the clerk maintains (exit income line, school ages, reference date), not constants.

`YearSettingsService` is the one way to a year's figures: the checks, the printed form, the window's
detail pane and the dialogs read the office's values through it. The shipped figures
(`domain.yearsettings`) are used only here: to seed a new database, and when the office has none.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from povdesk.db.base import utcnow
from povdesk.db.models import RuleSwitch, YearSetting
from povdesk.domain.records import YearSettingRecord
from povdesk.domain.yearsettings import default_year_settings
from povdesk.errors import InvalidValue

if TYPE_CHECKING:
    from povdesk.services.database import Database

_LOCAL = "本地设置（"
_BEFORE = "；此前："
EDITABLE = ("exit_income_line", "national_line", "source", "school_age_from", "school_age_to",
            "reference_date", "village_exit_incidence", "school_age_date", "working_age_from",
            "working_age_to", "monitoring_income_threshold", "labour_shortage_share", "public_post_age_limit",
            "exit_plan_households")


def _record(row: YearSetting) -> YearSettingRecord:
    return YearSettingRecord(year=row.year, exit_income_line=float(row.exit_income_line),
                             national_line=None if row.national_line is None else float(row.national_line),
                             source=row.source, school_age_from=row.school_age_from,
                             school_age_to=row.school_age_to,
                             reference_date=row.reference_date or dt.date(row.year, 12, 31),
                             village_exit_incidence=float(row.village_exit_incidence),
                             school_age_date=row.school_age_date,
                             working_age_from=row.working_age_from, working_age_to=row.working_age_to,
                             monitoring_income_threshold=float(row.monitoring_income_threshold),
                             labour_shortage_share=float(row.labour_shortage_share),
                             public_post_age_limit=row.public_post_age_limit,
                             exit_plan_households=row.exit_plan_households)


def missing_year_settings(s: Session) -> list[YearSetting]:
    """The shipped figures as a new database's starting values; none once the office has any."""
    if s.scalar(select(YearSetting.year).limit(1)) is not None:
        return []
    return [YearSetting(year=ys.year, exit_income_line=ys.exit_income_line, national_line=ys.national_line,
                        source=ys.source, school_age_from=ys.school_age_from, school_age_to=ys.school_age_to,
                        reference_date=ys.reference_date, school_age_date=ys.school_age_date,
                        working_age_from=ys.working_age_from, working_age_to=ys.working_age_to,
                        monitoring_income_threshold=ys.monitoring_income_threshold,
                        labour_shortage_share=ys.labour_shortage_share,
                        public_post_age_limit=ys.public_post_age_limit)
            for ys in default_year_settings()]


class YearSettingsService:
    def __init__(self, *, db: Database) -> None:
        self.db = db

    def list(self) -> list[YearSettingRecord]:
        with self.db.reading() as s:
            return [_record(r) for r in s.scalars(select(YearSetting).order_by(YearSetting.year))]

    def get(self, year: int | None = None) -> YearSettingRecord:
        """The office's settings of `year` (default: the data year); a year without a row borrows
        the nearest earlier year's figures (else the earliest year's) with its own reference date.
        An office without any settings gets the shipped figures."""
        year = year or self.db.data_year
        rows = self.list() or default_year_settings()
        for r in rows:
            if r.year == year:
                return r
        earlier = [r for r in rows if r.year < year]
        base = max(earlier, key=lambda r: r.year) if earlier else min(rows, key=lambda r: r.year)
        return replace(base, year=year, reference_date=dt.date(year, 12, 31), school_age_date=None,
                       source=f"（沿用 {base.year} 年设置）{base.source or ''}")

    def by_year(self) -> dict[int, YearSettingRecord]:
        return {r.year: r for r in self.list()}

    def update(self, year: int, **changes: Any) -> YearSettingRecord:
        """Change some figures of one year (creating the year from its neighbour when missing)."""
        unknown = set(changes) - set(EDITABLE)
        if unknown:
            raise InvalidValue("settings.unknown", f"Unknown year settings: {', '.join(sorted(unknown))}.",
                               f"未知的年度设置项：{'、'.join(sorted(unknown))}。")
        current = self.get(year)
        new = replace(current, year=year, **changes)
        _validate(new)
        figures = [k for k in EDITABLE if k != "source" and getattr(new, k) != getattr(current, k)]
        if figures and "source" not in changes:
            # the old source described the old figures: say who set these and when, and keep the
            # old one as what it was before
            prior = current.source or ""
            if prior.startswith(_LOCAL):
                prior = prior.partition(_BEFORE)[2]
            mark = f"{_LOCAL}{self.db.user}，{dt.date.today().isoformat()}）"
            new = replace(new, source=f"{mark}{_BEFORE}{prior}" if prior else mark)
        with self.db.transaction() as s:
            row = s.get(YearSetting, year)
            if row is None:
                row = YearSetting(year=year)
                s.add(row)
            for name in EDITABLE:
                setattr(row, name, getattr(new, name))
        return new


def _validate(r: YearSettingRecord) -> None:
    last = dt.date.today().year + 1
    if not 2010 <= r.year <= last:
        raise InvalidValue("settings.year", f"{r.year} is not a data year (2010–{last}).",
                           f"{r.year} 不是合理的数据年度（2010–{last}）。")
    if r.exit_income_line is None or not 0 < float(r.exit_income_line) < 100_000:
        raise InvalidValue("settings.line", "The exit income line must be above 0 and below 100,000 yuan.",
                           "脱贫收入标准线应大于 0 元且小于 100,000 元。")
    if r.national_line is not None and not 0 < float(r.national_line) < 100_000:
        raise InvalidValue("settings.national_line", "The national line must be above 0 and below 100,000 yuan.",
                           "国家贫困线应大于 0 元且小于 100,000 元。")
    if not 3 <= r.school_age_from <= r.school_age_to <= 20:
        raise InvalidValue("settings.school_ages",
                           "Compulsory school ages must satisfy 3 <= from <= to <= 20.",
                           "义务教育年龄应满足 3 ≤ 起始年龄 ≤ 截止年龄 ≤ 20。")
    if not 0 < float(r.village_exit_incidence) < 100:
        raise InvalidValue("settings.village_exit_incidence",
                           "The village exit incidence must be above 0 % and below 100 %.",
                           "贫困村退出的贫困发生率标准应大于 0% 且小于 100%。")
    if r.school_age_date is not None and not (isinstance(r.school_age_date, dt.date)
                                              and r.year <= r.school_age_date.year <= r.year + 1):
        raise InvalidValue("settings.school_age_date",
                           f"The school-age date of {r.year} must be a date in {r.year} or {r.year + 1} "
                           f"(usually {r.year}-09-01).",
                           f"{r.year} 年度的义务教育年龄计算日应为 {r.year} 年或 {r.year + 1} 年内的日期"
                           f"（通常为 {r.year}-09-01）。")
    if not 14 <= r.working_age_from < r.working_age_to <= 75:
        raise InvalidValue("settings.working_age", "Working age must satisfy 14 <= from < to <= 75.",
                           "劳动年龄应满足 14 ≤ 起始年龄 < 截止年龄 ≤ 75。")
    if not 0 < float(r.monitoring_income_threshold) < 100_000:
        raise InvalidValue("settings.monitoring_income_threshold",
                           "The monitoring income threshold must be above 0 and below 100,000 yuan.",
                           "监测收入标准应大于 0 元且小于 100,000 元。")
    if not 0 < float(r.labour_shortage_share) < 1:
        raise InvalidValue("settings.labour_shortage_share",
                           "The labour-shortage share must be between 0 and 1.",
                           "“缺劳力”判断比例应在 0 与 1 之间。")
    if not 50 <= r.public_post_age_limit <= 100:
        raise InvalidValue("settings.public_post_age_limit",
                           "The public-welfare post age limit must be between 50 and 100.",
                           "公益性岗位年龄上限应在 50 至 100 之间。")
    if r.exit_plan_households is not None and not 0 <= r.exit_plan_households <= 1_000_000:
        raise InvalidValue("settings.exit_plan_households",
                           "The exit plan must be a number of households from 0 to 1,000,000.",
                           "脱贫计划户数应在 0 至 1,000,000 之间。")
    if not isinstance(r.reference_date, dt.date):
        raise InvalidValue("settings.reference_date", "The reference date must be a date.", "基准日期必须是日期。")
    if not r.year <= r.reference_date.year <= r.year + 1:
        raise InvalidValue(
            "settings.reference_date",
            f"The reference date of {r.year} must fall in {r.year} or {r.year + 1} (usually {r.year}-12-31); "
            f"{r.reference_date.isoformat()} would count every age from another year.",
            f"{r.year} 年度的基准日应在 {r.year} 年或 {r.year + 1} 年内（通常为 {r.year}-12-31），"
            f"{r.reference_date.isoformat()} 会让所有年龄按其他年份计算。")


@dataclass(frozen=True)
class RuleSwitchRecord:
    """An office's decision to run a rule, or not, on one data year."""

    rule: str
    year: int
    enabled: bool
    changed_by: str
    changed_at: dt.datetime
    reason: str


@dataclass(frozen=True)
class RuleListing:
    """One rule of the catalogue as the listing shows it for a data year."""

    code: str
    title: str
    severity: str
    years: str
    runs: bool
    #: why it is not run (None when it runs)
    not_run: str | None
    #: the office's decision for the year, when it made one
    switch: RuleSwitchRecord | None


class RuleSwitchService:
    """Per-data-year on/off of rules: an office setting, recorded with who, when and why. A rule
    without a decision for a year runs when its stated year range holds that year."""

    def __init__(self, *, db: Database) -> None:
        self.db = db

    def switches(self, year: int | None = None) -> dict[str, RuleSwitchRecord]:
        year = year or self.db.data_year
        with self.db.reading() as s:
            return {r.rule: _switch(r) for r in s.scalars(select(RuleSwitch).where(RuleSwitch.year == year))}

    def set(self, rule: str, year: int, enabled: bool, reason: str) -> RuleSwitchRecord:
        """Switch `rule` on or off for data `year`; the reason is required."""
        from povdesk.domain.rules.catalogue import by_code

        if rule not in by_code():
            raise InvalidValue("rules.unknown", f"No rule {rule} in the catalogue.", f"规则目录中没有 {rule}。")
        reason = (reason or "").strip()
        if not reason:
            raise InvalidValue("rules.reason", "Give a reason for switching a rule on or off.",
                               "请填写启用或停用规则的理由。")
        last = dt.date.today().year + 1
        if not 2010 <= year <= last:
            raise InvalidValue("settings.year", f"{year} is not a data year (2010–{last}).",
                               f"{year} 不是合理的数据年度（2010–{last}）。")
        with self.db.transaction() as s:
            row = s.scalar(select(RuleSwitch).where(RuleSwitch.rule == rule, RuleSwitch.year == year))
            if row is None:
                row = RuleSwitch(rule=rule, year=year)
                s.add(row)
            row.enabled, row.reason, row.changed_by = enabled, reason, self.db.user
            row.changed_at = utcnow()
            s.flush()
            return _switch(row)

    def listing(self, year: int | None = None, lang: str = "zh") -> list[RuleListing]:
        """Every rule with its year range and whether it runs on data `year` (and why not)."""
        from povdesk.domain.rules.base import CheckContext
        from povdesk.domain.rules.catalogue import catalogue

        year = year or self.db.data_year
        switches = self.switches(year)
        from povdesk.services import member_years

        with self.db.reading() as s:
            history_held = member_years.held(s, year)
        ctx = CheckContext(year=year, settings=YearSettingsService(db=self.db).get(year),
                           rule_switches={k: v.enabled for k, v in switches.items()},
                           member_history={} if history_held else None)
        out = []
        for r in catalogue():
            why = ctx.not_run(r, lang)
            out.append(RuleListing(r.code, r.title(lang), r.severity, r.years_text(lang), why is None, why,
                                   switches.get(r.code)))
        return out


def _switch(row: RuleSwitch) -> RuleSwitchRecord:
    return RuleSwitchRecord(row.rule, row.year, bool(row.enabled), row.changed_by, row.changed_at, row.reason)
