"""province feedback: package_feedback, and the province's answer on change_package_item (issue 12 §4)

`package feedback FILE` records, per package, each feedback file received (when, by whom, its
SHA-256, accepted/rejected counts) and, per request carried, the result (accepted/rejected), the
province's reason, the feedback row that brought it, and the new request a rejection was returned as.

Revision ID: 0010
Revises: 0009
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('package_feedback',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('package_id', sa.Integer(), nullable=False),
    sa.Column('file_name', sa.String(length=260), nullable=False),
    sa.Column('file_sha256', sa.String(length=64), nullable=False),
    sa.Column('received_at', sa.DateTime(), nullable=False),
    sa.Column('received_by', sa.String(length=40), nullable=False),
    sa.Column('accepted', sa.Integer(), nullable=False),
    sa.Column('rejected', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['package_id'], ['change_package.id'], name=op.f('fk_package_feedback_package_id_change_package')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_package_feedback'))
    )
    with op.batch_alter_table('package_feedback', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_package_feedback_package_id'), ['package_id'], unique=False)

    with op.batch_alter_table('change_package_item', schema=None) as batch_op:
        batch_op.add_column(sa.Column('result', sa.String(length=10), nullable=True))
        batch_op.add_column(sa.Column('result_reason', sa.String(length=500), nullable=True))
        batch_op.add_column(sa.Column('feedback_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('returned_request_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_change_package_item_feedback_id_package_feedback'), 'package_feedback', ['feedback_id'], ['id'])
        batch_op.create_foreign_key(batch_op.f('fk_change_package_item_returned_request_id_change_request'), 'change_request', ['returned_request_id'], ['id'])



def downgrade() -> None:
    with op.batch_alter_table('change_package_item', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_change_package_item_returned_request_id_change_request'), type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('fk_change_package_item_feedback_id_package_feedback'), type_='foreignkey')
        batch_op.drop_column('returned_request_id')
        batch_op.drop_column('feedback_id')
        batch_op.drop_column('result_reason')
        batch_op.drop_column('result')

    with op.batch_alter_table('package_feedback', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_package_feedback_package_id'))

    op.drop_table('package_feedback')
