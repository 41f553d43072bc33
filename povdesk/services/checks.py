"""Runs the rule catalogue over the county (columns loaded once) or one household, and tracks problems."""

from __future__ import annotations

import contextlib
import datetime as dt
import gc
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from functools import partial
from itertools import groupby
from operator import itemgetter
from typing import Any

from sqlalchemy import Select, and_, bindparam, func, insert, or_, select, update
from sqlalchemy.orm import Session

from povdesk.db.base import utcnow
from povdesk.db.models import (
    MEMBER_CURRENT,
    Cadre,
    ChangeLog,
    CheckRun,
    Conditions,
    Household,
    Income,
    Measure,
    Member,
    Pairing,
    Problem,
    ProblemEvent,
    Township,
    Village,
)
from povdesk.domain import dictionary as dd
from povdesk.domain import idnumber
from povdesk.domain.dictionary import Entity
from povdesk.domain.records import ProblemRecord
from povdesk.domain.resolutions import (
    ACCEPTED,
    CORRECTED_RESOLUTION,
    LAPSED,
    LAPSED_RESOLUTION,
    OPEN,
    RECTIFIED,
)
from povdesk.domain.roles import DECIDES_EXCEPTIONS
from povdesk.domain.rules.base import (
    HOUSEHOLD,
    MEMBER,
    CadreFacts,
    CheckContext,
    Finding,
    HouseholdFacts,
    MeasureFacts,
    MemberFacts,
    id_key,
    make_household,
    make_member,
)
from povdesk.domain.rules.catalogue import (
    CATALOGUE_VERSION,
    Evaluator,
    RowColumns,
    by_code,
    catalogue,
)
from povdesk.errors import Cancelled, Conflict, InvalidValue, NotFound
from povdesk.services.database import Database
from povdesk.services.settings import YearSettingsService
from povdesk.services.users import UserService

Progress = Callable[[int, int], None]
CancelCheck = Callable[[], bool]

_CHUNK = 900  # ids per IN (...) list
_BATCH = 2000  # households loaded and checked at a time


def _columns(entity: Entity) -> list[str]:
    return [f.column for f in dd.fields_of(entity)]


#: Columns no rule reads: not loaded, which saves a sixth of the county read. A rule that starts
#: reading one must take it off this list (test_checks holds required fields off it).
UNREAD = {
    Entity.HOUSEHOLD: {"bank_name", "bank_account", "military_family", "standard", "relocation_wish",
                       "relocation_mode"},
    Entity.MEMBER: {"person_no", "phone", "political_status", "speaks_mandarin", "ins_commercial",
                    "medical_assistance", "work_company"},
    Entity.CONDITIONS: {"leading_enterprise", "entrepreneur_help", "orchard", "water_area"},
}
H_COLS = [c for c in _columns(Entity.HOUSEHOLD) if c not in UNREAD[Entity.HOUSEHOLD]]
M_COLS = [c for c in _columns(Entity.MEMBER) if c not in UNREAD[Entity.MEMBER]]
I_COLS = [c for c in _columns(Entity.INCOME) if c != "year"]
C_COLS = [c for c in _columns(Entity.CONDITIONS) if c not in UNREAD[Entity.CONDITIONS]]
X_COLS = [f for f in MeasureFacts._fields if f != "household_id"]
#: Position of each column in a fetched household / member row, for the evaluator's gates: only
#: columns the facts hold unchanged (make_member turns date text into dates).
_H_INDEX = {c: i for i, c in enumerate(H_COLS, 1)}
_M_INDEX = {c: i for i, c in enumerate(M_COLS, 2) if c not in ("birth_date", "change_date")}
K_COLS = list(CadreFacts._fields[3:])  # the cadre columns, after the pairing dates
_MEASURE = partial(tuple.__new__, MeasureFacts)  # a row as MeasureFacts, at C speed


@dataclass(frozen=True)
class CheckRunResult:
    """What one run found and changed; `by_rule` counts the findings of each rule."""

    run_id: int
    scope: str
    households: int
    findings: int
    opened: int
    rectified: int
    still_open: int
    errors: int
    warnings: int
    seconds: float
    by_rule: Mapping[str, int] = field(default_factory=dict)
    #: closed because they no longer apply though the data did not change (a setting or rule did)
    lapsed: int = 0


@dataclass(frozen=True)
class ProblemEventRecord:
    id: int
    problem_id: int
    at: dt.datetime
    user: str
    old_status: str | None
    new_status: str
    note: str | None


@dataclass(frozen=True)
class ProblemQuery:
    """Which problems a panel or list shows; None means any."""

    township_id: int | None = None
    village_id: int | None = None
    household_id: int | None = None
    category: str | None = None
    rule: str | None = None
    severity: str | None = None
    status: str | None = OPEN
    limit: int | None = None


def _chunks(items: Sequence[Any], size: int = _CHUNK) -> Iterable[Sequence[Any]]:
    for i in range(0, len(items), size):
        yield items[i:i + size]


def _json_safe(values: Mapping[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for k, v in values.items():
        if v is None or isinstance(v, (bool, int, float, str)):
            out[k] = v
        elif isinstance(v, (dt.date, dt.datetime)):
            out[k] = v.isoformat()
        else:
            out[k] = str(v)
    return out


class _Rows:
    """A statement compiled once and run for one chunk of households after another, its rows
    straight from the driver: the engine reads a whole county, and skipping the per-value type
    processing halves the load. Booleans may arrive as 1/0 and dates as ISO text (SQLite); the
    rules and `make_member` accept both."""

    def __init__(self, conn: Any, stmt: Any) -> None:
        self.conn = conn
        self.compiled = stmt.compile(conn)
        self.sql = str(self.compiled)

    def __call__(self, **bounds: Any) -> list[Any]:
        params = self.compiled.construct_params(bounds)
        order = self.compiled.positiontup
        args: Any = tuple(params[k] for k in order) if order is not None else params
        cursor = self.conn.connection.cursor()  # the DBAPI connection of this session's transaction
        try:
            cursor.execute(self.sql, args)
            return cursor.fetchall()
        finally:
            cursor.close()


#: longest reason, remark or history note kept (the columns' width)
NOTE_LIMIT = 200


def _within_limit(text: str, what_en: str, what_zh: str) -> str:
    """The text, refused (not silently cut) when longer than the database keeps."""
    if len(text) > NOTE_LIMIT:
        raise InvalidValue(f"problem.{what_en}", f"The {what_en} is {len(text)} characters; at most {NOTE_LIMIT} are kept.",
                           f"{what_zh}共 {len(text)} 字，最多保存 {NOTE_LIMIT} 字，请精简后再提交。")
    return text


def _date(value: Any) -> dt.date | None:
    return dt.date.fromisoformat(value[:10]) if isinstance(value, str) else value


@contextlib.contextmanager
def _collector_paused() -> Iterator[None]:
    """A county is ~10^6 fresh dicts and lists; the cyclic collector would rescan them again and
    again while they are built and tracked (it doubled the run time)."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


class CheckService:
    def __init__(self, *, db: Database, settings: YearSettingsService | None = None) -> None:
        self.db = db
        self.settings = settings or YearSettingsService(db=db)
        self._users = UserService(db=db)
        self._evaluator = Evaluator()

    # ------------------------------------------------------------------ loading facts
    @staticmethod
    def _scope(*, village_id: int | None = None, township_id: int | None = None,
               household_id: int | None = None) -> list[Any]:
        """The conditions on `household` that select a scope's active households."""
        where: list[Any] = [Household.active.is_(True)]
        if household_id is not None:
            where.append(Household.id == household_id)
        elif village_id is not None:
            where.append(Household.village_id == village_id)
        elif township_id is not None:
            where.append(Household.village_id.in_(select(Village.id).where(Village.township_id == township_id)))
        return where

    def _loader(self, s: Session, scope: list[Any], year: int, on: dt.date,
                whole_county: bool) -> Callable[[int, int], tuple[list[HouseholdFacts], dict[str, RowColumns]]]:
        """A function loading the households in scope whose ids lie in [lo, hi] with their members,
        income, conditions, measures and cadres: one query per table, grouped by household in
        Python. It also returns the fetched rows of the households and of their current members,
        in the evaluator's order, for its gates."""
        conn = s.connection()
        lo, hi = bindparam("lo"), bindparam("hi")
        in_scope = select(Household.id).where(*scope)

        def rows(stmt: Select[Any], household_id: Any) -> _Rows:
            stmt = stmt.where(household_id.between(lo, hi))
            return _Rows(conn, stmt if whole_county else stmt.where(household_id.in_(in_scope)))

        households = _Rows(conn, select(Household.id, *[getattr(Household, c) for c in H_COLS])
                           .where(*scope, Household.id.between(lo, hi)).order_by(Household.id))
        members = rows(select(Member.id, Member.household_id, *[getattr(Member, c) for c in M_COLS])
                       .order_by(Member.household_id, Member.sort_order, Member.id), Member.household_id)
        incomes = rows(select(Income.household_id, *[getattr(Income, c) for c in I_COLS])
                       .where(Income.year == year), Income.household_id)
        conditions = rows(select(Conditions.household_id, *[getattr(Conditions, c) for c in C_COLS])
                          .where(Conditions.year == year), Conditions.household_id)
        measures = rows(select(Measure.household_id, *[getattr(Measure, c) for c in X_COLS])
                        .order_by(Measure.household_id, Measure.id), Measure.household_id)
        cadres = rows(select(Pairing.household_id, Pairing.start_date, Pairing.end_date,
                             *[getattr(Cadre, c) for c in K_COLS])
                      .join(Cadre, Cadre.id == Pairing.cadre_id).where(Pairing.valid.is_(True))
                      .order_by(Pairing.household_id, Pairing.id), Pairing.household_id)
        status = M_COLS.index("status") + 2
        empty: list = []

        def load(first: int, last: int) -> tuple[list[HouseholdFacts], dict[str, RowColumns]]:
            hh = households(lo=first, hi=last)
            # rows come ordered by household: grouped at C speed; members are built only for
            # households in scope
            member_rows = {hid: list(rs) for hid, rs in groupby(members(lo=first, hi=last), itemgetter(1))}
            built: dict[int, list[MemberFacts]] = {}
            for row in hh:
                rs = member_rows.get(row[0])
                if rs is not None:
                    built[row[0]] = [make_member(r[0], zip(M_COLS, r[2:], strict=False), on, complete=True)
                                     for r in rs]
            income = {r[0]: dict(zip(I_COLS, r[1:], strict=True)) for r in incomes(lo=first, hi=last)}
            conds = {r[0]: dict(zip(C_COLS, r[1:], strict=True)) for r in conditions(lo=first, hi=last)}
            # measures and cadres as tuples straight from the rows (~5 measures a household)
            xs = {hid: list(g) for hid, g in groupby(map(_MEASURE, measures(lo=first, hi=last)), itemgetter(0))}
            ks = {hid: list(g) for hid, g in groupby(
                (CadreFacts(r[0], _date(r[1]), _date(r[2]), *r[3:]) for r in cadres(lo=first, hi=last)),
                itemgetter(0))}
            facts = [make_household(row[0], zip(H_COLS, row[1:], strict=True), built.get(row[0], empty),
                                    complete=True, income=income.get(row[0]), conditions=conds.get(row[0]),
                                    measures=xs.get(row[0], empty), cadres=ks.get(row[0], empty))
                     for row in hh]
            current = [r for row in hh for r in member_rows.get(row[0], empty) if r[status] in (None, MEMBER_CURRENT)]
            return facts, {HOUSEHOLD: RowColumns(hh, _H_INDEX), MEMBER: RowColumns(current, _M_INDEX)}
        return load

    def _context(self, s: Session, scope: list[Any], whole_county: bool) -> CheckContext:
        """The year's settings and the county-wide facts rules compare a household with: ID numbers
        current in more than one household, cadres' ID numbers and shared phones."""
        year = self.db.data_year
        settings = self.settings.get(year)
        current = or_(Member.status.is_(None), Member.status == MEMBER_CURRENT)
        numbers = (select(Member.id_number, Member.household_id)
                   .join(Household, Household.id == Member.household_id)
                   .where(current, Member.id_number.is_not(None), Member.id_number != ""))
        # where a number is current: households, and who it is there (for the message)
        holders: dict[str, dict[str, str]] = defaultdict(dict)
        where = (select(Member.id_number, Household.household_no, Member.name, Township.name, Village.name)
                 .join(Household, Household.id == Member.household_id)
                 .join(Village, Village.id == Household.village_id)
                 .join(Township, Township.id == Village.township_id)
                 .where(current, Household.active.is_(True)))

        def hold(rows: Iterable[Any], keep: Callable[[str], bool]) -> None:
            for number, no, name, township, village in rows:
                key = id_key(number)
                if keep(key):
                    holders[key][no or ""] = f"{township or ''}{village or ''}，登记姓名 {name or '（空）'}"

        if whole_county:  # every current number of the county: those in more than one household
            rows = _Rows(s.connection(), numbers.where(Household.active.is_(True)))()
            keys = [n if n.isdigit() else id_key(n) for n, _ in rows]
            twice = {k for k, n in Counter(keys).items() if n > 1 and k}
            if twice:
                hids = sorted({hid for key, (_, hid) in zip(keys, rows, strict=True) if key in twice})
                for chunk in _chunks(hids):
                    hold(s.execute(where.where(Member.household_id.in_(chunk))), twice.__contains__)
        else:  # the scope's numbers, looked up in the whole county
            wanted = sorted({n for n, _ in s.execute(numbers.where(*scope))})
            for chunk in _chunks(wanted):
                hold(s.execute(where.where(Member.id_number.in_(chunk))), bool)
        cadre_ids: set[str] = set()
        phones: Counter[str] = Counter()
        for number, phone in s.execute(select(Cadre.id_number, Cadre.phone)):
            if number:
                cadre_ids.add(idnumber.normalise(number))
            if phone:
                phones[phone.strip()] += 1
        return CheckContext(
            year=year, settings=settings, settings_by_year=self.settings.by_year(),
            id_households={k: frozenset(v) for k, v in holders.items() if len(v) > 1},
            id_holders={k: dict(v) for k, v in holders.items() if len(v) > 1},
            cadre_ids=frozenset(cadre_ids),
            shared_cadre_phones=frozenset(p for p, n in phones.items() if n > 1))

    # ------------------------------------------------------------------ evaluating
    def evaluate(self, *, village_id: int | None = None, township_id: int | None = None,
                 household_id: int | None = None, progress: Progress | None = None,
                 cancel: CancelCheck | None = None) -> list[Finding]:
        """The catalogue's findings in a scope, without recording anything."""
        with self.db.reading() as s:
            return self._evaluate(s, village_id=village_id, township_id=township_id,
                                  household_id=household_id, progress=progress, cancel=cancel)[1]

    def _evaluate(self, s: Session, *, village_id: int | None, township_id: int | None,
                  household_id: int | None, progress: Progress | None,
                  cancel: CancelCheck | None) -> tuple[list[int], list[Finding]]:
        """The household ids evaluated and the findings.

        The households are loaded and checked a few thousand at a time, each batch dropped
        before the next is read: the working set stays small (a county at once is half a
        gigabyte of Python objects, and a fresh process pays for every page of it) and progress
        and cancel follow the households."""
        whole = village_id is None and township_id is None and household_id is None
        scope = self._scope(village_id=village_id, township_id=township_id, household_id=household_id)
        ids = [r[0] for r in _Rows(s.connection(), select(Household.id).where(*scope).order_by(Household.id))()]
        if household_id is not None and not ids and s.get(Household, household_id) is None:
            raise NotFound("household.missing", f"No household with id {household_id}.",
                           f"找不到编号为 {household_id} 的户。")
        year = self.db.data_year
        ctx = self._context(s, scope, whole)
        load = self._loader(s, scope, year, ctx.reference_date, whole)
        found: list[Finding] = []
        with _collector_paused():
            for start in range(0, len(ids), _BATCH):
                if cancel is not None and cancel():
                    raise Cancelled()
                batch = ids[start:start + _BATCH]
                facts, columns = load(batch[0], batch[-1])
                found += self._evaluator.run(facts, ctx, cancel=cancel, columns=columns)
                for h in facts:  # members point back at their household: break the cycles now
                    h.members = h.current = h.first_head = None
                del facts, columns
                if progress is not None:
                    progress(start + len(batch), len(ids))
        return ids, found

    # ------------------------------------------------------------------ running and tracking
    def run(self, *, village_id: int | None = None, township_id: int | None = None,
            household_id: int | None = None, progress: Progress | None = None,
            cancel: CancelCheck | None = None) -> CheckRunResult:
        """Evaluate a scope and record it: new problems open, fixed ones are rectified, open ones
        are kept (never duplicated). One transaction: a cancelled run writes nothing."""
        t0 = time.perf_counter()
        scope_name = (f"household:{household_id}" if household_id is not None
                      else f"village:{village_id}" if village_id is not None
                      else f"township:{township_id}" if township_id is not None else "county")
        with self.db.transaction(lock="check") as s:  # one run at a time, locked before it reads
            household_ids, found = self._evaluate(s, village_id=village_id, township_id=township_id,
                                                  household_id=household_id, progress=progress, cancel=cancel)
            if cancel is not None and cancel():
                raise Cancelled()
            run = CheckRun(user=self.db.user, scope=scope_name, catalogue_version=CATALOGUE_VERSION)
            s.add(run)
            s.flush()
            with _collector_paused():
                opened, rectified, lapsed, still_open = self._track(s, run.id, household_ids, found)
            by_rule = Counter(f.rule.code for f in found)
            errors = sum(1 for f in found if f.rule.severity == "error")
            seconds = round(time.perf_counter() - t0, 3)
            counts = {"households": len(household_ids), "findings": len(found), "opened": opened,
                      "rectified": rectified, "lapsed": lapsed, "still_open": still_open, "errors": errors,
                      "warnings": len(found) - errors, "seconds": seconds}
            run.counts = counts
            run.finished_at = utcnow()
            return CheckRunResult(run.id, scope_name, len(household_ids), len(found), opened, rectified,
                                  still_open, errors, len(found) - errors, seconds, dict(by_rule), lapsed)

    def run_household(self, household_id: int) -> list[ProblemRecord]:
        """Re-check one household after an edit; returns its open problems."""
        self.run(household_id=household_id)
        return self.open_problems(household_id)

    def _track(self, s: Session, run_id: int, household_ids: list[int],
               found: list[Finding]) -> tuple[int, int, int, int]:
        """Record a run's findings: (opened, rectified, lapsed, still open)."""
        # fingerprint -> id, status, message_zh, household, opened at, (category, severity, fields)
        known: dict[str, tuple[int, str, str, int, dt.datetime, tuple[str, str, str]]] = {}
        stmt = select(Problem.id, Problem.fingerprint, Problem.status, Problem.message_zh,
                      Problem.household_id, Problem.opened_at, Problem.category, Problem.severity,
                      Problem.fields).where(Problem.status.in_((OPEN, ACCEPTED)))
        if len(household_ids) <= _CHUNK:  # one household or a village; else read them all
            stmt = stmt.where(Problem.household_id.in_(household_ids))
        for pid, fp, st, msg, hid, opened, *kind in s.execute(stmt):
            known[fp] = (pid, st, msg, hid, opened, tuple(kind))  # type: ignore[arg-type]
        in_scope = set(household_ids)
        books = self.db.codebook()
        now = utcnow()
        user = self.db.user
        new_rows: list[dict[str, Any]] = []
        seen: set[str] = set()
        still_open: list[int] = []
        changed: list[dict[str, Any]] = []
        for f in found:
            fp = f.fingerprint
            if fp in seen:
                continue
            seen.add(fp)
            hit = known.get(fp)
            r = f.rule
            if hit is not None:
                zh = f.message("zh", books)
                kind = (r.category, r.severity, ",".join(r.fields))
                if hit[1] == OPEN:
                    still_open.append(hit[0])
                if zh != hit[2] or kind != hit[5]:  # new values, or the catalogue re-filed the rule
                    changed.append({"id": hit[0], "message_zh": zh, "message_en": f.message("en", books),
                                    "values": _json_safe(f.values), "category": kind[0], "severity": kind[1],
                                    "fields": kind[2]})
                continue
            new_rows.append({"rule": r.code, "category": r.category, "severity": r.severity,
                             "household_id": f.household_id, "member_id": f.member_id, "fingerprint": fp,
                             "fields": ",".join(r.fields), "message_zh": f.message("zh", books),
                             "message_en": f.message("en", books), "values": _json_safe(f.values),
                             "status": OPEN, "first_run_id": run_id, "last_run_id": run_id,
                             "opened_at": now})
        if new_rows:
            ids = s.execute(insert(Problem).returning(Problem.id), new_rows).scalars().all()
            s.execute(insert(ProblemEvent), [{"problem_id": pid, "at": now, "user": user, "old_status": None,
                                              "new_status": OPEN, "note": "检查发现"} for pid in ids])
        for chunk in _chunks(still_open, 5000):
            s.execute(update(Problem).where(Problem.id.in_(chunk)).values(last_run_id=run_id))
        if changed:
            s.execute(update(Problem), changed)
        gone = [(pid, hid, opened) for fp, (pid, st, _m, hid, opened, _k) in known.items()
                if st == OPEN and hid in in_scope and fp not in seen]
        if gone:
            edits = self._last_edits(s, sorted({hid for _p, hid, _o in gone}))
            closing = []
            for pid, hid, opened in gone:
                edit = edits.get(hid)
                if edit is not None and edit[1] >= opened:  # the household was edited since: credit the editor
                    closing.append((pid, RECTIFIED, edit[0], CORRECTED_RESOLUTION))
                else:  # the data did not change: a year setting or the rule did
                    closing.append((pid, LAPSED, user, LAPSED_RESOLUTION))
            s.execute(update(Problem), [
                {"id": pid, "status": status, "closed_at": now, "closed_by": who, "resolution": why,
                 "last_run_id": run_id} for pid, status, who, why in closing])
            s.execute(insert(ProblemEvent), [
                {"problem_id": pid, "at": now, "user": who, "old_status": OPEN, "new_status": status,
                 "note": f"第 {run_id} 次检查：{why}"} for pid, status, who, why in closing])
        lapsed = sum(1 for c in closing if c[1] == LAPSED) if gone else 0
        return len(new_rows), len(gone) - lapsed, lapsed, len(still_open)

    @staticmethod
    def _last_edits(s: Session, household_ids: list[int]) -> dict[int, tuple[str, dt.datetime]]:
        """Who last edited each household, and when: the person credited with rectifying its
        problems, if that was after the problem was found."""
        out: dict[int, tuple[str, dt.datetime]] = {}
        for chunk in _chunks(household_ids):
            latest = (select(ChangeLog.household_id, func.max(ChangeLog.id).label("last"))
                      .where(ChangeLog.household_id.in_(chunk)).group_by(ChangeLog.household_id).subquery())
            stmt = (select(ChangeLog.household_id, ChangeLog.user, ChangeLog.at)
                    .join(latest, ChangeLog.id == latest.c.last))
            for hid, user, at in s.execute(stmt):
                out[hid] = (user, at)
        return out

    # ------------------------------------------------------------------ decisions on problems
    def accept(self, problem_id: int, reason: str) -> ProblemRecord:
        """Accept an open problem as an exception (a reviewer's decision, with the reason)."""
        self._users.require(DECIDES_EXCEPTIONS, "accept a problem as an exception", "认定问题为例外")
        reason = _within_limit((reason or "").strip(), "reason", "理由")
        if not reason:
            raise InvalidValue("problem.reason", "Give a reason for accepting the exception.",
                               "请填写认定为例外的理由。")
        return self._set_status(problem_id, ACCEPTED, reason, expect=OPEN)

    def reopen(self, problem_id: int, note: str = "") -> ProblemRecord:
        """Withdraw an accepted exception; the problem is open again."""
        self._users.require(DECIDES_EXCEPTIONS, "withdraw an accepted exception", "撤销例外认定")
        return self._set_status(problem_id, OPEN, _within_limit(note.strip(), "reason", "理由") or "撤销例外认定",
                                expect=ACCEPTED)

    def _set_status(self, problem_id: int, status: str, note: str, *, expect: str) -> ProblemRecord:
        with self.db.transaction() as s:
            p = s.get(Problem, problem_id)
            if p is None:
                raise NotFound("problem.missing", f"No problem with id {problem_id}.", f"找不到问题 {problem_id}。")
            if p.status != expect:
                raise Conflict("problem.status", f"The problem is {p.status}, not {expect}.",
                               f"该问题当前状态为“{p.status}”，不能执行此操作。")
            if status == OPEN and s.scalar(select(Problem.id).where(
                    Problem.fingerprint == p.fingerprint, Problem.status == OPEN)) is not None:
                raise Conflict("problem.duplicate", "The same problem is already open.", "同一问题已处于未整改状态。")
            now = utcnow()
            s.add(ProblemEvent(problem_id=p.id, at=now, user=self.db.user, old_status=p.status,
                               new_status=status, note=note))
            p.status = status
            if status == OPEN:
                p.closed_at = p.closed_by = p.resolution = None
            else:
                p.closed_at, p.closed_by, p.resolution = now, self.db.user, note
            s.flush()
        return self.problem(problem_id)

    def set_remark(self, problem_id: int, remark: str) -> ProblemRecord:
        """The village team's note on a problem (printed in the lists' remark column)."""
        with self.db.transaction() as s:
            p = s.get(Problem, problem_id)
            if p is None:
                raise NotFound("problem.missing", f"No problem with id {problem_id}.", f"找不到问题 {problem_id}。")
            text = _within_limit((remark or "").strip(), "remark", "村组备注") or None
            if text != p.remark:  # kept in the problem's history, so an overwritten remark is not lost
                s.add(ProblemEvent(problem_id=p.id, at=utcnow(), user=self.db.user, old_status=p.status,
                                   new_status=p.status, note=f"村组备注：{text or '（清空）'}"[:NOTE_LIMIT]))
            p.remark = text
        return self.problem(problem_id)

    # ------------------------------------------------------------------ queries
    def _select(self) -> Select[Any]:
        return (select(Problem.id, Problem.rule, Problem.category, Problem.severity, Problem.household_id,
                       Household.household_no, Problem.member_id, Member.name, Member.id_number,
                       Problem.fields, Problem.message_zh, Problem.message_en, Problem.status,
                       Problem.opened_at, Problem.closed_at, Problem.closed_by, Problem.resolution,
                       Problem.remark, Township.name, Village.name, Household.head_name)
                .join(Household, Household.id == Problem.household_id)
                .join(Village, Village.id == Household.village_id)
                .join(Township, Township.id == Village.township_id)
                .outerjoin(Member, Member.id == Problem.member_id))

    @staticmethod
    def _record(r: Any) -> ProblemRecord:
        return ProblemRecord(id=r[0], rule=r[1], category=r[2], severity=r[3], household_id=r[4],
                             household_no=r[5], member_id=r[6], member_name=r[7], id_number=r[8],
                             fields=tuple(x for x in (r[9] or "").split(",") if x), message_zh=r[10],
                             message_en=r[11], status=r[12], opened_at=r[13], closed_at=r[14],
                             closed_by=r[15], resolution=r[16], remark=r[17], township=r[18] or "",
                             village=r[19] or "", head_name=r[20] or "")

    def problems(self, query: ProblemQuery = ProblemQuery()) -> list[ProblemRecord]:
        """Problems ordered by township, village, household number, rule."""
        stmt = self._select().where(Household.active.is_(True))
        q = query
        if q.household_id is not None:
            stmt = stmt.where(Problem.household_id == q.household_id)
        if q.village_id is not None:
            stmt = stmt.where(Household.village_id == q.village_id)
        if q.township_id is not None:
            stmt = stmt.where(Village.township_id == q.township_id)
        for col, value in ((Problem.category, q.category), (Problem.rule, q.rule),
                           (Problem.severity, q.severity), (Problem.status, q.status)):
            if value:
                stmt = stmt.where(col == value)
        stmt = stmt.order_by(Township.code, Village.code, Household.household_no, Problem.rule, Problem.id)
        if q.limit:
            stmt = stmt.limit(q.limit)
        with self.db.reading() as s:
            return [self._record(r) for r in s.execute(stmt)]

    def problem(self, problem_id: int) -> ProblemRecord:
        with self.db.reading() as s:
            r = s.execute(self._select().where(Problem.id == problem_id)).first()
        if r is None:
            raise NotFound("problem.missing", f"No problem with id {problem_id}.", f"找不到问题 {problem_id}。")
        return self._record(r)

    def open_problems(self, household_id: int) -> list[ProblemRecord]:
        """A household's open problems (the detail view and the printed form show them)."""
        return self.problems(ProblemQuery(household_id=household_id, status=OPEN))

    def open_problem_counts(self) -> dict[int, int]:
        """village_id -> number of open problems (the navigator shows them)."""
        stmt = (select(Household.village_id, func.count(Problem.id))
                .join(Household, Household.id == Problem.household_id)
                .where(Problem.status == OPEN, Household.active.is_(True))
                .group_by(Household.village_id))
        with self.db.reading() as s:
            return {vid: n for vid, n in s.execute(stmt)}

    def exit_blockers(self, household_id: int) -> list[ProblemRecord]:
        """Open problems that stop this household being marked exited."""
        rules = by_code()
        return [p for p in self.open_problems(household_id) if p.rule in rules and rules[p.rule].blocks_exit]

    def signoff_blockers(self, household_ids: Iterable[int] | None = None) -> list[ProblemRecord]:
        """Open problems that stop a monthly package being signed off."""
        rules = by_code()
        wanted = None if household_ids is None else set(household_ids)
        return [p for p in self.problems(ProblemQuery(status=OPEN))
                if (wanted is None or p.household_id in wanted)
                and p.rule in rules and rules[p.rule].blocks_signoff]

    def history(self, problem_id: int) -> list[ProblemEventRecord]:
        with self.db.reading() as s:
            rows = s.scalars(select(ProblemEvent).where(ProblemEvent.problem_id == problem_id)
                             .order_by(ProblemEvent.at, ProblemEvent.id))
            return [ProblemEventRecord(e.id, e.problem_id, e.at, e.user, e.old_status, e.new_status, e.note)
                    for e in rows]

    def summary(self, query: ProblemQuery = ProblemQuery()) -> dict[str, Any]:
        """Counts by severity, category and rule of the problems a query selects."""
        items = self.problems(query)
        return {"total": len(items),
                "by_severity": dict(Counter(p.severity for p in items)),
                "by_category": dict(Counter(p.category for p in items)),
                "by_rule": dict(sorted(Counter(p.rule for p in items).items()))}

    def last_run(self) -> dict[str, Any] | None:
        with self.db.reading() as s:
            r = s.scalars(select(CheckRun).where(CheckRun.scope == "county")
                          .order_by(CheckRun.id.desc()).limit(1)).first()
            if r is None:
                return None
            return {"id": r.id, "started_at": r.started_at, "finished_at": r.finished_at, "user": r.user,
                    "counts": dict(r.counts or {})}

    @staticmethod
    def rules() -> tuple:  # type: ignore[type-arg]
        return catalogue()

    def village_id_for_code(self, code: str) -> int | None:
        with self.db.reading() as s:
            return s.scalar(select(Village.id).where(and_(Village.code == code)))

    def place_names(self, township_id: int | None = None) -> list[str]:
        """Every township of the county in code order, or every village of one township: the
        columns of a problem list's summary, so places without problems show their 0."""
        with self.db.reading() as s:
            if township_id is None:
                return list(s.scalars(select(Township.name).order_by(Township.code)))
            return list(s.scalars(select(Village.name).where(Village.township_id == township_id)
                                  .order_by(Village.code)))

    def township_id_for_code(self, code: str) -> int | None:
        with self.db.reading() as s:
            return s.scalar(select(Township.id).where(Township.code == code))
