"""Every writer of the change journal names its source and its events from domain/journal.py."""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path

from sqlalchemy import select

from povdesk.db.models import ChangeLog, Household, Village
from povdesk.domain import dictionary as dd
from povdesk.domain import idnumber
from povdesk.domain.dictionary import Entity
from povdesk.domain.journal import JournalEvent, JournalSource
from povdesk.services.changes import ChangeRequestService
from povdesk.services.database import Database
from povdesk.services.importer import ImportService
from povdesk.services.registry import RegistryService
from povdesk.services.users import UserService
from tests.exchange.rosters import person_xlsx
from tests.services.changes_setup import NOTICE


def test_import_edit_and_users_write_the_journal_vocabulary(db: Database, tmp_path: Path) -> None:
    ImportService(db=db).run(person_xlsx(tmp_path / "a.xlsx"))
    registry = RegistryService(db=db)
    hid = registry.household_ids()[0]
    registry.update_field(entity=Entity.HOUSEHOLD, entity_id=hid, key="household.phone",
                          value="13912345678", reason="电话变更")
    registry.add_member(household_id=hid, reason="出生", date=dt.date(2019, 6, 1), values_by_key={
        "member.name": "沙马阿果", "member.relation": "之孙女", "member.id_number": "513437201906010020"})
    UserService(db=db).save("wang", role="reviewer", display_name="王审核")
    request = ChangeRequestService(db=db).make("correct", household_id=hid, reason="走访",
                                               sets={"household.phone": "13912340000"})
    ChangeRequestService(db=db).submit(request.id)
    ChangeRequestService(db=dataclasses.replace(db, user="wang")).approve(request.id)
    with db.reading() as s:  # a new household (新识别) journals its identification
        village = s.scalar(select(Village.code).join(Household).where(Household.id == hid))
    new = ChangeRequestService(db=db).make(
        "new-household", village_code=village, notice=NOTICE,
        household={"household.attribute": "01", "household.main_cause": "07"},
        members=[{"member.name": "阿苦日哈", "member.id_number": idnumber.make("513437", dt.date(1985, 2, 3), 901),
                  "member.relation": "01", "member.ethnicity": "07", "member.health": "01"}])
    ChangeRequestService(db=db).submit(new.id)
    ChangeRequestService(db=dataclasses.replace(db, user="wang")).approve(new.id)
    with db.reading() as s:
        rows = s.execute(select(ChangeLog.source, ChangeLog.field)).all()
    # the migration's source and event are written by migration 0009 only (tests/db/test_migration_0009.py)
    assert {source for source, _ in rows} == {s.value for s in JournalSource} - {JournalSource.MIGRATION}
    fields = {f for _, f in rows}
    events = {e.value for e in JournalEvent} - {JournalEvent.SCHOOL_PAIR_MERGED}
    assert events <= fields
    assert fields - events <= {f.key for f in dd.FIELDS}
