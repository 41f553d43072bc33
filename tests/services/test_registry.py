"""The registry service: navigation counts, search, details and journalled edits."""

from __future__ import annotations

import datetime as dt

import pytest

from povdesk.domain.dictionary import Entity
from povdesk.errors import Conflict, InvalidValue
from povdesk.services.database import Database
from povdesk.services.registry import HouseholdQuery, RegistryService


@pytest.fixture
def registry(county_db: Database) -> RegistryService:
    return RegistryService(db=county_db)


def test_navigator_counts_households_and_current_members(registry: RegistryService) -> None:
    (county,) = registry.navigator()
    assert county.name == "雷波县"
    assert county.households == 6
    assert county.members == 5 + 3 + 4 + 6 + 2 + 3
    paha = next(t for t in county.townships if t.name == "帕哈乡")
    assert [v.households for v in paha.villages] == [3, 2]


def test_search_by_name_prefix_id_prefix_and_household_number(registry: RegistryService) -> None:
    by_name = registry.household_ids(HouseholdQuery(text="沙马"))
    assert [r.head_name for r in registry.household_rows(by_name)] == ["沙马拉则"]
    detail = registry.household(by_name[0])
    member_id = detail.members[2]["id_number"]
    assert registry.household_ids(HouseholdQuery(text=member_id[:17])) == by_name
    assert registry.household_ids(HouseholdQuery(text="513437204202")) == registry.household_ids(
        HouseholdQuery(village_id=detail.household["village_id"] + 1))


def test_search_accepts_lower_case_x(registry: RegistryService) -> None:
    assert registry.household_ids(HouseholdQuery(text="x")) == []


def test_sorting_by_members_descending(registry: RegistryService) -> None:
    ids = registry.household_ids(HouseholdQuery(sort="members", descending=True))
    assert [r.members for r in registry.household_rows(ids)] == [6, 5, 4, 3, 3, 2]


def test_update_field_is_journalled_and_bumps_version(registry: RegistryService) -> None:
    hid = registry.household_ids(HouseholdQuery(text="沙马"))[0]
    before = registry.household(hid)
    member = before.members[1]
    after = registry.update_field(entity=Entity.MEMBER, entity_id=member.id, key="member.health",
                                  value="长期慢性病", reason="入户核实")
    assert after.version == before.version + 1
    assert after.members[1]["health"] == "02"
    entry = after.history[0]
    assert (entry.field, entry.old_value, entry.new_value, entry.reason, entry.user) == (
        "member.health", "01", "02", "入户核实", "tester")


def test_same_value_writes_nothing(registry: RegistryService) -> None:
    hid = registry.household_ids()[0]
    before = registry.household(hid)
    after = registry.update_field(entity=Entity.HOUSEHOLD, entity_id=hid, key="household.main_cause",
                                  value="缺技术")
    assert after.version == before.version and len(after.history) == len(before.history)


def test_bad_value_changes_nothing(registry: RegistryService) -> None:
    hid = registry.household_ids()[0]
    with pytest.raises(InvalidValue) as err:
        registry.update_field(entity=Entity.HOUSEHOLD, entity_id=hid, key="household.main_cause",
                              value="不存在的原因")
    assert "主要致贫原因" in err.value.message("zh")
    assert registry.household(hid).history == ()


def test_stale_version_is_refused(registry: RegistryService) -> None:
    hid = registry.household_ids()[0]
    with pytest.raises(Conflict):
        registry.update_field(entity=Entity.HOUSEHOLD, entity_id=hid, key="household.phone",
                              value="13912345678", expected_version=99)


def test_add_and_decrease_member_keep_history_and_size(registry: RegistryService) -> None:
    hid = registry.household_ids(HouseholdQuery(text="吉木"))[0]
    baby = registry.add_member(household_id=hid, reason="出生", date=dt.date(2019, 6, 1), values_by_key={
        "member.name": "吉木阿果", "member.relation": "之孙女", "member.id_number": "513437201906010020"})
    detail = registry.household(hid)
    assert detail.household["size"] == 3
    assert baby["sex"] == "2" and baby["birth_date"] == dt.date(2019, 6, 1)
    spouse = detail.members[1]
    registry.decrease_member(member_id=spouse.id, reason="死亡", date=dt.date(2019, 8, 1))
    detail = registry.household(hid)
    assert len(detail.members) == 3 and len(detail.current_members) == 2
    assert detail.household["size"] == 2
    gone = next(m for m in detail.members if m.id == spouse.id)
    assert gone["status"] == "2" and gone["change_reason"] == "死亡"
    assert {"member.added", "member.status", "household.size"} <= {c.field for c in detail.history}


def test_head_cannot_be_decreased(registry: RegistryService) -> None:
    detail = registry.household(registry.household_ids()[0])
    with pytest.raises(Conflict):
        registry.decrease_member(member_id=detail.members[0].id, reason="死亡", date=dt.date(2019, 1, 1))


def test_sorting_by_per_capita_income_of_the_data_year(registry: RegistryService) -> None:
    ids = registry.household_ids(HouseholdQuery(sort="per_capita_net", descending=True))
    incomes = [r.per_capita_net for r in registry.household_rows(ids)]
    assert incomes == sorted(incomes, reverse=True) and incomes[0] == 15500 / 2


def test_a_new_cadre_is_a_new_pairing_and_the_old_one_ends(registry: RegistryService, county_db: Database) -> None:
    from povdesk.db.models import Cadre

    hid = registry.household_ids(HouseholdQuery(text="沙马拉则"))[0]
    with county_db.transaction() as s:
        new = Cadre(name="李明", sex="1", phone="13800000002", affiliation="62")
        s.add(new)
        s.flush()
        new_id = new.id
    cadres = registry.pair_cadre(household_id=hid, cadre_id=new_id, start=dt.date(2019, 7, 1), reason="人员调整")
    assert [(c["name"], c.pairing_start, c.pairing_end) for c in cadres] == [
        ("王建国", dt.date(2016, 1, 1), dt.date(2019, 6, 30)), ("李明", dt.date(2019, 7, 1), None)]
    detail = registry.household(hid)
    assert len(detail.cadres) == 2  # the earlier cadre is kept, with its end
    assert {"pairing.start_date", "pairing.end_date"} <= {c.field for c in detail.history}
    with pytest.raises(InvalidValue):
        registry.pair_cadre(household_id=hid, cadre_id=new_id, start=dt.date(2019, 7, 1), reason="重复")
