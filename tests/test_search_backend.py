"""The search backend interface: the query tree and the scope import no engine, and a backend
translates one search's query once and builds its permission filter once."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
# Everything search runs besides its backend: the query tree, words, scopes, the interface, results,
# snippets, the outbox and indexer, pages, API and commands. A second backend plugs in below these.
GENERIC = ["query", "text", "filters", "backend", "services", "snippets", "sources", "indexer", "outbox",
           "models", "api", "views", "cli"]


def test_the_generic_search_modules_import_no_whoosh():
    code = ("import sys\n"
            + "".join(f"import agora.search.{name}\n" for name in GENERIC)
            + "print(sorted(m for m in sys.modules if m == 'whoosh' or m.startswith('whoosh.')))\n")
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"


@pytest.fixture
def token(app, make_user):
    """Bob's API token; Bob reads an open space with a budget post, but not a closed one."""
    from agora.accounts.services import create_token
    from agora.extensions import db
    from agora.spaces.models import Membership
    from agora.spaces.services import create_space
    from agora.walls.services import create_post

    ana = make_user("ana@example.com", name="Ana Lopez")
    bob = make_user("bob@example.com", name="Bob Martin")
    open_space = create_space("reseau", "Réseau interne", "Les réseaux")
    closed = create_space("direction", "Direction", "Le comité", visibility="closed")
    db.session.add(Membership(space_id=closed.id, user_id=ana.id, role="member"))
    db.session.commit()
    create_post(ana, space=open_space, body="Le budget 2025 est validé. #Budget")
    create_post(ana, space=open_space, body="Le budget du réseau, en brouillon")
    create_post(ana, space=closed, body="Le budget secret de la direction")
    create_post(ana, person=bob, body="Un budget pour le pot de départ")
    return create_token(bob, "search")[1]


@pytest.fixture
def calls(monkeypatch):
    """Each translation (by the query typed) and each filter the Whoosh backend builds."""
    from agora.search import whoosh_index

    made = {"translated": [], "filters": 0}
    real_translate, real_filter = whoosh_index.translate, whoosh_index.whoosh_filter

    def translate(parsed, *args):
        made["translated"].append(parsed.raw)
        return real_translate(parsed, *args)

    def whoosh_filter(*args):
        made["filters"] += 1
        return real_filter(*args)

    monkeypatch.setattr(whoosh_index, "translate", translate)
    monkeypatch.setattr(whoosh_index, "whoosh_filter", whoosh_filter)
    return made


def _search(client, token, calls, **params) -> dict:
    calls["translated"], calls["filters"] = [], 0
    response = client.get("/api/v1/search", query_string=params, headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 200
    return response.get_json()


def test_one_search_translates_its_query_once_and_builds_its_filter_once(client, token, calls):
    # Counts for every type, the hashtags, then the page of one type; a space: filter and a phrase.
    data = _search(client, token, calls, q='budget space:reseau "le budget"', type="post")
    assert (data["total"], data["counts"]) == (2, {"post": 2})
    assert calls == {"translated": ['budget space:reseau "le budget"'], "filters": 1}
    data = _search(client, token, calls, q="budget")
    assert data["total"] == 3 and data["tags"] and data["suggestion"] is None
    assert calls == {"translated": ["budget"], "filters": 1}


def test_a_suggestion_is_checked_within_the_same_filter(client, token, calls):
    data = _search(client, token, calls, q="budgte")
    assert data["total"] == 0 and data["suggestion"] == "budget"
    # The corrected query is another query: translated once too, and checked within the one filter.
    assert calls == {"translated": ["budgte", "budget"], "filters": 1}
    data = _search(client, token, calls, q="secrte")  # only in a space Bob does not read
    assert data["suggestion"] is None
    assert calls == {"translated": ["secrte", "secret"], "filters": 1}
