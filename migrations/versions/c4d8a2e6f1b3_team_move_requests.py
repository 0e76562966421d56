"""team move requests: people ask to join a team, its leads or an admin decide

Revision ID: c4d8a2e6f1b3
Revises: b7c3e1f2a9d4
Create Date: 2026-12-04 18:15:00.000000

"""
from alembic import op
import sqlalchemy as sa

import kudos.sqltypes  # noqa: F401  (custom column types used by autogenerate)


# revision identifiers, used by Alembic.
revision = 'c4d8a2e6f1b3'
down_revision = 'b7c3e1f2a9d4'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'team_move_requests',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('from_team_id', sa.Integer(), nullable=True),
        sa.Column('to_team_id', sa.Integer(), nullable=False),
        sa.Column('note', sa.String(length=300), nullable=False),
        sa.Column('status', sa.String(length=10), nullable=False),
        sa.Column('created_at', kudos.sqltypes.UTCDateTime(), nullable=False),
        sa.Column('decided_at', kudos.sqltypes.UTCDateTime(), nullable=True),
        sa.Column('decided_by_id', sa.Integer(), nullable=True),
        sa.Column('decision_note', sa.String(length=300), nullable=False),
        sa.ForeignKeyConstraint(['decided_by_id'], ['users.id'],
                                name=op.f('fk_team_move_requests_decided_by_id_users'),
                                ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['from_team_id'], ['teams.id'],
                                name=op.f('fk_team_move_requests_from_team_id_teams'),
                                ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['to_team_id'], ['teams.id'],
                                name=op.f('fk_team_move_requests_to_team_id_teams'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'],
                                name=op.f('fk_team_move_requests_user_id_users'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_team_move_requests')),
    )
    with op.batch_alter_table('team_move_requests', schema=None) as batch_op:
        batch_op.create_index('ix_team_move_requests_status_to', ['status', 'to_team_id'],
                              unique=False)
        batch_op.create_index(batch_op.f('ix_team_move_requests_user_id'), ['user_id'],
                              unique=False)


def downgrade():
    with op.batch_alter_table('team_move_requests', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_team_move_requests_user_id'))
        batch_op.drop_index('ix_team_move_requests_status_to')
    op.drop_table('team_move_requests')
