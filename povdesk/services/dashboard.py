"""The dashboard's figures (issue 13 §1) for the county, a township or a village, as plain records.

Everything but the 两不愁三保障 compliance is a handful of SQL aggregates (GROUP BY over the
scope's active households and current members): no household is loaded into Python.

Compliance per indicator is the one assessment (`domain.assessment`'s verdict functions), which
needs each child's age on the school-age date (from the birth date or the ID number, parsed only by
`domain.idnumber`): it cannot be written in SQL without a second copy of the standard. It is
computed a bounded batch of households at a time (`BATCH`, each dropped before the next) from what
each verdict reads: the households with the year's income and conditions row, per household the
count of current members and of those not insured (SQL), and only the members who may be of
compulsory-school age (`_BatchLoader`); no other member is loaded. The result is kept in this
service's cache, keyed by the scope, the year's settings and a fingerprint of the
registry (households' count, ids, versions and last update: every edit bumps a version). The window
shows the SQL figures at once and the compliance when it is ready (`overview` gives the cached one
when there is one; `compliance` computes it).
"""

from __future__ import annotations

import datetime as dt
import time
from collections import OrderedDict
from collections.abc import Callable, Iterator, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

from sqlalchemy import BindParameter, ColumnElement, Date, and_, bindparam, case, func, or_, select
from sqlalchemy.orm import Session

from povdesk.db.fast import RawSelect, raw_rows
from povdesk.db.models import (
    ChangeLog,
    Conditions,
    County,
    Household,
    Income,
    Member,
    Problem,
    Township,
    Village,
)
from povdesk.domain import assessment as asm
from povdesk.domain.changes import poverty_incidence
from povdesk.domain.dashboard import (
    COUNTY,
    EXIT_YEARS,
    CodeCount,
    Compliance,
    Dashboard,
    ExitYear,
    IndicatorCompliance,
    Queues,
    Scope,
    VillageIncidence,
    VillageProblems,
)
from povdesk.domain.meanings import EXITED_STATUSES
from povdesk.domain.records import YearSettingRecord
from povdesk.domain.resolutions import OPEN
from povdesk.domain.rules.base import (
    ERROR,
    WARNING,
    MemberFacts,
    make_member,
)
from povdesk.errors import Cancelled, NotFound
from povdesk.services.changes import ChangeRequestService
from povdesk.services.database import Database
from povdesk.services.settings import YearSettingsService

#: households read and assessed at a time for the compliance figures
BATCH = 2000
_CACHE_SIZE = 32


# ------------------------------------------------------------------ the service
class DashboardService:
    def __init__(self, *, db: Database, year_settings: YearSettingsService | None = None,
                 changes: ChangeRequestService | None = None) -> None:
        self.db = db
        self.year_settings = year_settings or YearSettingsService(db=db)
        self._changes = changes
        self._cache: OrderedDict[tuple[Any, ...], Compliance] = OrderedDict()

    @property
    def changes(self) -> ChangeRequestService:
        if self._changes is None:
            self._changes = ChangeRequestService(db=self.db)
        return self._changes

    # -------------------------------------------------------------- scope
    @staticmethod
    def _where(scope: Scope) -> list[ColumnElement[bool]]:
        where: list[ColumnElement[bool]] = [Household.active.is_(True)]
        if scope.village_id is not None:
            where.append(Household.village_id == scope.village_id)
        elif scope.township_id is not None:
            where.append(Household.village_id.in_(select(Village.id).where(Village.township_id == scope.township_id)))
        return where

    @staticmethod
    def _names(s: Session, scope: Scope) -> tuple[str, str]:
        if scope.village_id is not None:
            row = s.execute(select(Township.name, Village.name).join(Village, Village.township_id == Township.id)
                            .where(Village.id == scope.village_id)).first()
            if row is None:
                raise NotFound("place.missing", f"No village with id {scope.village_id}.",
                               f"找不到编号为 {scope.village_id} 的村。")
            return f"{row[0]}{row[1]}", f"{row[0]} {row[1]}"
        if scope.township_id is not None:
            name = s.scalar(select(Township.name).where(Township.id == scope.township_id))
            if name is None:
                raise NotFound("place.missing", f"No township with id {scope.township_id}.",
                               f"找不到编号为 {scope.township_id} 的乡镇。")
            return name, name
        county = s.scalar(select(County.name).order_by(County.id).limit(1)) or "全县"
        return county, county

    def scope_for_codes(self, *, township: str | None = None, village: str | None = None) -> Scope:
        """The scope of a township or village given by code or name (the command line's)."""
        with self.db.reading() as s:
            if village:
                vid = s.scalar(select(Village.id).where(or_(Village.code == village, Village.name == village))
                               .order_by(Village.code).limit(1))
                if vid is None:
                    raise NotFound("place.missing", f"No village {village}.", f"找不到村：{village}。")
                return Scope(village_id=vid)
            if township:
                tid = s.scalar(select(Township.id).where(or_(Township.code == township, Township.name == township))
                               .order_by(Township.code).limit(1))
                if tid is None:
                    raise NotFound("place.missing", f"No township {township}.", f"找不到乡镇：{township}。")
                return Scope(township_id=tid)
        return Scope()

    # -------------------------------------------------------------- the figures
    def overview(self, scope: Scope = COUNTY, *, year: int | None = None) -> Dashboard:
        """Every figure from SQL aggregates; compliance only when this service has it cached."""
        year = year or self.db.data_year
        settings = self.year_settings.get(year)
        plans = {y: r.exit_plan_households for y, r in self.year_settings.by_year().items()}
        books = self.db.codebook()
        with self.db.reading(snapshot=True) as s:
            name_zh, name_en = self._names(s, scope)
            groups = self._groups(s, scope)
            villages = self._villages(s, scope, groups)
            problems = self._problems(s, scope)
            fingerprint = self._fingerprint(s)
        exits: dict[int, tuple[int, int]] = {}
        for (_v, _s, _a, exit_year), (n, people) in groups.items():
            if exit_year is not None:
                got = exits.get(exit_year, (0, 0))
                exits[exit_year] = (got[0] + n, got[1] + people)
        q = self.changes.queue_counts()
        queues = Queues(q.my_drafts, q.returned_to_me, q.awaiting_review, q.awaiting_signoff)
        compliance = self._cache.get((scope, settings, fingerprint))
        return Dashboard(
            scope=scope, name_zh=name_zh, name_en=name_en, year=year,
            households=sum(g[0] for g in groups.values()), people=sum(g[1] for g in groups.values()),
            by_status=self._by(1, groups, books["poverty_status"]),
            by_attribute=self._by(2, groups, books["household_attribute"]),
            exits=tuple(ExitYear(y, *exits.get(y, (0, 0)), plans.get(y) if scope.level == "county" else None)
                        for y in EXIT_YEARS),
            threshold=settings.village_exit_incidence, villages=villages, problems=problems, queues=queues,
            compliance=compliance, generated=dt.datetime.now().replace(microsecond=0))

    def _groups(self, s: Session, scope: Scope) -> dict[tuple[Any, ...], tuple[int, int]]:
        """(village, status, attribute, exit year) -> (active households, their current members):
        one query, from which every count of the dashboard but the problems is summed (a few
        thousand groups in a county)."""
        members = select(Member.household_id.label("hid"), func.count().label("n")).where(Member.current)
        if scope != COUNTY:  # only the scope's households' members (by the covering index)
            members = members.where(Member.household_id.in_(select(Household.id).where(*self._where(scope))))
        current = members.group_by(Member.household_id).subquery()
        keys = (Household.village_id, Household.status, Household.attribute, Household.exit_year)
        stmt = (select(*keys, func.count(Household.id), func.sum(func.coalesce(current.c.n, 0)))
                .outerjoin(current, current.c.hid == Household.id).where(*self._where(scope)).group_by(*keys))
        # a few thousand rows: straight from the driver (SQLAlchemy's row handling tripled the time)
        return {(r[0], r[1] or None, r[2] or None, r[3]): (int(r[4]), int(r[5] or 0))
                for r in raw_rows(s.connection(), stmt)}

    @staticmethod
    def _by(pos: int, groups: dict[tuple[Any, ...], tuple[int, int]], codes: Any) -> tuple[CodeCount, ...]:
        h: dict[str | None, int] = {}
        p: dict[str | None, int] = {}
        for k, (n, m) in groups.items():
            h[k[pos]] = h.get(k[pos], 0) + n
            p[k[pos]] = p.get(k[pos], 0) + m
        order = [i.code for i in codes] + sorted(c for c in h if c is not None and codes.get(c) is None)
        out = [CodeCount(c, codes.label(c, "zh"), codes.label(c, "en"), h[c], p[c]) for c in order if c in h]
        if None in h:
            out.append(CodeCount(None, "未填", "Not recorded", h[None], p[None]))
        return tuple(out)

    @staticmethod
    def _villages(s: Session, scope: Scope, groups: dict[tuple[Any, ...], tuple[int, int]]
                  ) -> tuple[VillageIncidence, ...]:
        """Every village of the scope with its incidence, highest first (population 0: last). Poor
        and population as a village exit counts them (`ChangeRequestService.village_exit_preview`)."""
        counts: dict[int, list[int]] = {}
        for (vid, status, _attribute, _year), (_n, people) in groups.items():
            got = counts.setdefault(vid, [0, 0])
            got[1] += people
            if status not in EXITED_STATUSES:
                got[0] += people
        places = select(Village.id, Village.code, Village.name, Township.name, Village.exit_year,
                        Village.is_poverty_village).join(Township, Township.id == Village.township_id)
        if scope.village_id is not None:
            places = places.where(Village.id == scope.village_id)
        elif scope.township_id is not None:
            places = places.where(Village.township_id == scope.township_id)
        out = []
        for vid, code, name, township, exit_year, poverty_village in s.connection().execute(places):
            n_poor, population = counts.get(vid, (0, 0))
            out.append(VillageIncidence(vid, code, name, township, n_poor, population,
                                        poverty_incidence(n_poor, population), exit_year, bool(poverty_village)))
        out.sort(key=lambda v: (v.population == 0, -v.incidence, v.code))
        return tuple(out)

    def _problems(self, s: Session, scope: Scope) -> tuple[VillageProblems, ...]:
        """Villages with open problems, most errors first (then warnings): one query."""
        stmt = (select(Household.village_id, Village.name, Township.name,
                       func.sum(case((Problem.severity == ERROR, 1), else_=0)),
                       func.sum(case((Problem.severity == WARNING, 1), else_=0)),
                       func.count(func.distinct(Problem.household_id)))
                .join(Household, Household.id == Problem.household_id)
                .join(Village, Village.id == Household.village_id)
                .join(Township, Township.id == Village.township_id)
                .where(*self._where(scope), Problem.status == OPEN)
                .group_by(Household.village_id, Village.name, Township.name))
        out = [VillageProblems(vid, name, township, int(e or 0), int(w or 0), int(hh))
               for vid, name, township, e, w, hh in s.connection().execute(stmt)]
        out.sort(key=lambda v: (-v.errors, -v.warnings, v.name))
        return tuple(out)

    @staticmethod
    def _fingerprint(s: Session) -> tuple[Any, ...]:
        """What changes whenever the registry does: every edit and import writes the change journal,
        a new or cancelled household changes the count of active ones and the highest id. (Read
        from indexes only: the compliance cache's key.)"""
        row = s.execute(select(
            select(func.count()).select_from(Household).where(Household.active.is_(True)).scalar_subquery(),
            select(func.max(Household.id)).scalar_subquery(),
            select(func.max(ChangeLog.id)).scalar_subquery())).one()
        return tuple(row)

    # -------------------------------------------------------------- compliance
    def compliance(self, scope: Scope = COUNTY, *, year: int | None = None,
                   cancel: Callable[[], bool] | None = None) -> Compliance:
        """两不愁三保障 per indicator over the scope's active households (see the module's note).
        `cancel`: asked between batches; True stops the work (`Cancelled`)."""
        year = year or self.db.data_year
        settings = self.year_settings.get(year)
        with self.db.reading(snapshot=True) as s:
            key = (scope, settings, self._fingerprint(s))
            known = self._cache.get(key)
            if known is not None:
                self._cache.move_to_end(key)
                return known
            result = self._assess_all(s, scope, settings, cancel)
        self._cache[key] = result
        while len(self._cache) > _CACHE_SIZE:
            self._cache.popitem(last=False)
        return result

    def cached_compliance(self, scope: Scope = COUNTY, *, year: int | None = None) -> Compliance | None:
        year = year or self.db.data_year
        settings = self.year_settings.get(year)
        with self.db.reading() as s:
            return self._cache.get((scope, settings, self._fingerprint(s)))

    def report(self, scope: Scope = COUNTY, *, year: int | None = None) -> Dashboard:
        """The overview with its compliance computed (the PDF and the command line)."""
        compliance = self.compliance(scope, year=year)
        board = self.overview(scope, year=year)
        return board if board.compliance is not None else _with(board, compliance)

    def export_pdf(self, path: str | Path, scope: Scope = COUNTY, *, year: int | None = None) -> Path:
        """The one-page PDF of the dashboard (`reports.dashboard_pdf`, Chinese) written to `path`."""
        from povdesk.reports.dashboard_pdf import dashboard_pdf

        target = Path(path)
        self.db.refuse_as_output(target)
        data = dashboard_pdf(self.report(scope, year=year))
        partial = target.with_name(target.name + ".part")
        partial.write_bytes(data)
        partial.replace(target)
        return target

    def _assess_all(self, s: Session, scope: Scope, settings: YearSettingRecord,
                    cancel: Callable[[], bool] | None = None) -> Compliance:
        t0 = time.perf_counter()
        conn = s.connection()
        where = self._where(scope)
        ids = [r[0] for r in raw_rows(conn, select(Household.id).where(*where).order_by(Household.id))]
        keys = asm.INDICATORS
        tally = {k: [0, 0, 0] for k in keys}
        failing: dict[str, list[int]] = {k: [] for k in keys}
        load = _BatchLoader(conn, where, settings)
        combinations: dict[tuple[bool | None, ...], int] = {}  # at most 3**6 of them
        for start in range(0, len(ids), BATCH):
            if cancel is not None and cancel():
                raise Cancelled()
            chunk = ids[start:start + BATCH]
            for hid, mets in load(chunk[0], chunk[-1]):
                combinations[mets] = combinations.get(mets, 0) + 1
                if False in mets:
                    for key, met in zip(keys, mets, strict=True):
                        if met is False:
                            failing[key].append(hid)
        for mets, n in combinations.items():
            for key, met in zip(keys, mets, strict=True):
                tally[key][0 if met is True else 1 if met is False else 2] += n
        indicators = tuple(IndicatorCompliance(k, asm.indicator_title(k, "zh"), asm.indicator_title(k, "en"),
                                               met=tally[k][0], not_met=tally[k][1], unknown=tally[k][2],
                                               failing=tuple(failing[k])) for k in keys)
        return Compliance(settings.year, len(ids), indicators, time.perf_counter() - t0)


#: what the education verdict reads of a member (and `make_member` needs for its birth date)
_M_COLS = ("name", "status", "sex", "birth_date", "change_date", "id_number", "school_status",
           "out_of_school_reason", "education", "health", "ins_medical", "ins_employee_medical", "relation",
           "work_months", "dibao")
#: what the housing, water and power verdicts read of the year's conditions row
_C_COLS = ("dangerous_house", "house_grade", "house_area", "drinking_safe", "drinking_difficult",
           "electricity", "radio_tv")


def _insured(m: type[Member]) -> ColumnElement[bool]:
    """SQL for `assessment.medically_insured` (resident or employee basic medical insurance):
    a test holds the two equal, NULLs and falses included."""
    return or_(m.ins_medical.is_(True), m.ins_employee_medical.is_(True))


def school_birth_window(settings: YearSettingRecord) -> tuple[dt.date, dt.date]:
    """Birth dates that may be of compulsory-school age on the school-age date: the whole birth
    years a completed age from `school_age_from` to `school_age_to` can fall in (an age on a day
    of year Y is Y - birth year, or one less). A member born outside them cannot be of school age
    (`assessment.of_school_age`); one inside is judged by the assessment itself."""
    year = settings.school_date.year
    return dt.date(year - settings.school_age_to - 1, 1, 1), dt.date(year - settings.school_age_from, 12, 31)


class _BatchLoader:
    """Each indicator's verdict of the scope's households with ids in [lo, hi], in id order.

    Three selects compiled once, run per batch, rows straight from the driver: the households with
    the year's income and conditions row (income, housing, water, power: the assessment's own
    functions over those values); per household its current members and how many of them are not
    insured (medical, counted in SQL); and only the current members who may be of compulsory-school
    age (born in `school_birth_window` or with no birth date recorded), made into the rules' member
    facts and judged by `assessment.education_members` (every other member cannot be of school
    age, so the verdict is the same as over all of them). No member is loaded but those."""

    def __init__(self, conn: Any, where: Sequence[ColumnElement[bool]], settings: YearSettingRecord) -> None:
        lo: BindParameter[int] = bindparam("lo")
        hi: BindParameter[int] = bindparam("hi")
        in_batch = [*where, Household.id.between(lo, hi)]
        self.settings = settings
        self.on = settings.reference_date
        self.line = float(settings.exit_income_line)
        #: (moved in, no conditions row, the row's values) -> housing, water and power verdicts
        self._living: dict[tuple[Any, ...], tuple[bool | None, bool | None, bool | None]] = {}
        year = settings.year
        self.households = RawSelect(conn, select(
            Household.id, Household.relocation_moved_in, Income.per_capita_net, Conditions.id,
            *[getattr(Conditions, c) for c in _C_COLS])
            .outerjoin(Income, and_(Income.household_id == Household.id, Income.year == year))
            .outerjoin(Conditions, and_(Conditions.household_id == Household.id, Conditions.year == year))
            .where(*in_batch).order_by(Household.id))
        self.insurance = RawSelect(conn, select(
            Member.household_id, func.count(), func.sum(case((_insured(Member), 0), else_=1)))
            .join(Household, Household.id == Member.household_id)
            .where(*in_batch, Member.current).group_by(Member.household_id))
        first, last = school_birth_window(settings)
        self.children = RawSelect(conn, select(Member.id, Member.household_id, *[getattr(Member, c) for c in _M_COLS])
                                  .join(Household, Household.id == Member.household_id)
                                  .where(*in_batch, Member.current,
                                         or_(Member.birth_date.is_(None),
                                             Member.birth_date.between(bindparam("first", first, type_=Date),
                                                                       bindparam("last", last, type_=Date))))
                                  .order_by(Member.household_id, Member.sort_order, Member.id))

    def __call__(self, lo: int, hi: int) -> Iterator[tuple[int, tuple[bool | None, ...]]]:
        on, settings, line = self.on, self.settings, self.line
        children: dict[int, list[MemberFacts]] = {}
        for r in self.children(lo=lo, hi=hi):
            m = make_member(r[0], zip(_M_COLS, r[2:], strict=True), on, complete=True)
            if m.current:
                children.setdefault(r[1], []).append(m)
        insured = {r[0]: (r[1], r[2]) for r in self.insurance(lo=lo, hi=hi)}
        no_child = asm.education_met((), ())
        living = self._living
        for r in self.households(lo=lo, hi=hi):
            hid = r[0]
            kids = children.get(hid)
            if kids is None:
                education = no_child
            else:
                _of_age, absent, unknown = asm.education_members(kids, settings)
                education = asm.education_met(absent, unknown)
            # the same recorded values give the same verdicts: a few hundred combinations a county
            key = (r[1], r[3] is None, *r[4:])
            housing_water_power = living.get(key)
            if housing_water_power is None:
                housing_water_power = living[key] = self._housing_water_power(r[1], r[3], r[4:])
            yield hid, (asm.income_met(r[2], line), education, asm.medical_met_count(*insured.get(hid, (0, 0))),
                        *housing_water_power)

    @staticmethod
    def _housing_water_power(moved_in: Any, cond_id: int | None, cond: Sequence[Any]
                             ) -> tuple[bool | None, bool | None, bool | None]:
        row = None if cond_id is None else dict(zip(_C_COLS, cond, strict=True))
        return (asm.housing_met(row, moved_in),
                asm.water_met(None if row is None else row["drinking_safe"],
                              None if row is None else row["drinking_difficult"]),
                asm.power_met(None if row is None else row["electricity"],
                              None if row is None else row["radio_tv"]))


def _with(board: Dashboard, compliance: Compliance) -> Dashboard:
    return replace(board, compliance=compliance)
