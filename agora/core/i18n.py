"""Locale choice: the user's preference, then the `lang` cookie, then Accept-Language, then the config default."""
from flask import current_app, request
from flask_login import current_user


def select_locale() -> str:
    """The language for this request."""
    site = current_app.config["AGORA"]["site"]
    offered = site["languages"]
    preferred = getattr(current_user, "language", None) if current_user else None
    if preferred in offered:
        return preferred
    if request:
        chosen = request.cookies.get("lang")
        if chosen in offered:
            return chosen
        best = request.accept_languages.best_match(offered)
        if best:
            return best
    return site["default_language"]


def select_timezone() -> str:
    """The company's timezone from the config."""
    return current_app.config["AGORA"]["site"]["timezone"]
