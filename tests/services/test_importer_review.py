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
