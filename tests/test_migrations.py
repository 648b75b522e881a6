"""The migrations in the package build exactly the schema the models describe, on both databases."""
import os

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
