"""Where a `next` field or the Referer may send the reader: only a path of this very site (no open redirect)."""
from __future__ import annotations

from urllib.parse import urlsplit

from flask import request


def same_site_path(target: str | None, host: str | None = None) -> str | None:
    """`target` as a local path (with its query and fragment), or None when it could leave the site."""
    # Browsers drop tabs and newlines inside URLs ("/\t/evil" becomes "//evil") and read "\" as "/".
    if not target or "\\" in target or any(ord(c) < 32 or ord(c) == 127 for c in target):
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        # A full URL (the Referer is one) is kept only when it points at this very site.
        if parts.scheme not in ("http", "https") or parts.netloc != (host or request.host):
            return None
    path = parts.path
    if not path.startswith("/") or path.startswith("//"):
        return None
    return path + (f"?{parts.query}" if parts.query else "") + (f"#{parts.fragment}" if parts.fragment else "")


def next_path(default: str) -> str:
    """The request's `next` (form field or query) when it stays on this site, else `default`."""
    return same_site_path(request.values.get("next")) or default
