"""summary indexes: the latest report and a task's units read from an index alone

The summary decides every item's category in the database (storage.summary_sql): one seek per
(occurrence, unit) into the report index, which now carries the id and the status (the id
orders reports of the same moment; the status spares reading the row), and a walk over a
task's units on (task_id, unit_id, role). Each new index replaces the narrower one it starts
with.

Revision ID: 0004
Revises: 0003_web_desk
Create Date: 2026-12-01 23:00:00
"""
from alembic import op


revision = '0004'
down_revision = '0003_web_desk'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('report', schema=None) as batch_op:
        batch_op.drop_index('ix_report_occ_unit_at')
        batch_op.create_index(
            'ix_report_occ_unit_latest',
            ['occurrence_id', 'unit_id', 'created_at', 'id', 'status'],
            unique=False,
        )
    with op.batch_alter_table('assignment', schema=None) as batch_op:
        batch_op.drop_index('ix_assignment_task_id')
        batch_op.create_index(
            'ix_assignment_task_unit_role', ['task_id', 'unit_id', 'role'], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table('assignment', schema=None) as batch_op:
        batch_op.drop_index('ix_assignment_task_unit_role')
        batch_op.create_index('ix_assignment_task_id', ['task_id'], unique=False)
    with op.batch_alter_table('report', schema=None) as batch_op:
        batch_op.drop_index('ix_report_occ_unit_latest')
        batch_op.create_index(
            'ix_report_occ_unit_at', ['occurrence_id', 'unit_id', 'created_at'], unique=False
        )
