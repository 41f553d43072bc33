"""The audit log (issue 11 §4): one chained entry per action, append-only, verified end to end."""

from __future__ import annotations

import itertools
import json
import threading
from pathlib import Path

import pytest
from sqlalchemy import func, select, text

from povdesk.db.models import AuditEntry
from povdesk.errors import NotAllowed
from povdesk.services import audit
from povdesk.services.audit import GENESIS, AuditService, entry_hash
from povdesk.services.checks import CheckService
from povdesk.services.database import Database
from povdesk.services.users import UserService


def _append(db: Database, action: str, **detail: object) -> None:
    with db.transaction() as s:
        audit.record(s, user=db.user, action=action, subject="s", detail=detail or None)


def test_each_entry_carries_the_hash_of_the_one_before(db: Database) -> None:
    _append(db, "one", b=2, a="甲")
    _append(db, "two")
    with db.reading() as s:
        first, second = s.scalars(select(AuditEntry).order_by(AuditEntry.id)).all()
    assert first.prev_hash == GENESIS and second.prev_hash == first.hash
    assert first.detail == '{"a":"甲","b":2}'  # sorted keys, the exact text hashed
    assert first.hash == entry_hash(first.id, first.at, "tester", "one", "s", first.detail, GENESIS)
    check = AuditService(db=db).verify()
    assert check.intact and check.count == 2
    assert "2 entries" in check.message("en") and "共 2 条" in check.message("zh")


def test_an_entry_is_written_only_with_its_transaction(db: Database) -> None:
    with pytest.raises(RuntimeError), db.transaction() as s:
        audit.record(s, user="tester", action="lost")
        raise RuntimeError("the work failed")
    assert AuditService(db=db).verify().count == 0


def test_tampering_with_an_entry_makes_verify_name_it(db: Database) -> None:
    for n in range(4):
        _append(db, f"act{n}", n=n)
    with db.transaction() as s:
        s.execute(text("UPDATE audit_log SET detail = :d WHERE id = "
                       "(SELECT id FROM audit_log ORDER BY id LIMIT 1 OFFSET 2)"), {"d": json.dumps({"n": 9})})
    check = AuditService(db=db).verify()
    assert not check.intact and check.count == 2 and check.reason == "changed"
    assert check.broken is not None and check.broken.action == "act2"
    assert f"#{check.broken.id}" in check.message("en") and "被修改" in check.message("zh")


def test_removing_an_entry_makes_verify_name_the_next(db: Database) -> None:
    for n in range(3):
        _append(db, f"act{n}")
    with db.transaction() as s:
        s.execute(text("DELETE FROM audit_log WHERE action = 'act1'"))
    check = AuditService(db=db).verify()
    assert check.reason == "link" and check.broken is not None and check.broken.action == "act2"


def test_two_desks_appending_at_once_do_not_fork_the_chain(db: Database) -> None:
    desks = [Database.open(db.url, user=f"desk{n}") for n in range(2)]
    first_written, errors = threading.Event(), []

    def first() -> None:
        try:
            with desks[0].transaction() as s:
                audit.record(s, user="desk0", action="first")
                first_written.set()
                threading.Event().wait(0.5)  # hold the transaction open: the second must wait
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)
            first_written.set()

    def second() -> None:
        first_written.wait(10)
        try:
            for n in range(3):
                _append(desks[1], f"second{n}")
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    try:
        for t in threads:
            t.start()
        for t in threads:
            t.join(30)
    finally:
        for d in desks:
            d.close()
    assert not errors
    check = AuditService(db=db).verify()
    assert check.intact and check.count == 4


def test_logins_user_changes_and_check_runs_are_recorded(county_db: Database) -> None:
    users = UserService(db=county_db)
    users.save("zhang", role="director", password="pw")
    with pytest.raises(NotAllowed):
        users.authenticate("zhang", "wrong")
    users.authenticate("zhang", "pw")
    CheckService(db=county_db).run()
    actions = [(e.action, e.user, e.subject) for e in reversed(AuditService(db=county_db).entries())]
    assert actions == [("user.changed", "tester", "zhang"), ("login.failed", "zhang", "zhang"),
                       ("login", "zhang", "zhang"), ("check.run", "zhang", "county")]
    assert AuditService(db=county_db).verify().count == 4


def test_a_print_batch_and_an_import_are_recorded(county_db: Database, tmp_path: Path) -> None:
    from povdesk.services.importer import ImportService
    from povdesk.services.printing import PrintSelection, PrintService
    from tests.exchange.rosters import person_xlsx

    PrintService(db=county_db).print_batch(PrintSelection(), pdf=tmp_path / "forms.pdf")
    ImportService(db=county_db).run(person_xlsx(tmp_path / "a.xlsx"))
    # the roster's ID numbers differ from the county's: each goes to review as a change request
    entries = [e for e in AuditService(db=county_db).entries() if not e.action.startswith("change.")]
    printed, imported = reversed(entries)
    assert printed.action == "print.batch" and json.loads(printed.detail or "{}")["forms"] > 0
    assert imported.action == "import" and imported.subject == "a.xlsx"
    assert "households_new" in json.loads(imported.detail or "{}")
    assert AuditService(db=county_db).verify().intact


def test_a_chain_writes_its_entries_at_once_chained_in_order(db: Database) -> None:
    _append(db, "before")
    with db.transaction() as s:
        chain = audit.Chain(s)
        for n in range(5):
            chain.add(user="tester", action=f"act{n}", subject=f"CR-{n}", detail={"n": n})
        assert len(chain) == 5
        assert s.scalar(select(func.count(AuditEntry.id))) == 1  # nothing written before `write`
        assert chain.write() == 5 and len(chain) == 0
        assert chain.write() == 0
    _append(db, "after")  # a single entry after the chain links onto its last
    with db.reading() as s:
        rows = s.scalars(select(AuditEntry).order_by(AuditEntry.id)).all()
    assert [e.action for e in rows] == ["before", *(f"act{n}" for n in range(5)), "after"]
    assert rows[3].detail == '{"n":2}' and rows[3].subject == "CR-2"
    assert all(b.prev_hash == a.hash for a, b in itertools.pairwise(rows))
    assert AuditService(db=db).verify().count == 7


def test_an_entry_of_a_rolled_back_savepoint_vanishes_without_a_gap_in_the_chain(db: Database) -> None:
    with db.transaction() as s:
        chain = audit.Chain(s)
        for n in range(4):
            try:
                with chain.part(), s.begin_nested():
                    chain.add(user="tester", action=f"act{n}")
                    if n == 1:
                        raise RuntimeError("refused after its entry was added")
            except RuntimeError:
                pass
        chain.write()
    actions = [e.action for e in reversed(AuditService(db=db).entries())]
    assert actions == ["act0", "act2", "act3"]
    check = AuditService(db=db).verify()
    assert check.intact and check.count == 3


def test_a_chain_rolled_back_with_its_transaction_leaves_nothing(db: Database) -> None:
    _append(db, "kept")
    with pytest.raises(RuntimeError), db.transaction() as s:
        chain = audit.Chain(s)
        chain.add(user="tester", action="lost")
        chain.write()
        raise RuntimeError("the work failed")
    _append(db, "next")
    check = AuditService(db=db).verify()
    assert check.intact and check.count == 2


def test_two_desks_writing_chains_at_once_do_not_fork_it(db: Database) -> None:
    """A chain read its previous entry under the chain's lock: a desk whose transaction read nothing
    yet (SQLite: no transaction begun) waits for the other's commit, then chains onto its last."""
    desks = [Database.open(db.url, user=f"desk{n}") for n in range(2)]
    first_written, errors = threading.Event(), []

    def first() -> None:
        try:
            with desks[0].transaction() as s:
                chain = audit.Chain(s)
                for n in range(3):
                    chain.add(user="desk0", action=f"first{n}")
                chain.write()
                first_written.set()
                threading.Event().wait(0.5)  # hold the transaction open: the second must wait
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)
            first_written.set()

    def second() -> None:
        first_written.wait(10)
        try:
            with desks[1].transaction() as s:
                chain = audit.Chain(s)
                for n in range(3):
                    chain.add(user="desk1", action=f"second{n}")
                chain.write()
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    try:
        for t in threads:
            t.start()
        for t in threads:
            t.join(30)
    finally:
        for d in desks:
            d.close()
    assert not errors
    check = AuditService(db=db).verify()
    assert check.intact and check.count == 6


def test_a_long_chain_written_in_bulk_verifies(db: Database) -> None:
    _append(db, "before")
    with db.transaction() as s:
        chain = audit.Chain(s)
        for n in range(audit._BULK + 5):
            chain.add(user="tester", action="act", subject=f"CR-{n}", detail={"n": n, "名": "甲"})
        chain.write()
    _append(db, "after")
    check = AuditService(db=db).verify()
    assert check.intact and check.count == audit._BULK + 7
