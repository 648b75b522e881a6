"""People as JSON, shared by the suggest endpoint and the API."""
from __future__ import annotations

from flask import url_for
from flask_babel import lazy_gettext as _l

from agora.core.openapi import BOOLEAN, STRING, array, nullable, obj
from agora.core.policy import can


def photo_url(person) -> str | None:
    """Where the person's photo is served, if they have one."""
    profile = person.profile
    return url_for("media.show", media_id=profile.photo_id) if profile and profile.photo_id else None


def person_summary(person) -> dict:
    """Enough to show a person in a list or an autocomplete."""
    profile = person.profile
    return {
        "handle": person.handle,
        "name": person.name,
        "title": profile.title if profile else "",
        "url": url_for("profiles.show", handle=person.handle),
        "photo_url": photo_url(person),
    }


def person_detail(viewer, person, skills=None) -> dict:
    """The profile as the viewer may see it (contact details follow the policy)."""
    profile = person.profile
    data = person_summary(person)
    department = profile.department
    data.update({
        "department": {"name": department.name, "slug": department.slug} if department else None,
        "location": profile.location,
        "skills": [{"name": s.name, "slug": s.slug} for s in (profile.skills if skills is None else skills)],
        "languages": [part.strip() for part in profile.languages.split(",") if part.strip()],
        "ask_me_about": profile.ask_me_about,
        "active": person.active,
    })
    if can(viewer, "profile.view_contact", person):
        data["email"] = person.email
        data["phone"] = profile.phone
    return data


# The shape of person_detail, for the API's description (agora/core/openapi.py).
NAMED = obj({"name": STRING, "slug": STRING})
PERSON_DETAIL_FIELDS = {
    "handle": STRING,
    "name": STRING,
    "title": STRING,
    "url": STRING,
    "photo_url": nullable(STRING),
    "department": nullable(NAMED),
    "location": STRING,
    "skills": array(NAMED),
    "languages": array(STRING),
    "ask_me_about": STRING,
    "active": BOOLEAN,
    "email": {**STRING, "description": _l("Only when the reader may see contact details.")},
    "phone": {**STRING, "description": _l("Only when the reader may see contact details.")},
}
PERSON_DETAIL = obj(PERSON_DETAIL_FIELDS, optional=("email", "phone"))
