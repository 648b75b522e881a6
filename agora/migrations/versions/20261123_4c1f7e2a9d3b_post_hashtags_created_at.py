"""post_hashtags.created_at: a tag's newest posts in one index walk

Revision ID: 4c1f7e2a9d3b
Revises: 9258273bfbac
Create Date: 2026-11-23 05:20:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '4c1f7e2a9d3b'
down_revision = '9258273bfbac'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('post_hashtags', schema=None) as batch_op:
        batch_op.add_column(sa.Column('created_at', sa.DateTime(), nullable=True))
    # Copied from the post, which never changes its creation time.
    op.execute("UPDATE post_hashtags SET created_at = "
               "(SELECT posts.created_at FROM posts WHERE posts.id = post_hashtags.post_id)")
    with op.batch_alter_table('post_hashtags', schema=None) as batch_op:
        batch_op.alter_column('created_at', existing_type=sa.DateTime(), nullable=False)
        batch_op.drop_index('ix_post_hashtags_hashtag')
        batch_op.create_index('ix_post_hashtags_hashtag_created', ['hashtag_id', 'created_at', 'post_id'], unique=False)


def downgrade():
    with op.batch_alter_table('post_hashtags', schema=None) as batch_op:
        batch_op.drop_index('ix_post_hashtags_hashtag_created')
        batch_op.create_index('ix_post_hashtags_hashtag', ['hashtag_id', 'post_id'], unique=False)
        batch_op.drop_column('created_at')
