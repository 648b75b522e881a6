"""What every template may use: the policy, dates in the reader's language, the site name."""
from flask import Flask, current_app, g
from flask_babel import format_date, format_datetime, format_timedelta, get_locale, get_translations
from flask_login import current_user

from agora.core import policy
from agora.core.time import utcnow


def _translations():
    # Flask-Babel resolves context, domain and locale on every string (about 25 us; a post page
    # has 500 strings). The answer only changes with the locale object, which force_locale swaps.
    ctx = getattr(g, "_flask_babel", None)
    locale = getattr(ctx, "babel_locale", None)
    if locale is None:
        return get_translations()
    known = getattr(ctx, "agora_translations", None)
    if known is None or known[0] is not locale:
        known = ctx.agora_translations = (locale, get_translations())
    return known[1]


def register_template_helpers(app: Flask) -> None:
    """Expose policy checks and localised formatting to Jinja."""
    app.jinja_env.install_gettext_callables(
        gettext=lambda s: _translations().ugettext(s),
        ngettext=lambda s, p, n: _translations().ungettext(s, p, n),
        pgettext=lambda c, s: _translations().upgettext(c, s),
        npgettext=lambda c, s, p, n: _translations().unpgettext(c, s, p, n),
        newstyle=True,
    )

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
