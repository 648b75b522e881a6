"""What every template may use: the policy, dates in the reader's language, the site name."""
from datetime import timezone
from functools import lru_cache

from babel import Locale, dates
from flask import Flask, current_app, g
from flask_babel import format_date, format_datetime, format_timedelta, get_locale, get_timezone, get_translations
from flask_login import current_user
from jinja2 import pass_context
from markupsafe import Markup

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


@pass_context
def _gettext(context, string: str, **variables) -> str:
    translated = _translations().ugettext(string)
    if context.eval_ctx.autoescape:
        translated = Markup(translated)
    return translated % variables  # as Jinja's new-style gettext: "%%" is a percent sign even without variables


@lru_cache(maxsize=64)
def _datetime_patterns(locale: Locale, fmt: str) -> tuple:
    """Babel's patterns for a named date-time format: the glue, the date's and the time's."""
    return (dates.get_datetime_format(fmt, locale).replace("'", ""),
            dates.parse_pattern(dates.get_date_format(fmt, locale)),
            dates.parse_pattern(dates.get_time_format(fmt, locale)))


def _format_datetime(value, fmt: str = "medium") -> str:
    """Flask-Babel's format_datetime in the reader's zone, with the locale's patterns looked up once."""
    # A post page shows one date per comment: Babel looked up and parsed the patterns each time
    # (26 us a date, 4 us from the parsed patterns). Long and full formats name the zone: Babel does those.
    if not value:
        return ""
    if fmt not in ("short", "medium"):
        return format_datetime(value, fmt)
    locale = get_locale()
    glue, date_pattern, time_pattern = _datetime_patterns(locale, fmt)
    local = (value if value.tzinfo else value.replace(tzinfo=timezone.utc)).astimezone(get_timezone())
    return glue.replace("{0}", time_pattern.apply(local, locale)).replace("{1}", date_pattern.apply(local, locale))


def register_template_helpers(app: Flask) -> None:
    """Expose policy checks and localised formatting to Jinja."""
    app.jinja_env.install_gettext_callables(
        gettext=lambda s: _translations().ugettext(s),
        ngettext=lambda s, p, n: _translations().ungettext(s, p, n),
        pgettext=lambda c, s: _translations().upgettext(c, s),
        npgettext=lambda c, s, p, n: _translations().unpgettext(c, s, p, n),
        newstyle=True,
    )
    # Jinja's `_` goes through two more context calls (an alias, then a wrapper) before the
    # catalogue; this does what they do (escape, then %-format) in one. A post page has ~250 strings.
    app.jinja_env.globals["_"] = app.jinja_env.globals["gettext"] = _gettext

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

    app.jinja_env.filters["datetime"] = _format_datetime
    app.jinja_env.filters["date"] = lambda value, fmt="medium": format_date(value, fmt) if value else ""
    app.jinja_env.filters["ago"] = lambda value: (
        format_timedelta(value - utcnow(), add_direction=True, granularity="minute") if value else ""
    )
