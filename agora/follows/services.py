"""Follow services: follow and unfollow people, spaces and hashtags."""
from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError

from agora.core.errors import NotFound, ValidationError
from agora.core.transactions import transactional
from agora.extensions import db
from agora.follows.models import TARGET_TYPES, Follow


def resolve(user, target_type: str, key: str):
    """The person (handle), space (slug) or hashtag (name) to follow; NotFound when unknown or unreadable."""
    if target_type == "person":
        from agora.profiles.services import get_person

        person = get_person(key)
        if not person.active:
            raise NotFound()
        return person
    if target_type == "space":
        from agora.spaces.services import get_space

        return get_space(user, key)
    if target_type == "hashtag":
        from agora.hashtags.services import hashtag_for

        return hashtag_for(key)
    raise NotFound()


def is_following(user, target_type: str, target_id: int) -> bool:
    """Whether `user` follows this person, space or hashtag."""
    return db.session.scalar(select(Follow.id).where(Follow.user_id == user.id, Follow.target_type == target_type,
                                                     Follow.target_id == target_id)) is not None


@transactional
def follow(user, target_type: str, key: str) -> object:
    """Follow a person, space or hashtag (idempotent); returns what is followed."""
    if target_type not in TARGET_TYPES:
        raise NotFound()
    target = resolve(user, target_type, key)
    if target_type == "person" and target.id == user.id:
        raise ValidationError(_("You cannot follow yourself."), {"target": [_("You cannot follow yourself.")]})
    if not is_following(user, target_type, target.id):
        try:
            with db.session.begin_nested():
                db.session.add(Follow(user_id=user.id, target_type=target_type, target_id=target.id))
        except IntegrityError:
            pass  # followed meanwhile from another tab: same outcome
    return target


@transactional
def unfollow(user, target_type: str, key: str) -> object:
    """Stop following (idempotent); returns what was followed."""
    if target_type not in TARGET_TYPES:
        raise NotFound()
    target = resolve(user, target_type, key)
    db.session.execute(delete(Follow).where(Follow.user_id == user.id, Follow.target_type == target_type,
                                            Follow.target_id == target.id))
    return target


def following(user, target_type: str) -> list[int]:
    """Ids of the people, spaces or hashtags `user` follows."""
    return list(db.session.scalars(select(Follow.target_id).where(Follow.user_id == user.id,
                                                                  Follow.target_type == target_type)))

