"""A small company for the moderation tests: spaces, every role, posts; import its fixtures into a test module."""
from __future__ import annotations

from dataclasses import dataclass, field

import pytest

MOD_CONFIG = {
    "admins": {"emails": ["admin@example.com"]},
    # HR moderates "team" only: in "other" they are an ordinary colleague.
    "hr": {"emails": ["hr@example.com"], "moderates": ["team"]},
    "moderation": {"watch_keywords": ["Réunion secrète", "layoffs"], "max_suspension_days": 30},
}


@dataclass
class World:
    app: object
    people: dict = field(default_factory=dict)
    spaces: dict = field(default_factory=dict)
    tokens: dict = field(default_factory=dict)
    clients: dict = field(default_factory=dict)

    def __getattr__(self, name):
        people = self.__dict__.get("people", {})
        if name in people:
            return people[name]
        raise AttributeError(name)

    def headers(self, who: str) -> dict:
        """Bearer headers for one of the people."""
        from agora.accounts.services import create_token

        if who not in self.tokens:
            self.tokens[who] = create_token(self.people[who], "test")[1]
        return {"Authorization": f"Bearer {self.tokens[who]}"}

    def browser(self, who: str):
        """A logged-in HTTPS test client for one of the people (one per person)."""
        if who not in self.clients:
            c = self.app.test_client()
            c.environ_base["wsgi.url_scheme"] = "https"
            response = c.post("/login", data={"email": self.people[who].email, "password": PASSWORD})
            assert response.status_code == 302
            self.clients[who] = c
        return self.clients[who]

    def post(self, who: str, space: str | None = "team", body: str = "Hello team", wall: str | None = None):
        """Publish a post as `who` in a space (or on `wall`'s person wall)."""
        from agora.walls.services import create_post

        author = self.people[who]
        if wall is not None:
            return create_post(author, person=self.people[wall], body=body)
        return create_post(author, space=self.spaces[space], body=body)

    def comment(self, who: str, post, body: str = "A comment"):
        from agora.walls.comments import add_comment

        return add_comment(self.people[who], post, body)

    def fresh(self, model, ident):
        from agora.extensions import db

        db.session.expire_all()
        return db.session.get(model, ident)


PASSWORD = "correct horse battery"


@pytest.fixture
def app_config():
    return MOD_CONFIG


@pytest.fixture
def world(app, make_user):
    """team (closed): author, member, mod (moderator); side (open): mod moderates; other (open): no moderator."""
    from agora.core.append_only import install_append_only_triggers
    from agora.extensions import db
    from agora.spaces.models import Membership
    from agora.spaces.services import create_space

    with db.engine.begin() as connection:
        install_append_only_triggers(connection)
    w = World(app)
    for handle in ("author", "member", "outsider", "mod", "hr", "admin", "mod2"):
        w.people[handle] = make_user(f"{handle}@example.com", name=handle.title())
    w.spaces["team"] = create_space("team", "Team", visibility="closed")
    w.spaces["side"] = create_space("side", "Side", visibility="open")
    w.spaces["other"] = create_space("other", "Other", visibility="open")
    w.spaces["secret"] = create_space("secret", "Secret", visibility="secret")
    rows = [("team", "author", "member"), ("team", "member", "member"), ("team", "mod", "moderator"),
            ("side", "mod", "moderator"), ("secret", "mod2", "moderator"), ("team", "mod2", "moderator")]
    for space, who, role in rows:
        db.session.add(Membership(space_id=w.spaces[space].id, user_id=w.people[who].id, role=role))
    db.session.commit()
    return w
