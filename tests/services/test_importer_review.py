"""Issue 13 §4: a changed ID number goes to a reviewer as a change request; a bad cell of a member
field that is not a key leaves out only that field."""

from __future__ import annotations

import dataclasses
from pathlib import Path

from sqlalchemy import select

from povdesk.db.models import ChangeRequest, Household, Member
from povdesk.domain import changes as cr
from povdesk.services.changes import ChangeRequestService
from povdesk.services.database import Database
from povdesk.services.importer import ImportService
from povdesk.services.users import UserService
from tests.exchange.rosters import col, person_rows, person_xlsx, pid

FIRST, SECOND = "51343720420100001", "51343720420100002"


def member(db: Database, name: str) -> Member | None:
    with db.reading() as s:
        m = s.scalar(select(Member).where(Member.name == name))
        if m is not None:
            s.expunge(m)
        return m


def test_a_changed_id_number_is_sent_for_review_not_imported(db: Database, tmp_path: Path) -> None:
    ImportService(db=db).run(person_xlsx(tmp_path / "first.xlsx"))
    rows = person_rows()
    rows[1][col("证件号码")] = pid(19)  # 沙马阿依莫's ID number changes
    rows[1][col("民族")] = "汉族"  # and an ordinary field beside it
    path = person_xlsx(tmp_path / "second.xlsx", rows)
    preview = ImportService(db=db).preview(path)
    assert preview.identity_for_review == 1 and preview.review_requests == ()
    result = ImportService(db=db).run(path)
    [change] = result.identity_changes
    assert (change.old, change.new) == (pid(12), pid(19))
    assert all(c.field_key != "member.id_number" for c in result.changes)
    assert result.fields_changed == 1 and result.to_json()["identity_changes_for_review"] == 1
    m = member(db, "沙马阿依莫")
    assert m is not None and m.id_number == pid(12) and m.ethnicity == "01"  # the other field (汉族) imported
    [rid] = result.review_requests
    assert result.to_json()["review_requests"] == [rid]
    service = ChangeRequestService(db=db)
    request = service.get(rid)
    assert (request.type, request.status, request.maker) == (cr.CORRECT, cr.SUBMITTED, db.user)
    assert request.note == "身份证号变更，来自导入 second.xlsx"
    [f] = request.fields
    assert (f.key, f.before, f.after) == ("member.id_number", pid(12), pid(19))
    with db.reading() as s:  # in the reviewer's queue as any request
        assert s.scalar(select(ChangeRequest.source).where(ChangeRequest.id == rid)) == "import"
    UserService(db=db).save("rita", role="reviewer")
    ChangeRequestService(db=dataclasses.replace(db, user="rita")).approve(rid)
    m = member(db, "沙马阿依莫")
    assert m is not None and m.id_number == pid(19)
    again = ImportService(db=db).run(path)  # the roster now agrees: nothing more for review
    assert again.identity_changes == () and again.review_requests == ()


def test_a_bad_ethnicity_keeps_the_household_and_the_member(db: Database, tmp_path: Path) -> None:
    service = ImportService(db=db)
    service.run(person_xlsx(tmp_path / "first.xlsx"))
    rows = person_rows()
    rows[3][col("民族")] = "火星族"  # an existing member (曲比阿呷): the field stays as held
    rows[4][col("健康状况")] = "很好"
    new = list(rows[2])  # and a new member of household 1 with a bad ethnicity: left empty
    new[col("人编号")], new[col("姓名")], new[col("证件号码")] = "5134372042010000104", "沙马新", pid(14)
    new[col("民族")] = "火星族"
    rows.insert(3, new)
    result = service.run(person_xlsx(tmp_path / "bad.xlsx", rows))
    assert result.households_skipped == () and result.errors == ()
    assert result.members_new == 1 and result.fields_changed == 0
    assert [(k.row, k.column, k.household_no) for k in result.kept] == [
        (5, "民族", FIRST), (6, "民族", SECOND), (7, "健康状况", SECOND)]
    assert all("bad.xlsx" in k.zh and "其余字段已导入" in k.zh and "(kept)" in k.en for k in result.kept)
    assert set(result.kept) <= set(result.notices)
    held = member(db, "曲比阿呷")
    assert held is not None and held.ethnicity is not None and held.health is not None
    added = member(db, "沙马新")
    assert added is not None and added.ethnicity is None and added.id_number == pid(14)
    report = service.write_error_report(tmp_path / "bad.xlsx", tmp_path / "report.xlsx", result)
    assert report.exists()


def test_a_bad_key_cell_still_skips_the_household(db: Database, tmp_path: Path) -> None:
    rows = person_rows()
    rows[3][col("与户主关系")] = "邻居"
    rows[4][col("民族")] = "火星族"
    result = ImportService(db=db).run(person_xlsx(tmp_path / "bad.xlsx", rows))
    assert result.households_skipped == (SECOND,)
    assert [(e.row, e.column) for e in result.errors] == [(5, "与户主关系")]
    assert [(k.row, k.column) for k in result.kept] == [(6, "民族")]
    with db.reading() as s:
        assert s.scalar(select(Household.id).where(Household.household_no == SECOND)) is None


def test_importing_the_same_change_again_adds_no_second_request(db: Database, tmp_path: Path) -> None:
    ImportService(db=db).run(person_xlsx(tmp_path / "first.xlsx"))
    rows = person_rows()
    rows[1][col("证件号码")] = pid(19)
    path = person_xlsx(tmp_path / "second.xlsx", rows)
    first = ImportService(db=db).run(path).review_requests
    assert ImportService(db=db).run(path).review_requests == first
    with db.reading() as s:
        assert len(s.scalars(select(ChangeRequest.id)).all()) == 1


def test_a_changed_head_id_number_in_the_household_column_goes_to_review_as_a_members_does(
        db: Database, tmp_path: Path) -> None:
    from tests.exchange.rosters import HOUSEHOLD_HEADER, household_rows, write_xlsx

    ImportService(db=db).run(person_xlsx(tmp_path / "first.xlsx"))
    rows = household_rows()[:1]  # household 1, head 沙马拉则 (pid 11)
    rows[0][HOUSEHOLD_HEADER.index("户主证件号码")] = pid(18)
    path = write_xlsx(tmp_path / "households.xlsx", HOUSEHOLD_HEADER, rows)
    preview = ImportService(db=db).preview(path)
    assert preview.identity_for_review == 1
    assert all(c.field_key != "household.head_id_number" for c in preview.changes)
    result = ImportService(db=db).run(path)
    [change] = result.identity_changes
    assert (change.field_key, change.member, change.old, change.new) == (
        "household.head_id_number", "沙马拉则", pid(11), pid(18))
    assert all(c.field_key != "household.head_id_number" for c in result.changes)
    with db.reading() as s:
        held = s.scalar(select(Household.head_id_number).where(Household.household_no == FIRST))
    assert held == pid(11)  # not applied: waiting for the reviewer
    head = member(db, "沙马拉则")
    assert head is not None and head.id_number == pid(11)
    [rid] = result.review_requests
    request = ChangeRequestService(db=db).get(rid)
    assert (request.type, request.status) == (cr.CORRECT, cr.SUBMITTED)
    assert {(f.key, f.before, f.after) for f in request.fields} == {
        ("household.head_id_number", pid(11), pid(18)), ("member.id_number", pid(11), pid(18))}
    assert ImportService(db=db).run(path).review_requests == (rid,)  # imported again: the same request
    UserService(db=db).save("rita", role="reviewer")
    ChangeRequestService(db=dataclasses.replace(db, user="rita")).approve(rid)
    head = member(db, "沙马拉则")
    assert head is not None and head.id_number == pid(18)
    with db.reading() as s:
        assert s.scalar(select(Household.head_id_number).where(Household.household_no == FIRST)) == pid(18)


def test_a_head_changed_alike_in_both_columns_is_one_request_setting_both(db: Database, tmp_path: Path) -> None:
    """A person roster carrying the household's head column as well: one change, one request."""
    from tests.exchange.rosters import PERSON_HEADER, write_xlsx

    header = [*PERSON_HEADER, "户主证件号码"]
    heads = {FIRST: pid(11), SECOND: pid(21), "51343720420100003": pid(31)}
    rows = [[*r, heads[r[col("户编号")]]] for r in person_rows()]
    ImportService(db=db).run(write_xlsx(tmp_path / "first.xlsx", header, rows))
    rows[0][col("证件号码")] = rows[0][-1] = rows[1][-1] = rows[2][-1] = pid(18)
    result = ImportService(db=db).run(write_xlsx(tmp_path / "second.xlsx", header, rows))
    [change] = result.identity_changes
    assert (change.field_key, change.old, change.new) == ("member.id_number", pid(11), pid(18))
    [rid] = result.review_requests
    fields = ChangeRequestService(db=db).get(rid).fields
    assert {(f.key, f.after) for f in fields} == {("household.head_id_number", pid(18)),
                                                  ("member.id_number", pid(18))}
    assert not [c for c in result.changes if c.field_key == "household.head_id_number"]
