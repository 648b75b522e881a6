"""The migrations in the package build exactly the schema the models describe, on both databases."""
import os
from datetime import datetime

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect, text
from sqlalchemy.exc import DBAPIError


@pytest.fixture
def empty_db_url(backend, request, tmp_path):
    if backend == "sqlite":
        return f"sqlite:///{tmp_path / 'migrated.db'}"
    server = request.getfixturevalue("pg_server")
    return server.create_database(f"agora_migrations_{os.environ.get('PYTEST_XDIST_WORKER', 'main')}")


def test_upgrade_matches_models_and_downgrades_cleanly(empty_db_url, tmp_path):
    from agora import create_app
    from agora.extensions import db

    app = create_app({"database": {"url": empty_db_url}, "site": {"secret_key": "x"}, "TESTING": True,
                      "INSTANCE_PATH": str(tmp_path / "instance"), "AGORA_APPLY_CONFIG_ON_START": False})
    with app.app_context():
        upgrade()
        with db.engine.connect() as conn:
            context = MigrationContext.configure(conn, opts={"compare_type": True})
            diff = compare_metadata(context, db.metadata)
        assert diff == [], f"models and migrations differ; run `flask db migrate`: {diff}"
        # The migrated database itself refuses to rewrite the moderation ledger.
        with db.engine.connect() as conn:
            conn.execute(text("INSERT INTO moderation_actions (action, target_type, target_id, rule, reason, detail,"
                              " created_at) VALUES ('hide', 'post', 1, '', 'r', '', CURRENT_TIMESTAMP)"))
            conn.commit()
            for sql in ("UPDATE moderation_actions SET reason = 'rewritten'", "DELETE FROM moderation_actions"):
                with pytest.raises(DBAPIError):
                    conn.execute(text(sql))
                conn.rollback()
        downgrade(revision="base")
        assert set(inspect(db.engine).get_table_names()) <= {"alembic_version"}
        db.engine.dispose()


def test_refolding_keeps_old_names_tags_and_skills_reachable(empty_db_url, tmp_path):
    """Values stored by the old accounts folding ("œuvre") are refolded; two tags that now meet become one."""
    from agora import create_app
    from agora.accounts.models import User
    from agora.extensions import db
    from agora.follows.models import Follow
    from agora.hashtags.models import Hashtag
    from agora.profiles.models import Department, Profile, Skill, profile_skills
    from agora.walls.models import Post, post_hashtags

    app = create_app({"database": {"url": empty_db_url}, "site": {"secret_key": "x"}, "TESTING": True,
                      "INSTANCE_PATH": str(tmp_path / "instance"), "AGORA_APPLY_CONFIG_ON_START": False})
    with app.app_context():
        upgrade(revision="f9ed85912c5f")  # before the refolding: only stored values change next
        session = db.session
        session.add_all([User(id=1, email="l@example.com", handle="l", name="Lætitia Œuvre", sort_name="lætitia œuvre"),
                         User(id=2, email="a@example.com", handle="a", name="Ana Lopez", sort_name="ana lopez"),
                         Department(id=1, name="Bœuf", slug="bœuf"), Skill(id=1, name="Œnologie", slug="œnologie"),
                         Hashtag(id=1, name="Œuvre", slug="œuvre"), Hashtag(id=2, name="oeuvre", slug="oeuvre"),
                         Hashtag(id=3, name="Budget", slug="budget")])
        session.flush()
        # Columns the models gained later (profiles.away_until) are left out: the table has not got them yet.
        session.execute(Profile.__table__.insert(), [{"user_id": 1, "department_id": 1}, {"user_id": 2, "department_id": None}])
        session.add_all([Post(id=1, author_id=1, wall_user_id=1), Post(id=2, author_id=1, wall_user_id=1)])
        session.flush()
        session.execute(profile_skills.insert(), [{"user_id": 1, "skill_id": 1}])
        # Post 1 carries both old tags, post 2 the first; person 1 follows both, person 2 the first.
        created = datetime(2026, 1, 1)
        session.execute(post_hashtags.insert(), [{"post_id": p, "hashtag_id": h, "created_at": created}
                                                 for p, h in ((1, 1), (1, 2), (2, 1), (2, 3))])
        session.add_all([Follow(user_id=u, target_type=t, target_id=i)
                         for u, t, i in ((1, "hashtag", 1), (1, "hashtag", 2), (2, "hashtag", 1), (2, "space", 1))])
        session.commit()
        upgrade()
        with db.engine.connect() as conn:
            def rows(sql):
                return sorted(tuple(r) for r in conn.execute(text(sql)))

            assert rows("SELECT id, sort_name FROM users") == [(1, "laetitia oeuvre"), (2, "ana lopez")]
            assert rows("SELECT id, slug FROM hashtags") == [(2, "oeuvre"), (3, "budget")]
            assert rows("SELECT post_id, hashtag_id FROM post_hashtags") == [(1, 2), (2, 2), (2, 3)]
            assert rows("SELECT user_id, target_type, target_id FROM follows") == [
                (1, "hashtag", 2), (2, "hashtag", 2), (2, "space", 1)]
            assert rows("SELECT id, slug FROM skills") == [(1, "oenologie")]
            assert rows("SELECT user_id, skill_id FROM profile_skills") == [(1, 1)]
            assert rows("SELECT id, slug FROM departments") == [(1, "boeuf")]
        db.session.remove()
        db.engine.dispose()
