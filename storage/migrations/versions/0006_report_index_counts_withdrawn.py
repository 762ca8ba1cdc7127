"""the report index carries withdrawn_at: the latest report that counts, from the index alone

A withdrawn report (taken back or corrected the same day, 0005) never counts: every view finds
an item's latest report with ``withdrawn_at IS NULL`` (storage.assignments.latest_of). With the
column in the index the summary still reads each item's latest report and its status from the
index alone.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-02 02:00:00
"""
from alembic import op


revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None

_BEFORE = ['occurrence_id', 'unit_id', 'created_at', 'id', 'status']


def upgrade() -> None:
    with op.batch_alter_table('report', schema=None) as batch_op:
        batch_op.drop_index('ix_report_occ_unit_latest')
        batch_op.create_index(
            'ix_report_occ_unit_latest', [*_BEFORE, 'withdrawn_at'], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table('report', schema=None) as batch_op:
        batch_op.drop_index('ix_report_occ_unit_latest')
        batch_op.create_index('ix_report_occ_unit_latest', _BEFORE, unique=False)
