"""caps: the giver's day fixed when given, and the zone caps count in after a change

Revision ID: b7c3e1f2a9d4
Revises: ce1929fd77e3
Create Date: 2026-12-04 17:30:00.000000

"""
from alembic import op
import sqlalchemy as sa

import kudos.sqltypes  # noqa: F401  (custom column types used by autogenerate)


# revision identifiers, used by Alembic.
revision = 'b7c3e1f2a9d4'
down_revision = 'ce1929fd77e3'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('kudos', schema=None) as batch_op:
        batch_op.add_column(sa.Column('giver_day', sa.Date(), nullable=True))
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('caps_timezone', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('caps_timezone_until', kudos.sqltypes.UTCDateTime(),
                                      nullable=True))


def downgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('caps_timezone_until')
        batch_op.drop_column('caps_timezone')
    with op.batch_alter_table('kudos', schema=None) as batch_op:
        batch_op.drop_column('giver_day')
