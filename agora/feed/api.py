"""Feed API: `GET /api/v1/feed?cursor=`."""
from flask import request
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from agora.core.api import api_blueprint, int_arg
from agora.core.openapi import CURSOR, INTEGER, NEXT_CURSOR, array, obj, operation, query, ref
from agora.feed.services import home_feed
from agora.walls.serialise import post_json

FEED = obj({
    "pinned": array(ref("Post"), _l("Pinned announcements, on the first page only.")),
    "items": array(ref("Post"), _l("Newest first.")),
    "next_cursor": NEXT_CURSOR,
})
LIMIT = query("limit", INTEGER, _l("Items per page: 1 to 100 (others are brought within), 20 by default."))

bp = api_blueprint("feed_api", __name__, tag=(_l("Feed"), _l("The home page's posts.")), schemas={"Feed": FEED})


@bp.get("/feed")
@operation(_l("The token owner's feed"), params=[query("cursor", CURSOR, _l("The page after this one.")), LIMIT],
           responses={200: (_l("A page of the feed."), ref("Feed"))}, errors=(400,))
def feed():
    page = home_feed(current_user, request.args.get("cursor") or None, int_arg("limit", 20))
    return {
        "pinned": [post_json(p, page.posts.reactions) for p in page.pinned],
        "items": [post_json(p, page.posts.reactions) for p in page.posts.posts],
        "next_cursor": page.posts.next_cursor,
    }
