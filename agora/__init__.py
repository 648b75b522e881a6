"""Agora: an internal social network. `create_app` builds the Flask application."""
from __future__ import annotations

from pathlib import Path

from flask import Flask

from agora import config as agora_config
from agora.extensions import babel, csrf, db, init_migrations, limiter, login_manager

PACKAGE_DIR = Path(__file__).resolve().parent


def create_app(config: dict | None = None) -> Flask:
    """Build the app from the TOML file, or from `config`: TOML-shaped sections plus UPPERCASE Flask keys."""
    config = dict(config or {})
    flask_overrides = {k: v for k, v in config.items() if k.isupper()}
    sections = {k: v for k, v in config.items() if not k.isupper()}
    from_file = not (sections or flask_overrides)
    settings = agora_config.load() if from_file else agora_config.from_mapping(sections)
    instance = Path(flask_overrides.pop("INSTANCE_PATH", agora_config.instance_path()))
    instance.mkdir(parents=True, exist_ok=True)

    root = agora_config.PROJECT_ROOT
    app = Flask(__name__, instance_path=str(instance), template_folder=str(root / "templates"),
                static_folder=str(root / "static"))
    app.config.update(agora_config.flask_settings(settings, instance, PACKAGE_DIR))
    # The file the settings came from (None: a mapping); `flask demo load` writes the demo's there if it is missing.
    app.config["AGORA_CONFIG_FILE"] = str(agora_config.config_path()) if from_file else None
    app.config.update(flask_overrides)

    db.init_app(app)
    if not app.config["AGORA_SERVE_ONLY"]:
        init_migrations(app, str(PACKAGE_DIR / "migrations"))
    csrf.init_app(app)
    login_manager.init_app(app)
    limiter.init_app(app)

    from agora.core.i18n import select_locale, select_timezone
    babel.init_app(app, locale_selector=select_locale, timezone_selector=select_timezone)

    from agora.core.errors import register_error_handlers
    from agora.core.routing import register_converters
    from agora.core.security import register_security_headers
    from agora.core.templating import register_template_helpers
    from agora.core.transactions import register_transaction_end
    register_converters(app)
    register_error_handlers(app)
    register_transaction_end(app, db)  # after the error handlers' teardown, so it runs before it
    register_security_headers(app)
    register_template_helpers(app)

    # Features, registered explicitly in dependency order.
    from agora import (
        accounts,
        admin,
        apidocs,
        audit,
        demo,
        feed,
        follows,
        hashtags,
        jobs,
        mail,
        media,
        moderation,
        notifications,
        profiles,
        questions,
        search,
        site,
        spaces,
        walls,
    )
    for feature in (site, jobs, media, audit, accounts, profiles, hashtags, spaces, walls, follows, feed,
                    notifications, mail, moderation, questions, search, admin, demo, apidocs):
        feature.register(app)

    if app.config.get("AGORA_APPLY_CONFIG_ON_START", True):
        from agora.admin.services import apply_on_start
        apply_on_start(app)
    return app
