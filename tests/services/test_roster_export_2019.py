"""The roster export carries the fields of the 2019 record after the national columns, headed by
the data dictionary's labels, and an import reads them back into another database unchanged."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import openpyxl
from sqlalchemy import select

from povdesk.db.models import Conditions, Household, Member
from povdesk.domain import dictionary as dd
from povdesk.domain.groups import NATIONAL_PERSON_LIST, PERSON_LIST_2019
from povdesk.services.database import Database
from povdesk.services.importer import ImportService
from tests.helpers.databases import DatabaseFactory

HOUSEHOLD_VALUES = {"is_renovated": True, "is_relocated": False, "relocation_mode": "1", "longitude": 103.571234,
                    "latitude": 28.262, "monitoring_type": "1", "monitoring_date": dt.date(2019, 8, 1),
                    "monitoring_reason": "01"}
MEMBER_VALUES = {"disability_grade": "2", "disability_cert_year": 2016, "public_post_type": "01",
                 "public_post_from": dt.date(2019, 3, 1), "public_post_to": dt.date(2019, 12, 31),
                 "public_post_months": 10, "family_doctor": True, "chronic_card": False,
                 "out_of_school_reason": None}
CONDITION_VALUES = {"house_structure": "02", "house_area_per_capita": 24.5}


def _spoil(db: Database) -> None:
    with db.transaction() as s:
        h = s.scalar(select(Household).where(Household.household_no == "51343720420100001"))
        for k, v in HOUSEHOLD_VALUES.items():
            setattr(h, k, v)
        m = s.scalar(select(Member).where(Member.household_id == h.id, Member.relation == "01"))
        for k, v in MEMBER_VALUES.items():
            setattr(m, k, v)
        c = s.scalar(select(Conditions).where(Conditions.household_id == h.id))
        for k, v in CONDITION_VALUES.items():
            setattr(c, k, v)


def test_the_export_writes_the_2019_fields_and_the_import_reads_them_back(
        county_db: Database, db_factory: DatabaseFactory, tmp_path: Path) -> None:
    _spoil(county_db)
    out = tmp_path / "roster.xlsx"
    ImportService(db=county_db).export_roster(out)
    ws = openpyxl.load_workbook(out).active
    header = [c.value for c in ws[1]]
    assert header[len(NATIONAL_PERSON_LIST):] == [dd.field(k).zh for k in PERSON_LIST_2019.keys]
    head_row = next(r for r in ws.iter_rows(min_row=2, values_only=True) if r[6] == "沙马拉则")
    shown = dict(zip(header, head_row, strict=True))
    assert (shown["残疾等级"], shown["公益性岗位类型"], shown["是否家庭医生签约"], shown["房屋结构"],
            shown["监测对象类型"], shown["纳入监测时间"]) == ("二级", "护林员", "是", "砖混", "边缘户", "2019-08-01")

    target = Database.open(db_factory.new(tmp_path, "fresh"), user="t")
    try:
        result = ImportService(db=target).run(out)
        assert result.errors == () and result.households_new == 6
        with target.reading() as s:
            h = s.scalar(select(Household).where(Household.household_no == "51343720420100001"))
            assert {k: getattr(h, k) for k in HOUSEHOLD_VALUES} == HOUSEHOLD_VALUES
            m = s.scalar(select(Member).where(Member.household_id == h.id, Member.relation == "01"))
            assert {k: getattr(m, k) for k in MEMBER_VALUES} == MEMBER_VALUES
            c = s.scalar(select(Conditions).where(Conditions.household_id == h.id))
            assert {k: getattr(c, k) for k in CONDITION_VALUES} == CONDITION_VALUES
        again = ImportService(db=target).run(out)
        assert (again.households_new, again.members_new, again.fields_changed) == (0, 0, 0)
    finally:
        target.close()
