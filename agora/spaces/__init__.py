"""Spaces: departments, projects and communities with their own wall, members and moderators."""


def register(app):
    """Wire the spaces pages, API and hooks into `app`."""
    from agora.core.hooks import add_hook
    from agora.core.policy import space_access_depends_on
    from agora.spaces import api, demo, hooks, models, services, views  # noqa: F401 - models join the metadata

    app.register_blueprint(views.bp)

    def space_links(space):
        from flask_login import current_user

        from agora.core.hooks import hooks
        return [link for handler in hooks("space.nav") for link in handler(current_user, space) or ()]
    app.jinja_env.globals["space_links"] = space_links  # tabs other features add to a space's navigation
    app.register_blueprint(api.bp)
    add_hook(app, "space.roles", services.space_roles)
    # The policy's per-request SpaceAccess is computed from these: writing one drops it.
    space_access_depends_on(models.Membership, models.Suspension, models.Space)
    add_hook(app, "config.apply", hooks.apply_config)
    add_hook(app, "config.check", hooks.check_config)
    add_hook(app, "profile.changed", hooks.profile_changed)
    add_hook(app, "notifications.visible", hooks.notifications_visible)
    add_hook(app, "demo.populate", demo.populate)
    from agora.spaces import search
    add_hook(app, "search.sources", search.sources)
    add_hook(app, "search.open_spaces", search.open_space_ids)
