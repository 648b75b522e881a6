"""The promise kept by a real job worker: an overdue question is escalated by `flask jobs worker`'s own loop."""
from __future__ import annotations

import json
from datetime import datetime, timedelta

import pytest

from tests.test_jobs import _wait, _worker


@pytest.fixture
def worker_app(tmp_path):
    from agora import create_app
    from agora.extensions import db
    from tests.jobs_tasks import declare

    config = {"database": {"url": f"sqlite:///{tmp_path / 'agora.db'}"}, "site": {"secret_key": "test-secret"},
              "jobs": {"backend": "sqlite", "workers": 1}, "INSTANCE_PATH": str(tmp_path / "instance"),
              "AGORA_APPLY_CONFIG_ON_START": False}
    app = create_app(config)
    declare(app, tmp_path / "log")
    with app.app_context():
        db.create_all()
        yield app, json.dumps(config), tmp_path
        db.session.remove()
        db.engine.dispose()


def test_a_real_worker_escalates_an_overdue_question_and_tells_the_asker(worker_app):
    from agora.accounts.services import create_user
    from agora.extensions import db
    from agora.jobs.services import enqueue
    from agora.notifications.models import Notification
    from agora.profiles.services import get_skills
    from agora.questions.models import Question
    from agora.questions.services import ask

    app, config, tmp = worker_app
    ana = create_user("ana@example.com", "Ana Lima", "correct horse battery")
    bob = create_user("bob@example.com", "Bob Martin", "correct horse battery")
    bob.profile.skills.extend(get_skills(["Payroll"]))
    db.session.commit()
    question = ask(ana, title="Box 3?", body="Which box?", topics=["Payroll"], now=datetime.utcnow() - timedelta(days=5))
    enqueue("questions.escalate", key="test-escalate-now")
    db.session.commit()
    worker = _worker(config, tmp)
    try:
        def escalated():
            db.session.expire_all()
            return db.session.get(Question, question.post_id).escalated_at
        _wait(escalated, timeout=30, what="the worker to escalate the question")
    finally:
        worker.kill()
        worker.wait(timeout=10)
    missed = db.session.scalar(db.select(Notification).where(Notification.kind == "question_missed"))
    assert missed is not None and missed.recipient_id == ana.id
    assert db.session.get(Question, question.post_id).promise_kept is False
