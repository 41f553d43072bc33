"""The search keys of households (table `search_key`, `household.head_pinyin`), written again for
the households a write touched.

Every write that adds or changes a name, an ID number or a household number writes them in its own
transaction: through the ORM (the registry's edits and added members, change requests, new
households) `after_flush`, listening on every session (`engine.make_session_factory`), does it; the
bulk writes call `refresh` themselves (the provincial import, the demo county, migration 0012).
The keys themselves are `domain.pinyin`'s.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from sqlalchemy import Connection, bindparam, delete, inspect, select, update
from sqlalchemy.orm import Session

from povdesk.db.fast import bulk_insert, indexes_dropped
from povdesk.db.models import Household, Member, SearchKey
from povdesk.domain import idnumber, pinyin

#: households read and written at a time
CHUNK = 2_000
_COLUMNS = ("household_id", "member_id", "key")


def key_rows(households: Iterable[tuple[int, str | None, str | None]],
             members: Iterable[tuple[int, int, str | None, str | None]]) -> list[tuple[Any, ...]]:
    """(household_id, member_id, key) rows for `households` (id, household number, head's name)
    and their `members` (household id, id, name, ID number). The head's name is keyed on the
    household only when no member of it bears that name."""
    rows: list[tuple[Any, ...]] = []
    names: dict[int, set[str]] = {}
    for hid, mid, name, number in members:
        if name:
            names.setdefault(hid, set()).add(name)
        keys = pinyin.name_keys(name) | pinyin.id_keys(idnumber.key(number) if number else None)
        rows.extend((hid, mid, k) for k in sorted(keys))
    for hid, household_no, head_name in households:
        keys = pinyin.number_keys(household_no)
        if head_name and head_name not in names.get(hid, ()):
            keys |= pinyin.name_keys(head_name)
        rows.extend((hid, None, k) for k in sorted(keys))
    return rows


def _chunks(ids: Sequence[int]) -> Iterator[list[int]]:
    for i in range(0, len(ids), CHUNK):
        yield list(ids[i:i + CHUNK])


def refresh(conn: Connection, household_ids: Iterable[int] | None = None) -> int:
    """Write the keys and the head's pinyin of these households again (all households when None),
    inside the caller's transaction; returns how many keys were written."""
    table = SearchKey.__table__
    if household_ids is None:
        ids = list(conn.scalars(select(Household.id).order_by(Household.id)))
        conn.execute(delete(table))
    else:
        ids = sorted(set(household_ids))
        for chunk in _chunks(ids):
            conn.execute(delete(table).where(table.c.household_id.in_(chunk)))
    written = 0
    h = Household.__table__.c
    # updated_at kept as it is: a derived key is not a change of the household (its onupdate)
    set_head = (update(Household.__table__).where(h.id == bindparam("hid"))
                .values(head_pinyin=bindparam("hp"), updated_at=h.updated_at))
    # a whole county: the index is built once after the rows (SQLite), not row by row
    with indexes_dropped(conn, table, adding=len(ids) * 20):
        for chunk in _chunks(ids):
            households = conn.execute(select(Household.id, Household.household_no, Household.head_name)
                                      .where(Household.id.in_(chunk))).all()
            members = conn.execute(select(Member.household_id, Member.id, Member.name, Member.id_number)
                                   .where(Member.household_id.in_(chunk))).all()
            rows = key_rows(((h, n, m) for h, n, m in households),
                            ((h, i, n, x) for h, i, n, x in members))
            bulk_insert(conn, table, _COLUMNS, rows)
            written += len(rows)
            heads = [{"hid": h, "hp": pinyin.keys(m)[0]} for h, _n, m in households]
            if heads:
                conn.execute(set_head, heads)
    return written


_NAMED = {Member: ("name", "id_number", "household_id"), Household: ("household_no", "head_name")}


def after_flush(session: Session, _context: object) -> None:
    """Keep the keys with what a session's flush wrote (the registry's edits, added members, change
    requests, new households): the households of new members and households, and of those whose
    name, ID number, household number or head's name changed, get their keys again."""
    touched: set[int] = set()
    for obj in (*session.new, *session.dirty):
        watched = _NAMED.get(type(obj))
        if watched is None:
            continue
        state = inspect(obj)
        if obj in session.new or any(state.attrs[a].history.has_changes() for a in watched):
            hid = obj.household_id if isinstance(obj, Member) else obj.id
            if hid is not None:
                touched.add(hid)
    if touched:
        refresh(session.connection(), touched)
