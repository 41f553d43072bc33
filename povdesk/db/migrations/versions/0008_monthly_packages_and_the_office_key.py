"""monthly packages and the office key: change_package, change_package_item, office_key (issue 12)

A package is one zip sent to the province; each signed-off request is carried by exactly one
(`change_package_item.request_id` is unique). The office's Ed25519 key pair keeps its private key
encrypted with a key derived from the holding director's password.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-02 01:45:23.311137
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('change_package',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('period', sa.String(length=7), nullable=False),
    sa.Column('sequence', sa.Integer(), nullable=False),
    sa.Column('county_code', sa.String(length=12), nullable=False),
    sa.Column('file_name', sa.String(length=260), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('manifest_sha256', sa.String(length=64), nullable=False),
    sa.Column('previous_sha256', sa.String(length=64), nullable=True),
    sa.Column('changes', sa.Integer(), nullable=False),
    sa.Column('counts', sa.JSON(), nullable=True),
    sa.Column('signed_off_at', sa.DateTime(), nullable=False),
    sa.Column('exported_at', sa.DateTime(), nullable=False),
    sa.Column('exported_by', sa.String(length=40), nullable=False),
    sa.Column('key_fingerprint', sa.String(length=64), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_change_package')),
    sa.UniqueConstraint('period', 'sequence', name=op.f('uq_change_package_period_sequence'))
    )
    with op.batch_alter_table('change_package', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_change_package_period'), ['period'], unique=False)

    op.create_table('change_package_item',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('package_id', sa.Integer(), nullable=False),
    sa.Column('request_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['package_id'], ['change_package.id'],
                            name=op.f('fk_change_package_item_package_id_change_package')),
    sa.ForeignKeyConstraint(['request_id'], ['change_request.id'],
                            name=op.f('fk_change_package_item_request_id_change_request')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_change_package_item')),
    sa.UniqueConstraint('request_id', name=op.f('uq_change_package_item_request_id'))
    )
    with op.batch_alter_table('change_package_item', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_change_package_item_package_id'), ['package_id'], unique=False)

    op.create_table('office_key',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('public_pem', sa.Text(), nullable=False),
    sa.Column('fingerprint', sa.String(length=64), nullable=False),
    sa.Column('holder', sa.String(length=40), nullable=False),
    sa.Column('params', sa.JSON(), nullable=False),
    sa.Column('encrypted_private', sa.LargeBinary(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_office_key')),
    sa.UniqueConstraint('fingerprint', name=op.f('uq_office_key_fingerprint'))
    )


def downgrade() -> None:
    op.drop_table('office_key')
    with op.batch_alter_table('change_package_item', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_change_package_item_package_id'))
    op.drop_table('change_package_item')
    with op.batch_alter_table('change_package', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_change_package_period'))
    op.drop_table('change_package')
