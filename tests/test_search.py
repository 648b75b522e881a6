"""Search: the FR+EN language table, the query language, results pages and the JSON API."""
from __future__ import annotations

import re
from datetime import datetime

import pytest

from agora.search.analysis import analyzer, query_stems
from agora.search.query import parse
from agora.search.text import words
from agora.search.whoosh_query import translate

# (what people type, what the text says): each pair must find each other, both ways.
LANGUAGE_TABLE = [
    ("réunion", "reunion"),
    ("RÉUNION", "réunion"),
    ("Reunion", "RÉUNIONS"),
    ("employés", "employé"),
    ("employes", "Employé"),
    ("meetings", "meeting"),
    ("réseaux", "réseau"),
    ("reseaux", "Réseau"),
    ("entreprise", "l'entreprise"),
    ("entreprises", "L’entreprise"),
    ("équipe", "d'équipes"),
    ("companies", "company"),
    ("managers", "manager"),
    ("projects", "project"),
    ("policies", "policy"),
    ("developers", "developer"),
    ("développeurs", "développeur"),
    ("hôpitaux", "hôpital"),
    ("nationaux", "nationale"),
    ("analyses", "analyse"),
    ("company's", "company"),
    ("qu'elle", "elle"),
    ("aujourd'hui", "aujourd’hui"),
]


def _terms(text: str) -> set[str]:
    return {t.text for t in analyzer()(text)}


@pytest.mark.parametrize("typed, written", LANGUAGE_TABLE)
def test_language_table_words_meet_on_a_stem(typed, written):
    assert set(query_stems(typed)) & _terms(written), (typed, written)
    assert set(query_stems(words(written)[-1])) & _terms(typed), (written, typed)


@pytest.mark.parametrize("typed, other", [("réunion", "réseau"), ("employé", "emploi du temps"), ("meeting", "market"),
                                          ("company", "compagnon")])
def test_language_table_different_words_stay_apart(typed, other):
    assert not set(query_stems(typed)) & _terms(other)


def test_query_language():
    q = parse('budget "plan de charge" -brouillon rh OR paie author:@Ana.Lopez space:projet-x tag:#Réunion '
              'type:people before:2024-06-01 after:2024-01-31')
    assert [[c.words for c in g] for g in q.groups] == [[("budget",)], [("plan", "de", "charge")],
                                                         [("rh",), ("paie",)]]
    assert q.groups[1][0].phrase
    assert [c.words for c in q.excluded] == [("brouillon",)]
    assert (q.author, q.space, q.tag, q.type) == ("ana.lopez", "projet-x", "reunion", "person")
    assert (q.before, q.after) == (datetime(2024, 6, 1), datetime(2024, 1, 31))


MALFORMED = ['"', '""', '"unbalanced phrase', "-", "--", "- -", "OR", "OR OR a", "a OR", "a OR OR b", ":", "::::",
             "author:", "author:@", "type:", "type:bogus", "before:2024-13-45", "after:yesterday", "before:",
             "space:<script>", "tag:#", "a:b:c", "-author:ana", "(", ")", "[]", "{}", "*", "?", "a*", "~1",
             "\\", "\x00", "é" * 500, "a " * 300, "%", "&amp;", "<b>x</b>", "'", "’", "l'", "http://x.y/?q=1",
             "NOT", "AND", "a AND NOT b", "title:x", "body:y^3", "\u202e", "🙂", "  ", "a\nb\tc", "\"a\" -\"b\"",
             "type:post type:person", "before:2024-01-01 after:2025-01-01"]


@pytest.mark.parametrize("text", MALFORMED)
def test_malformed_queries_parse_as_words(text):
    parsed = parse(text)
    translate(parsed).query(parsed.type)  # never raises
    assert len(parsed.raw) <= 400


def test_unknown_filters_and_bad_values_are_words():
    assert [g[0].words for g in parse("type:bogus").groups] == [("type", "bogus")]
    assert parse("before:2024-13-45").before is None
    assert parse("colour:red").groups[0][0].words == ("colour", "red")


# --- over HTTP ------------------------------------------------------------------------
@pytest.fixture
def world(app, make_user):
    """Ana (Paris, skills), Bob, an open space with posts, and a person-wall post."""
    from agora.spaces.services import create_space
    from agora.walls.comments import add_comment
    from agora.walls.services import create_post

    ana = make_user("ana@example.com", name="Ana Lopez", title="Network engineer", department="IT")
    bob = make_user("bob@example.com", name="Bob Martin", title="Accountant", department="Finance")
    eve = make_user("eve@example.com", name="Ève Durand", title="Designer", department="Design")
    space = create_space("reseau", "Réseau interne", "Les réseaux de l'entreprise")
    posts = {
        "reunion": create_post(ana, space=space, body="La réunion des employés aura lieu lundi. #Planning"),
        "meetings": create_post(bob, person=ana, body="Weekly meetings with the network team <b>bold</b>"),
        "budget": create_post(bob, space=space, body="Le budget 2025 est validé. #Budget"),
        "draft": create_post(eve, space=space, body="Budget brouillon, ne pas diffuser"),
        "phrase": create_post(eve, person=bob, body="Le plan de charge du trimestre, puis la charge du plan"),
        "xss": create_post(eve, person=eve, body="Attention <script>alert(1)</script> & <i>quotes</i> \"fishing\""),
    }
    comment = add_comment(bob, posts["reunion"], "Je viendrai à la réunion avec l'équipe.")
    return {"ana": ana, "bob": bob, "eve": eve, "space": space, "posts": posts, "comment": comment}


def _get(client, **params):
    response = client.get("/search", query_string=params)
    return response, response.get_data(as_text=True)


def _api(client, token, **params):
    return client.get("/api/v1/search", query_string=params, headers={"Authorization": f"Bearer {token}"})


@pytest.fixture
def token(world):
    from agora.accounts.services import create_token

    return create_token(world["bob"], "search")[1]


def _ids(client, token, q, **params):
    data = _api(client, token, q=q, **params).get_json()
    return {(r["type"], r["id"]) for r in data["results"]}


def test_search_page_finds_posts_across_languages_and_accents(client, login, world, token):
    login(world["bob"])
    response, html = _get(client, q="REUNION")
    assert response.status_code == 200
    assert "<mark>réunion</mark>" in html
    assert ("post", world["posts"]["reunion"].id) in _ids(client, token, "réunions")
    assert ("comment", world["comment"].id) in _ids(client, token, "equipe")
    assert ("post", world["posts"]["meetings"].id) in _ids(client, token, "meeting")
    assert ("space", world["space"].id) in _ids(client, token, "entreprises")


def test_phrase_exclusion_or(client, world, token):
    posts = world["posts"]
    assert _ids(client, token, '"plan de charge"') == {("post", posts["phrase"].id)}
    assert _ids(client, token, '"charge de plan"') == set()
    assert _ids(client, token, "budget") == {("post", posts["budget"].id), ("post", posts["draft"].id)}
    assert _ids(client, token, "budget -brouillon") == {("post", posts["budget"].id)}
    assert _ids(client, token, 'budget -"ne pas diffuser"') == {("post", posts["budget"].id)}
    assert _ids(client, token, "brouillon OR meetings") == {("post", posts["draft"].id), ("post", posts["meetings"].id)}
    assert _ids(client, token, "brouillon meetings") == set()


def test_filters(app, client, world, token):
    from agora.extensions import db

    posts, bob = world["posts"], world["bob"]
    assert _ids(client, token, "budget author:bob") == {("post", posts["budget"].id)}
    assert _ids(client, token, f"author:{world['eve'].handle} budget") == {("post", posts["draft"].id)}
    assert _ids(client, token, "réunion space:reseau") == {("post", posts["reunion"].id),
                                                            ("comment", world["comment"].id)}
    assert _ids(client, token, "réunion space:nowhere") == set()
    assert _ids(client, token, "tag:budget") == {("post", posts["budget"].id)}
    assert _ids(client, token, "tag:#BUDGET") == {("post", posts["budget"].id)}
    assert _ids(client, token, "réunion type:comment") == {("comment", world["comment"].id)}
    assert _ids(client, token, "réunion", type="comment") == {("comment", world["comment"].id)}
    assert _ids(client, token, "engineer type:person") == {("person", world["ana"].id)}
    posts["budget"].created_at = datetime(2023, 5, 10, 12)
    posts["draft"].created_at = datetime(2024, 2, 1, 9)
    db.session.commit()
    assert _ids(client, token, "budget before:2024-01-01") == {("post", posts["budget"].id)}
    assert _ids(client, token, "budget after:2024-02-01") == {("post", posts["draft"].id)}
    assert _ids(client, token, "budget after:2023-05-10 before:2023-05-11") == {("post", posts["budget"].id)}
    # Filters alone list everything that matches them, newest first.
    data = _api(client, token, q=f"author:{bob.handle}").get_json()
    assert [r["id"] for r in data["results"] if r["type"] == "post"][:1] == [posts["phrase"].id] or data["total"] >= 2


def test_results_are_grouped_by_type_with_counts(client, login, world, token):
    data = _api(client, token, q="réunion").get_json()
    assert data["counts"]["post"] == 1 and data["counts"]["comment"] == 1
    login(world["bob"])
    _, html = _get(client, q="réunion", type="comment")
    assert 'aria-current="page"' in html
    assert re.search(r"Comments\s*<span class=\"count\">\(1\)</span>", html)
    assert re.search(r"Posts\s*<span class=\"count\">\(1\)</span>", html)
    assert "Comment by Bob Martin" in html


def test_snippets_escape_content_and_only_mark_matches(client, login, world, token):
    login(world["bob"])
    _, html = _get(client, q="attention")
    assert "<script>alert" not in html
    assert "<mark>Attention</mark>" in html
    result = [r for r in _api(client, token, q="fishing").get_json()["results"]][0]
    assert "<mark>fishing</mark>" in result["snippet"]
    assert re.sub(r"</?mark>", "", result["snippet"]).count("<") == 0
    assert "&amp;" in result["snippet"] or "&" not in result["snippet"]


def test_people_by_skill_rank_above_mentions(app, client, make_user, world, token):
    from agora.profiles.services import update_personal

    carla = make_user("carla@example.com", name="Carla Fontaine", title="Ops")
    dan = make_user("dan@example.com", name="Dan Roe", title="Developer")
    update_personal(dan, dan, skills=["Kubernetes", "Python"], bio="", ask_me_about="")
    update_personal(carla, carla, bio="I once read a book about kubernetes.", skills=[], ask_me_about="")
    results = _api(client, token, q="kubernetes", type="person").get_json()["results"]
    assert [r["id"] for r in results][:2] == [dan.id, carla.id], [(r["id"], r["score"], r["snippet"]) for r in results]
    assert "<mark>Kubernetes</mark>" in results[0]["snippet"]


def test_person_snippet_shows_the_matching_part_of_a_profile_once(app, client, make_user, world, token):
    """A skill also named in "ask me about" is marked once, not "Sécurité Sécurité" (both were shown as one line)."""
    from agora.profiles.services import update_personal

    dan = make_user("dan@example.com", name="Dan Roe", title="Developer")
    update_personal(dan, dan, skills=["Python", "Sécurité"], bio="", ask_me_about="Sécurité, le vélo en ville")

    def snippet(q):
        results = _api(client, token, q=q, type="person").get_json()["results"]
        return next(r["snippet"] for r in results if r["id"] == dan.id)

    found = snippet("sécurité")
    assert found == "Python, <mark>Sécurité</mark>", found
    assert snippet("vélo") == "Sécurité, le <mark>vélo</mark> en ville"
    assert snippet("Dan") == "Python, Sécurité"  # matched by name: the skills alone


def test_did_you_mean_from_index_words(client, login, world, token):
    data = _api(client, token, q="réunoin").get_json()
    # Suggestions come from the folded vocabulary: accents do not matter to the search anyway.
    assert data["total"] == 0 and data["suggestion"] == "reunion"
    login(world["bob"])
    _, html = _get(client, q="budgte")
    assert "Did you mean" in html and ">budget</a>" in html
    assert _api(client, token, q="budget").get_json()["suggestion"] is None
    # Suggestions keep the first letter typed (which keeps them fast on a large vocabulary).
    assert _api(client, token, q="vudget").get_json()["suggestion"] is None


def test_did_you_mean_prefers_the_closest_word_then_the_most_used(client, world, token):
    from agora.walls.services import create_post

    bob, space = world["bob"], world["space"]
    for body in ("Les réunions du lundi", "Deux réunions annulées", "Trois réunions de plus"):
        create_post(bob, space=space, body=body)
    for body in ("Un poste ouvert", "Le poste de Lyon", "Poste à pourvoir"):
        create_post(bob, space=space, body=body)
    # "réunions" and "poste" are in more documents, but a swapped pair of letters is one slip away.
    assert _api(client, token, q="réunoin").get_json()["suggestion"] == "reunion"
    assert _api(client, token, q="budgte").get_json()["suggestion"] == "budget"
    create_post(bob, space=space, body="Le projet avance")
    assert _api(client, token, q="projte").get_json()["suggestion"] == "projet"
    # Equally close words: the one more documents use ("poste" in three posts, "porte" in one).
    create_post(bob, space=space, body="La porte du hall")
    assert _api(client, token, q="poxte").get_json()["suggestion"] == "poste"


def test_spelling_distance_counts_a_swap_as_one_slip():
    from agora.search.spelling import distance

    assert distance("projte", "projet") == 1
    assert distance("reunoin", "reunion") == 1
    assert distance("reunoin", "reunions") == 2
    assert distance("budget", "budget") == 0
    assert distance("chat", "chien") == 3
    assert distance("", "abc") == 3


def test_hidden_deleted_and_deactivated(app, client, world, token):
    from agora.accounts.services import deactivate
    from agora.core.time import utcnow
    from agora.extensions import db
    from agora.walls.services import delete_post

    posts = world["posts"]
    posts["budget"].hidden_at, posts["budget"].hidden_reason = utcnow(), "off topic"
    db.session.commit()
    assert ("post", posts["budget"].id) not in _ids(client, token, "budget")
    delete_post(world["eve"], posts["draft"])
    assert _ids(client, token, "brouillon") == set()
    # Restoring hidden content brings it back.
    posts["budget"].hidden_at = None
    db.session.commit()
    assert ("post", posts["budget"].id) in _ids(client, token, "budget")
    # A deleted post's comments leave with it.
    assert ("comment", world["comment"].id) in _ids(client, token, "viendrai")
    delete_post(world["ana"], posts["reunion"])
    assert _ids(client, token, "viendrai") == set()
    # Deactivated people are no longer offered as someone to ask; their posts stay readable.
    deactivate(world["eve"])
    assert ("person", world["eve"].id) not in _ids(client, token, "designer")
    assert ("post", posts["phrase"].id) in _ids(client, token, "trimestre")


def test_profile_changes_reindex_the_person(app, client, world, token):
    from agora.profiles.services import update_personal

    assert _ids(client, token, "cryptographie") == set()
    update_personal(world["ana"], world["ana"], skills=["Cryptographie"], bio="", ask_me_about="")
    assert _ids(client, token, "cryptographie") == {("person", world["ana"].id)}


def test_pagination_keeps_counts_right(app, client, world, token):
    from agora.walls.services import create_post

    for i in range(45):
        create_post(world["bob"], person=world["ana"], body=f"Sujet numéro {i}: inventaire")
    first = _api(client, token, q="inventaire").get_json()
    third = _api(client, token, q="inventaire", page=3).get_json()
    assert first["total"] == third["total"] == 45 and first["pages"] == 3
    assert len(first["results"]) == 20 and len(third["results"]) == 5
    assert _api(client, token, q="inventaire", page=99).get_json()["results"] == []
    assert _api(client, token, q="inventaire", page="x").get_json()["page"] == 1


def test_api_shape_and_auth(client, world, token):
    response = client.get("/api/v1/search?q=budget")
    assert response.status_code == 401
    data = _api(client, token, q="budget", order="date").get_json()
    assert data["total"] == 2
    first = data["results"][0]
    assert set(first) >= {"type", "id", "url", "title", "snippet", "author", "space", "date"}
    assert first["url"] == f"/posts/{first['id']}"
    assert first["author"]["handle"] and first["space"] == {"slug": "reseau", "name": "Réseau interne"}
    assert _api(client, token, q="planning", type="tag").get_json()["results"][0]["id"] == "planning"
    for bad in MALFORMED[:20]:
        assert _api(client, token, q=bad).status_code == 200


def test_search_page_without_query_and_header_box(client, login, world):
    login(world["bob"])
    response, html = _get(client)
    assert response.status_code == 200
    assert 'role="search"' in html and 'data-people-suggest="/people/suggest"' in html
    for bad in MALFORMED:
        assert client.get("/search", query_string={"q": bad, "type": "x", "order": "?", "page": "-3"}).status_code == 200


def test_search_page_needs_login(client, world):
    assert client.get("/search?q=budget").status_code == 302


def test_search_page_runs_constant_queries(app, client, login, world, count_queries):
    from agora.walls.services import create_post

    login(world["bob"])
    client.get("/search?q=budget")
    with count_queries() as few:
        client.get("/search?q=budget")
    for i in range(30):
        create_post(world["ana"], space=world["space"], body=f"budget {i}")
    client.get("/search?q=budget")
    with count_queries() as many:
        response = client.get("/search?q=budget")
    assert response.status_code == 200 and "budget" in response.get_data(as_text=True)
    assert many.count == few.count <= 8


def test_renamed_space_and_author_show_their_new_names(app, client, world, token):
    from agora.extensions import db

    world["space"].name = "Réseaux et télécoms"
    world["bob"].name = "Robert Martin"
    db.session.commit()
    result = _api(client, token, q="budget -brouillon").get_json()["results"][0]
    assert result["space"]["name"] == "Réseaux et télécoms" and result["author"]["name"] == "Robert Martin"
    assert ("person", world["bob"].id) in _ids(client, token, "robert")


def test_counts_and_phrase_ranking_stay_exact_across_repeats_and_deletions(app, client, world, token):
    """Counts are cached per (segment, query): a deletion or a new post changes them at once."""
    from agora.walls.services import create_post, delete_post

    made = [create_post(world["bob"], person=world["ana"], body=f"Revue de code numéro {i}") for i in range(30)]
    near = create_post(world["bob"], person=world["ana"], body="Le code de la revue, pas une revue de code")
    apart = create_post(world["bob"], person=world["ana"], body="Une revue, puis du code")
    for _ in range(2):  # the second answer comes from the cache
        data = _api(client, token, q='"revue de code"').get_json()
        assert data["total"] == 31 and data["counts"]["post"] == 31
        assert ("post", apart.id) not in {(r["type"], r["id"]) for r in data["results"]}
    delete_post(world["bob"], made[0])
    data = _api(client, token, q='"revue de code"', page=2).get_json()
    assert data["total"] == 30 and len(data["results"]) == 10
    everything = set()
    for page in (1, 2):
        everything |= {r["id"] for r in _api(client, token, q='"revue de code"', page=page).get_json()["results"]}
    assert everything == {p.id for p in made[1:]} | {near.id}
    create_post(world["ana"], person=world["ana"], body="Encore une revue de code")
    assert _api(client, token, q='"revue de code"').get_json()["total"] == 31
    assert _api(client, token, q="revue -code").get_json()["total"] == 0
    assert _api(client, token, q="revue code type:post").get_json()["counts"] == {"post": 32}


@pytest.mark.parametrize("query", ["inventaire", "inventaire author:@bob", "inventaire -urgent", '"revue annuelle"',
                                   "inventaire OR revue", "inventaire type:post"])
def test_known_matches_rank_as_whoosh_ranks_them(app, client, world, token, monkeypatch, query):
    """Scoring the known matches one by one gives Whoosh's own order (the shortcut changes speed, not results)."""
    from agora.search import whoosh_index
    from agora.walls.comments import add_comment
    from agora.walls.services import create_post

    bodies = ["inventaire", "inventaire inventaire du stock", "revue annuelle de l'inventaire",
              "inventaire urgent", "la revue annuelle", "Inventaire, inventaire, inventaire !"]
    for i in range(24):
        author = world["bob"] if i % 3 else world["ana"]
        post = create_post(author, person=world["ana"], body=f"{bodies[i % len(bodies)]} {'x ' * (i % 7)}")
        if i % 4 == 0:
            add_comment(world["eve"], post, f"revue annuelle {bodies[(i + 1) % len(bodies)]}")

    def ranked():
        data = _api(client, token, q=query).get_json()
        return data["total"], [(r["type"], r["id"]) for r in data["results"]]

    shortcut = ranked()
    monkeypatch.setattr(whoosh_index, "DIRECT_SCORING_MAX", 0)
    assert shortcut[1] and ranked() == shortcut


def test_the_posting_block_cache_changes_speed_not_results(app, client, world, token, monkeypatch):
    """Decoded posting blocks are kept per file and offset: after writes, merges and deletions the
    answers are those of reading every block from disk."""
    from whoosh.codec.whoosh3 import W3LeafMatcher

    from agora.search import whoosh_patches
    from agora.walls.services import create_post, delete_post

    queries = ["inventaire", "inventaire author:@bob", '"revue annuelle"', "inventaire -urgent", "revue OR stock"]

    def answers():
        return [(data["total"], [(r["type"], r["id"]) for r in data["results"]])
                for data in (_api(client, token, q=q).get_json() for q in queries)]

    posts = [create_post(world["bob"], person=world["ana"], body=f"inventaire {'stock ' * (i % 5)} revue annuelle")
             for i in range(12)]
    answers()
    assert whoosh_patches._blocks._items, "the searches went through the block cache"
    for i in range(12):  # new segments, merges that rewrite files, deletions
        create_post(world["ana"], person=world["ana"], body=f"inventaire urgent {'x ' * i}")
    delete_post(world["bob"], posts[0])
    cached = answers()
    monkeypatch.setattr(W3LeafMatcher, "_read_ids", whoosh_patches._read_ids_from_disk)
    monkeypatch.setattr(W3LeafMatcher, "_read_weights", whoosh_patches._read_weights_from_disk)
    assert answers() == cached
    assert cached[0][0] == 23
