"""Feed API: `GET /api/v1/feed?cursor=`."""
from flask import request
from flask_login import current_user

from agora.core.api import api_blueprint
from agora.core.errors import ValidationError
from agora.feed.services import home_feed
from agora.walls.serialise import post_json

bp = api_blueprint("feed_api", __name__)


@bp.get("/feed")
def feed():
    try:
        limit = int(request.args.get("limit", 20))
    except ValueError:
        raise ValidationError("'limit' must be a number.", {"limit": ["Must be a number."]}) from None
    page = home_feed(current_user, request.args.get("cursor") or None, limit)
    return {
        "pinned": [post_json(p, page.posts.reactions) for p in page.pinned],
        "items": [post_json(p, page.posts.reactions) for p in page.posts.posts],
        "next_cursor": page.posts.next_cursor,
    }
