"""posts: partial index on a space's pinned posts

Revision ID: 7a2d5c1e8b4f
Revises: 4c1f7e2a9d3b
Create Date: 2026-11-23 05:45:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '7a2d5c1e8b4f'
down_revision = '4c1f7e2a9d3b'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('posts', schema=None) as batch_op:
        batch_op.create_index('ix_posts_space_pinned', ['space_id', 'created_at', 'id'], unique=False,
                              sqlite_where=sa.text('pinned = 1'), postgresql_where=sa.text('pinned'))


def downgrade():
    with op.batch_alter_table('posts', schema=None) as batch_op:
        batch_op.drop_index('ix_posts_space_pinned', sqlite_where=sa.text('pinned = 1'), postgresql_where=sa.text('pinned'))
