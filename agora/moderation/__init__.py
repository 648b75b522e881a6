"""Moderation in the open: reports, the review queue, recorded actions, the ledger, appeals and the audit log."""


def register(app):
    """Wire moderation's pages, API, hooks and `flask content erase` into `app`."""
    from agora.moderation import models  # noqa: F401 - models join the metadata
