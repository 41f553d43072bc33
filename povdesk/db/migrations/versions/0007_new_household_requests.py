"""new-household and village-exit requests

A new-household request carries the proposed household and its members as change fields until it
is approved; a member field names its proposed member by its index in the request
(`change_field.member_index`). A request records what its type judged it on besides its fields
(`change_request.detail`: a village exit's incidence of poverty and threshold).

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-02 01:50:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('change_field', schema=None) as batch_op:
        batch_op.add_column(sa.Column('member_index', sa.Integer(), nullable=True))
    with op.batch_alter_table('change_request', schema=None) as batch_op:
        batch_op.add_column(sa.Column('detail', sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('change_request', schema=None) as batch_op:
        batch_op.drop_column('detail')
    with op.batch_alter_table('change_field', schema=None) as batch_op:
        batch_op.drop_column('member_index')
