"""How a household is lost: povdesk never deletes one, so a loss happens behind its back (someone
"tidying up a duplicate" with a database tool). `delete_household` does that on either engine:
the household row and every row that refers to it or to its members (members, incomes, problems,
the change journal, ...), following the foreign keys, in one transaction."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Table, delete, select, tuple_

from povdesk.db.models import Base
from povdesk.services.database import Database


def delete_household(db: Database, household_no: str) -> dict[str, int]:
    """Delete the household `household_no` with everything hanging from it; rows deleted by table."""
    tables: list[Table] = list(Base.metadata.sorted_tables)
    by_name = {t.name: t for t in tables}
    doomed: dict[str, set[Any]] = {}
    with db.engine.begin() as conn:
        household = by_name["household"]
        doomed["household"] = set(conn.scalars(
            select(household.c.id).where(household.c.household_no == household_no)))
        if not doomed["household"]:
            raise LookupError(household_no)
        for table in tables:  # parents before children: a row is doomed when a parent of it is
            key = tuple(table.primary_key.columns)  # `id`, or a pair (member_year's)
            found: set[Any] = set(doomed.get(table.name, ()))
            for fk in table.foreign_keys:
                parents = doomed.get(fk.column.table.name)
                if parents:
                    rows = conn.execute(select(*key).where(fk.parent.in_(sorted(parents))))
                    found |= {r[0] if len(key) == 1 else tuple(r) for r in rows}
            if found:
                doomed[table.name] = found
        for table in reversed(tables):
            rows = doomed.get(table.name)
            key = tuple(table.primary_key.columns)
            if rows and len(key) == 1:
                conn.execute(delete(table).where(key[0].in_(sorted(rows))))
            elif rows:
                conn.execute(delete(table).where(tuple_(*key).in_(sorted(rows))))
    return {name: len(rows) for name, rows in doomed.items()}
