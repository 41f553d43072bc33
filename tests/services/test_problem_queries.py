"""The problems panel's read queries: counts by rule and by village equal to plain SQL counts,
pages in list order, a problem located in its group, inactive households left out."""

from __future__ import annotations

import re
from collections.abc import Callable

from sqlalchemy import event, func, select, update

from povdesk.db.models import Household, Problem, Village
from povdesk.services.checks import ProblemQuery
from povdesk.services.database import Database
from povdesk.services.facade import Services
from povdesk.services.problem_queries import ProblemPlace
from tests.factories import build_small_county


def _sql_counts(db: Database, **where: object) -> dict[str, int]:
    stmt = (select(Problem.rule, func.count()).join(Household, Household.id == Problem.household_id)
            .join(Village, Village.id == Household.village_id)
            .where(Problem.status == "open", Household.active.is_(True)))
    for key, value in where.items():
        stmt = stmt.where({"village_id": Household.village_id, "township_id": Village.township_id,
                           "household_id": Household.id}[key] == value)
    with db.reading() as s:
        return dict(s.execute(stmt.group_by(Problem.rule)).all())


def test_counts_pages_and_places_agree_with_sql(county_db: Database) -> None:
    services = Services(db=county_db)
    services.checks.run()
    queries = services.problem_queries
    problems = services.checks.problems()
    assert {c.rule: c.count for c in queries.rule_counts()} == _sql_counts(county_db) != {}
    some = problems[0]
    with county_db.reading() as s:
        village_id, township_id = s.execute(select(Household.village_id, Village.township_id)
                                            .join(Village, Village.id == Household.village_id)
                                            .where(Household.id == some.household_id)).one()
    for where in ({"village_id": village_id}, {"township_id": township_id}, {"household_id": some.household_id}):
        q = ProblemQuery(**where)  # type: ignore[arg-type]
        assert {c.rule: c.count for c in queries.rule_counts(q)} == _sql_counts(county_db, **where)
    # a rule's villages add up to its count; each village's page holds its problems in list order
    q = ProblemQuery()
    for count in queries.rule_counts(q):
        places = queries.place_counts(q, count.rule)
        assert sum(p.count for p in places) == count.count
        for place in places:
            page = queries.page(q, count.rule, place.village_id, 0, 100)
            assert len(page) == place.count and {p.rule for p in page} == {count.rule}
            assert [p.household_no for p in page] == sorted(p.household_no for p in page)
            assert queries.page(q, count.rule, place.village_id, 1, 1) == page[1:2]
            last = page[-1]
            assert queries.locate(q, last.id) == ProblemPlace(count.rule, place.village_id, len(page) - 1)
    # any status, and a filter the query names
    assert sum(c.count for c in queries.rule_counts(ProblemQuery(status=None))) == len(problems)
    assert queries.locate(ProblemQuery(rule="NO-SUCH"), some.id) is None
    # a cancelled household's problems are not listed
    with county_db.transaction() as s:
        s.execute(update(Household).where(Household.id == some.household_id).values(active=False))
    assert {c.rule: c.count for c in queries.rule_counts()} == _sql_counts(county_db)
    assert sum(c.count for c in queries.rule_counts()) < len(problems)


def _plans(db: Database, call: Callable[[], object]) -> list[list[tuple[int, str]]]:
    """SQLite's plan of each SELECT that `call` runs: (parent, detail) rows."""
    statements: list[tuple[str, object]] = []

    def seen(_conn: object, _cursor: object, statement: str, params: object, *_rest: object) -> None:
        if statement.lstrip().startswith("SELECT"):
            statements.append((statement, params))

    event.listen(db.engine, "after_cursor_execute", seen)
    try:
        call()
    finally:
        event.remove(db.engine, "after_cursor_execute", seen)
    with db.engine.connect() as con:
        return [[(row[1], row[3]) for row in con.exec_driver_sql("EXPLAIN QUERY PLAN " + st, params)]  # type: ignore[arg-type]
                for st, params in statements]


def test_the_navigator_counts_and_a_households_problems_use_the_narrow_index(sqlite_db: Database) -> None:
    """At a million open problems a join from the households read the status index once per
    household (minutes), and a household's problems scanned every open problem's index entry:
    the navigator counts per household from the index first, a household's problems come from
    its own index (SQLite has no statistics: the planner's choice is the query's shape)."""
    build_small_county(sqlite_db)
    services = Services(db=sqlite_db)
    services.checks.run()
    [counts] = _plans(sqlite_db, services.checks.open_problem_counts)
    # the loops of the outer query, outer first: the problem table is never inside the households'
    tables = [found.group(1) for parent, detail in counts if parent == 0
              and (found := re.match(r"(?:SCAN|SEARCH) (\w+)", detail))]
    assert "problem" not in tables[tables.index("household"):], counts
    assert services.checks.open_problem_counts() == _village_counts(sqlite_db) != {}
    with sqlite_db.reading() as s:
        some = s.scalar(select(Problem.household_id).where(Problem.status == "open").limit(1))
    assert some is not None
    plans = _plans(sqlite_db, lambda: services.checks.open_problems(some))
    details = [detail for plan in plans for _parent, detail in plan if "problem" in detail]
    assert any("ix_problem_household_id" in d for d in details) and not any("status=" in d for d in details), plans


def _village_counts(db: Database) -> dict[int, int]:
    with db.reading() as s:
        return {v: n for v, n in s.execute(
            select(Household.village_id, func.count()).join(Problem, Problem.household_id == Household.id)
            .where(Problem.status == "open", Household.active.is_(True)).group_by(Household.village_id))}
