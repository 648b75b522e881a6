"""Questions: a post kind that reaches the colleagues who know, with a promised answer time kept in the open."""


def register(app):
    """Wire the questions pages, API, kind, jobs, search documents and the first-answer reaction into `app`."""
    from agora.core.hooks import add_hook
    from agora.questions import api, jobs, kind, models, services, views  # noqa: F401 - models join the metadata

    app.register_blueprint(views.bp)
    app.register_blueprint(api.bp)
    add_hook(app, "posts.kinds", kind.post_kinds)
    add_hook(app, "content.created", services.on_content_created)
    add_hook(app, "jobs.tasks", jobs.declare_tasks)
    add_hook(app, "jobs.periodic", jobs.declare_schedules)
    add_hook(app, "space.nav", views.space_nav)
    from agora.questions import search
    add_hook(app, "search.sources", search.sources)
