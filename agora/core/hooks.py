"""Named hook lists on the app, so shared mechanisms call features without importing them."""
from __future__ import annotations

from collections.abc import Callable

from flask import Flask, current_app


def add_hook(app: Flask, name: str, func: Callable) -> None:
    """Register `func` under `name` (e.g. "config.apply", "search.documents")."""
    app.extensions.setdefault("agora.hooks", {}).setdefault(name, []).append(func)


def hooks(name: str, app: Flask | None = None) -> list[Callable]:
    """The functions registered under `name`, in registration order."""
    app = app or current_app
    return list(app.extensions.get("agora.hooks", {}).get(name, []))
