"""printed values on change fields, village exit incidence

A change field made from a printed form keeps the registry's value of that moment where it differed
from the printed one (`change_field.current`); the year's settings get the incidence of poverty (%)
at or below which a poor village may exit (`year_setting.village_exit_incidence`, 3 in the west).
The village already records its exit (`village.exit_year`).

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-02 00:32:41.200393
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('change_field', schema=None) as batch_op:
        batch_op.add_column(sa.Column('current', sa.Text(), nullable=True))
    with op.batch_alter_table('year_setting', schema=None) as batch_op:
        batch_op.add_column(sa.Column('village_exit_incidence', sa.Double(), server_default='3', nullable=False))


def downgrade() -> None:
    with op.batch_alter_table('year_setting', schema=None) as batch_op:
        batch_op.drop_column('village_exit_incidence')
    with op.batch_alter_table('change_field', schema=None) as batch_op:
        batch_op.drop_column('current')
