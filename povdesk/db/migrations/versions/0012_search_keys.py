"""search keys: any part of a name, its pinyin and initials, ID and household number tails

`search_key` holds, per household, every suffix of each member's name, of its toneless pinyin and
of its initials, the reversed ID number and the reversed household number: the list's search looks
a typed text up as a prefix of these through one index (issue 13 §2). `household.head_pinyin` is
the head's name in pinyin, which the list sorts names by. Both are back-filled here from the rows
the database holds (`povdesk.db.search_keys.refresh`, the one writer of the keys).

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
    with op.batch_alter_table('household') as batch:
        batch.add_column(sa.Column('head_pinyin', sa.String(length=240), nullable=True))
        batch.create_index(batch.f('ix_household_head_pinyin'), ['head_pinyin'], unique=False)
    op.create_table(
        'search_key',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('household_id', sa.Integer(), nullable=False),
        sa.Column('member_id', sa.Integer(), nullable=True),
        sa.Column('key', sa.String(length=250), nullable=False),
        sa.ForeignKeyConstraint(['household_id'], ['household.id'],
                                name=op.f('fk_search_key_household_id_household')),
        sa.ForeignKeyConstraint(['member_id'], ['member.id'], name=op.f('fk_search_key_member_id_member')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_search_key')),
    )
    op.create_index(op.f('ix_search_key_household_id'), 'search_key', ['household_id'], unique=False)
    op.create_index('ix_search_key_key_household', 'search_key', ['key', 'household_id', 'member_id'],
                    unique=False)
    # the keys of what the database holds (imported here: the keys are the domain's, in Python)
    from povdesk.db import search_keys

    search_keys.refresh(op.get_bind())


def downgrade() -> None:
    op.drop_index('ix_search_key_key_household', table_name='search_key')
    op.drop_index(op.f('ix_search_key_household_id'), table_name='search_key')
    op.drop_table('search_key')
    with op.batch_alter_table('household') as batch:
        batch.drop_index(batch.f('ix_household_head_pinyin'))
        batch.drop_column('head_pinyin')
