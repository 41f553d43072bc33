"""New household (新识别) and village exit (贫困村退出) requests at the service level."""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any

import pytest
from sqlalchemy import select

from povdesk.db.models import ChangeLog, Household, Member, Problem, Village
from povdesk.domain import changes as cr
from povdesk.domain import idnumber
from povdesk.domain.journal import JournalEvent, JournalSource
from povdesk.errors import Conflict, InvalidValue, NotFound
from povdesk.services.database import Database
from povdesk.services.settings import YearSettingsService
from tests.services.changes_setup import H0, NOTICE, Office, office

V1 = "513437204201"  # 八合村: H0 (未脱贫, 5), H1 (已脱贫, 3), H2 (未脱贫, 4)
V2 = "513437204202"  # 试点村: 阿约日哈 (已脱贫, 6), 吉木尔古 (未脱贫, 2)
HEAD_ID = idnumber.make("513437", dt.date(1985, 2, 3), 901)
WIFE_ID = idnumber.make("513437", dt.date(1987, 6, 7), 902)


@pytest.fixture
def o(county_db: Database) -> Office:
    return office(county_db)


def proposal() -> tuple[dict[str, Any], list[dict[str, Any]]]:
    household = {"household.attribute": "01", "household.main_cause": "07", "household.phone": "13900001111",
                 "household.group_name": "二组"}
    members = [
        {"member.name": "阿苦日哈", "member.id_number": HEAD_ID, "member.relation": "户主", "member.ethnicity": "07",
         "member.health": "健康"},
        {"member.name": "吉克阿芝", "member.id_number": WIFE_ID, "member.relation": "02", "member.ethnicity": "彝族",
         "member.health": "01", "member.education": "初中"},
    ]
    return household, members


def make_new(o: Office, maker: str = "tester", **kw: Any) -> cr.ChangeRequestRecord:
    household, members = proposal()
    args: dict[str, Any] = {"village_code": V1, "household": household, "members": members, "notice": NOTICE,
                            "reason": "2019年动态调整新识别"}
    args.update(kw)
    return o.as_(maker).make("new-household", **args)


def test_new_household_round_trip_creates_household_members_journal_and_checks(o: Office) -> None:
    r = make_new(o)
    assert r.status == cr.DRAFT and r.household_id is None and r.village_id is not None
    by_key = {(f.key, f.member_index): f for f in r.fields}
    number = by_key[("household.household_no", None)].after
    assert number == "51343720420100004"  # the village's next free number (its three are 00001..00003)
    assert by_key[("household.head_name", None)].after == "阿苦日哈"
    assert by_key[("household.size", None)].after == "2"
    assert by_key[("household.status", None)].after == "0"
    assert by_key[("member.relation", 0)].after == "01" and by_key[("member.ethnicity", 1)].after == "07"
    assert by_key[("member.sex", 0)].after == idnumber.sex_code(HEAD_ID)
    assert by_key[("member.education", 1)].member == WIFE_ID
    assert r.as_json()["fields"][0]["key"] == "household.household_no"
    o.as_("tester").submit(r.id)
    done = o.as_("rita").approve(r.id)
    assert done.status == cr.APPROVED and done.household_no == number
    with o.db.reading() as s:
        h = s.scalar(select(Household).where(Household.household_no == number))
        assert h is not None and h.head_name == "阿苦日哈" and h.size == 2 and h.status == "0"
        assert h.phone == "13900001111" and h.village.code == V1 and h.head_id_number == HEAD_ID
        ms = list(s.scalars(select(Member).where(Member.household_id == h.id).order_by(Member.sort_order)))
        assert [m.name for m in ms] == ["阿苦日哈", "吉克阿芝"] and ms[1].education == "03"
        assert ms[0].birth_date == idnumber.birth_date(HEAD_ID)
        logs = s.execute(select(ChangeLog.field, ChangeLog.source).where(ChangeLog.reference == f"CR-{r.id}")).all()
        assert (JournalEvent.HOUSEHOLD_IDENTIFIED, JournalSource.CHANGE_REQUEST) in logs
        assert ("household.phone", JournalSource.CHANGE_REQUEST) in logs
        assert sum(1 for f, _ in logs if f == JournalEvent.MEMBER_ADDED) == 2
        # re-checked: the new household has its problems (no income of the year recorded)
        assert s.scalar(select(Problem.id).where(Problem.household_id == h.id)) is not None


def test_new_household_refused_with_each_missing_field_per_member(o: Office) -> None:
    household, members = proposal()
    del household["household.main_cause"]
    del members[1]["member.ethnicity"]
    del members[1]["member.health"]
    members[0]["member.education"] = "博士后"
    with pytest.raises(InvalidValue) as e:
        o.as_("tester").make("new-household", village_code=V1, household=household, members=members,
                             notice=NOTICE)
    assert "成员2（吉克阿芝）缺少民族、健康状况" in e.value.zh and "member 2 (吉克阿芝) lacks Ethnicity, Health" in e.value.en
    assert "户信息缺少主要致贫原因" in e.value.zh or "致贫原因" in e.value.zh
    assert "博士后" in e.value.zh and "成员1（阿苦日哈）" in e.value.zh


def test_new_household_needs_one_head_the_notice_and_members(o: Office) -> None:
    household, members = proposal()
    members[0]["member.relation"] = "03"
    with pytest.raises(InvalidValue, match="exactly one head"):
        o.as_("tester").make("new-household", village_code=V1, household=household, members=members,
                             notice=NOTICE)
    with pytest.raises(InvalidValue, match="members"):
        o.as_("tester").make("new-household", village_code=V1, household=household, members=[], notice=NOTICE)
    with pytest.raises(InvalidValue, match="notice record"):
        make_new(o, notice={})


def test_new_household_refused_when_an_id_number_is_current_elsewhere(o: Office) -> None:
    with o.db.reading() as s:
        taken = s.scalar(select(Member.id_number).join(Household).where(Household.household_no == H0))
    household, members = proposal()
    members[1]["member.id_number"] = taken
    with pytest.raises(Conflict) as e:
        o.as_("tester").make("new-household", village_code=V1, household=household, members=members,
                             notice=NOTICE)
    assert e.value.code == "change.id_current" and H0 in e.value.en and H0 in e.value.zh


def test_new_household_number_from_the_file_is_checked(o: Office) -> None:
    household, members = proposal()
    for bad, said in (("5134372042010000X", "只能由数字组成"), ("513437204201999", "本县的户编号为 17 位"),
                      (H0, "已被使用")):
        household["household.household_no"] = bad
        with pytest.raises((InvalidValue, Conflict)) as e:
            o.as_("tester").make("new-household", village_code=V1, household=household, members=members,
                                 notice=NOTICE)
        assert said in e.value.zh and bad in e.value.en, (bad, e.value.zh)
    household["household.household_no"] = "51343720420100077"
    r = o.as_("tester").make("new-household", village_code=V1, household=household, members=members, notice=NOTICE)
    assert r.fields[0].after == "51343720420100077"


def test_two_open_proposals_get_distinct_numbers_and_approval_rechecks_ids(o: Office) -> None:
    first = make_new(o)
    household, members = proposal()
    second = o.as_("carl").make("new-household", village_code=V1, household=household, members=members,
                                notice=NOTICE)
    assert first.fields[0].after != second.fields[0].after
    o.as_("tester").submit(first.id)
    o.as_("rita").approve(first.id)
    o.as_("carl").submit(second.id)
    with pytest.raises(Conflict) as e:
        o.as_("rita").approve(second.id)  # the same people are now current in the first household
    assert e.value.code == "change.id_current"
    assert o.as_("rita").get(second.id).status == cr.SUBMITTED


def test_new_household_edit_replaces_members_and_keeps_its_number(o: Office) -> None:
    r = make_new(o)
    _household, members = proposal()
    edited = o.as_("tester").edit(r.id, members=members[:1])
    assert edited.fields[0].after == r.fields[0].after
    assert {f.member_index for f in edited.fields} == {None, 0}
    assert next(f.after for f in edited.fields if f.key == "household.size") == "1"
    with pytest.raises(Conflict, match="not based on a household"):
        o.as_("tester").rebase(r.id)


# ------------------------------------------------------------------ village exit
def test_village_exit_preview_counts_poor_over_population(o: Office) -> None:
    p = o.as_("tester").village_exit_preview(V1, 2019)
    assert (p.poor, p.population) == (9, 12) and p.incidence == pytest.approx(75.0)
    assert p.threshold == 3.0 and not p.may_exit and p.year == 2019


def test_village_exit_refused_above_the_threshold_naming_both_numbers(o: Office) -> None:
    with pytest.raises(Conflict) as e:
        o.as_("tester").make("village-exit", village_code=V1, year=2019, notice=NOTICE)
    assert e.value.code == "change.village_incidence"
    assert "75.00 %" in e.value.en and "3 %" in e.value.en and "75.00%" in e.value.zh and "3%" in e.value.zh


def test_village_exit_threshold_is_the_year_setting_and_approval_marks_the_village(o: Office) -> None:
    director = dataclasses.replace(o.db, user="dina")
    YearSettingsService(db=director).update(2019, village_exit_incidence=80.0)
    r = o.as_("tester").make("village-exit", village_code=V1, year=2019, notice=NOTICE, reason="达到退出标准")
    assert r.detail["incidence"] == pytest.approx(75.0) and r.detail["threshold"] == 80.0
    assert [(f.key, f.before, f.after) for f in r.fields] == [("village.exit_year", None, "2019")]
    assert r.as_json()["detail"]["poor"] == 9
    o.as_("tester").submit(r.id)
    done = o.as_("rita").approve(r.id)
    assert done.status == cr.APPROVED
    with o.db.reading() as s:
        v = s.scalar(select(Village).where(Village.code == V1))
        assert v is not None and v.exit_year == 2019
        log = s.execute(select(ChangeLog.entity, ChangeLog.field, ChangeLog.new_value, ChangeLog.source)
                        .where(ChangeLog.reference == f"CR-{r.id}")).all()
        assert log == [("village", "village.exit_year", "2019", JournalSource.CHANGE_REQUEST)]
    with pytest.raises(Conflict, match="already exited"):
        o.as_("carl").make("village-exit", village_code=V1, year=2019, notice=NOTICE)


def test_village_exit_approval_rechecks_the_incidence(o: Office) -> None:
    director = dataclasses.replace(o.db, user="dina")
    settings = YearSettingsService(db=director)
    settings.update(2019, village_exit_incidence=80.0)
    r = o.as_("tester").make("village-exit", village_code=V1, year=2019, notice=NOTICE)
    o.as_("tester").submit(r.id)
    settings.update(2019, village_exit_incidence=3.0)
    with pytest.raises(Conflict, match="above the threshold"):
        o.as_("rita").approve(r.id)


def test_village_exit_needs_the_notice_and_an_existing_village(o: Office) -> None:
    with pytest.raises(InvalidValue, match="notice record"):
        o.as_("tester").make("village-exit", village_code=V2, year=2019)
    with pytest.raises(NotFound, match="No village 999"):
        o.as_("tester").make("village-exit", village_code="999", year=2019, notice=NOTICE)


# ------------------------------------------------------------------ filled comparison tables
def test_import_forms_one_transaction_errors_in_both_languages_and_no_duplicates(o: Office, tmp_path: Any) -> None:
    from openpyxl import load_workbook

    from povdesk.config import Settings
    from povdesk.services.printing import PrintSelection, PrintService

    PrintService(db=o.db, settings=Settings()).print_batch(PrintSelection(village=V1), pdf=tmp_path / "v.pdf",
                                                            xlsx=tmp_path / "v.xlsx", mask_ids=True)
    wb = load_workbook(tmp_path / "v.xlsx")
    wb.worksheets[0]["F10"] = "五"  # 家庭人口数: not a whole number
    wb.worksheets[1]["N9"] = "13700000000"  # 户联系电话 of the second household
    wb.worksheets[1]["P21"] = "健康状况：残疾"  # its third member (ID numbers printed masked)
    wb.save(tmp_path / "bad.xlsx")
    service = o.as_("carl")
    with pytest.raises(InvalidValue) as e:
        service.import_forms(tmp_path / "bad.xlsx")
    assert "bad.xlsx, sheet 51343720420100001, cell F10 (row 10), Household size" in e.value.en
    assert "文件“bad.xlsx”工作表“51343720420100001”单元格 F10（第 10 行）家庭人口数" in e.value.zh
    assert service.list() == []
    wb.worksheets[0]["F10"] = None
    wb.save(tmp_path / "good.xlsx")
    done = service.import_forms(tmp_path / "good.xlsx")
    assert [(f.household_no, f.fields) for f in done.created] == [("51343720420100002", 2)]
    r = service.get(done.created[0].change_id)
    assert r.source == "workbook" and r.status == cr.DRAFT and r.maker == "carl"
    third = next(f for f in r.fields if f.key == "member.health")
    assert (third.before, third.after) == ("01", "04") and third.member_id is not None
    again = service.import_forms(tmp_path / "good.xlsx")
    assert again.created == () and [f.change_id for f in again.skipped] == [r.id]
    assert len(service.list()) == 1
