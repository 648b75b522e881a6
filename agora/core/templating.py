"""What every template may use: the policy, dates in the reader's language, the site name."""
from flask import Flask, current_app
from flask_babel import format_date, format_datetime, format_timedelta, get_locale
from flask_login import current_user

from agora.core import policy
from agora.core.time import utcnow


def register_template_helpers(app: Flask) -> None:
    """Expose policy checks and localised formatting to Jinja."""

    @app.context_processor
    def globals_():
        # The user is resolved once per render, on first use: a page asks the policy hundreds of
        # times (every comment's actions), and each trip through the proxy costs.
        resolved = []

        def can(action, target=None):
            if not resolved:
                resolved.append(current_user._get_current_object())
            return policy.can(resolved[0], action, target)

        return {
            "can": can,
            "site": current_app.config["AGORA"]["site"],
            "locale": str(get_locale() or current_app.config["AGORA"]["site"]["default_language"]),
        }

    app.jinja_env.filters["datetime"] = lambda value, fmt="medium": format_datetime(value, fmt) if value else ""
    app.jinja_env.filters["date"] = lambda value, fmt="medium": format_date(value, fmt) if value else ""
    app.jinja_env.filters["ago"] = lambda value: (
        format_timedelta(value - utcnow(), add_direction=True, granularity="minute") if value else ""
    )
