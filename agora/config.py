"""The admin config file: TOML loading, the schema, defaults and validation of its structure.

One schema describes every key, its type and default; `config.example.toml`
documents the same keys and a test keeps the two in step.
"""
from __future__ import annotations

import copy
import os
import secrets
import tomllib
from datetime import timedelta
from pathlib import Path

from agora.config_values import Problem, check_value, normalise
from agora.core.folding import fold

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


# Key specs: (kind, default); agora/config_values.py checks each kind of value.
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
        "username": ("str", ""),
        "password": ("str", ""),
        "password_env": ("str", ""),
        "sender": ("sender", "Agora <agora@example.com>"),
        "reply_to": ("optemail", ""),
        "ca_file": ("cafile", ""),
    },
    "questions": {
        "time_zone": ("zone", "Europe/Paris"),
        "working_days": ("weekdays", ["mon", "tue", "wed", "thu", "fri"]),
        "holidays": ("dates", []),
        "business_hours": ("hours", ["09:00", "18:00"]),
        "ask_before": ("clock", "12:00"),
        "due_same_day": ("clock", "17:00"),
        "due_next_day": ("clock", "12:00"),
        "experts_per_question": ("expertcount", 3),
        "fallback": ("emails", []),
        "locations": ("locations", {}),
    },
}
# What a `[questions.locations."<place>"]` table and a space's `questions` table may set; the keys they
# leave out come from [questions].
LOCATION_KEYS = ("time_zone", "working_days", "holidays")
SPACE_QUESTION_KEYS = LOCATION_KEYS + ("ask_before", "due_same_day", "due_next_day")
# `[[spaces]]` is an array of tables: each entry has these keys.
SPACE_SCHEMA: dict[str, tuple] = {
    "slug": ("slug", None),
    "name": ("str", None),
    "description": ("str", ""),
    "visibility": ("visibility", "open"),
    "moderators": ("emails", []),
    "department": ("str", ""),
    "questions": ("spacequestions", {}),
}
PROJECT_ROOT = Path(__file__).resolve().parent.parent


def defaults() -> dict:
    """The full configuration with every default filled in."""
    data = {section: {k: copy.deepcopy(spec[1]) for k, spec in keys.items()} for section, keys in SCHEMA.items()}
    data["spaces"] = []
    return data


def _check(kind: str, value, path: str) -> list[Problem]:
    if kind == "locations":
        return _check_locations(value, path)
    if kind == "spacequestions":
        return _check_table(value, path, SPACE_QUESTION_KEYS)
    return check_value(kind, value, path)


def _check_table(table, path: str, keys: tuple[str, ...]) -> list[Problem]:
    if not isinstance(table, dict):
        return [Problem(path, "must be a table.")]
    problems = []
    for key, value in table.items():
        if key not in keys:
            problems.append(Problem(f"{path}.{key}", f"unknown key; known keys are {', '.join(keys)}."))
        else:
            problems += check_value(SCHEMA["questions"][key][0], value, f"{path}.{key}")
    return problems


def _check_locations(value, path: str) -> list[Problem]:
    if not isinstance(value, dict):
        return [Problem(path, 'must hold tables such as [questions.locations."Montréal"].')]
    problems, seen = [], {}
    for name, table in value.items():
        # Profiles hold the location as free text: it is matched folded, so two names may be one place.
        folded = " ".join(fold(name).split())
        if not folded:
            problems.append(Problem(f"{path}.{name}", "a location needs a name."))
        elif folded in seen:
            problems.append(Problem(f"{path}.{name}", f"is the same location as '{seen[folded]}' (case and accents "
                                                      "are ignored)."))
        seen.setdefault(folded, name)
        problems += _check_table(table, f"{path}.{name}", LOCATION_KEYS)
    return problems


def _check_promise(data: dict) -> list[Problem]:
    # Asked just before ask_before, a question must not be due already.
    questions = data["questions"]
    promises = [("questions", "due_same_day", questions)]
    for i, space in enumerate(data["spaces"]):
        own = space.get("questions") or {}
        if "due_same_day" in own or "ask_before" in own:
            promises.append((f"spaces[{i}].questions", "due_same_day" if "due_same_day" in own else "ask_before",
                             {**questions, **own}))
    return [Problem(f"{base}.{key}", f"due_same_day ('{promise['due_same_day']}') must be later than ask_before "
                                     f"('{promise['ask_before']}').")
            for base, key, promise in promises if promise["due_same_day"] <= promise["ask_before"]]


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
            found = _check(kind, value, path)
            problems += found
            if not found:
                data[section][key] = normalise(kind, value)
    mail = data["mail"]
    if mail["password"] and mail["password_env"]:
        problems.append(Problem("mail.password", "set either mail.password or mail.password_env, not both."))
    if mail["enabled"] and not mail["host"]:
        problems.append(Problem("mail.host", "is required when mail.enabled is true."))
    site = data["site"]
    if site["default_language"] not in site["languages"]:
        problems.append(Problem("site.default_language", f"'{site['default_language']}' is not among site.languages."))
    problems += _check_promise(data)
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
            found = _check(SPACE_SCHEMA[key][0], value, f"{base}.{key}")
            problems += found
            if not found:
                space[key] = normalise(SPACE_SCHEMA[key][0], value)
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
