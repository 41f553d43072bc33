"""the year's exit plan and the dashboard's covering indexes (issue 13 section 1)

Year settings gain the number of households the county plans to lift out of poverty in the year
(empty: no plan set; the dashboard then shows the exits alone). Two covering indexes let the
dashboard count households by place, status, attribute and exit year, and current members per
household, without reading the wide household and member rows.

Revision ID: 0014
Revises: 0013
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0014'
down_revision = '0013'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('year_setting') as batch:
        batch.add_column(sa.Column('exit_plan_households', sa.Integer(), nullable=True))
    op.create_index('ix_household_dashboard', 'household',
                    ['active', 'village_id', 'status', 'attribute', 'exit_year'], unique=False)
    op.create_index('ix_member_household_status', 'member', ['household_id', 'status'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_member_household_status', table_name='member')
    op.drop_index('ix_household_dashboard', table_name='household')
    with op.batch_alter_table('year_setting') as batch:
        batch.drop_column('exit_plan_households')
