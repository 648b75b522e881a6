"""`flask demo seed`: a benchmark company written in bulk, through the same rules as the services."""
import json
from pathlib import Path

import pytest
from sqlalchemy import func, select, text

from agora.accounts.models import User
from agora.core.sanitiser import render_markdown
from agora.demo import seed as seeding
from agora.extensions import db
from agora.hashtags.models import Hashtag
from agora.moderation.models import ModerationAction, Report
from agora.profiles.models import Profile
from agora.spaces.models import Membership, Space
from agora.walls.models import Comment, Mention, Post, Reaction, post_hashtags
from agora.walls.rendering import render

SMALL = dict(people=30, spaces=8, posts=120, comments=300)


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def run_seed(**overrides):
    params = {**SMALL, "seed": 7, "jobs": 1, "search": False, **overrides}
    return seeding.seed(**params)


def snapshot() -> dict:
    """Everything seeded except timestamps (which follow the clock)."""
    queries = {
        "users": "SELECT id, email, handle, name, sort_name, active, is_admin, language FROM users ORDER BY id",
        "profiles": "SELECT user_id, title, department_id, manager_id, location, phone, languages, ask_me_about, "
                    "bio_html FROM profiles ORDER BY user_id",
        "skills": "SELECT user_id, skill_id FROM profile_skills ORDER BY user_id, skill_id",
        "spaces": "SELECT id, slug, name, visibility, department_id FROM spaces ORDER BY id",
        "members": "SELECT space_id, user_id, role, source FROM space_memberships ORDER BY space_id, user_id",
        "follows": "SELECT user_id, target_type, target_id FROM follows ORDER BY user_id, target_type, target_id",
        "posts": "SELECT id, author_id, wall_user_id, space_id, body_source, body_html, hidden_reason, "
                 "deleted_at IS NULL, comment_count, reaction_count FROM posts ORDER BY id",
        "comments": "SELECT id, post_id, parent_id, author_id, body_html, hidden_reason, reply_count, "
                    "reaction_count FROM comments ORDER BY id",
        "reactions": "SELECT user_id, post_id, comment_id, kind FROM reactions "
                     "ORDER BY user_id, post_id, comment_id, kind",
        "mentions": "SELECT user_id, post_id, comment_id FROM mentions ORDER BY user_id, post_id, comment_id",
        "tags": "SELECT post_id, hashtag_id FROM post_hashtags ORDER BY post_id, hashtag_id",
        "reports": "SELECT target_type, target_id, reporter_id, category, status FROM reports ORDER BY id",
        "ledger": "SELECT action, space_id, actor_id, target_type, target_id, subject_user_id, rule, reason "
                  "FROM moderation_actions ORDER BY id",
    }
    return {name: [tuple(row) for row in db.session.execute(text(sql))] for name, sql in queries.items()}


def empty_database() -> None:
    db.session.remove()
    with db.engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            tables = ", ".join(f'"{t.name}"' for t in db.metadata.sorted_tables)
            conn.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
        else:
            for table in reversed(db.metadata.sorted_tables):
                conn.execute(table.delete())


def test_seed_builds_the_company_it_claims(app):
    report = run_seed()

    assert count(User) == 30 and count(Profile) == 30
    assert count(Post) == 120 and count(Comment) == 300
    assert count(Space) == 8
    assert report.counts["posts"] == 120 and report.counts["reactions"] == count(Reaction) > 0
    assert {s.visibility for s in db.session.scalars(select(Space))} == {"open", "closed", "secret"}
    for space in db.session.scalars(select(Space)):
        assert db.session.scalar(select(func.count()).where(Membership.space_id == space.id,
                                                            Membership.role == "moderator")) >= 1

    # One chief at the top; everyone else's chain of managers reaches them.
    managers = dict(db.session.execute(select(Profile.user_id, Profile.manager_id)).all())
    tops = [uid for uid, manager in managers.items() if manager is None]
    assert len(tops) == 1
    for uid in managers:
        seen = set()
        while managers[uid] is not None:
            assert uid not in seen
            seen.add(uid)
            uid = managers[uid]
    profile = db.session.scalar(select(Profile).where(Profile.title != "").limit(1))
    assert profile.department_id and profile.location and profile.ask_me_about and profile.skills

    # Counters match the rows, as the services would have kept them.
    assert db.session.execute(text(
        "SELECT count(*) FROM posts p WHERE comment_count <> (SELECT count(*) FROM comments c WHERE c.post_id = p.id)"
        " OR reaction_count <> (SELECT count(*) FROM reactions r WHERE r.post_id = p.id)")).scalar() == 0
    assert db.session.execute(text(
        "SELECT count(*) FROM comments c WHERE reply_count <> (SELECT count(*) FROM comments r WHERE r.parent_id = c.id)"
        " OR reaction_count <> (SELECT count(*) FROM reactions r WHERE r.comment_id = c.id)")).scalar() == 0
    assert db.session.scalar(select(func.count()).where(Comment.parent_id.is_not(None))) > 0


def test_seeded_text_went_through_the_renderer_and_its_links_are_stored(app):
    run_seed()

    posts = list(db.session.scalars(select(Post).where(Post.deleted_at.is_(None)).order_by(Post.id)))
    comments = list(db.session.scalars(select(Comment).order_by(Comment.id).limit(100)))
    for item in posts + comments:
        assert item.body_html == render(item.body_source).html
    for profile in db.session.scalars(select(Profile)):
        assert profile.bio_html == render_markdown(profile.bio_source)
    assert any("<strong>" in p.body_html or "<a href=\"https://" in p.body_html for p in posts)
    assert any(p.body_source.startswith(("Bonjour", "Merci", "Info", "Petit", "Question", "La ", "Le ", "Les "))
               or " de " in p.body_source for p in posts)
    assert any(" the " in p.body_source for p in posts)

    # Every #tag and @mention in the HTML has its row, and every row its link.
    tagged = db.session.execute(select(post_hashtags.c.post_id, Hashtag.slug)
                                .join(Hashtag, Hashtag.id == post_hashtags.c.hashtag_id)).all()
    assert tagged
    by_id = {p.id: p for p in posts}
    for post_id, slug in tagged:
        assert f'href="/tags/{slug}"' in by_id[post_id].body_html
    linked = {post_id for post_id, _slug in tagged}
    assert all(p.id in linked for p in posts if 'href="/tags/' in p.body_html)
    mentions = db.session.execute(select(Mention.post_id, Mention.comment_id, User.handle)
                                  .join(User, User.id == Mention.user_id)).all()
    assert mentions
    for post_id, comment_id, handle in mentions:
        html = by_id[post_id].body_html if post_id else db.session.get(Comment, comment_id).body_html
        assert f'href="/people/{handle}"' in html
    assert db.session.scalar(select(func.count()).where(Post.deleted_at.is_not(None), Post.body_html != "")) == 0


def test_hidden_content_has_its_report_and_ledger_line(app):
    run_seed()

    hidden = [("post", p.id, p.hidden_reason, p.author_id) for p in
              db.session.scalars(select(Post).where(Post.hidden_at.is_not(None)))]
    hidden += [("comment", c.id, c.hidden_reason, c.author_id) for c in
               db.session.scalars(select(Comment).where(Comment.hidden_at.is_not(None)))]
    assert {kind for kind, *_ in hidden} == {"post", "comment"}
    for kind, target_id, reason, author_id in hidden:
        action = db.session.scalar(select(ModerationAction).where(
            ModerationAction.action == "hide", ModerationAction.target_type == kind,
            ModerationAction.target_id == target_id))
        assert action is not None and action.reason == reason and action.subject_user_id == author_id
        report = db.session.get(Report, action.report_id)
        assert report.status == "handled" and report.handled_by_id == action.actor_id
    assert count(ModerationAction) == db.session.scalar(
        select(func.count()).where(ModerationAction.action.in_(["hide", "dismiss", "suspend"])))


def test_same_seed_same_company_and_processes_change_nothing(app):
    run_seed(jobs=1)
    first = snapshot()
    empty_database()
    run_seed(jobs=2)
    assert snapshot() == first
    empty_database()
    run_seed(seed=8)
    assert snapshot()["posts"] != first["posts"]


def test_cli_seeds_reports_and_seeded_people_log_in(app, client, login):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["demo", "seed", "--people", "25", "--spaces", "6", "--posts", "80",
                                 "--comments", "120", "--jobs", "1", "--no-search"])
    assert result.exit_code == 0, result.output
    assert "Seeded in" in result.output and seeding.PASSWORD in result.output
    saved = json.loads((Path(app.instance_path) / seeding.REPORT_FILE).read_text())
    manifest = saved["manifest"]
    assert {s["name"] for s in saved["stages"]} >= {"people", "posts", "comments", "moderation"}
    assert manifest["post_comments"] == 50 or manifest["post_comments"] == 120

    login(manifest["reader_email"], password=seeding.PASSWORD)
    assert client.get("/").status_code == 200
    page = client.get(f"/posts/{manifest['post_id']}")
    assert page.status_code == 200
    assert page.get_data(as_text=True).count('<li class="comment" id="comment-') == manifest["post_comments"]
    assert client.get(f"/spaces/{manifest['space_slug']}").status_code == 200
    assert client.get(f"/people?skill={manifest['skill_slug']}").status_code == 200

    again = runner.invoke(args=["demo", "seed", "--people", "25", "--posts", "10", "--no-search"])
    assert again.exit_code == 1 and "already has accounts" in again.output


def test_seed_builds_the_search_index_once_at_the_end(app, monkeypatch):
    from agora.search import services as search_services

    calls = []
    monkeypatch.setattr(search_services, "rebuild_index", lambda **kwargs: calls.append(count(Post)))
    report = run_seed(search=True)
    assert calls == [120]
    assert report.search_seconds is not None and report.stages[-1].name == "search index"


@pytest.mark.parametrize("params", [dict(people=2), dict(posts=0, comments=5), dict(spaces=-1)])
def test_bad_parameters_are_refused(app, params):
    from agora.core.errors import ValidationError

    with pytest.raises(ValidationError):
        run_seed(**params)
    assert count(User) == 0
