"""The thin county and the four runs the check-engine tests compare (one process and batches,
one process and a helper): open, keep, lapse (a higher exit line) and open again."""

from __future__ import annotations

from typing import Any

from sqlalchemy import update

from povdesk.db.models import Member
from povdesk.demo.service import DemoService
from povdesk.services.checks import CheckService
from povdesk.services.database import Database
from povdesk.services.settings import YearSettingsService


def thin_county(db: Database, households: int = 120) -> None:
    """A demo county whose members' medical insurance columns were not imported (a problem on
    nearly every member)."""
    DemoService(db=db).build(households=households, seed=2)
    with db.transaction() as s:
        s.execute(update(Member).values(ins_medical=None, ins_employee_medical=None))


def four_runs(db: Database) -> list[tuple[Any, ...]]:
    """Each run's counts: households, findings, opened, still open, rectified, lapsed, errors,
    warnings, findings by rule."""
    checks = CheckService(db=db)
    settings = YearSettingsService(db=db)
    line = settings.get(2019).exit_income_line
    out = []
    for exit_line in (line, line, line * 3, line):
        settings.update(2019, exit_income_line=exit_line)
        r = checks.run()
        out.append((r.households, r.findings, r.opened, r.still_open, r.rectified, r.lapsed, r.errors,
                    r.warnings, sorted(r.by_rule.items())))
    return out
