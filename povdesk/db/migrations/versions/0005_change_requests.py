"""change requests: change_request, change_field, change_event, evidence_file, change_evidence,
period_close (issue 11).

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-01 23:38:04.057654
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('evidence_file',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('name', sa.String(length=260), nullable=False),
    sa.Column('media_type', sa.String(length=100), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('data', sa.LargeBinary(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_evidence_file')),
    sa.UniqueConstraint('sha256', name=op.f('uq_evidence_file_sha256'))
    )
    op.create_table('period_close',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('period', sa.String(length=7), nullable=False),
    sa.Column('closed_at', sa.DateTime(), nullable=False),
    sa.Column('closed_by', sa.String(length=40), nullable=False),
    sa.Column('reopened_at', sa.DateTime(), nullable=True),
    sa.Column('reopened_by', sa.String(length=40), nullable=True),
    sa.Column('reopen_reason', sa.String(length=200), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_period_close'))
    )
    with op.batch_alter_table('period_close', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_period_close_period'), ['period'], unique=False)

    op.create_table('change_request',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('type', sa.String(length=20), nullable=False),
    sa.Column('household_id', sa.Integer(), nullable=True),
    sa.Column('village_id', sa.Integer(), nullable=True),
    sa.Column('member_id', sa.Integer(), nullable=True),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('based_on_version', sa.Integer(), nullable=True),
    sa.Column('reason', sa.String(length=200), nullable=True),
    sa.Column('note', sa.Text(), nullable=True),
    sa.Column('cause', sa.String(length=8), nullable=True),
    sa.Column('event_date', sa.Date(), nullable=True),
    sa.Column('year', sa.Integer(), nullable=True),
    sa.Column('new_head_member_id', sa.Integer(), nullable=True),
    sa.Column('notice', sa.JSON(), nullable=True),
    sa.Column('source', sa.String(length=20), nullable=False),
    sa.Column('source_ref', sa.String(length=120), nullable=True),
    sa.Column('maker', sa.String(length=40), nullable=False),
    sa.Column('reviewer', sa.String(length=40), nullable=True),
    sa.Column('signer', sa.String(length=40), nullable=True),
    sa.Column('period', sa.String(length=7), nullable=True),
    sa.Column('review_comment', sa.String(length=500), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['household_id'], ['household.id'], name=op.f('fk_change_request_household_id_household')),
    sa.ForeignKeyConstraint(['member_id'], ['member.id'], name=op.f('fk_change_request_member_id_member')),
    sa.ForeignKeyConstraint(['new_head_member_id'], ['member.id'], name=op.f('fk_change_request_new_head_member_id_member')),
    sa.ForeignKeyConstraint(['village_id'], ['village.id'], name=op.f('fk_change_request_village_id_village')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_change_request'))
    )
    with op.batch_alter_table('change_request', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_change_request_household_id'), ['household_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_change_request_status'), ['status'], unique=False)
        batch_op.create_index('ix_change_request_status_period', ['status', 'period'], unique=False)

    op.create_table('change_event',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('request_id', sa.Integer(), nullable=False),
    sa.Column('at', sa.DateTime(), nullable=False),
    sa.Column('user', sa.String(length=40), nullable=False),
    sa.Column('from_status', sa.String(length=12), nullable=True),
    sa.Column('to_status', sa.String(length=12), nullable=False),
    sa.Column('comment', sa.String(length=500), nullable=True),
    sa.ForeignKeyConstraint(['request_id'], ['change_request.id'], name=op.f('fk_change_event_request_id_change_request')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_change_event'))
    )
    with op.batch_alter_table('change_event', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_change_event_request_id'), ['request_id'], unique=False)

    op.create_table('change_evidence',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('request_id', sa.Integer(), nullable=False),
    sa.Column('file_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=260), nullable=False),
    sa.ForeignKeyConstraint(['file_id'], ['evidence_file.id'], name=op.f('fk_change_evidence_file_id_evidence_file')),
    sa.ForeignKeyConstraint(['request_id'], ['change_request.id'], name=op.f('fk_change_evidence_request_id_change_request')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_change_evidence')),
    sa.UniqueConstraint('request_id', 'file_id', name=op.f('uq_change_evidence_request_id_file_id'))
    )
    with op.batch_alter_table('change_evidence', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_change_evidence_request_id'), ['request_id'], unique=False)

    op.create_table('change_field',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('request_id', sa.Integer(), nullable=False),
    sa.Column('entity', sa.String(length=20), nullable=False),
    sa.Column('field', sa.String(length=60), nullable=False),
    sa.Column('member_id', sa.Integer(), nullable=True),
    sa.Column('before', sa.Text(), nullable=True),
    sa.Column('after', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['member_id'], ['member.id'], name=op.f('fk_change_field_member_id_member')),
    sa.ForeignKeyConstraint(['request_id'], ['change_request.id'], name=op.f('fk_change_field_request_id_change_request')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_change_field'))
    )
    with op.batch_alter_table('change_field', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_change_field_request_id'), ['request_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('change_field', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_change_field_request_id'))

    op.drop_table('change_field')
    with op.batch_alter_table('change_evidence', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_change_evidence_request_id'))

    op.drop_table('change_evidence')
    with op.batch_alter_table('change_event', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_change_event_request_id'))

    op.drop_table('change_event')
    with op.batch_alter_table('change_request', schema=None) as batch_op:
        batch_op.drop_index('ix_change_request_status_period')
        batch_op.drop_index(batch_op.f('ix_change_request_status'))
        batch_op.drop_index(batch_op.f('ix_change_request_household_id'))

    op.drop_table('change_request')
    with op.batch_alter_table('period_close', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_period_close_period'))

    op.drop_table('period_close')
    op.drop_table('evidence_file')
