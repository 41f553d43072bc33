"""Members' yearly snapshots (table `member_year`): each current member's 在校生状况 as a data
year's roster gave it.

The import keeps one row per current member of the households it read and its data year
(`keep`, in the import's transaction); the demo county writes its earlier years the same way.
EDU-014 (在校生状况 identical for three data years running) compares the data year's record with
the two data years before: `history` gives the check what it needs, or None when those two years
are not both held (the rule then says it was not run).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from sqlalchemy import Integer, delete, exists, insert, literal, select
from sqlalchemy.orm import Session, aliased

from povdesk.db.models import Household, Member, MemberYear
from povdesk.domain.rules.education import YEARLY_GRADES

_CHUNK = 500


def keep(s: Session, year: int, household_ids: Iterable[int]) -> None:
    """Record the current members' school status of these households as data `year`'s (a second
    import of the year replaces its rows)."""
    ids = sorted(set(household_ids))
    for start in range(0, len(ids), _CHUNK):
        chunk = ids[start:start + _CHUNK]
        members = select(Member.id).where(Member.household_id.in_(chunk))
        s.execute(delete(MemberYear).where(MemberYear.year == year, MemberYear.member_id.in_(members)))
        s.execute(insert(MemberYear).from_select(
            ["year", "member_id", "school_status"],
            select(literal(year, Integer), Member.id, Member.school_status)
            .where(Member.household_id.in_(chunk), Member.current)))


def held(s: Session, year: int) -> bool:
    """Whether the snapshots of the two data years before `year` are both held."""
    return all(s.scalar(select(exists().where(MemberYear.year == y))) for y in (year - 2, year - 1))


def history(s: Session, year: int, scope: Sequence[Any] | None = None
            ) -> Mapping[int, Mapping[int, str | None]] | None:
    """member id -> data year -> school status over the two data years before `year`, for the
    members (of the households matching `scope`, else the county) whose status was the same
    single-year grade in both: only they can be unchanged three years running, so the map stays
    small. None when the two years are not both held."""
    if not held(s, year):
        return None
    a, b = aliased(MemberYear), aliased(MemberYear)
    stmt = (select(a.member_id, a.school_status)
            .join(b, (b.member_id == a.member_id) & (b.year == year - 1))
            .where(a.year == year - 2, a.school_status == b.school_status,
                   a.school_status.in_(sorted(YEARLY_GRADES))))
    if scope:
        stmt = stmt.where(a.member_id.in_(select(Member.id).join(Household, Household.id == Member.household_id)
                                          .where(*scope)))
    return {mid: {year - 2: status, year - 1: status} for mid, status in s.execute(stmt)}
