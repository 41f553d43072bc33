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

import datetime as dt
import hashlib
import mimetypes
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

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
)
from povdesk.domain import changes as cr
from povdesk.domain import dictionary as dd
from povdesk.domain import idnumber, values
from povdesk.domain.dictionary import Entity
from povdesk.domain.journal import JournalSource
from povdesk.domain.meanings import (
    EXITED_WITH_SUPPORT,
    HEAD,
    HOUSEHOLD_CANCELLED,
    HOUSEHOLD_REMOVED,
    RETURNED_TO_POVERTY,
    is_exited,
    is_head,
)
from povdesk.errors import Conflict, InvalidValue, NotAllowed, NotFound, PovdeskError
from povdesk.reports.forms import mask_id
from povdesk.reports.printed import printed_values
from povdesk.services import audit
from povdesk.services.checks import CheckService
from povdesk.services.database import Database
from povdesk.services.printing import PrintedSnapshot, PrintService
from povdesk.services.registry import RegistryService
from povdesk.services.users import UserService

#: the largest evidence file stored (a scan of a signed form is a few MB)
EVIDENCE_LIMIT = 20 * 1024 * 1024
#: what a journal row's reference calls the request that carried the change
REFERENCE_PREFIX = "CR-"

#: Fields a request sets that are not data-dictionary fields (a household's cancellation).
_HOUSEHOLD_EXTRA = ("household.active", "household.cancel_reason", "household.cancel_date")


def reference_of(request_id: int) -> str:
    return f"{REFERENCE_PREFIX}{request_id}"


@dataclass(frozen=True)
class _Planned:
    """One field a request will change, as planned when the request is made or edited."""

    key: str
    member_id: int | None
    before: str | None
    after: str | None


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
               detail: Mapping[str, Any] | None = None) -> None:
        """One audit entry per state change, in the caller's transaction (the chain of
        `services.audit`): the acting user, the action, the request as `CR-<id>`."""
        audit.record(session, user=self.db.user, action=action,
                     subject=None if request_id is None else f"CR-{request_id}", detail=detail)

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
             evidence: Sequence[tuple[str, bytes]] = (), from_form: str | None = None) -> cr.ChangeRequestRecord:
        """A new draft request (`member`, `new_head`: ID number or member id within the household).

        `from_form`: the QR payload (`PD1-…`) of the printed form the correction was written on;
        each field's `before` is then the value as printed, and a field whose registry value
        differs from the printed one keeps that value in `current` (marked)."""
        kind = cr.TYPES.get(type_)
        if kind is None:
            raise InvalidValue("change.type", f"Unknown type '{type_}'; use one of {', '.join(cr.TYPES)}.",
                               f"未知的变更类型“{type_}”，应为 {'、'.join(cr.TYPES)} 之一。")
        if type_ not in cr.IMPLEMENTED:
            raise InvalidValue("change.type_later", f"Change requests of type {type_} are not available yet.",
                               f"暂不支持“{kind.zh}”类型的变更申请。")
        self._require_role("make")
        snap = None
        if _text(from_form):
            snap = self._snapshot(str(from_form), household_no)
            household_id, household_no = None, snap.household_no
            source, source_ref = "form", str(from_form).strip().upper()
        with self.db.transaction() as s:
            h = self._household(s, household_id, household_no)
            r = ChangeRequest(type=type_, household_id=h.id, status=cr.DRAFT, based_on_version=h.version,
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
            self._audit(s, "change.made", r.id, {"type": type_, "household_no": h.household_no})
            request_id = r.id
        return self.get(request_id)

    def edit(self, request_id: int, *, member: str | None = None, sets: Mapping[str, Any] | None = None,
             cause: str | None = None, date: dt.date | str | None = None, reason: str | None = None,
             note: str | None = None, notice: Mapping[str, Any] | None = None, year: int | None = None,
             new_head: str | None = None) -> cr.ChangeRequestRecord:
        """Change a draft or returned request (its maker only); what is not given stays as it was."""
        with self.db.reading() as s:
            r = self._load(s, request_id)
            ref = r.source_ref if r.source == "form" else None
        snap = self._snapshot(ref, None) if ref else None
        with self.db.transaction() as s:
            r = self._load(s, request_id)
            self._stage(r, "edit")
            self._own(r)
            h = self._household(s, r.household_id, None)
            kind = cr.TYPES[r.type]
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
        rows: dict[int, Mapping[str, str]] = {}
        for m in h.members:
            for row in printed.members:
                shown = row.get("member.id_number") or ""
                if row.get("member.name") == m.name and (
                        not shown or shown in ((m.id_number or ""), mask_id(m.id_number))):
                    rows[m.id] = row
                    break
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

    def approve(self, request_id: int, comment: str | None = None) -> cr.ChangeRequestRecord:
        """Approve a submitted request: applied to the registry, journalled, the household re-checked,
        all in one transaction (refused as a conflict when its fields moved since it was made)."""
        self._require_role("approve")
        with self.db.reading() as s:
            r = self._load(s, request_id)
            self._stage(r, "approve")
            self._not_own(r, "approve", "审核")
            rtype, hid, notice = r.type, r.household_id, dict(r.notice or {})
        if cr.TYPES[rtype].needs_notice:
            end = cr.notice_running(notice, self._today())
            if end is not None:
                raise Conflict("change.notice_running",
                               f"The village public notice runs until {end}: approval waits until it has run "
                               "its full length.",
                               f"村公示至 {end} 结束，公示期满后方可审核通过。")
        if rtype == cr.EXIT and hid is not None:
            self._exit_rules(hid)
        with self.db.transaction(lock="check", job="check") as s:
            r = self._load(s, request_id)
            self._stage(r, "approve")
            self._not_own(r, "approve", "审核")
            h = self._household(s, r.household_id, None)
            self._conflicts(s, r, h)
            period = self._open_period(s, self._today())
            self._apply(s, r, h)
            r.reviewer = self.db.user
            r.period = period
            r.review_comment = _text(comment)
            self._event(s, r, cr.APPROVED, _text(comment))
            s.flush()
            self.checks.run(household_id=h.id, session=s)
            self._audit(s, "change.approved", r.id, {"period": period, "household_no": h.household_no})
        return self.get(request_id)

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
            for r in rows:
                r.signer = self.db.user
                self._event(s, r, cr.SIGNED_OFF)
                self._audit(s, "change.signed_off", r.id, {"period": period})
            s.add(PeriodClose(period=period, closed_at=utcnow(), closed_by=self.db.user))
            self._audit(s, "period.closed", None, {"period": period, "requests": [r.id for r in rows]})
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
        """Open a closed month again (a director, with a reason); its signed-off requests stay so."""
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
        with self.db.reading() as s:
            return self._record(s, self._load(s, request_id))

    def list(self, *, status: str | None = None, period: str | None = None,
             household_id: int | None = None, maker: str | None = None) -> list[cr.ChangeRequestRecord]:
        stmt = select(ChangeRequest).order_by(ChangeRequest.id)
        if status:
            stmt = stmt.where(ChangeRequest.status == status)
        if period:
            stmt = stmt.where(ChangeRequest.period == period)
        if household_id is not None:
            stmt = stmt.where(ChangeRequest.household_id == household_id)
        if maker:
            stmt = stmt.where(ChangeRequest.maker == maker)
        with self.db.reading() as s:
            return [self._record(s, r) for r in s.scalars(stmt)]

    @staticmethod
    def _record(s: Session, r: ChangeRequest) -> cr.ChangeRequestRecord:
        h = s.get(Household, r.household_id) if r.household_id is not None else None
        names: dict[int, str] = {}
        ids = {f.member_id for f in r.fields if f.member_id is not None}
        if ids:
            for m in s.scalars(select(Member).where(Member.id.in_(ids))):
                names[m.id] = m.id_number or m.name
        fields = tuple(cr.ChangeFieldRecord(f.field, f.member_id, names.get(f.member_id) if f.member_id else None,
                                            f.before, f.after, f.current) for f in r.fields)
        history = tuple(cr.ChangeEventRecord(e.at, e.user, e.from_status, e.to_status, e.comment) for e in r.events)
        evidence = tuple(cr.EvidenceRecord(f.id, f.sha256, link.name, f.media_type, f.size)
                         for link, f in s.execute(
                             select(ChangeEvidence, EvidenceFile).join(EvidenceFile, EvidenceFile.id == ChangeEvidence.file_id)
                             .where(ChangeEvidence.request_id == r.id).order_by(ChangeEvidence.id)))
        return cr.ChangeRequestRecord(
            r.id, r.type, r.status, r.household_id, h.household_no if h else None, r.village_id, r.member_id,
            r.based_on_version, r.reason, r.note, r.cause, r.event_date, r.year, r.new_head_member_id,
            dict(r.notice or {}), r.source, r.source_ref, r.maker, r.reviewer, r.signer, r.period,
            r.review_comment, r.created_at, r.updated_at, fields, history, evidence)

    # ------------------------------------------------------------------ the window's queues (read only)
    def queue(self, status: str, *, maker: str | None = None,
              not_maker: str | None = None) -> Sequence[cr.ChangeRequestRecord]:
        """Requests in `status` (of `maker`, or made by anyone but `not_maker`), oldest first, without
        their fields, history and evidence (one query: the window's lists; `get` has the rest)."""
        stmt = (select(ChangeRequest, Household.household_no)
                .outerjoin(Household, Household.id == ChangeRequest.household_id)
                .where(ChangeRequest.status == status).order_by(ChangeRequest.id))
        if maker is not None:
            stmt = stmt.where(ChangeRequest.maker == maker)
        if not_maker is not None:
            stmt = stmt.where(ChangeRequest.maker != not_maker)
        with self.db.reading() as s:
            return [cr.ChangeRequestRecord(
                r.id, r.type, r.status, r.household_id, no, r.village_id, r.member_id, r.based_on_version,
                r.reason, r.note, r.cause, r.event_date, r.year, r.new_head_member_id, dict(r.notice or {}),
                r.source, r.source_ref, r.maker, r.reviewer, r.signer, r.period, r.review_comment,
                r.created_at, r.updated_at) for r, no in s.execute(stmt)]
