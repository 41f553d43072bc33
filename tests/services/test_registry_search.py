"""Search (issue 13 §2) and the household list's filters, pinyin order and export (§3)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import openpyxl
import pytest
from sqlalchemy import select, update

from povdesk.db import search_keys
from povdesk.db.models import Household, Problem, SearchKey, Village
from povdesk.domain import groups, pinyin
from povdesk.domain.dictionary import Entity
from povdesk.services.database import Database
from povdesk.services.importer import ImportService
from povdesk.services.registry import ANY_MARKER, HouseholdFilter, HouseholdQuery, RegistryService
from tests.exchange.rosters import person_xlsx


@pytest.fixture
def registry(county_db: Database) -> RegistryService:
    return RegistryService(db=county_db)


def heads(registry: RegistryService, text: str = "", **criteria: object) -> list[str]:
    ids = registry.household_ids(HouseholdQuery(text=text, **criteria))  # type: ignore[arg-type]
    return [r.head_name for r in registry.household_rows(ids)]


def test_pinyin_keys_are_toneless_lowercase_and_skip_what_is_not_a_letter() -> None:
    assert pinyin.keys("俄木曲哈") == ("emuquha", "emqh")
    assert pinyin.keys("阿依古丽·买买提") == ("ayigulimaimaiti", "ayglmmt")
    assert pinyin.keys("吕Ａ") == ("lva", "la")
    assert pinyin.keys("") == (None, None)
    assert {"n曲哈", "pquha", "iqh"} <= pinyin.name_keys("俄木曲哈")


def test_any_part_of_a_name_in_chinese(registry: RegistryService) -> None:
    assert heads(registry, "马拉") == ["沙马拉则"]
    assert heads(registry, "拉则") == ["沙马拉则"]
    assert heads(registry, "德明") == ["张德明"]
    assert heads(registry, "阿呷") == ["曲比阿呷"]


def test_full_pinyin_any_syllable_onwards_and_initials(registry: RegistryService) -> None:
    assert heads(registry, "shamalaze") == ["沙马拉则"]
    assert heads(registry, "malaze") == ["沙马拉则"]
    assert heads(registry, "ShaMa") == ["沙马拉则"]
    assert heads(registry, "smlz") == ["沙马拉则"]
    assert heads(registry, "ZDM") == ["张德明"]
    assert heads(registry, "mlz") == ["沙马拉则"]
    assert heads(registry, "x") == []  # one letter is not looked up as pinyin


def test_the_last_digits_of_an_id_number_find_the_household_and_name_the_member(
        registry: RegistryService) -> None:
    (hid,) = registry.household_ids(HouseholdQuery(text="吉克"))
    child = registry.household(hid).members[2]
    for digits in (4, 5, 6):
        tail = child["id_number"][-digits:]
        found = registry.household_ids(HouseholdQuery(text=tail))
        assert hid in found
        assert registry.search_matches(found, tail)[hid] == (child["name"],)


def test_the_tail_and_the_start_of_a_household_number(registry: RegistryService) -> None:
    assert heads(registry, "200002") == ["吉木尔古"]
    assert heads(registry, "5134371002") == ["张德明"]


def test_which_member_matched(registry: RegistryService) -> None:
    ids = registry.household_ids(HouseholdQuery(text="阿依莫"))
    assert len(ids) == 6  # every spouse is called <surname>阿依莫
    matches = registry.search_matches(ids, "阿依莫")
    assert sorted(n for names in matches.values() for n in names)[0].endswith("阿依莫")
    (sha,) = registry.household_ids(HouseholdQuery(text="沙马拉则"))
    assert registry.search_matches([sha], "沙马拉则") == {}  # the head: the list already shows it


def test_edits_and_new_members_are_found_by_their_new_names(registry: RegistryService) -> None:
    (hid,) = registry.household_ids(HouseholdQuery(text="张德明"))
    head = registry.household(hid).members[0]
    registry.update_field(entity=Entity.MEMBER, entity_id=head.id, key="member.name", value="俄木曲哈",
                          reason="更正")
    assert registry.household_ids(HouseholdQuery(text="emqh")) == [hid]
    assert registry.search_matches([hid], "emqh") == {hid: ("俄木曲哈",)}  # the list's head name is 张德明
    assert registry.household_ids(HouseholdQuery(text="zhangdeming")) == [hid]  # by the household's head name
    assert registry.search_matches([hid], "zhangdeming") == {}
    registry.add_member(household_id=hid, values_by_key={"member.name": "吉克阿牛", "member.relation": "03"},
                        reason="出生", date=dt.date(2019, 6, 1))
    assert hid in registry.household_ids(HouseholdQuery(text="aniu"))


def test_the_import_writes_the_keys(db: Database, tmp_path: Path) -> None:
    ImportService(db=db).run(person_xlsx(tmp_path / "a.xlsx"))
    registry = RegistryService(db=db)
    assert heads(registry, "malaze") == ["沙马拉则"]
    with db.reading() as s:
        assert s.scalar(select(Household.head_pinyin).where(Household.head_name == "沙马拉则")) == "shamalaze"


def test_refresh_of_the_whole_county_back_fills_what_is_missing(county_db: Database) -> None:
    with county_db.transaction() as s:
        s.execute(SearchKey.__table__.delete())
        s.execute(update(Household).values(head_pinyin=None))
    registry = RegistryService(db=county_db)
    assert heads(registry, "smlz") == []
    with county_db.transaction() as s:
        assert search_keys.refresh(s.connection()) > 0
    assert heads(registry, "smlz") == ["沙马拉则"]


def test_names_sort_by_pinyin(registry: RegistryService) -> None:
    assert heads(registry, sort="head_name") == ["阿约日哈", "吉克伍呷", "吉木尔古", "曲比阿呷", "沙马拉则", "张德明"]
    assert heads(registry, sort="head_name", descending=True)[0] == "张德明"


def test_filters_status_attribute_marker_problems_and_cancelled(county_db: Database) -> None:
    registry = RegistryService(db=county_db)
    with county_db.transaction() as s:
        ids = {h.head_name: h.id for h in s.scalars(select(Household))}
        s.execute(update(Household).where(Household.id == ids["吉克伍呷"]).values(attribute="04", monitoring_type="1"))
        s.execute(update(Household).where(Household.id == ids["曲比阿呷"]).values(monitoring_type="2"))
        s.execute(update(Household).where(Household.id == ids["张德明"]).values(active=False))
        s.add(Problem(rule="HH-003", category="HH", severity="error", household_id=ids["阿约日哈"],
                      fingerprint="HH-003:x", message_zh="两名户主", message_en="Two heads", status="open"))
        s.add(Problem(rule="EDU-001", category="EDU", severity="warning", household_id=ids["沙马拉则"],
                      fingerprint="EDU-001:x", message_zh="辍学", message_en="Out of school", status="open"))
        s.add(Problem(rule="EDU-001", category="EDU", severity="warning", household_id=ids["吉木尔古"],
                      fingerprint="EDU-001:y", message_zh="辍学", message_en="Out of school", status="rectified"))
    assert heads(registry, status="1") == ["曲比阿呷", "阿约日哈"]
    assert heads(registry, attribute="04") == ["吉克伍呷"]
    assert heads(registry, monitoring_type="1") == ["吉克伍呷"]
    assert sorted(heads(registry, monitoring_type=ANY_MARKER)) == sorted(["吉克伍呷", "曲比阿呷"])
    assert sorted(heads(registry, open_problems=True)) == sorted(["阿约日哈", "沙马拉则"])
    assert heads(registry, problem_severity="error") == ["阿约日哈"]
    assert heads(registry, problem_rule="EDU-001") == ["沙马拉则"]
    assert "张德明" not in heads(registry)
    assert "张德明" in heads(registry, include_inactive=True)
    drill = HouseholdQuery(text="ignored?").filtered(HouseholdFilter(status="0", include_inactive=True))
    assert (drill.status, drill.include_inactive, drill.text) == ("0", True, "ignored?")
    assert drill.filter == HouseholdFilter(status="0", include_inactive=True)


def test_the_list_as_filtered_exports_with_chinese_headers_and_labels(registry: RegistryService,
                                                                      tmp_path: Path) -> None:
    out = tmp_path / "户列表.xlsx"
    assert registry.export_list(HouseholdQuery(text="阿依莫", status="0", sort="head_name"), out) == 3
    book = openpyxl.load_workbook(out, read_only=True)
    rows = [list(r) for r in book.active.iter_rows(values_only=True)]
    book.close()
    assert rows[0][:2] == [groups.field(k).zh for k in groups.HOUSEHOLD_LIST.keys[:2]]
    assert rows[0][-1] == "匹配成员"
    assert [r[1] for r in rows[1:]] == ["吉克伍呷", "吉木尔古", "沙马拉则"]  # status 0, by pinyin
    assert all(r[-1].endswith("阿依莫") for r in rows[1:])
    status = rows[0].index("脱贫状态")
    assert {r[status] for r in rows[1:]} == {"未脱贫"}


@pytest.mark.parametrize("key", groups.HOUSEHOLD_LIST.keys)
def test_the_ids_come_in_the_order_of_every_tie_breaker_with_the_village_joined(
        county_db: Database, key: str) -> None:
    """`household_ids` leaves out the village (unless a place sorts or filters) and the tie-breakers
    of the unique household number, and reads the ids from the driver: the same ids in the same order
    as the full query, for searches, a township, a list of ids, cancelled households, both directions."""
    registry = RegistryService(db=county_db)
    with county_db.reading() as s:
        every = list(s.scalars(select(Household.id).order_by(Household.id)))
        township = s.scalar(select(Village.township_id).order_by(Village.id.desc()).limit(1))
    for criteria in ({}, {"text": "阿依"}, {"text": "5134"}, {"text": "ml"}, {"township_id": township},
                     {"household_ids": tuple(every[::2])}, {"include_inactive": True}):
        for descending in (False, True):
            q = HouseholdQuery(sort=groups.column(key), descending=descending, **criteria)  # type: ignore[arg-type]
            order = registry._sort_expression(key)
            full = registry._filtered(q).order_by(order.desc() if descending else order.asc(),
                                                  Household.head_name, Household.household_no)
            with county_db.reading() as s:
                expected = list(s.scalars(full))
            assert registry.household_ids(q) == expected, (criteria, descending)
            assert expected
