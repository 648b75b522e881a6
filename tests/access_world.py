"""A small company for the access-control matrix: every role, a space of each visibility, content in every channel.

Built once per test module and backend (`access_world` fixture). Each space holds a post that carries a
word found nowhere else, a hashtag, a mention of every person and an attached file, and a second post
that a moderator hid with a reason (the hide is on the space's moderation ledger). Expected visibility
is never restated here: `expected()` asks agora.core.policy.can() for each reader.
"""
from __future__ import annotations

import os
from contextlib import contextmanager
from dataclasses import dataclass, field

import pytest

from tests.conftest import PASSWORD, _base_config, _merge
from tests.openapi_check import install as install_openapi_check

KINDS = ("open", "closed", "secret")
PEOPLE = ("member", "outsider", "spacemod", "hr", "admin", "deactivated", "author", "leaver")
# Readers of the matrix: HR twice, once moderating every space and once only the secret one (hr.moderates).
READERS = ("member", "outsider", "spacemod", "hr_all", "hr_some", "admin", "deactivated", "author", "leaver")
HR_MODERATES = {"hr_all": ["*"], "hr_some": ["secret-room"]}
CONFIG = {"hr": {"emails": ["hr@example.com"], "moderates": ["*"]}}


def words(kind: str) -> dict[str, str]:
    """The unique words of one space's content (made-up, so no stemmer folds two of them together)."""
    return {"post": f"zq{kind}post", "hidden": f"zq{kind}hidden", "tag": f"Zq{kind.title()}Tag",
            "reason": f"zq{kind}reason", "file": f"zq{kind}file", "space": f"zq{kind}space"}


@dataclass
class SpaceContent:
    kind: str
    slug: str
    space_id: int
    post_id: int
    hidden_id: int
    media_id: int
    hidden_media_id: int
    action_id: int
    words: dict


@dataclass
class World:
    app: object
    ids: dict = field(default_factory=dict)        # person -> user id
    handles: dict = field(default_factory=dict)    # person -> handle
    tokens: dict = field(default_factory=dict)     # person -> API token
    clients: dict = field(default_factory=dict)    # person -> logged-in test client
    spaces: dict = field(default_factory=dict)     # kind -> SpaceContent

    @staticmethod
    def person(reader: str) -> str:
        return "hr" if reader.startswith("hr_") else reader

    def client(self, reader: str):
        return self.clients[self.person(reader)]

    def bearer(self, reader: str) -> dict:
        return {"Authorization": f"Bearer {self.tokens[self.person(reader)]}"}

    @contextmanager
    def as_reader(self, reader: str):
        """Apply the config this reader needs (HR moderating all or some spaces) for the duration."""
        hr = self.app.config["AGORA"]["hr"]
        before = hr["moderates"]
        hr["moderates"] = HR_MODERATES.get(reader, before)
        try:
            yield
        finally:
            hr["moderates"] = before

    def expected(self, reader: str) -> dict[str, dict[str, bool]]:
        """What the policy lets `reader` do with each space's content, evaluated in an app context."""
        from agora.accounts.models import User
        from agora.core.policy import can, forget_space_access
        from agora.extensions import db
        from agora.moderation.models import ModerationAction
        from agora.spaces.models import Space
        from agora.walls.models import Post

        with self.as_reader(reader), self.app.app_context():
            forget_space_access()
            user = db.session.get(User, self.ids[self.person(reader)])
            found = {}
            for kind, content in self.spaces.items():
                space = db.session.get(Space, content.space_id)
                post, hidden = db.session.get(Post, content.post_id), db.session.get(Post, content.hidden_id)
                found[kind] = {
                    "see": can(user, "space.see", space),
                    "view_space": can(user, "space.view", space),
                    "view": can(user, "post.view", post),
                    "view_hidden_post": can(user, "post.view", hidden),
                    "view_hidden": can(user, "post.view_hidden", hidden),
                    "ledger": can(user, "moderation.ledger_view", db.session.get(ModerationAction, content.action_id)),
                    "active": bool(user.active),
                }
            db.session.remove()
        return found


def _database_url(backend: str, request, tmp_path_factory) -> str:
    if backend == "sqlite":
        return f"sqlite:///{tmp_path_factory.mktemp('access-world') / 'agora.db'}"
    server = request.getfixturevalue("pg_server")
    worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
    return server.create_database(f"agora_access_{worker}")


def build(app) -> World:
    """Create the people, spaces and content (in an app context), log everyone in, then deactivate one."""
    from agora.accounts.services import create_token, create_user, deactivate
    from agora.extensions import db
    from agora.follows.services import follow
    from agora.moderation.actions import act
    from agora.spaces.models import Membership
    from agora.spaces.services import create_space
    from agora.walls.services import Upload, create_post

    world = World(app)
    with app.app_context():
        db.create_all()
        users = {name: create_user(f"{name}@example.com", name.title(), PASSWORD, is_admin=name == "admin")
                 for name in PEOPLE}
        world.ids = {name: u.id for name, u in users.items()}
        world.handles = {name: u.handle for name, u in users.items()}
        rooms, hidden = {}, {}
        for kind in KINDS:
            w = words(kind)
            space = rooms[kind] = create_space(f"{kind}-room", f"{kind.title()} room", f"Room {w['space']}",
                                               visibility=kind)
            for name in ("member", "deactivated", "author", "leaver"):
                db.session.add(Membership(space_id=space.id, user_id=users[name].id, role="member"))
            db.session.add(Membership(space_id=space.id, user_id=users["spacemod"].id, role="moderator"))
            db.session.commit()
        # Hidden posts first, so the author's profile (it lists the latest three) shows the visible ones.
        for kind in KINDS:
            w = words(kind)
            post = create_post(users["author"], space=rooms[kind], body=f"{w['hidden']} was said here",
                               uploads=[Upload(f"{w['hidden']}.txt", f"{w['hidden']} attached".encode(), "text/plain")])
            hidden[kind] = (post, act(users["spacemod"], "post", post.id, "hide", reason=f"{w['reason']} off topic"))
        mentions = " ".join(f"@{users[n].handle}" for n in PEOPLE if n != "author")
        for kind in KINDS:
            w = words(kind)
            post = create_post(users["author"], space=rooms[kind], body=f"{w['post']} #{w['tag']} {mentions}",
                               uploads=[Upload(f"{w['file']}.txt", f"{w['file']} attached".encode(), "text/plain")])
            hid, action = hidden[kind]
            world.spaces[kind] = SpaceContent(kind, rooms[kind].slug, rooms[kind].id, post.id, hid.id,
                                              post.attachments[0].id, hid.attachments[0].id, action.id, w)
        for name in PEOPLE:
            if name != "author":
                follow(users[name], "person", users["author"].handle)  # so every feed could carry the posts
        world.tokens = {name: create_token(u, "matrix")[1] for name, u in users.items()}
        db.session.remove()
    for name in PEOPLE:
        c = app.test_client()
        c.environ_base["wsgi.url_scheme"] = "https"
        response = c.post("/login", data={"email": f"{name}@example.com", "password": PASSWORD})
        assert response.status_code == 302, (name, response.status_code)
        world.clients[name] = c
    with app.app_context():
        deactivate(db.session.get(type(users["member"]), world.ids["deactivated"]))
        db.session.remove()
    return world


@pytest.fixture(scope="module")
def access_world(backend, request, tmp_path_factory):
    """One World per test module and backend, in its own database; dropped at the end of the module."""
    from agora import create_app
    from agora.extensions import db

    url = _database_url(backend, request, tmp_path_factory)
    app = create_app(_merge(_base_config(url, tmp_path_factory.mktemp("access-instance")), CONFIG))
    install_openapi_check(app)  # as the `app` fixture does: every API answer must match the description
    world = build(app)
    yield world
    with app.app_context():
        db.session.remove()
        if backend == "postgresql":
            db.drop_all()
        db.engine.dispose()
