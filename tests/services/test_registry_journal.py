"""The county's change journal as the window reads it: filters and pages (issue 11 §5)."""

from __future__ import annotations

import datetime as dt

from povdesk.services.database import Database
from povdesk.services.registry import JournalQuery, RegistryService


def _ids(registry: RegistryService, q: JournalQuery) -> list[int]:
    return [e.id for e in registry.journal_page(q, limit=1000)]


def test_journal_filters_by_user_place_field_reference_and_dates(county_db: Database) -> None:
    registry = RegistryService(db=county_db)
    before = registry.journal_count(JournalQuery())
    hids = registry.household_ids()
    first, other = registry.household(hids[0]).household, registry.household(hids[-1]).household
    registry.update_field(entity="household", entity_id=first.id, key="household.phone", value="13855556666",
                          reference="CR-41")
    wang = Database.open(county_db.url, user="wang")
    try:
        RegistryService(db=wang).update_field(entity="household", entity_id=other.id, key="household.bank_name",
                                              value="农村信用社")
    finally:
        wang.close()
    everything = registry.journal_page(JournalQuery(), limit=1000)
    assert registry.journal_count(JournalQuery()) == before + 2 == len(everything)
    assert [e.id for e in everything] == sorted((e.id for e in everything), reverse=True)  # newest first
    newest = everything[0]
    assert (newest.user, newest.field, newest.household_no, newest.new_value) == (
        "wang", "household.bank_name", other["household_no"], "农村信用社")

    assert [e.field for e in registry.journal_page(JournalQuery(user="wang"))] == ["household.bank_name"]
    phone = registry.journal_page(JournalQuery(field="household.phone"))
    assert [(e.household_no, e.new_value, e.reference) for e in phone] == [
        (first["household_no"], "13855556666", "CR-41")]
    for ref in ("CR-41", "cr-41", "41", "#41"):
        assert _ids(registry, JournalQuery(reference=ref)) == [phone[0].id]
    village = first["household_no"][:12]
    assert all(e.household_no.startswith(village) for e in registry.journal_page(JournalQuery(place=village)))
    assert phone[0].id in _ids(registry, JournalQuery(place=village))
    assert _ids(registry, JournalQuery(place=first["household_no"], field="household.phone")) == [phone[0].id]
    assert _ids(registry, JournalQuery(place="9%")) == []  # a prefix, never a pattern
    now = newest.at
    assert _ids(registry, JournalQuery(since=now + dt.timedelta(seconds=1))) == []
    assert newest.id in _ids(registry, JournalQuery(since=now - dt.timedelta(minutes=1),
                                                    until=now + dt.timedelta(minutes=1)))
    users, fields = registry.journal_choices()
    assert "wang" in users and {"household.phone", "household.bank_name"} <= set(fields)


def test_journal_pages_below_the_last_id_without_gaps(county_db: Database) -> None:
    registry = RegistryService(db=county_db)
    hid = registry.household_ids()[0]
    for i in range(7):
        registry.update_field(entity="household", entity_id=hid, key="household.phone", value=f"1380000000{i}")
    q = JournalQuery(field="household.phone")
    pages, before = [], None
    while True:
        page = registry.journal_page(q, before_id=before, limit=3)
        if not page:
            break
        pages.append([e.new_value for e in page])
        before = page[-1].id
    assert [len(p) for p in pages] == [3, 3, 1]
    assert [v for p in pages for v in p] == [f"1380000000{i}" for i in reversed(range(7))]
