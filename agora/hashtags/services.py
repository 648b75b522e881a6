"""Hashtag services: a tag's slug, and its rows found or created, for walls (posts) and follows."""
from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from agora.core.errors import ValidationError
from agora.core.folding import fold
from agora.extensions import db
from agora.hashtags.models import Hashtag

MAX_LENGTH = 60


def tag_rows(tags: dict[str, str]) -> list[Hashtag]:
    """The Hashtag rows for these slugs (slug -> name as first written), creating the missing ones.

    Safe against a concurrent insert of the same tag: the loser reads the winner's row."""
    if not tags:
        return []
    found = {h.slug: h for h in db.session.scalars(select(Hashtag).where(Hashtag.slug.in_(list(tags))))}
    for slug, name in tags.items():
        if slug in found:
            continue
        try:
            with db.session.begin_nested():
                tag = Hashtag(slug=slug[:MAX_LENGTH], name=name[:MAX_LENGTH])
                db.session.add(tag)
            found[slug] = tag
        except IntegrityError:
            found[slug] = db.session.scalar(select(Hashtag).where(Hashtag.slug == slug))
    return list(found.values())


def hashtag_for(text: str) -> Hashtag:
    """The hashtag someone typed (`#Réunion`, `reunion`), created if new; ValidationError when not a tag."""
    slug = fold(text or "").lstrip("#")
    if not slug or len(slug) > MAX_LENGTH or not all(c.isalnum() or c in "_-" for c in slug):
        raise ValidationError(_("Not a valid hashtag."), {"tag": [_("Not a valid hashtag.")]})
    return tag_rows({slug: (text or "").lstrip("#")})[0]
