"""People API: the directory and profiles as JSON, under the same services and policy as the pages."""
from flask import request
from flask_login import current_user

from agora.core.api import api_blueprint
from agora.core.policy import require
from agora.profiles import services
from agora.profiles.serialise import person_detail

bp = api_blueprint("profiles_api", __name__)


@bp.get("/people")
def people():
    require(current_user, "directory.view")
    filters = {key: (request.args.get(key) or "").strip()[:120] or None
               for key in ("q", "department", "location", "skill")}
    limit = request.args.get("limit", type=int) or 24
    page = services.directory(**filters, cursor=request.args.get("cursor") or None, limit=limit)
    skills = services.skills_for([p.id for p in page.items])
    return {"results": [person_detail(current_user, p, skills[p.id]) for p in page.items],
            "next_cursor": page.next_cursor}


@bp.get("/people/<handle>")
def person(handle):
    found = services.get_person(handle)
    require(current_user, "profile.view", found)
    result = person_detail(current_user, found)
    chart = services.org_chart(found)
    result["manager"] = chart.managers[-1].handle if chart.managers else None
    result["reports"] = [p.handle for p in chart.reports]
    result["bio_html"] = found.profile.bio_html
    return result
