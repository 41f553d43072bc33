"""member (household, ID number) index: a broad ID-number search tests each household from the index

A search by the start of an ID number that most members share (the county's code, 513437) tests
each household for a member whose number starts so (`RegistryService._search_clause`); with this
index the test reads the index only, not every member row (issue 13 §2: search p95 <= 50 ms).

Revision ID: 0017
Revises: 0016
"""

from __future__ import annotations

from alembic import op

revision = '0017'
down_revision = '0016'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index('ix_member_household_id_number', 'member', ['household_id', 'id_number'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_member_household_id_number', table_name='member')
