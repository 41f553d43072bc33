"""members' yearly snapshots (issue 14 section 3, EDU-014)

`member_year` keeps each current member's 在校生状况 per data year, written by the import (and the
demo county for its earlier years), so a rule can compare three data years running.

Revision ID: 0016
Revises: 0015
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0016'
down_revision = '0015'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'member_year',
        sa.Column('year', sa.Integer(), nullable=False),
        sa.Column('member_id', sa.Integer(), nullable=False),
        sa.Column('school_status', sa.String(length=8), nullable=True),
        sa.ForeignKeyConstraint(['member_id'], ['member.id'], name=op.f('fk_member_year_member_id_member')),
        sa.PrimaryKeyConstraint('year', 'member_id', name=op.f('pk_member_year')),
    )


def downgrade() -> None:
    op.drop_table('member_year')
