"""People API: the directory and profiles as JSON, under the same services and policy as the pages."""
from flask import request
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from agora.core.api import api_blueprint, int_arg
from agora.core.openapi import CURSOR, INTEGER, NEXT_CURSOR, STRING, array, nullable, obj, operation, query, ref
from agora.core.policy import require
from agora.profiles import services
from agora.profiles.serialise import PERSON_DETAIL, PERSON_DETAIL_FIELDS, person_detail

PROFILE = obj({
    **PERSON_DETAIL_FIELDS,
    "manager": nullable({**STRING, "description": _l("The manager's handle.")}),
    "reports": array(STRING, _l("The handles of the people reporting to them.")),
    "bio_html": {**STRING, "description": _l("The sanitised HTML of the bio.")},
}, optional=("email", "phone"))
FILTER = {"type": "string", "description": _l("Only its first 120 characters are read.")}

bp = api_blueprint("profiles_api", __name__, tag=(_l("People"), _l("The directory and profiles.")),
                   schemas={"PersonDetail": PERSON_DETAIL, "Profile": PROFILE,
                            "People": obj({"results": array(ref("PersonDetail")), "next_cursor": NEXT_CURSOR})})


@bp.get("/people")
@operation(_l("The people directory"), params=[
    query("q", FILTER, _l("The start of a word of the name, or of the handle.")),
    query("department", FILTER, _l("A department's slug.")),
    query("location", FILTER, _l("A location, as written on profiles.")),
    query("skill", FILTER, _l("A skill's slug.")),
    query("cursor", CURSOR, _l("The page after this one.")),
    query("limit", INTEGER, _l("People per page: 1 to 100 (others are brought within), 24 by default.")),
], responses={200: (_l("Active people, alphabetically."), ref("People"))}, errors=(400,))
def people():
    require(current_user, "directory.view")
    filters = {key: (request.args.get(key) or "").strip()[:120] or None
               for key in ("q", "department", "location", "skill")}
    page = services.directory(**filters, cursor=request.args.get("cursor") or None, limit=int_arg("limit", 24))
    skills = services.skills_for([p.id for p in page.items])
    return {"results": [person_detail(current_user, p, skills[p.id]) for p in page.items],
            "next_cursor": page.next_cursor}


@bp.get("/people/<handle>")
@operation(_l("A person's profile"), responses={200: (_l("The profile, as the reader may see it."), ref("Profile"))},
           errors=(404,))
def person(handle):
    found = services.get_person(handle)
    require(current_user, "profile.view", found)
    result = person_detail(current_user, found)
    chart = services.org_chart(found)
    result["manager"] = chart.managers[-1].handle if chart.managers else None
    result["reports"] = [p.handle for p in chart.reports]
    result["bio_html"] = found.profile.bio_html
    return result
