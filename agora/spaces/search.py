"""How spaces become search documents, and which spaces every colleague reads (search hooks)."""
from __future__ import annotations

from sqlalchemy import func, inspect, select

from agora.search.sources import Source
from agora.spaces.models import Space


def load_spaces(session, ids: list[int]) -> dict[int, dict]:
    """Documents for spaces: open and closed ones are known to all, secret ones only to their readers."""
    rows = session.execute(select(Space.id, Space.slug, Space.name, Space.description, Space.visibility,
                                  Space.created_at).where(Space.id.in_(ids))).all()
    return {r.id: {"type": "space", "id": r.id, "url": f"/spaces/{r.slug}", "title": r.name,
                   "body": r.description or "", "slug": r.slug, "created": r.created_at,
                   "visible_in": r.id if r.visibility == "secret" else None}
            for r in rows}


def open_space_ids(session) -> list[int]:
    """The "search.open_spaces" hook: spaces every colleague may read."""
    return list(session.scalars(select(Space.id).where(Space.visibility == "open")))


def _ids_after(session, after, limit):
    stmt = select(Space.id).order_by(Space.id).limit(limit)
    return list(session.scalars(stmt.where(Space.id > after) if after is not None else stmt))


def _readership_changed(space, change) -> bool:
    return change != "dirty" or inspect(space).attrs["visibility"].history.has_changes()


def sources() -> list[Source]:
    """Spaces."""
    return [Source("space", load_spaces, _ids_after, lambda s: s.scalar(select(func.count(Space.id))),
                   watch={Space: lambda session, space, change: [("space", space.id)]},
                   scopes_changed=_readership_changed)]
