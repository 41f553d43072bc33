"""A signed-off month for the package tests: the change-request office of `changes_setup`, three
requests of 2020-01 (two corrections, one with evidence, and an exit) signed off by dina."""

from __future__ import annotations

import dataclasses

from povdesk.services.database import Database
from povdesk.services.packages import PackageService
from tests.services.changes_setup import H0, H4, NOTICE, Office

PASSWORD = "签发-secret"
PERIOD = "2020-01"
SCAN = b"%PDF-1.4 a scanned form\n"


def as_director(o: Office, login: str = "dina") -> PackageService:
    return PackageService(db=dataclasses.replace(o.db, user=login))


def signed_month(o: Office) -> list[int]:
    """Three signed-off requests of 2020-01, ids in order."""
    a = o.as_("tester").make("correct", household_no=H0, sets={"household.phone": "13911112222"},
                             reason="走访核实", evidence=[("户口本 扫描.PDF", SCAN)])
    b = o.as_("carl").make("correct", household_no=H4, sets={"household.phone": "=HYPERLINK(\"x\")"},
                           reason="+电话变更")
    c = o.as_("carl").make("exit", household_no=H4, notice=NOTICE, year=2019, reason="达到脱贫标准")
    for r, maker in ((a, "tester"), (b, "carl"), (c, "carl")):
        o.as_(maker).submit(r.id)
        o.as_("rita").approve(r.id)
    o.as_("dina").sign_off(PERIOD)
    return [a.id, b.id, c.id]


def db_as(db: Database, login: str) -> Database:
    return dataclasses.replace(db, user=login)
