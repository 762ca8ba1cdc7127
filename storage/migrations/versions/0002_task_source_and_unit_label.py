"""task quote, source and origin; unit label

Every proposed task keeps the plan's words it was read from (``quote``) and where they stand in
the file (``source``); ``origin`` tells a task read from the plan from one added by hand, which a
re-import never drops. A unit keeps the kind word its units file used (``label``).

Revision ID: 0002
Revises: 0001
"""
from alembic import op
import sqlalchemy as sa
import sqlmodel


revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('task') as batch:
        batch.add_column(sa.Column('quote', sqlmodel.sql.sqltypes.AutoString(), nullable=False, server_default=''))
        batch.add_column(sa.Column('source', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False, server_default=''))
        batch.add_column(sa.Column('origin', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False, server_default='plan'))
    with op.batch_alter_table('unit') as batch:
        batch.add_column(sa.Column('label', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False, server_default=''))


def downgrade() -> None:
    with op.batch_alter_table('unit') as batch:
        batch.drop_column('label')
    with op.batch_alter_table('task') as batch:
        batch.drop_column('origin')
        batch.drop_column('source')
        batch.drop_column('quote')
