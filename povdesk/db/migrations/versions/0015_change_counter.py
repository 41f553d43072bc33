"""change counter: desks see each other (issue 16 section 3)

`change_counter` is one row bumped by every commit another desk should see; a second window on the
same SQLite database polls it (PostgreSQL sends NOTIFY instead, the table stays unused there).

Revision ID: 0015
Revises: 0014
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0015'
down_revision = '0014'
branch_labels = None
depends_on = None


def upgrade() -> None:
    table = op.create_table(
        'change_counter',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('counter', sa.Integer(), nullable=False),
        sa.Column('last', sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_change_counter')),
    )
    op.bulk_insert(table, [{'id': 1, 'counter': 0, 'last': None}])


def downgrade() -> None:
    op.drop_table('change_counter')
