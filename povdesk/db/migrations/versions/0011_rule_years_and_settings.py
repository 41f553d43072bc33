"""rule year settings and the office's rule switches (issue 14 sections 2 and 3)

Year settings gain the day compulsory-school ages are counted on (empty: 1 September of the year),
one working age (16-60), and the judgement figures of the new rules (边缘户 income threshold 5,000,
缺劳力 share 0.25, public-welfare post age limit 70). Existing rows take the defaults.
`rule_switch` holds an office's decision to run a rule, or not, on one data year, with who, when
and why.

Revision ID: 0011
Revises: 0010
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('year_setting') as batch:
        batch.add_column(sa.Column('school_age_date', sa.Date(), nullable=True))
        batch.add_column(sa.Column('working_age_from', sa.Integer(), server_default='16', nullable=False))
        batch.add_column(sa.Column('working_age_to', sa.Integer(), server_default='60', nullable=False))
        batch.add_column(sa.Column('monitoring_income_threshold', sa.Double(), server_default='5000',
                                   nullable=False))
        batch.add_column(sa.Column('labour_shortage_share', sa.Double(), server_default='0.25', nullable=False))
        batch.add_column(sa.Column('public_post_age_limit', sa.Integer(), server_default='70', nullable=False))
    op.create_table(
        'rule_switch',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('rule', sa.String(length=24), nullable=False),
        sa.Column('year', sa.Integer(), nullable=False),
        sa.Column('enabled', sa.Boolean(), nullable=False),
        sa.Column('changed_by', sa.String(length=64), nullable=False),
        sa.Column('changed_at', sa.DateTime(), nullable=False),
        sa.Column('reason', sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_rule_switch')),
        sa.UniqueConstraint('rule', 'year', name='uq_rule_switch_rule_year'),
    )


def downgrade() -> None:
    op.drop_table('rule_switch')
    with op.batch_alter_table('year_setting') as batch:
        for column in ('public_post_age_limit', 'labour_shortage_share', 'monitoring_income_threshold',
                       'working_age_to', 'working_age_from', 'school_age_date'):
            batch.drop_column(column)
