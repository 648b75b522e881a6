"""Hashtags: the #tags posts carry and people follow, one row per folded name."""


def register(app):
    """Hashtags have no pages of their own (walls shows /tags/<slug>); their table joins the metadata."""
    from agora.hashtags import models  # noqa: F401 - models join the metadata
