"""Applying the config file to the database."""


def apply_on_start(app):
    """Apply the config at start-up when the schema exists."""
