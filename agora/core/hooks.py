"""Named hook lists on the app, so shared mechanisms call features without importing them.

Every hook is declared once in HOOKS with who fires it, what a handler gets and what it returns; a feature
registers handlers in its `register(app)` with add_hook(), the firing code calls each one from hooks().
Registering or firing a name HOOKS does not declare raises UndeclaredHook.
"""
from __future__ import annotations

from collections.abc import Callable

from flask import Flask, current_app

HOOKS: dict[str, str] = {
    "bulk.done": "Fired by core.bulk when a bulk_work() block ends; handler() catches up deferred work, returns None.",
    "config.apply": "Fired by `flask config apply` and at start-up; handler(settings) writes what the config "
                    "defines and returns the report lines (a list of str, or one str).",
    "config.check": "Fired by `flask config check`; handler(settings) returns the config.Problem list it finds.",
    "content.created": "Fired by walls after a post or comment is committed; handler(target_type, content) "
                       "reacts (e.g. moderation's keyword watch), returns None.",
    "demo.populate": "Fired by `flask demo load` in feature order, committing after each; handler(people, rng) "
                     "adds the feature's demo data about those User accounts, returns None.",
    "jobs.periodic": "Fired by jobs when a worker starts; handler() returns the jobs.services.Periodic "
                     "schedules (cron-like, UTC) of the feature's jobs.",
    "jobs.tasks": "Fired by jobs to enqueue or run a job; handler() returns {job name: jobs.services.Task} "
                  "for the jobs the feature defines.",
    "media.guard": "Fired by core.policy for media.view of a non-photo file; handler(user, media) returns True "
                   "(allow), False (refuse outright) or None (not this feature's file).",
    "notifications.created": "Fired by notifications when a new notification is flushed (not when one is grouped "
                             "into another); handler(notification) queues follow-up work (e.g. its email), "
                             "returns None.",
    "notifications.visible": "Fired by notifications when listing; handler(user, pairs of (target_type, "
                             "target_id)) returns the set of pairs the user may still see.",
    "posts.kinds": "Fired by walls.kinds once per app; handler() returns the walls.kinds.PostKind list of the post "
                   "kinds the feature owns (label, card partial, one-query row loader, comment partial).",
    "profile.activity": "Fired by the profile page; handler(viewer, person) returns (title, Markup) sections.",
    "profile.changed": "Fired by profiles inside the transaction that changed a person; handler(person) keeps "
                       "what depends on them in step (e.g. department spaces), returns None.",
    "search.open_spaces": "Fired by search's filters; handler(session) returns ids of the spaces every "
                          "colleague reads.",
    "search.sources": "Fired by search's registry, once per app; handler() returns the search.sources.Source "
                      "list of the documents the feature owns.",
    "space.nav": "Fired by the space navigation; handler(user, space) returns (key, label, url) links the feature "
                 "adds to the space's tabs (e.g. its questions), or none.",
    "space.roles": "Fired by core.policy once per request and user; handler(user, hr_slugs) returns "
                   "{'member'|'moderator'|'suspended': set of space ids}.",
}


class UndeclaredHook(LookupError):
    """A hook name that HOOKS does not declare: a typo, or a new hook not yet declared."""

    def __init__(self, name: str):
        super().__init__(f"hook {name!r} is not declared: add it to HOOKS in agora/core/hooks.py with a "
                         f"one-line docstring (who fires it, what a handler gets and returns)")


def _declared(name: str) -> str:
    if name not in HOOKS:
        raise UndeclaredHook(name)
    return name


def add_hook(app: Flask, name: str, func: Callable) -> None:
    """Register `func` under the declared hook `name` (e.g. "config.apply", "search.sources")."""
    app.extensions.setdefault("agora.hooks", {}).setdefault(_declared(name), []).append(func)


def hooks(name: str, app: Flask | None = None) -> list[Callable]:
    """The functions registered under the declared hook `name`, in registration order."""
    app = app or current_app
    return list(app.extensions.get("agora.hooks", {}).get(_declared(name), []))
