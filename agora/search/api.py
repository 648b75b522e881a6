"""Search API: GET /api/v1/search?q=&type=&page=&order= under the same rules as the page."""
from flask import request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from agora.core.api import api_blueprint
from agora.core.openapi import DATE_TIME, INTEGER, STRING, array, nullable, obj, operation, query, ref
from agora.search import services
from agora.search.query import TYPES

TAG = obj({"type": {"const": "tag"}, "id": STRING, "url": STRING, "title": STRING, "snippet": STRING,
           "posts": {**INTEGER, "description": _l("Posts carrying the hashtag that the reader may see.")}})
RESULT = obj({
    "type": {"enum": [t for t in TYPES if t != "tag"]},
    "id": INTEGER,
    "url": STRING,
    "title": STRING,
    "snippet": {"type": "string", "description": _l("HTML: the matching words are in <mark>.")},
    "detail": nullable(STRING),
    "author": nullable(obj({"handle": STRING, "name": STRING})),
    "space": nullable(obj({"slug": STRING, "name": STRING})),
    "date": nullable(DATE_TIME),
    "score": {"type": "number"},
})
SEARCH = obj({
    "total": INTEGER,
    "page": INTEGER,
    "per_page": INTEGER,
    "pages": INTEGER,
    "counts": {"type": "object", "propertyNames": {"enum": list(TYPES)}, "additionalProperties": INTEGER,
               "description": _l("Results per type, for the type filter's tabs.")},
    "suggestion": nullable({**STRING, "description": _l("A query with likelier spellings, when few results.")}),
    "results": array({"oneOf": [ref("SearchResult"), ref("TagResult")]}),
    "tags": array(ref("TagResult"), _l("Hashtags matching the query.")),
})

bp = api_blueprint("search_api", __name__, tag=(_l("Search"), _l("One search over posts, comments, people, spaces "
                                                                 "and hashtags, under the reader's rights.")),
                   schemas={"Search": SEARCH, "SearchResult": RESULT, "TagResult": TAG})


def _result(result: services.Result) -> dict:
    return {
        "type": result.type, "id": result.id, "url": result.url, "title": result.title,
        "snippet": str(result.snippet), "detail": result.detail or None,
        "author": {"handle": result.author_handle, "name": result.author_name} if result.author_handle else None,
        "space": {"slug": result.space_slug, "name": result.space_name} if result.space_slug else None,
        "date": result.date.isoformat() + "Z" if result.date else None,
        "score": round(result.score, 4),
    }


def _tag(slug: str, count: int) -> dict:
    return {"type": "tag", "id": slug, "url": f"/tags/{slug}", "title": f"#{slug}", "snippet": "",
            "posts": count}


@bp.get("/search")
@operation(_l("Search"), params=[
    query("q", STRING, _l("The query: words, \"a phrase\", -excluded, a OR b, author:, space:, tag:, type:, is:, "
                          "before:, after:. Only its first 400 characters are read; malformed parts are plain "
                          "words.")),
    query("type", STRING, _l("post, question, comment, person, space or tag: only results of this type; anything "
                             "else: all.")),
    query("page", STRING, _l("The page number, from 1 (up to 500); anything else reads as 1, as on the search "
                             "page.")),
    query("order", STRING, _l("date: newest first; anything else: by relevance.")),
], responses={200: (_l("A page of results."), ref("Search"))})
def search():
    page = services.search(current_user, (request.args.get("q") or "")[:400], doc_type=request.args.get("type"),
                           page=request.args.get("page", type=int), order=request.args.get("order"))
    if page.unavailable:
        message = _("Search is being rebuilt and will be back shortly; everything else works as usual.")
        return {"error": {"status": 503, "code": "search_unavailable", "message": message}}, 503, \
            {"Retry-After": "30"}
    results = [_tag(slug, n) for slug, n in page.tags] if page.type == "tag" else \
        [_result(r) for r in page.results]
    return {"total": page.total, "page": page.page, "per_page": page.per_page, "pages": page.pages,
            "counts": page.counts, "suggestion": page.suggestion, "results": results,
            "tags": [_tag(slug, n) for slug, n in page.tags]}
