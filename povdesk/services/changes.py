"""Change requests: every change to the registry is made by one person, reviewed by another and
signed off by the director a month at a time (issue 11). Only an approved request touches the
registry, through the registry's own write paths, in one transaction with its journal rows, the
household's version and the household's re-check.

Every refusal is enforced here, never only in the window: the role of the acting user (`db.user`,
roles from `UserService`), maker-checker (nobody approves or signs off what they made, nobody
signs off what they approved), the order of the stages (`domain.changes.STEPS`), immutability of
signed-off requests, each type's requirements (`domain.changes.TYPES`), the notice record, the
exit rules and conflicts with changes made since the request was based on the household.
"""

from __future__ import annotations

import builtins
import contextlib
import datetime as dt
import functools
import hashlib
import mimetypes
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from sqlalchemy import Select, func, or_, select
from sqlalchemy.orm import Session, selectinload

from povdesk.db.base import utcnow
from povdesk.db.models import (
    MEMBER_DECREASED,
    MEMBER_REMOVED,
    ChangeEvent,
    ChangeEvidence,
    ChangeField,
    ChangeRequest,
    EvidenceFile,
    Household,
    Member,
    PeriodClose,
    Village,
)
from povdesk.domain import changes as cr
from povdesk.domain import dictionary as dd
from povdesk.domain import groups, idnumber, values
from povdesk.domain.codelists import CodeBook
from povdesk.domain.dictionary import Entity
from povdesk.domain.journal import JournalEvent, JournalSource
from povdesk.domain.meanings import (
    EXITED_STATUSES,
    EXITED_WITH_SUPPORT,
    HEAD,
    HOUSEHOLD_CANCELLED,
    HOUSEHOLD_REMOVED,
    NOT_EXITED,
    RETURNED_TO_POVERTY,
    is_exited,
    is_head,
)
from povdesk.errors import Conflict, InvalidValue, NotAllowed, NotFound, PovdeskError
from povdesk.exchange.filled_forms import FilledSheet, cell_text, read_filled_forms
from povdesk.exchange.xlsx_stream import column_letters
from povdesk.reports.forms import mask_id, short_label
from povdesk.reports.printed import PrintedValues, key_of_label, printed_values
from povdesk.services import audit
from povdesk.services.checks import CheckService
from povdesk.services.conflicts import check_version
from povdesk.services.database import Database
from povdesk.services.printing import PrintedSnapshot, PrintService
from povdesk.services.registry import RegistryService
from povdesk.services.settings import YearSettingsService
from povdesk.services.users import UserService

#: the largest evidence file stored (a scan of a signed form is a few MB)
EVIDENCE_LIMIT = 20 * 1024 * 1024
#: what a journal row's reference calls the request that carried the change
REFERENCE_PREFIX = "CR-"

#: Fields a request sets that are not data-dictionary fields (a household's cancellation).
_HOUSEHOLD_EXTRA = ("household.active", "household.cancel_reason", "household.cancel_date")


#: the change field a village exit sets (the village's exit year; not a household dictionary field)
VILLAGE_EXIT_YEAR = "village.exit_year"
HOUSEHOLD_NO = "household.household_no"


def reference_of(request_id: int) -> str:
    return f"{REFERENCE_PREFIX}{request_id}"


@dataclass(frozen=True)
class _Planned:
    """One field a request will change, as planned when the request is made or edited."""

    key: str
    member_id: int | None
    before: str | None
    after: str | None


@dataclass(frozen=True)
class ApprovalResult:
    """One request of `approve_many`: the approved request, or the refusal that kept it as it was."""

    request_id: int
    approved: cr.ChangeRequestRecord | None = None
    refusal: PovdeskError | None = None

    @property
    def ok(self) -> bool:
        return self.refusal is None


@dataclass(frozen=True)
class QueueCounts:
    """The window's four queues, counted (`queue_counts`): my drafts, returned to me, awaiting my
    review (submitted by others), awaiting sign-off (approved, anyone's)."""

    my_drafts: int
    returned_to_me: int
    awaiting_review: int
    awaiting_signoff: int


def _chunks(items: Sequence[int], size: int = 900) -> Iterable[Sequence[int]]:
    for i in range(0, len(items), size):
        yield items[i:i + size]


@dataclass(frozen=True)
class _Proposal:
    """A new household as proposed: journal texts by dictionary key, the household's and each member's."""

    household: dict[str, str | None]
    members: tuple[dict[str, str | None], ...]


@dataclass
class _FilledForm:
    """One sheet of a filled workbook read back: household fields, member fields by printed row,
    notes (cells of tables a correction request does not change); values with their cell."""

    sheet: str
    snap: PrintedSnapshot
    household: dict[str, tuple[Any, str]]
    members: dict[int, dict[str, tuple[Any, str]]]
    notes: list[str]


#: a member row's correction cell: 字段：值 pairs separated by ；, ; or line breaks
_PARTS = re.compile(r"[；;\n]+")
_PAIR = re.compile(r"[：:=]")


@functools.cache
def _member_labels() -> dict[str, str]:
    out: dict[str, str] = {}
    for f in dd.FIELDS:
        if f.entity == Entity.MEMBER and f.editable:
            for label in (f.key, f.column, f.zh, f.label_with_unit("zh"), short_label(f)):
                out.setdefault(label, f.key)
    return out


def _member_key(label: str) -> str | None:
    """The member field a correction names (its key, Chinese label or the form's short label)."""
    return _member_labels().get(label.strip())


def _split_pair(part: str) -> tuple[str, str, str]:
    """字段：值 as (label, separator, value); no separator: (part, "", "")."""
    m = _PAIR.search(part)
    if m is None:
        return part.strip(), "", ""
    return part[:m.start()].strip(), m.group(), part[m.end():].strip()


def _text(v: str | None) -> str | None:
    v = (v or "").strip()
    return v or None


def _notice_texts(notice: Mapping[str, Any] | None) -> dict[str, str]:
    out: dict[str, str] = {}
    for key, value in (notice or {}).items():
        if key not in cr.NOTICE_KEYS:
            raise InvalidValue("change.notice_key",
                               f"'{key}' is not part of the notice record; use one of {', '.join(cr.NOTICE_KEYS)}.",
                               f"“{key}”不是公示记录的项目，应为 {'、'.join(cr.NOTICE_KEYS)} 之一。")
        if value not in (None, ""):
            out[key] = value.isoformat() if isinstance(value, dt.date) else str(value).strip()
    return out


class ChangeRequestService:
    def __init__(self, *, db: Database, registry: RegistryService | None = None,
                 checks: CheckService | None = None, today: Callable[[], dt.date] | None = None) -> None:
        self.db = db
        self.registry = registry or RegistryService(db=db)
        self.checks = checks or CheckService(db=db)
        self._users = UserService(db=db)
        self._today = today or dt.date.today

    # ------------------------------------------------------------------ audit
    def _audit(self, session: Session, action: str, request_id: int | None,
               detail: Mapping[str, Any] | None = None, chain: audit.Chain | None = None) -> None:
        """One audit entry per state change, in the caller's transaction (the chain of
        `services.audit`): the acting user, the action, the request as `CR-<id>`. `chain`: added
        to the caller's batch of entries, written by its `write` (approve_many, sign_off)."""
        subject = None if request_id is None else f"CR-{request_id}"
        if chain is not None:
            chain.add(user=self.db.user, action=action, subject=subject, detail=detail)
        else:
            audit.record(session, user=self.db.user, action=action, subject=subject, detail=detail)

    # ------------------------------------------------------------------ rules shared by every act
    def _require_role(self, action: str) -> None:
        step = cr.STEPS[action]
        self._users.require(step.roles, step.en, step.zh)

    def _stage(self, r: ChangeRequest, action: str) -> None:
        step = cr.STEPS[action]
        if r.status == cr.SIGNED_OFF:
            raise Conflict("change.signed_off",
                           f"Change request #{r.id} is signed off and can no longer change; make a new request.",
                           f"变更申请 #{r.id} 已签发，不能再更改；如需更正请另提新申请。")
        if r.status not in step.sources:
            allowed_en = " or ".join(cr.status_label(x, "en").lower() for x in cr.STATUSES if x in step.sources)
            allowed_zh = "或".join(cr.status_label(x) for x in cr.STATUSES if x in step.sources)
            raise Conflict("change.stage",
                           f"Change request #{r.id} is {cr.status_label(r.status, 'en').lower()}: only a "
                           f"{allowed_en} request can be acted on this way ({step.en}); no stage is skipped.",
                           f"变更申请 #{r.id} 当前为“{cr.status_label(r.status)}”，只有“{allowed_zh}”的申请"
                           f"才能{step.zh}（不得越过任何环节）。")

    def _own(self, r: ChangeRequest) -> None:
        if r.maker != self.db.user:
            raise NotAllowed("change.not_maker",
                             f"Only its maker {r.maker} may change request #{r.id}.",
                             f"只有申请人 {r.maker} 可以修改变更申请 #{r.id}。")

    def _not_own(self, r: ChangeRequest, what_en: str, what_zh: str) -> None:
        if r.maker == self.db.user:
            raise NotAllowed("change.own",
                             f"Nobody may {what_en} a request they made: #{r.id} was made by {r.maker}.",
                             f"任何人不得{what_zh}自己提交的申请：#{r.id} 由 {r.maker} 提交。")

    def _load(self, s: Session, request_id: int) -> ChangeRequest:
        r = s.get(ChangeRequest, request_id)
        if r is None:
            raise NotFound("change.missing", f"No change request #{request_id}.", f"找不到变更申请 #{request_id}。")
        return r

    def _event(self, s: Session, r: ChangeRequest, to: str, comment: str | None = None) -> None:
        s.add(ChangeEvent(request_id=r.id, at=utcnow(), user=self.db.user, from_status=r.status,
                          to_status=to, comment=comment))
        r.status = to
        r.updated_at = utcnow()

    # ------------------------------------------------------------------ making and editing
    def make(self, type_: str, *, household_id: int | None = None, household_no: str | None = None,
             member: str | None = None, sets: Mapping[str, Any] | None = None, cause: str | None = None,
             date: dt.date | str | None = None, reason: str | None = None, note: str | None = None,
             notice: Mapping[str, Any] | None = None, year: int | None = None, new_head: str | None = None,
             source: str = "typed", source_ref: str | None = None,
             evidence: Sequence[tuple[str, bytes]] = (), from_form: str | None = None,
             village_code: str | None = None, household: Mapping[str, Any] | None = None,
             members: Sequence[Mapping[str, Any]] | None = None,
             expected_version: int | None = None) -> cr.ChangeRequestRecord:
        """A new draft request (`member`, `new_head`: ID number or member id within the household).

        `expected_version`: the household's version the maker saw (the window's detail); a household
        changed at another desk since is refused (`services.conflicts`, "household.version").

        `from_form`: the QR payload (`PD1-…`) of the printed form the correction was written on;
        each field's `before` is then the value as printed, and a field whose registry value
        differs from the printed one keeps that value in `current` (marked).

        `new-household` takes `village_code`, `household` ({dictionary key: code or label}) and
        `members` (one such mapping per member); `village-exit` takes `village_code` and `year`."""
        kind = cr.TYPES.get(type_)
        if kind is None:
            raise InvalidValue("change.type", f"Unknown type '{type_}'; use one of {', '.join(cr.TYPES)}.",
                               f"未知的变更类型“{type_}”，应为 {'、'.join(cr.TYPES)} 之一。")
        if type_ not in cr.IMPLEMENTED:
            raise InvalidValue("change.type_later", f"Change requests of type {type_} are not available yet.",
                               f"暂不支持“{kind.zh}”类型的变更申请。")
        self._require_role("make")
        if (household is not None or members is not None) and type_ != cr.NEW_HOUSEHOLD:
            raise InvalidValue("change.no_members", f"A {kind.en.lower()} takes no household file.",
                               f"“{kind.zh}”不接受户及成员文件。")
        if type_ in cr.NOT_OF_A_HOUSEHOLD:
            return self._make_outside(kind, village_code=village_code, household=household, members=members,
                                      year=year, reason=reason, note=note, notice=notice, source=source,
                                      source_ref=source_ref, evidence=evidence)
        snap = None
        if _text(from_form):
            snap = self._snapshot(str(from_form), household_no)
            household_id, household_no = None, snap.household_no
            source, source_ref = "form", str(from_form).strip().upper()
        with self.db.transaction() as s:
            seen = s.get(Household, household_id) if expected_version is not None and household_id else None
            if seen is not None:
                check_version(s, seen, expected_version)
            request_id = self._make_in(s, kind, household_id=household_id, household_no=household_no, member=member,
                                       sets=sets, cause=cause, date=date, reason=reason, note=note, notice=notice,
                                       year=year, new_head=new_head, source=source, source_ref=source_ref,
                                       evidence=evidence, snap=snap)
        return self.get(request_id)

    def _make_in(self, s: Session, kind: cr.ChangeType, *, household_id: int | None, household_no: str | None,
                 member: str | None, sets: Mapping[str, Any] | None, cause: str | None,
                 date: dt.date | str | None, reason: str | None, note: str | None,
                 notice: Mapping[str, Any] | None, year: int | None, new_head: str | None, source: str,
                 source_ref: str | None, evidence: Sequence[tuple[str, bytes]],
                 snap: PrintedSnapshot | None) -> int:
        """`make` of a household's request inside the caller's transaction; the new request's id."""
        h = self._household(s, household_id, household_no)
        r = ChangeRequest(type=kind.code, household_id=h.id, status=cr.DRAFT, based_on_version=h.version,
                          source=source, source_ref=_text(source_ref), maker=self.db.user)
        self._fill(s, r, h, kind, member=member, sets=sets or {}, cause=cause, date=date, reason=reason,
                   note=note, notice=notice, year=year, new_head=new_head)
        if snap is not None:
            self._take_printed(r, h, snap)
        s.add(r)
        s.flush()
        s.add(ChangeEvent(request_id=r.id, at=utcnow(), user=self.db.user, from_status=None,
                          to_status=cr.DRAFT))
        for name, data in evidence:
            self._attach(s, r, name, data)
        self._audit(s, "change.made", r.id, {"type": kind.code, "household_no": h.household_no})
        return r.id

    def submit_correction_in(self, s: Session, *, household_id: int, member_id: int | None,
                             sets: Mapping[str, Any], note: str, source: str, source_ref: str | None) -> int:
        """A correction of one member's fields (None: the household's), made and submitted by the
        acting user inside the caller's transaction (an import's changed ID number, for a reviewer);
        the request's id."""
        request_id = self._make_in(s, cr.TYPES[cr.CORRECT], household_id=household_id, household_no=None,
                                   member=None if member_id is None else str(member_id), sets=sets, cause=None, date=None, reason=None,
                                   note=note, notice=None, year=None, new_head=None, source=source,
                                   source_ref=source_ref, evidence=(), snap=None)
        r = self._load(s, request_id)
        self._event(s, r, cr.SUBMITTED)
        self._audit(s, "change.submitted", r.id, None)
        return request_id

    def edit(self, request_id: int, *, member: str | None = None, sets: Mapping[str, Any] | None = None,
             cause: str | None = None, date: dt.date | str | None = None, reason: str | None = None,
             note: str | None = None, notice: Mapping[str, Any] | None = None, year: int | None = None,
             new_head: str | None = None, household: Mapping[str, Any] | None = None,
             members: Sequence[Mapping[str, Any]] | None = None) -> cr.ChangeRequestRecord:
        """Change a draft or returned request (its maker only); what is not given stays as it was
        (a new household: `household` and `members` replace the proposal's parts given)."""
        with self.db.reading() as s:
            r = self._load(s, request_id)
            ref = r.source_ref if r.source in ("form", "workbook") else None
        snap = self._snapshot(ref, None) if ref else None
        with self.db.transaction() as s:
            r = self._load(s, request_id)
            self._stage(r, "edit")
            self._own(r)
            kind = cr.TYPES[r.type]
            if r.type in cr.NOT_OF_A_HOUSEHOLD:
                self._fill_common(r, kind, date=None, cause=None, reason=reason if reason is not None else r.reason,
                                  note=note if note is not None else r.note,
                                  notice=notice if notice is not None else dict(r.notice or {}))
                self._refill_outside(s, r, household=household, members=members, year=year)
            else:
                h = self._household(s, r.household_id, None)
                keep_member = None if r.member_id is None else str(r.member_id)
                keep_head = None if r.new_head_member_id is None else str(r.new_head_member_id)
                old_sets: dict[str, Any] = {}
                for f in r.fields if kind.takes_fields else ():
                    old_sets[f.field if f.member_id is None else f"{f.field}@{f.member_id}"] = f.after
                self._fill(s, r, h, kind, member=member or keep_member,
                           sets=sets if sets is not None else old_sets,
                           cause=cause if cause is not None else r.cause,
                           date=date if date is not None else r.event_date,
                           reason=reason if reason is not None else r.reason,
                           note=note if note is not None else r.note,
                           notice=notice if notice is not None else dict(r.notice or {}),
                           year=year if year is not None else r.year, new_head=new_head or keep_head)
                if snap is not None:
                    self._take_printed(r, h, snap)
            if r.status != cr.DRAFT:
                self._event(s, r, cr.DRAFT, "edited")
            r.updated_at = utcnow()
        return self.get(request_id)

    def _refill_outside(self, s: Session, r: ChangeRequest, *, household: Mapping[str, Any] | None,
                        members: Sequence[Mapping[str, Any]] | None, year: int | None) -> None:
        """Edit of a new household (the parts given replace the proposal's) or a village exit (its year)."""
        v = s.get(Village, r.village_id)
        assert v is not None
        if r.type == cr.VILLAGE_EXIT:
            preview = self._preview(s, v, year or r.year or self.db.data_year)
            self._refuse_exit(preview)
            r.year = preview.year
            r.detail = self._detail_of(preview)
            for f in r.fields:
                f.after = str(preview.year)
            return
        if household is None and members is None:
            return
        old_hh = {f.field: f.after for f in r.fields if f.member_index is None}
        old_rows: dict[int, dict[str, Any]] = {}
        for f in r.fields:
            if f.member_index is not None:
                old_rows.setdefault(f.member_index, {})[f.field] = f.after
        hh = dict(household) if household is not None else {
            k: v for k, v in old_hh.items() if k not in cr.DERIVED_HOUSEHOLD or k == HOUSEHOLD_NO}
        hh.setdefault(HOUSEHOLD_NO, old_hh.get(HOUSEHOLD_NO))
        proposal = self._proposal(hh, members if members is not None else [old_rows[i] for i in sorted(old_rows)])
        r.fields.clear()
        s.flush()
        r.fields.extend(self._plan_new_household(s, v, proposal, but=r.id))

    def _snapshot(self, payload: str, household_no: str | None) -> PrintedSnapshot:
        snap = PrintService(db=self.db).find_snapshot(payload)
        if household_no and household_no.strip() != snap.household_no:
            raise InvalidValue("change.form_household",
                               f"The form {payload.strip()} is of household {snap.household_no}, not {household_no}.",
                               f"表格 {payload.strip()} 属于户 {snap.household_no}，而不是 {household_no}。")
        return snap

    def _take_printed(self, r: ChangeRequest, h: Household, snap: PrintedSnapshot) -> None:
        """`before` as printed on the form; where the registry holds another value, it is kept in
        `current` (the field is marked) and the request is based on the printed version, so that
        approval's conflict check compares with what the clerk saw."""
        printed = printed_values(snap.form)
        books = self.db.codebook()
        rows = {m.id: printed.members[i] for i, m in self._printed_members(h, printed).items()}
        for f in r.fields:
            try:
                d = dd.field(f.field)
            except KeyError:
                continue
            source = printed.household if f.member_id is None else rows.get(f.member_id, {})
            if f.field not in source:
                continue
            text = source[f.field]
            try:
                was = values.to_text(d, values.coerce(d, text, books)) if text != "" else None
            except PovdeskError:
                continue
            f.current = None
            if was != f.before:
                f.current, f.before = f.before, was
        r.based_on_version = snap.version

    @staticmethod
    def _printed_members(h: Household, printed: PrintedValues) -> dict[int, Member]:
        """The household's member of each printed member row (by index), by name and ID number as
        printed (whole or masked)."""
        out: dict[int, Member] = {}
        for m in h.members:
            for i, row in enumerate(printed.members):
                shown = row.get("member.id_number") or ""
                if row.get("member.name") == m.name and (
                        not shown or shown in ((m.id_number or ""), mask_id(m.id_number))):
                    out[i] = m
                    break
        return out

    def add_evidence(self, request_id: int, name: str, data: bytes) -> cr.ChangeRequestRecord:
        with self.db.transaction() as s:
            r = self._load(s, request_id)
            self._stage(r, "edit")
            self._own(r)
            self._attach(s, r, name, data)
        return self.get(request_id)

    def _attach(self, s: Session, r: ChangeRequest, name: str, data: bytes) -> None:
        name = (name or "").strip() or "evidence"
        if len(data) > EVIDENCE_LIMIT:
            raise InvalidValue("change.evidence_size",
                               f"The evidence file {name} is {len(data) / 2**20:.1f} MB; at most 20 MB is stored.",
                               f"证明材料“{name}”大小为 {len(data) / 2**20:.1f} MB，最大 20 MB。")
        digest = hashlib.sha256(data).hexdigest()
        stored = s.scalar(select(EvidenceFile).where(EvidenceFile.sha256 == digest))
        if stored is None:
            media = mimetypes.guess_type(name)[0] or "application/octet-stream"
            stored = EvidenceFile(sha256=digest, name=name[-260:], media_type=media, size=len(data), data=data)
            s.add(stored)
            s.flush()
        linked = s.scalar(select(ChangeEvidence.id).where(ChangeEvidence.request_id == r.id,
                                                          ChangeEvidence.file_id == stored.id))
        if linked is None:
            s.add(ChangeEvidence(request_id=r.id, file_id=stored.id, name=name[-260:]))

    def evidence_bytes(self, file_id: int) -> bytes:
        with self.db.reading() as s:
            f = s.get(EvidenceFile, file_id)
            if f is None:
                raise NotFound("change.evidence_missing", f"No evidence file {file_id}.", f"找不到证明材料 {file_id}。")
            return bytes(f.data)

    @staticmethod
    def _household(s: Session, household_id: int | None, household_no: str | None) -> Household:
        h = None
        if household_id is not None:
            h = s.get(Household, household_id)
        elif household_no:
            h = s.scalar(select(Household).where(Household.household_no == household_no.strip()))
        if h is None:
            what = household_no or household_id
            raise NotFound("household.missing", f"No household {what}.", f"找不到户 {what}。")
        return h

    @staticmethod
    def _member(h: Household, ref: str | None, *, role_en: str = "member",
                role_zh: str = "成员") -> Member:
        text = (ref or "").strip()
        if not text:
            raise InvalidValue("change.member", f"Name the {role_en} (--member ID number).",
                               f"请指明{role_zh}（身份证号）。")
        wanted = idnumber.normalise(text)
        for m in h.members:
            if (m.id_number and m.id_number == wanted) or str(m.id) == text:
                return m
        raise NotFound("change.member_missing", f"Household {h.household_no} has no member {text}.",
                       f"户 {h.household_no} 中没有成员 {text}。")

    def _cause(self, kind: cr.ChangeType, cause: str | None) -> str | None:
        if kind.cause_list is None:
            return None
        book = self.db.codebook()[kind.cause_list]
        if not _text(cause):
            raise InvalidValue("change.cause", f"A {kind.en.lower()} needs its cause ({book.en}).",
                               f"“{kind.zh}”必须填写{book.zh}。")
        code = book.code_for(cause)
        if code is None:
            raise InvalidValue("change.cause", f"'{cause}' is not in the list '{book.en}'.",
                               f"“{cause}”不在“{book.zh}”代码表中。")
        return code

    def _fill(self, s: Session, r: ChangeRequest, h: Household, kind: cr.ChangeType, *, member: str | None,
              sets: Mapping[str, Any], cause: str | None, date: dt.date | str | None, reason: str | None,
              note: str | None, notice: Mapping[str, Any] | None, year: int | None,
              new_head: str | None) -> None:
        """Check what a request of `kind` needs and plan its fields (before as now, after as asked)."""
        self._fill_common(r, kind, date=date, cause=cause, reason=reason, note=note, notice=notice)
        r.year = year
        r.member_id = r.new_head_member_id = None
        planned = self._plan(h, kind, r, member=member, sets=sets, new_head=new_head)
        r.fields.clear()
        s.flush()
        for p in planned:
            entity = p.key.split(".", 1)[0]
            r.fields.append(ChangeField(entity=entity, field=p.key, member_id=p.member_id, before=p.before,
                                        after=p.after))
        r.based_on_version = h.version

    def _fill_common(self, r: ChangeRequest, kind: cr.ChangeType, *, date: dt.date | str | None,
                     cause: str | None, reason: str | None, note: str | None,
                     notice: Mapping[str, Any] | None) -> None:
        """What every type checks alike: reason, note, date, cause and the notice record."""
        today = self._today()
        r.reason = _text(reason)
        r.note = _text(note)
        if kind.needs_reason and not r.reason:
            raise InvalidValue("change.reason", f"A {kind.en.lower()} needs a reason.", f"“{kind.zh}”必须填写原因。")
        r.event_date = None
        if date not in (None, ""):
            r.event_date = values.coerce(dd.field("member.change_date"), date)
            if r.event_date is not None and r.event_date > today:
                raise InvalidValue("change.date_future", f"The date {r.event_date} lies in the future.",
                                   f"日期 {r.event_date} 晚于今天。")
        if kind.needs_date and r.event_date is None:
            raise InvalidValue("change.date", f"A {kind.en.lower()} needs its date (--date YYYY-MM-DD).",
                               f"“{kind.zh}”必须填写日期（--date YYYY-MM-DD）。")
        r.cause = self._cause(kind, cause)
        texts = _notice_texts(notice)
        if kind.needs_notice:
            problems = cr.notice_problems(texts, today)
            if problems:
                raise InvalidValue("change.notice",
                                   f"The notice record of this {kind.en.lower()} is incomplete: "
                                   + "; ".join(en for en, _ in problems) + ".",
                                   f"“{kind.zh}”的公示记录不完整：" + "；".join(zh for _, zh in problems) + "。")
        r.notice = texts or None

    def _plan(self, h: Household, kind: cr.ChangeType, r: ChangeRequest, *, member: str | None,
              sets: Mapping[str, Any], new_head: str | None) -> list[_Planned]:
        books = self.db.codebook()

        def hh(key: str, after: Any) -> _Planned:
            f = dd.field(key)
            return _Planned(key, None, values.to_text(f, getattr(h, f.column)), values.to_text(f, after))

        if sets and not kind.takes_fields:
            raise InvalidValue("change.no_fields", f"A {kind.en.lower()} takes no --set fields.",
                               f"“{kind.zh}”不接受 --set 字段。")
        if kind.code == cr.CORRECT:
            out: list[_Planned] = []
            for raw_key, raw in sets.items():
                key, _, member_ref = raw_key.partition("@")
                try:
                    f = dd.field(key)
                except KeyError:
                    raise InvalidValue("change.field", f"'{key}' is not a data-dictionary key.",
                                       f"“{key}”不是数据字典中的字段。") from None
                if f.entity not in (Entity.HOUSEHOLD, Entity.MEMBER) or not f.editable:
                    raise InvalidValue("field.readonly", f"{f.en} ({key}) cannot be corrected by a request.",
                                       f"“{f.zh}”（{key}）不能通过信息更正修改。")
                new = values.to_text(f, values.coerce(f, raw, books))
                if f.entity == Entity.MEMBER:
                    m = self._member(h, member_ref or member)
                    before = values.to_text(f, getattr(m, f.column))
                    if before != new:
                        out.append(_Planned(key, m.id, before, new))
                else:
                    before = values.to_text(f, getattr(h, f.column))
                    if before != new:
                        out.append(_Planned(key, None, before, new))
            return out
        if kind.code == cr.EXIT:
            if is_exited(h.status):
                raise Conflict("change.already_exited", f"Household {h.household_no} is already marked exited.",
                               f"户 {h.household_no} 已标注脱贫。")
            r.year = r.year or self.db.data_year
            return [hh("household.status", EXITED_WITH_SUPPORT), hh("household.exit_year", r.year)]
        if kind.code == cr.RETURN:
            if not is_exited(h.status):
                raise Conflict("change.not_exited", f"Household {h.household_no} is not exited: it cannot return.",
                               f"户 {h.household_no} 未脱贫，不能标注返贫。")
            r.year = r.year or self.db.data_year
            return [hh("household.status", RETURNED_TO_POVERTY), hh("household.return_year", r.year),
                    hh("household.return_cause", r.cause)]
        if kind.code == cr.MEMBER_OUT:
            m = self._member(h, member)
            if not m.current:
                raise Conflict("member.not_current", f"{m.name} is no longer a current member.",
                               f"{m.name} 已不是在册成员。")
            r.member_id = m.id
            assert kind.cause_list and r.event_date
            label = books[kind.cause_list].label(r.cause)
            out = [_Planned("member.status", m.id, m.status, MEMBER_DECREASED),
                   _Planned("member.change_reason", m.id, m.change_reason, label),
                   _Planned("member.change_date", m.id, values.to_text(dd.field("member.change_date"), m.change_date),
                            r.event_date.isoformat())]
            if is_head(m.relation):
                if not _text(new_head):
                    raise InvalidValue("change.new_head",
                                       f"{m.name} is the head of household: name the new head (--new-head ID number).",
                                       f"{m.name} 是户主，须同时指定新户主（--new-head 身份证号）。")
                nh = self._member(h, new_head, role_en="new head", role_zh="新户主")
                if nh.id == m.id or not nh.current:
                    raise InvalidValue("change.new_head", f"{nh.name} cannot become the head.",
                                       f"{nh.name} 不能作为新户主。")
                r.new_head_member_id = nh.id
                out += [_Planned("member.relation", nh.id, nh.relation, HEAD),
                        hh("household.head_name", nh.name), hh("household.head_id_number", nh.id_number)]
            return out
        if kind.code == cr.MEMBER_IN:
            out = []
            for key, raw in sets.items():
                try:
                    f = dd.field(key)
                except KeyError:
                    raise InvalidValue("change.field", f"'{key}' is not a data-dictionary key.",
                                       f"“{key}”不是数据字典中的字段。") from None
                if f.entity != Entity.MEMBER or not f.editable:
                    raise InvalidValue("field.entity", f"{key} is not a member field a new member can be given.",
                                       f"{key} 不是新增成员可填写的成员字段。")
                out.append(_Planned(key, None, None, values.to_text(f, values.coerce(f, raw, books))))
            if not any(p.key == "member.name" and p.after for p in out):
                raise InvalidValue("member.name", "A new member needs a name (--set member.name=…).",
                                   "新增成员必须填写姓名（--set member.name=…）。")
            return out
        if kind.code in (cr.CANCEL_HOUSEHOLD, cr.REMOVAL):
            if not h.active:
                raise Conflict("change.inactive", f"Household {h.household_no} is already cancelled.",
                               f"户 {h.household_no} 已销户。")
            if kind.code == cr.CANCEL_HOUSEHOLD:
                current = [m.name for m in h.members if m.current]
                if current:
                    raise Conflict("change.members_current",
                                   f"Household {h.household_no} still has current members: {', '.join(current)}; "
                                   "record each leaving first (member-out).",
                                   f"户 {h.household_no} 仍有在册成员：{'、'.join(current)}，请先办理自然减少。")
            on = r.event_date or self._today()
            return [_Planned("household.active", None, "1", "0"),
                    _Planned("household.cancel_reason", None, h.cancel_reason, r.reason),
                    _Planned("household.cancel_date", None,
                             h.cancel_date.isoformat() if h.cancel_date else None, on.isoformat())]
        raise AssertionError(kind.code)

    # ------------------------------------------------------------------ new household, village exit
    def _make_outside(self, kind: cr.ChangeType, *, village_code: str | None,
                      household: Mapping[str, Any] | None, members: Sequence[Mapping[str, Any]] | None,
                      year: int | None, reason: str | None, note: str | None, notice: Mapping[str, Any] | None,
                      source: str, source_ref: str | None,
                      evidence: Sequence[tuple[str, bytes]]) -> cr.ChangeRequestRecord:
        """A new-household or village-exit draft: made on a village, not on a household."""
        proposal = self._proposal(household, members) if kind.code == cr.NEW_HOUSEHOLD else None
        with self.db.transaction() as s:
            v = self._village(s, village_code)
            r = ChangeRequest(type=kind.code, household_id=None, village_id=v.id, status=cr.DRAFT,
                              based_on_version=None, source=source, source_ref=_text(source_ref),
                              maker=self.db.user)
            self._fill_common(r, kind, date=None, cause=None, reason=reason, note=note, notice=notice)
            if proposal is not None:
                r.detail = {"village_code": v.code, "village": v.name}
                for f in self._plan_new_household(s, v, proposal):
                    r.fields.append(f)
            else:
                preview = self._preview(s, v, year or self.db.data_year)
                self._refuse_exit(preview)
                r.year = preview.year
                r.detail = self._detail_of(preview)
                r.fields.append(ChangeField(entity="village", field=VILLAGE_EXIT_YEAR, member_id=None,
                                            before=None if v.exit_year is None else str(v.exit_year),
                                            after=str(preview.year)))
            s.add(r)
            s.flush()
            s.add(ChangeEvent(request_id=r.id, at=utcnow(), user=self.db.user, from_status=None,
                              to_status=cr.DRAFT))
            for name, data in evidence:
                self._attach(s, r, name, data)
            self._audit(s, "change.made", r.id, {"type": kind.code, "village_code": v.code})
            request_id = r.id
        return self.get(request_id)

    @staticmethod
    def _village(s: Session, code: str | None) -> Village:
        text = (code or "").strip()
        if not text:
            raise InvalidValue("change.village", "Name the village (--village CODE).", "请指明村（--village 村代码）。")
        v = s.scalar(select(Village).where(Village.code == text))
        if v is None:
            raise NotFound("village.missing", f"No village {text}.", f"找不到村 {text}。")
        return v

    def _proposal(self, household: Mapping[str, Any] | None,
                  members: Sequence[Mapping[str, Any]] | None) -> _Proposal:
        """The proposed household and members as journal texts, every value checked against its
        dictionary type and code list; refused listing every problem (per member row)."""
        books = self.db.codebook()
        problems: list[tuple[str, str]] = []

        def texts(raw: Mapping[str, Any], entity: Entity, where_en: str, where_zh: str) -> dict[str, str | None]:
            out: dict[str, str | None] = {}
            for raw_key, value in raw.items():
                key = str(raw_key).strip()
                try:
                    f = dd.field(key)
                except KeyError:
                    problems.append((f"{where_en}: '{key}' is not a data-dictionary key",
                                     f"{where_zh}：“{key}”不是数据字典中的字段"))
                    continue
                if f.entity != entity or not (f.editable or key == HOUSEHOLD_NO):
                    problems.append((f"{where_en}: {key} is not a {entity} field a new household can be given",
                                     f"{where_zh}：{key} 不是新识别户可填写的字段"))
                    continue
                try:
                    out[key] = (values.check_household_no(str(value).strip()) if key == HOUSEHOLD_NO
                                and not values.is_blank(value) else values.to_text(f, values.coerce(f, value, books)))
                except PovdeskError as exc:
                    problems.append((f"{where_en}: {exc.en}", f"{where_zh}：{exc.zh}"))
            return out

        if household is not None and not isinstance(household, Mapping):
            raise InvalidValue("change.new_household", "The household part must be an object {key: value}.",
                               "户信息应为“字段: 值”的对象。")
        hh = texts(household or {}, Entity.HOUSEHOLD, "household", "户信息")
        rows: list[dict[str, str | None]] = []
        for i, raw in enumerate(members or ()):
            if not isinstance(raw, Mapping):
                raise InvalidValue("change.new_household", f"Member {i + 1} must be an object {{key: value}}.",
                                   f"成员{i + 1}应为“字段: 值”的对象。")
            name = str(raw.get("member.name") or "").strip() or None
            row = texts(raw, Entity.MEMBER, cr.member_label(i, name, "en"), cr.member_label(i, name))
            number = row.get("member.id_number")
            if number and not row.get("member.sex"):
                row["member.sex"] = idnumber.sex_code(number)
            if number and not row.get("member.birth_date"):
                born = idnumber.birth_date(number)
                row["member.birth_date"] = born.isoformat() if born else None
            rows.append(row)
        if not rows:
            problems.append(("a new household needs its members (\"members\": [...])",
                             "新识别户必须填写家庭成员（\"members\": [...]）"))
        required = [f for f in dd.FIELDS if f.entity == Entity.MEMBER and f.required]
        seen: dict[str, int] = {}
        for i, row in enumerate(rows):
            name = row.get("member.name")
            missing = [f for f in required if not row.get(f.key)]
            if missing:
                problems.append((f"{cr.member_label(i, name, 'en')} lacks " + ", ".join(f.en for f in missing),
                                 f"{cr.member_label(i, name)}缺少" + "、".join(f.zh for f in missing)))
            number = row.get("member.id_number")
            if number and row.get("member.id_type") in (None, "1") and not idnumber.is_valid(number):
                problems.append((f"{cr.member_label(i, name, 'en')}: the ID number {number} is not valid",
                                 f"{cr.member_label(i, name)}的身份证号码 {number} 无效"))
            if number:
                if number in seen:
                    problems.append((f"{cr.member_label(i, name, 'en')} has the same ID number as "
                                     f"{cr.member_label(seen[number], rows[seen[number]].get('member.name'), 'en')}",
                                     f"{cr.member_label(i, name)}与{cr.member_label(seen[number], rows[seen[number]].get('member.name'))}"
                                     "的身份证号码相同"))
                seen.setdefault(number, i)
        heads = [i for i, row in enumerate(rows) if is_head(row.get("member.relation"))]
        if rows and len(heads) != 1:
            problems.append((f"a household has exactly one head (relation 户主); {len(heads)} are given",
                             f"一户须有且只有一名户主（与户主关系为“户主”），现有 {len(heads)} 名"))
        # what the household takes from its members and the request when the file leaves it out
        if heads and len(heads) == 1:
            head = rows[heads[0]]
            for key, value in (("household.head_name", head.get("member.name")),
                               ("household.head_id_number", head.get("member.id_number"))):
                if hh.get(key) and hh[key] != value:
                    problems.append((f"household: {dd.field(key).en} {hh[key]} is not the head's ({value})",
                                     f"户信息：{dd.field(key).zh}“{hh[key]}”与户主（{value}）不符"))
                hh[key] = value
        if rows:
            if hh.get("household.size") and hh["household.size"] != str(len(rows)):
                problems.append((f"household: the size {hh['household.size']} is not the {len(rows)} members given",
                                 f"户信息：家庭人口数 {hh['household.size']} 与所列成员 {len(rows)} 人不符"))
            hh["household.size"] = str(len(rows))
        if is_exited(hh.get("household.status")):
            problems.append(("household: a newly identified household is not exited (status 未脱贫)",
                             "户信息：新识别户的脱贫属性不能为已脱贫"))
        hh["household.status"] = hh.get("household.status") or NOT_EXITED
        hh["household.first_identified_year"] = (hh.get("household.first_identified_year")
                                                 or str(self.db.data_year))
        missing = [f for f in dd.FIELDS if f.entity == Entity.HOUSEHOLD and f.required
                   and f.key != HOUSEHOLD_NO and not hh.get(f.key)]
        if missing:
            problems.append(("household lacks " + ", ".join(f.en for f in missing),
                             "户信息缺少" + "、".join(f.zh for f in missing)))
        if problems:
            raise InvalidValue("change.new_household",
                               "The new household cannot be proposed: " + "; ".join(en for en, _ in problems) + ".",
                               "新识别户不能提交：" + "；".join(zh for _, zh in problems) + "。")
        return _Proposal(hh, tuple(rows))

    def _plan_new_household(self, s: Session, v: Village, p: _Proposal, *,
                            but: int | None = None) -> list[ChangeField]:
        """The proposal's change fields: the household number (the file's, checked, or the next free
        one of the village), household fields, then each member's fields with its index."""
        given = p.household.get(HOUSEHOLD_NO)
        length = self._number_length(s)
        held = self._held_numbers(s, but)
        if given:
            values.check_household_no(given, length)
            if s.scalar(select(Household.id).where(Household.household_no == given)) is not None or given in held:
                raise Conflict("change.household_no_taken", f"The household number {given} is already in use.",
                               f"户编号 {given} 已被使用。")
            number = given
        else:
            number = self._next_number(s, v, length, held)
        self._refuse_current_elsewhere(s, p)
        out = [ChangeField(entity="household", field=HOUSEHOLD_NO, member_id=None, before=None, after=number)]
        for key, text in p.household.items():
            if key != HOUSEHOLD_NO and text is not None:
                out.append(ChangeField(entity="household", field=key, member_id=None, before=None, after=text))
        for i, row in enumerate(p.members):
            for key, text in row.items():
                if text is not None:
                    out.append(ChangeField(entity="member", field=key, member_id=None, member_index=i,
                                           before=None, after=text))
        return out

    @staticmethod
    def _number_length(s: Session) -> int | None:
        """The county's household-number length: the one most registered households have."""
        row = s.execute(select(func.length(Household.household_no), func.count())
                        .group_by(func.length(Household.household_no))
                        .order_by(func.count().desc(), func.length(Household.household_no)).limit(1)).first()
        return None if row is None else int(row[0])

    @staticmethod
    def _held_numbers(s: Session, but: int | None = None) -> set[str]:
        """Household numbers proposed by new-household requests still open (not approved, rejected)."""
        stmt = (select(ChangeField.after).join(ChangeRequest, ChangeRequest.id == ChangeField.request_id)
                .where(ChangeRequest.type == cr.NEW_HOUSEHOLD, ChangeField.field == HOUSEHOLD_NO,
                       ChangeRequest.status.in_((cr.DRAFT, cr.SUBMITTED, cr.RETURNED))))
        if but is not None:
            stmt = stmt.where(ChangeRequest.id != but)
        return {n for n in s.scalars(stmt) if n}

    @staticmethod
    def _next_number(s: Session, v: Village, length: int | None, held: set[str]) -> str:
        """The next free number of the village: its code, then a sequence (the highest in use + 1)."""
        width = (length - len(v.code)) if length and length > len(v.code) else 5
        taken = set(s.scalars(select(Household.household_no).where(Household.household_no.startswith(v.code))))
        taken |= {n for n in held if n.startswith(v.code)}
        seqs = [int(n[len(v.code):]) for n in taken if len(n) == len(v.code) + width and n[len(v.code):].isdigit()]
        seq = max(seqs, default=0) + 1
        while f"{v.code}{seq:0{width}d}" in taken:
            seq += 1
        if len(str(seq)) > width:
            raise Conflict("change.household_no_full", f"Village {v.code} has no free household number left.",
                           f"村 {v.code} 已无可用的户编号。")
        return f"{v.code}{seq:0{width}d}"

    @staticmethod
    def _refuse_current_elsewhere(s: Session, p: _Proposal) -> None:
        numbers = [n for n in (row.get("member.id_number") for row in p.members) if n]
        if not numbers:
            return
        found = s.execute(select(Member.id_number, Member.name, Household.household_no)
                          .join(Household, Household.id == Member.household_id)
                          .where(Member.id_number.in_(numbers), Member.current, Household.active.is_(True))
                          .order_by(Household.household_no)).all()
        if found:
            raise Conflict("change.id_current",
                           "An ID number is already a current member elsewhere in the county: "
                           + "; ".join(f"{n} ({name}) in household {no}" for n, name, no in found) + ".",
                           "身份证号码已是本县其他户的在册成员："
                           + "；".join(f"{n}（{name}）在户 {no}" for n, name, no in found) + "。")

    def village_exit_preview(self, village_code: str, year: int | None = None) -> cr.VillageExitPreview:
        """The village's incidence of poverty in `year` (default: the data year) against the year's
        threshold, and whether it may exit (read only)."""
        with self.db.reading() as s:
            return self._preview(s, self._village(s, village_code), year or self.db.data_year)

    def _preview(self, s: Session, v: Village, year: int) -> cr.VillageExitPreview:
        base = (select(func.count(Member.id)).join(Household, Household.id == Member.household_id)
                .where(Household.village_id == v.id, Household.active.is_(True), Member.current))
        population = s.scalar(base) or 0
        poor = s.scalar(base.where(or_(Household.status.is_(None),
                                       Household.status.not_in(sorted(EXITED_STATUSES))))) or 0
        threshold = YearSettingsService(db=self.db).get(year).village_exit_incidence
        return cr.VillageExitPreview(v.id, v.code, v.name, year, poor, population,
                                     cr.poverty_incidence(poor, population), threshold, v.exit_year)

    @staticmethod
    def _detail_of(p: cr.VillageExitPreview) -> dict[str, Any]:
        return {"village_id": p.village_id, "village_code": p.village_code, "village": p.village_name,
                "year": p.year, "poor": p.poor, "population": p.population,
                "incidence": round(p.incidence, 4), "threshold": p.threshold}

    @staticmethod
    def _refuse_exit(p: cr.VillageExitPreview) -> None:
        if p.exit_year is not None:
            raise Conflict("change.village_exited", f"Village {p.village_name} already exited in {p.exit_year}.",
                           f"{p.village_name}已于 {p.exit_year} 年退出。")
        if not p.may_exit:
            raise Conflict("change.village_incidence",
                           f"Village {p.village_name} cannot exit in {p.year}: its incidence of poverty is "
                           f"{p.incidence:.2f} % ({p.poor} poor of {p.population}), above the threshold of "
                           f"{p.threshold:g} %.",
                           f"{p.village_name}{p.year} 年不能退出：贫困发生率 {p.incidence:.2f}%（贫困人口 {p.poor} 人 / "
                           f"总人口 {p.population} 人），高于标准 {p.threshold:g}%。")

    def _apply_outside(self, s: Session, r: ChangeRequest) -> Household | None:
        """Approval of a new household (created with its members through the registry's write
        paths) or a village exit (the village's exit year), journalled as the request; the new
        household, for the re-check."""
        ref = reference_of(r.id)
        source = JournalSource.CHANGE_REQUEST
        reason = (r.reason or cr.TYPES[r.type].zh)[:200]
        v = s.get(Village, r.village_id)
        assert v is not None
        if r.type == cr.VILLAGE_EXIT:
            assert r.year is not None
            preview = self._preview(s, v, r.year)
            self._refuse_exit(preview)
            r.detail = self._detail_of(preview)
            self.registry.journal(s, household=None, entity="village", entity_id=v.id, member_id=None,
                                  field=VILLAGE_EXIT_YEAR, old=None, new=str(r.year), reason=reason,
                                  source=source, reference=ref)
            v.exit_year = r.year
            return None
        hh = {f.field: f.after for f in r.fields if f.member_index is None}
        rows: dict[int, dict[str, str | None]] = {}
        for f in r.fields:
            if f.member_index is not None:
                rows.setdefault(f.member_index, {})[f.field] = f.after
        number = hh.pop(HOUSEHOLD_NO) or ""
        if s.scalar(select(Household.id).where(Household.household_no == number)) is not None:
            raise Conflict("change.household_no_taken",
                           f"The household number {number} is already in use; the maker edits request #{r.id}.",
                           f"户编号 {number} 已被使用，请申请人修改变更申请 #{r.id}。")
        self._refuse_current_elsewhere(s, _Proposal(hh, tuple(rows[i] for i in sorted(rows))))
        books = self.db.codebook()
        h = Household(village_id=v.id, household_no=number, version=1, active=True)
        for key, text in hh.items():
            d = dd.field(key)
            setattr(h, d.column, values.coerce(d, text, books))
        s.add(h)
        s.flush()
        reg = self.registry
        reg.journal(s, household=h, entity=Entity.HOUSEHOLD, entity_id=h.id, member_id=None,
                    field=JournalEvent.HOUSEHOLD_IDENTIFIED, old=None, new=number, reason=reason,
                    source=source, reference=ref, bump=False)
        for key, text in hh.items():
            reg.journal(s, household=h, entity=Entity.HOUSEHOLD, entity_id=h.id, member_id=None, field=key,
                        old=None, new=text, reason=reason, source=source, reference=ref, bump=False)
        for i in sorted(rows):
            reg.add_member_in(s, household_id=h.id, values_by_key=dict(rows[i]), reason=reason,
                              date=self._today(), source=source, reference=ref)
        r.household_id = h.id
        r.based_on_version = h.version
        return h

    # ------------------------------------------------------------------ filled comparison tables
    def import_forms(self, path: str | Path) -> cr.FormsImport:
        """A comparison-table workbook (`forms --xlsx`) with its correction column filled in the office
        as draft correction requests, one per household with any filled correction, each field's
        `before` as printed (like `from_form`), source "workbook" and the form's code as source_ref.

        Every error names the file, sheet, cell and field; any error and nothing is written (one
        transaction). A household whose form already has a request from a workbook (not rejected)
        is skipped and named with that request."""
        self._require_role("make")
        path = Path(path)
        books = self.db.codebook()
        errors: list[tuple[str, str]] = []
        filled: list[_FilledForm] = []
        for sheet in read_filled_forms(path):
            where_en, where_zh = f"{path.name}, sheet {sheet.title}", f"文件“{path.name}”工作表“{sheet.title}”"
            if sheet.payload is None:
                errors.append((f"{where_en}: no form code (PD1-…) in its first rows; not a comparison table "
                               "written by forms --xlsx",
                               f"{where_zh}：前几行中没有表单编码（PD1-…），不是 forms --xlsx 生成的对照表"))
                continue
            try:
                snap = self._snapshot(sheet.payload, None)
            except PovdeskError as exc:
                errors.append((f"{where_en}: {exc.en}", f"{where_zh}：{exc.zh}"))
                continue
            filled.append(self._read_form(path.name, sheet, snap, books, errors))
        if errors:
            self._refuse_forms(path, errors)
        created: list[cr.ImportedForm] = []
        skipped: list[cr.ImportedForm] = []
        with self.db.transaction() as s:
            forms = [f.snap.form.payload for f in filled]
            before: dict[str, int] = {}
            for ref, rid in s.execute(select(ChangeRequest.source_ref, ChangeRequest.id).where(
                    ChangeRequest.source == "workbook", ChangeRequest.source_ref.in_(forms),
                    ChangeRequest.status != cr.REJECTED)):
                before.setdefault(ref or "", rid)
            for f in filled:
                if not (f.household or f.members or f.notes):
                    continue
                payload = f.snap.form.payload
                if payload in before or payload in {c.form for c in created}:
                    done = before.get(payload) or next(c.change_id for c in created if c.form == payload)
                    skipped.append(cr.ImportedForm(f.snap.household_no, done, 0, f.sheet, payload))
                    continue
                h = self._household(s, None, f.snap.household_no)
                members = self._printed_members(h, printed_values(f.snap.form))
                sets: dict[str, Any] = {key: value for key, (value, _) in f.household.items()}
                for index, row in f.members.items():
                    m = members.get(index)
                    if m is None:
                        errors.append((f"{path.name}, sheet {f.sheet}: printed member {index + 1} is no longer "
                                       f"in household {h.household_no}",
                                       f"文件“{path.name}”工作表“{f.sheet}”：打印的第 {index + 1} 名成员已不在户 "
                                       f"{h.household_no} 中"))
                        continue
                    sets.update({f"{key}@{m.id}": value for key, (value, _) in row.items()})
                note = "\n".join([f"对照表核实（{path.name} 工作表 {f.sheet}）", *f.notes])
                try:
                    rid = self._make_in(s, cr.TYPES[cr.CORRECT], household_id=h.id, household_no=None, member=None,
                                        sets=sets, cause=None, date=None, reason="对照表核实更正", note=note,
                                        notice=None, year=None, new_head=None, source="workbook",
                                        source_ref=payload, evidence=(), snap=f.snap)
                except PovdeskError as exc:
                    errors.append((f"{path.name}, sheet {f.sheet}: {exc.en}", f"文件“{path.name}”工作表“{f.sheet}”：{exc.zh}"))
                    continue
                count = len(s.scalars(select(ChangeField.id).where(ChangeField.request_id == rid)).all())
                created.append(cr.ImportedForm(h.household_no, rid, count, f.sheet, payload))
            if errors:
                self._refuse_forms(path, errors)  # raised inside: the transaction rolls back
        return cr.FormsImport(path.name, tuple(created), tuple(skipped))

    @staticmethod
    def _refuse_forms(path: Path, errors: Sequence[tuple[str, str]]) -> None:
        shown = list(errors[:50])
        more_en = f"; and {len(errors) - len(shown)} more" if len(errors) > len(shown) else ""
        more_zh = f"；等共 {len(errors)} 处" if len(errors) > len(shown) else ""
        raise InvalidValue("change.forms_workbook",
                           f"The workbook {path.name} was not imported, nothing was written: "
                           + "; ".join(en for en, _ in shown) + more_en + ".",
                           f"工作簿“{path.name}”未导入，未写入任何数据：" + "；".join(zh for _, zh in shown) + more_zh + "。")

    def _read_form(self, file: str, sheet: FilledSheet, snap: PrintedSnapshot, books: CodeBook,
                   errors: list[tuple[str, str]]) -> _FilledForm:
        """The filled correction cells of one sheet as fields (checked against their dictionary type
        and code list) and notes; each error names file, sheet, cell and field."""
        # openpyxl: imported here, not at the window's start
        from povdesk.reports.form_xlsx import correction_cells

        form = snap.form
        out = _FilledForm(sheet.title, snap, {}, {}, [])
        titles = {t.key: t.title or sec.title for sec in form.sections for t in sec.tables}
        tables = {t.key: t for sec in form.sections for t in sec.tables}
        for c in correction_cells(form):
            raw = sheet.cells.get((c.row, c.column))
            if raw is None:
                continue
            text = cell_text(raw)
            cell = f"{column_letters(c.column)}{c.row}"
            table = tables[c.table]
            row = table.rows[c.table_row]

            def fail(label_en: str, label_zh: str, en: str, zh: str, cell: str = cell, row_no: int = c.row) -> None:
                en = en if en.startswith(label_en) else f"{label_en}: {en}"
                zh = zh if zh.startswith(label_zh) else f"{label_zh}：{zh}"
                errors.append((f"{file}, sheet {sheet.title}, cell {cell} (row {row_no}), {en}",
                               f"文件“{file}”工作表“{sheet.title}”单元格 {cell}（第 {row_no} 行）{zh}"))

            if c.table == "facts":
                label = row[c.table_column - 2]
                key = key_of_label(tuple(groups.FORM_FACTS), label)
                if key is None or not key.startswith("household.") or not dd.field(key).editable:
                    out.notes.append(f"{titles[c.table]} {label}：{text}")
                    continue
                d = dd.field(key)
                try:
                    values.coerce(d, raw, books)
                except PovdeskError as exc:
                    fail(d.en, d.zh, exc.en, exc.zh)
                    continue
                out.household[key] = (raw, cell)
            elif c.table in ("members", "insurance"):
                for part in filter(None, (p.strip() for p in _PARTS.split(text))):
                    label, sep, value = _split_pair(part)
                    key = _member_key(label) if sep else None
                    if key is None:
                        fail("member", "成员", f"'{part}' is not FIELD: VALUE of a member field (e.g. 文化程度：初中)",
                             f"“{part}”不是“字段：值”形式的成员字段（如 文化程度：初中）")
                        continue
                    d = dd.field(key)
                    try:
                        values.coerce(d, value, books)
                    except PovdeskError as exc:
                        fail(d.en, d.zh, exc.en, exc.zh)
                        continue
                    out.members.setdefault(c.table_row, {})[key] = (value, cell)
            else:
                out.notes.append(f"{titles[c.table]} 第 {c.table_row + 1} 行（{row[0]}）：{text}")
        return out

    # ------------------------------------------------------------------ the stages
    def submit(self, request_id: int, comment: str | None = None) -> cr.ChangeRequestRecord:
        with self.db.reading() as s:
            r = self._load(s, request_id)
            self._stage(r, "submit")
            self._own(r)
            self._require_role("submit")
            kind, hid, rtype = cr.TYPES[r.type], r.household_id, r.type
            missing_evidence = kind.needs_evidence and not s.scalar(
                select(ChangeEvidence.id).where(ChangeEvidence.request_id == r.id))
        if missing_evidence:
            raise InvalidValue("change.evidence", f"A {kind.en.lower()} needs evidence (--evidence FILE).",
                               f"“{kind.zh}”必须附证明材料（--evidence 文件）。")
        if rtype == cr.EXIT and hid is not None:
            self._exit_rules(hid)
        with self.db.transaction() as s:
            r = self._load(s, request_id)
            self._stage(r, "submit")
            self._event(s, r, cr.SUBMITTED, _text(comment))
            self._audit(s, "change.submitted", r.id, None)
        return self.get(request_id)

    def _exit_rules(self, household_id: int) -> None:
        """Refuse an exit while an exit-blocking rule fails or an indicator is not met."""
        self.checks.run_household(household_id)
        found_en: list[str] = []
        found_zh: list[str] = []
        for p in self.checks.exit_blockers(household_id):
            found_en.append(f"{p.rule} {p.message_en}")
            found_zh.append(f"{p.rule} {p.message_zh}")
        for v in self.registry.assessment(household_id).verdicts:
            if v.met is False:
                found_en.append(f"{v.title('en')} not met")
                found_zh.append(f"{v.title('zh')}未达标")
        if found_en:
            raise Conflict("change.exit_rules",
                           "The household cannot be marked exited: " + "; ".join(found_en) + ".",
                           "该户不能标注脱贫：" + "；".join(found_zh) + "。")

    def _approvable(self, r: ChangeRequest) -> None:
        """What an approval refuses before touching the registry: the stage, maker-checker and a
        notice period still running."""
        self._stage(r, "approve")
        self._not_own(r, "approve", "审核")
        if cr.TYPES[r.type].needs_notice:
            end = cr.notice_running(dict(r.notice or {}), self._today())
            if end is not None:
                raise Conflict("change.notice_running",
                               f"The village public notice runs until {end}: approval waits until it has run "
                               "its full length.",
                               f"村公示至 {end} 结束，公示期满后方可审核通过。")

    def _approve_in(self, s: Session, r: ChangeRequest, comment: str | None, period: str) -> Household | None:
        """Apply an approvable request inside the caller's transaction (refused as a conflict when
        its fields moved since it was made); the household is re-checked by the caller (None: a
        village exit, no household to re-check)."""
        h: Household | None
        if r.type in cr.NOT_OF_A_HOUSEHOLD:  # new household, village exit: created or set here
            h = self._apply_outside(s, r)
        else:
            h = self._household(s, r.household_id, None)
            self._conflicts(s, r, h)
            self._apply(s, r, h)
        r.reviewer = self.db.user
        r.period = period
        r.review_comment = _text(comment)
        self._event(s, r, cr.APPROVED, _text(comment))
        return h

    def approve(self, request_id: int, comment: str | None = None) -> cr.ChangeRequestRecord:
        """Approve a submitted request: applied to the registry, journalled, the household re-checked,
        all in one transaction (refused as a conflict when its fields moved since it was made)."""
        self._require_role("approve")
        with self.db.reading() as s:
            r = self._load(s, request_id)
            self._approvable(r)
            rtype, hid = r.type, r.household_id
        if rtype == cr.EXIT and hid is not None:
            self._exit_rules(hid)
        with self.db.transaction(lock="check", job="check") as s:
            r = self._load(s, request_id)
            self._approvable(r)
            period = self._open_period(s, self._today())
            h = self._approve_in(s, r, comment, period)
            s.flush()
            if h is not None:
                self.checks.run(household_id=h.id, session=s)
            self._audit(s, "change.approved", r.id, {"period": period,
                                                      "household_no": h.household_no if h else None})
        return self.get(request_id)

    def approve_many(self, request_ids: Iterable[int], comment: str | None = None) -> builtins.list[ApprovalResult]:
        """Approve several submitted requests, in the order given, each refused or approved as
        `approve` would (role, stage, maker-checker, notice, conflict; one audit entry each).

        One transaction for the lot, each request in its own savepoint: a refusal undoes that
        request only and is returned with its message; the households changed are re-checked once,
        at the end, in the same transaction. An exit request is approved alone, between the
        others, as `approve` does it (its exit rules run a check of their own first). An id given
        twice counts once."""
        ids = list(dict.fromkeys(request_ids))
        try:
            self._require_role("approve")
        except PovdeskError as exc:
            return [ApprovalResult(i, refusal=exc) for i in ids]
        types: dict[int, str] = {}
        with self.db.reading() as s:
            for chunk in _chunks(sorted(set(ids))):
                for request_id, type_ in s.execute(select(ChangeRequest.id, ChangeRequest.type)
                                                   .where(ChangeRequest.id.in_(chunk))):
                    types[request_id] = type_
        refused: dict[int, PovdeskError] = {}
        run: list[int] = []
        for i in [*ids, None]:
            if i is not None and types.get(i) != cr.EXIT:
                run.append(i)
                continue
            if run:
                refused.update(self._approve_run(run, comment))
                run = []
            if i is not None:
                try:
                    self.approve(i, comment)
                except PovdeskError as exc:
                    refused[i] = exc
        approved = {r.id: r for r in self._records(set(ids) - set(refused))}
        return [ApprovalResult(i, refusal=refused[i]) if i in refused else ApprovalResult(i, approved[i])
                for i in ids]

    def _approve_run(self, ids: Sequence[int], comment: str | None) -> dict[int, PovdeskError]:
        """`approve_many`'s transaction over requests that are not exits: the refusals by id."""
        refused: dict[int, PovdeskError] = {}
        with self.db.transaction(lock="check", job="check") as s:
            period = self._open_period(s, self._today())
            held = self._preload(s, ids)  # (the identity map holds them weakly: kept to the end)
            chain = audit.Chain(s)
            changed: list[int] = []
            # Nothing is flushed before each read (everything read is loaded already). A request
            # whose every refusal is decided before it changes anything (`_applies_cleanly`) is
            # approved in place, its writes flushed with the others' at the end; any other gets a
            # savepoint of its own, which its refusal rolls back (and flushes its writes at its end).
            with s.no_autoflush:
                for request_id in ids:
                    try:
                        with chain.part():
                            r = self._load(s, request_id)
                            with (contextlib.nullcontext() if self._applies_cleanly(s, r)
                                  else s.begin_nested()):
                                self._approvable(r)
                                h = self._approve_in(s, r, comment, period)
                                self._audit(s, "change.approved", r.id,
                                            {"period": period, "household_no": h.household_no if h else None},
                                            chain)
                            if h is not None:
                                changed.append(h.id)
                    except PovdeskError as exc:
                        refused[request_id] = exc
            s.flush()
            chain.write()  # the approvals, before the re-check's own entry
            if changed:
                self.checks.run(household_ids=changed, session=s)
            del held
        return refused

    def _applies_cleanly(self, s: Session, r: ChangeRequest) -> bool:
        """Whether approving `r` either is refused before it changes anything or cannot be refused
        at all: a correction whose every field the registry's `set_field_in` takes (its field of
        the household or of an existing member, editable, its value fits). The stage, maker-checker,
        notice and conflict refusals come before the first change anyway. Nothing is changed here."""
        if r.type != cr.CORRECT or r.household_id is None:
            return False
        books = self.db.codebook()
        for f in r.fields:
            try:
                d = dd.field(f.field)
                if d.entity.value != f.entity or not d.editable:
                    return False
                if d.entity == Entity.MEMBER:
                    m = s.get(Member, f.member_id) if f.member_id is not None else None
                    if m is None or m.household_id != r.household_id:
                        return False
                elif d.entity != Entity.HOUSEHOLD or f.member_id is not None:
                    return False
                values.coerce(d, f.after, books)
            except (KeyError, ValueError, PovdeskError):
                return False
        return True

    @staticmethod
    def _preload(s: Session, ids: Sequence[int]) -> builtins.list[Any]:
        """The requests (with their fields), their households and the members their fields name,
        read in a few queries into the session, so approving each reads nothing more; the loaded
        objects are returned for the caller to hold."""
        held: builtins.list[Any] = []
        for chunk in _chunks(sorted(set(ids))):
            requests = s.scalars(select(ChangeRequest).where(ChangeRequest.id.in_(chunk))
                                 .options(selectinload(ChangeRequest.fields))).all()
            held += requests
            households = sorted({r.household_id for r in requests if r.household_id is not None})
            members = sorted({m for r in requests for m in (r.member_id, r.new_head_member_id,
                                                             *(f.member_id for f in r.fields))
                              if m is not None})
            for part in _chunks(households):
                held += s.scalars(select(Household).where(Household.id.in_(part))).all()
            for part in _chunks(members):
                held += s.scalars(select(Member).where(Member.id.in_(part))).all()
        return held

    def return_(self, request_id: int, comment: str) -> cr.ChangeRequestRecord:
        """Send a submitted request back to its maker; the comment says what to change."""
        if not _text(comment):
            raise InvalidValue("change.comment", "Returning a request needs a comment saying what to change.",
                               "退回申请必须填写意见，说明需修改之处。")
        return self._decide(request_id, "return", cr.RETURNED, comment, "change.returned")

    def reject(self, request_id: int, comment: str | None = None) -> cr.ChangeRequestRecord:
        return self._decide(request_id, "reject", cr.REJECTED, comment, "change.rejected")

    def _decide(self, request_id: int, action: str, to: str, comment: str | None,
                audit_action: str) -> cr.ChangeRequestRecord:
        self._require_role(action)
        step = cr.STEPS[action]
        with self.db.transaction() as s:
            r = self._load(s, request_id)
            self._stage(r, action)
            self._not_own(r, step.en.split(" ", 1)[0], step.zh[:2])
            r.reviewer = self.db.user
            r.review_comment = _text(comment)
            self._event(s, r, to, _text(comment))
            self._audit(s, audit_action, r.id, {"comment": _text(comment)})
        return self.get(request_id)

    def rebase(self, request_id: int) -> cr.ChangeRequestRecord:
        """Take the household as it is now: every field's `before` becomes the current value, the
        request is based on the current version and is a draft again (its maker resubmits)."""
        with self.db.transaction() as s:
            r = self._load(s, request_id)
            if r.status not in (*cr.EDITABLE, cr.SUBMITTED):
                self._stage(r, "edit")
            self._own(r)
            if r.type in cr.NOT_OF_A_HOUSEHOLD:
                raise Conflict("change.no_rebase", f"Request #{r.id} is not based on a household: edit it instead.",
                               f"变更申请 #{r.id} 不基于某一户，请直接修改。")
            h = self._household(s, r.household_id, None)
            for f in r.fields:
                if f.before is not None or f.member_id is not None or f.field in _HOUSEHOLD_EXTRA:
                    f.before = self._current(s, h, f)
                f.current = None
            r.based_on_version = h.version
            if r.status != cr.DRAFT:
                self._event(s, r, cr.DRAFT, "rebased")
        return self.get(request_id)

    # ------------------------------------------------------------------ conflicts and applying
    @staticmethod
    def _current(s: Session, h: Household, f: ChangeField) -> str | None:
        if f.field == "household.active":
            return "1" if h.active else "0"
        if f.field == "household.cancel_reason":
            return h.cancel_reason
        if f.field == "household.cancel_date":
            return h.cancel_date.isoformat() if h.cancel_date else None
        d = dd.field(f.field)
        obj: Any = h if f.member_id is None else s.get(Member, f.member_id)
        return values.to_text(d, getattr(obj, d.column))

    def _conflicts(self, s: Session, r: ChangeRequest, h: Household) -> None:
        if h.version == r.based_on_version:
            return
        moved = [f for f in r.fields
                 if r.type != cr.MEMBER_IN and self._current(s, h, f) != f.before]
        if moved:
            names_en = ", ".join(self._field_name(s, f, "en") for f in moved)
            names_zh = "、".join(self._field_name(s, f, "zh") for f in moved)
            raise Conflict("change.conflict",
                           f"Conflict: household {h.household_no} changed since request #{r.id} was made "
                           f"(version {r.based_on_version} → {h.version}) and so did {names_en}; the maker "
                           "rebases the request and submits it again.",
                           f"冲突：变更申请 #{r.id} 提交后户 {h.household_no} 已被修改（版本 {r.based_on_version} → "
                           f"{h.version}），{names_zh}已变化；请申请人按当前数据更新后重新提交。")

    @staticmethod
    def _field_name(s: Session, f: ChangeField, lang: str) -> str:
        try:
            label = dd.field(f.field).label(lang)
        except KeyError:
            label = f.field
        if f.member_id is not None:
            m = s.get(Member, f.member_id)
            if m is not None:
                label = f"{m.name} {label}"
        return label

    def _apply(self, s: Session, r: ChangeRequest, h: Household) -> None:
        """The request's fields, through the registry's write paths, journalled as the request."""
        ref = reference_of(r.id)
        source = JournalSource.CHANGE_REQUEST
        reason = (r.reason or cr.TYPES[r.type].zh)[:200]
        reg = self.registry
        if r.type == cr.MEMBER_IN:
            assert r.event_date is not None
            label = self.db.codebook()["increase_reason"].label(r.cause) if r.cause else reason
            reg.add_member_in(s, household_id=h.id, values_by_key={f.field: f.after for f in r.fields},
                              reason=label, date=r.event_date, source=source, reference=ref)
            return
        if r.type == cr.MEMBER_OUT:
            assert r.member_id is not None and r.event_date is not None
            for f in r.fields:
                if f.field in ("member.relation", "household.head_name", "household.head_id_number"):
                    entity_id = h.id if f.member_id is None else f.member_id
                    reg.set_field_in(s, entity=f.entity, entity_id=entity_id, key=f.field, value=f.after,
                                     reason=reason, source=source, reference=ref)
            label = next(f.after for f in r.fields if f.field == "member.change_reason") or reason
            reg.decrease_member_in(s, member_id=r.member_id, reason=label, date=r.event_date, source=source,
                                   reference=ref, new_head_named=r.new_head_member_id is not None)
            return
        if r.type in (cr.CANCEL_HOUSEHOLD, cr.REMOVAL):
            if r.type == cr.REMOVAL:
                for m in list(h.members):
                    if m.current:
                        reg.decrease_member_in(s, member_id=m.id, reason=reason, date=self._today(),
                                               source=source, reference=ref, status=MEMBER_REMOVED,
                                               new_head_named=True)
            for f in r.fields:
                reg.journal(s, household=h, entity=Entity.HOUSEHOLD, entity_id=h.id, member_id=None,
                            field=f.field, old=self._current(s, h, f), new=f.after, reason=reason,
                            source=source, reference=ref, bump=f.field == "household.active")
            h.active = False
            h.record_status = HOUSEHOLD_REMOVED if r.type == cr.REMOVAL else HOUSEHOLD_CANCELLED
            h.cancel_reason = r.reason
            h.cancel_date = dt.date.fromisoformat(next(f.after for f in r.fields
                                                       if f.field == "household.cancel_date") or "")
            return
        for f in r.fields:
            entity_id = h.id if f.member_id is None else f.member_id
            reg.set_field_in(s, entity=f.entity, entity_id=entity_id, key=f.field, value=f.after,
                             reason=reason, source=source, reference=ref)

    # ------------------------------------------------------------------ months
    @staticmethod
    def _closed(s: Session, period: str) -> PeriodClose | None:
        return s.scalar(select(PeriodClose).where(PeriodClose.period == period,
                                                  PeriodClose.reopened_at.is_(None)))

    def _open_period(self, s: Session, today: dt.date) -> str:
        """The month an approval falls in: this month, or the next one not closed."""
        period = cr.period_of(today)
        while self._closed(s, period) is not None:
            period = cr.next_period(period)
        return period

    @staticmethod
    def _check_period(period: str) -> str:
        period = (period or "").strip()
        if not cr.valid_period(period):
            raise InvalidValue("change.period", f"'{period}' is not a month (YYYY-MM).",
                               f"“{period}”不是月份（YYYY-MM）。")
        return period

    def sign_off(self, period: str) -> cr.SignOffResult:
        """Sign off every approved request of `period` in one act and close the month."""
        period = self._check_period(period)
        self._require_role("signoff")
        if period > cr.period_of(self._today()):
            raise Conflict("change.period_future", f"The month {period} has not begun; it cannot be signed off.",
                           f"{period} 尚未开始，不能签发。")
        self._signoff_blockers(period)
        from povdesk.services import backups

        backups.before(self.db, backups.BEFORE_SIGNOFF)
        with self.db.transaction() as s:
            if self._closed(s, period) is not None:
                raise Conflict("change.period_closed", f"The month {period} is already signed off and closed.",
                               f"{period} 已签发并关闭。")
            rows = list(s.scalars(select(ChangeRequest).where(ChangeRequest.period == period,
                                                              ChangeRequest.status == cr.APPROVED)
                                  .order_by(ChangeRequest.id)))
            made = [r.id for r in rows if r.maker == self.db.user]
            if made:
                raise NotAllowed("change.own",
                                 f"Nobody may sign off a request they made: {self._ids(made)} of {period} "
                                 f"were made by {self.db.user}; another director signs the month off.",
                                 f"任何人不得签发自己提交的申请：{period} 的 {self._ids(made)} 由 {self.db.user} "
                                 "提交，须由其他签发人签发。")
            approved = [r.id for r in rows if r.reviewer == self.db.user]
            if approved:
                raise NotAllowed("change.own_approval",
                                 f"Nobody may sign off a request they approved: {self._ids(approved)} of {period} "
                                 f"were approved by {self.db.user}; another director signs the month off.",
                                 f"任何人不得签发自己审核的申请：{period} 的 {self._ids(approved)} 由 "
                                 f"{self.db.user} 审核，须由其他签发人签发。")
            chain = audit.Chain(s)
            for r in rows:
                r.signer = self.db.user
                self._event(s, r, cr.SIGNED_OFF)
                self._audit(s, "change.signed_off", r.id, {"period": period}, chain)
            s.add(PeriodClose(period=period, closed_at=utcnow(), closed_by=self.db.user))
            self._audit(s, "period.closed", None, {"period": period, "requests": [r.id for r in rows]}, chain)
            chain.write()
            return cr.SignOffResult(period, tuple(r.id for r in rows))

    def _signoff_blockers(self, period: str) -> None:
        """Refuse the month while a household of its approved requests has an open problem of a
        rule that blocks sign-off, naming each (rule, household, message)."""
        with self.db.reading() as s:
            ids = {i for i in s.scalars(select(ChangeRequest.household_id).where(
                ChangeRequest.period == period, ChangeRequest.status == cr.APPROVED)) if i is not None}
        if not ids:
            return
        found = self.checks.signoff_blockers(ids)
        if found:
            shown = found[:20]
            more_en = f" and {len(found) - len(shown)} more" if len(found) > len(shown) else ""
            more_zh = f"等共 {len(found)} 条" if len(found) > len(shown) else ""
            raise Conflict("change.signoff_blockers",
                           f"The month {period} cannot be signed off while its households have open problems "
                           "that block sign-off (rule blocks_signoff): "
                           + "; ".join(f"{p.rule} household {p.household_no}: {p.message_en}" for p in shown)
                           + f"{more_en}. Resolve them (or correct the data) first.",
                           f"{period} 尚有阻止签发的问题未解决，不能签发："
                           + "；".join(f"{p.rule} 户 {p.household_no}：{p.message_zh}" for p in shown)
                           + f"{more_zh}。请先处理这些问题。")

    @staticmethod
    def _ids(ids: Iterable[int]) -> str:
        return ", ".join(f"#{i}" for i in ids)

    def reopen(self, period: str, reason: str) -> cr.PeriodRecord:
        """Open a closed month again (a director, with a reason). Its signed-off requests stay so, and
        those already exported stay in their package: a request is never reopened. Requests approved
        while the month is open again are signed off with it later, and go to the province in the
        month's next package (sequence + 1)."""
        period = self._check_period(period)
        self._require_role("reopen")
        if not _text(reason):
            raise InvalidValue("change.reopen_reason", "Reopening a closed month needs a reason.",
                               "重新开放已关闭的月份必须填写原因。")
        with self.db.transaction() as s:
            row = self._closed(s, period)
            if row is None:
                raise Conflict("change.period_open", f"The month {period} is not closed.", f"{period} 未关闭。")
            row.reopened_at = utcnow()
            row.reopened_by = self.db.user
            row.reopen_reason = _text(reason)
            self._audit(s, "period.reopened", None, {"period": period, "reason": row.reopen_reason})
        return self.period(period)

    def period(self, period: str) -> cr.PeriodRecord:
        with self.db.reading() as s:
            row = s.scalar(select(PeriodClose).where(PeriodClose.period == period)
                           .order_by(PeriodClose.id.desc()).limit(1))
            if row is None:
                return cr.PeriodRecord(period, False)
            return cr.PeriodRecord(period, row.reopened_at is None, row.closed_at, row.closed_by,
                                   row.reopened_at, row.reopened_by, row.reopen_reason)

    # ------------------------------------------------------------------ reading
    def get(self, request_id: int) -> cr.ChangeRequestRecord:
        found = self._records([request_id])
        if not found:
            raise NotFound("change.missing", f"No change request #{request_id}.", f"找不到变更申请 #{request_id}。")
        return found[0]

    def list(self, *, status: str | None = None, period: str | None = None,
             household_id: int | None = None, maker: str | None = None) -> list[cr.ChangeRequestRecord]:
        where: list[Any] = []
        if status:
            where.append(ChangeRequest.status == status)
        if period:
            where.append(ChangeRequest.period == period)
        if household_id is not None:
            where.append(ChangeRequest.household_id == household_id)
        if maker:
            where.append(ChangeRequest.maker == maker)
        with self.db.reading() as s:
            return self._records_where(s, where)

    def _records(self, ids: Iterable[int]) -> builtins.list[cr.ChangeRequestRecord]:
        """The requests with these ids, whole, in id order (missing ones left out)."""
        wanted = sorted(set(ids))
        out: builtins.list[cr.ChangeRequestRecord] = []
        with self.db.reading() as s:
            for chunk in _chunks(wanted):
                out += self._records_where(s, [ChangeRequest.id.in_(chunk)])
        return out

    @staticmethod
    def _summary_select() -> Select[*tuple[Any, ...]]:
        """A request's own columns (and its household's number) in `ChangeRequestRecord`'s order."""
        c = ChangeRequest
        return (select(c.id, c.type, c.status, c.household_id, Household.household_no, c.village_id, c.member_id,
                       c.based_on_version, c.reason, c.note, c.cause, c.event_date, c.year, c.new_head_member_id,
                       c.notice, c.source, c.source_ref, c.maker, c.reviewer, c.signer, c.period,
                       c.review_comment, c.created_at, c.updated_at, c.detail)
                .outerjoin(Household, Household.id == c.household_id))

    @staticmethod
    def _summary(row: Sequence[Any]) -> cr.ChangeRequestRecord:
        (rid, type_, status, household_id, household_no, village_id, member_id, version, reason, note, cause,
         date, year, new_head, notice, source, source_ref, maker, reviewer, signer, period, comment, created,
         updated, detail) = row
        return cr.ChangeRequestRecord(rid, type_, status, household_id, household_no, village_id, member_id, version,
                                      reason, note, cause, date, year, new_head, dict(notice or {}), source,
                                      source_ref, maker, reviewer, signer, period, comment, created, updated,
                                      detail=dict(detail or {}))

    def _records_where(self, s: Session, where: Sequence[Any]) -> builtins.list[cr.ChangeRequestRecord]:
        """The requests matching `where`, whole (fields, history, evidence), in id order: four
        queries however many there are (the columns only, no ORM objects)."""
        heads = [self._summary(r) for r in s.execute(self._summary_select().where(*where).order_by(ChangeRequest.id))]
        if not heads:
            return []
        chosen = select(ChangeRequest.id).where(*where).scalar_subquery()
        fields: dict[int, builtins.list[cr.ChangeFieldRecord]] = {}
        rows = s.execute(
            select(ChangeField.request_id, ChangeField.field, ChangeField.member_id, Member.id_number,
                   Member.name, ChangeField.before, ChangeField.after, ChangeField.current, ChangeField.member_index)
            .outerjoin(Member, Member.id == ChangeField.member_id)
            .where(ChangeField.request_id.in_(chosen)).order_by(ChangeField.request_id, ChangeField.id)).all()
        # a new household's proposed members by ID number, else name (they have no member id yet)
        proposed: dict[tuple[int, int], str] = {}
        for rid, key, _mid, _number, _name, _before, after, _current, index in rows:
            if (index is not None and key in ("member.id_number", "member.name") and after
                    and (key == "member.id_number" or (rid, index) not in proposed)):
                proposed[(rid, index)] = after
        for rid, key, mid, number, name, before, after, current, index in rows:
            shown = (number or name) if mid else proposed.get((rid, index)) if index is not None else None
            fields.setdefault(rid, []).append(cr.ChangeFieldRecord(key, mid, shown, before, after, current, index))
        history: dict[int, builtins.list[cr.ChangeEventRecord]] = {}
        for rid, at, user, from_status, to_status, comment in s.execute(
                select(ChangeEvent.request_id, ChangeEvent.at, ChangeEvent.user, ChangeEvent.from_status,
                       ChangeEvent.to_status, ChangeEvent.comment)
                .where(ChangeEvent.request_id.in_(chosen)).order_by(ChangeEvent.request_id, ChangeEvent.id)):
            history.setdefault(rid, []).append(cr.ChangeEventRecord(at, user, from_status, to_status, comment))
        evidence: dict[int, builtins.list[cr.EvidenceRecord]] = {}
        for rid, fid, sha, name, media, size in s.execute(
                select(ChangeEvidence.request_id, EvidenceFile.id, EvidenceFile.sha256, ChangeEvidence.name,
                       EvidenceFile.media_type, EvidenceFile.size)
                .join(EvidenceFile, EvidenceFile.id == ChangeEvidence.file_id)
                .where(ChangeEvidence.request_id.in_(chosen)).order_by(ChangeEvidence.request_id, ChangeEvidence.id)):
            evidence.setdefault(rid, []).append(cr.EvidenceRecord(fid, sha, name, media, size))
        return [replace(r, fields=tuple(fields.get(r.id, ())), history=tuple(history.get(r.id, ())),
                        evidence=tuple(evidence.get(r.id, ()))) for r in heads]

    # ------------------------------------------------------------------ the window's queues (read only)
    def queue_counts(self, user: str | None = None) -> QueueCounts:
        """How many requests each of the window's four queues holds for `user` (default: the
        session's), in one query: the same requests `queue` lists for each."""
        me = self.db.user if user is None else user
        stmt = (select(ChangeRequest.status, ChangeRequest.maker, func.count(ChangeRequest.id))
                .where(ChangeRequest.status.in_((cr.DRAFT, cr.RETURNED, cr.SUBMITTED, cr.APPROVED)))
                .group_by(ChangeRequest.status, ChangeRequest.maker))
        by: dict[tuple[str, bool], int] = {}
        with self.db.reading() as s:  # a row per state and maker (an office has a few makers)
            for status, maker, count in s.connection().execute(stmt):
                key = (status, maker == me)
                by[key] = by.get(key, 0) + int(count)
        return QueueCounts(my_drafts=by.get((cr.DRAFT, True), 0),
                           returned_to_me=by.get((cr.RETURNED, True), 0),
                           awaiting_review=by.get((cr.SUBMITTED, False), 0),
                           awaiting_signoff=by.get((cr.APPROVED, True), 0) + by.get((cr.APPROVED, False), 0))

    def queue(self, status: str, *, maker: str | None = None,
              not_maker: str | None = None) -> Sequence[cr.ChangeRequestRecord]:
        """Requests in `status` (of `maker`, or made by anyone but `not_maker`), oldest first, without
        their fields, history and evidence (one query: the window's lists; `get` has the rest)."""
        stmt = self._summary_select().where(ChangeRequest.status == status).order_by(ChangeRequest.id)
        if maker is not None:
            stmt = stmt.where(ChangeRequest.maker == maker)
        if not_maker is not None:
            stmt = stmt.where(ChangeRequest.maker != not_maker)
        with self.db.reading() as s:  # columns only: run as a Core select (no ORM result handling)
            return [self._summary(r) for r in s.connection().execute(stmt)]
