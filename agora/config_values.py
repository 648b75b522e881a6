"""The values of the config file: one check per kind of value, each problem named by its key path."""
from __future__ import annotations

import re
import ssl
from dataclasses import dataclass
from datetime import date
from email.utils import parseaddr
from pathlib import Path
from urllib.parse import urlparse
from zoneinfo import ZoneInfo

from babel.dates import get_timezone
from limits import parse_many

VISIBILITIES = ("open", "closed", "secret")
MAIL_SECURITY = ("none", "starttls", "tls")
LANGUAGES = ("en", "fr")
EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
SLUG_RE = re.compile(r"^[a-z0-9][a-z0-9-]{0,62}$")
REDIS_URL_RE = re.compile(r"^rediss?://[^/\s]+(/\d+)?$")
# Monday first, as datetime's weekday() counts them.
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
CLOCK_RE = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$")
DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
EXPERTS_RANGE = (1, 20)


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the config file, with the key path it concerns."""

    path: str
    message: str

    def __str__(self) -> str:
        return f"{self.path}: {self.message}" if self.path else self.message


def check_value(kind: str, value, path: str) -> list[Problem]:
    """The problems of one value of the given kind found at `path` (none: it is fine)."""
    def bad(msg: str) -> list[Problem]:
        return [Problem(path, msg)]

    if kind in ("str", "slug", "visibility", "language", "url", "dburl", "ratelimit", "timezone", "jobsbackend",
                "mailsecurity", "sender", "optemail", "cafile"):
        if not isinstance(value, str):
            return bad(f"must be a string, not {type_name(value)}.")
        if kind == "slug" and not SLUG_RE.match(value):
            return bad(f"'{value}' is not a valid slug (lowercase letters, digits and hyphens).")
        if kind == "visibility" and value not in VISIBILITIES:
            return bad(f"'{value}' is not a visibility; use one of {', '.join(VISIBILITIES)}.")
        if kind == "language" and value not in LANGUAGES:
            return bad(f"'{value}' is not a supported language; use one of {', '.join(LANGUAGES)}.")
        if kind == "url":
            parsed = urlparse(value)
            if parsed.scheme not in ("http", "https") or not parsed.netloc:
                return bad(f"'{value}' is not a valid http(s) URL.")
        if kind == "dburl" and value and not re.match(r"^(sqlite|postgresql)(\+\w+)?://", value):
            return bad(f"'{value}' is not a supported database URL (sqlite:/// or postgresql://).")
        if kind == "jobsbackend" and value != "sqlite" and not REDIS_URL_RE.match(value):
            return bad(f"'{value}' is not a job backend; use \"sqlite\" or \"redis://host:port/db\".")
        if kind == "mailsecurity" and value not in MAIL_SECURITY:
            return bad(f"'{value}' is not a mail security; use one of {', '.join(MAIL_SECURITY)}.")
        if kind == "cafile" and value:
            return _check_ca_file(value, path)
        if kind == "sender" and not EMAIL_RE.match(parseaddr(value)[1]):
            return bad(f"'{value}' is not a sender such as \"Agora <agora@example.com>\".")
        if kind == "optemail" and value and not EMAIL_RE.match(value):
            return bad(f"'{value}' is not an email address.")
        if kind == "timezone":
            try:
                get_timezone(value)
            except LookupError:
                return bad(f"'{value}' is not a known time zone such as 'Europe/Paris'.")
        if kind == "ratelimit":
            try:
                parse_many(value)
            except ValueError:
                return bad(f"'{value}' is not a rate limit such as '10 per minute'.")
        return []
    if kind in ("zone", "weekdays", "dates", "clock", "hours"):
        return _check_calendar(kind, value, path)
    if kind == "bool":
        return [] if isinstance(value, bool) else bad(f"must be true or false, not {type_name(value)}.")
    if kind == "int":
        if isinstance(value, bool) or not isinstance(value, int):
            return bad(f"must be a whole number, not {type_name(value)}.")
        return [] if value > 0 else bad("must be greater than zero.")
    if kind == "expertcount":
        low, high = EXPERTS_RANGE
        if isinstance(value, bool) or not isinstance(value, int):
            return bad(f"must be a whole number, not {type_name(value)}.")
        return [] if low <= value <= high else bad(f"must be between {low} and {high}, not {value}.")
    if kind in ("strlist", "emails", "languages"):
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            return bad("must be a list of strings.")
        if kind == "emails":
            return [Problem(f"{path}[{i}]", f"'{v}' is not an email address.")
                    for i, v in enumerate(value) if not EMAIL_RE.match(v)]
        if kind == "languages":
            problems = [Problem(f"{path}[{i}]", f"'{v}' is not a supported language; use one of {', '.join(LANGUAGES)}.")
                        for i, v in enumerate(value) if v not in LANGUAGES]
            if not value:
                problems.append(Problem(path, "must offer at least one language."))
            return problems
        return []
    if kind == "attrmap":
        if not isinstance(value, dict) or not all(
            isinstance(v, list) and all(isinstance(a, str) for a in v) for v in value.values()
        ):
            return bad("must map tag names to lists of attribute names.")
        return [Problem(f"{path}.{tag}", f"attribute '{a}' is never allowed (scripts and styles are refused).")
                for tag, attrs in value.items() for a in attrs if a.lower().startswith("on") or a.lower() == "style"]
    raise AssertionError(kind)


def _check_calendar(kind: str, value, path: str) -> list[Problem]:
    # The business calendar of [questions]: zoneinfo does the time arithmetic, so it must know the zone
    # (it is case-sensitive where babel is not).
    if kind == "zone":
        if not isinstance(value, str):
            return [Problem(path, f"must be a string, not {type_name(value)}.")]
        try:
            ZoneInfo(value)
        except (LookupError, ValueError):
            return [Problem(path, f"'{value}' is not a known time zone such as 'Europe/Paris'.")]
        return []
    if kind == "weekdays":
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            return [Problem(path, 'must be a list of days such as ["mon", "tue", "wed", "thu", "fri"].')]
        problems = [Problem(f"{path}[{i}]", f"'{v}' is not a day; use {', '.join(WEEKDAYS)}.")
                    for i, v in enumerate(value) if v not in WEEKDAYS]
        if not value:
            problems.append(Problem(path, "must name at least one working day."))
        return problems
    if kind == "dates":
        if not isinstance(value, list):
            return [Problem(path, 'must be a list of dates such as ["2027-12-25"].')]
        return [Problem(f"{path}[{i}]", message) for i, v in enumerate(value) if (message := _date_problem(v))]
    if kind == "clock":
        if not isinstance(value, str):
            return [Problem(path, f'must be a time in quotes such as "12:00", not {type_name(value)}.')]
        return [] if CLOCK_RE.match(value) else [Problem(path, f"'{value}' is not a time such as \"12:00\" (HH:MM).")]
    if not isinstance(value, list) or len(value) != 2:
        return [Problem(path, 'must be a start and an end such as ["09:00", "18:00"].')]
    problems = [p for i, v in enumerate(value) for p in _check_calendar("clock", v, f"{path}[{i}]")]
    if not problems and value[0] >= value[1]:
        problems.append(Problem(path, f"must start before it ends ('{value[0]}' is not before '{value[1]}')."))
    return problems


def _date_problem(value) -> str:
    if isinstance(value, date):
        # A bare TOML date reads as a date object; the config keeps dates as text.
        return f'must be written in quotes, as "{value.isoformat()}".'
    if not isinstance(value, str):
        return f'must be a date in quotes such as "2027-12-25", not {type_name(value)}.'
    try:
        if DATE_RE.match(value):
            date.fromisoformat(value)
            return ""
    except ValueError:
        pass
    return f"'{value}' is not a date such as \"2027-12-25\" (YYYY-MM-DD)."


def type_name(value) -> str:
    """How a message names the TOML type of `value`: "a string", "a table"."""
    return {bool: "a boolean", int: "a number", float: "a number", str: "a string", list: "a list",
            dict: "a table"}.get(type(value), type(value).__name__)


def normalise(kind: str, value):
    """The value as the app keeps it."""
    # Accounts store emails lowercased; the policy compares them as stored.
    if kind == "emails":
        return [v.strip().lower() for v in value]
    return value


def _check_ca_file(value: str, path: str) -> list[Problem]:
    # Checked here rather than at the first email: a job worker would only log it, hours later.
    if not Path(value).is_absolute():
        return [Problem(path, f"'{value}' is not an absolute path; job workers may run from another folder.")]
    try:
        ssl.create_default_context(cafile=value)
    except FileNotFoundError:
        return [Problem(path, f"the file '{value}' does not exist.")]
    except (OSError, ssl.SSLError) as exc:
        return [Problem(path, f"'{value}' is not a readable file of PEM certificates ({exc}).")]
    return []
