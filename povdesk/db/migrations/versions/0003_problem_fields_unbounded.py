"""problem.fields and year_setting.source unbounded

A rule that names many columns (INC-004 names all 17 money columns: 326 characters) did not fit
problem.fields varchar(200): every check run on PostgreSQL failed. A year's source grows by the
note of who changed a figure ("本地设置（…）；此前：" and the old source), so a source of up to 200
characters, as typed, no longer fit once a figure changed. On SQLite the batch rebuilds the tables
(copy, drop, rename); env.py turns foreign keys off around it and checks them afterwards.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-01 20:02:52.032556
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("problem", schema=None) as batch_op:
        batch_op.alter_column("fields", existing_type=sa.String(length=200), type_=sa.Text(),
                              existing_nullable=False)
    with op.batch_alter_table("year_setting", schema=None) as batch_op:
        batch_op.alter_column("source", existing_type=sa.String(length=200), type_=sa.Text(),
                              existing_nullable=True)


def downgrade() -> None:
    # A value longer than 200 characters is cut, as the old column requires.
    op.execute("UPDATE problem SET fields = substr(fields, 1, 200) WHERE length(fields) > 200")
    op.execute("UPDATE year_setting SET source = substr(source, 1, 200) WHERE length(source) > 200")
    with op.batch_alter_table("year_setting", schema=None) as batch_op:
        batch_op.alter_column("source", existing_type=sa.Text(), type_=sa.String(length=200),
                              existing_nullable=True)
    with op.batch_alter_table("problem", schema=None) as batch_op:
        batch_op.alter_column("fields", existing_type=sa.Text(), type_=sa.String(length=200),
                              existing_nullable=False)
