"""A small world with one real object of each kind, and URLs for any route of the URL map built from it."""
from __future__ import annotations

from sqlalchemy import select
from werkzeug.routing.converters import AnyConverter


def build_world(make_user) -> dict:
    """Ana (an admin) and Bob, a space, a post on Bob's wall mentioning him, a comment, a notification, a token."""
    from agora.accounts import services as accounts
    from agora.extensions import db
    from agora.notifications.models import Notification
    from agora.notifications.services import notify
    from agora.spaces.services import create_space
    from agora.walls import comments
    from agora.walls import services as walls

    ana = make_user("ana@example.com", name="Ana Lima", is_admin=True)
    bob = make_user("bob@example.com", name="Bob Stone")
    space = create_space("projects", "Projects", "Open space")
    post = walls.create_post(ana, person=bob, body="Hello @bob")
    comment = comments.add_comment(ana, post, "A comment")
    notify(ana.id, "comment", actor_id=bob.id, target_type="post", target_id=post.id, url=f"/posts/{post.id}")
    token, secret = accounts.create_token(ana, "script")
    notification = db.session.scalar(select(Notification).where(Notification.recipient_id == ana.id))
    return {"ana": ana, "bob": bob, "space": space, "post": post, "comment": comment, "token": token,
            "secret": secret, "notification": notification}


def url_for_rule(app, rule, world) -> str:
    """The rule's URL with the world's objects as arguments (the first choice for `any(...)` parts)."""
    known = {
        "handle": world["bob"].handle, "post_id": world["post"].id, "comment_id": world["comment"].id,
        "notification_id": world["notification"].id, "token_id": world["token"].id, "slug": world["space"].slug,
        "kind": "people", "key": world["bob"].handle, "media_id": 1,
    }
    values = {}
    for name in rule.arguments:
        converter = rule._converters.get(name)
        if isinstance(converter, AnyConverter):
            values[name] = sorted(converter.items)[0]
        else:
            values[name] = known.get(name, 1 if "id" in name else "x")
    return app.url_map.bind("localhost").build(rule.endpoint, values)
