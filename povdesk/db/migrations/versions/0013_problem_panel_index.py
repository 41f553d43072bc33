"""covering index for the problems panel's counts by rule and its pages by place

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-02 05:00:00

The problems panel counts a million open problems by rule and pages one rule's problems of one
village: (status, rule, household_id, severity) answers both from the index alone.
"""

from __future__ import annotations

from alembic import op

revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index('ix_problem_status_rule_household', 'problem',
                    ['status', 'rule', 'household_id', 'severity'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_problem_status_rule_household', table_name='problem')
