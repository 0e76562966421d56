"""catalogue: company values and news topics get a French name beside the English one

Revision ID: f3a1c7b9d2e4
Revises: f2a7c9d1e5b8
Create Date: 2026-12-04 21:05:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'f3a1c7b9d2e4'
down_revision = 'f2a7c9d1e5b8'
branch_labels = None
depends_on = None


def upgrade():
    for table in ('company_values', 'topics'):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column('name_fr', sa.String(length=60), nullable=True))


def downgrade():
    for table in ('company_values', 'topics'):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_column('name_fr')
