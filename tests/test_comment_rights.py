"""The post page asks the policy once per thread (comment_rights): its answers must be can()'s, for everyone."""
from __future__ import annotations

import pytest
from flask_login import AnonymousUserMixin

from agora.extensions import db
from tests.moderation_world import app_config, world  # noqa: F401 - fixtures


@pytest.fixture
def threads(world):
    from agora.core.time import utcnow

    w = world
    posts = [w.post("author", space="team"), w.post("member", space="side"), w.post("author", space=None, wall="member")]
    for post in posts:
        w.comment("author", post, "mine"), w.comment("member", post, "theirs")
        hidden, gone = w.comment("author", post, "hidden"), w.comment("member", post, "gone")
        hidden_other = w.comment("member", post, "hidden too")
        hidden.hidden_at = hidden_other.hidden_at = utcnow()
        gone.deleted_at = utcnow()
    db.session.commit()
    return posts


def test_comment_rights_equal_can_for_every_reader_comment_and_action(world, threads):
    from agora.core.policy import COMMENT_ACTIONS, can, comment_rights
    from agora.walls.models import Comment

    readers = list(world.people.values()) + [AnonymousUserMixin()]
    granted = set()
    for post in threads:
        comments = list(db.session.scalars(db.select(Comment).where(Comment.post_id == post.id)))
        assert len(comments) == 5
        for reader in readers:
            rights = comment_rights(reader, post, comments)
            for comment in comments:
                for action in COMMENT_ACTIONS:
                    expected = can(reader, f"comment.{action}", comment)
                    assert (action in rights[comment.id]) == expected, (reader, post.space_id, comment.id, action)
                    if expected:
                        granted.add(action)
    # The comparison covered every action being granted somewhere, not only refusals.
    assert granted == set(COMMENT_ACTIONS)


def test_post_page_links_follow_the_rights(world, threads):
    team_post = threads[0]
    as_mod = world.browser("mod").get(f"/posts/{team_post.id}").get_data(as_text=True)
    as_member = world.browser("member").get(f"/posts/{team_post.id}").get_data(as_text=True)
    assert as_mod.count(">Moderate</a>") >= 4 and ">Moderate</a>" not in as_member
    # Hidden comments: the member sees the notice for the author's, and their own hidden comment itself.
    assert as_member.count("Hidden by moderation on") == 1 and "hidden too" in as_member
    from agora.walls.models import Comment
    theirs = db.session.scalar(db.select(Comment).where(Comment.post_id == team_post.id, Comment.body_source == "theirs"))
    mine = db.session.scalar(db.select(Comment).where(Comment.post_id == team_post.id, Comment.body_source == "mine"))
    assert f"/comments/{theirs.id}/edit" in as_member and f"/comments/{mine.id}/edit" not in as_member
    assert f"/comments/{mine.id}/report" in as_member and f"/comments/{theirs.id}/report" not in as_member
