"""The values of the config file: one check per kind of value, each problem named by its key path."""
from __future__ import annotations

import re
from dataclasses import dataclass
from email.utils import parseaddr
from urllib.parse import urlparse

from babel.dates import get_timezone
from limits import parse_many

VISIBILITIES = ("open", "closed", "secret")
MAIL_SECURITY = ("none", "starttls", "tls")
LANGUAGES = ("en", "fr")
EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
SLUG_RE = re.compile(r"^[a-z0-9][a-z0-9-]{0,62}$")
REDIS_URL_RE = re.compile(r"^rediss?://[^/\s]+(/\d+)?$")


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
                "mailsecurity", "sender", "optemail"):
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
    if kind == "bool":
        return [] if isinstance(value, bool) else bad(f"must be true or false, not {type_name(value)}.")
    if kind == "int":
        if isinstance(value, bool) or not isinstance(value, int):
            return bad(f"must be a whole number, not {type_name(value)}.")
        return [] if value > 0 else bad("must be greater than zero.")
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
