"""The people directory: filters, alphabetical order, keyset pages, constant queries, name suggestions."""
import re

import pytest


def names(page_html: str) -> list[str]:
    grid = page_html.split('class="people-grid"', 1)[1].split("</ul>", 1)[0] if 'class="people-grid"' in page_html else ""
    return re.findall(r"<strong>([^<]+)</strong>", grid)


@pytest.fixture
def staff(make_user):
    from agora.profiles.services import update_personal
    people = {
        "zoe": make_user("zoe@example.com", name="Zoé Martin", department="Sales", location="Paris", title="Rep"),
        "emile": make_user("emile@example.com", name="Émile Durand", department="Engineering", location="Lyon"),
        "ana": make_user("ana@example.com", name="Ana Lopez", department="Engineering", location="Paris"),
        "bob": make_user("bob@example.com", name="Bob Martinez", department="Sales", location="Lyon"),
    }
    update_personal(people["emile"], people["emile"], skills=["Réseaux", "Python"])
    update_personal(people["ana"], people["ana"], skills=["python"])
    return people


def test_directory_is_alphabetical_ignoring_accents(client, login, staff):
    login(staff["ana"])
    assert names(client.get("/people").get_data(as_text=True)) == [
        "Ana Lopez", "Bob Martinez", "Émile Durand", "Zoé Martin"]


@pytest.mark.parametrize("query, expected", [
    ("department=engineering", ["Ana Lopez", "Émile Durand"]),
    ("location=Lyon", ["Bob Martinez", "Émile Durand"]),
    ("skill=reseaux", ["Émile Durand"]),
    ("skill=R%C3%A9SEAUX", ["Émile Durand"]),
    ("skill=Python", ["Ana Lopez", "Émile Durand"]),
    ("skill=cobol", []),  # a skill nobody has, or that does not exist
    ("q=mart", ["Bob Martinez", "Zoé Martin"]),
    ("q=emi", ["Émile Durand"]),
    ("q=%C3%A9mile", ["Émile Durand"]),
    ("q=zz", []),
    ("department=sales&location=Paris", ["Zoé Martin"]),
    ("q=50%25_", []),
])
def test_directory_filters(client, login, staff, query, expected):
    login(staff["ana"])
    response = client.get(f"/people?{query}")
    assert response.status_code == 200
    assert names(response.get_data(as_text=True)) == expected


def test_filter_choices_list_departments_and_known_locations(client, login, staff):
    login(staff["ana"])
    page = client.get("/people?department=sales").get_data(as_text=True)
    assert '<option value="sales" selected>Sales</option>' in page
    assert '<option value="engineering">Engineering</option>' in page
    assert '<option value="Lyon">Lyon</option>' in page and '<option value="Paris">Paris</option>' in page


def test_deactivated_people_leave_the_directory(client, login, staff):
    from agora.accounts.services import deactivate
    deactivate(staff["bob"])
    login(staff["ana"])
    assert "Bob Martinez" not in names(client.get("/people").get_data(as_text=True))


def test_keyset_pages_cover_everyone_once_in_order(client, login, make_user):
    created = [make_user(f"user{i:02d}@example.com", name=f"Same Name {i % 3}") for i in range(30)]
    login(created[0])
    seen, url = [], "/people"
    for _ in range(5):
        page = client.get(url).get_data(as_text=True)
        handles = re.findall(r'<a href="/people/(user\d+)"><strong>', page)
        seen += handles
        nxt = re.search(r'<a rel="next" href="([^"]+)"', page)
        if not nxt:
            break
        url = nxt.group(1).replace("&amp;", "&")
    assert len(seen) == 30 and len(set(seen)) == 30
    by_handle = {u.handle: u for u in created}
    order = [(by_handle[h].sort_name, by_handle[h].id) for h in seen]
    assert order == sorted(order)


def test_next_page_keeps_the_filters(client, login, make_user):
    for i in range(30):
        make_user(f"s{i:02d}@example.com", name=f"Sales {i:02d}", department="Sales")
    make_user("x@example.com", name="Other Dept", department="Legal")
    login("s00@example.com")
    page = client.get("/people?department=sales").get_data(as_text=True)
    nxt = re.search(r'<a rel="next" href="([^"]+)"', page).group(1).replace("&amp;", "&")
    assert "department=sales" in nxt
    second = names(client.get(nxt).get_data(as_text=True))
    assert second == [f"Sales {i:02d}" for i in range(24, 30)]


def test_bad_cursor_is_a_clear_400(client, login, staff):
    login(staff["ana"])
    response = client.get("/people?cursor=not-a-cursor")
    assert response.status_code == 400


def test_directory_queries_do_not_grow_with_the_page(client, login, make_user, count_queries):
    from agora.profiles.services import update_personal
    first = make_user("first@example.com", name="Aaron First", department="Sales", location="Paris")
    login(first)
    for i in range(4):
        make_user(f"few{i}@example.com", name=f"Few {i}", department=f"Dept {i}", location=f"City {i}")
    with count_queries() as few:
        assert client.get("/people").status_code == 200
    for i in range(25):
        user = make_user(f"many{i}@example.com", name=f"Many {i}", department=f"Dept {i % 7}",
                         location=f"City {i % 5}", title="Engineer")
        update_personal(user, user, skills=["Python", f"Skill {i}"])
    with count_queries() as many:
        page = client.get("/people").get_data(as_text=True)
    assert len(names(page)) == 24
    assert many.count == few.count


def test_suggest_returns_at_most_eight_people_by_name_prefix(client, login, make_user):
    for i in range(12):
        make_user(f"m{i}@example.com", name=f"Marie {i:02d}", title="Designer")
    make_user("other@example.com", name="Paul Marieux")
    login("m0@example.com")
    data = client.get("/people/suggest?q=mar").get_json()
    assert len(data) == 8
    assert data[0] == {"handle": "m0", "name": "Marie 00", "title": "Designer", "url": "/people/m0",
                       "photo_url": None}
    assert [p["name"] for p in client.get("/people/suggest?q=marieu").get_json()] == ["Paul Marieux"]
    assert client.get("/people/suggest?q=").get_json() == []


def test_suggest_needs_a_session(client, staff):
    response = client.get("/people/suggest?q=a")
    assert response.status_code == 401
    assert response.is_json


def test_directory_page_loads_its_script_and_works_without_it(client, login, staff):
    login(staff["ana"])
    page = client.get("/people").get_data(as_text=True)
    assert '<script src="/static/js/people.js" defer></script>' in page
    assert 'method="get" action="/people"' in page and 'name="q"' in page
    assert client.get("/static/js/people.js").status_code == 200
