"""Runs the rule catalogue over the county (columns loaded once) or one household, and tracks problems."""

from __future__ import annotations

import contextlib
import datetime as dt
import gc
import json
import os
import time
from bisect import bisect_left, bisect_right
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from functools import partial
from itertools import groupby
from operator import attrgetter, itemgetter
from typing import Any, TypeVarTuple

from sqlalchemy import (
    BindParameter,
    ColumnElement,
    Select,
    String,
    Text,
    and_,
    bindparam,
    case,
    cast,
    func,
    insert,
    literal,
    literal_column,
    null,
    or_,
    select,
    update,
)
from sqlalchemy.orm import Session

from povdesk.db.base import utcnow
from povdesk.db.engine import make_engine, make_session_factory
from povdesk.db.fast import (
    RawSelect,
    bulk_insert,
    driver_value,
    indexes_dropped,
    json_text,
    raw_rows,
)
from povdesk.db.models import (
    Cadre,
    ChangeLog,
    CheckRun,
    Conditions,
    Household,
    Income,
    Measure,
    Member,
    Meta,
    Pairing,
    Problem,
    ProblemEvent,
    RuleSwitch,
    Township,
    Village,
    YearSetting,
)
from povdesk.domain import dictionary as dd
from povdesk.domain import idnumber
from povdesk.domain.codelists import CodeBook
from povdesk.domain.dictionary import Entity
from povdesk.domain.meanings import CURRENT_MEMBER_STATUSES
from povdesk.domain.records import ProblemRecord, YearSettingRecord
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
    ERROR,
    HOUSEHOLD,
    MEMBER,
    CadreFacts,
    CheckContext,
    Finding,
    HouseholdFacts,
    MeasureFacts,
    MemberFacts,
    Renderer,
    Rule,
    fingerprint,
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
from povdesk.domain.rules.catalogue import (
    not_run as rules_not_run,
)
from povdesk.domain.yearsettings import DEFAULT_DATA_YEAR
from povdesk.errors import Cancelled, Conflict, InvalidValue, NotFound
from povdesk.services import audit, member_years
from povdesk.services.database import Database
from povdesk.services.settings import YearSettingsService
from povdesk.services.users import UserService

Progress = Callable[[int, int], None]
CancelCheck = Callable[[], bool]
_Ts = TypeVarTuple("_Ts")

_CHUNK = 900  # ids per IN (...) list
_BATCH = 2000  # households loaded and checked at a time
#: A run over at least this many households shares its work with a helper process on a machine of
#: two cores or more (`CheckService._helper_wanted`); below it the helper's start-up (about a second
#: of the other core) would not be repaid.
HELPER_MIN_HOUSEHOLDS = 8_000
#: True or False: a run always (where the database allows it) or never uses the helper, whatever
#: its size and the cores (tests); None: by `HELPER_MIN_HOUSEHOLDS` and the cores
USE_HELPER: bool | None = None


def _cores() -> int:
    """The processor cores this process may run on."""
    affinity = getattr(os, "sched_getaffinity", None)
    return len(affinity(0)) if affinity is not None else (os.cpu_count() or 1)


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
#: the yes/no columns of each table the loader reads (SQLite's driver gives them as 1/0)
_H_BOOLS = tuple(c for c in H_COLS if dd.field(f"household.{c}").type == dd.FieldType.BOOL)
_M_BOOLS = tuple(c for c in M_COLS if dd.field(f"member.{c}").type == dd.FieldType.BOOL)
_C_BOOLS = tuple(c for c in C_COLS if dd.field(f"conditions.{c}").type == dd.FieldType.BOOL)


class _Bools(dict[Any, Any]):
    def __missing__(self, value: Any) -> Any:  # (a value SQLite holds other than 0/1)
        return bool(value)


_BOOL = _Bools({0: False, 1: True, None: None}).__getitem__


def _as_bool(facts: dict[str, Any], columns: tuple[str, ...]) -> None:
    """`columns` of `facts` (a record built from a raw SQLite row) as Python bools."""
    facts.update(zip(columns, map(_BOOL, map(facts.__getitem__, columns)), strict=True))


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
    #: the rules not run on the data year, with why (English): out of their year range, switched
    #: off by the office, or their data (yearly snapshots) not held
    not_run: Mapping[str, str] = field(default_factory=dict)


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


#: A rule firing on more than this share of its households or members (in the place looked at) is
#: shown as one grouped line: a column missing from the import, not separate mistakes ...
AVALANCHE_SHARE = 0.5
#: ... when it fires at least this often (a rule firing on 4 of 6 households is no avalanche)
AVALANCHE_MINIMUM = 50


@dataclass(frozen=True)
class Avalanche:
    """A rule that fires on most of the households (scope "household") or current members
    ("member") of a place: `fired` of `population`."""

    rule: str
    scope: str
    fired: int
    population: int

    @property
    def share(self) -> float:
        return self.fired / self.population if self.population else 0.0


#: the order problems are listed in
_ORDER = (Township.code, Village.code, Household.household_no, Problem.rule, Problem.id)
#: what `count_problems` can count by: a problem column, or the place (township and village
#: names, in code order)
_BY = {"status": (Problem.status,), "severity": (Problem.severity,), "category": (Problem.category,),
       "rule": (Problem.rule,), "township": (Township.name,), "village": (Township.name, Village.name)}


def _chunks(items: Sequence[Any], size: int = _CHUNK) -> Iterable[Sequence[Any]]:
    for i in range(0, len(items), size):
        yield items[i:i + size]


#: the types JSON holds as they are: values of only these are stored without `_json_safe`'s copy
_PLAIN = frozenset({str, int, float, bool, type(None)})


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


#: A finding as a problem records it: the columns of `_NEW_COLUMNS` up to `values` (rule, category,
#: severity, household_id, member_id, fingerprint, fields, message_zh, message_en, values as JSON
#: text), plain values only, so a batch checked in another process is sent as it is
Row = tuple[str, str, str, int, "int | None", str, str, str, str, "str | None"]
_FINGERPRINT = 5  # a row's fingerprint


@dataclass(frozen=True, slots=True)
class Prepared:
    """One batch of households checked and made ready to record: a row per problem found (each
    fingerprint once, in the order found) and the counts of every finding."""

    rows: list[Row]
    findings: int
    by_rule: dict[str, int]
    errors: int


def prepare(found: Sequence[Finding], render: Renderer) -> Prepared:
    """A batch's findings as rows ready to record: the pure part of recording, done where the batch
    was checked (both messages, the values' JSON text)."""
    rows: list[Row] = []
    seen: set[str] = set()
    kinds: dict[str, tuple[str, str, str]] = {}
    both = render.both
    for f in found:
        r = f.rule
        fp = fingerprint(r.code, f.household_id, f.member_id)
        if fp in seen:
            continue
        seen.add(fp)
        kind = kinds.get(r.code)
        if kind is None:
            kind = kinds[r.code] = (r.category, r.severity, ",".join(r.fields))
        values = f.values
        zh, en = both(r, values)
        rows.append((r.code, kind[0], kind[1], f.household_id, f.member_id, fp, kind[2], zh, en,
                     json_text(values if all(map(_PLAIN.__contains__, map(type, values.values())))
                               else _json_safe(values))))
    by_rule = Counter(map(_RULE_CODE, found))  # (every finding, a repeated one too)
    errors = sum(n for code, n in by_rule.items() if kinds[code][1] == ERROR)
    return Prepared(rows, len(found), dict(by_rule), errors)


_RULE_CODE = attrgetter("rule.code")


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
            if hid is not None:  # never (the ids asked for), but the column may hold none
                out[hid] = (user, at)
    return out


_P = Problem.__table__.c
_E = ProblemEvent.__table__.c
#: a known problem's text and filing, by id (executemany through the core, one statement)
#: the columns of a problem found for the first time, in `_Tracker.record`'s order
_NEW_COLUMNS = ("rule", "category", "severity", "household_id", "member_id", "fingerprint", "fields", "message_zh",
                "message_en", "values", "status", "first_run_id", "last_run_id", "opened_at")
_UPDATE_TEXT = (update(Problem.__table__).where(_P.id == bindparam("b_id"))
                .values(message_zh=bindparam("b_zh"), message_en=bindparam("b_en"), values=bindparam("b_values"),
                        category=bindparam("b_category"), severity=bindparam("b_severity"),
                        fields=bindparam("b_fields")))
_CLOSE = (update(Problem.__table__).where(_P.id == bindparam("b_id"))
          .values(status=bindparam("b_status"), closed_at=bindparam("b_at"), closed_by=bindparam("b_by"),
                  resolution=bindparam("b_why"), last_run_id=bindparam("b_run")))


class _Tracker:
    """Records a run's findings one batch of households at a time, every scope the same way (one
    household, a batch of approvals, the county): the batch's rows (`prepare`) are compared with
    its open and accepted problems, read by key (fingerprint, id, message, filing), and the
    differences written in bulk (core executemany; the opening events by one INSERT ... SELECT
    at the end). Nothing county-wide is held but the counts."""

    def __init__(self, s: Session, run_id: int, user: str, *, fresh: bool = False) -> None:
        self.s = s
        self.conn = s.connection()
        self.run_id = run_id
        self.user = user
        self.now = utcnow()
        self.opened = self.rectified = self.lapsed = self.still_open = 0
        #: no problem was open or accepted when the run began (a first run): nothing to compare with
        self.fresh = fresh
        self._time: Callable[[Any], Any] | None = None

    def _known(self, household_ids: list[int]) -> dict[str, tuple[int, str, str, int, dt.datetime,
                                                                   tuple[str, str, str]]]:
        """fingerprint -> id, status, message_zh, household, opened at, (category, severity, fields)
        of the batch's open and accepted problems."""
        if self.fresh:  # (batches are disjoint: this run's own problems are never another batch's)
            return {}
        # the status compared as an expression the planner leaves alone: on the status index SQLite
        # walked every open problem of the county for each batch, or for one household's re-check
        # (a re-run of a million problems: 26 walks), where the household index reads the batch's own
        stmt = select(_P.id, _P.fingerprint, _P.status, _P.message_zh, _P.household_id, _P.opened_at,
                      _P.category, _P.severity, _P.fields).where(or_(func.coalesce(_P.status, "") == OPEN,
                                                                     func.coalesce(_P.status, "") == ACCEPTED))
        rows: Iterable[Any]
        if len(household_ids) <= _CHUNK:
            rows = self.conn.execute(stmt.where(_P.household_id.in_(household_ids)))
        else:  # a batch is a run of ascending ids: the ones between that are not in it are ignored
            # the driver's rows (SQLite: times as text, made datetimes only for the problems
            # that close, `_opened_at`): a re-run reads every open problem of the county
            rows = raw_rows(self.conn, stmt.where(_P.household_id.between(household_ids[0], household_ids[-1])))
        known = {}
        for pid, fp, st, msg, hid, opened, *kind in rows:
            known[fp] = (pid, st, msg, hid, opened, tuple(kind))
        return known

    def _opened_at(self, value: Any) -> Any:
        """A problem's opening time as read (from a raw SQLite row: text) as a datetime."""
        if not isinstance(value, str):
            return value
        if self._time is None:
            dialect = self.conn.dialect
            self._time = _P.opened_at.type.dialect_impl(dialect).result_processor(dialect, None)
        return value if self._time is None else self._time(value)

    def record(self, household_ids: list[int], batch: Prepared) -> None:
        """Record one batch: its households' problems found (`prepare`d rows) against their open
        and accepted problems."""
        if not household_ids:
            return
        known = self._known(household_ids)
        run_id, now = self.run_id, self.now
        opened_at = driver_value(self.conn, _P.opened_at, now)  # (the same for every new problem)
        new = (OPEN, run_id, run_id, opened_at)
        still_open: list[int] = []
        changed: list[dict[str, Any]] = []
        if known:
            new_rows: list[tuple[Any, ...]] = []
            for row in batch.rows:
                hit = known.get(row[5])  # (the fingerprint)
                if hit is None:
                    new_rows.append(row + new)
                    continue
                if hit[1] == OPEN:
                    still_open.append(hit[0])
                kind = (row[1], row[2], row[6])
                if row[7] != hit[2] or kind != hit[5]:  # new values, or the catalogue re-filed the rule
                    changed.append({"b_id": hit[0], "b_zh": row[7], "b_en": row[8],
                                    "b_values": json.loads(row[9] or "null"), "b_category": kind[0],
                                    "b_severity": kind[1], "b_fields": kind[2]})
        else:  # a first run, or a batch with nothing open: every row is a new problem
            new_rows = [row + new for row in batch.rows]
        conn = self.conn
        bulk_insert(conn, Problem.__table__, _NEW_COLUMNS, new_rows, ready=("values", "opened_at"))
        for chunk in _chunks(still_open, 5000):
            conn.execute(update(Problem.__table__).where(_P.id.in_(chunk)).values(last_run_id=run_id))
        if changed:
            conn.execute(_UPDATE_TEXT, changed)
        in_scope = set(household_ids)
        seen = set(map(itemgetter(_FINGERPRINT), batch.rows)) if known else set()
        gone = [(pid, hid, opened) for fp, (pid, st, _m, hid, opened, _k) in known.items()
                if st == OPEN and hid in in_scope and fp not in seen]
        if gone:
            edits = _last_edits(self.s, sorted({hid for _p, hid, _o in gone}))
            closing = []
            for pid, hid, opened in gone:
                edit = edits.get(hid)
                if edit is not None and edit[1] >= self._opened_at(opened):  # the household was edited since: credit the editor
                    closing.append((pid, RECTIFIED, edit[0], CORRECTED_RESOLUTION))
                    self.rectified += 1
                else:  # the data did not change: a year setting or the rule did
                    closing.append((pid, LAPSED, self.user, LAPSED_RESOLUTION))
                    self.lapsed += 1
            conn.execute(_CLOSE, [{"b_id": pid, "b_status": status, "b_at": now, "b_by": who, "b_why": why,
                                   "b_run": run_id} for pid, status, who, why in closing])
            conn.execute(insert(ProblemEvent.__table__), [
                {"problem_id": pid, "at": now, "user": who, "old_status": OPEN, "new_status": status,
                 "note": f"第 {run_id} 次检查：{why}"} for pid, status, who, why in closing])
        self.opened += len(new_rows)
        self.still_open += len(still_open)

    def finish(self) -> None:
        """The opening event of every problem this run opened, in one statement."""
        if self.opened:
            self.conn.execute(insert(ProblemEvent.__table__).from_select(
                ["problem_id", "at", "user", "old_status", "new_status", "note"],
                select(_P.id, literal(self.now, ProblemEvent.__table__.c.at.type), literal(self.user, String()),
                       null(), literal(OPEN, String()), literal("检查发现", String()))
                .where(_P.first_run_id == self.run_id).order_by(_P.id)))


@dataclass(frozen=True)
class _CountyFacts:
    """The part of a check context that does not depend on the households checked (the year's
    settings, the cadres' ID numbers and shared phones), with the rows it was built from: a run
    reads those rows again (a few thousand short ones, read in a millisecond or two) and builds
    the facts only when they differ, so an edited setting or cadre is seen by the very next run."""

    year: int
    setting_rows: Sequence[Any]
    cadre_rows: Sequence[Any]
    settings: YearSettingRecord
    settings_by_year: Mapping[int, YearSettingRecord]
    cadre_ids: frozenset[str]
    shared_cadre_phones: frozenset[str]
    #: the office's rule switches of the year (rule -> run), and the rows they come from
    switch_rows: Sequence[Any] = ()
    rule_switches: Mapping[str, bool] = field(default_factory=dict)


#: the year settings' columns, all of them: the cached context is keyed by every figure
_SETTING_ROWS = select(*YearSetting.__table__.c).order_by(YearSetting.year)
_CADRE_ROWS = select(Cadre.id_number, Cadre.phone).order_by(Cadre.id)
_SWITCH_ROWS = select(RuleSwitch.year, RuleSwitch.rule, RuleSwitch.enabled).order_by(RuleSwitch.year, RuleSwitch.rule)


@dataclass(frozen=True)
class _HelperJob:
    """What the helper process of a run needs to prepare its batches (sent by pickle): the
    database, the scope, the check context built by the run and the code book of its messages."""

    url: str
    lock_wait: float
    user: str
    village_id: int | None
    township_id: int | None
    whole: bool
    year: int
    context: CheckContext
    codebook: CodeBook
    #: the first and last household id of each batch
    bounds: list[tuple[int, int]]


@contextlib.contextmanager
def _helper_steps(job: _HelperJob) -> Iterator[Callable[[int], Prepared]]:
    """The helper process's side of a run (`batch_helper`): `step(i)` prepares batch i exactly as
    the run's own `_step` does, reading through a connection of its own in one read snapshot."""
    engine = make_engine(job.url, lock_wait=job.lock_wait)
    try:
        db = Database(engine, make_session_factory(engine), job.user, lock_wait=job.lock_wait)
        checks = CheckService(db=db)
        with db.reading(snapshot=True) as s:
            scope = checks._scope(village_id=job.village_id, township_id=job.township_id)
            step = checks._step(s, scope, job.year, job.context, job.whole, None, job.codebook)
            yield lambda i: step(*job.bounds[i])
    finally:
        engine.dispose()


class CheckService:
    def __init__(self, *, db: Database, settings: YearSettingsService | None = None) -> None:
        self.db = db
        self.settings = settings or YearSettingsService(db=db)
        self._users = UserService(db=db)
        self._evaluator = self._catalogue = Evaluator()
        #: the county-wide facts of the last run, keyed by the rows they were built from
        self._county: _CountyFacts | None = None
        #: selects compiled once (a few households' loader, the rows keying `_county`), by shape
        self._compiled: dict[tuple[Any, ...], RawSelect] = {}

    def _raw(self, s: Session, key: tuple[Any, ...], build: Callable[[], Select[*tuple[Any, ...]]]) -> RawSelect:
        """`build()`'s select compiled once per shape `key` (this service works on one database)
        and bound to the session's connection: an approval re-checks one household, and compiling
        its seven selects cost more than running them."""
        conn = s.connection()
        key = (conn.dialect.name, *key)
        raw = self._compiled.get(key)
        if raw is None:
            if len(self._compiled) >= 64:  # shapes differ by the number of households only
                self._compiled.clear()
            raw = self._compiled[key] = RawSelect(conn, build())
        return raw.on(conn)

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

    def _loader(self, s: Session, scope: list[Any], year: int, on: dt.date, whole_county: bool,
                chosen: Sequence[int] | None = None
                ) -> Callable[[int, int], tuple[list[HouseholdFacts], dict[str, RowColumns]]]:
        """A function loading the households in scope whose ids lie in [first, last] with their members,
        income, conditions, measures and cadres: one query per table, grouped by household in
        Python. It also returns the fetched rows of the households and of their current members,
        in the evaluator's order, for its gates.

        A scope of chosen households (`chosen`, ascending: one household, or the households of a
        batch of approvals) is read by their ids, with selects compiled once per batch size; any
        other scope by the range of ids a batch spans."""
        conn = s.connection()
        lo: BindParameter[int] = bindparam("lo")
        hi: BindParameter[int] = bindparam("hi")
        in_scope = select(Household.id).where(*scope)
        tables = self._tables(year)

        if chosen is not None:
            picked = chosen

            def load_rows(first: int, last: int) -> dict[str, Sequence[Any]]:
                batch = picked[bisect_left(picked, first):bisect_right(picked, last)]
                n = len(batch)
                bounds = {f"h{i}": hid for i, hid in enumerate(batch)}
                out = {}
                for name, (stmt, household_id) in tables.items():
                    def build(stmt: Select[*tuple[Any, ...]] = stmt, household_id: Any = household_id
                              ) -> Select[*tuple[Any, ...]]:
                        return stmt.where(household_id.in_([bindparam(f"h{i}") for i in range(n)]))
                    out[name] = self._raw(s, ("loader", year, name, n), build)(**bounds)
                return out
        else:
            def rows(stmt: Select[*tuple[Any, ...]], household_id: Any) -> RawSelect:
                stmt = stmt.where(household_id.between(lo, hi))
                if household_id is Household.id:
                    return RawSelect(conn, stmt.where(*scope))
                return RawSelect(conn, stmt if whole_county else stmt.where(household_id.in_(in_scope)))

            ranged = {name: rows(stmt, household_id) for name, (stmt, household_id) in tables.items()}

            def load_rows(first: int, last: int) -> dict[str, Sequence[Any]]:
                return {name: select_(lo=first, hi=last) for name, select_ in ranged.items()}

        status = M_COLS.index("status") + 2
        empty: list[Any] = []
        # SQLite's driver gives yes/no columns as 1/0: the facts (and so the values findings show)
        # get Python bools, as PostgreSQL's driver gives them
        as_bool = _as_bool if conn.dialect.name == "sqlite" else None

        def load(first: int, last: int) -> tuple[list[HouseholdFacts], dict[str, RowColumns]]:
            got = load_rows(first, last)
            hh = got["households"]
            # rows come ordered by household: grouped at C speed; members are built only for
            # households in scope
            member_rows = {hid: list(rs) for hid, rs in groupby(got["members"], itemgetter(1))}
            built: dict[int, list[MemberFacts]] = {}
            for row in hh:
                rs = member_rows.get(row[0])
                if rs is not None:
                    built[row[0]] = [make_member(r[0], zip(M_COLS, r[2:], strict=False), on, complete=True)
                                     for r in rs]
                    if as_bool is not None:
                        for m in built[row[0]]:
                            as_bool(m, _M_BOOLS)
            income = {r[0]: dict(zip(I_COLS, r[1:], strict=True)) for r in got["incomes"]}
            conds = {r[0]: dict(zip(C_COLS, r[1:], strict=True)) for r in got["conditions"]}
            if as_bool is not None:
                for c in conds.values():
                    as_bool(c, _C_BOOLS)
            # measures and cadres as tuples straight from the rows (~5 measures a household)
            xs = {hid: list(g) for hid, g in groupby(map(_MEASURE, got["measures"]), itemgetter(0))}
            ks = {hid: list(g) for hid, g in groupby(
                (CadreFacts(r[0], _date(r[1]), _date(r[2]), *r[3:]) for r in got["cadres"]),
                itemgetter(0))}
            facts = [make_household(row[0], zip(H_COLS, row[1:], strict=True), built.get(row[0], empty),
                                    complete=True, income=income.get(row[0]), conditions=conds.get(row[0]),
                                    measures=xs.get(row[0], empty), cadres=ks.get(row[0], empty))
                     for row in hh]
            if as_bool is not None:
                for h in facts:
                    as_bool(h, _H_BOOLS)
            current = [r for row in hh for r in member_rows.get(row[0], empty) if r[status] in CURRENT_MEMBER_STATUSES]
            return facts, {HOUSEHOLD: RowColumns(hh, _H_INDEX), MEMBER: RowColumns(current, _M_INDEX)}
        return load

    @staticmethod
    def _tables(year: int) -> dict[str, tuple[Select[*tuple[Any, ...]], Any]]:
        """The loader's select of each table (without the households it reads), and the column
        naming the household."""
        return {
            "households": (select(Household.id, *[getattr(Household, c) for c in H_COLS])
                           .where(Household.active.is_(True)).order_by(Household.id), Household.id),
            "members": (select(Member.id, Member.household_id, *[getattr(Member, c) for c in M_COLS])
                        .order_by(Member.household_id, Member.sort_order, Member.id), Member.household_id),
            "incomes": (select(Income.household_id, *[getattr(Income, c) for c in I_COLS])
                        .where(Income.year == year), Income.household_id),
            "conditions": (select(Conditions.household_id, *[getattr(Conditions, c) for c in C_COLS])
                           .where(Conditions.year == year), Conditions.household_id),
            "measures": (select(Measure.household_id, *[getattr(Measure, c) for c in X_COLS])
                         .order_by(Measure.household_id, Measure.id), Measure.household_id),
            "cadres": (select(Pairing.household_id, Pairing.start_date, Pairing.end_date,
                              *[getattr(Cadre, c) for c in K_COLS])
                       .join(Cadre, Cadre.id == Pairing.cadre_id).where(Pairing.valid.is_(True))
                       .order_by(Pairing.household_id, Pairing.id), Pairing.household_id),
        }

    @staticmethod
    def _data_year(s: Session) -> int:
        """`Database.data_year`, read in the run's own session."""
        value = s.scalar(select(Meta.value).where(Meta.key == "data_year"))
        return int(value or DEFAULT_DATA_YEAR)

    def _county_facts(self, s: Session, year: int) -> _CountyFacts:
        """The year's settings and the cadres' numbers and phones: built again only when the rows
        they come from differ from the last run's (see `_CountyFacts`)."""
        setting_rows = self._raw(s, ("settings",), lambda: _SETTING_ROWS)()
        cadre_rows = self._raw(s, ("cadres",), lambda: _CADRE_ROWS)()
        switch_rows = self._raw(s, ("switches",), lambda: _SWITCH_ROWS)()
        known = self._county
        if (known is not None and known.year == year and known.setting_rows == setting_rows
                and known.cadre_rows == cadre_rows and known.switch_rows == switch_rows):
            return known
        cadre_ids: set[str] = set()
        phones: Counter[str] = Counter()
        for number, phone in cadre_rows:
            if number:
                cadre_ids.add(idnumber.normalise(number))
            if phone:
                phones[phone.strip()] += 1
        facts = _CountyFacts(year, setting_rows, cadre_rows, self.settings.get(year), self.settings.by_year(),
                             frozenset(cadre_ids), frozenset(p for p, n in phones.items() if n > 1),
                             switch_rows, {rule: bool(on) for y, rule, on in switch_rows if y == year})
        self._county = facts
        return facts

    def _context(self, s: Session, scope: list[Any], whole_county: bool, year: int | None = None,
                 chosen: Sequence[int] | None = None) -> CheckContext:
        """The year's settings and the county-wide facts rules compare a household with: ID numbers
        current in more than one household, cadres' ID numbers and shared phones. `chosen`: the
        households of the scope, when it is a few chosen ones (their numbers are read by id)."""
        year = year if year is not None else self._data_year(s)
        county = self._county_facts(s, year)
        current = Member.current
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
                key = idnumber.key(number)
                if keep(key):
                    holders[key][no or ""] = f"{township or ''}{village or ''}，登记姓名 {name or '（空）'}"

        if whole_county:  # every current number of the county: those in more than one household
            rows = raw_rows(s.connection(), numbers.where(Household.active.is_(True)))
            keys = [n if n.isdigit() else idnumber.key(n) for n, _ in rows]
            twice = {k for k, n in Counter(keys).items() if n > 1 and k}
            if twice:
                hids = sorted({hid for key, (_, hid) in zip(keys, rows, strict=True) if key in twice})
                for chunk in _chunks(hids):
                    hold(s.execute(where.where(Member.household_id.in_(chunk))), twice.__contains__)
        else:  # the scope's numbers, looked up in the whole county
            if chosen is not None:
                found: set[str] = set()
                for chunk in _chunks(list(chosen)):
                    found.update(n for n, _ in s.execute(numbers.where(Household.active.is_(True),
                                                                       Household.id.in_(chunk))) if n)
                wanted = sorted(found)
            else:
                wanted = sorted({n for n, _ in s.execute(numbers.where(*scope)) if n})  # (`numbers` has no empty ones)
            for chunk in _chunks(wanted):
                hold(s.execute(where.where(Member.id_number.in_(chunk))), bool)
        return CheckContext(
            year=year, settings=county.settings, settings_by_year=dict(county.settings_by_year),
            id_households={k: frozenset(v) for k, v in holders.items() if len(v) > 1},
            id_holders={k: dict(v) for k, v in holders.items() if len(v) > 1},
            cadre_ids=county.cadre_ids, shared_cadre_phones=county.shared_cadre_phones,
            rule_switches=county.rule_switches,
            member_history=member_years.history(s, year, None if whole_county else scope))

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
        """The household ids evaluated and the findings (every batch's, held together)."""
        ids: list[int] = []
        found: list[Finding] = []
        for batch, batch_found in self._batches(s, village_id=village_id, township_id=township_id,
                                                household_id=household_id, progress=progress, cancel=cancel):
            ids += batch
            found += batch_found
        return ids, found

    def _batches(self, s: Session, *, village_id: int | None, township_id: int | None,
                 household_id: int | None, progress: Progress | None,
                 cancel: CancelCheck | None, household_ids: Iterable[int] | None = None,
                 codebook: CodeBook | None = None) -> Iterator[tuple[list[int], Any]]:
        """The households in scope, a batch at a time, with the batch's findings; with `codebook`
        (a run recording them), the batch `prepare`d, its messages in that code book.

        The households are loaded and checked a few thousand at a time, each batch dropped
        before the next is read: the working set stays small (a county at once is half a
        gigabyte of Python objects, and a fresh process pays for every page of it) and progress
        and cancel follow the households. A run records each batch's findings before the next
        batch is read, so the findings are never all held either.

        A run over a large scope shares the preparing with a helper process (`_helper_wanted`,
        `batch_helper`); the batches still come in order, each exactly as prepared here.

        `household_ids`: a set of chosen households (the ones a batch of approvals changed); the
        inactive and missing ones among them are left out."""
        whole = village_id is None and township_id is None and household_id is None and household_ids is None
        scope = self._scope(village_id=village_id, township_id=township_id, household_id=household_id)
        chosen: list[int] | None = None
        size = _BATCH
        if household_ids is not None:
            wanted = sorted(set(household_ids))
            chosen = []
            for chunk in _chunks(wanted):
                chosen += s.scalars(select(Household.id).where(Household.active.is_(True), Household.id.in_(chunk)))
            ids = chosen = sorted(chosen)
            size = _CHUNK
        elif household_id is not None:
            ids = list(s.scalars(select(Household.id).where(*scope)))
            chosen = ids
            if not ids and s.get(Household, household_id) is None:
                raise NotFound("household.missing", f"No household with id {household_id}.",
                               f"找不到编号为 {household_id} 的户。")
        else:
            ids = [r[0] for r in raw_rows(s.connection(), select(Household.id).where(*scope).order_by(Household.id))]
        bounds = [(ids[i], ids[min(i + size, len(ids)) - 1]) for i in range(0, len(ids), size)]
        with contextlib.ExitStack() as stack:
            helper = None
            if codebook is not None and chosen is None and self._helper_wanted(s, len(ids)):  # (a run)
                # (imported here: multiprocessing is not for the window's start)
                from povdesk.services.batch_helper import BatchHelper

                helper = stack.enter_context(BatchHelper())  # starts now: it gets ready while the context is built
            year = self._data_year(s)
            ctx = self._context(s, scope, whole, year, chosen)
            step = self._step(s, scope, year, ctx, whole, chosen, codebook)
            shared: Iterable[tuple[int, Any]]
            if helper is not None and codebook is not None:
                helper.send(_helper_steps, _HelperJob(self.db.url, self.db.lock_wait, self.db.user, village_id,
                                                      township_id, whole, year, ctx, codebook, bounds), len(bounds))
                shared = helper.batches(len(bounds), lambda i: step(*bounds[i], cancel), cancel)
            else:
                shared = self._serial(bounds, step, cancel)
            stack.enter_context(_collector_paused())
            for index, got in shared:
                batch = ids[index * size:(index + 1) * size]
                yield batch, got
                if progress is not None:
                    progress(index * size + len(batch), len(ids))

    @staticmethod
    def _serial(bounds: list[tuple[int, int]], step: Callable[..., Any],
                cancel: CancelCheck | None) -> Iterator[tuple[int, Any]]:
        for index, (first, last) in enumerate(bounds):
            if cancel is not None and cancel():
                raise Cancelled()
            yield index, step(first, last, cancel)

    def _step(self, s: Session, scope: list[Any], year: int, ctx: CheckContext, whole: bool,
              chosen: Sequence[int] | None, codebook: CodeBook | None) -> Callable[..., Any]:
        """`step(first, last, cancel=None)`: the households of the scope with ids in [first, last]
        loaded and checked: their findings, or with `codebook` the batch `prepare`d. Pure work on
        reads: the helper process runs the same."""
        load = self._loader(s, scope, year, ctx.reference_date, whole, chosen)
        evaluator = self._evaluator
        render = None if codebook is None else Renderer(codebook)

        def step(first: int, last: int, cancel: CancelCheck | None = None) -> Any:
            facts, columns = load(first, last)
            found = evaluator.run(facts, ctx, cancel=cancel, columns=columns)
            for h in facts:  # members point back at their household: break the cycles now
                h.members = h.current = []
                h.first_head = None
            del facts, columns
            return found if render is None else prepare(found, render)
        return step

    def _helper_wanted(self, s: Session, households: int) -> bool:
        """Whether a run over this many households shares its work with a helper process: a large
        scope (`HELPER_MIN_HOUSEHOLDS`) on a machine of two cores or more, the catalogue's rules (the
        helper runs the catalogue), and a SQLite file in WAL mode: the helper's read then sees
        exactly the run's snapshot (the run holds the write lock from its first read, and the
        helper reads no table the run writes). PostgreSQL runs in one process: see DEVELOPERS.md."""
        if USE_HELPER is False or (USE_HELPER is None and (households < HELPER_MIN_HOUSEHOLDS or _cores() < 2)):
            return False
        if self._evaluator is not self._catalogue:
            return False
        conn = s.connection()
        if conn.dialect.name != "sqlite" or self.db.path is None:
            return False
        return str(conn.exec_driver_sql("PRAGMA journal_mode").scalar()).lower() == "wal"

    # ------------------------------------------------------------------ running and tracking
    def run(self, *, village_id: int | None = None, township_id: int | None = None,
            household_id: int | None = None, progress: Progress | None = None,
            cancel: CancelCheck | None = None, session: Session | None = None,
            household_ids: Iterable[int] | None = None) -> CheckRunResult:
        """Evaluate a scope and record it: new problems open, fixed ones are rectified, open ones
        are kept (never duplicated). One transaction: a cancelled run writes nothing.
        `household_ids`: the chosen households only (a batch of approvals re-checks the households
        it changed, once, in its own transaction `session`).

        Each batch of households is recorded as soon as it is checked: its findings are compared
        with the batch's open problems (keys, not objects) and written in bulk, so neither the
        county's findings nor its open problems are ever held at once."""
        t0 = time.perf_counter()
        if household_ids is not None:
            household_ids = sorted(set(household_ids))
        scope_name = (f"household:{household_id}" if household_id is not None
                      else f"households:{len(household_ids)}" if household_ids is not None
                      else f"village:{village_id}" if village_id is not None
                      else f"township:{township_id}" if township_id is not None else "county")
        # one run at a time, locked before it reads; `session`: inside the caller's transaction,
        # which took the "check" lock first (a change request's approval re-checks its household)
        with (contextlib.nullcontext(session) if session is not None
              else self.db.transaction(lock="check")) as s:
            run = CheckRun(user=self.db.user, scope=scope_name, catalogue_version=CATALOGUE_VERSION)
            s.add(run)
            s.flush()
            # a first run (nothing open or accepted) compares with nothing, and adds its problems
            # with the table's indexes dropped and built again at the end (SQLite; one sort instead
            # of half a million B-tree inserts per index)
            fresh = s.scalar(select(_P.id).where(_P.status.in_((OPEN, ACCEPTED))).limit(1)) is None
            tracker = _Tracker(s, run.id, self.db.user, fresh=fresh)
            by_rule: Counter[str] = Counter()
            households = findings = errors = 0
            adding = (s.scalar(select(func.count(Household.id)).where(Household.active.is_(True))) or 0
                      if fresh and household_id is None and household_ids is None else 0)
            with _collector_paused(), indexes_dropped(s.connection(), Problem.__table__, adding=adding):
                for batch, prepared in self._batches(s, village_id=village_id, township_id=township_id,
                                                     household_id=household_id, progress=progress, cancel=cancel,
                                                     household_ids=household_ids, codebook=self.db.codebook()):
                    tracker.record(batch, prepared)
                    households += len(batch)
                    findings += prepared.findings
                    by_rule.update(prepared.by_rule)
                    errors += prepared.errors
                    del prepared
                if cancel is not None and cancel():
                    raise Cancelled()
                tracker.finish()
            opened, rectified, lapsed, still_open = tracker.opened, tracker.rectified, tracker.lapsed, tracker.still_open
            seconds = round(time.perf_counter() - t0, 3)
            county = self._county_facts(s, self._data_year(s))
            skipped = rules_not_run(CheckContext(year=county.year, settings=county.settings,
                                                 rule_switches=county.rule_switches,
                                                 member_history={} if member_years.held(s, county.year) else None),
                                    "en")
            counts = {"households": households, "findings": findings, "opened": opened,
                      "rectified": rectified, "lapsed": lapsed, "still_open": still_open, "errors": errors,
                      "warnings": findings - errors, "seconds": seconds, "not_run": sorted(skipped)}
            run.counts = counts
            run.finished_at = utcnow()
            audit.record(s, user=self.db.user, action=audit.CHECK_RUN, subject=scope_name,
                         detail={"run": run.id, **counts})
            return CheckRunResult(run.id, scope_name, households, findings, opened, rectified,
                                  still_open, errors, findings - errors, seconds, dict(by_rule), lapsed, skipped)

    def run_household(self, household_id: int) -> list[ProblemRecord]:
        """Re-check one household after an edit; returns its open problems."""
        self.run(household_id=household_id)
        return self.open_problems(household_id)

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
    def _select(self) -> Select[*tuple[Any, ...]]:
        return (select(Problem.id, Problem.rule, Problem.category, Problem.severity, Problem.household_id,
                       Household.household_no, Problem.member_id, Member.name, Member.id_number,
                       Problem.fields, Problem.message_zh, Problem.message_en, Problem.status,
                       Problem.opened_at, Problem.closed_at, Problem.closed_by, Problem.resolution,
                       Problem.remark, Township.name, Village.name, Household.head_name, Township.code,
                       Village.code)
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
                             village=r[19] or "", head_name=r[20] or "", township_code=r[21] or "",
                             village_code=r[22] or "")

    @staticmethod
    def _filtered(stmt: Select[*_Ts], q: ProblemQuery) -> Select[*_Ts]:
        """`stmt` (over problem joined to household and village) narrowed to a query's problems."""
        stmt = stmt.where(Household.active.is_(True))
        if q.household_id is not None:
            stmt = stmt.where(Problem.household_id == q.household_id)
        if q.village_id is not None:
            stmt = stmt.where(Household.village_id == q.village_id)
        if q.township_id is not None:
            stmt = stmt.where(Village.township_id == q.township_id)
        # one household: its own index is the narrow one, so the other columns are compared as
        # expressions the planner leaves alone (not a scan of every open problem's status index)
        one = q.household_id is not None
        for col, value in ((Problem.category, q.category), (Problem.rule, q.rule),
                           (Problem.severity, q.severity), (Problem.status, q.status)):
            if value:
                stmt = stmt.where((func.coalesce(col, "") if one else col) == value)
        return stmt

    def problems(self, query: ProblemQuery = ProblemQuery()) -> list[ProblemRecord]:
        """Problems ordered by township, village, household number, rule. (Every one of them, as
        records: for a large county page with `problem_ids` and `problem_rows`, or stream with
        `iter_problems`.)"""
        return list(self.iter_problems(query))

    def iter_problems(self, query: ProblemQuery = ProblemQuery(), *, batch: int = 2000) -> Iterator[ProblemRecord]:
        """`problems(query)` one at a time, read from the database a batch at a time: a writer of
        200,000 problems holds a batch, not the list."""
        stmt = self._filtered(self._select(), query).order_by(*_ORDER)
        if query.limit:
            stmt = stmt.limit(query.limit)
        with self.db.reading() as s:  # core rows (the ORM's row handling doubled the read)
            for r in s.connection().execution_options(yield_per=batch).execute(stmt):
                yield self._record(r)

    def iter_problem_json(self, query: ProblemQuery = ProblemQuery(), *, lang: str = "zh",
                          batch: int = 5000) -> Iterator[str]:
        """Each of `problems(query)` as one JSON object (text), in the same order, built by the
        database: a thin roster's 200,000 problems cost a third of the time that reading them as
        records and encoding those took. Keys: the ProblemRecord's fields (`message` in `lang`),
        `fields` as a list, times as ISO text to the second; the place names "" where missing."""
        dialect = self.db.engine.dialect.name
        stmt = self._filtered(self._select_json(dialect, lang), query).order_by(*_ORDER)
        if query.limit:
            stmt = stmt.limit(query.limit)
        with self.db.reading() as s:
            for r in s.connection().execution_options(yield_per=batch).execute(stmt):
                yield r[0]

    def _select_json(self, dialect: str, lang: str) -> Select[str]:
        build: Callable[..., ColumnElement[Any]]
        text: Callable[[ColumnElement[Any]], ColumnElement[str]]
        fields: ColumnElement[Any]
        if dialect == "sqlite":
            build, text = func.json_object, lambda e: e
            fields = case((func.coalesce(Problem.fields, "") == "", func.json_array()),
                          else_=func.json('["' + func.replace(Problem.fields, ",", '","') + '"]'))

            def when(col: Any) -> Any:
                return func.strftime("%Y-%m-%dT%H:%M:%S", col)
        elif dialect == "postgresql":
            build, text = func.json_build_object, lambda e: cast(e, Text)
            fields = func.to_json(func.string_to_array(func.coalesce(Problem.fields, ""), ","))

            def when(col: Any) -> Any:
                return func.to_char(col, 'YYYY-MM-DD"T"HH24:MI:SS')
        else:  # pragma: no cover - povdesk runs on SQLite and PostgreSQL
            raise NotImplementedError(dialect)
        message = Problem.message_en if lang.startswith("en") else Problem.message_zh
        pairs = (("id", Problem.id), ("rule", Problem.rule), ("category", Problem.category),
                 ("severity", Problem.severity), ("household_no", Household.household_no),
                 ("id_number", Member.id_number), ("member_name", Member.name), ("fields", fields),
                 ("message", message), ("message_zh", Problem.message_zh),
                 ("message_en", Problem.message_en), ("status", Problem.status),
                 ("township", func.coalesce(Township.name, "")), ("village", func.coalesce(Village.name, "")),
                 ("opened_at", when(Problem.opened_at)), ("closed_at", when(Problem.closed_at)),
                 ("closed_by", Problem.closed_by), ("resolution", Problem.resolution),
                 ("remark", Problem.remark))
        args: list[Any] = []
        for key, col in pairs:
            args += (literal_column(f"'{key}'"), col)
        line = text(build(*args))
        return (select(line).select_from(Problem)
                .join(Household, Household.id == Problem.household_id)
                .join(Village, Village.id == Household.village_id)
                .join(Township, Township.id == Village.township_id)
                .outerjoin(Member, Member.id == Problem.member_id))

    def problem_ids(self, query: ProblemQuery = ProblemQuery()) -> list[int]:
        """The ids of a query's problems, in `problems`' order (a panel pages their rows)."""
        stmt = (self._filtered(select(Problem.id).join(Household, Household.id == Problem.household_id)
                               .join(Village, Village.id == Household.village_id)
                               .join(Township, Township.id == Village.township_id), query)
                .order_by(*_ORDER))
        if query.limit:
            stmt = stmt.limit(query.limit)
        with self.db.reading() as s:
            return [r[0] for r in raw_rows(s.connection(), stmt)]

    def problem_rows(self, ids: Sequence[int]) -> list[ProblemRecord]:
        """The problems with these ids (one page of a panel), in the order given; ids no longer
        there are left out."""
        got: dict[int, ProblemRecord] = {}
        with self.db.reading() as s:
            for chunk in _chunks(list(ids)):
                for r in s.execute(self._select().where(Problem.id.in_(chunk))):
                    got[r[0]] = self._record(r)
        return [got[i] for i in ids if i in got]

    def count_problems(self, query: ProblemQuery = ProblemQuery(),
                       by: str | tuple[str, ...] = "rule") -> dict[Any, int]:
        """How many of a query's problems there are for each rule (or status, severity, category,
        township, village: a (township, village) pair), counted in SQL. Places come in code order,
        the rest in key order. Several keys (`by=("status", "rule")`) count each combination, in
        one query: keys are then tuples."""
        names = (by,) if isinstance(by, str) else tuple(by)
        keys: list[Any] = [c for name in names for c in _BY[name]]
        places = "village" in names or "township" in names
        stmt = select(*keys, func.count(Problem.id)).join(Household, Household.id == Problem.household_id)
        if places or query.township_id is not None:  # the joins a count needs, no more
            stmt = (stmt.join(Village, Village.id == Household.village_id)
                    .join(Township, Township.id == Village.township_id))
        stmt = self._filtered(stmt, query)
        codes = [Township.code, *([Village.code] if "village" in names else [])] if places else []
        stmt = stmt.group_by(*codes, *keys).order_by(*codes, *keys)
        with self.db.reading() as s:
            return {(r[0] if len(keys) == 1 else tuple(r[:-1])): r[-1] for r in s.execute(stmt)}

    def avalanches(self, query: ProblemQuery = ProblemQuery(), *, share: float = AVALANCHE_SHARE,
                   minimum: int = AVALANCHE_MINIMUM) -> list[Avalanche]:
        """Rules that fire on more than `share` of the households (or current members) in the
        query's place, and on at least `minimum` of them: a column missing from an import rather
        than hundreds of separate mistakes. Largest share first; counted in SQL."""
        rules = by_code()
        place = ProblemQuery(township_id=query.township_id, village_id=query.village_id,
                             household_id=query.household_id, status=None)  # conditions on the place only
        fired = self._filtered(select(Problem.rule, func.count(Problem.household_id.distinct()),
                                      func.count(Problem.member_id.distinct()))
                               .join(Household, Household.id == Problem.household_id)
                               .join(Village, Village.id == Household.village_id), query).group_by(Problem.rule)
        households = self._filtered(select(func.count(Household.id))
                                    .join(Village, Village.id == Household.village_id), place)
        current = Member.current
        members = self._filtered(select(func.count(Member.id)).join(Household, Household.id == Member.household_id)
                                 .join(Village, Village.id == Household.village_id).where(current), place)
        out: list[Avalanche] = []
        with self.db.reading() as s:
            counts = list(s.execute(fired))
            if not any(max(n_h, n_m) >= minimum for _r, n_h, n_m in counts):
                return out
            population = {HOUSEHOLD: s.scalar(households) or 0, MEMBER: s.scalar(members) or 0}
        for code, n_households, n_members in counts:
            rule = rules.get(code)
            scope = MEMBER if rule is not None and rule.scope == MEMBER else HOUSEHOLD
            n, of = (n_members, population[MEMBER]) if scope == MEMBER else (n_households, population[HOUSEHOLD])
            if n >= minimum and of and n / of > share:
                out.append(Avalanche(code, scope, n, of))
        return sorted(out, key=lambda a: (-a.share, a.rule))

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
        """village_id -> number of open problems (the navigator shows them): counted per household
        from the status index first, then summed by village (a join first looped over households,
        each scanning every open problem's index entry: minutes at a million)."""
        per = (select(Problem.household_id.label("hid"), func.count().label("n"))
               .where(Problem.status == OPEN).group_by(Problem.household_id).subquery())
        stmt = (select(Household.village_id, func.sum(per.c.n)).join(per, per.c.hid == Household.id)
                .where(Household.active.is_(True)).group_by(Household.village_id))
        with self.db.reading() as s:
            return {vid: int(n) for vid, n in s.execute(stmt)}

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
        by_severity = self.count_problems(query, "severity")
        return {"total": sum(by_severity.values()), "by_severity": by_severity,
                "by_category": self.count_problems(query, "category"),
                "by_rule": self.count_problems(query, "rule")}

    def last_run(self) -> dict[str, Any] | None:
        with self.db.reading() as s:
            r = s.scalars(select(CheckRun).where(CheckRun.scope == "county")
                          .order_by(CheckRun.id.desc()).limit(1)).first()
            if r is None:
                return None
            return {"id": r.id, "started_at": r.started_at, "finished_at": r.finished_at, "user": r.user,
                    "counts": dict(r.counts or {})}

    @staticmethod
    def rules() -> tuple[Rule, ...]:
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
