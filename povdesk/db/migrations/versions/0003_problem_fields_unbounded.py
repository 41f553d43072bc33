"""problem.fields unbounded

A rule that names many columns (INC-004 names all 17 money columns: 326 characters) did not fit
varchar(200): every check run on PostgreSQL failed. On SQLite the batch rebuilds the table (copy,
drop, rename); env.py turns foreign keys off around it and checks them afterwards.

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
    with op.batch_alter_table("problem", recreate="auto") as batch_op:
        batch_op.alter_column("fields", existing_type=sa.String(length=200), type_=sa.Text(),
                              existing_nullable=False)


def downgrade() -> None:
    with op.batch_alter_table("problem", recreate="auto") as batch_op:
        batch_op.alter_column("fields", existing_type=sa.Text(), type_=sa.String(length=200),
                              existing_nullable=False)
