"""fields of the 2019 record (issue 14 section 1)

New member fields (残疾等级 and the certificate's year, 公益性岗位 type/from/to/months, 家庭医生签约,
门诊特殊病/慢性病卡), household fields (是否易地扶贫搬迁户, 是否危房改造户, GPS position, the
边缘户/脱贫监测户 marker with its date and risk, 户状态), conditions (人均住房面积, 房屋结构) and
measure fields (规模, 完成时间, 帮扶成效).

The former pair `member.school_exemption` (code) + `member.dropout_reason` (free text) becomes one
coded `member.out_of_school_reason` (义务教育阶段未上学原因):
- exemption 01 重度残疾 and 03 身体原因 -> 01 身体原因不具备学习条件; 02 送教上门 -> 02;
  any other exemption code (99 其他(已备案), an office's own) -> 99 其他;
- no exemption but a dropout text -> 02 where the text names 送教上门, 01 where it says 不具备学习条件,
  else 99 其他 (a dropout is not an exemption: EDU-001 still finds the child);
- nothing is lost: every member whose pair held anything gets a journal row (source `migration`,
  event `member.school_pair`) with the pair's old text and the new code.
Data carried forward too: 残疾等级 from a 20-character 残疾人证号 (ID number + category + grade digit
1-4), 人均住房面积 = 住房面积 / 家庭人口数 where both are known, 户状态 of a cancelled household
(清退 when its members were removed, status 3; else 自然销户).

Revision ID: 0009
Revises: 0008
"""

from __future__ import annotations

import datetime as dt
import re

import sqlalchemy as sa
from alembic import op

revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None

_OLD_EXEMPTION_LABELS = {"01": "重度残疾", "02": "送教上门", "03": "身体原因", "99": "其他(已备案)"}
_CERT = re.compile(r"^[0-9]{17}[0-9Xx][1-7][1-4]$")


def _reason(exemption: str | None, dropout: str | None) -> str | None:
    if exemption:
        return {"01": "01", "03": "01", "02": "02"}.get(exemption, "99")
    text = (dropout or "").strip()
    if not text:
        return None
    if "送教" in text:
        return "02"
    if "不具备学习条件" in text:
        return "01"
    return "99"


def upgrade() -> None:
    with op.batch_alter_table('household', schema=None) as batch_op:
        batch_op.add_column(sa.Column('is_relocated', sa.Boolean(), nullable=True))
        batch_op.add_column(sa.Column('is_renovated', sa.Boolean(), nullable=True))
        batch_op.add_column(sa.Column('longitude', sa.Double(), nullable=True))
        batch_op.add_column(sa.Column('latitude', sa.Double(), nullable=True))
        batch_op.add_column(sa.Column('monitoring_type', sa.String(length=8), nullable=True))
        batch_op.add_column(sa.Column('monitoring_date', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('monitoring_reason', sa.String(length=8), nullable=True))
        batch_op.add_column(sa.Column('record_status', sa.String(length=8), nullable=True))
    with op.batch_alter_table('member', schema=None) as batch_op:
        batch_op.add_column(sa.Column('out_of_school_reason', sa.String(length=8), nullable=True))
        batch_op.add_column(sa.Column('disability_grade', sa.String(length=8), nullable=True))
        batch_op.add_column(sa.Column('disability_cert_year', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('public_post_type', sa.String(length=8), nullable=True))
        batch_op.add_column(sa.Column('public_post_from', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('public_post_to', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('public_post_months', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('family_doctor', sa.Boolean(), nullable=True))
        batch_op.add_column(sa.Column('chronic_card', sa.Boolean(), nullable=True))
    with op.batch_alter_table('conditions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('house_area_per_capita', sa.Double(), nullable=True))
        batch_op.add_column(sa.Column('house_structure', sa.String(length=8), nullable=True))
    with op.batch_alter_table('measure', schema=None) as batch_op:
        batch_op.add_column(sa.Column('scale', sa.String(length=60), nullable=True))
        batch_op.add_column(sa.Column('completed_on', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('benefit', sa.Double(), nullable=True))

    conn = op.get_bind()
    meta = sa.MetaData()
    member = sa.Table('member', meta, autoload_with=conn)
    household = sa.Table('household', meta, autoload_with=conn)
    conditions = sa.Table('conditions', meta, autoload_with=conn)
    change_log = sa.Table('change_log', meta, autoload_with=conn)
    now = dt.datetime.now(dt.UTC).replace(tzinfo=None)

    # the school pair -> one code, the old text kept in the journal
    rows = conn.execute(sa.select(member.c.id, member.c.household_id, member.c.school_exemption,
                                  member.c.dropout_reason)
                        .where(sa.or_(member.c.school_exemption.is_not(None),
                                      member.c.dropout_reason.is_not(None)))).all()
    journal = []
    for r in rows:
        code = _reason(r.school_exemption, r.dropout_reason)
        old = []
        if r.school_exemption:
            old.append(f"免于入学说明：{_OLD_EXEMPTION_LABELS.get(r.school_exemption, r.school_exemption)}")
        if (r.dropout_reason or "").strip():
            old.append(f"失学或辍学原因：{r.dropout_reason}")
        if not old:
            continue
        conn.execute(member.update().where(member.c.id == r.id).values(out_of_school_reason=code))
        journal.append({"at": now, "user": "system", "source": "migration", "household_id": r.household_id,
                        "member_id": r.id, "entity": "member", "entity_id": r.id, "field": "member.school_pair",
                        "old_value": "；".join(old), "new_value": code,
                        "reason": "并入义务教育阶段未上学原因", "reference": "0009"})
    if journal:
        conn.execute(change_log.insert(), journal)

    # 残疾等级 from the certificate number's last digit (ID number, category digit, grade digit)
    certs = conn.execute(sa.select(member.c.id, member.c.disability_cert_no)
                         .where(member.c.disability_cert_no.is_not(None))).all()
    for mid, cert in certs:
        if _CERT.match((cert or "").strip()):
            conn.execute(member.update().where(member.c.id == mid)
                         .values(disability_grade=cert.strip()[-1]))

    # 人均住房面积 where the floor area and the household size are known
    sizes = sa.select(household.c.size).where(household.c.id == conditions.c.household_id).scalar_subquery()
    for cid, area, size in conn.execute(sa.select(conditions.c.id, conditions.c.house_area, sizes)
                                        .where(conditions.c.house_area.is_not(None))).all():
        if size:
            conn.execute(conditions.update().where(conditions.c.id == cid)
                         .values(house_area_per_capita=round(float(area) / int(size), 2)))

    # 户状态 of cancelled households: 清退 where the members were removed (status 3), else 自然销户
    removed = sa.exists().where(member.c.household_id == household.c.id, member.c.status == "3")
    conn.execute(household.update().where(household.c.active.is_(False), removed).values(record_status="3"))
    conn.execute(household.update().where(household.c.active.is_(False), household.c.record_status.is_(None))
                 .values(record_status="2"))

    with op.batch_alter_table('member', schema=None) as batch_op:
        batch_op.drop_column('school_exemption')
        batch_op.drop_column('dropout_reason')


def downgrade() -> None:
    with op.batch_alter_table('member', schema=None) as batch_op:
        batch_op.add_column(sa.Column('school_exemption', sa.String(length=8), nullable=True))
        batch_op.add_column(sa.Column('dropout_reason', sa.String(length=100), nullable=True))
    conn = op.get_bind()
    member = sa.Table('member', sa.MetaData(), autoload_with=conn)
    for old, new in (("01", "03"), ("02", "02"), ("99", "99")):
        conn.execute(member.update().where(member.c.out_of_school_reason == old).values(school_exemption=new))
    with op.batch_alter_table('measure', schema=None) as batch_op:
        batch_op.drop_column('benefit')
        batch_op.drop_column('completed_on')
        batch_op.drop_column('scale')
    with op.batch_alter_table('conditions', schema=None) as batch_op:
        batch_op.drop_column('house_structure')
        batch_op.drop_column('house_area_per_capita')
    with op.batch_alter_table('member', schema=None) as batch_op:
        for name in ('chronic_card', 'family_doctor', 'public_post_months', 'public_post_to', 'public_post_from',
                     'public_post_type', 'disability_cert_year', 'disability_grade', 'out_of_school_reason'):
            batch_op.drop_column(name)
    with op.batch_alter_table('household', schema=None) as batch_op:
        for name in ('record_status', 'monitoring_reason', 'monitoring_date', 'monitoring_type', 'latitude',
                     'longitude', 'is_renovated', 'is_relocated'):
            batch_op.drop_column(name)
