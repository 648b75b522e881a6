"""What every template may use: the policy, dates in the reader's language, the site name, URLs."""
import re
from datetime import UTC, date
from functools import lru_cache

from babel import Locale, dates
from flask import Flask, current_app, g, url_for
from flask_babel import format_date, format_datetime, format_timedelta, get_locale, get_timezone, get_translations
from flask_login import current_user
from flask_wtf.csrf import generate_csrf
from jinja2 import pass_context
from markupsafe import Markup
from werkzeug.routing import BuildError

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
    local = (value if value.tzinfo else value.replace(tzinfo=UTC)).astimezone(get_timezone())
    return glue.replace("{0}", time_pattern.apply(local, locale)).replace("{1}", date_pattern.apply(local, locale))


_PLAIN = re.compile(r"[A-Za-z0-9._~-]+\Z")  # characters Werkzeug writes as they are, in a path or a query
_INT_MARK = 7_301_946_853_019_420  # no real id gets this high
_STR_MARK = "zqagoraurlmark"


def _url_for(endpoint: str, **values) -> str:
    """Flask's url_for, with each endpoint's URL built once per request and the values put in its place."""
    # Werkzeug walks the rule for every URL (about 10 us); a post page builds 250 URLs from a dozen
    # endpoints. The same endpoint with the same argument names and kinds gives the same URL but for
    # the values, so it is built once with markers. Options (_anchor, ...), other types and values
    # that would need quoting go to Flask.
    names = sorted(values)
    marked, kinds = {}, []
    for i, name in enumerate(names):
        value = values[name]
        if name.startswith("_"):
            return url_for(endpoint, **values)
        if type(value) is int and value >= 0:
            marked[name] = _INT_MARK + i
            kinds.append(0)
        elif type(value) is str and _PLAIN.match(value):
            marked[name] = f"{_STR_MARK}{i}z"
            kinds.append(1)
        else:
            return url_for(endpoint, **values)
    cache = g.get("agora_urls")
    if cache is None:
        cache = g.agora_urls = {}
    key = (endpoint, tuple(names), tuple(kinds))
    template = cache.get(key)
    if template is None:
        try:
            template = url_for(endpoint, **marked)
        except (BuildError, ValueError):  # e.g. an `any(...)` converter refuses the marker
            template = False
        if template and any(template.count(str(mark)) != 1 for mark in marked.values()):
            template = False  # a value the rule rewrites or repeats
        cache[key] = template  # False: always ask Flask
    if template is False:
        return url_for(endpoint, **values)
    for name in names:
        template = template.replace(str(marked[name]), str(values[name]))
    return template


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
    app.jinja_env.globals["url_for"] = _url_for

    @app.context_processor
    def globals_():
        # The user is resolved once per render, on first use: a page asks the policy hundreds of
        # times (every comment's actions), and each trip through the proxy costs.
        resolved = []

        def can(action, target=None):
            if not resolved:
                resolved.append(current_user._get_current_object())
            return policy.can(resolved[0], action, target)

        token = []

        def csrf_token():
            # Flask-WTF keeps one token per request but reaches it through four proxies per call;
            # a post page asks for it in every comment's forms.
            if not token:
                token.append(generate_csrf())
            return token[0]

        return {
            "can": can,
            "csrf_token": csrf_token,
            "site": current_app.config["AGORA"]["site"],
            "locale": str(get_locale() or current_app.config["AGORA"]["site"]["default_language"]),
        }

    app.jinja_env.filters["datetime"] = _format_datetime
    app.jinja_env.globals["today"] = date.today  # e.g. "away until" a day that has not passed
    app.jinja_env.filters["date"] = lambda value, fmt="medium": format_date(value, fmt) if value else ""
    app.jinja_env.filters["ago"] = lambda value: (
        format_timedelta(value - utcnow(), add_direction=True, granularity="minute") if value else ""
    )
