"""Import the provincial roster into the registry in one transaction, preview it, and export it back.

The file is read and checked first (exchange.layouts); then existing households, members and the
data year's income and conditions rows are fetched in bulk and compared in memory; new rows go in
with executemany, each difference becomes a change-journal row with source "provincial import",
and the whole write is one transaction, so a cancel or a crash leaves the database as it was.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import gc
import logging
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import Table, insert, select, update
from sqlalchemy.orm import Session

from povdesk.config import Settings
from povdesk.db import columns, search_keys
from povdesk.db.backup import sha256_of
from povdesk.db.fast import bulk_insert, indexes_dropped, prepare_bulk_write
from povdesk.db.models import (
    HEADER_LENGTH,
    MEMBER_CURRENT,
    ChangeField,
    ChangeLog,
    ChangeRequest,
    Conditions,
    County,
    HeaderMapping,
    Household,
    ImportRun,
    Income,
    Member,
    Township,
    Village,
)
from povdesk.domain import changes as cr
from povdesk.domain import dictionary as dd
from povdesk.domain import groups, idnumber, values
from povdesk.domain.dictionary import Entity
from povdesk.domain.journal import JournalEvent, JournalSource
from povdesk.domain.meanings import is_current_member, is_head
from povdesk.errors import BadInput, Cancelled, PovdeskError, Where
from povdesk.exchange import layouts
from povdesk.exchange.layouts import Column, ParsedHousehold, ParsedMember, ParsedRoster
from povdesk.exchange.readers import DEFAULT_LIMITS, ReadLimits
from povdesk.services import audit, member_years
from povdesk.services.database import Database

if TYPE_CHECKING:
    from povdesk.services.changes import ChangeRequestService

SOURCE_IMPORT = JournalSource.IMPORT
Progress = Callable[[int, int], None]
CancelCheck = Callable[[], bool]
_CHUNK = 500
_SCALE = 1000  # progress is reported as permille across the phases


# --------------------------------------------------------------------------- records
@dataclass(frozen=True)
class ImportIssue:
    """A format error of one row (and cell) of the file, or a notice of what was read but changed
    on the way (control characters removed, a repeated row imported once)."""

    row: int | None
    column: str | None
    household_no: str | None
    zh: str
    en: str

    def message(self, lang: str = "zh") -> str:
        return self.en if lang.startswith("en") else self.zh


@dataclass(frozen=True)
class FieldChange:
    household_no: str
    member: str | None  # member's name for member fields
    field_key: str
    old: str | None
    new: str | None


@dataclass(frozen=True)
class MissingMember:
    """A current member of an imported household that the file no longer lists: for review."""

    household_no: str
    member_id: int
    name: str
    id_number: str | None


@dataclass(frozen=True)
class CreatedPlace:
    level: str  # county, township, village
    name: str
    code: str
    placeholder_code: bool


@dataclass(frozen=True)
class HeaderPreview:
    """What the wizard's mapping page shows: the header row found and how each column maps."""

    file: str
    sheet: str | None
    header_row: int
    layout: str
    columns: tuple[Column, ...]


@dataclass(frozen=True)
class ImportResult:
    file: str
    layout: str
    dry_run: bool
    year: int
    data_rows: int
    households_in_file: int
    households_new: int
    households_changed: int
    households_unchanged: int
    members_new: int
    members_changed: int
    fields_changed: int
    households_skipped: tuple[str, ...]
    errors: tuple[ImportIssue, ...]
    changes: tuple[FieldChange, ...]
    missing_members: tuple[MissingMember, ...]
    places_created: tuple[CreatedPlace, ...]
    columns: tuple[Column, ...]
    run_id: int | None = None
    #: values read but changed on the way, and repeated rows imported once: imported, but said
    notices: tuple[ImportIssue, ...] = ()
    #: the households this import added or changed (an import, not a dry run): what to re-check
    household_ids: tuple[int, ...] = ()
    #: changed ID numbers of members already held: a change of who the person is, not applied by
    #: the import but sent to a reviewer as a submitted correction request (a dry run: would be)
    identity_changes: tuple[FieldChange, ...] = ()
    #: the change requests the import made of them (an import, not a dry run)
    review_requests: tuple[int, ...] = ()
    #: cells that could not be read while the rest of their row was imported (also in `notices`)
    kept: tuple[ImportIssue, ...] = ()

    @property
    def identity_for_review(self) -> int:
        """How many identity changes were (a dry run: will be) sent for review."""
        return len(self.identity_changes)

    @property
    def unknown_columns(self) -> tuple[str, ...]:
        return tuple(c.header for c in self.columns if c.source == "unknown")

    @property
    def imported_anything(self) -> bool:
        return self.households_in_file > len(self.households_skipped)

    @property
    def changed_anything(self) -> bool:
        return bool(self.households_new or self.members_new or self.fields_changed)

    def cleared(self) -> dict[str, int]:
        """Values the database held that blank cells of the file clear (a dry run: would clear):
        field key -> count, most first (worth a warning before importing for real)."""
        counts = Counter(c.field_key for c in self.changes if c.new in (None, "") and c.old not in (None, ""))
        return dict(counts.most_common())

    def cleared_notice(self, lang: str = "zh", labels: Callable[[str], str] | None = None) -> str | None:
        """The warning about cleared values, worded as what happened: a dry run's values "will be
        cleared", an import's "were cleared"; None when nothing is cleared. `labels` names a field
        (default: the dictionary's label in `lang`)."""
        cleared = self.cleared()
        if not cleared:
            return None
        zh = lang.startswith("zh")

        def label(key: str) -> str:
            if labels is not None:
                return labels(key)
            try:
                f = dd.field(key)
            except KeyError:
                return key
            return f.zh if zh else f.en

        listed = ("、" if zh else ", ").join(f"{label(k)} {n}" for k, n in list(cleared.items())[:5])
        total = sum(cleared.values())
        if zh:
            verb = "将被清空" if self.dry_run else "已清空"
            return f"{total} 个已有的值{verb}（文件中这些格为空）：{listed}"
        verb = "will be cleared" if self.dry_run else "were cleared"
        held = "held now" if self.dry_run else "held before"
        return f"{total} value{'' if total == 1 else 's'} {held} {verb} (blank in the file): {listed}"

    def to_json(self, lang: str = "zh") -> dict[str, Any]:
        return {
            "file": self.file,
            "layout": self.layout,
            "dry_run": self.dry_run,
            "year": self.year,
            "rows": self.data_rows,
            "households_in_file": self.households_in_file,
            "households_new": self.households_new,
            "households_changed": self.households_changed,
            "households_unchanged": self.households_unchanged,
            "members_new": self.members_new,
            "members_changed": self.members_changed,
            "fields_changed": self.fields_changed,
            "households_skipped": list(self.households_skipped),
            "errors": [_issue_json(e, lang) for e in self.errors],
            "notices": [_issue_json(n, lang) for n in self.notices],
            "changes": [{"household_no": c.household_no, "member": c.member, "field": c.field_key,
                         "old": c.old, "new": c.new} for c in self.changes],
            "identity_changes": [{"household_no": c.household_no, "member": c.member, "old": c.old,
                                  "new": c.new} for c in self.identity_changes],
            "identity_changes_for_review": self.identity_for_review,
            "review_requests": list(self.review_requests),
            "kept": [_issue_json(k, lang) for k in self.kept],
            "members_missing": [{"household_no": m.household_no, "name": m.name,
                                 "id_number": m.id_number} for m in self.missing_members],
            "places_created": [{"level": p.level, "name": p.name, "code": p.code,
                                "placeholder_code": p.placeholder_code} for p in self.places_created],
            "unknown_columns": list(self.unknown_columns),
            "run_id": self.run_id,
        }


#: the field whose change is a change of identity, not an ordinary correction
IDENTITY_FIELD = "member.id_number"
_IDENTITY_COLUMN = dd.field(IDENTITY_FIELD).column
#: the head's ID number in the household-level column: changed, it is the head's identity changing,
#: sent for review as the member's is (with the head member's number when the two agreed)
HEAD_IDENTITY_FIELD = "household.head_id_number"
#: the fields whose changed value is a change of identity, not an ordinary correction
IDENTITY_FIELDS = frozenset({IDENTITY_FIELD, HEAD_IDENTITY_FIELD})
#: a member's fields that say who the member is: a bad cell of one skips the household; a bad cell
#: of any other member field leaves only that field out (unchanged, or empty for a new member)
KEY_MEMBER_FIELDS = frozenset({"member.id_number", "member.person_no", "member.name", "member.relation"})
#: where a request the import sends for review comes from (change_request.source)
REQUEST_SOURCE = "import"


def _issue_json(e: ImportIssue, lang: str) -> dict[str, Any]:
    return {"row": e.row, "column": e.column, "household_no": e.household_no,
            "message": e.message(lang), "message_zh": e.zh, "message_en": e.en}


# --------------------------------------------------------------------------- the service
class ImportService:
    def __init__(self, *, db: Database, limits: ReadLimits | None = None) -> None:
        self.db = db
        self._limits = limits

    @property
    def limits(self) -> ReadLimits:
        """How large a file may be (zip bomb and size guards): given, or the defaults with the
        office's `import_limits` from settings.json laid on top."""
        if self._limits is None:
            self._limits = DEFAULT_LIMITS.with_overrides(Settings.load().import_limits)
        return self._limits

    # ------------------------------------------------------------------ header mappings
    def header_mappings(self) -> dict[str, str]:
        """Remembered user mappings: normalised header -> field key ("" = ignore the column)."""
        with self.db.reading() as s:
            return {r.header: r.field_key for r in s.scalars(select(HeaderMapping))}

    def remember_mapping(self, header: str, field_key: str | None) -> None:
        if field_key:
            dd.field(field_key)  # KeyError for a key that does not exist
        norm = dd.normalise_header(header)
        if len(norm) > HEADER_LENGTH:
            return  # used for this import as mapped; too long a header to be remembered
        with self.db.transaction() as s:
            row = s.scalar(select(HeaderMapping).where(HeaderMapping.header == norm))
            if row is None:
                s.add(HeaderMapping(header=norm, field_key=field_key or "", user=self.db.user))
            else:
                row.field_key = field_key or ""
                row.user = self.db.user

    def _mappings(self, extra: dict[str, str | None] | None) -> dict[str, str]:
        mappings = self.header_mappings()
        for header, key in (extra or {}).items():
            mappings[dd.normalise_header(header)] = key or ""
        return mappings

    def inspect(self, path: str | Path, *, mapping: dict[str, str | None] | None = None) -> HeaderPreview:
        """Header row and column mapping of a file, without reading its data rows."""
        hmap = layouts.read_header(str(path), self._mappings(mapping), limits=self.limits)
        return HeaderPreview(Path(path).name, hmap.source.sheet, hmap.header_row, hmap.layout, hmap.columns)

    # ------------------------------------------------------------------ import
    def preview(self, path: str | Path, *, mapping: dict[str, str | None] | None = None,
                progress: Progress | None = None, cancel: CancelCheck | None = None) -> ImportResult:
        """What an import would do (dry run); the database is not touched."""
        return self.run(path, dry_run=True, mapping=mapping, progress=progress, cancel=cancel)

    def run(self, path: str | Path, *, dry_run: bool = False,
            mapping: dict[str, str | None] | None = None, progress: Progress | None = None,
            cancel: CancelCheck | None = None) -> ImportResult:
        """Import the file; BadInput when it cannot be used at all, Cancelled when stopped."""
        with _gc_paused():
            return self._run(Path(path), dry_run=dry_run, mapping=mapping, progress=progress,
                             cancel=cancel)

    def _run(self, path: Path, *, dry_run: bool, mapping: dict[str, str | None] | None,
             progress: Progress | None, cancel: CancelCheck | None) -> ImportResult:
        books = self.db.codebook()
        report = progress or (lambda done, total: None)
        stop = cancel or (lambda: False)

        def read_progress(done: int, total: int) -> None:
            report(int(600 * done / max(total, 1)), _SCALE)

        roster = layouts.read_roster(str(path), books, mappings=self._mappings(mapping),
                                     progress=read_progress, cancel=stop, limits=self.limits)
        if stop():
            raise Cancelled()
        report(600, _SCALE)
        plan = _Plan(roster, self.db.data_year, self.db.user, path.name)
        if dry_run:  # no lock: one consistent snapshot of what is committed, however busy
            with self.db.reading(snapshot=True) as s:
                plan.compute(s, report, stop)
                return plan.result(dry_run=True)
        sha256 = sha256_of(path)
        from povdesk.services import backups

        backups.before(self.db, backups.BEFORE_IMPORT)
        # Lock, then plan: the import's write lock is taken before the plan reads anything, so a
        # second import waits (at most `lock_wait`, then `Busy`) and plans from what this one
        # committed, never from the state both started with.
        with self.db.transaction(lock="import") as s:
            prepare_bulk_write(s.connection())
            plan.compute(s, report, stop)
            plan.write(s, report, stop, sha256=sha256)
            if plan.identity:
                from povdesk.services.changes import ChangeRequestService

                plan.send_for_review(s, ChangeRequestService(db=self.db))
            if stop():
                raise Cancelled()
            result = plan.result(dry_run=False)
            audit.record(s, user=self.db.user, action=audit.IMPORT, subject=path.name,
                         detail={"sha256": sha256, **plan.counts()})
        logging.getLogger(__name__).info("import %s: %s", path.name, plan.counts())
        report(_SCALE, _SCALE)
        return result

    # ------------------------------------------------------------------ error report
    def write_error_report(self, path: str | Path, out: str | Path, result: ImportResult | None = None,
                           *, mapping: dict[str, str | None] | None = None) -> Path:
        """A copy of the input with every faulty cell highlighted and a message column (Chinese)."""
        from povdesk.exchange import error_report  # openpyxl: loaded when a report is written

        path, out = Path(path), Path(out)
        self.db.refuse_as_output(out, inputs=(path,))
        try:
            hmap, rows = layouts.scan(str(path), self._mappings(mapping), limits=self.limits)
        except PovdeskError as exc:
            error_report.write_message_only(out, path.name, exc.zh, exc.where)
            return out
        if result is None:
            result = self.preview(path, mapping=mapping)
        issues = [error_report.CellIssue(e.row, _col_index(hmap.columns, e.column), e.zh)
                  for e in (*result.errors, *result.kept) if e.row is not None]
        error_report.write(out, rows, issues, header_row=hmap.header_row, file_name=path.name,
                           summary=_summary_zh(result))
        return out

    # ------------------------------------------------------------------ export
    def export_roster(self, out: str | Path, *, year: int | None = None,
                      progress: Progress | None = None, cancel: CancelCheck | None = None) -> int:
        """Write the registry's current members in the national person-list layout (a), then the
        fields of the 2019 record."""
        from povdesk.exchange import roster_export  # openpyxl: loaded when a roster is written

        self.db.refuse_as_output(out)
        year = year or self.db.data_year
        with self.db.reading() as s:
            total = s.query(Member.id).filter(Member.current).count()
            rows = _export_rows(s, year)
            return roster_export.write_person_list(Path(out), rows, self.db.codebook(), total=total,
                                                   progress=progress, cancel=cancel)


@contextlib.contextmanager
def _gc_paused() -> Iterator[None]:
    """No cyclic garbage collection while hundreds of thousands of parsed rows are alive: each
    full collection would walk all of them (a third of the import's time), and they hold no cycles."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _col_index(columns: Sequence[Column], header: str | None) -> int | None:
    if header is None:
        return None
    for c in columns:
        if c.header == header:
            return c.index
    return None


def _summary_zh(result: ImportResult) -> list[str]:
    lines = [f"文件：{result.file}", f"数据行数：{result.data_rows}",
             f"有格式错误而整户跳过的户数：{len(result.households_skipped)}",
             f"格式错误数：{len(result.errors)}",
             f"提示数（已清理控制字符或合并重复行，照常导入）：{len(result.notices)}"]
    if result.kept:
        lines.append(f"未能读取而留空的格（该行其余字段已导入）：{len(result.kept)}")
    if result.identity_changes:
        lines.append(f"身份证号变更（不直接导入，送审核）：{len(result.identity_changes)}")
    if result.households_skipped:
        lines.append("跳过的户编号：" + "、".join(result.households_skipped[:200]))
    return lines


def _chunks(items: Sequence[Any], size: int = _CHUNK) -> Iterator[Sequence[Any]]:
    for i in range(0, len(items), size):
        yield items[i:i + size]


# --------------------------------------------------------------------------- the plan
@dataclass
class _Place:
    id: int
    code: str
    name: str


@dataclass
class _Places:
    """Counties, townships and villages by code and by name within the parent; creates the missing."""

    counties: dict[str, _Place] = field(default_factory=dict)
    county_names: dict[str, _Place] = field(default_factory=dict)
    townships: dict[str, _Place] = field(default_factory=dict)
    township_names: dict[tuple[int, str], _Place] = field(default_factory=dict)
    villages: dict[str, _Place] = field(default_factory=dict)
    village_names: dict[tuple[int, str], _Place] = field(default_factory=dict)
    codes: set[str] = field(default_factory=set)
    created: list[tuple[str, dict[str, Any], _Place, bool]] = field(default_factory=list)
    _next_id: int = -1

    @classmethod
    def load(cls, s: Session) -> _Places:
        p = cls()
        for cid, code, name in s.execute(select(County.id, County.code, County.name)):
            p.counties[code] = p.county_names[name] = _Place(cid, code, name)
        for tid, cid, code, name in s.execute(select(Township.id, Township.county_id, Township.code,
                                                     Township.name)):
            p.townships[code] = p.township_names[(cid, name)] = _Place(tid, code, name)
        for vid, tid, code, name in s.execute(select(Village.id, Village.township_id, Village.code,
                                                     Village.name)):
            p.villages[code] = p.village_names[(tid, name)] = _Place(vid, code, name)
        p.codes = set(p.counties) | set(p.townships) | set(p.villages)
        return p

    def _new(self, level: str, row: dict[str, Any], code: str | None, name: str, prefix: str,
             width: int) -> _Place:
        placeholder = not code
        if not code:
            n = 1
            while True:
                code = f"{prefix}X{_base36(n, width)}"
                if code not in self.codes:
                    break
                n += 1
        self.codes.add(code)
        place = _Place(self._next_id, code, name)
        self._next_id -= 1
        self.created.append((level, {**row, "code": code, "name": name}, place, placeholder))
        return place

    def resolve(self, place: dict[str, Any]) -> _Place | tuple[str, str]:
        """The village of a new household, creating what is missing; (zh, en) when it cannot."""
        vcode = place.get("village_code") or None
        vname = place.get("village")
        if vcode and vcode in self.villages:
            return self.villages[vcode]
        if not vname:
            return ("未填写所在村（行政村），新户无法落户", "No village given; a new household needs one")
        cname = place.get("county")
        county = None
        if vcode and len(vcode) >= 6:
            county = self.counties.get(vcode[:6])
        if county is None and cname:
            county = self.county_names.get(cname)
        if county is None and not cname and len(self.counties) == 1:
            county = next(iter(self.counties.values()))
        if county is None:
            if not cname:
                return ("未填写县（市、区），新户无法落户", "No county given; a new household needs one")
            code = vcode[:6] if vcode and len(vcode) >= 6 and vcode[:6].isdigit() else None
            county = self._new("county", {"province": place.get("province") or "",
                                          "prefecture": place.get("prefecture") or ""},
                               code, cname, "", 5)
            self.counties[county.code] = self.county_names[cname] = county
        tname = place.get("township")
        township = self.townships.get(vcode[:9]) if vcode and len(vcode) >= 9 else None
        if township is None and tname:
            township = self.township_names.get((county.id, tname))
        if township is None:
            if not tname:
                return ("未填写乡（镇），新户无法落户", "No township given; a new household needs one")
            code = vcode[:9] if vcode and len(vcode) >= 9 and vcode[:9].isdigit() else None
            township = self._new("township", {"county_id": county.id}, code, tname, county.code[:6], 2)
            self.townships[township.code] = self.township_names[(county.id, tname)] = township
        village = self.village_names.get((township.id, vname))
        if village is None:
            village = self._new("village", {"township_id": township.id}, vcode, vname,
                                township.code[:9], 2)
            self.villages[village.code] = self.village_names[(township.id, vname)] = village
        return village

    def write(self, s: Session) -> None:
        """Insert the created places in order (parents first), replacing the provisional ids."""
        real: dict[int, int] = {}
        models: dict[str, type[County] | type[Township] | type[Village]] = {
            "county": County, "township": Township, "village": Village}
        parent = {"township": "county_id", "village": "township_id"}
        for level, row, place, _ in self.created:
            data = dict(row)
            if level in parent:
                pid = data[parent[level]]
                data[parent[level]] = real.get(pid, pid)
            obj = models[level](**data)
            s.add(obj)
            s.flush()
            real[place.id] = obj.id
            place.id = obj.id


def _base36(n: int, width: int) -> str:
    digits = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
    out = ""
    while n:
        n, r = divmod(n, 36)
        out = digits[r] + out
    return out.rjust(width, "0")


_LOG_COLUMNS = ("at", "user", "source", "household_id", "member_id", "entity", "entity_id", "field",
                "old_value", "new_value", "reason", "reference")


_TABLES: dict[Entity, Table] = {
    Entity.HOUSEHOLD: Household.__table__,
    Entity.MEMBER: Member.__table__,
    Entity.INCOME: Income.__table__,
    Entity.CONDITIONS: Conditions.__table__,
}


class _Plan:
    """Everything one import will do, computed against the database before anything is written."""

    def __init__(self, roster: ParsedRoster, data_year: int, user: str, file_name: str) -> None:
        self.roster = roster
        self.data_year = data_year
        self.user = user
        self.file_name = file_name
        hmap = roster.header
        self.present: dict[Entity, list[str]] = {e: [] for e in _TABLES}
        for key in sorted(hmap.keys()):
            f = dd.field(key)
            if f.entity in _TABLES and key not in ("household.household_no", "income.year"):
                self.present[f.entity].append(f.column)
        self.kept: list[layouts.RowError] = []
        self._partial: set[int] = set()  # id() of parsed members with a cell left out
        self._keep_what_reads()
        self.skipped = sorted(no for no, h in roster.households.items() if h.errors)
        self.errors: list[layouts.RowError] = roster.errors
        self.notices: list[layouts.RowError] = roster.notices
        self.new_households: list[tuple[ParsedHousehold, _Place]] = []
        self.existing: list[tuple[ParsedHousehold, int]] = []
        self.changes: list[FieldChange] = []
        self.journal: list[dict[str, Any]] = []
        self.updates: dict[tuple[Entity, int], dict[str, Any]] = {}
        self.new_yearly: list[tuple[Entity, int, dict[str, Any]]] = []  # existing household, new row
        self.new_members: list[tuple[int, ParsedMember, int]] = []  # household id, member, sort
        self.missing: list[MissingMember] = []
        self.changed_households: set[int] = set()
        self.changed_members: set[int] = set()
        #: changed ID numbers held: (household id, member id, the change), for review; a change of
        #: the household's head column names the head member (None: the household has none)
        self.identity: list[tuple[int, int | None, FieldChange]] = []
        #: members whose request also sets the household's head column (the file changed both alike)
        self._head_too: set[int] = set()
        self.review_requests: list[int] = []
        self.places: _Places | None = None
        self._new_id_of: dict[str, int] = {}  # household number -> id of the households added
        self._derive_sex = "sex" not in self.present[Entity.MEMBER]
        self._derive_birth = "birth_date" not in self.present[Entity.MEMBER]

    def _keep_what_reads(self) -> None:
        """A bad cell of a member field that is not a key keeps its household and member: the
        cell's error becomes a notice naming file, row and field, and the member is imported
        without that field (`_partial`)."""
        if self.roster.header.layout != layouts.PERSON:
            return
        fields = {c.index: dd.field(c.field_key) for c in self.roster.header.mapped if c.field_key}
        for h in self.roster.households.values():
            if not h.errors:
                continue
            rows = {m.row: m for m in h.members}
            errors: list[layouts.RowError] = []
            for e in h.errors:
                f = fields.get(e.col_index) if e.col_index is not None else None
                m = rows.get(e.row)
                if (f is None or f.entity is not Entity.MEMBER or f.key in KEY_MEMBER_FIELDS or m is None
                        or f.column in m.values):
                    errors.append(e)
                    continue
                self._partial.add(id(m))
                where_zh = f"{self.file_name} 第 {e.row} 行“{e.column or f.zh}”"
                where_en = f"{self.file_name} row {e.row}, {e.column or f.en}"
                notice = layouts.RowError(
                    e.row, e.column, e.col_index, e.household_no,
                    f"{where_zh}：{e.zh}；该格未导入，其余字段已导入",
                    f"{where_en}: {e.en}; this cell was left out, the rest of the row was imported (kept)")
                h.notices.append(notice)
                self.kept.append(notice)
            h.errors[:] = errors

    # ------------------------------------------------------------------ compare
    def compute(self, s: Session, report: Progress, stop: CancelCheck) -> None:
        known = {no: hid for hid, no in s.execute(select(Household.id, Household.household_no))}
        self._check_number_lengths(known)
        good = [h for h in self.roster.households.values() if not h.errors]
        self.places = _Places.load(s)
        for h in good:
            hid = known.get(h.household_no)
            if hid is None:
                place = self.places.resolve(h.place)
                if isinstance(place, tuple):
                    zh, en = place
                    self._household_error(h, zh, en)
                    continue
                self.new_households.append((h, place))
            else:
                self.existing.append((h, hid))
        report(650, _SCALE)
        done = 0
        for chunk in _chunks(self.existing):
            if stop():
                raise Cancelled()
            self._compare_chunk(s, chunk)
            done += len(chunk)
            report(650 + int(150 * done / max(len(self.existing), 1)), _SCALE)

    def _check_number_lengths(self, known: dict[str, int]) -> None:
        """A household number of another length than the county's is an error on each of its rows.

        The county's length is the one most of its registered households have; a first import
        into an empty registry takes the one most of the file's households have.
        """
        lengths = Counter(map(len, known)) or Counter(map(len, self.roster.households))
        if not lengths:
            return
        length = lengths.most_common(1)[0][0]
        column = next((c for c in self.roster.header.columns if c.field_key == "household.household_no"),
                      None)
        for no, h in self.roster.households.items():
            try:
                values.check_household_no(no, length)
                continue
            except PovdeskError as exc:
                errors = [layouts.RowError(row, column.header if column else None,
                                           column.index if column else None, no, exc.zh, exc.en)
                          for row in h.rows]
            h.errors.extend(errors)
            self.errors.extend(errors)
            if no not in self.skipped:
                self.skipped.append(no)
        self.skipped.sort()

    def _household_error(self, h: ParsedHousehold, zh: str, en: str) -> None:
        row = h.rows[0] if h.rows else None
        column = next((c.header for c in self.roster.header.columns if c.field_key == "location.village"),
                      None)
        self.errors.append(layouts.RowError(row or 0, column, None, h.household_no, zh, en))
        self.skipped.append(h.household_no)
        self.skipped.sort()

    def _compare_chunk(self, s: Session, chunk: Sequence[tuple[ParsedHousehold, int]]) -> None:
        """Fetch a chunk of households with what they hold, compare as tuples, then field by field."""
        ids = [hid for _, hid in chunk]
        t_h = _TABLES[Entity.HOUSEHOLD]
        hcols = self.present[Entity.HOUSEHOLD]
        households = {r[0]: r for r in s.execute(
            select(t_h.c.id, *(t_h.c[c].label(f"v_{c}") for c in hcols)).where(t_h.c.id.in_(ids)))}
        yearly: dict[Entity, dict[tuple[int, int], Any]] = {}
        for entity in (Entity.INCOME, Entity.CONDITIONS):
            t = _TABLES[entity]
            cols = self.present[entity]
            if not cols:
                continue
            yearly[entity] = {(r[1], r[2]): r for r in s.execute(
                select(t.c.id, t.c.household_id, t.c.year, *(t.c[c].label(f"v_{c}") for c in cols))
                .where(t.c.household_id.in_(ids)))}
        members: dict[int, list[Any]] = {}
        if self.roster.header.layout == layouts.PERSON:
            t_m = _TABLES[Entity.MEMBER]
            mcols = self.present[Entity.MEMBER]
            for r in s.execute(select(t_m.c.id, t_m.c.household_id, t_m.c.sort_order, t_m.c.status,
                                      t_m.c.name, t_m.c.id_number, t_m.c.person_no,
                                      *(t_m.c[c].label(f"v_{c}") for c in mcols))
                               .where(t_m.c.household_id.in_(ids))
                               .order_by(t_m.c.household_id, t_m.c.sort_order, t_m.c.id)):
                members.setdefault(r.household_id, []).append(r)
        for h, hid in chunk:
            no = h.household_no
            old = households[hid]
            given_h = h.values.get(Entity.HOUSEHOLD, {})
            new_h = tuple(map(given_h.get, hcols))
            if tuple(old[1:]) != new_h:
                for column, old_value, new_value in zip(hcols, old[1:], new_h, strict=True):
                    if column in given_h:
                        self._compare(Entity.HOUSEHOLD, hid, hid, None, no, None, column, old_value,
                                      new_value)
            year = h.year or self.data_year
            for entity, rows_by_key in yearly.items():
                given = h.values.get(entity)
                if not given:
                    continue
                cols = self.present[entity]
                new_y = tuple(map(given.get, cols))
                row = rows_by_key.get((hid, year))
                if row is None:
                    if any(v is not None for v in new_y):
                        self.new_yearly.append((entity, hid, {"household_id": hid, "year": year,
                                                              **dict(zip(cols, new_y, strict=True))}))
                        for column, v in zip(cols, new_y, strict=True):
                            if v is not None:
                                self._change(hid, None, no, None, f"{entity}.{column}", None, v,
                                             entity, None)
                    continue
                if tuple(row[3:]) != new_y:
                    for column, old_value, v in zip(cols, row[3:], new_y, strict=True):
                        self._compare(entity, row[0], hid, None, no, None, column, old_value, v)
            if self.roster.header.layout == layouts.PERSON:
                self._compare_members(hid, no, h.members, members.get(hid, []))
        self._name_heads(s, ids)

    def _name_heads(self, s: Session, ids: Sequence[int]) -> None:
        """A changed head column of these households: named by the head member, whose own number
        changes with it when the two agreed; one change for review when the file changed both."""
        chunk = set(ids)
        wanted = {i for i, (hid, _m, c) in enumerate(self.identity)
                  if c.field_key == HEAD_IDENTITY_FIELD and hid in chunk}
        if not wanted:
            return
        t_m = _TABLES[Entity.MEMBER]
        heads: dict[int, Any] = {}
        for r in s.execute(select(t_m.c.id, t_m.c.household_id, t_m.c.name, t_m.c.id_number, t_m.c.relation,
                                  t_m.c.status)
                           .where(t_m.c.household_id.in_({self.identity[i][0] for i in wanted}))
                           .order_by(t_m.c.sort_order, t_m.c.id)):
            if is_head(r.relation) and is_current_member(r.status):
                heads.setdefault(r.household_id, r)
        kept: list[tuple[int, int | None, FieldChange]] = []
        for i, (hid, member_id, change) in enumerate(self.identity):
            if i not in wanted:
                kept.append((hid, member_id, change))
                continue
            head = heads.get(hid)
            if head is None:
                kept.append((hid, None, change))
                continue
            same = next((m for h_, m, c in self.identity if h_ == hid and m == head.id
                         and c.field_key == IDENTITY_FIELD and c.new == change.new), None)
            if same is not None:  # the member's row says the same: one request sets both
                self._head_too.add(same)
                continue
            agreed = idnumber.normalise(head.id_number or "") == idnumber.normalise(change.old or "")
            kept.append((hid, head.id if agreed else None, replace(change, member=head.name)))
        self.identity = kept

    def _compare_members(self, hid: int, no: str, parsed: list[ParsedMember], rows: list[Any]) -> None:
        unmatched = list(rows)
        matches: list[tuple[ParsedMember, Any]] = []
        pending: list[ParsedMember] = []
        for pm in parsed:  # by ID number first
            idn = pm.values.get("id_number")
            hit = next((r for r in unmatched if idn and r.id_number == idn), None) if idn else None
            if hit is not None:
                unmatched.remove(hit)
                matches.append((pm, hit))
            else:
                pending.append(pm)
        new: list[ParsedMember] = []
        for pm in pending:  # then person number, then name
            pno, name = pm.values.get("person_no"), pm.values.get("name")
            hit = next((r for r in unmatched if pno and r.person_no == pno), None)
            if hit is None:
                hit = next((r for r in unmatched if name and r.name == name), None)
            if hit is None:
                new.append(pm)
            else:
                unmatched.remove(hit)
                matches.append((pm, hit))
        mcols = self.present[Entity.MEMBER]
        picked = tuple(mcols)
        for pm, r in matches:
            new_m = layouts.pick(pm.values, picked)
            if id(pm) in self._partial:  # a cell that could not be read leaves its field as held
                new_m = tuple(pm.values.get(c, held) for c, held in zip(mcols, r[7:], strict=True))
            if tuple(r[7:]) == new_m:
                continue
            for column, old_value, v in zip(mcols, r[7:], new_m, strict=True):
                self._compare(Entity.MEMBER, r.id, hid, r.id, no, r.name, column, old_value, v)
        order = max((r.sort_order for r in rows), default=-1)
        for pm in new:
            order += 1
            self.new_members.append((hid, pm, order))
            self._change(hid, None, no, pm.values.get("name"), JournalEvent.MEMBER_ADDED, None,
                         pm.values.get("name"), Entity.MEMBER, None, text=True)
        for r in unmatched:
            if is_current_member(r.status):
                self.missing.append(MissingMember(no, r.id, r.name, r.id_number))

    def _compare(self, entity: Entity, row_id: int, hid: int, member_id: int | None, no: str,
                 member_name: str | None, column: str, old: Any, new: Any) -> None:
        if old == new and old.__class__ is new.__class__:
            return
        key = f"{entity}.{column}"
        f = dd.field(key)
        old_text, new_text = values.to_text(f, old), values.to_text(f, new)
        if old_text == new_text:
            return
        if key in IDENTITY_FIELDS and old_text not in (None, ""):
            # a change of who the person is: not applied here, sent to a reviewer
            self.identity.append((hid, member_id, FieldChange(no, member_name, key, old_text, new_text)))
            return
        self.updates.setdefault((entity, row_id), {})[column] = new
        if member_id is not None:
            self.changed_members.add(member_id)
        self._change(hid, member_id, no, member_name, key, old_text, new_text, entity, row_id, text=True)

    def _change(self, hid: int, member_id: int | None, no: str, member_name: str | None, key: str,
                old: Any, new: Any, entity: Entity, row_id: int | None, *, text: bool = False) -> None:
        if not text:
            f = dd.field(key)
            old, new = values.to_text(f, old), values.to_text(f, new)
        self.changed_households.add(hid)
        self.changes.append(FieldChange(no, member_name, key, old, new))
        self.journal.append({"household_id": hid, "member_id": member_id, "entity": str(entity),
                             "entity_id": row_id, "field": key, "old_value": old, "new_value": new})

    # ------------------------------------------------------------------ write
    def write(self, s: Session, report: Progress, stop: CancelCheck, *, sha256: str) -> None:
        assert self.places is not None
        run = ImportRun(user=self.user, file_name=self.file_name, sha256=sha256,
                        layout=self.roster.header.layout)
        s.add(run)
        s.flush()
        self.run_id = run.id
        reference = f"import_run:{run.id}"
        reason = f"省级花名册导入 {self.file_name}"[:200]
        now = dt.datetime.now(dt.UTC).replace(tzinfo=None)
        self.places.write(s)
        conn = s.connection()
        keyed: set[int] = set()  # households whose search keys are written again (db.search_keys)
        # new households and everything they hold
        if self.new_households:
            hcols = [*self._household_columns(), "household_no", "village_id", "version", "active",
                     "created_at", "updated_at"]
            rows = [self._household_row(h, place.id, now, hcols) for h, place in self.new_households]
            if stop():
                raise Cancelled()
            with indexes_dropped(conn, _TABLES[Entity.HOUSEHOLD], adding=len(rows)):
                bulk_insert(conn, _TABLES[Entity.HOUSEHOLD], hcols, rows)
            del rows
            report(850, _SCALE)
            numbers = {h.household_no for h, _ in self.new_households}
            ids = {no: hid for hid, no in conn.execute(select(Household.id, Household.household_no))
                   if no in numbers}
            keyed.update(ids.values())
            self.new_ids = sorted(ids.values())
            self._new_id_of = ids
            mcols = self._member_columns()
            yearly: dict[Entity, list[tuple[Any, ...]]] = {Entity.INCOME: [], Entity.CONDITIONS: []}
            ycols = {e: ["household_id", "year", *self.present[e]] for e in yearly}
            logs: list[Any] = []  # tuples here, the journal's mappings below
            member_row = self._member_rows(mcols)
            for h, _ in self.new_households:
                hid = ids[h.household_no]
                year = h.year or self.data_year
                for entity, bucket in yearly.items():
                    given = h.values.get(entity)
                    if given:  # a yearly row when any of its columns (the year aside) has a value
                        cells = tuple(map(given.get, self.present[entity]))
                        if cells.count(None) < len(cells):
                            bucket.append((hid, year, *cells))
                logs.append((now, self.user, SOURCE_IMPORT, hid, None, str(Entity.HOUSEHOLD), hid,
                             JournalEvent.HOUSEHOLD_IMPORTED, None, h.household_no, reason, reference))
            if stop():
                raise Cancelled()
            # the members' rows made as they are inserted (600,000 tuples never held at once)
            members = (member_row(ids[h.household_no], pm, order)
                       for h, _ in self.new_households for order, pm in enumerate(h.members))
            adding = sum(len(h.members) for h, _ in self.new_households)
            with indexes_dropped(conn, _TABLES[Entity.MEMBER], adding=adding):
                bulk_insert(conn, _TABLES[Entity.MEMBER], mcols, members)
            if stop():
                raise Cancelled()
            report(930, _SCALE)
            for entity, rows_ in yearly.items():
                self._yearly_check(entity)
                bulk_insert(conn, _TABLES[entity], ycols[entity], rows_)
            bulk_insert(conn, ChangeLog.__table__, _LOG_COLUMNS, logs)
        report(960, _SCALE)
        # existing households: new yearly rows, new members, changed fields, journal, version
        for entity, _hid, row in self.new_yearly:
            self._yearly_check(entity)
            conn.execute(insert(_TABLES[entity]).values(**row))
        member_ids: dict[int, int] = {}
        mcols = self._member_columns()
        for hid, pm, order in self.new_members:
            result = conn.execute(insert(_TABLES[Entity.MEMBER]).values(
                **dict(zip(mcols, self._member_row(hid, pm, order, mcols), strict=True))))
            key = result.inserted_primary_key
            assert key is not None  # one row inserted: its key
            member_ids[id(pm)] = key[0]
        for (entity, row_id), cols in self.updates.items():
            t = _TABLES[entity]
            conn.execute(update(t).where(t.c.id == row_id).values(**cols))
        if self.journal:
            logs = []
            new_iter = iter(self.new_members)
            for j in self.journal:
                row = {"at": now, "user": self.user, "source": SOURCE_IMPORT, "reason": reason,
                       "reference": reference, **j}
                if j["field"] == JournalEvent.MEMBER_ADDED:
                    _hid, pm, _ = next(new_iter)
                    row["member_id"] = row["entity_id"] = member_ids[id(pm)]
                logs.append(row)
            bulk_insert(conn, ChangeLog.__table__, _LOG_COLUMNS,
                         [tuple(r[c] for c in _LOG_COLUMNS) for r in logs])
        t_h = _TABLES[Entity.HOUSEHOLD]
        for hids in _chunks(sorted(self.changed_households)):
            conn.execute(update(t_h).where(t_h.c.id.in_(hids))
                         .values(version=t_h.c.version + 1, updated_at=now))
        search_keys.refresh(conn, keyed | self.changed_households)
        self._keep_member_years(s)
        run.counts = self.counts()
        s.flush()

    def send_for_review(self, s: Session, service: ChangeRequestService) -> None:
        """Each changed ID number (a member's, or the head's in the household column) as a submitted
        correction request of the importing user (the stored number before, the file's after), in
        the import's transaction."""
        note = f"身份证号变更，来自导入 {self.file_name}"
        ref = f"import_run:{self.run_id}"
        waiting = {(hid, key, member_id, after): rid for rid, hid, key, member_id, after in s.execute(
            select(ChangeRequest.id, ChangeRequest.household_id, ChangeField.field, ChangeField.member_id,
                   ChangeField.after)
            .join(ChangeField, ChangeField.request_id == ChangeRequest.id)
            .where(ChangeField.field.in_(IDENTITY_FIELDS), ChangeRequest.status.in_((cr.DRAFT, cr.SUBMITTED)),
                   ChangeRequest.household_id.in_({hid for hid, _, _ in self.identity})))}
        for hid, member_id, change in self.identity:
            head_column = change.field_key == HEAD_IDENTITY_FIELD
            held = waiting.get((hid, change.field_key, None if head_column else member_id, change.new))
            if held is not None:  # imported again before the review: the request already waits
                self.review_requests.append(held)
                continue
            new = change.new or ""
            sets: dict[str, Any] = {}
            if member_id is not None:
                sets[f"{IDENTITY_FIELD}@{member_id}"] = new
            if head_column or member_id in self._head_too:
                sets[HEAD_IDENTITY_FIELD] = new
            self.review_requests.append(service.submit_correction_in(
                s, household_id=hid, member_id=member_id, sets=sets, note=note, source=REQUEST_SOURCE,
                source_ref=ref))

    def _household_row(self, h: ParsedHousehold, village_id: int, now: dt.datetime,
                       columns: list[str]) -> list[Any]:
        row: dict[str, Any] = dict(h.values.get(Entity.HOUSEHOLD, {}))
        row.update(household_no=h.household_no, village_id=village_id, version=1, active=True,
                   created_at=now, updated_at=now)
        if "size" not in self.present[Entity.HOUSEHOLD] and h.members:
            row["size"] = len(h.members)
        head = next((m.values for m in h.members if is_head(m.values.get("relation"))), None)
        if head is not None:  # the layout names the head only as a member: take it from there
            if row.get("head_name") is None:
                row["head_name"] = head.get("name")
            if row.get("head_id_number") is None:
                row["head_id_number"] = head.get("id_number")
        return list(map(row.get, columns))

    def _household_columns(self) -> list[str]:
        cols = list(self.present[Entity.HOUSEHOLD])
        for extra in ("size", "head_name", "head_id_number"):
            if extra not in cols:
                cols.append(extra)
        return cols

    def _member_columns(self) -> list[str]:
        present = [c for c in self.present[Entity.MEMBER] if c not in ("sex", "birth_date")]
        return ["household_id", "sort_order", "status", "sex", "birth_date", *present]

    def _member_row(self, hid: int, pm: ParsedMember, order: int, columns: list[str]) -> tuple[Any, ...]:
        """A new member; sex and birth date come from the ID number when the file has no such column."""
        return self._member_rows(columns)(hid, pm, order)

    def _member_rows(self, columns: list[str]) -> Callable[[int, ParsedMember, int], tuple[Any, ...]]:
        """`_member_row` for many members: the column lookups made once."""
        rest = tuple(columns[5:])
        pick = layouts.pick
        derive_sex, derive_birth = self._derive_sex, self._derive_birth
        sex_and_birth = idnumber.sex_and_birth

        def row(hid: int, pm: ParsedMember, order: int) -> tuple[Any, ...]:
            v = pm.values
            picked = pick(v, rest)  # a member read cell by cell may lack a column: None
            get = v.get
            sex, born = get("sex"), get("birth_date")
            if sex is None or born is None:
                idn = get("id_number")
                if idn:
                    id_sex, id_born = sex_and_birth(idn)
                    if sex is None and derive_sex:
                        sex = id_sex
                    if born is None and derive_birth:
                        born = id_born
            return (hid, order, MEMBER_CURRENT, sex, born, *picked)
        return row

    def _keep_member_years(self, s: Session) -> None:
        """The members' school status of the households read, as their data year's snapshot
        (`services.member_years`; EDU-014 compares three data years)."""
        if self.roster.header.layout != layouts.PERSON or "school_status" not in self.present[Entity.MEMBER]:
            return
        by_year: dict[int, list[int]] = {}
        for h, _place in self.new_households:
            by_year.setdefault(h.year or self.data_year, []).append(self._new_id_of[h.household_no])
        for h, hid in self.existing:
            by_year.setdefault(h.year or self.data_year, []).append(hid)
        for year, hids in by_year.items():
            member_years.keep(s, year, hids)

    def _yearly_check(self, entity: Entity) -> None:
        """A seam for tests (a crash in the middle of the write)."""

    # ------------------------------------------------------------------ result
    def counts(self) -> dict[str, Any]:
        return {"households_new": len(self.new_households),
                "households_changed": len(self.changed_households),
                "members_new": sum(len(h.members) for h, _ in self.new_households) + len(self.new_members),
                "fields_changed": sum(1 for c in self.changes if c.field_key != JournalEvent.MEMBER_ADDED),
                "households_skipped": len(self.skipped), "errors": len(self.errors),
                "notices": len(self.notices), "identity_for_review": len(self.identity)}

    def result(self, *, dry_run: bool) -> ImportResult:
        counts = self.counts()
        hmap = self.roster.header
        errors = tuple(ImportIssue(e.row, e.column, e.household_no, e.zh, e.en)
                       for e in sorted(self.errors, key=lambda e: (e.row, e.col_index or 0)))
        notices = tuple(ImportIssue(n.row, n.column, n.household_no, n.zh, n.en) for n in self.notices)
        changed_existing = len({c.household_no for c in self.changes} -
                               {h.household_no for h, _ in self.new_households})
        places = tuple(CreatedPlace(level, row["name"], row["code"], placeholder)
                       for level, row, _, placeholder in (self.places.created if self.places else []))
        return ImportResult(
            file=self.file_name, layout=hmap.layout, dry_run=dry_run, year=self.data_year,
            data_rows=self.roster.data_rows, households_in_file=len(self.roster.households),
            households_new=counts["households_new"], households_changed=changed_existing,
            households_unchanged=len(self.existing) - changed_existing,
            members_new=counts["members_new"], members_changed=len(self.changed_members),
            fields_changed=counts["fields_changed"], households_skipped=tuple(self.skipped),
            errors=errors, changes=tuple(self.changes), missing_members=tuple(self.missing),
            places_created=places, columns=hmap.columns, run_id=getattr(self, "run_id", None),
            notices=notices, household_ids=() if dry_run else tuple(
                sorted({*self.changed_households, *getattr(self, "new_ids", ())})),
            identity_changes=tuple(c for _, _, c in self.identity),
            review_requests=tuple(self.review_requests),
            kept=tuple(ImportIssue(k.row, k.column, k.household_no, k.zh, k.en) for k in self.kept))


def _export_rows(s: Session, year: int) -> Iterator[dict[str, Any]]:
    """Current members with their household, place and the year's income and conditions, keyed by
    the fields of the export (the national person list and the 2019 record's fields)."""
    keys = groups.ROSTER_EXPORT.keys
    stmt = (
        select(*(columns.column(k) for k in keys))
        .select_from(Member)
        .join(Household, Household.id == Member.household_id)
        .join(Village, Village.id == Household.village_id)
        .join(Township, Township.id == Village.township_id)
        .join(County, County.id == Township.county_id)
        .outerjoin(Income, (Income.household_id == Household.id) & (Income.year == year))
        .outerjoin(Conditions, (Conditions.household_id == Household.id) & (Conditions.year == year))
        .where(Member.current, Household.active.is_(True))
        .order_by(Township.code, Village.code, Household.household_no, Member.sort_order, Member.id)
    )
    for r in s.execute(stmt).yield_per(5000):
        yield dict(zip(keys, r, strict=True))


__all__ = ["SOURCE_IMPORT", "BadInput", "FieldChange", "HeaderPreview", "ImportIssue", "ImportResult",
           "ImportService", "MissingMember", "Where"]
