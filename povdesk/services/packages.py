"""The monthly change package for the province (issue 12): what the director signed off in a month,
exported once as a signed, reproducible zip; its verification; the office's key pair.

- **Exactly once:** a signed-off request is carried by one package (`change_package_item.request_id`
  is unique); an export takes the month's signed-off requests that no package carries yet, so a
  request signed off after an export of its month goes into the month's next package (sequence + 1),
  and an export with nothing new writes nothing.
- **Deterministic:** the zip is a function of the database: the manifest carries the sign-off time,
  never the clock; entries have fixed order and timestamps; Ed25519 signatures are deterministic.
- **Atomic:** the zip is built with no transaction open and written to `NAME.part`; one transaction
  (taken with the "package" lock) records the package and its requests, renames the file into place
  and commits. A crash before the rename leaves nothing exported (the `.part` is replaced next time);
  a crash between the rename and the commit leaves a file the database does not know, and the next
  export writes it again byte for byte (same sequence, same data), so the province never gets a
  request twice.
- **Blocked when not clean:** open error-level problems of the changed households (not accepted as
  exceptions) refuse the export, listing them.

The files are written by `exchange.package_writer`, `exchange.package_workbook` and
`reports.signoff_pdf`; the checks are `exchange.verify_package`, shared with `tools/verify_package.py`.
"""

from __future__ import annotations

import datetime as dt
import gc
import json
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import Text, cast, func, select
from sqlalchemy.orm import Session, aliased

from povdesk import __version__
from povdesk.db.base import utcnow
from povdesk.db.models import (
    AppUser,
    ChangeEvent,
    ChangeEvidence,
    ChangeField,
    ChangePackage,
    ChangePackageItem,
    ChangeRequest,
    County,
    EvidenceFile,
    Household,
    Member,
    OfficeKey,
    Problem,
    Township,
    Village,
)
from povdesk.domain import changes as cr
from povdesk.domain import dictionary as dd
from povdesk.domain.resolutions import OPEN
from povdesk.domain.roles import DIRECTOR
from povdesk.errors import Cancelled, Conflict, InvalidValue, NotFound
from povdesk.exchange import office_key, package_writer
from povdesk.exchange import verify_package as vp
from povdesk.exchange.package_workbook import AdjustmentRow, workbook_bytes
from povdesk.reports.signoff_pdf import SignoffSheet, signoff_pdf
from povdesk.services import audit
from povdesk.services.database import Database
from povdesk.services.users import UserService
from povdesk.services.users import _verify as verify_password

Progress = Callable[[int, int], None]
CancelCheck = Callable[[], bool]

ERROR = "error"
WARNING = "warning"
#: the blocking problems a refusal names at most (the preview lists them all)
SHOWN_BLOCKERS = 20


# --------------------------------------------------------------------------- records
@dataclass(frozen=True)
class Blocker:
    """An open error-level problem of a changed household that stops the export."""

    problem_id: int
    rule: str
    household_id: int
    household_no: str
    message_zh: str
    message_en: str


@dataclass(frozen=True)
class PackagePreview:
    """What an export of `period` would write now (the export wizard shows it)."""

    period: str
    sequence: int
    changes: int
    by_type: Mapping[str, int]
    households: int
    blockers: tuple[Blocker, ...]
    already_exported: int

    @property
    def blocked(self) -> bool:
        return bool(self.blockers)


@dataclass(frozen=True)
class ExportResult:
    file: Path | None
    sequence: int | None
    changes: int
    sha256: str | None

    def as_json(self) -> dict[str, Any]:
        if self.file is None:
            return {"file": None, "changes": 0}
        return {"file": str(self.file), "sequence": self.sequence, "changes": self.changes, "sha256": self.sha256}


@dataclass(frozen=True)
class PackageRecord:
    """One package of the history."""

    id: int
    period: str
    sequence: int
    file_name: str
    sha256: str
    size: int
    previous_sha256: str | None
    changes: int
    by_type: Mapping[str, int]
    signed_off_at: dt.datetime
    exported_at: dt.datetime
    exported_by: str
    key_fingerprint: str


@dataclass(frozen=True)
class PublicKeyRecord:
    public_pem: str
    fingerprint: str
    holder: str
    created_at: dt.datetime

    @property
    def fingerprint_shown(self) -> str:
        return office_key.show_fingerprint(self.fingerprint)


@dataclass
class _Read:
    """Everything an export reads, in one snapshot."""

    county_code: str
    county_name: str
    requests: list[Any] = field(default_factory=list)
    lines: list[dict[str, Any]] = field(default_factory=list)
    rows: list[AdjustmentRow] = field(default_factory=list)
    evidence: dict[str, bytes] = field(default_factory=dict)
    by_township: dict[str, tuple[str, int]] = field(default_factory=dict)
    by_village: list[tuple[str, str, str, int]] = field(default_factory=list)
    households: set[int] = field(default_factory=set)
    open_errors: dict[str, int] = field(default_factory=dict)
    open_warnings: dict[str, int] = field(default_factory=dict)
    signed_off_at: dt.datetime | None = None
    signers: set[str] = field(default_factory=set)
    reviewers: set[str] = field(default_factory=set)
    sequence: int = 1
    previous_sha256: str | None = None
    max_package_id: int | None = None


def _check_period(period: str) -> str:
    period = (period or "").strip()
    if not cr.valid_period(period):
        raise InvalidValue("package.period", f"'{period}' is not a month (YYYY-MM).", f"“{period}”不是月份（YYYY-MM）。")
    return period


def _pending(period: str) -> Any:
    """The ids of the month's signed-off requests that no package carries yet."""
    return (select(ChangeRequest.id)
            .where(ChangeRequest.period == period, ChangeRequest.status == cr.SIGNED_OFF,
                   ChangeRequest.id.not_in(select(ChangePackageItem.request_id))))


def _changed_households(period: str) -> Any:
    return select(ChangeRequest.household_id).where(ChangeRequest.id.in_(_pending(period)))


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Python's cycle collector paused while an export builds its package: the read makes some half
    a million small objects (lines, rows) that all live until the zip is written, and the collector
    would walk them again and again for nothing (four tenths of the read's time). Reference counting
    still frees everything; the collector runs again as before when the export ends, however it ends."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


def _notice(stored: str | None) -> dict[str, str]:
    """A request's notice record as the package writes it (given items only, by key) from its stored
    JSON text (read as text: the same records repeat, and each is parsed once)."""
    value = json.loads(stored) if stored is not None else None
    return {k: str(v) for k, v in sorted((value or {}).items()) if v not in (None, "")}


def _coded(value: str | None, codes: Any) -> str:
    """A code with its label for the workbook ("1 已脱贫"); other values as they are."""
    if value is None or codes is None:
        return _text(value)
    label = codes.label(value)
    return f"{value} {label}" if label and label != value else value


def _text(value: Any) -> str:
    return "" if value is None else str(value)


class PackageService:
    def __init__(self, *, db: Database) -> None:
        self.db = db
        self._users = UserService(db=db)

    # ------------------------------------------------------------------ the office key
    def public_key(self) -> PublicKeyRecord | None:
        with self.db.reading() as s:
            row = s.scalar(select(OfficeKey).order_by(OfficeKey.id).limit(1))
            return None if row is None else PublicKeyRecord(row.public_pem, row.fingerprint, row.holder,
                                                            row.created_at)

    def ensure_key(self, password: str | None) -> PublicKeyRecord:
        """The office's key pair, made now (sealed with the director's `password`) if there is none."""
        found = self.public_key()
        if found is not None:
            return found
        self._users.require(frozenset({DIRECTOR}), "make the office's signing key", "生成县办公室签名密钥")
        self._check_password(password)
        sealed = office_key.make(password)
        with self.db.transaction(lock="package") as s:
            if s.scalar(select(func.count()).select_from(OfficeKey)):
                pass  # another desk made it meanwhile: theirs stands
            else:
                s.add(OfficeKey(public_pem=sealed.public_pem, fingerprint=sealed.fingerprint, holder=self.db.user,
                                params=sealed.params, encrypted_private=sealed.encrypted_private, created_at=utcnow()))
                audit.record(s, user=self.db.user, action="package.key_made", subject=sealed.fingerprint)
        found = self.public_key()
        assert found is not None
        return found

    def _check_password(self, password: str | None) -> None:
        """The password must be the director's own where they have a login (the key is theirs)."""
        with self.db.reading() as s:
            stored = s.scalar(select(AppUser.password_hash).where(AppUser.login == self.db.user))
        if stored and not verify_password(stored, password or ""):
            raise InvalidValue("package.password_wrong",
                               f"That is not the password of {self.db.user}; the office key is sealed with it.",
                               f"这不是 {self.db.user} 的密码；县办公室密钥须用本人密码保护。")

    def _private_key(self, password: str | None) -> tuple[Any, str]:
        with self.db.reading() as s:
            row = s.scalar(select(OfficeKey).order_by(OfficeKey.id).limit(1))
            if row is None:
                raise NotFound("package.no_key", "The office has no signing key yet.", "县办公室尚无签名密钥。")
            sealed = office_key.SealedKey(row.public_pem, row.fingerprint, dict(row.params), row.encrypted_private)
            holder = row.holder
        return office_key.unseal(sealed, password, holder), sealed.fingerprint

    # ------------------------------------------------------------------ reading
    def history(self) -> list[PackageRecord]:
        """Every package, newest first."""
        with self.db.reading() as s:
            return [PackageRecord(p.id, p.period, p.sequence, p.file_name, p.sha256, p.size, p.previous_sha256,
                                  p.changes, dict((p.counts or {}).get("by_type", {})), p.signed_off_at,
                                  p.exported_at, p.exported_by, p.key_fingerprint)
                    for p in s.scalars(select(ChangePackage).order_by(ChangePackage.id.desc()))]

    def exported_requests(self, period: str) -> int:
        """How many requests of `period` packages already carry."""
        with self.db.reading() as s:
            return int(s.scalar(select(func.count(ChangePackageItem.id))
                                .join(ChangeRequest, ChangeRequest.id == ChangePackageItem.request_id)
                                .where(ChangeRequest.period == period)) or 0)

    def preview(self, period: str) -> PackagePreview:
        """The counts by type, the next sequence and the blocking problems of `period` (reads only)."""
        period = _check_period(period)
        with self.db.reading() as s:
            by_type = {t: n for t, n in s.execute(
                select(ChangeRequest.type, func.count()).where(ChangeRequest.id.in_(_pending(period)))
                .group_by(ChangeRequest.type))}
            households = {h for h in s.scalars(select(ChangeRequest.household_id)
                                               .where(ChangeRequest.id.in_(_pending(period)))) if h is not None}
            blockers = self._blockers(s, period)
            sequence = int(s.scalar(select(func.max(ChangePackage.sequence))
                                    .where(ChangePackage.period == period)) or 0) + 1
        return PackagePreview(period, sequence, sum(by_type.values()), by_type, len(households), tuple(blockers),
                              self.exported_requests(period))

    @staticmethod
    def _blockers(s: Session, period: str) -> list[Blocker]:
        """Open error-level problems (not accepted as exceptions) of the households the month's
        unexported requests change."""
        stmt = (select(Problem.id, Problem.rule, Problem.household_id, Household.household_no, Problem.message_zh,
                       Problem.message_en)
                .join(Household, Household.id == Problem.household_id)
                .where(Problem.status == OPEN, Problem.severity == ERROR,
                       Problem.household_id.in_(_changed_households(period)))
                .order_by(Household.household_no, Problem.rule, Problem.id))
        return [Blocker(*row) for row in s.execute(stmt)]

    # ------------------------------------------------------------------ export
    def export(self, period: str, out_dir: str | Path, *, password: str | None,
               progress: Progress | None = None, cancel: CancelCheck | None = None) -> ExportResult:
        """Write the next package of `period` into `out_dir` (see the module's text); a month with
        nothing new writes nothing and returns `file=None`."""
        period = _check_period(period)
        self._users.require(frozenset({DIRECTOR}), "export the monthly package", "导出月度变更包")
        folder = Path(out_dir)
        self.db.refuse_as_output(folder / "x.zip")

        def step(done: int, total: int) -> None:
            if cancel is not None and cancel():
                raise Cancelled()
            if progress is not None:
                progress(done, total)

        step(0, 6)
        with _collector_paused():
            return self._export(period, folder, password, step)

    def _export(self, period: str, folder: Path, password: str | None, step: Progress) -> ExportResult:
        with self.db.reading(snapshot=True) as s:
            got = self._read(s, period)
        if not got.lines:
            return ExportResult(None, None, 0, None)
        with self.db.reading() as s:
            blockers = self._blockers(s, period)
        if blockers:
            raise self._refusal(period, blockers)
        self.ensure_key(password)
        private, fingerprint = self._private_key(password)
        step(1, 6)
        name = package_writer.file_name(got.county_code, period, got.sequence)
        final = folder / name
        self.db.refuse_as_output(final)
        assert got.signed_off_at is not None
        changes = package_writer.jsonl(got.lines)
        step(2, 6)
        book = workbook_bytes(got.rows, got.signed_off_at)
        step(3, 6)
        without_sheet = package_writer.ordered_files(changes, book, None, got.evidence)
        digest = vp.content_digest([package_writer.file_entry(n, d) for n, d in without_sheet])
        by_type = Counter(line["type"] for line in got.lines)
        sheet = signoff_pdf(SignoffSheet(
            county=got.county_name, county_code=got.county_code, period=period, sequence=got.sequence,
            file_name=name, digest=digest, signed_off_at=package_writer.utc_text(got.signed_off_at),
            signers=sorted(got.signers), reviewers=sorted(got.reviewers), exported_by=self.db.user,
            by_type=[(cr.TYPES[t].zh, by_type.get(t, 0)) for t in vp.CHANGE_TYPES], by_village=got.by_village))
        step(4, 6)
        files = package_writer.ordered_files(changes, book, sheet, got.evidence)
        content = package_writer.manifest(package_writer.ManifestFacts(
            county_code=got.county_code, county_name=got.county_name, period=period, sequence=got.sequence,
            previous_sha256=got.previous_sha256, signed_off_at=got.signed_off_at, signed_off_by=sorted(got.signers),
            exported_by=self.db.user, software_version=__version__, key_fingerprint=fingerprint,
            by_type=dict(by_type), by_township=got.by_township, households=len(got.households),
            open_errors=got.open_errors, open_warnings=got.open_warnings),
            [package_writer.file_entry(n, d) for n, d in files])
        raw = package_writer.manifest_bytes(content)
        signature = office_key.sign(private, raw)
        data = package_writer.zip_bytes(package_writer.package_entries(raw, signature, files), got.signed_off_at)
        sha = office_key.sha256(data)
        step(5, 6)
        part = package_writer.write_part(folder, name, data)
        try:
            with self.db.transaction(lock="package", job="package export") as s:
                self._still_current(s, period, got)
                package = ChangePackage(
                    period=period, sequence=got.sequence, county_code=got.county_code, file_name=name, sha256=sha,
                    size=len(data), manifest_sha256=office_key.sha256(raw), previous_sha256=got.previous_sha256,
                    changes=len(got.lines), counts={"by_type": dict(sorted(by_type.items())),
                                                    "by_township": {k: n for k, (_nm, n) in got.by_township.items()}},
                    signed_off_at=got.signed_off_at, exported_at=utcnow(), exported_by=self.db.user,
                    key_fingerprint=fingerprint)
                s.add(package)
                s.flush()
                s.execute(ChangePackageItem.__table__.insert(),
                          [{"package_id": package.id, "request_id": line["request_id"]} for line in got.lines])
                audit.record(s, user=self.db.user, action="package.exported", subject=name,
                             detail={"period": period, "sequence": got.sequence, "changes": len(got.lines),
                                     "sha256": sha})
                s.flush()
                self._rename(part, final)
        finally:
            part.unlink(missing_ok=True)
        package_writer.sync_folder(folder)
        step(6, 6)
        return ExportResult(final, got.sequence, len(got.lines), sha)

    @staticmethod
    def _rename(part: Path, final: Path) -> None:
        """The file takes its name (inside the recording transaction, just before its commit)."""
        part.replace(final)

    @staticmethod
    def _refusal(period: str, blockers: list[Blocker]) -> Conflict:
        shown = blockers[:SHOWN_BLOCKERS]
        more_en = f" and {len(blockers) - len(shown)} more" if len(blockers) > len(shown) else ""
        more_zh = f"等共 {len(blockers)} 条" if len(blockers) > len(shown) else ""
        return Conflict("package.blockers",
                        f"The package of {period} cannot be exported while its changed households have open "
                        "error-level problems (accept each as an exception or correct the data): "
                        + "; ".join(f"{b.rule} household {b.household_no}: {b.message_en}" for b in shown)
                        + f"{more_en}.",
                        f"{period} 的变更包不能导出：变更涉及的户尚有未整改的错误级问题（请整改或认定为例外）："
                        + "；".join(f"{b.rule} 户 {b.household_no}：{b.message_zh}" for b in shown) + f"{more_zh}。")

    @staticmethod
    def _still_current(s: Session, period: str, got: _Read) -> None:
        """Another export may have run since the read: then this one's plan is stale."""
        newest = s.scalar(select(func.max(ChangePackage.id)))
        ours = {line["request_id"] for line in got.lines}
        # the requests packages carry within the range of ours (two bounds, not one parameter per request)
        taken = any(rid in ours for rid in s.scalars(select(ChangePackageItem.request_id).where(
            ChangePackageItem.request_id.between(min(ours), max(ours)))))
        if newest != got.max_package_id or taken:
            raise Conflict("package.moved", f"Another package was exported meanwhile; export {period} again.",
                           f"期间已有其他变更包导出，请重新导出 {period}。")

    def _read(self, s: Session, period: str) -> _Read:
        """The month's unexported requests, whole, in a few set-based queries (requests with their
        household and member, fields with their member, the sign-off history, evidence), made into
        the package's lines and workbook rows in one pass over plain tuples."""
        county = s.scalar(select(County).order_by(County.id).limit(1))
        if county is None:
            raise NotFound("package.no_county", "The database holds no county.", "数据库中没有县的资料。")
        got = _Read(county.code, county.name)
        got.max_package_id = s.scalar(select(func.max(ChangePackage.id)))
        got.previous_sha256 = s.scalar(select(ChangePackage.sha256).order_by(ChangePackage.id.desc()).limit(1))
        got.sequence = int(s.scalar(select(func.max(ChangePackage.sequence))
                                    .where(ChangePackage.period == period)) or 0) + 1
        pending = _pending(period)
        c = ChangeRequest
        concerned = aliased(Member)
        # plain rows through Core on the snapshot's connection (no ORM loading layer), fetched whole
        conn = s.connection()
        requests = conn.execute(  # rows, not ORM objects: ten thousand of them are read at once
            select(c.id, c.type, c.household_id, c.village_id, c.maker, c.reviewer, c.signer, c.created_at,
                   c.updated_at, c.event_date, c.cause, c.year, cast(c.notice, Text), c.reason, c.note, c.source,
                   c.source_ref, c.period, c.member_id, concerned.id_number, concerned.name, Household.id,
                   Household.household_no, Household.head_name, Household.village_id)
            .outerjoin(Household, Household.id == c.household_id)
            .outerjoin(concerned, concerned.id == c.member_id)
            .where(c.id.in_(pending)).order_by(c.id)).all()
        if not requests:
            return got
        got.requests = list(requests)
        fields: dict[int, list[tuple[str, int | None, str | None, str | None, str | None, str | None]]] = {}
        for rid, key, mid, idn, name, before, after in conn.execute(
                select(ChangeField.request_id, ChangeField.field, ChangeField.member_id, Member.id_number,
                       Member.name, ChangeField.before, ChangeField.after)
                .outerjoin(Member, Member.id == ChangeField.member_id)
                .where(ChangeField.request_id.in_(pending)).order_by(ChangeField.request_id, ChangeField.id)).all():
            fields.setdefault(rid, []).append((key, mid, idn, name, before, after))
        # who made, approved and signed off each request: its first creation and its last approval
        # and sign-off (the other steps of the history say nothing here)
        made: dict[int, tuple[str, dt.datetime]] = {}
        approved: dict[int, tuple[str, dt.datetime]] = {}
        signed: dict[int, tuple[str, dt.datetime]] = {}
        for rid, frm, to, user, at in conn.execute(
                select(ChangeEvent.request_id, ChangeEvent.from_status, ChangeEvent.to_status, ChangeEvent.user,
                       ChangeEvent.at)
                .where(ChangeEvent.request_id.in_(pending),
                       ChangeEvent.from_status.is_(None) | ChangeEvent.to_status.in_((cr.APPROVED, cr.SIGNED_OFF)))
                .order_by(ChangeEvent.id)).all():
            if frm is None and rid not in made:
                made[rid] = (user, at)
            if to == cr.APPROVED:
                approved[rid] = (user, at)
            elif to == cr.SIGNED_OFF:
                signed[rid] = (user, at)
        villages = {vid: (code, name, tid) for vid, code, name, tid in s.execute(
            select(Village.id, Village.code, Village.name, Village.township_id))}
        townships = {tid: (code, name) for tid, code, name in s.execute(
            select(Township.id, Township.code, Township.name))}
        evidence: dict[int, list[dict[str, Any]]] = defaultdict(list)
        for rid, link_name, sha, size, media, data in conn.execute(
                select(ChangeEvidence.request_id, ChangeEvidence.name, EvidenceFile.sha256, EvidenceFile.size,
                       EvidenceFile.media_type, EvidenceFile.data)
                .join(EvidenceFile, EvidenceFile.id == ChangeEvidence.file_id)
                .where(ChangeEvidence.request_id.in_(pending)).order_by(ChangeEvidence.request_id, ChangeEvidence.id)):
            path = package_writer.evidence_path(sha, link_name)
            got.evidence[path] = bytes(data)
            evidence[rid].append({"name": link_name, "sha256": sha, "size": size, "media_type": media, "path": path})
        books = self.db.codebook()
        known: dict[str, tuple[str | None, str, str, Any]] = {}  # field key -> national code, label, codes

        def about(key: str) -> tuple[str | None, str, str, Any]:
            found = known.get(key)
            if found is None:
                try:
                    d = dd.field(key)
                    found = (d.national, d.zh, _text(d.national),
                             books[d.codelist] if d.codelist and d.codelist in books else None)
                except KeyError:
                    found = (None, key, "", None)
                known[key] = found
            return found

        times: dict[dt.datetime, str] = {}  # many requests share their times: each is written once

        def utc(at: dt.datetime) -> str:
            text = times.get(at)
            if text is None:
                text = times[at] = package_writer.utc_text(at)
            return text

        township_counts: Counter[str] = Counter()
        township_names: dict[str, str] = {}
        village_counts: Counter[int] = Counter()
        lines, rows = got.lines, got.rows
        notices: dict[str | None, dict[str, str]] = {}  # the notice records as stored, each read once
        no_one = (None, None)
        for (rid, rtype, household_id, village_id, maker, reviewer, signer, created_at, updated_at, event_date, cause,
             year, notice_raw, reason, note, source, source_ref, rperiod, member_id, member_idn, member_name,
             found_household, no, head, household_village) in requests:
            vid = household_village if household_id and found_household is not None else village_id
            if not household_id or found_household is None:
                no = head = None
            vcode, vname, tid = villages.get(vid, ("", "", None)) if vid is not None else ("", "", None)
            tcode, tname = townships.get(tid, ("", "")) if tid is not None else ("", "")
            if household_id is not None:
                got.households.add(household_id)
            if vid is not None:
                village_counts[vid] += 1
            township_counts[tcode] += 1
            township_names[tcode] = tname
            made_by, made_at = made.get(rid, (maker, created_at))
            approval = approved.get(rid)
            signed_by, signed_at = signed.get(rid, (signer or "", updated_at))
            got.signers.add(signed_by)
            if reviewer:
                got.reviewers.add(reviewer)
            if got.signed_off_at is None or signed_at > got.signed_off_at:
                got.signed_off_at = signed_at
            signed_text = utc(signed_at)
            concerned_member = (member_idn, member_name) if member_id else no_one
            own = fields.get(rid, [])
            line_idn = concerned_member[0]
            if line_idn is None and rtype == cr.MEMBER_IN:
                line_idn = next((after for key, _m, _i, _n, _b, after in own if key == "member.id_number"), None)
            notice = notices.get(notice_raw)
            if notice is None:
                notice = notices[notice_raw] = _notice(notice_raw)
            event_text = event_date.isoformat() if event_date else None
            lines.append({
                "request_id": rid, "type": rtype, "type_zh": cr.TYPES[rtype].zh, "household_no": no,
                "village_code": vcode or None, "member_id_number": line_idn,
                "fields": [{"key": key, "national_code": about(key)[0], "member_id_number": idn if mid else None,
                            "before": before, "after": after} for key, mid, idn, _n, before, after in own],
                "cause": cause, "event_date": event_text, "year": year,
                "notice": notice, "reason": reason, "note": note, "source": source, "source_ref": source_ref,
                "period": rperiod,
                "maker": {"login": made_by, "at": utc(made_at)},
                "reviewer": None if approval is None else {"login": approval[0], "at": utc(approval[1])},
                "signer": {"login": signed_by, "at": signed_text},
                "evidence": evidence.get(rid, []),
            })
            cause_list = cr.TYPES[rtype].cause_list
            cause_shown = _text(cause)
            if cause_shown and cause_list and cause_list in books:
                cause_shown = books[cause_list].label(cause_shown) or cause_shown
            township_review = " ".join(x for x in (notice.get(cr.TOWNSHIP_REVIEW_DATE, ""),
                                                   notice.get(cr.TOWNSHIP_REVIEWER, "")) if x)
            # the row's columns before and after the member and the field (AdjustmentRow's order)
            front = (rid, rtype, tname, vname, vcode, _text(no), _text(head))
            back = (cause_shown, event_text or "", _text(year), _text(reason), notice.get(cr.ASSESSMENT_DATE, ""),
                    notice.get(cr.NOTICE_START, ""), notice.get(cr.NOTICE_END, ""), township_review, made_by,
                    approval[0] if approval else _text(reviewer), signed_by, signed_text)
            if not own:
                rows.append(AdjustmentRow(*front, _text(concerned_member[1]), _text(concerned_member[0]),
                                          "", "", "", "", *back))
            for f_key, f_member, f_idn, f_name, f_before, f_after in own:
                facts = about(f_key)
                who = (f_idn, f_name) if f_member else concerned_member
                rows.append(AdjustmentRow(*front, _text(who[1]), _text(who[0]), facts[1], facts[2],
                                          _coded(f_before, facts[3]), _coded(f_after, facts[3]), *back))
        got.by_township = {code: (township_names[code], n) for code, n in township_counts.items()}
        got.by_village = sorted((townships.get(villages[v][2], ("", ""))[1], villages[v][1], villages[v][0], n)
                                for v, n in village_counts.items())
        if got.households:
            for rule, severity, n in s.execute(
                    select(Problem.rule, Problem.severity, func.count())
                    .where(Problem.status == OPEN, Problem.household_id.in_(_changed_households(period)))
                    .group_by(Problem.rule, Problem.severity)):
                target = got.open_errors if severity == ERROR else got.open_warnings
                target[rule] = target.get(rule, 0) + int(n)
        return got

    # ------------------------------------------------------------------ verify
    def verify(self, path: str | Path, *, public_pem: bytes | None = None,
               previous: str | Path | None = None) -> vp.Verification:
        """Every check of `tools/verify_package.py`; with no key given, the office's own. Reads only."""
        if public_pem is None:
            key = self.public_key()
            public_pem = key.public_pem.encode("ascii") if key is not None else None
        return vp.verify(path, public_pem, previous)
