"""space_memberships: index on (space_id, role) for a space's moderators

Revision ID: b3e81f0c6a52
Revises: 7a2d5c1e8b4f
Create Date: 2026-11-23 20:00:00

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = 'b3e81f0c6a52'
down_revision = '7a2d5c1e8b4f'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('space_memberships', schema=None) as batch_op:
        batch_op.create_index('ix_memberships_space_role', ['space_id', 'role'], unique=False)


def downgrade():
    with op.batch_alter_table('space_memberships', schema=None) as batch_op:
        batch_op.drop_index('ix_memberships_space_role')
