"""The admins' pages (jobs, audit log) are linked from the site's navigation for admins only."""
from __future__ import annotations

import re

import pytest


@pytest.fixture
def app_config():
    return {"hr": {"emails": ["hr@example.com"]}, "admins": {"emails": ["boss@example.com"]}}


def _nav(page) -> dict[str, str]:
    """The main navigation's links: label -> href."""
    html = page.get_data(as_text=True)
    nav = html[html.index('<nav class="main-nav"'):html.index("</nav>", html.index('<nav class="main-nav"'))]
    return {re.sub(r"<[^>]+>|\s+", " ", label).strip(): href
            for href, label in re.findall(r'<a href="([^"]+)"[^>]*>(.*?)</a>', nav, re.S)}


@pytest.mark.parametrize("admin", ["flag", "config"])
def test_an_admin_finds_the_jobs_and_audit_log_pages_in_the_navigation(app, client, login, make_user, admin):
    user = make_user("root@example.com", is_admin=True) if admin == "flag" else make_user("boss@example.com")
    login(user)
    links = _nav(client.get("/"))
    assert links["Jobs"] == "/admin/jobs" and links["Audit log"] == "/admin/audit"
    for href in ("/admin/jobs", "/admin/audit"):
        assert client.get(href).status_code == 200
    assert 'href="/admin/audit" class="nav-audit" aria-current="page"' in \
        client.get("/admin/audit").get_data(as_text=True)


def test_the_links_are_in_the_admins_language(app, client, login, make_user):
    from agora.extensions import db

    user = make_user("root@example.com", is_admin=True)
    user.language = "fr"
    db.session.commit()
    login(user)
    links = _nav(client.get("/"))
    assert links["Tâches"] == "/admin/jobs" and links["Journal d'audit"] == "/admin/audit"


@pytest.mark.parametrize("who", ["member", "hr"])
def test_others_see_no_link_and_the_pages_stay_closed_to_them(app, client, login, make_user, who):
    login(make_user(f"{who}@example.com"))
    links = _nav(client.get("/"))
    assert "Feed" in links  # the navigation was read
    assert not {"/admin/jobs", "/admin/audit"} & set(links.values())
    assert client.get("/admin/jobs").status_code == 403
    assert client.get("/admin/audit").status_code == 404  # the audit log's existence is not told
