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
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from sqlalchemy import Text, cast, func, select
from sqlalchemy.orm import Session, aliased

from povdesk import __version__
from povdesk.config import Settings
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
    PackageFeedback,
    Problem,
    Township,
    Village,
)
from povdesk.domain import changes as cr
from povdesk.domain import dictionary as dd
from povdesk.domain.resolutions import OPEN
from povdesk.domain.roles import DIRECTOR, REVIEWER
from povdesk.errors import Cancelled, Conflict, InvalidValue, NotFound
from povdesk.exchange import office_key, package_writer
from povdesk.exchange import province_feedback as pf
from povdesk.exchange import verify_package as vp
from povdesk.exchange.package_workbook import AdjustmentRow, workbook_bytes
from povdesk.exchange.province_feedback import ParsedFeedback, read_feedback
from povdesk.exchange.readers import DEFAULT_LIMITS
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
    #: the province's feedback (`feedback`): the latest file received (when, by whom, its SHA-256),
    #: how many files, and the requests answered accepted / rejected so far (None/0 before any)
    feedback_at: dt.datetime | None = None
    feedback_by: str | None = None
    feedback_sha256: str | None = None
    feedback_files: int = 0
    accepted: int = 0
    rejected: int = 0

    @property
    def unanswered(self) -> int:
        return self.changes - self.accepted - self.rejected


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


#: `change_request.source` of a request that carries again a change the province rejected
PROVINCE_SOURCE = "province"
#: the row problems a feedback refusal names at most in its message (`FeedbackRefused.problems` has all)
SHOWN_PROBLEMS = 50


@dataclass(frozen=True)
class FeedbackProblem:
    """What is wrong with one row of a feedback file (row None: the file)."""

    file: str
    sheet: str | None
    row: int | None
    en: str
    zh: str

    def message(self, lang: str = "en") -> str:
        return pf.FeedbackIssue(self.sheet, self.row, self.en, self.zh).message(self.file, lang)


@dataclass
class FeedbackRefused(InvalidValue):
    """A feedback file with any wrong row: nothing was written; every problem is listed."""

    problems: tuple[FeedbackProblem, ...] = ()


def _feedback_refusal(file: str, problems: list[FeedbackProblem]) -> FeedbackRefused:
    shown = problems[:SHOWN_PROBLEMS]
    more_en = f"; and {len(problems) - len(shown)} more" if len(problems) > len(shown) else ""
    more_zh = f"；等共 {len(problems)} 处" if len(problems) > len(shown) else ""
    return FeedbackRefused("package.feedback_rows",
                           f"The feedback {file} was not imported, nothing was written: "
                           + "; ".join(p.message("en") for p in shown) + more_en + ".",
                           f"反馈文件“{file}”未导入，未写入任何数据：" + "；".join(p.message("zh") for p in shown)
                           + more_zh + "。", problems=tuple(problems))


@dataclass(frozen=True)
class FeedbackDecision:
    """One answer of the province to an exported request."""

    request_id: int
    #: the package file that carried the request
    package: str
    #: `province_feedback.ACCEPTED` or `REJECTED`
    result: str
    reason: str | None
    maker: str
    #: a rejection: the new request returned to the maker
    returned_as: int | None
    sheet: str | None
    row: int

    def as_json(self) -> dict[str, Any]:
        return {"request_id": self.request_id, "package": self.package, "result": self.result,
                "reason": self.reason, "maker": self.maker, "returned_as": self.returned_as}


@dataclass(frozen=True)
class PackageFeedbackCount:
    """What one import recorded for one package."""

    package: str
    period: str
    sequence: int
    accepted: int
    rejected: int


@dataclass(frozen=True)
class FeedbackResult:
    file: str
    sha256: str
    #: answers recorded by this import
    recorded: tuple[FeedbackDecision, ...]
    #: answers already recorded the same way (left as they were)
    unchanged: tuple[FeedbackDecision, ...]
    packages: tuple[PackageFeedbackCount, ...]
    #: (English, Chinese): rows repeated, sheets read past
    notices: tuple[tuple[str, str], ...] = ()

    @property
    def changed(self) -> bool:
        return bool(self.recorded)

    @property
    def accepted(self) -> tuple[FeedbackDecision, ...]:
        return tuple(d for d in self.recorded if d.result == pf.ACCEPTED)

    @property
    def rejected(self) -> tuple[FeedbackDecision, ...]:
        return tuple(d for d in self.recorded if d.result == pf.REJECTED)

    def as_json(self, lang: str = "en") -> dict[str, Any]:
        zh = lang.startswith("zh")
        return {"file": self.file, "sha256": self.sha256, "changed": self.changed,
                "accepted": [d.request_id for d in self.accepted],
                "rejected": [d.as_json() for d in self.rejected],
                "unchanged": [d.request_id for d in self.unchanged],
                "packages": [{"package": p.package, "period": p.period, "sequence": p.sequence,
                              "accepted": p.accepted, "rejected": p.rejected} for p in self.packages],
                "notices": [z if zh else e for e, z in self.notices]}


@dataclass(frozen=True)
class FeedbackReceipt:
    """A feedback file recorded for a package."""

    id: int
    package_id: int
    file_name: str
    file_sha256: str
    received_at: dt.datetime
    received_by: str
    accepted: int
    rejected: int


@dataclass(frozen=True)
class PackageAnswer:
    """A request a package carries, with the province's answer."""

    request_id: int
    type: str
    maker: str
    result: str | None
    reason: str | None
    returned_as: int | None


@dataclass
class _FeedbackPlan:
    #: (decision, item id, package id) to record
    new: list[tuple[FeedbackDecision, int, int]] = field(default_factory=list)
    unchanged: list[FeedbackDecision] = field(default_factory=list)
    notices: list[tuple[str, str]] = field(default_factory=list)
    #: package id -> (file name, period, sequence)
    packages: dict[int, tuple[str, str, int]] = field(default_factory=dict)

    def tally(self) -> dict[int, tuple[int, int]]:
        """package id -> (accepted, rejected) of the new answers, in package order."""
        out: dict[int, list[int]] = {}
        for d, _item, pid in self.new:
            counts = out.setdefault(pid, [0, 0])
            counts[0 if d.result == pf.ACCEPTED else 1] += 1
        return {pid: (a, r) for pid, (a, r) in sorted(out.items())}

    def counts(self) -> list[PackageFeedbackCount]:
        return [PackageFeedbackCount(*self.packages[pid], a, r) for pid, (a, r) in self.tally().items()]


def _chunked(items: list[Any], size: int = 900) -> list[list[Any]]:
    return [items[k:k + size] for k in range(0, len(items), size)]


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
        """Every package, newest first, with the province's feedback received for it."""
        with self.db.reading() as s:
            answers: dict[int, dict[str, int]] = defaultdict(dict)
            for pid, result, n in s.execute(
                    select(ChangePackageItem.package_id, ChangePackageItem.result, func.count())
                    .where(ChangePackageItem.result.is_not(None))
                    .group_by(ChangePackageItem.package_id, ChangePackageItem.result)):
                answers[pid][str(result)] = int(n)
            received: dict[int, tuple[dt.datetime, str, str, int]] = {}
            for f in s.scalars(select(PackageFeedback).order_by(PackageFeedback.id)):
                files = received[f.package_id][3] if f.package_id in received else 0
                received[f.package_id] = (f.received_at, f.received_by, f.file_sha256, files + 1)
            out = []
            for p in s.scalars(select(ChangePackage).order_by(ChangePackage.id.desc())):
                at, by, sha, files = received.get(p.id, (None, None, None, 0))
                out.append(PackageRecord(
                    p.id, p.period, p.sequence, p.file_name, p.sha256, p.size, p.previous_sha256, p.changes,
                    dict((p.counts or {}).get("by_type", {})), p.signed_off_at, p.exported_at, p.exported_by,
                    p.key_fingerprint, feedback_at=at, feedback_by=by, feedback_sha256=sha, feedback_files=files,
                    accepted=answers[p.id].get(pf.ACCEPTED, 0), rejected=answers[p.id].get(pf.REJECTED, 0)))
            return out

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
        from povdesk.services import backups

        backups.before(self.db, backups.BEFORE_EXPORT)
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
            # the maker is the request's own (a copy returned after the province's feedback is made by
            # the importing reviewer's act, but belongs to the maker of the request it carries again)
            made_by, made_at = maker, made.get(rid, (maker, created_at))[1]
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

    # ------------------------------------------------------------------ the window's reads (issue 12 §5)
    def pending_periods(self) -> list[tuple[str, int]]:
        """The months holding signed-off requests that no package carries yet, with how many, oldest
        first: the export wizard offers them."""
        with self.db.reading() as s:
            return [(str(p), int(n)) for p, n in s.execute(
                select(ChangeRequest.period, func.count())
                .where(ChangeRequest.status == cr.SIGNED_OFF, ChangeRequest.period.is_not(None),
                       ChangeRequest.id.not_in(select(ChangePackageItem.request_id)))
                .group_by(ChangeRequest.period).order_by(ChangeRequest.period))]
    # ------------------------------------------------------------------ feedback (issue 12 §4)
    def feedback(self, path: str | Path) -> FeedbackResult:
        """Record the province's answer (`exchange.province_feedback`: a workbook or JSON) to
        exported requests, in one transaction: an accepted change is marked accepted; a rejected one
        keeps its signed-off request untouched (it records the rejection and the reason) and is
        carried again by a NEW request, a copy returned to its maker with the province's reason.
        Every row must name a request an exported package carries (by id, or household number and
        type); any problem in any row refuses the whole file (`FeedbackRefused`, naming file, sheet,
        row and what is wrong) and writes nothing. An answer already recorded is left as it is, so
        importing the same feedback again changes nothing; a different answer to an answered
        request is refused. Reviewer or director."""
        self._users.require(frozenset({REVIEWER, DIRECTOR}), "import the province's feedback", "导入省级反馈")
        parsed = read_feedback(Path(path), DEFAULT_LIMITS.with_overrides(Settings.load().import_limits))
        problems = [FeedbackProblem(parsed.file, i.sheet, i.row, i.en, i.zh) for i in parsed.issues]
        if not parsed.rows and not problems:
            problems.append(FeedbackProblem(parsed.file, None, None, "the file answers no change",
                                            "文件中没有任何变更的审核结果"))
        with self.db.transaction(lock="package", job="package feedback") as s:
            plan = self._feedback_plan(s, parsed, problems)
            if problems:
                raise _feedback_refusal(parsed.file, problems)
            if not plan.new:
                return FeedbackResult(parsed.file, parsed.sha256, (), tuple(plan.unchanged), (),
                                      tuple(parsed.notices) + tuple(plan.notices))
            done = self._feedback_write(s, parsed, plan)
        return FeedbackResult(parsed.file, parsed.sha256, tuple(done), tuple(plan.unchanged),
                              tuple(plan.counts()), tuple(parsed.notices) + tuple(plan.notices))

    def feedback_received(self, package_id: int) -> list[FeedbackReceipt]:
        """The feedback files recorded for a package, oldest first (reads only)."""
        with self.db.reading() as s:
            return [FeedbackReceipt(f.id, f.package_id, f.file_name, f.file_sha256, f.received_at, f.received_by,
                                    f.accepted, f.rejected)
                    for f in s.scalars(select(PackageFeedback).where(PackageFeedback.package_id == package_id)
                                       .order_by(PackageFeedback.id))]

    def package_answers(self, package_id: int) -> list[PackageAnswer]:
        """Each request a package carries with the province's answer (None while none came), by id."""
        with self.db.reading() as s:
            return [PackageAnswer(rid, rtype, maker, result, reason, returned)
                    for rid, rtype, maker, result, reason, returned in s.execute(
                        select(ChangePackageItem.request_id, ChangeRequest.type, ChangeRequest.maker,
                               ChangePackageItem.result, ChangePackageItem.result_reason,
                               ChangePackageItem.returned_request_id)
                        .join(ChangeRequest, ChangeRequest.id == ChangePackageItem.request_id)
                        .where(ChangePackageItem.package_id == package_id).order_by(ChangePackageItem.request_id))]

    def _feedback_plan(self, s: Session, parsed: ParsedFeedback, problems: list[FeedbackProblem]) -> _FeedbackPlan:
        """Which exported request each row answers; problems for every row that names none, or
        contradicts another row or an answer already recorded."""
        plan = _FeedbackPlan()
        packages = {p.id: p for p in s.scalars(select(ChangePackage))}
        by_name: dict[str, int] = {}
        for p in packages.values():
            by_name[p.file_name.casefold()] = p.id
            by_name[p.file_name.removesuffix(".zip").casefold()] = p.id
            by_name[p.sha256.casefold()] = p.id

        def bad(row: pf.FeedbackRow, en: str, zh: str) -> None:
            problems.append(FeedbackProblem(parsed.file, row.sheet, row.row, en, zh))

        def where(row: pf.FeedbackRow) -> str:
            return f"{row.sheet}:{row.row}" if row.sheet else str(row.row)

        ids = {r.request_id for r in parsed.rows if r.request_id is not None}
        households = {r.household_no for r in parsed.rows if r.request_id is None and r.household_no}
        c, i = ChangeRequest, ChangePackageItem
        found: dict[int, Any] = {}
        cols = (c.id, c.type, c.status, c.maker, Household.household_no, i.id.label("item_id"),
                i.package_id, i.result, i.result_reason, i.returned_request_id, i.feedback_id)
        base = (select(*cols).outerjoin(Household, Household.id == c.household_id)
                .outerjoin(i, i.request_id == c.id))
        for chunk in _chunked(sorted(ids)):
            for row in s.execute(base.where(c.id.in_(chunk))):
                found[row.id] = row
        by_household: dict[tuple[str, str], list[Any]] = defaultdict(list)
        for chunk in _chunked(sorted(households)):
            for row in s.execute(base.where(Household.household_no.in_(chunk), i.id.is_not(None))
                                 .order_by(c.id)):
                by_household[(row.household_no, row.type)].append(row)
                found.setdefault(row.id, row)
        answered: dict[int, pf.FeedbackRow] = {}
        for r in parsed.rows:
            package_id = None
            if r.package:
                package_id = by_name.get(r.package.strip().casefold())
                if package_id is None:
                    bad(r, f"no package '{r.package}' was exported by this office",
                        f"本县没有导出过变更包“{r.package}”")
                    continue
            if r.request_id is not None:
                got = found.get(r.request_id)
                if got is None:
                    bad(r, f"no change request #{r.request_id}", f"找不到变更申请 #{r.request_id}")
                    continue
                if got.item_id is None:
                    bad(r, f"change request #{r.request_id} is in no exported package "
                           f"({cr.status_label(got.status, 'en').lower()})",
                        f"变更申请 #{r.request_id} 不在任何已导出的变更包中（{cr.status_label(got.status)}）")
                    continue
                if r.household_no and r.household_no != (got.household_no or ""):
                    bad(r, f"change request #{r.request_id} is of household {got.household_no or '-'}, "
                           f"not {r.household_no}",
                        f"变更申请 #{r.request_id} 属于户 {got.household_no or '-'}，不是 {r.household_no}")
                    continue
                if r.type and r.type != got.type:
                    bad(r, f"change request #{r.request_id} is a {cr.TYPES[got.type].en.lower()}, "
                           f"not a {cr.TYPES[r.type].en.lower()}",
                        f"变更申请 #{r.request_id} 是“{cr.TYPES[got.type].zh}”，不是“{cr.TYPES[r.type].zh}”")
                    continue
            else:
                assert r.household_no is not None and r.type is not None
                candidates = [x for x in by_household.get((r.household_no, r.type), [])
                              if package_id is None or x.package_id == package_id]
                kind = cr.TYPES[r.type]
                if not candidates:
                    bad(r, f"no exported {kind.en.lower()} of household {r.household_no}",
                        f"户 {r.household_no} 没有已导出的“{kind.zh}”变更")
                    continue
                if len(candidates) > 1:
                    listed = ", ".join(f"#{x.id}" for x in candidates)
                    bad(r, f"household {r.household_no} has {len(candidates)} exported {kind.en.lower()} requests "
                           f"({listed}): give the request id (申请编号)",
                        f"户 {r.household_no} 有 {len(candidates)} 条已导出的“{kind.zh}”变更（{listed.replace(', ', '、')}），"
                        "请填写申请编号")
                    continue
                got = candidates[0]
            if package_id is not None and got.package_id != package_id:
                carried = packages[got.package_id].file_name
                bad(r, f"change request #{got.id} is carried by {carried}, not {r.package}",
                    f"变更申请 #{got.id} 在变更包“{carried}”中，不在“{r.package}”中")
                continue
            earlier = answered.get(got.id)
            if earlier is not None:
                if (earlier.result, earlier.reason) == (r.result, r.reason):
                    plan.notices.append((f"row {where(r)} repeats row {where(earlier)} (request #{got.id}): "
                                         "taken once", f"第 {where(r)} 行与第 {where(earlier)} 行重复"
                                         f"（变更申请 #{got.id}），只计一次"))
                else:
                    bad(r, f"request #{got.id} is answered differently in row {where(earlier)}",
                        f"变更申请 #{got.id} 在第 {where(earlier)} 行的答复与本行不同")
                continue
            answered[got.id] = r
            decision = FeedbackDecision(got.id, packages[got.package_id].file_name, r.result, r.reason, got.maker,
                                        got.returned_request_id, r.sheet, r.row)
            if got.result is not None:
                if (got.result, got.result_reason if got.result == pf.REJECTED else None) == (
                        r.result, r.reason if r.result == pf.REJECTED else None):
                    plan.unchanged.append(decision)
                else:
                    bad(r, f"request #{got.id} was already answered "
                           f"{pf.result_label(got.result, 'en')}"
                           + (f" ({got.result_reason})" if got.result_reason else "")
                           + "; a different answer is not taken (ask the province which one holds)",
                        f"变更申请 #{got.id} 已记录省级答复“{pf.result_label(got.result)}”"
                        + (f"（{got.result_reason}）" if got.result_reason else "")
                        + "，与本行不同，不予采用（请向省级核实）")
                continue
            plan.new.append((decision, got.item_id, got.package_id))
        plan.packages = {pid: (p.file_name, p.period, p.sequence) for pid, p in packages.items()}
        return plan

    def _feedback_write(self, s: Session, parsed: ParsedFeedback,
                        plan: _FeedbackPlan) -> list[FeedbackDecision]:
        now = utcnow()
        receipts: dict[int, PackageFeedback] = {}
        for pid, (accepted, rejected) in plan.tally().items():
            receipts[pid] = PackageFeedback(package_id=pid, file_name=parsed.file[:260], file_sha256=parsed.sha256,
                                            received_at=now, received_by=self.db.user, accepted=accepted,
                                            rejected=rejected)
            s.add(receipts[pid])
        s.flush()
        done: list[FeedbackDecision] = []
        returned: list[tuple[FeedbackDecision, int]] = []
        for decision, item_id, pid in plan.new:
            item = s.get(ChangePackageItem, item_id)
            assert item is not None
            item.result = decision.result
            item.result_reason = decision.reason if decision.result == pf.REJECTED else None
            item.feedback_id = receipts[pid].id
            if decision.result == pf.REJECTED:
                copy_id = self._return_copy(s, decision, plan.packages[pid][0], now)
                item.returned_request_id = copy_id
                decision = replace(decision, returned_as=copy_id)
                returned.append((decision, copy_id))
            done.append(decision)
        s.flush()
        for decision, copy_id in returned:
            audit.record(s, user=self.db.user, action="change.province_rejected", subject=f"CR-{decision.request_id}",
                         detail={"reason": decision.reason, "returned_as": f"CR-{copy_id}",
                                 "package": decision.package, "maker": decision.maker})
        audit.record(s, user=self.db.user, action="package.feedback", subject=parsed.file[:200],
                     detail={"sha256": parsed.sha256,
                             "accepted": sum(1 for d in done if d.result == pf.ACCEPTED),
                             "rejected": sum(1 for d in done if d.result == pf.REJECTED),
                             "unchanged": len(plan.unchanged),
                             "packages": sorted(plan.packages[pid][0] for pid in receipts)})
        return done

    def _return_copy(self, s: Session, decision: FeedbackDecision, package: str, now: dt.datetime) -> int:
        """The rejected request carried again: a new request of the same maker, type, household,
        fields, notice, reason and evidence, returned (in its maker's "returned to me" queue) with
        the province's reason; `source` "province", `source_ref` "CR-<rejected id>"."""
        r = s.get(ChangeRequest, decision.request_id)
        assert r is not None
        reason = decision.reason or ""
        comment = f"省级审核退回（{package}，CR-{r.id}）：{reason}"[:500]
        copy = ChangeRequest(
            type=r.type, household_id=r.household_id, village_id=r.village_id, member_id=r.member_id,
            status=cr.RETURNED, based_on_version=r.based_on_version, reason=r.reason, note=r.note, cause=r.cause,
            event_date=r.event_date, year=r.year, new_head_member_id=r.new_head_member_id,
            notice=dict(r.notice) if r.notice is not None else None, source=PROVINCE_SOURCE,
            source_ref=f"CR-{r.id}", maker=r.maker, reviewer=self.db.user, review_comment=comment,
            detail=dict(r.detail) if r.detail is not None else None, created_at=now, updated_at=now)
        s.add(copy)
        s.flush()
        for f in s.scalars(select(ChangeField).where(ChangeField.request_id == r.id).order_by(ChangeField.id)):
            s.add(ChangeField(request_id=copy.id, entity=f.entity, field=f.field, member_id=f.member_id,
                              member_index=f.member_index, before=f.before, after=f.after, current=f.current))
        for e in s.scalars(select(ChangeEvidence).where(ChangeEvidence.request_id == r.id).order_by(ChangeEvidence.id)):
            s.add(ChangeEvidence(request_id=copy.id, file_id=e.file_id, name=e.name))
        s.add(ChangeEvent(request_id=copy.id, at=now, user=self.db.user, from_status=None, to_status=cr.RETURNED,
                          comment=comment))
        return copy.id
