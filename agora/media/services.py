"""Media services: images are verified and re-encoded, files are sniffed, both stored in the database."""
from __future__ import annotations

import hashlib
import io
import re
import unicodedata
import warnings

from flask import current_app
from flask_babel import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

from agora.core.errors import NotFound, ValidationError
from agora.extensions import db
from agora.media.models import Media

IMAGE_FORMATS = {"PNG": "image/png", "JPEG": "image/jpeg", "GIF": "image/gif", "WEBP": "image/webp"}
# Far above any real photo, far below what would exhaust a worker's memory once decoded.
MAX_PIXELS = 40_000_000


def _max_bytes() -> int:
    return current_app.config["AGORA"]["content"]["max_upload_mb"] * 1024 * 1024


def _check_size(data: bytes, field: str) -> None:
    if not data:
        raise ValidationError(_("The file is empty."), {field: [_("The file is empty.")]})
    limit = _max_bytes()
    if len(data) > limit:
        message = _("The file is too large (at most %(mb)s MB).", mb=limit // (1024 * 1024))
        raise ValidationError(message, {field: [message]})


def _bad_image(field: str, message: str | None = None) -> ValidationError:
    message = message or _("This is not a PNG, JPEG, GIF or WebP image, or the file is damaged.")
    return ValidationError(message, {field: [message]})


def _decode(data: bytes, field: str) -> Image.Image:
    """Open, verify and fully decode an image, refusing anything odd."""
    try:
        with warnings.catch_warnings():
            # Pillow only warns between its limit and twice its limit; treat the warning as the error it is.
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            probe = Image.open(io.BytesIO(data))
            if probe.format not in IMAGE_FORMATS:
                raise _bad_image(field)
            if probe.width * probe.height > MAX_PIXELS:
                raise _bad_image(field, _("The image has too many pixels."))
            probe.verify()
            image = Image.open(io.BytesIO(data))
            image.load()  # a truncated file fails here, not later while serving
            return image
    except ValidationError:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise _bad_image(field, _("The image has too many pixels.")) from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError, MemoryError):
        raise _bad_image(field) from None


def _reencode(image: Image.Image, max_px: int) -> tuple[bytes, str, int, int]:
    """Orient, shrink and re-encode into a fresh image, so no metadata (EXIF, GPS, ICC, comments) survives."""
    image.seek(0)  # animated images keep their first frame
    image = ImageOps.exif_transpose(image)
    has_alpha = image.mode in ("RGBA", "LA", "PA") or (image.mode == "P" and "transparency" in image.info)
    image = image.convert("RGBA" if has_alpha else "RGB")
    image.thumbnail((max_px, max_px), Image.Resampling.LANCZOS)
    clean = Image.frombytes(image.mode, image.size, image.tobytes())
    out = io.BytesIO()
    if has_alpha:
        clean.save(out, "PNG", optimize=True)
        content_type = "image/png"
    else:
        clean.save(out, "JPEG", quality=85, optimize=True)
        content_type = "image/jpeg"
    return out.getvalue(), content_type, clean.width, clean.height


def safe_filename(name: str, default: str = "file") -> str:
    """A display filename without paths, control characters or quotes."""
    name = unicodedata.normalize("NFC", (name or "").replace("\\", "/").split("/")[-1])
    name = "".join(c for c in name if unicodedata.category(c)[0] != "C" and c not in '"<>:*?|')
    name = re.sub(r"\s+", " ", name).strip(" .")
    return name[:200] or default


def _store(data: bytes, *, owner_id, kind: str, filename: str, content_type: str,
           width=None, height=None) -> Media:
    media = Media(owner_id=owner_id, kind=kind, filename=filename, content_type=content_type, size=len(data),
                  width=width, height=height, sha256=hashlib.sha256(data).hexdigest(), data=data)
    db.session.add(media)
    db.session.flush()
    return media


def store_image(data: bytes, *, owner_id, kind: str = "photo", max_px: int = 512, filename: str = "",
                field: str = "photo") -> Media:
    """Verify an uploaded image, strip its metadata, shrink it to `max_px` and add it (flushed, not committed)."""
    _check_size(data, field)
    image = _decode(data, field)
    try:
        encoded, content_type, width, height = _reencode(image, max_px)
    except (OSError, ValueError, MemoryError):
        raise _bad_image(field) from None
    stem = safe_filename(filename, default=kind).rsplit(".", 1)[0]
    extension = "png" if content_type == "image/png" else "jpg"
    return _store(encoded, owner_id=owner_id, kind=kind, filename=f"{stem}.{extension}",
                  content_type=content_type, width=width, height=height)


def sniff(data: bytes) -> str | None:
    """The real type of `data` from its first bytes; None when unknown."""
    head = data[:16]
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if head.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if head[:6] in (b"GIF87a", b"GIF89a"):
        return "image/gif"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp"
    if head.startswith(b"%PDF-"):
        return "application/pdf"
    if b"\x00" not in data[:8192]:
        try:
            data.decode("utf-8")
            return "text/plain"
        except UnicodeDecodeError:
            return None
    return None


def store_file(data: bytes, *, owner_id, filename: str, content_type: str = "", kind: str = "attachment",
               field: str = "file", image_max_px: int = 2048) -> Media:
    """Check an uploaded file's size and real type against the config and add it; images are re-encoded."""
    _check_size(data, field)
    real = sniff(data)
    allowed = current_app.config["AGORA"]["content"]["allowed_upload_types"]
    if real is None or real not in allowed:
        message = _("This type of file is not accepted.")
        raise ValidationError(message, {field: [message]})
    if real in IMAGE_FORMATS.values():
        return store_image(data, owner_id=owner_id, kind=kind, max_px=image_max_px, filename=filename, field=field)
    # The client's claimed type is ignored: what we serve is what we sniffed.
    return _store(data, owner_id=owner_id, kind=kind, filename=safe_filename(filename), content_type=real)


def get_media(media_id: int) -> Media:
    """A stored file's row (without its bytes), or NotFound."""
    media = db.session.get(Media, media_id)
    if media is None:
        raise NotFound()
    return media


def delete_media(media_id: int | None) -> None:
    """Remove a stored file (flushed with the caller's transaction)."""
    if media_id is not None:
        db.session.execute(db.delete(Media).where(Media.id == media_id))
