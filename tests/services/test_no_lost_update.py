"""No lost update (issue 16 §2): two desks, each with its own engine and connection on the run's
database (SQLite, or PostgreSQL in the second pass). One reads a household, the other changes it,
and the first's write is refused as a conflict naming who changed what; never a silent overwrite."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import select

from povdesk.db.models import ChangeLog, Household
from povdesk.errors import Busy, Conflict
from povdesk.services.changes import ChangeRequestService
from povdesk.services.database import Database
from povdesk.services.registry import RegistryService
from tests.services.changes_setup import H0, office

PHONE = "household.phone"


@pytest.fixture
def other(county_db: Database, db_url: str) -> Iterator[Database]:
    """A second desk: another engine on the same database, working as carl; it waits 0.3 s for locks."""
    desk = Database.open(db_url, user="carl", lock_wait=0.3)
    yield desk
    desk.close()


def _hid(db: Database) -> int:
    hid = RegistryService(db=db).find_household_id(H0)
    assert hid is not None
    return hid


def _phone(db: Database, hid: int) -> tuple[str | None, int]:
    with db.reading() as s:
        row = s.execute(select(Household.phone, Household.version).where(Household.id == hid)).one()
        return row[0], row[1]


def test_a_write_from_a_version_read_before_another_desks_change_is_refused(
        county_db: Database, other: Database) -> None:
    hid = _hid(county_db)
    read = RegistryService(db=county_db).household(hid).household.values["version"]
    RegistryService(db=other).update_field(entity="household", entity_id=hid, key=PHONE, value="13900000001",
                                           expected_version=read)
    with pytest.raises(Conflict) as refused:
        RegistryService(db=county_db).update_field(entity="household", entity_id=hid, key=PHONE,
                                                   value="13900000002", expected_version=read)
    err = refused.value
    assert err.code == "household.version"
    assert "carl" in err.en and "Phone" in err.en.title() and f"{read} → {read + 1}" in err.en
    assert "carl" in err.zh and "联系电话" in err.zh and "重新载入" in err.zh
    assert _phone(county_db, hid) == ("13900000001", read + 1)  # the other desk's change stands


def test_a_stale_write_inside_a_transaction_is_refused_at_its_commit(county_db: Database, other: Database) -> None:
    """No version given: the household was read in this transaction, then another desk committed a
    change, then this transaction wrote. The UPDATE's `WHERE version = <read>` matches no row."""
    hid = _hid(county_db)
    registry = RegistryService(db=county_db)
    _, before = _phone(county_db, hid)
    with pytest.raises(Conflict) as refused, county_db.transaction() as s:
        h = s.get(Household, hid)
        assert h is not None and h.version == before
        RegistryService(db=other).update_field(entity="household", entity_id=hid, key=PHONE, value="13900000003")
        registry.set_field_in(s, entity="household", entity_id=hid, key=PHONE, value="13900000004")
    assert refused.value.code == "household.version" and "carl" in refused.value.en
    assert _phone(county_db, hid) == ("13900000003", before + 1)
    with county_db.reading() as s:  # the refused write left nothing in the journal
        assert s.scalars(select(ChangeLog.new_value).where(ChangeLog.household_id == hid,
                                                           ChangeLog.field == PHONE)).all() == ["13900000003"]


def test_an_approval_racing_another_desks_edit_never_overwrites_it(
        county_db: Database, other: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    """The approval reads the household and finds no conflict; then another desk edits it before the
    approval writes. PostgreSQL: the other desk's edit goes in and the approval is refused as a
    conflict. SQLite: the approval holds the database's write lock, so the other desk waits (and here
    gives up as busy) and the approval goes in. Either way one change wins whole, nothing is lost."""
    o = office(county_db)
    hid = _hid(county_db)
    request = o.as_("tester").make("correct", household_no=H0, sets={PHONE: "13900000005"}, reason="走访核实")
    o.as_("tester").submit(request.id)
    conflicts = ChangeRequestService._conflicts
    other_result: list[Any] = []

    def conflicts_then_other_desk(self: ChangeRequestService, *args: Any, **kw: Any) -> None:
        conflicts(self, *args, **kw)
        try:
            RegistryService(db=other).update_field(entity="household", entity_id=hid, key=PHONE,
                                                   value="13900000006")
            other_result.append("saved")
        except Busy:
            other_result.append("busy")

    monkeypatch.setattr(ChangeRequestService, "_conflicts", conflicts_then_other_desk)
    if county_db.engine.dialect.name == "postgresql":
        with pytest.raises(Conflict) as refused:
            o.as_("rita").approve(request.id)
        assert refused.value.code == "household.version" and "carl" in refused.value.en
        assert other_result == ["saved"] and _phone(county_db, hid)[0] == "13900000006"
        assert o.as_("rita").get(request.id).status == "submitted"  # not applied, still to decide
    else:
        o.as_("rita").approve(request.id)
        assert other_result == ["busy"] and _phone(county_db, hid)[0] == "13900000005"


def test_a_read_succeeds_while_an_import_holds_its_lock(county_db: Database, other: Database) -> None:
    """A long job (import, check run) holds its write lock and has written; another desk still reads
    (SQLite WAL; PostgreSQL's advisory lock and row locks never block a plain SELECT)."""
    hid = _hid(county_db)
    _, before = _phone(county_db, hid)
    with county_db.transaction(lock="import") as s:
        h = s.get(Household, hid)
        assert h is not None
        h.phone = "13900000007"
        h.version += 1
        s.flush()
        assert _phone(other, hid) == (_phone(other, hid)[0], before)  # reads the committed state
        assert RegistryService(db=other).household(hid).household.values["version"] == before
        assert RegistryService(db=other).household_rows([hid])[0].id == hid
    assert _phone(other, hid) == ("13900000007", before + 1)
