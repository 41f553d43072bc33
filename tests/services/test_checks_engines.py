"""The check engine on SQLite and on PostgreSQL gives the same findings, value for value."""

from __future__ import annotations

from sqlalchemy import select, update

from povdesk.db.models import Member, Problem
from povdesk.services.checks import CheckService
from povdesk.services.database import Database
from tests.factories import build_small_county


def _uninsured(db: Database) -> tuple[list[tuple[str, str, dict[str, str]]], list[tuple[str, str, object]]]:
    """HLT-001 (quoting two yes/no fields) on the small county with its members uninsured: each
    finding's values (with their types) and message, and each problem's stored values."""
    build_small_county(db)
    with db.transaction() as s:
        s.execute(update(Member).values(ins_medical=False, ins_employee_medical=False))
    checks = CheckService(db=db)
    found = sorted((f.rule.code, f.message("zh"), {k: repr(v) for k, v in f.values.items()})
                   for f in checks.evaluate() if f.rule.code == "HLT-001")
    checks.run()
    with db.reading() as s:
        stored = sorted((p.rule, p.message_en, p.values)
                        for p in s.scalars(select(Problem).where(Problem.rule == "HLT-001")))
    return found, stored


def test_a_finding_quoting_a_yes_no_field_is_the_same_on_both_engines(sqlite_db: Database, pg_db: Database) -> None:
    on_sqlite, on_pg = _uninsured(sqlite_db), _uninsured(pg_db)
    assert on_sqlite[0] and on_sqlite == on_pg
    assert all(v["ins_medical"] == "False" for _r, _m, v in on_sqlite[0])  # Python bools, not 1/0
    assert all(v["ins_medical"] is False for _r, _m, v in on_sqlite[1])  # JSON false in the problem
