"""Profile pages: who may edit what, the sanitised bio, the org chart and manager loops."""
import pytest

from agora.core.errors import ValidationError


@pytest.fixture
def app_config():
    return {"hr": {"emails": ["hr@example.com"]}}


@pytest.fixture
def people(make_user):
    return {
        "owner": make_user("olga@example.com", name="Olga Owner", department="Sales"),
        "hr": make_user("hr@example.com", name="Hana Hr", department="People"),
        "admin": make_user("root@example.com", name="Adam Admin", is_admin=True),
        "other": make_user("otto@example.com", name="Otto Other", department="Sales"),
    }


PERSONAL = {"bio": "Hello", "skills": "Python", "languages": "French", "ask_me_about": "tea",
            "location": "Lyon", "phone": "+33 1 23 45 67 89"}


@pytest.mark.parametrize("who, status", [("owner", 302), ("hr", 403), ("admin", 403), ("other", 403)])
def test_only_the_owner_edits_personal_details(client, login, people, who, status):
    login(people[who])
    assert client.get("/people/olga/edit").status_code == (200 if status == 302 else 403)
    response = client.post("/people/olga/edit", data=PERSONAL)
    assert response.status_code == status
    page = client.get("/people/olga").get_data(as_text=True)
    assert ("Lyon" in page) == (status == 302)


@pytest.mark.parametrize("who, allowed", [("owner", False), ("hr", True), ("admin", True), ("other", False)])
def test_hr_and_admins_edit_title_department_and_manager(client, login, people, who, allowed):
    login(people[who])
    response = client.post("/people/olga/org", data={"title": "Head of Sales", "department": "Ventes",
                                                    "manager": "otto"})
    assert response.status_code == (302 if allowed else 403)
    page = client.get("/people/olga").get_data(as_text=True)
    assert ("Head of Sales" in page) == allowed
    assert ("/people?department=ventes" in page) == allowed
    if allowed:
        assert client.get("/people/otto").get_data(as_text=True).count("Olga Owner") == 1  # a direct report


def test_edit_links_follow_the_policy(app, client, login, people):
    login(people["owner"])
    page = client.get("/people/olga").get_data(as_text=True)
    assert "/people/olga/edit" in page and "/people/olga/org" not in page
    hr_browser = app.test_client()
    hr_browser.environ_base["wsgi.url_scheme"] = "https"
    login(people["hr"], c=hr_browser)
    page = hr_browser.get("/people/olga").get_data(as_text=True)
    assert "/people/olga/edit" not in page and "/people/olga/org" in page


def test_org_form_reports_unknown_manager_on_the_field(client, login, people):
    login(people["hr"])
    response = client.post("/people/olga/org", data={"title": "Boss", "department": "Sales", "manager": "nobody"})
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert 'id="manager-error"' in page and "No one has this handle or email." in page
    assert 'value="Boss"' in page  # nothing typed is lost


def test_manager_loop_refused_on_the_form(client, login, people, make_user):
    from agora.profiles.services import assign_org
    assign_org(people["other"], manager=people["owner"])  # otto reports to olga
    login(people["hr"])
    response = client.post("/people/olga/org", data={"title": "", "department": "Sales", "manager": "otto@example.com"})
    assert response.status_code == 400
    assert "loop" in response.get_data(as_text=True)


def test_bio_is_markdown_sanitised(client, login, people):
    login(people["owner"])
    bio = ("**Bold** <script>alert(1)</script> [x](javascript:alert(2)) <img src=x onerror=alert(3)>"
           " <a href=\"https://example.org\" onclick=\"evil()\">site</a> <a href=\"javascript:alert(4)\">y</a>")
    assert client.post("/people/olga/edit", data={**PERSONAL, "bio": bio}).status_code == 302
    page = client.get("/people/olga").get_data(as_text=True)
    assert "<strong>Bold</strong>" in page
    assert "<script>alert" not in page and "href=\"javascript:" not in page.replace("'", "\"")
    assert "onerror" not in page and "onclick" not in page
    assert 'href="https://example.org"' in page


def test_skills_link_to_the_directory_and_are_shared(client, login, people):
    login(people["owner"])
    client.post("/people/olga/edit", data={**PERSONAL, "skills": "Réseaux, python, Python ,  "})
    page = client.get("/people/olga").get_data(as_text=True)
    assert 'href="/people?skill=reseaux"' in page and page.count('href="/people?skill=python"') == 1
    login(people["other"])
    client.post("/people/otto/edit", data={**PERSONAL, "skills": "reseaux"})
    from agora.extensions import db
    from agora.profiles.models import Skill
    assert db.session.scalar(db.select(db.func.count()).select_from(Skill)) == 2


def test_personal_field_errors_keep_the_input(client, login, people):
    login(people["owner"])
    response = client.post("/people/olga/edit", data={**PERSONAL, "phone": "call me <maybe>", "bio": "kept text"})
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert 'id="phone-error"' in page and "kept text" in page


def test_contact_details_and_deactivated_notice(app, client, login, people, make_user):
    from agora.accounts.services import deactivate
    gone = make_user("gone@example.com", name="Gina Gone", phone="0102030405")
    login(people["other"])
    page = client.get("/people/olga").get_data(as_text=True)
    assert "mailto:olga@example.com" in page
    deactivate(gone)
    page = client.get("/people/gone").get_data(as_text=True)
    assert "deactivated" in page and "gone@example.com" not in page and "0102030405" not in page
    hr_browser = app.test_client()
    hr_browser.environ_base["wsgi.url_scheme"] = "https"
    login(people["hr"], c=hr_browser)
    assert "gone@example.com" in hr_browser.get("/people/gone").get_data(as_text=True)


def test_unknown_profile_is_404_and_anonymous_is_sent_to_login(client, login, people):
    assert client.get("/people/olga").status_code == 302
    login(people["other"])
    assert client.get("/people/nobody").status_code == 404


def test_org_chart_up_and_down(client, login, make_user, count_queries):
    from agora.profiles.services import assign_org
    chain = [make_user(f"p{i}@example.com", name=f"Person {i}", title=f"Level {i}") for i in range(6)]
    for boss, report in zip(chain, chain[1:], strict=False):
        assign_org(report, manager=boss)
    extra = make_user("side@example.com", name="Side Kick")
    assign_org(extra, manager=chain[3])
    login(chain[0])
    page = client.get("/people/p3").get_data(as_text=True)
    org = page[page.index('id="org-heading"'):page.index('id="activity-heading"')]
    # Managers from the top down, then the person, then direct reports only.
    positions = [org.index(f"Person {i}") for i in range(4)]
    assert positions == sorted(positions)
    assert "Person 4" in org and "Side Kick" in org and "Person 5" not in org
    with count_queries() as shallow:
        client.get("/people/p1")
    with count_queries() as deep:
        client.get("/people/p5")
    assert deep.count == shallow.count


def test_manager_cycles_refused_by_the_service(make_user):
    from agora.profiles.services import assign_org
    a, b, c = (make_user(f"{x}@example.com") for x in "abc")
    assign_org(b, manager=a)
    assign_org(c, manager=b)
    with pytest.raises(ValidationError):
        assign_org(a, manager=c)
    with pytest.raises(ValidationError):
        assign_org(a, manager=a)
    assign_org(c, manager=None)  # unsetting is allowed
    assign_org(a, manager=c)
    assert a.profile.manager_id == c.id


def test_activity_hooks_fill_the_recent_activity_section(app, client, login, people):
    from markupsafe import Markup

    from agora.core.hooks import add_hook
    add_hook(app, "profile.activity",
             lambda viewer, person: [("Posts", Markup("<p>by %s for %s</p>") % (person.handle, viewer.handle))])
    login(people["other"])
    page = client.get("/people/olga").get_data(as_text=True)
    assert "<p>by olga for otto</p>" in page


def test_org_chart_survives_a_manager_cycle_already_in_the_data(client, login, make_user):
    """Imported or legacy data may hold a cycle the service would refuse: the page shows each manager once."""
    from agora.extensions import db
    from agora.profiles.models import Profile
    from agora.profiles.services import assign_org
    a, b, c = (make_user(f"{x}@example.com", name=f"Chief {x.upper()}") for x in "abc")
    assign_org(b, manager=a)
    assign_org(c, manager=b)
    db.session.execute(db.update(Profile).where(Profile.user_id == a.id).values(manager_id=c.id))
    db.session.commit()
    login(a)
    page = client.get("/people/c")
    assert page.status_code == 200
    org = page.get_data(as_text=True)
    org = org[org.index('id="org-heading"'):org.index('id="activity-heading"')]
    managers = org[:org.index("</ol>")]
    assert managers.count("Chief A") == 1 and managers.count("Chief B") == 1


def test_a_person_named_like_a_people_page_still_has_a_reachable_profile(client, login, people, make_user):
    from agora.accounts.services import create_user
    from agora.core.errors import ValidationError
    suggest = make_user("suggest@example.com", name="Sue Gest")
    assert suggest.handle != "suggest"
    login(people["other"])
    page = client.get(f"/people/{suggest.handle}")
    assert page.status_code == 200 and "Sue Gest" in page.get_data(as_text=True)
    with pytest.raises(ValidationError) as refused:
        create_user("sg@example.com", "S G", handle="suggest")
    assert "handle" in refused.value.field_errors
