"""Read-only queries behind the problems panel at any size: counts by rule, by place within a rule,
and one page of a rule's problems in one village, each one SQL statement that never reads more
than it returns (issue 17 §3).

Kept apart from `checks.py` (the engine and its recording): nothing here writes. A county with a
million open problems opens the panel with one count per rule, read from the covering index
`ix_problem_status_rule_household`; a rule's places and a place's rows are read when shown.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

from sqlalchemy import ColumnElement, Select, func, select, tuple_

from povdesk.db.models import Household, Member, Problem, Township, Village
from povdesk.domain.records import ProblemRecord
from povdesk.domain.resolutions import STATUSES
from povdesk.domain.rules.base import HOUSEHOLD, MEMBER
from povdesk.domain.rules.catalogue import by_code
from povdesk.services.checks import (
    AVALANCHE_MINIMUM,
    AVALANCHE_SHARE,
    Avalanche,
    CheckService,
    ProblemQuery,
)
from povdesk.services.database import Database


@dataclass(frozen=True)
class RuleCount:
    """How many of a query's problems one rule has."""

    rule: str
    severity: str
    count: int


@dataclass(frozen=True)
class PlaceCount:
    """How many of a query's problems of one rule are in one village."""

    village_id: int
    township: str
    village: str
    count: int


@dataclass(frozen=True)
class ProblemPlace:
    """Where a problem is listed: its rule, its village and its position in that group."""

    rule: str
    village_id: int
    offset: int


def _scoped(q: ProblemQuery) -> bool:
    return q.household_id is not None or q.village_id is not None or q.township_id is not None


def _households(q: ProblemQuery, *, active: bool = True) -> Select[int]:
    """The ids of the (active, or inactive) households a query's place selects."""
    stmt = select(Household.id).where(Household.active.is_(active))
    if q.household_id is not None:
        stmt = stmt.where(Household.id == q.household_id)
    if q.village_id is not None:
        stmt = stmt.where(Household.village_id == q.village_id)
    if q.township_id is not None:
        stmt = stmt.where(Household.village_id.in_(select(Village.id).where(Village.township_id == q.township_id)))
    return stmt


def _conditions(q: ProblemQuery, by_household: bool, rule: str | None = None) -> list[ColumnElement[bool]]:
    """What a query asks of the problem row itself (its place aside), `rule` being one rule's group.

    Written for the index that is narrow: with one rule, the status (every status, when the query
    names none) and the rule lead to the query's households in `ix_problem_status_rule_household`;
    without one, within some households (a place) the household index is the narrow one, so the
    status is compared as an expression that the planner does not use to scan every open problem."""
    out: list[ColumnElement[bool]] = []
    if rule and q.rule and q.rule != rule:  # a group of another rule than the query's: none of it
        out.append(Problem.rule == q.rule)
    rule = rule or q.rule
    if rule:
        out += [Problem.status == q.status if q.status else Problem.status.in_(STATUSES), Problem.rule == rule]
    elif q.status:
        out.append(func.coalesce(Problem.status, "") == q.status if by_household else Problem.status == q.status)
    for col, value in ((Problem.category, q.category), (Problem.severity, q.severity)):
        if value:
            out.append(col == value)
    return out


class ProblemQueries:
    """The panel's read queries; `ProblemQuery` selects the problems as everywhere else."""

    def __init__(self, *, db: Database, checks: CheckService | None = None) -> None:
        self.db = db
        self.checks = checks or CheckService(db=db)

    def rule_counts(self, q: ProblemQuery | None = None) -> list[RuleCount]:
        """Each rule with problems, in code order, and how many: the panel's first level. The
        whole county: the open problems counted from the index, less those of inactive households
        (few), so no row of the problem or household table is read."""
        q = q or ProblemQuery()
        def counts(households: Select[int] | None) -> dict[str, tuple[str, int]]:
            stmt = select(Problem.rule, func.min(Problem.severity), func.count()).where(
                *_conditions(q, households is not None))
            if households is not None:
                stmt = stmt.where(Problem.household_id.in_(households))
            with self.db.reading() as s:
                return {r: (sev, n) for r, sev, n in s.execute(stmt.group_by(Problem.rule))}

        if _scoped(q):
            got = counts(_households(q))
        else:
            got = counts(None)
            if got:
                for rule, (_sev, n) in counts(_households(q, active=False)).items():
                    sev, total = got[rule]
                    got[rule] = (sev, total - n)
        return [RuleCount(rule, sev, n) for rule, (sev, n) in sorted(got.items()) if n > 0]

    def place_counts(self, q: ProblemQuery, rule: str) -> list[PlaceCount]:
        """The villages where `rule` has problems of the query, in township and village code order."""
        grouped = (select(Household.village_id.label("village_id"), func.count().label("n"))
                   .select_from(Problem).join(Household, Household.id == Problem.household_id)
                   .where(*_conditions(q, _scoped(q), rule)))
        if _scoped(q):
            grouped = grouped.where(Problem.household_id.in_(_households(q)))
        else:
            grouped = grouped.where(Household.active.is_(True))
        sub = grouped.group_by(Household.village_id).subquery()
        stmt = (select(sub.c.village_id, Township.name, Village.name, sub.c.n)
                .join(Village, Village.id == sub.c.village_id)
                .join(Township, Township.id == Village.township_id)
                .order_by(Township.code, Village.code))
        with self.db.reading() as s:
            return [PlaceCount(v, t or "", n or "", c) for v, t, n, c in s.execute(stmt)]

    def _group(self, q: ProblemQuery, rule: str, village_id: int) -> Select[int]:
        """The ids of one rule's problems of the query in one village, in list order."""
        here = replace(q, village_id=village_id)
        return (select(Problem.id).join(Household, Household.id == Problem.household_id)
                .where(*_conditions(here, True, rule), Problem.household_id.in_(_households(here)))
                .order_by(Household.household_no, Problem.id))

    def page(self, q: ProblemQuery, rule: str, village_id: int, offset: int, limit: int) -> list[ProblemRecord]:
        """`limit` problems of one rule in one village from `offset`, ordered by household number."""
        with self.db.reading() as s:
            ids = list(s.scalars(self._group(q, rule, village_id).offset(offset).limit(limit)))
        return self.checks.problem_rows(ids)

    def locate(self, q: ProblemQuery, problem_id: int) -> ProblemPlace | None:
        """Where the panel lists a problem (None: the query does not select it)."""
        with self.db.reading() as s:
            found = s.execute(select(Problem.rule, Household.village_id, Household.household_no)
                              .join(Household, Household.id == Problem.household_id)
                              .where(Problem.id == problem_id)).first()
            if found is None:
                return None
            rule, village_id, household_no = found
            group = self._group(q, rule, village_id)
            if s.scalar(group.where(Problem.id == problem_id).order_by(None).with_only_columns(
                    func.count())) == 0:
                return None
            before = s.scalar(group.where(tuple_(Household.household_no, Problem.id) < (household_no, problem_id))
                              .order_by(None).with_only_columns(func.count()))
        return ProblemPlace(rule, village_id, int(before or 0))

    def avalanches(self, q: ProblemQuery, counts: Sequence[RuleCount], *, share: float = AVALANCHE_SHARE,
                   minimum: int = AVALANCHE_MINIMUM) -> list[Avalanche]:
        """Of `counts` (the query's rule counts), the rules that fire on more than `share` of the
        households (or current members) of the query's place: a column missing from an import. One
        open problem per rule, household and member, so a rule's count is the households or members
        it fires on; only the place's population is counted here."""
        rules = by_code()
        big = [c for c in counts if c.count >= minimum]
        if not big or q.household_id is not None:
            return []
        place = ProblemQuery(township_id=q.township_id, village_id=q.village_id)
        with self.db.reading() as s:
            households = s.scalar(select(func.count()).select_from(_households(place).subquery())) or 0
            members: int | None = None
            out: list[Avalanche] = []
            for c in big:
                rule = rules.get(c.rule)
                if rule is not None and rule.scope == MEMBER:
                    if members is None:
                        members = s.scalar(select(func.count(Member.id)).where(
                            Member.current, Member.household_id.in_(_households(place)))) or 0
                    scope, of = MEMBER, members
                else:
                    scope, of = HOUSEHOLD, households
                if of and c.count / of > share:
                    out.append(Avalanche(c.rule, scope, min(c.count, of), of))
        return sorted(out, key=lambda a: (-a.share, a.rule))

    @staticmethod
    def total(counts: Sequence[RuleCount]) -> tuple[int, int]:
        """(errors, warnings) among the counts."""
        errors = sum(c.count for c in counts if c.severity == "error")
        return errors, sum(c.count for c in counts) - errors
