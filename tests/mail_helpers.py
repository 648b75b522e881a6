"""Shared by the mail and digest tests: a running SMTP server, mail switched on, queued jobs run in-process."""
from __future__ import annotations

import pytest

from tests.smtp_server import SmtpServer

BASE_URL = "https://agora.example"


@pytest.fixture(scope="module")
def smtp_server():
    server = SmtpServer().start()
    yield server
    server.stop()


@pytest.fixture
def smtp(smtp_server):
    smtp_server.clear()
    return smtp_server


@pytest.fixture
def app_config(smtp_server):
    return {"mail": {"enabled": True, "host": "127.0.0.1", "port": smtp_server.port, "sender": "Agora <agora@agora.example>"},
            "site": {"base_url": BASE_URL}}


def run_jobs(name: str | None = None) -> list[str]:
    """Run every queued job (of `name`) now, in this process; returns the states they ended in."""
    from agora.extensions import db
    from agora.jobs.models import Job
    from agora.jobs.services import run_job

    query = db.select(Job.id).where(Job.state == "queued")
    if name:
        query = query.where(Job.name == name)
    return [run_job(job_id) for job_id in db.session.scalars(query.order_by(Job.id)).all()]


def parts(message) -> tuple[str, str]:
    """The plain-text and HTML parts of a received message."""
    return (message.get_body(("plain",)).get_content(), message.get_body(("html",)).get_content())
