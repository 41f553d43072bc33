"""ImportService: one transaction, faithful values, idempotent re-import, journalled differences."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import openpyxl
import pytest
from sqlalchemy import func, select

from povdesk.db.models import ChangeLog, Conditions, Household, Income, Member, Village
from povdesk.errors import BadInput, Cancelled
from povdesk.services.database import Database
from povdesk.services.importer import SOURCE_IMPORT, ImportService
from tests.exchange.rosters import (
    HOUSEHOLD_HEADER,
    PERSON_HEADER,
    col,
    household_rows,
    person_rows,
    person_xlsx,
    write_csv,
    write_xlsx,
)
from tests.helpers.databases import DatabaseFactory


def snapshot(db: Database) -> dict[str, object]:
    """Everything an import may touch, to prove a failed one changed nothing."""
    out: dict[str, object] = {}
    with db.reading() as s:
        for model in (Household, Member, Income, Conditions, ChangeLog, Village):
            rows = s.execute(select(model.__table__)).all()
            out[model.__tablename__] = sorted(tuple(map(str, r)) for r in rows)
    return out


def test_person_list_into_an_empty_database(db: Database, tmp_path: Path) -> None:
    service = ImportService(db=db)
    result = service.run(person_xlsx(tmp_path / "a.xlsx"))
    assert (result.households_new, result.members_new, result.fields_changed) == (3, 7, 0)
    assert result.households_skipped == () and result.errors == ()
    levels = [(p.level, p.name, p.placeholder_code) for p in result.places_created]
    assert levels == [("county", "雷波县", True), ("township", "帕哈乡", True), ("village", "八合村", True)]
    with db.reading() as s:
        h = s.scalar(select(Household).where(Household.household_no == "51343720420100001"))
        assert (h.head_name, h.size, h.status, h.main_cause, h.group_name) == ("沙马拉则", 3, "0", "07", "一组")
        assert h.head_id_number == person_rows()[0][col("证件号码")]
        head = h.members[0]
        assert head.id_number == person_rows()[0][col("证件号码")]  # text, all 18 characters
        assert (head.sex, head.birth_date) == ("1", dt.date(1980, 5, 17))  # from the ID number
        assert (head.relation, head.ethnicity, head.ins_major_illness) == ("01", "07", True)
        income = s.scalar(select(Income).where(Income.household_id == h.id))
        assert (income.year, income.per_capita_net) == (db.data_year, 3650.5)
        cond = s.scalar(select(Conditions).where(Conditions.household_id == h.id))
        assert (cond.dangerous_house, cond.drinking_safe, cond.drinking_difficult) == (False, True, False)
        journal = s.scalars(select(ChangeLog).where(ChangeLog.household_id == h.id)).all()
        assert [(j.field, j.source) for j in journal] == [("household.imported", SOURCE_IMPORT)]


def test_importing_the_same_file_twice_changes_nothing(db: Database, tmp_path: Path) -> None:
    service = ImportService(db=db)
    path = person_xlsx(tmp_path / "a.xlsx")
    service.run(path)
    before = snapshot(db)
    again = service.run(path)
    assert (again.households_new, again.members_new, again.fields_changed) == (0, 0, 0)
    assert again.households_unchanged == 3 and not again.missing_members
    after = snapshot(db)
    assert after == before


def test_newer_export_is_journalled_and_missing_members_kept_for_review(db: Database,
                                                                      tmp_path: Path) -> None:
    service = ImportService(db=db)
    service.run(person_xlsx(tmp_path / "old.xlsx"))
    with db.reading() as s:
        version = s.scalar(select(Household.version).where(Household.household_no == "51343720420100002"))
    rows = person_rows()
    for r in rows[3:5]:
        r[col("人均纯收入")] = 6200
    rows[2][col("文化程度")] = "初中"
    new_member = list(rows[6])
    new_member[col("人编号")], new_member[col("姓名")] = "5134372042010000303", "吉克阿芝"
    new_member[col("证件号码")] = "513437201801010028"
    rows.append(new_member)
    del rows[1]  # 沙马阿依莫 left the file
    result = service.run(person_xlsx(tmp_path / "new.xlsx", rows))
    assert (result.households_new, result.members_new, result.fields_changed) == (0, 1, 2)
    assert [(m.household_no, m.name) for m in result.missing_members] == [("51343720420100001", "沙马阿依莫")]
    changes = {(c.household_no, c.field_key, c.old, c.new) for c in result.changes}
    assert ("51343720420100002", "income.per_capita_net", "5100", "6200") in changes
    assert ("51343720420100001", "member.education", None, "03") in changes
    with db.reading() as s:
        h2 = s.scalar(select(Household).where(Household.household_no == "51343720420100002"))
        assert h2.version == version + 1
        log = s.scalar(select(ChangeLog).where(ChangeLog.household_id == h2.id,
                                               ChangeLog.field == "income.per_capita_net"))
        assert (log.source, log.old_value, log.new_value, log.user) == (SOURCE_IMPORT, "5100", "6200", "tester")
        assert log.reference == f"import_run:{result.run_id}"
        kept = s.scalar(select(Member).where(Member.name == "沙马阿依莫"))
        assert kept.status == "1"  # not deleted, not decreased
        added = s.scalar(select(Member).where(Member.name == "吉克阿芝"))
        assert added.sort_order == 2 and added.sex == "2"
        assert s.scalar(select(ChangeLog.field).where(ChangeLog.member_id == added.id)) == "member.added"


def test_a_household_with_a_format_error_is_skipped_whole(db: Database, tmp_path: Path) -> None:
    rows = person_rows()
    rows[1][col("证件号码")] = 5.13437e17  # the second member of household 1
    result = ImportService(db=db).run(person_xlsx(tmp_path / "a.xlsx", rows))
    assert result.households_skipped == ("51343720420100001",)
    assert (result.households_new, result.members_new) == (2, 4)
    [error] = result.errors
    assert (error.row, error.column, error.household_no) == (3, "证件号码", "51343720420100001")
    with db.reading() as s:
        assert s.scalar(select(func.count()).select_from(Member)) == 4
        assert s.scalar(select(Household.id).where(Household.household_no == "51343720420100001")) is None


def test_dry_run_reports_what_the_import_does_and_writes_nothing(county_db: Database,
                                                                 tmp_path: Path) -> None:
    service = ImportService(db=county_db)
    path = person_xlsx(tmp_path / "a.xlsx")
    before = snapshot(county_db)
    preview = service.preview(path)
    assert snapshot(county_db) == before
    done = service.run(path)
    assert preview.dry_run and not done.dry_run
    for attr in ("households_new", "members_new", "fields_changed", "households_changed",
                 "households_skipped", "errors"):
        assert getattr(preview, attr) == getattr(done, attr)


def test_existing_places_are_matched_by_name_within_parent(county_db: Database, tmp_path: Path) -> None:
    rows = [r for r in person_rows() if r[col("户编号")] == "51343720420100002"]
    for r in rows:
        r[col("户编号")] = "51343720420199999"
    result = ImportService(db=county_db).run(person_xlsx(tmp_path / "a.xlsx", rows))
    assert result.households_new == 1 and result.places_created == ()
    with county_db.reading() as s:
        h = s.scalar(select(Household).where(Household.household_no == "51343720420199999"))
        assert h.village.code == "513437204201"


def test_household_layout_updates_conditions_and_creates_a_new_household(county_db: Database,
                                                                         tmp_path: Path) -> None:
    rows = household_rows()
    rows[1][HOUSEHOLD_HEADER.index("村")] = "新建村"
    result = ImportService(db=county_db).run(write_xlsx(tmp_path / "d.xlsx", HOUSEHOLD_HEADER, rows))
    assert result.layout == "household"
    assert result.households_new == 1
    assert [(p.level, p.name, p.placeholder_code) for p in result.places_created] == [("village", "新建村", True)]
    assert result.places_created[0].code.startswith("513437204X")
    with county_db.reading() as s:
        h = s.scalar(select(Household).where(Household.household_no == "51343720420100001"))
        cond = s.scalar(select(Conditions).where(Conditions.household_id == h.id, Conditions.year == 2019))
        assert (cond.road_distance, cond.house_area, cond.house_grade) == (0.8, 80.0, "1")
        fields = set(s.scalars(select(ChangeLog.field).where(ChangeLog.household_id == h.id,
                                                             ChangeLog.source == SOURCE_IMPORT)))
        assert {"conditions.road_distance", "conditions.house_area", "income.per_capita_net"} <= fields
        assert len(h.members) == 5  # a household list never touches members


def test_cancel_leaves_the_database_exactly_as_before(county_db: Database, tmp_path: Path) -> None:
    rows = person_rows()
    rows[0][col("人均纯收入")] = 9999  # an existing household changes ...
    for r in rows[5:]:
        r[col("户编号")] = "51343720420100009"  # ... and a new one is inserted
    path = person_xlsx(tmp_path / "a.xlsx", rows)
    before = snapshot(county_db)
    state = {"writing": False, "seen": 0}

    def progress(done: int, total: int) -> None:
        state["seen"] = max(state["seen"], done * 1000 // max(total, 1))
        state["writing"] = state["seen"] >= 850  # new households are in the database by now

    with pytest.raises(Cancelled):
        ImportService(db=county_db).run(path, progress=progress, cancel=lambda: state["writing"])
    assert state["seen"] >= 850
    assert snapshot(county_db) == before


def test_a_crash_mid_write_leaves_the_database_exactly_as_before(county_db: Database, tmp_path: Path,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    from povdesk.services import importer

    def boom(*args: object, **kw: object) -> None:
        raise RuntimeError("disk full")

    monkeypatch.setattr(importer._Plan, "_yearly_check", boom)  # after households and members went in
    rows = person_rows()
    for r in rows:
        r[col("户编号")] = r[col("户编号")].replace("201000", "201900")  # all new households
    before = snapshot(county_db)
    with pytest.raises(RuntimeError):
        ImportService(db=county_db).run(person_xlsx(tmp_path / "a.xlsx", rows))
    assert snapshot(county_db) == before


def member_indexes(db: Database) -> list[tuple[str, str]]:
    sql = ("SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'member'"
           if db.engine.dialect.name == "postgresql" else
           "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'member'")
    with db.reading() as s:
        return sorted(s.connection().exec_driver_sql(sql).all())


def test_bulk_import_leaves_the_member_indexes_as_they_were(db: Database, tmp_path: Path,
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    """A large first import drops the member indexes for its insert and builds them again."""
    from povdesk.db import fast

    monkeypatch.setattr(fast, "REBUILD_MIN", 1)
    before = member_indexes(db)
    assert {"ix_member_id_number_household", "ix_member_name_household"} <= {n for n, _ in before}
    ImportService(db=db).run(person_xlsx(tmp_path / "a.xlsx"))
    assert member_indexes(db) == before
    with db.reading() as s:  # the search index is used and finds the member
        idn = person_rows()[0][col("证件号码")]
        if db.engine.dialect.name == "sqlite":  # PostgreSQL scans a table this small whatever the index
            plan = s.connection().exec_driver_sql(
                "EXPLAIN QUERY PLAN SELECT household_id FROM member WHERE id_number = ?", (idn,)).all()
            assert "ix_member_id_number_household" in str(plan)
        assert s.scalar(select(func.count()).select_from(Member).where(Member.id_number == idn)) == 1


def test_a_crash_while_the_member_indexes_are_down_restores_them(db: Database, tmp_path: Path,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    from povdesk.db import fast
    from povdesk.services import importer

    insert = importer.bulk_insert

    def insert_then_crash(conn: object, table: object, *args: object) -> None:
        insert(conn, table, *args)  # type: ignore[arg-type]
        if getattr(table, "name", "") == "member":
            raise RuntimeError("disk full")

    monkeypatch.setattr(fast, "REBUILD_MIN", 1)
    monkeypatch.setattr(importer, "bulk_insert", insert_then_crash)
    before, indexes = snapshot(db), member_indexes(db)
    with pytest.raises(RuntimeError):
        ImportService(db=db).run(person_xlsx(tmp_path / "a.xlsx"))
    assert snapshot(db) == before
    assert member_indexes(db) == indexes


def test_a_bad_file_changes_nothing(county_db: Database, tmp_path: Path) -> None:
    path = tmp_path / "x.xlsx"
    path.write_bytes(b"not a workbook at all")
    before = snapshot(county_db)
    with pytest.raises(BadInput):
        ImportService(db=county_db).run(path)
    assert snapshot(county_db) == before


def test_year_column_puts_income_in_that_year(db: Database, tmp_path: Path) -> None:
    rows = household_rows()
    for r in rows:
        r[HOUSEHOLD_HEADER.index("年度")] = 2018
    ImportService(db=db).run(write_csv(tmp_path / "d.csv", HOUSEHOLD_HEADER, rows, encoding="gbk"))
    with db.reading() as s:
        assert set(s.scalars(select(Income.year))) == {2018}
        assert set(s.scalars(select(Conditions.year))) == {2018}


def test_remembered_mapping_is_used_next_time(db: Database, tmp_path: Path) -> None:
    header = [*PERSON_HEADER, "成员手机"]
    rows = [[*r, "13812345678"] for r in person_rows()]
    path = write_xlsx(tmp_path / "m.xlsx", header, rows)
    service = ImportService(db=db)
    assert [c.header for c in service.inspect(path).columns if c.source == "unknown"] == ["成员手机"]
    service.remember_mapping("成员手机", "member.phone")
    cols = {c.header: (c.field_key, c.source) for c in ImportService(db=db).inspect(path).columns}
    assert cols["成员手机"] == ("member.phone", "remembered")
    service.run(path)
    with db.reading() as s:
        assert set(s.scalars(select(Member.phone))) == {"13812345678"}


def test_round_trip_import_export_import_reports_no_changes(county_db: Database, db_factory: DatabaseFactory,
                                                            tmp_path: Path) -> None:
    with county_db.transaction() as s:  # a name a spreadsheet would run as a formula
        m = s.scalar(select(Member).where(Member.name == "曲比阿呷"))
        m.name = "=HYPERLINK(\"http://x\")"
    source = ImportService(db=county_db)
    exported = tmp_path / "county.xlsx"
    assert source.export_roster(exported) == 23
    again = source.run(exported)  # back into the database it came from
    assert (again.households_new, again.members_new, again.fields_changed) == (0, 0, 0)
    assert again.errors == () and again.missing_members == ()
    target = ImportService(db=Database.open(db_factory.new(tmp_path, "fresh"), user="t"))
    first = target.run(exported)
    assert (first.households_new, first.members_new) == (6, 23)
    second_file = target.export_roster(tmp_path / "again.xlsx")
    assert second_file == 23
    second = target.run(tmp_path / "again.xlsx")
    assert (second.households_new, second.members_new, second.fields_changed) == (0, 0, 0)
    target.db.close()


def test_exported_workbook_is_safe_and_keeps_ids_as_text(county_db: Database, tmp_path: Path) -> None:
    with county_db.transaction() as s:
        m = s.scalar(select(Member).where(Member.name == "曲比阿呷"))
        m.name = "=1+1"
    out = tmp_path / "r.xlsx"
    ImportService(db=county_db).export_roster(out)
    ws = openpyxl.load_workbook(out).active
    assert [c.value for c in ws[1]][:len(PERSON_HEADER)] == PERSON_HEADER  # then the 2019 record's fields
    assert ws.freeze_panes == "A2"
    assert ws.column_dimensions["H"].width > 18
    ids = [ws.cell(r, 8) for r in range(2, ws.max_row + 1)]
    assert all(c.data_type == "s" and len(c.value) == 18 and c.number_format == "@" for c in ids)
    [formula_like] = [ws.cell(r, 7) for r in range(2, ws.max_row + 1) if ws.cell(r, 7).value == "=1+1"]
    assert formula_like.data_type == "s" and formula_like.quotePrefix  # the name, no apostrophe in it
    assert not any(ws.cell(r, c).data_type == "f" for r in range(1, ws.max_row + 1) for c in range(1, 28))
    with county_db.reading() as s:
        assert s.scalar(select(Member.name).where(Member.name == "=1+1")) == "=1+1"


def test_error_report_highlights_faulty_cells_with_chinese_messages(db: Database, tmp_path: Path) -> None:
    rows = person_rows()
    rows[1][col("证件号码")] = 5.13437e17
    rows[4][col("与户主关系")] = "表哥"
    path = person_xlsx(tmp_path / "a.xlsx", rows, title="花名册")
    service = ImportService(db=db)
    result = service.preview(path)
    out = service.write_error_report(path, tmp_path / "report.xlsx", result)
    ws = openpyxl.load_workbook(out)["错误报告"]
    assert ws.cell(1, 1).value == "花名册"
    assert ws.cell(2, 28).value == "错误说明"
    bad_id = ws.cell(4, col("证件号码") + 1)
    assert bad_id.fill.fgColor.rgb.endswith("FFC7CE") and bad_id.value == 5.13437e17
    assert "无法恢复" in ws.cell(4, 28).value
    assert "代码表" in ws.cell(7, 28).value
    assert ws.cell(3, 28).value is None
    assert not ws.cell(3, 1).fill.fgColor.rgb.endswith("FFC7CE")


@pytest.mark.parametrize("idn", ["513437198005170012", "51343719800517001X", "513437198013170012",
                                 "513437800517001", "5134371980051700", "ABCDEF198005170012"])
def test_new_member_sex_and_birth_date_come_from_the_id_number(idn: str) -> None:
    """The quick path for plain 18-digit numbers gives what the general one gives."""
    from povdesk.domain import idnumber
    from povdesk.exchange.layouts import ParsedMember
    from povdesk.services import importer

    plan = importer._Plan.__new__(importer._Plan)
    plan._derive_sex = plan._derive_birth = True
    columns = ["household_id", "sort_order", "status", "sex", "birth_date", "name", "id_number"]
    row = plan._member_rows(columns)
    for _ in range(2):  # the second time from the remembered birth dates
        member = ParsedMember(2, {"name": "沙马拉则", "id_number": idn})
        assert row(7, member, 0) == (7, 0, "1", idnumber.sex_code(idn), idnumber.birth_date(idn),
                                     "沙马拉则", idn)


def test_a_roster_with_the_2019_record_headers_imports_them(db: Database, tmp_path: Path) -> None:
    """Issue 14 §1: the new fields' headers are matched; status 4 counts as a current member."""
    header = [*PERSON_HEADER, "残疾等级", "公益性岗位类型", "公益性岗位(月数)", "是否家庭医生签约",
              "义务教育阶段未上学原因", "人员状态"]
    rows = [[*r, "二级", "护林员", 12, "是", "送教上门", "4"] for r in person_rows()]
    result = ImportService(db=db).run(write_xlsx(tmp_path / "new.xlsx", header, rows))
    assert result.errors == () and result.members_new == 7
    with db.reading() as s:
        m = s.scalars(select(Member).order_by(Member.id)).first()
        assert (m.disability_grade, m.public_post_type, m.public_post_months, m.family_doctor,
                m.out_of_school_reason, m.status) == ("2", "01", 12, True, "02", "4")
        assert s.scalar(select(func.count(Member.id)).where(Member.current)) == 7
