"""the year's exit plan (issue 13 section 1: the dashboard's exits against the plan)

Year settings gain the number of households the county plans to lift out of poverty in the year
(empty: no plan set; the dashboard then shows the exits alone).

Revision ID: 0012
Revises: 0011
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('year_setting') as batch:
        batch.add_column(sa.Column('exit_plan_households', sa.Integer(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('year_setting') as batch:
        batch.drop_column('exit_plan_households')
