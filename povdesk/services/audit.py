"""The append-only audit log: who did what, each entry chained to the one before by SHA-256.

`record` writes one entry in the caller's transaction (so the entry exists exactly when the work
it records was committed). The entry's `hash` is the SHA-256 of its canonical text: the JSON array
`[id, time (ISO, microseconds), user, action, subject, detail, previous hash]` (compact, UTF-8),
where `detail` is the stored JSON text with sorted keys and the first entry's previous hash is 64
zeros. Nothing here updates or deletes an entry; `verify` walks the chain and names the first
entry that does not fit (its content changed, or an entry before it removed or inserted).

`Chain(session)` appends many entries of one transaction at the cost of one: `add` keeps each
entry (its time taken then) in order, `part()` wraps a savepoint so that the entries added inside
it vanish with it when it is rolled back, and `write()` reads the previous entry once, gives the
entries their ids and hashes in Python and inserts them in one statement (`db.fast.bulk_insert`):
the chain stays unbroken because ids and links are given only to the entries that are written.
`record` is a chain of one entry.

Two desks appending at once must not both chain onto the same entry: `db.engine.chain_lock` is
taken before the previous entry is read (PostgreSQL: an advisory lock held to the commit, which the
"check" or "import" job locks do not replace; SQLite: the database's one write lock, held by the
transaction from its `BEGIN IMMEDIATE` or first write, or taken by `chain_lock` itself).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from povdesk.db.base import utcnow
from povdesk.db.engine import chain_lock
from povdesk.db.fast import bulk_insert, new_ids
from povdesk.db.models import AuditEntry
from povdesk.services.database import Database

GENESIS = "0" * 64
_PAGE = 2000

# action names (the change requests' own are named where they are recorded)
LOGIN = "login"
LOGIN_FAILED = "login.failed"
USER_CHANGED = "user.changed"
IMPORT = "import"
CHECK_RUN = "check.run"
PRINT_BATCH = "print.batch"


def canonical(entry_id: int, at: dt.datetime, user: str, action: str, subject: str | None,
              detail: str | None, prev_hash: str) -> bytes:
    """The exact bytes an entry's hash is taken of."""
    return json.dumps([entry_id, at.isoformat(timespec="microseconds"), user, action, subject, detail,
                       prev_hash], ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def entry_hash(entry_id: int, at: dt.datetime, user: str, action: str, subject: str | None,
               detail: str | None, prev_hash: str) -> str:
    return hashlib.sha256(canonical(entry_id, at, user, action, subject, detail, prev_hash)).hexdigest()


def detail_text(detail: Mapping[str, Any] | None) -> str | None:
    """The stored (and hashed) text of an entry's detail: compact JSON with sorted keys."""
    return None if detail is None else json.dumps(dict(detail), sort_keys=True, ensure_ascii=False,
                                                  separators=(",", ":"), default=str)


@dataclass(frozen=True)
class _Pending:
    at: dt.datetime
    user: str
    action: str
    subject: str | None
    detail: str | None


#: entries from which `write` inserts through `db.fast.bulk_insert`
_BULK = 50
_COLUMNS = ("id", "at", "user", "action", "subject", "detail", "prev_hash", "hash")


class Chain:
    """Entries appended to the audit log in the caller's transaction, written together by `write`
    (call it last in the transaction: the chain's lock is held until the commit)."""

    def __init__(self, session: Session) -> None:
        self._session = session
        self._pending: list[_Pending] = []

    def __len__(self) -> int:
        return len(self._pending)

    def add(self, *, user: str, action: str, subject: str | None = None,
            detail: Mapping[str, Any] | None = None) -> None:
        """One more entry, in order; nothing is read or written until `write`."""
        self._pending.append(_Pending(utcnow(), user[:40], action[:40], subject, detail_text(detail)))

    @contextlib.contextmanager
    def part(self) -> Iterator[None]:
        """Entries added inside the block are dropped when it raises: wrap each savepoint whose
        rollback must take its entries with it (`with chain.part(), session.begin_nested(): ...`)."""
        mark = len(self._pending)
        try:
            yield
        except BaseException:
            del self._pending[mark:]
            raise

    def write(self) -> int:
        """Take the chain's lock, read the last entry, chain the pending entries onto it and insert
        them in one statement; how many were written (none pending: nothing is read or locked)."""
        pending, self._pending = self._pending, []
        if not pending:
            return 0
        s = self._session
        chain_lock(s, "audit")
        last = s.execute(select(AuditEntry.id, AuditEntry.hash).order_by(AuditEntry.id.desc()).limit(1)).first()
        prev = last.hash if last is not None else GENESIS
        conn = s.connection()
        table = AuditEntry.__table__
        rows = []
        for entry_id, e in zip(new_ids(conn, table, len(pending), after=last.id if last is not None else 0),
                               pending, strict=True):
            h = entry_hash(entry_id, e.at, e.user, e.action, e.subject, e.detail, prev)
            rows.append((entry_id, e.at, e.user, e.action, e.subject, e.detail, prev, h))
            prev = h
        if len(rows) < _BULK:  # SQLAlchemy's cached statement; a long chain: compiled once, executemany
            conn.execute(table.insert(), [dict(zip(_COLUMNS, r, strict=True)) for r in rows])
        else:
            bulk_insert(conn, table, _COLUMNS, rows)
        return len(rows)


def record(session: Session, *, user: str, action: str, subject: str | None = None,
           detail: Mapping[str, Any] | None = None) -> None:
    """Append one entry to the audit log in the caller's transaction (call it last in the
    transaction: the chain's lock is held until the commit)."""
    chain = Chain(session)
    chain.add(user=user, action=action, subject=subject, detail=detail)
    chain.write()


@dataclass(frozen=True)
class AuditEntryRecord:
    id: int
    at: dt.datetime
    user: str
    action: str
    subject: str | None
    detail: str | None


@dataclass(frozen=True)
class ChainCheck:
    """The result of walking the chain: `count` entries fit; `broken` is the first that does not."""

    count: int
    broken: AuditEntryRecord | None = None
    #: "changed" (its hash does not match its content) or "link" (its previous hash is not the
    #: hash of the entry before it: an entry removed, inserted or reordered)
    reason: str | None = None

    @property
    def intact(self) -> bool:
        return self.broken is None

    def message(self, lang: str) -> str:
        zh = lang.startswith("zh")
        b = self.broken
        if b is None:
            return (f"审计日志完整：共 {self.count} 条，哈希链无误。" if zh
                    else f"Audit log intact: {self.count} entries, the hash chain fits.")
        what = f"#{b.id} ({b.at:%Y-%m-%d %H:%M:%S} UTC, {b.action}, {b.user})"
        if self.reason == "changed":
            return (f"审计日志第 {what} 条与其哈希不符：该条写入后被修改。此前 {self.count} 条无误。" if zh
                    else f"Audit log entry {what} does not fit: it was changed after it was written. "
                         f"The {self.count} entries before it fit.")
        return (f"审计日志第 {what} 条与前一条的哈希不符：其前有条目被删除、插入或调换。此前 {self.count} 条无误。"
                if zh else
                f"Audit log entry {what} does not fit: the entry before it is not the one it was "
                f"chained to (an entry was removed, inserted or reordered). The {self.count} entries "
                "before it fit.")


class AuditService:
    def __init__(self, *, db: Database) -> None:
        self.db = db

    def entries(self, limit: int = 200) -> list[AuditEntryRecord]:
        """The newest entries first."""
        with self.db.reading() as s:
            rows = s.scalars(select(AuditEntry).order_by(AuditEntry.id.desc()).limit(limit))
            return [_record(e) for e in rows]

    def verify(self) -> ChainCheck:
        """Walk the whole chain in order; the first entry that does not fit ends the walk."""
        prev = GENESIS
        count = 0
        last_id = 0
        with self.db.reading(snapshot=True) as s:
            while True:  # pages by id: memory stays flat however long the log
                page = s.scalars(select(AuditEntry).where(AuditEntry.id > last_id)
                                 .order_by(AuditEntry.id).limit(_PAGE)).all()
                for e in page:
                    if e.prev_hash != prev:
                        return ChainCheck(count, _record(e), "link")
                    if entry_hash(e.id, e.at, e.user, e.action, e.subject, e.detail, e.prev_hash) != e.hash:
                        return ChainCheck(count, _record(e), "changed")
                    prev = e.hash
                    count += 1
                if len(page) < _PAGE:
                    return ChainCheck(count)
                last_id = page[-1].id
                s.expunge_all()


def _record(e: AuditEntry) -> AuditEntryRecord:
    return AuditEntryRecord(e.id, e.at, e.user, e.action, e.subject, e.detail)
