"""The admin config file: TOML loading, defaults and validation.

One schema describes every key, its type and default; `config.example.toml`
documents the same keys and a test keeps the two in step.
"""
from __future__ import annotations

import copy
import os
import re
import secrets
import ssl
import tomllib
from dataclasses import dataclass
from datetime import timedelta
from email.utils import parseaddr
from pathlib import Path
from urllib.parse import urlparse

from babel.dates import get_timezone
from limits import parse_many

# Tags and attributes a classic comment form offers, plus what Markdown output needs.
DEFAULT_TAGS = [
    "a", "abbr", "acronym", "b", "blockquote", "code", "em", "i", "strong",
    "p", "br", "hr", "ul", "ol", "li", "pre", "h1", "h2", "h3", "h4", "h5", "h6",
    "del", "s", "table", "thead", "tbody", "tr", "th", "td", "img",
]
DEFAULT_ATTRIBUTES = {
    "a": ["href", "title"],
    "abbr": ["title"],
    "acronym": ["title"],
    "blockquote": ["cite"],
    "img": ["src", "alt", "title"],
    "ol": ["start"],
    "th": ["align"],
    "td": ["align"],
}
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


class StartupError(Exception):
    """The app cannot start; `report()` tells the admin why (printed instead of a traceback)."""

    def report(self) -> str:
        return str(self)


class ConfigError(StartupError):
    """The config file cannot be used; `problems` says why."""

    def __init__(self, problems: list[Problem], source: str = ""):
        self.problems = problems
        self.source = source
        super().__init__(self.report())

    def report(self) -> str:
        head = f"Invalid configuration in {self.source}:" if self.source else "Invalid configuration:"
        return "\n".join([head] + [f"  - {p}" for p in self.problems])


# Key specs: (type, default). Types: str, int, bool, list[str] as "strlist", dict as "taglist".
SCHEMA: dict[str, dict[str, tuple]] = {
    "site": {
        "name": ("str", "Agora"),
        "base_url": ("url", "http://127.0.0.1:5000"),
        "default_language": ("language", "en"),
        "languages": ("languages", ["en", "fr"]),
        "secret_key": ("str", ""),
        "timezone": ("timezone", "Europe/Paris"),
    },
    "database": {
        "url": ("dburl", ""),
    },
    "auth": {
        "self_registration": ("bool", False),
        "allowed_email_domains": ("strlist", []),
        "min_password_length": ("int", 10),
        "session_lifetime_hours": ("int", 12),
        "secure_cookies": ("bool", True),
    },
    "admins": {
        "emails": ("emails", []),
    },
    "hr": {
        "emails": ("emails", []),
        "departments": ("strlist", []),
        "moderates": ("strlist", ["*"]),
    },
    "content": {
        "allowed_tags": ("strlist", DEFAULT_TAGS),
        "allowed_attributes": ("attrmap", DEFAULT_ATTRIBUTES),
        "max_post_length": ("int", 10000),
        "max_upload_mb": ("int", 5),
        "allowed_upload_types": ("strlist", [
            "image/png", "image/jpeg", "image/gif", "image/webp", "application/pdf", "text/plain",
        ]),
    },
    "limits": {
        "login": ("ratelimit", "10 per minute;50 per hour"),
        "api": ("ratelimit", "300 per minute"),
        "writes": ("ratelimit", "60 per minute"),
        "storage_uri": ("str", "memory://"),
    },
    "search": {
        "index_dir": ("str", ""),
    },
    "space_creation": {
        "enabled": ("bool", False),
    },
    "moderation": {
        "watch_keywords": ("strlist", []),
        "max_suspension_days": ("int", 90),
    },
    "jobs": {
        "backend": ("jobsbackend", "sqlite"),
        "workers": ("int", 2),
    },
    "mail": {
        "enabled": ("bool", False),
        "host": ("str", "localhost"),
        "port": ("int", 25),
        "security": ("mailsecurity", "none"),
        "ca_file": ("cafile", ""),
        "username": ("str", ""),
        "password": ("str", ""),
        "password_env": ("str", ""),
        "sender": ("sender", "Agora <agora@example.com>"),
        "reply_to": ("optemail", ""),
    },
}
# `[[spaces]]` is an array of tables: each entry has these keys.
SPACE_SCHEMA: dict[str, tuple] = {
    "slug": ("slug", None),
    "name": ("str", None),
    "description": ("str", ""),
    "visibility": ("visibility", "open"),
    "moderators": ("emails", []),
    "department": ("str", ""),
}
PROJECT_ROOT = Path(__file__).resolve().parent.parent


def defaults() -> dict:
    """The full configuration with every default filled in."""
    data = {section: {k: copy.deepcopy(spec[1]) for k, spec in keys.items()} for section, keys in SCHEMA.items()}
    data["spaces"] = []
    return data


def _check_value(kind: str, value, path: str) -> list[Problem]:
    def bad(msg: str) -> list[Problem]:
        return [Problem(path, msg)]

    if kind in ("str", "slug", "visibility", "language", "url", "dburl", "ratelimit", "timezone", "jobsbackend",
                "mailsecurity", "sender", "optemail", "cafile"):
        if not isinstance(value, str):
            return bad(f"must be a string, not {_type_name(value)}.")
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
    if kind == "bool":
        return [] if isinstance(value, bool) else bad(f"must be true or false, not {_type_name(value)}.")
    if kind == "int":
        if isinstance(value, bool) or not isinstance(value, int):
            return bad(f"must be a whole number, not {_type_name(value)}.")
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


def _type_name(value) -> str:
    return {bool: "a boolean", int: "a number", float: "a number", str: "a string", list: "a list",
            dict: "a table"}.get(type(value), type(value).__name__)


def _normalise(kind: str, value):
    # Accounts store emails lowercased; the policy compares them as stored.
    if kind == "emails":
        return [v.strip().lower() for v in value]
    return value


def validate(raw: dict) -> tuple[dict, list[Problem]]:
    """Merge `raw` over the defaults and list every problem found."""
    data = defaults()
    problems: list[Problem] = []
    for section, content in raw.items():
        if section == "spaces":
            data["spaces"], space_problems = _validate_spaces(content)
            problems += space_problems
            continue
        if section not in SCHEMA:
            problems.append(Problem(section, f"unknown section; known sections are {', '.join(sorted(SCHEMA) + ['spaces'])}."))
            continue
        if not isinstance(content, dict):
            problems.append(Problem(section, "must be a table ([section])."))
            continue
        for key, value in content.items():
            path = f"{section}.{key}"
            if key not in SCHEMA[section]:
                problems.append(Problem(path, f"unknown key; known keys in [{section}] are {', '.join(SCHEMA[section])}."))
                continue
            kind = SCHEMA[section][key][0]
            found = _check_value(kind, value, path)
            problems += found
            if not found:
                data[section][key] = _normalise(kind, value)
    mail = data["mail"]
    if mail["password"] and mail["password_env"]:
        problems.append(Problem("mail.password", "set either mail.password or mail.password_env, not both."))
    if mail["enabled"] and not mail["host"]:
        problems.append(Problem("mail.host", "is required when mail.enabled is true."))
    site = data["site"]
    if site["default_language"] not in site["languages"]:
        problems.append(Problem("site.default_language", f"'{site['default_language']}' is not among site.languages."))
    return data, problems


def _validate_spaces(content) -> tuple[list[dict], list[Problem]]:
    if not isinstance(content, list):
        return [], [Problem("spaces", "must be an array of tables ([[spaces]]).")]
    spaces, problems, seen = [], [], set()
    for i, entry in enumerate(content):
        base = f"spaces[{i}]"
        if not isinstance(entry, dict):
            problems.append(Problem(base, "must be a table."))
            continue
        space = {}
        for key, value in entry.items():
            if key not in SPACE_SCHEMA:
                problems.append(Problem(f"{base}.{key}", f"unknown key; known keys are {', '.join(SPACE_SCHEMA)}."))
                continue
            found = _check_value(SPACE_SCHEMA[key][0], value, f"{base}.{key}")
            problems += found
            if not found:
                space[key] = _normalise(SPACE_SCHEMA[key][0], value)
        for key, (_kind, default) in SPACE_SCHEMA.items():
            if key not in entry:
                if default is None:
                    problems.append(Problem(f"{base}.{key}", "is required."))
                else:
                    space[key] = copy.deepcopy(default)
        if space.get("slug") in seen:
            problems.append(Problem(f"{base}.slug", f"'{space['slug']}' is used by another space."))
        seen.add(space.get("slug"))
        spaces.append(space)
    return spaces, problems


def config_path() -> Path:
    """Where the config file lives: AGORA_CONFIG, else instance/agora.toml."""
    env = os.environ.get("AGORA_CONFIG")
    return Path(env) if env else instance_path() / "agora.toml"


def instance_path() -> Path:
    """The instance folder holding the SQLite database, index and secrets."""
    return Path(os.environ.get("AGORA_INSTANCE", PROJECT_ROOT / "instance")).resolve()


def load(path: Path | None = None) -> dict:
    """Read and validate the config file; a missing file means all defaults."""
    path = path or config_path()
    if not path.exists():
        if os.environ.get("AGORA_CONFIG"):
            raise ConfigError([Problem("", f"the file {path} does not exist.")], str(path))
        return defaults()
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError([Problem("", f"this is not valid TOML ({exc}).")], str(path)) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError([Problem("", f"the file cannot be read ({exc}).")], str(path)) from None
    data, problems = validate(raw)
    if problems:
        raise ConfigError(problems, str(path))
    return data


def from_mapping(raw: dict) -> dict:
    """Validate a config given as a mapping (tests, embedding)."""
    data, problems = validate(raw)
    if problems:
        raise ConfigError(problems, "<mapping>")
    return data


def flask_settings(settings: dict, instance: Path, package_dir: Path) -> dict:
    """Flask and extension settings derived from the validated config."""
    db_url = settings["database"]["url"] or f"sqlite:///{instance / 'agora.db'}"
    content = settings["content"]
    return dict(
        AGORA=settings,
        SECRET_KEY=settings["site"]["secret_key"] or os.environ.get("AGORA_SECRET_KEY") or _instance_secret(instance),
        SQLALCHEMY_DATABASE_URI=db_url,
        SQLALCHEMY_ENGINE_OPTIONS=_engine_options(db_url),
        SESSION_COOKIE_NAME="agora_session",
        SESSION_COOKIE_SECURE=settings["auth"]["secure_cookies"],
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        PERMANENT_SESSION_LIFETIME=timedelta(hours=settings["auth"]["session_lifetime_hours"]),
        # Room for one upload at the limit plus the form fields around it.
        MAX_CONTENT_LENGTH=(content["max_upload_mb"] + 1) * 1024 * 1024,
        MAX_FORM_MEMORY_SIZE=2 * 1024 * 1024,
        # A form left open for hours must still submit; the token is bound to the session.
        WTF_CSRF_TIME_LIMIT=None,
        WTF_CSRF_SSL_STRICT=False,
        BABEL_DEFAULT_LOCALE=settings["site"]["default_language"],
        BABEL_TRANSLATION_DIRECTORIES=str(package_dir / "translations"),
        RATELIMIT_STORAGE_URI=settings["limits"]["storage_uri"],
        RATELIMIT_HEADERS_ENABLED=True,
        JSON_SORT_KEYS=False,
        # Set by gunicorn.conf.py in web workers, which need no `flask db` commands.
        AGORA_SERVE_ONLY=os.environ.get("AGORA_SERVE_ONLY") == "1",
    )


def _engine_options(url: str) -> dict:
    if url.startswith("sqlite"):
        return {"connect_args": {"timeout": 15}}
    return {"pool_pre_ping": True, "pool_size": 5, "max_overflow": 5}


def _instance_secret(instance: Path) -> str:
    # Generated once per instance so that every worker on this host signs alike.
    path = instance / "secret_key"
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return path.read_text().strip()
    with os.fdopen(fd, "w") as handle:
        handle.write(secrets.token_hex(32))
    return path.read_text().strip()
