"""One folding for handles, sort names, hashtags, skills and search: what people type meets what is stored."""
import pytest

from agora.core.folding import fold, slugify

# (as written, folded): the table every matching in Agora relies on.
FOLD_TABLE = [
    ("Réunion", "reunion"),
    ("RÉUNION", "reunion"),
    ("Œuvre", "oeuvre"),
    ("œuvre", "oeuvre"),
    ("Lætitia", "laetitia"),
    ("Æsir", "aesir"),
    ("Straße", "strasse"),
    ("Émilie", "emilie"),
    ("  Hélène Marchand ", "helene marchand"),
    ("François", "francois"),
    ("Noël", "noel"),
    ("Ångström", "angstrom"),
    ("ﬁnance", "finance"),  # a typographic ligature: Unicode decomposes it
    ("İstanbul", "istanbul"),
    ("l’équipe", "l’equipe"),  # apostrophes stay: search's elision reads them
    ("", ""),
    (None, ""),
]


@pytest.mark.parametrize("written, folded", FOLD_TABLE)
def test_fold_table(written, folded):
    assert fold(written) == folded


def test_slugs_fold_the_same_way():
    assert slugify("Réseaux sociaux") == "reseaux-sociaux"
    assert slugify("Œnologie") == "oenologie"
    assert slugify("C++") == "c++" and slugify("C#") == "c#"


def test_handle_directory_hashtag_and_search_agree_on_oe(app, client, login, make_user):
    from agora.follows.services import follow
    from agora.walls.services import create_post

    ana = make_user("œuvre@example.com", name="Lætitia Œuvre")
    assert ana.handle == "oeuvre"  # the old accounts folding made "uvre"
    login(ana)
    directory = client.get("/people", query_string={"q": "laetitia"}).get_data(as_text=True)
    assert "/people/oeuvre" in directory
    post = create_post(ana, person=ana, body="Notre #Œuvre commune")
    assert 'href="/tags/oeuvre"' in post.body_html
    for typed in ("oeuvre", "Œuvre", "ŒUVRE"):
        page = client.get(f"/tags/{typed}", follow_redirects=True)
        assert page.status_code == 200 and f"/posts/{post.id}" in page.get_data(as_text=True), typed
    assert follow(ana, "hashtag", "#œuvre").slug == "oeuvre"
    for query in ("tag:oeuvre", "tag:#Œuvre", "œuvre", "OEUVRE"):
        found = client.get("/api/v1/search", query_string={"q": query},
                           headers={"Authorization": f"Bearer {_token(ana)}"}).get_json()
        assert ("post", post.id) in {(r["type"], r["id"]) for r in found["results"]}, query


def _token(user) -> str:
    from agora.accounts.services import create_token

    return create_token(user, "test")[1]
