"""Builds the demo county into a database: the use case behind `povdesk demo` and the first run.

The generator (`povdesk.demo.generator`) draws the households, the fault table
(`povdesk.demo.faults`) spoils a few of them and records each; this module numbers the rows and
writes them, a batch of townships at a time (to keep memory flat), inside ONE transaction.
"""

from __future__ import annotations

import datetime as dt
import json
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from sqlalchemy import Table, delete, func, insert, select, text
from sqlalchemy.orm import Session

from povdesk.db import search_keys
from povdesk.db.base import Base
from povdesk.db.models import (
    AppUser,
    Cadre,
    ChangeLog,
    CheckRun,
    Conditions,
    County,
    DemoFault,
    Household,
    Income,
    Measure,
    Member,
    MemberYear,
    Meta,
    Pairing,
    PrintBatch,
    PrintBatchItem,
    Problem,
    ProblemEvent,
    RuleSwitch,
    SearchKey,
    Township,
    Village,
    VillagerGroup,
)
from povdesk.demo.faults import Injected, Injector
from povdesk.demo.generator import (
    AS_OF,
    PREV,
    REGION,
    YEAR,
    Draft,
    Generator,
    Row,
    VillagePlan,
    school_status_before,
)
from povdesk.domain import admin
from povdesk.domain.meanings import MEMBER_CURRENT, is_current_member
from povdesk.domain.roles import CLERK, DIRECTOR, REVIEWER
from povdesk.errors import Cancelled, PovdeskError
from povdesk.services.database import Database
from povdesk.services.settings import YearSettingsService
from povdesk.services.users import hash_password

BATCH_HOUSEHOLDS = 1000
META_KEY = "demo"
#: the demo office's logins (login = role) and their one password; the login dialog names them
DEMO_LOGINS = ((CLERK, "李文书"), (REVIEWER, "王审核"), (DIRECTOR, "张主任"))
DEMO_PASSWORD = "demo"

#: Registry tables, children first: what `replace=True` clears.
_CLEAR_ORDER = (SearchKey, ProblemEvent, Problem, CheckRun, PrintBatchItem, PrintBatch, DemoFault, ChangeLog, MemberYear,
                Pairing, Cadre, Measure, Income, Conditions, Member, Household, VillagerGroup, Village,
                Township, County)


@dataclass(frozen=True)
class DemoSummary:
    households: int
    members: int  # every member row, naturally decreased ones included
    villages: int
    faults: int
    seconds: float
    current_members: int = 0  # members still in the household (what the window counts)


def _table(model: type[Base]) -> Table:
    """A model's Core table: the rows are written by Core `insert`, bypassing the ORM's unit of work."""
    return model.__table__


def _cols(model: type[Base]) -> tuple[str, ...]:
    return tuple(c.name for c in _table(model).columns)


_MEMBER_COLS = _cols(Member)
_HOUSEHOLD_COLS = _cols(Household)
_INCOME_COLS = _cols(Income)
_COND_COLS = _cols(Conditions)
_MEASURE_COLS = _cols(Measure)
_CADRE_COLS = _cols(Cadre)
#: the data years whose members' school status the demo keeps (`member_year`): EDU-014 compares three
SNAPSHOT_YEARS = (YEAR - 2, PREV, YEAR)


class DemoService:
    """Builds the demo county into an empty database (or replaces the registry when asked)."""

    def __init__(self, *, db: Database) -> None:
        self.db = db

    def _office(self, s: Session, hashed: str) -> None:
        """The demo office: the logins clerk, reviewer and director, each with the password
        `DEMO_PASSWORD` (one argon2 hash, made once: hashing is slow on purpose); whoever builds the
        demo is made a director too (without a password), so every decision can be tried on it."""
        staff = [*((login, name, login, hashed) for login, name in DEMO_LOGINS),
                 (self.db.user, self.db.user, DIRECTOR, None)]
        for login, name, role, password_hash in staff:
            user = s.scalar(select(AppUser).where(AppUser.login == login))
            if user is None:
                user = AppUser(login=login, display_name=name, role=role)
                s.add(user)
            else:
                user.role = role
            if password_hash is not None:
                user.password_hash = password_hash
        s.flush()

    def build(self, *, households: int, seed: int, progress: Callable[[int, int], None] | None = None,
              cancel: Callable[[], bool] | None = None, replace: bool = False) -> DemoSummary:
        if households < 1:
            raise PovdeskError("input.demo_households", "The demo county needs at least one household.",
                               "演示县至少需要 1 户。")
        started = time.perf_counter()

        def check() -> None:
            if cancel is not None and cancel():
                raise Cancelled()

        # the office's exit lines of the data year and the year before (incomes are drawn around them)
        settings = YearSettingsService(db=self.db)
        lines = {y: settings.get(y).exit_income_line for y in (PREV, YEAR)}
        hashed = hash_password(DEMO_PASSWORD)  # slow on purpose: once, before the transaction
        with self.db.transaction() as s:
            existing = s.scalar(select(func.count(Household.id))) or 0
            if existing and not replace:
                raise PovdeskError(
                    "demo.not_empty",
                    f"This database already holds {existing} households; the demo county is only built "
                    "into an empty database (use --replace to clear the registry first).",
                    f"该数据库已有 {existing} 户，演示县只能建在空数据库中（如需清空登记数据后重建，请加 --replace）。")
            for model in _CLEAR_ORDER:
                s.execute(delete(model))
            gen = Generator(households=households, seed=seed, lines=lines)
            counts = self._write(s, gen, Injector(gen), check, progress)
            s.merge(Meta(key=META_KEY, value=json.dumps(
                {"seed": seed, "households": households, "county": REGION, "year": YEAR,
                 "note": "村名为虚构", "note_en": "village names and codes are invented",
                 "faults": counts["faults"]}, ensure_ascii=False, sort_keys=True)))
            self._office(s, hashed)
            # EDU-009 states 2020 on; the demo county runs it on its year too, so its fault kind
            # (a student with an education level) is found and the switch is shown with who and why
            s.execute(delete(RuleSwitch).where(RuleSwitch.rule == "EDU-009", RuleSwitch.year == YEAR))
            s.add(RuleSwitch(rule="EDU-009", year=YEAR, enabled=True, changed_by="demo",
                             changed_at=AS_OF, reason="演示县：展示 2020 年起的规则（在校生文化程度应为空）"))
            self._fix_sequences(s)
            search_keys.refresh(s.connection())  # the names' search keys and pinyin (issue 13)
            check()
            current = s.scalar(select(func.count(Member.id)).where(Member.status == MEMBER_CURRENT)) or 0
        # The database now has logins; whoever built it was entitled to write it (the transaction
        # checked that) and goes on working in this session.
        self.db.authenticated = True
        return DemoSummary(households=counts["households"], members=counts["members"],
                           current_members=current, villages=counts["villages"], faults=counts["faults"],
                           seconds=round(time.perf_counter() - started, 2))

    def _write(self, s: Session, gen: Generator, injector: Injector, check: Callable[[], None],
               progress: Callable[[int, int], None] | None) -> dict[str, int]:
        county, province, prefecture = admin.LEIBO, admin.PROVINCE, admin.PREFECTURE
        s.execute(insert(_table(County)), [{"id": 1, "code": county[0], "name": county[1],
                                              "province": province[1], "prefecture": prefecture[1]}])
        townships, villages, groups, plan = gen.places()
        s.execute(insert(_table(Township)), townships)
        s.execute(insert(_table(Village)), villages)
        s.execute(insert(_table(VillagerGroup)), groups)
        code_of = {v["id"]: v["code"] for v in villages}
        counts = {"households": 0, "members": 0, "villages": len(villages), "faults": 0}
        total = gen.n
        if progress:
            progress(0, total)
        for batch_plan in _batches(plan):
            check()
            batch: list[Draft] = []
            for village in batch_plan:
                for h in gen.households(village, code_of[village[0]]):
                    batch.append(h)
                    if len(batch) % 250 == 0:
                        check()
            cadres = gen.cadres(batch)
            faults = injector.inject(batch, injector.quota(len(batch)))
            check()
            counts["members"] += self._insert_batch(s, gen, batch, cadres, faults)
            counts["households"] += len(batch)
            counts["faults"] += len(faults)
            gen.households_done += len(batch)
            if progress:
                progress(gen.households_done, total)
        return counts

    @staticmethod
    def _insert_batch(s: Session, gen: Generator, batch: list[Draft], cadres: list[Row],
                      faults: list[Injected]) -> int:
        nid = gen.next_id
        households, members, incomes, conds, measures, pairings = [], [], [], [], [], []
        snapshots: list[Row] = []
        for h in batch:
            households.append({c: h.row.get(c) for c in _HOUSEHOLD_COLS})
            for m in h.members:
                m["id"] = nid["member"]
                nid["member"] += 1
                members.append({c: m.get(c) for c in _MEMBER_COLS})
                snapshots += _snapshots(m)
            for year in (PREV, YEAR):
                inc = h.incomes[year]
                inc["id"] = nid["income"]
                nid["income"] += 1
                incomes.append({c: inc.get(c) for c in _INCOME_COLS})
            h.cond["id"] = nid["conditions"]
            nid["conditions"] += 1
            conds.append({c: h.cond.get(c) for c in _COND_COLS})
            for x in h.measures:
                x["id"] = nid["measure"]
                nid["measure"] += 1
                x["member_id"] = x["_member"]["id"] if x["_member"] is not None else None
                measures.append({c: x.get(c) for c in _MEASURE_COLS})
            if h.cadre is not None:
                first = h.row["first_identified_year"] or 2015
                pairings.append({"id": nid["pairing"], "household_id": h.row["id"], "cadre_id": h.cadre["id"],
                                 "start_date": dt.date(max(2015, first), 1 + h.row["id"] % 6, 1),
                                 "end_date": None, "valid": True})
                nid["pairing"] += 1
        by_id = {x["id"]: x for x in cadres}
        for h in batch:  # a fault may have given a household a cadre of its own
            if h.cadre is not None:
                by_id.setdefault(h.cadre["id"], h.cadre)
        cadre_rows = [{c: by_id[k].get(c) for c in _CADRE_COLS} for k in sorted(by_id)]
        fault_rows = []
        for f in faults:
            fault_rows.append({"id": nid["fault"], "household_id": f.household.row["id"],
                               "member_id": f.member["id"] if f.member is not None else None,
                               "kind": f.kind, "field": f.field, "detail": f.detail})
            nid["fault"] += 1
        for model, rows in ((Household, households), (Member, members), (Income, incomes),
                            (Conditions, conds), (Measure, measures), (Cadre, cadre_rows),
                            (Pairing, pairings), (DemoFault, fault_rows), (MemberYear, snapshots)):
            if rows:
                s.execute(insert(_table(model)), rows)
        return len(members)

    def _fix_sequences(self, s: Session) -> None:
        """Ids were given explicitly; PostgreSQL's sequences must learn where they stand."""
        if s.get_bind().dialect.name != "postgresql":
            return
        for model in (County, Township, Village, VillagerGroup, Household, Member, Income, Conditions,
                      Measure, Cadre, Pairing, DemoFault):
            table = model.__tablename__
            s.execute(text(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                           f"COALESCE((SELECT MAX(id) FROM {table}), 0) + 1, false)"))


def _snapshots(m: Row) -> list[Row]:
    """A current member's yearly snapshots (school status) of `SNAPSHOT_YEARS`, from the year each
    was born on; the earlier years' status follows from the data year's (a pupil moves up a grade a
    year), except where a fault kept it unchanged (`_stuck`)."""
    if not is_current_member(m["status"]):
        return []
    born, status = m.get("birth_date"), m["school_status"]
    return [{"year": y, "member_id": m["id"],
             "school_status": status if m.get("_stuck") else school_status_before(status, YEAR - y)}
            for y in SNAPSHOT_YEARS if born is None or born.year <= y]


def _batches(plan: list[VillagePlan]) -> Iterator[list[VillagePlan]]:
    """Whole townships at a time, about BATCH_HOUSEHOLDS households per batch."""
    batch: list[VillagePlan] = []
    size = 0
    for i, item in enumerate(plan):
        batch.append(item)
        size += item[1]
        next_town = plan[i + 1][3] if i + 1 < len(plan) else None
        if size >= BATCH_HOUSEHOLDS and next_town != item[3]:
            yield batch
            batch, size = [], 0
    if batch:
        yield batch
