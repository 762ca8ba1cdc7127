"""report withdrawn and replaced: a report taken back the same day ("gửi nhầm") or corrected

A withdrawn report stays in the history and is never the unit's status (storage.assignments);
replaced_by names the report that corrected it.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-01 23:35:19.571437
"""
from alembic import op
import sqlalchemy as sa
import sqlmodel


revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('report', schema=None) as batch_op:
        batch_op.add_column(sa.Column('withdrawn_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True))
        batch_op.add_column(sa.Column('replaced_by', sa.Integer(), nullable=True))
        batch_op.create_foreign_key('fk_report_replaced_by', 'report', ['replaced_by'], ['id'])



def downgrade() -> None:
    with op.batch_alter_table('report', schema=None) as batch_op:
        batch_op.drop_constraint('fk_report_replaced_by', type_='foreignkey')
        batch_op.drop_column('replaced_by')
        batch_op.drop_column('withdrawn_at')

