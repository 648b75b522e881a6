"""Search API: GET /api/v1/search?q=&type=&page=&order= under the same rules as the page."""
from flask import request
from flask_babel import gettext as _
from flask_login import current_user

from agora.core.api import api_blueprint
from agora.search import services

bp = api_blueprint("search_api", __name__)


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
