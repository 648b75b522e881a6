"""Serving stored media."""
from urllib.parse import quote

from flask import Blueprint, Response, request
from flask_login import current_user, login_required

from agora.core.policy import require
from agora.extensions import db
from agora.media.models import Media
from agora.media.services import get_media

bp = Blueprint("media", __name__)


@bp.get("/media/<int:media_id>")
@login_required
def show(media_id):
    media = get_media(media_id)
    require(current_user, "media.view", media)
    if request.if_none_match and media.sha256 in request.if_none_match:
        response = Response(status=304)
    else:
        data = db.session.scalar(db.select(Media.data).where(Media.id == media.id))
        response = Response(data, mimetype=media.content_type)
    response.set_etag(media.sha256)
    response.headers["X-Content-Type-Options"] = "nosniff"
    # Images may show inline; anything else downloads, so a file can never run as a page of ours.
    disposition = "inline" if media.content_type.startswith("image/") else "attachment"
    filename = media.filename or f"file-{media.id}"
    ascii_name = filename.encode("ascii", "ignore").decode().replace('"', "") or f"file-{media.id}"
    response.headers["Content-Disposition"] = f"{disposition}; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(filename)}"
    response.headers["Cache-Control"] = "private, max-age=86400"
    response.headers["Content-Security-Policy"] = "default-src 'none'; img-src 'self'; sandbox"
    return response
