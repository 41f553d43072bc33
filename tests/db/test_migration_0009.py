"""Migration 0009 (the 2019 record's fields) carries a database of the previous release forward:
nothing is lost, the former school pair becomes the coded 义务教育阶段未上学原因, and what can be
derived (残疾等级, 人均住房面积, 户状态) is."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import sqlalchemy as sa
from alembic import command

from povdesk.db import migrate
from povdesk.db.engine import make_engine
from tests.helpers.databases import DatabaseFactory

ID = "513437198005170011"


def put(c: sa.Connection, table: sa.Table, rows: list[dict[str, object]]) -> None:
    for row in rows:  # rows of different columns: one statement each
        c.execute(table.insert().values(**row))


def test_an_0006_database_upgrades_without_loss(db_factory: DatabaseFactory, tmp_path: Path) -> None:
    engine = make_engine(db_factory.new(tmp_path, migrated=False))
    command.upgrade(migrate.alembic_config(engine), "0006")
    assert migrate.current_revision(engine) == "0006"
    meta = sa.MetaData()
    meta.reflect(engine)
    t = meta.tables
    with engine.begin() as c:
        put(c, t["county"], [{"id": 1, "code": "513437", "name": "雷波县", "province": "四川省",
                                          "prefecture": "凉山"}])
        put(c, t["township"], [{"id": 1, "county_id": 1, "code": "513437204", "name": "帕哈乡"}])
        put(c, t["village"], [{"id": 1, "township_id": 1, "code": "513437204201", "name": "八合村",
                                           "is_poverty_village": True, "synthetic": False}])
        now = dt.datetime(2019, 12, 1)
        common = {"village_id": 1, "version": 1, "created_at": now, "updated_at": now}
        put(c, t["household"], [
            {"id": 1, "household_no": "H1", "size": 4, "status": "1", "active": True, **common},
            {"id": 2, "household_no": "H2", "size": 1, "active": False, "cancel_reason": "错评",
             "cancel_date": dt.date(2019, 11, 1), **common},
            {"id": 3, "household_no": "H3", "size": 0, "active": False, "cancel_reason": "整户死亡",
             "cancel_date": dt.date(2019, 10, 1), **common},
        ])
        m = {"household_id": 1, "status": "1"}
        put(c, t["member"], [
            {"id": 1, "sort_order": 0, "name": "甲", "school_exemption": "01", **m},  # 重度残疾
            {"id": 2, "sort_order": 1, "name": "乙", "school_exemption": "03", **m},  # 身体原因
            {"id": 3, "sort_order": 2, "name": "丙", "school_exemption": "02", "dropout_reason": "行动不便", **m},
            {"id": 4, "sort_order": 3, "name": "丁", "school_exemption": "99", **m},
            {"id": 5, "sort_order": 4, "name": "戊", "dropout_reason": "家庭困难辍学", **m},
            {"id": 6, "sort_order": 5, "name": "己", "dropout_reason": "已安排送教上门", **m},
            {"id": 7, "sort_order": 6, "name": "庚", "disability_cert_no": f"{ID}42", "health": "04", **m},
            {"id": 8, "sort_order": 7, "name": "辛", "disability_cert_no": "残123", "status": "4",
             "household_id": 1},
            {"id": 9, "sort_order": 0, "name": "壬", "status": "3", "household_id": 2},
            {"id": 10, "sort_order": 0, "name": "癸", "status": "2", "household_id": 3},
        ])
        put(c, t["conditions"], [
            {"id": 1, "household_id": 1, "year": 2019, "house_area": 90.0},
            {"id": 2, "household_id": 3, "year": 2019, "house_area": 50.0},  # size 0: not derived
        ])
        put(c, t["measure"], [{"id": 1, "household_id": 1, "year": 2019, "category": "01",
                                           "item": "养猪", "amount": 1200.0}])
        before = {name: c.execute(sa.select(t[name]).order_by(t[name].c.id)).mappings().all()
                  for name in ("household", "member", "conditions", "measure", "village")}

    migrate.upgrade(engine)

    assert migrate.current_revision(engine) == migrate.SCHEMA_HEAD
    after_meta = sa.MetaData()
    after_meta.reflect(engine)
    a = after_meta.tables
    with engine.connect() as c:
        after = {name: c.execute(sa.select(a[name]).order_by(a[name].c.id)).mappings().all()
                 for name in before}
        journal = c.execute(sa.select(a["change_log"]).order_by(a["change_log"].c.member_id)).mappings().all()
    # every value of every column that stays is unchanged
    for name, rows in before.items():
        assert len(after[name]) == len(rows), name
        for old, new in zip(rows, after[name], strict=True):
            for column, value in old.items():
                if column in ("school_exemption", "dropout_reason"):
                    assert column not in new
                else:
                    assert new[column] == value, (name, column)
    members = {r["id"]: r for r in after["member"]}
    reasons = {i: members[i]["out_of_school_reason"] for i in range(1, 9)}
    assert reasons == {1: "01", 2: "01", 3: "02", 4: "99", 5: "99", 6: "02", 7: None, 8: None}
    # the pair's old text is kept in the journal, one row per member that had anything
    assert [(j["member_id"], j["field"], j["source"], j["old_value"], j["new_value"]) for j in journal] == [
        (1, "member.school_pair", "migration", "免于入学说明：重度残疾", "01"),
        (2, "member.school_pair", "migration", "免于入学说明：身体原因", "01"),
        (3, "member.school_pair", "migration", "免于入学说明：送教上门；失学或辍学原因：行动不便", "02"),
        (4, "member.school_pair", "migration", "免于入学说明：其他(已备案)", "99"),
        (5, "member.school_pair", "migration", "失学或辍学原因：家庭困难辍学", "99"),
        (6, "member.school_pair", "migration", "失学或辍学原因：已安排送教上门", "02"),
    ]
    assert members[7]["disability_grade"] == "2" and members[8]["disability_grade"] is None
    conds = {r["id"]: r for r in after["conditions"]}
    assert conds[1]["house_area_per_capita"] == 22.5 and conds[2]["house_area_per_capita"] is None
    status = {r["household_no"]: r["record_status"] for r in after["household"]}
    assert status == {"H1": None, "H2": "3", "H3": "2"}  # 清退 (members removed), 自然销户
